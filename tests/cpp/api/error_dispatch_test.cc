// DdbError's wire form and the Dispatcher's request path.
#include <doctest/doctest.h>

#include <stdexcept>

#include "api/dispatch.h"
#include "api/error.h"
#include "api/ops/handler_util.h"
#include "api/ops/op_specs.h"
#include "api/response_text.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

TEST_CASE("a storage Status becomes the DdbError its kind says") {
  // Validation is the user's mistake, sent with the layer's DynamoDB text.
  CHECK(StorageError(Status::Validation("m")).ToJson() ==
        json{{"__type", "com.amazon.coral.validate#ValidationException"}, {"message", "m"}});
  DdbError missing = StorageError(Status::NotFound("key"));
  CHECK(missing.type == "ResourceNotFoundException");
  CHECK(missing.message == "Requested resource not found");
  // InvalidArgument is a broken contract inside the core, never the request's fault.
  DdbError bug = StorageError(Status::InvalidArgument("page 9 out of range"));
  CHECK(bug.type == "InternalServerError");
  CHECK(bug.message == "InvalidArgument: page 9 out of range");
  CHECK(StorageError(Status::Corruption("bad page")).type == "InternalServerError");
  CHECK(Status::Validation("x").ToString() == "Validation: x");
}

TEST_CASE("error namespaces follow DynamoDB") {
  CHECK(DdbError::Validation("m").ToJson() ==
        json{{"__type", "com.amazon.coral.validate#ValidationException"}, {"message", "m"}});
  CHECK(DdbError::Serialization("m").ToJson() ==
        json{{"__type", "com.amazon.coral.service#SerializationException"}, {"Message", "m"}});
  CHECK(DdbError::UnknownOperation().ToJson() ==
        json{{"__type", "com.amazon.coral.service#UnknownOperationException"}});
  CHECK(DdbError::ResourceNotFound("Requested resource not found").ToJson() ==
        json{{"__type", "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"},
             {"message", "Requested resource not found"}});
  CHECK(DdbError::InternalServerError("boom").WireType() ==
        "com.amazonaws.dynamodb.v20120810#InternalServerError");
  CHECK(DdbError::ResourceInUse("x").WireType() ==
        "com.amazonaws.dynamodb.v20120810#ResourceInUseException");
  CHECK(DdbError::TransactionConflict("x").type == "TransactionConflictException");
  CHECK(DdbError::IdempotentParameterMismatch("x").type == "IdempotentParameterMismatchException");
  CHECK(DdbError::ItemCollectionSizeLimitExceeded("x").type ==
        "ItemCollectionSizeLimitExceededException");
  CHECK(DdbError::LimitExceeded("x").type == "LimitExceededException");
  CHECK(DdbError::BackupNotFound("x").type == "BackupNotFoundException");
  CHECK(DdbError::TableNotFound("x").type == "TableNotFoundException");
  CHECK(DdbError::Serialization("").ToJson() ==
        json{{"__type", "com.amazon.coral.service#SerializationException"}});
}

TEST_CASE("ConditionalCheckFailedException carries the old item only when asked") {
  CHECK(DdbError::ConditionalCheckFailed().ToJson() ==
        json{{"__type", "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"},
             {"message", "The conditional request failed"}});
  json item = {{"a", {{"S", "x"}}}};
  json wire = DdbError::ConditionalCheckFailed(item).ToJson();
  CHECK(wire["Item"] == item);
  CHECK(wire["message"] == "The conditional request failed");
}

