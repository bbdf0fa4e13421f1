// The DynamoDB Streams service's operations (target prefix
// DynamoDBStreams_20120810): ListStreams, DescribeStream, GetShardIterator,
// GetRecords, over the streams the change log keeps (table/stream_log.h).
// Each stream has exactly one shard, open while the stream is ENABLED and
// closed (EndingSequenceNumber set) once it is DISABLED.
//
// Shard iterators are opaque to callers; their text is
//   "pd1|" arn "|" shard id "|" next sequence number (decimal) "|" issued ms
//   "|" 16 hex digits of a check hash over the rest
// Stream ARNs are arn:aws:dynamodb:local:000000000000:table/<name>/stream/
// <label> (DynamoDB's form, table/table_description.h's StreamArn).
// Errors, DynamoDB's types:
//   ValidationException "Invalid StreamArn": a StreamArn (DescribeStream,
//     GetShardIterator) not of a stream ARN's form (DynamoDB Streams' text, as
//     the AWS SDK for JavaScript's integration tests recorded it for
//     "fake-stream"); its length (37-1024) is checked first, by the spec
//   ResourceNotFoundException "Requested resource not found: Stream: <arn> not found"
//     (a well-formed ARN of a stream this database does not have, in any
//     region or account), "Requested resource not found: Shard does not exist"
//   ValidationException "Invalid ShardIterator" (a string that is not an
//     iterator of this database), "Invalid SequenceNumber" (not decimal
//     digits), "SequenceNumber is required for ShardIteratorType
//     AT_SEQUENCE_NUMBER" (and AFTER_SEQUENCE_NUMBER)
//   ExpiredIteratorException "Shard iterator has expired" (older than 15 minutes)
//   TrimmedDataAccessException when the position asked for was trimmed (24 h)
#include <cstdio>
#include <string>
#include <vector>

#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/ops/op_specs.h"
#include "api/stream_json.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr char kIteratorTag[] = "pd1";

DdbError Typed(const char* type, std::string message) {
  DdbError e = DdbError::Validation(std::move(message));
  e.type = type;
  return e;
}

DdbError StreamNotFound(const std::string& arn) {
  return DdbError::ResourceNotFound(msg::ResourceNotFound("Stream", arn));
}

DdbError Trimmed() {
  return Typed("TrimmedDataAccessException",
               "The operation attempted to read past the oldest stream record in a shard.");
}

uint64_t Hash(const std::string& s) {
  uint64_t h = 0x9AE16A3B2F90404FULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ULL;
  return h;
}

std::string MakeIterator(const StreamInfo& s, uint64_t seq, int64_t issued_ms) {
  std::string body = std::string(kIteratorTag) + "|" + s.arn + "|" + ShardId(s) + "|" +
                     std::to_string(seq) + "|" + std::to_string(issued_ms);
  char check[17];
  std::snprintf(check, sizeof(check), "%016llx", static_cast<unsigned long long>(Hash(body)));
  return body + "|" + check;
}

struct Iterator {
  std::string arn;        // stream ARN
  std::string shard_id;   // its shard
  uint64_t seq = 0;       // next record to read has seq >= this
  int64_t issued_ms = 0;  // when GetShardIterator / GetRecords issued it
};

std::optional<Iterator> ParseIterator(const std::string& text) {
  std::vector<std::string> parts;
  size_t at = 0;
  while (true) {
    size_t bar = text.find('|', at);
    parts.push_back(text.substr(at, bar == std::string::npos ? std::string::npos : bar - at));
    if (bar == std::string::npos) break;
    at = bar + 1;
  }
  if (parts.size() != 6 || parts[0] != kIteratorTag) return std::nullopt;
  const std::string body = text.substr(0, text.size() - parts[5].size() - 1);
  char check[17];
  std::snprintf(check, sizeof(check), "%016llx", static_cast<unsigned long long>(Hash(body)));
  if (parts[5] != check) return std::nullopt;
  std::optional<uint64_t> seq = ParseSequenceNumber(parts[3]);
  std::optional<uint64_t> issued = ParseSequenceNumber(parts[4]);
  if (!seq || !issued) return std::nullopt;
  return Iterator{parts[1], parts[2], *seq, static_cast<int64_t>(*issued)};
}

