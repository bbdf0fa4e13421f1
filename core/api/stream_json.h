// The DynamoDB Streams API's JSON of the change log (table/stream_log.h
// keeps the records' bytes and structure; their wire shape is here): the
// Record shape of GetRecords and of the JavaScript change feed, the shard
// and event ids, the sequence numbers' text.
//
// Record (GetRecords' Records[], and the feed's "Record"):
//   {"awsRegion": "local", "dynamodb": {"ApproximateCreationDateTime": <s>,
//    "Keys": {...}, "NewImage": {...}?, "OldImage": {...}?,
//    "SequenceNumber": "<21 digits>"?, "SizeBytes": n, "StreamViewType": v},
//    "eventID": id, "eventName": "INSERT"|"MODIFY"|"REMOVE",
//    "eventSource": "aws:dynamodb", "eventVersion": "1.1",
//    "userIdentity": {"PrincipalId": "dynamodb.amazonaws.com", "Type":
//    "Service"}? (a TTL delete)}
// eventID: 32 hex digits hashed from the stream ARN and sequence number; a
// feed record of a table without a stream has no sequence number and the id
// "feed-<n>". Sequence numbers are shown as 21 decimal digits, zero-padded,
// so that their string order is their numeric order.
#ifndef PD_API_STREAM_JSON_H_
#define PD_API_STREAM_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "table/stream_log.h"

namespace pd {
namespace api {

// 21 decimal digits, zero-padded.
std::string FormatSequenceNumber(uint64_t seq);
// Digits only, 1..40 of them, value < 2^64; else nullopt.
std::optional<uint64_t> ParseSequenceNumber(std::string_view text);

// "shardId-<20-digit created ms>-<8 hex digits of the ARN's hash>": the one
// shard of stream `s`.
std::string ShardId(const StreamInfo& s);

// The Record shape of the record `seq` of the stream `s` (GetRecords).
nlohmann::json RecordJson(const StreamInfo& s, uint64_t seq, const StreamRecord& rec);

// The change feed (Engine::TakeChanges): a JSON array of {"TableName": name,
// "Record": <Record shape, both images>} objects, oldest first.
std::string FeedJson(const std::vector<FeedChange>& changes);

}  // namespace api
}  // namespace pd

#endif  // PD_API_STREAM_JSON_H_
