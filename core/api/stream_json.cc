// The Streams API's JSON of the change log (contract in api/stream_json.h).
#include "api/stream_json.h"

#include <cstdio>

#include "value/json_codec.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

const char* EventName(StreamEvent e) {
  return e == StreamEvent::kInsert ? "INSERT" : e == StreamEvent::kModify ? "MODIFY" : "REMOVE";
}

uint64_t Fnv1a64(std::string_view bytes, uint64_t seed) {
  uint64_t h = seed;
  for (unsigned char c : bytes) h = (h ^ c) * 0x100000001B3ULL;
  return h;
}

std::string EventId(std::string_view arn, uint64_t seq) {
  const std::string s = std::string(arn) + "#" + std::to_string(seq);
  char buf[33];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx",
                static_cast<unsigned long long>(Fnv1a64(s, 0xCBF29CE484222325ULL)),
                static_cast<unsigned long long>(Fnv1a64(s, 0x84222325CBF29CE4ULL)));
  return buf;
}

json Record(const std::string& event_id, const StreamRecord& rec, StreamViewType view,
            std::optional<uint64_t> seq) {
  json dynamodb = json::object();
  dynamodb["ApproximateCreationDateTime"] = rec.created_ms / 1000;  // rounded down to the second
  dynamodb["Keys"] = ItemToJson(rec.keys);
  if (rec.new_image) dynamodb["NewImage"] = ItemToJson(*rec.new_image);
  if (rec.old_image) dynamodb["OldImage"] = ItemToJson(*rec.old_image);
  if (seq) dynamodb["SequenceNumber"] = FormatSequenceNumber(*seq);
  dynamodb["SizeBytes"] = rec.size_bytes;
  dynamodb["StreamViewType"] = StreamViewTypeName(view);
  json out = {{"eventID", event_id},     {"eventName", EventName(rec.event)},
              {"eventVersion", "1.1"},   {"eventSource", "aws:dynamodb"},
              {"awsRegion", kArnRegion}, {"dynamodb", std::move(dynamodb)}};
  if (rec.by_service) {
    out["userIdentity"] = {{"PrincipalId", "dynamodb.amazonaws.com"}, {"Type", "Service"}};
  }
  return out;
}

}  // namespace

std::string FormatSequenceNumber(uint64_t seq) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%021llu", static_cast<unsigned long long>(seq));
  return buf;
}

std::optional<uint64_t> ParseSequenceNumber(std::string_view text) {
  if (text.empty() || text.size() > 40) return std::nullopt;
  uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (UINT64_MAX - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::string ShardId(const StreamInfo& s) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "shardId-%020lld-%08x", static_cast<long long>(s.created_ms),
                static_cast<unsigned>(Fnv1a64(s.arn, 0xCBF29CE484222325ULL) & 0xFFFFFFFFu));
  return buf;
}

json RecordJson(const StreamInfo& s, uint64_t seq, const StreamRecord& rec) {
  return Record(EventId(s.arn, seq), rec, s.view_type, seq);
}

std::string FeedJson(const std::vector<FeedChange>& changes) {
  json out = json::array();
  for (const FeedChange& c : changes) {
    const std::string id =
        c.seq ? EventId(c.stream_arn, *c.seq) : "feed-" + std::to_string(c.feed_number);
    json change = {{"TableName", c.table_name},
                   {"Record", Record(id, c.record, StreamViewType::kNewAndOldImages, c.seq)}};
    out.push_back(std::move(change));
  }
  return out.dump();
}

}  // namespace api
}  // namespace pd