TEST_CASE("TransactionCanceledException lists its reasons") {
  CancellationReason none{"None", "", std::nullopt};
  CancellationReason failed{"ConditionalCheckFailed", "The conditional request failed",
                            json{{"a", {{"N", "1"}}}}};
  DdbError e = DdbError::TransactionCanceled({none, failed});
  CHECK(e.message ==
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[None, ConditionalCheckFailed]");
  json wire = e.ToJson();
  CHECK(wire["__type"] == "com.amazonaws.dynamodb.v20120810#TransactionCanceledException");
  CHECK(wire["CancellationReasons"] == json::array({{{"Code", "None"}},
                                                    {{"Code", "ConditionalCheckFailed"},
                                                     {"Message", "The conditional request failed"},
                                                     {"Item", {{"a", {{"N", "1"}}}}}}}));
}

TEST_CASE("DdbResult holds a value or an error") {
  DdbResult<int> ok(3);
  CHECK(ok.ok());
  CHECK(*ok == 3);
  DdbResult<int> bad(DdbError::Validation("no"));
  CHECK(!bad.ok());
  CHECK(bad.error().message == "no");
}

Dispatcher MakeDispatcher(std::vector<json>* seen) {
  std::vector<Operation> ops;
  ops.push_back(
      {"DescribeTable", &DescribeTableSpec,
       [seen](Context& ctx, const json& request) -> DdbResult<json> {
         seen->push_back(request);
         return json{{"Table", {{"TableName", request["TableName"]}, {"Now", ctx.NowMs()}}}};
       }});
  ops.push_back({"Throws", nullptr, [](Context&, const json&) -> DdbResult<json> {
                   throw std::runtime_error("disk on fire");
                 }});
  ops.push_back({"Fails", nullptr, [](Context&, const json&) -> DdbResult<json> {
                   return DdbError::ResourceNotFound("Requested resource not found");
                 }});
  return Dispatcher(std::move(ops));
}

TEST_CASE("dispatcher: request path and error order") {
  std::vector<json> seen;
  Dispatcher d = MakeDispatcher(&seen);
  Context ctx;
  ctx.clock = [] { return int64_t{1700000000123}; };

  // Valid request: the handler sees the normalized request.
  json out = d.ExecuteToWire(ctx, "DescribeTable", R"({"TableName":"abc","Extra":1,"X":null})");
  CHECK(out == json{{"Table", {{"TableName", "abc"}, {"Now", 1700000000123}}}});
  REQUIRE(seen.size() == 1);
  CHECK(seen[0] == json{{"TableName", "abc"}});

  // Not JSON: SerializationException, before the operation is looked at.
  CHECK(d.ExecuteToWire(ctx, "NoSuchOp", "{nope") ==
        json{{"__type", "com.amazon.coral.service#SerializationException"}});
  // Unknown operation.
  CHECK(d.ExecuteToWire(ctx, "NoSuchOp", "{}") ==
        json{{"__type", "com.amazon.coral.service#UnknownOperationException"}});
  // Empty body.
  CHECK(d.ExecuteToWire(ctx, "DescribeTable", "") ==
        json{{"__type", "com.amazon.coral.service#SerializationException"}});
  // JSON, but not an object.
  CHECK(d.ExecuteToWire(ctx, "DescribeTable", "[1]") ==
        json{{"__type", "com.amazon.coral.service#SerializationException"},
             {"Message", "Start of list found where not expected"}});
  CHECK(d.ExecuteToWire(ctx, "DescribeTable", "\"x\"") ==
        json{{"__type", "com.amazon.coral.service#SerializationException"},
             {"Message", "Unexpected value type in payload"}});
  // Spec errors never reach the handler.
  CHECK(d.ExecuteToWire(ctx, "DescribeTable", "{}") ==
        json{{"__type", "com.amazon.coral.validate#ValidationException"},
             {"message",
              "The parameter 'TableName' is required but was not present in the "
              "request"}});
  CHECK(seen.size() == 1);
  // Handler errors and exceptions.
  CHECK(d.ExecuteToWire(ctx, "Fails", "{}")["__type"] ==
        "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
  CHECK(d.ExecuteToWire(ctx, "Throws", "{}") ==
        json{{"__type", "com.amazonaws.dynamodb.v20120810#InternalServerError"},
             {"message", "disk on fire"}});
  // Parsed entry point.
  DdbResult<json> r = d.ExecuteJson(ctx, "DescribeTable", json{{"TableName", "a;"}});
  REQUIRE(!r.ok());
  CHECK(r.error().message ==
        "2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value 'a;' at "
        "'tableName' failed to satisfy constraint: Member must have length greater than or "
        "equal to 3");
  CHECK(d.Serves("Throws"));
  CHECK(!d.Serves("throws"));
}

TEST_CASE("context clock defaults to the system clock") {
  Context ctx;
  int64_t now = ctx.NowMs();
  CHECK(now > int64_t{1600000000000});
}

TEST_CASE("every operation has a spec") {
  const char* names[] = {"CreateTable",
                         "DescribeTable",
                         "ListTables",
                         "DeleteTable",
                         "UpdateTable",
                         "PutItem",
                         "GetItem",
                         "UpdateItem",
                         "DeleteItem",
                         "Query",
                         "Scan",
                         "BatchGetItem",
                         "BatchWriteItem",
                         "TransactWriteItems",
                         "TransactGetItems",
                         "CreateBackup",
                         "DescribeBackup",
                         "ListBackups",
                         "DeleteBackup",
                         "RestoreTableFromBackup",
                         "UpdateTimeToLive",
                         "DescribeTimeToLive",
                         "ListStreams",
                         "DescribeStream",
                         "GetShardIterator",
                         "GetRecords",
                         "ExecuteStatement",
                         "BatchExecuteStatement",
                         "ExecuteTransaction",
                         "TagResource",
                         "UntagResource",
                         "ListTagsOfResource",
                         "DescribeContinuousBackups",
                         "UpdateContinuousBackups",
                         "DescribeLimits",
                         "DescribeEndpoints"};
  CHECK(AllOperationSpecs().size() == 36);
  for (const char* name : names) {
    const OperationSpec* spec = FindOperationSpec(name);
    REQUIRE_MESSAGE(spec != nullptr, name);
    CHECK(spec->name == name);
    CHECK(spec->input.type == ParamType::kStruct);
  }
  CHECK(FindOperationSpec("RestoreTableToPointInTime") == nullptr);
}

TEST_CASE("ParseJson accepts what json::parse does, with and without exceptions") {
  const std::string texts[] = {
      "{}", " {\"a\": [1, 2.5, -3e2, true, null, \"x\\u00e9\\ud83d\\ude00\"]} \n", "\"s\"", "0",
      "18446744073709551615", "-9223372036854775808", "1e999", "[[[[[]]]]]",
      // Not JSON: empty, trailing bytes, bad tokens, unpaired surrogate escape, bad UTF-8.
      "", "   ", "{} x", "{}{}", "{nope", "[1,]", "{\"a\":}", "\"\\ud800\"", "\"\xff\"", "tru",
      "01", std::string("{\"a\":1}\0", 8)};
  for (const std::string& text : texts) {
    CAPTURE(text);
    const json want = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
    const json got = ParseJson(text, /*allow_exceptions=*/false);
    CHECK(got.is_discarded() == want.is_discarded());
    if (!want.is_discarded()) CHECK(got == want);
    // With exceptions: a json exception on bad input (nlohmann's own message
    // texts are not reproduced: api/json_reader.h), else the same value.
    json reference;
    json parsed;
    bool thrown = false;
    bool ours = false;
    try {
      reference = json::parse(text);
    } catch (const json::exception&) {
      thrown = true;
    }
    try {
      parsed = ParseJson(text, /*allow_exceptions=*/true);
    } catch (const json::parse_error&) {
      ours = true;
    }
    CHECK(ours == thrown);
    if (!thrown) CHECK(parsed == reference);
    CHECK(ours == want.is_discarded());
  }
}

}  // namespace
}  // namespace api
}  // namespace pd