DdbResult<StreamInfo> FindStream(Store& store, const std::string& arn) {
  if (!IsStreamArnForm(arn)) return DdbError::Validation("Invalid StreamArn");
  Result<StreamInfo> info = store.change_log->Stream(arn);
  if (info.ok()) return std::move(info).value();
  if (info.status().IsNotFound()) return StreamNotFound(arn);
  return StorageError(info.status());
}

constexpr Param kStreamArnParam = String("StreamArn").Length(37, 1024);

}  // namespace

constexpr Param kListStreamsInput[] = {
    String("TableName").Matches(kTableNamePatternSpec).Length(3, 255),
    Integer("Limit").Min(1).Max(100), String("ExclusiveStartStreamArn").Length(37, 1024)};
constexpr OperationSpec kListStreamsSpec{
    "ListStreams", Struct("", "ListStreamsInput", kListStreamsInput), nullptr};
const OperationSpec& ListStreamsSpec() { return kListStreamsSpec; }

constexpr Param kDescribeStreamInput[] = {kStreamArnParam.NotNull(),
                                          Integer("Limit").Min(1).Max(100),
                                          String("ExclusiveStartShardId").Length(28, 65)};
constexpr OperationSpec kDescribeStreamSpec{
    "DescribeStream", Struct("", "DescribeStreamInput", kDescribeStreamInput), nullptr};
const OperationSpec& DescribeStreamSpec() { return kDescribeStreamSpec; }

constexpr Param kGetShardIteratorInput[] = {
    kStreamArnParam.NotNull(), String("ShardId").NotNull().Length(28, 65),
    String("ShardIteratorType")
        .NotNull()
        .Enum("TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER"),
    String("SequenceNumber").Length(21, 40)};
constexpr OperationSpec kGetShardIteratorSpec{
    "GetShardIterator", Struct("", "GetShardIteratorInput", kGetShardIteratorInput), nullptr};
const OperationSpec& GetShardIteratorSpec() { return kGetShardIteratorSpec; }

constexpr Param kGetRecordsInput[] = {String("ShardIterator").NotNull().Length(1, 2048),
                                      Integer("Limit").Min(1).Max(1000)};
constexpr OperationSpec kGetRecordsSpec{"GetRecords",
                                        Struct("", "GetRecordsInput", kGetRecordsInput), nullptr};
const OperationSpec& GetRecordsSpec() { return kGetRecordsSpec; }

DdbResult<json> HandleListStreams(Store& store, Context& ctx, const json& request) {
  (void)ctx;
  std::optional<std::string> table;
  if (request.contains("TableName")) table = request.at("TableName").get<std::string>();
  const std::string start = StringMember(request, "ExclusiveStartStreamArn");
  const int64_t limit = request.contains("Limit") ? request.at("Limit").get<int64_t>() : 100;
  Result<std::vector<StreamInfo>> streams = store.change_log->Streams(table);
  if (!streams.ok()) return StorageError(streams.status());
  json list = json::array();
  std::optional<std::string> last;
  for (const StreamInfo& s : *streams) {
    if (!start.empty() && s.arn <= start) continue;
    if (static_cast<int64_t>(list.size()) == limit) {
      last = list.back().at("StreamArn").get<std::string>();
      break;
    }
    list.push_back({{"StreamArn", s.arn}, {"TableName", s.table_name}, {"StreamLabel", s.Label()}});
  }
  json out = {{"Streams", std::move(list)}};
  if (last) out["LastEvaluatedStreamArn"] = *last;
  return out;
}

DdbResult<json> HandleDescribeStream(Store& store, Context& ctx, const json& request) {
  (void)ctx;
  DdbResult<StreamInfo> info = FindStream(store, request.at("StreamArn").get<std::string>());
  if (!info.ok()) return info.take_error();
  Result<std::optional<std::pair<uint64_t, uint64_t>>> range = store.change_log->RecordRange(*info);
  if (!range.ok()) return StorageError(range.status());
  json seq_range = json::object();
  const uint64_t start =
      *range ? (*range)->first : std::max(info->start_seq, info->trimmed_through + 1);
  seq_range["StartingSequenceNumber"] = FormatSequenceNumber(start);
  if (info->disabled_ms != 0) {
    seq_range["EndingSequenceNumber"] = FormatSequenceNumber(*range ? (*range)->second : start);
  }
  json shards = json::array();
  if (StringMember(request, "ExclusiveStartShardId") != ShardId(*info)) {
    shards.push_back({{"ShardId", ShardId(*info)}, {"SequenceNumberRange", std::move(seq_range)}});
  }
  json schema = json::array({{{"AttributeName", info->hash_key.name}, {"KeyType", "HASH"}}});
  if (info->range_key)
    schema.push_back({{"AttributeName", info->range_key->name}, {"KeyType", "RANGE"}});
  return json{{"StreamDescription",
               {{"StreamArn", info->arn},
                {"StreamLabel", info->Label()},
                {"StreamStatus", info->disabled_ms != 0 ? "DISABLED" : "ENABLED"},
                {"StreamViewType", StreamViewTypeName(info->view_type)},
                {"CreationRequestDateTime", static_cast<double>(info->created_ms) / 1000.0},
                {"TableName", info->table_name},
                {"KeySchema", std::move(schema)},
                {"Shards", std::move(shards)}}}};
}

DdbResult<json> HandleGetShardIterator(Store& store, Context& ctx, const json& request) {
  DdbResult<StreamInfo> info = FindStream(store, request.at("StreamArn").get<std::string>());
  if (!info.ok()) return info.take_error();
  if (request.at("ShardId").get<std::string>() != ShardId(*info)) {
    return DdbError::ResourceNotFound(std::string(msg::kResourceNotFound) +
                                      ": Shard does not exist");
  }
  const std::string type = request.at("ShardIteratorType").get<std::string>();
  uint64_t seq = 0;
  if (type == "TRIM_HORIZON") {
    seq = std::max(info->start_seq, info->trimmed_through + 1);
  } else if (type == "LATEST") {
    Result<uint64_t> next = store.change_log->NextSequenceNumber();
    if (!next.ok()) return StorageError(next.status());
    seq = *next;
  } else {
    const std::string text = StringMember(request, "SequenceNumber");
    if (text.empty()) {
      return DdbError::Validation("SequenceNumber is required for ShardIteratorType " + type);
    }
    std::optional<uint64_t> n = ParseSequenceNumber(text);
    if (!n || *n == UINT64_MAX) return DdbError::Validation("Invalid SequenceNumber");
    if (*n <= info->trimmed_through) return Trimmed();
    seq = type == "AT_SEQUENCE_NUMBER" ? *n : *n + 1;
  }
  return json{{"ShardIterator", MakeIterator(*info, seq, ctx.NowMs())}};
}

DdbResult<json> HandleGetRecords(Store& store, Context& ctx, const json& request) {
  std::optional<Iterator> it = ParseIterator(request.at("ShardIterator").get<std::string>());
  if (!it) return DdbError::Validation("Invalid ShardIterator");
  const int64_t now = ctx.NowMs();
  if (now - it->issued_ms > kShardIteratorLifetimeMs) {
    return Typed("ExpiredIteratorException", "Shard iterator has expired");
  }
  DdbResult<StreamInfo> info = FindStream(store, it->arn);
  if (!info.ok()) return info.take_error();
  if (it->seq != 0 && it->seq <= info->trimmed_through) return Trimmed();
  const uint32_t limit =
      request.contains("Limit") ? static_cast<uint32_t>(request.at("Limit").get<int64_t>()) : 1000;
  Result<StreamRecordPage> page = store.change_log->Read(*info, it->seq, limit);
  if (!page.ok()) return StorageError(page.status());
  json records = json::array();
  for (const auto& [seq, rec] : page->records) records.push_back(RecordJson(*info, seq, rec));
  json out = {{"Records", std::move(records)}};
  bool closed_end = false;
  if (info->disabled_ms != 0 && page->records.size() < limit)
    closed_end = true;  // shard read to its end
  if (!closed_end) out["NextShardIterator"] = MakeIterator(*info, page->next_seq, now);
  return out;
}

}  // namespace api
}  // namespace pd
