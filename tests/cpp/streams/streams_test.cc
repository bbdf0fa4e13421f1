// DynamoDB Streams: StreamSpecification on CreateTable / UpdateTable, the
// records every write path leaves (table/stream_log.h), the Streams API
// (ListStreams, DescribeStream, GetShardIterator, GetRecords), rollbacks,
// 24-hour trimming, reopening from page images, and the change feed.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

constexpr int64_t kHourMs = 3600 * 1000;

// A database whose clock the test moves.
struct StreamDb {
  TestDb db;
  int64_t now = kTestNowMs;  // ms since the epoch, read by the engine

  StreamDb() {
    db.engine().set_clock([this] { return now; });
  }

  // Table "Tbl" (pk S, sk N) with a stream of `view`.
  std::string CreateStreamTable(const std::string& view, const std::string& name = "Tbl") {
    json r = db.Ok(
        "CreateTable",
        {{"TableName", name},
         {"BillingMode", "PAY_PER_REQUEST"},
         {"KeySchema", json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                                    {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}})},
         {"AttributeDefinitions", json::array({{{"AttributeName", "pk"}, {"AttributeType", "S"}},
                                               {{"AttributeName", "sk"}, {"AttributeType", "N"}}})},
         {"StreamSpecification", {{"StreamEnabled", true}, {"StreamViewType", view}}}});
    return r["TableDescription"]["LatestStreamArn"].get<std::string>();
  }

  std::string ShardId(const std::string& arn) {
    json d = db.Ok("DescribeStream", {{"StreamArn", arn}});
    return d["StreamDescription"]["Shards"][0]["ShardId"].get<std::string>();
  }

  std::string Iterator(const std::string& arn, const std::string& type,
                       const std::string& seq = "") {
    json request = {{"StreamArn", arn}, {"ShardId", ShardId(arn)}, {"ShardIteratorType", type}};
    if (!seq.empty()) request["SequenceNumber"] = seq;
    return db.Ok("GetShardIterator", request)["ShardIterator"].get<std::string>();
  }

  // Every record from TRIM_HORIZON.
  json All(const std::string& arn) {
    return db.Ok("GetRecords", {{"ShardIterator", Iterator(arn, "TRIM_HORIZON")}})["Records"];
  }
};

json Item(const std::string& pk, int sk, const std::string& v) {
  return {{"pk", S(pk)}, {"sk", N(std::to_string(sk))}, {"v", S(v)}};
}
json Key(const std::string& pk, int sk) { return {{"pk", S(pk)}, {"sk", N(std::to_string(sk))}}; }

std::vector<std::string> EventNames(const json& records) {
  std::vector<std::string> out;
  for (const json& r : records) out.push_back(r["eventName"].get<std::string>());
  return out;
}

TEST_CASE("StreamSpecification: CreateTable, DescribeTable, UpdateTable and their errors") {
  StreamDb s;
  const std::string arn = s.CreateStreamTable("NEW_AND_OLD_IMAGES");
  CHECK(arn == "arn:aws:dynamodb:local:000000000000:table/Tbl/stream/2024-01-02T03:04:05.678");
  json d = s.db.Describe("Tbl");
  CHECK(d["StreamSpecification"] ==
        json({{"StreamEnabled", true}, {"StreamViewType", "NEW_AND_OLD_IMAGES"}}));
  CHECK(d["LatestStreamLabel"] == "2024-01-02T03:04:05.678");

  json base = {
      {"TableName", "Utb"},
      {"BillingMode", "PAY_PER_REQUEST"},
      {"KeySchema", json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}}})},
      {"AttributeDefinitions", json::array({{{"AttributeName", "pk"}, {"AttributeType", "S"}}})}};
  json bad = base;
  bad["StreamSpecification"] = {{"StreamEnabled", true}};
  s.db.ExpectError("CreateTable", bad, "ValidationException",
                   "One or more parameter values were invalid: Table is being created with a "
                   "stream enabled, UpdateViewType is required");
  bad["StreamSpecification"] = {{"StreamEnabled", false}, {"StreamViewType", "KEYS_ONLY"}};
  s.db.ExpectError("CreateTable", bad, "ValidationException",
                   "One or more parameter values were invalid: Table is being created with a "
                   "stream disabled, UpdateViewType should not be specified");
  base["StreamSpecification"] = {{"StreamEnabled", false}};
  s.db.Ok("CreateTable", base);
  CHECK_FALSE(s.db.Describe("Utb").contains("StreamSpecification"));
  CHECK_FALSE(s.db.Describe("Utb").contains("LatestStreamArn"));

  auto update = [&](json spec) {
    return json{{"TableName", "Tbl"}, {"StreamSpecification", std::move(spec)}};
  };
  s.db.ExpectError("UpdateTable",
                   update({{"StreamEnabled", true}, {"StreamViewType", "KEYS_ONLY"}}),
                   "ValidationException", "Table already has an enabled stream: TableName: Tbl");
  s.db.ExpectError("UpdateTable", update({{"StreamEnabled", true}}), "ValidationException",
                   "One or more parameter values were invalid: If stream is being enabled then "
                   "UpdateViewType is required");
  s.db.ExpectError("UpdateTable",
                   update({{"StreamEnabled", false}, {"StreamViewType", "KEYS_ONLY"}}),
                   "ValidationException",
                   "One or more parameter values were invalid: If stream is being disabled, then "
                   "UpdateViewType must not be specified");
  s.now += 1000;
  json off = s.db.Ok("UpdateTable", update({{"StreamEnabled", false}}))["TableDescription"];
  CHECK_FALSE(off.contains("StreamSpecification"));
  CHECK(off["LatestStreamArn"] == arn);  // DynamoDB keeps reporting the latest stream
  s.db.ExpectError("UpdateTable", update({{"StreamEnabled", false}}), "ValidationException",
                   "Table has no stream to disable: TableName: Tbl");
  json on =
      s.db.Ok("UpdateTable", update({{"StreamEnabled", true}, {"StreamViewType", "KEYS_ONLY"}}));
  const std::string arn2 = on["TableDescription"]["LatestStreamArn"].get<std::string>();
  CHECK(arn2 != arn);
  CHECK(on["TableDescription"]["StreamSpecification"]["StreamViewType"] == "KEYS_ONLY");

  json list = s.db.Ok("ListStreams", json::object())["Streams"];
  REQUIRE(list.size() == 2);
  CHECK(list[0]["StreamArn"] == arn);
  CHECK(list[1]["StreamArn"] == arn2);
  CHECK(list[0]["TableName"] == "Tbl");
  CHECK(s.db.Ok("ListStreams", {{"TableName", "Utb"}})["Streams"].empty());
  json page = s.db.Ok("ListStreams", {{"Limit", 1}});
  CHECK(page["Streams"].size() == 1);
  CHECK(page["LastEvaluatedStreamArn"] == arn);
  CHECK(s.db.Ok("ListStreams", {{"ExclusiveStartStreamArn", arn}})["Streams"][0]["StreamArn"] ==
        arn2);

  json old = s.db.Ok("DescribeStream", {{"StreamArn", arn}})["StreamDescription"];
  CHECK(old["StreamStatus"] == "DISABLED");
  CHECK(old["StreamViewType"] == "NEW_AND_OLD_IMAGES");
  CHECK(old["TableName"] == "Tbl");
  CHECK(old["KeySchema"].size() == 2);
  CHECK(old["Shards"][0]["SequenceNumberRange"].contains("EndingSequenceNumber"));
  json cur = s.db.Ok("DescribeStream", {{"StreamArn", arn2}})["StreamDescription"];
  CHECK(cur["StreamStatus"] == "ENABLED");
  CHECK_FALSE(cur["Shards"][0]["SequenceNumberRange"].contains("EndingSequenceNumber"));
  // A well-formed ARN of a stream it does not have; one not of a stream
  // ARN's form is "Invalid StreamArn" (DynamoDB Streams' text).
  const std::string table_arn = arn.substr(0, arn.find("/stream/"));
  for (const std::string& unknown : {table_arn + "/stream/2020-01-01T00:00:00.000",
                                     "arn:aws:dynamodb:us-east-1:123456789012:table/Tbl/stream/" +
                                         arn.substr(arn.size() - 23)}) {
    s.db.ExpectError("DescribeStream", {{"StreamArn", unknown}}, "ResourceNotFoundException",
                     "Requested resource not found: Stream: " + unknown + " not found");
    s.db.ExpectError("GetShardIterator",
                     {{"StreamArn", unknown},
                      {"ShardId", cur["Shards"][0]["ShardId"]},
                      {"ShardIteratorType", "LATEST"}},
                     "ResourceNotFoundException",
                     "Requested resource not found: Stream: " + unknown + " not found");
  }
  for (const std::string& bad :
       {arn + "x", table_arn + "/stream/2020-01-01 00:00:00.000", table_arn + "/index/byX/x",
        "arn:aws:dynamodb:local:0000:table/Tbl/stream/" + arn.substr(arn.size() - 23),
        "arn:aws:dynamodb::000000000000:table/Tbl/stream/" + arn.substr(arn.size() - 23),
        "arn:aws:kinesis:local:000000000000:table/Tbl/stream/" + arn.substr(arn.size() - 23),
        "arn:aws:dynamodb:local:000000000000:table/T;b/stream/" + arn.substr(arn.size() - 23),
        std::string(40, 'x')}) {
    s.db.ExpectError("DescribeStream", {{"StreamArn", bad}}, "ValidationException",
                     "Invalid StreamArn");
    s.db.ExpectError("GetShardIterator",
                     {{"StreamArn", bad},
                      {"ShardId", cur["Shards"][0]["ShardId"]},
                      {"ShardIteratorType", "LATEST"}},
                     "ValidationException", "Invalid StreamArn");
  }
  s.db.ExpectError("DescribeStream", {{"StreamArn", "fake-stream"}}, "ValidationException",
                   "1 validation error detected: Value 'fake-stream' at 'streamArn' failed to "
                   "satisfy constraint: Member must have length greater than or equal to 37");
  CHECK(s.db.CheckText() == "OK");
}

TEST_CASE("records: every write path, in commit order, none for writes that change nothing") {
  StreamDb s;
  const std::string arn = s.CreateStreamTable("NEW_AND_OLD_IMAGES");
  s.db.Put("Tbl", Item("a", 1, "x"));  // INSERT
  s.db.Put("Tbl", Item("a", 1, "x"));  // identical: no record
  s.db.Put("Tbl", Item("a", 1, "y"));  // MODIFY
  s.db.Ok("UpdateItem", {{"TableName", "Tbl"},
                         {"Key", Key("a", 1)},
                         {"UpdateExpression", "SET v = :v"},
                         {"ExpressionAttributeValues", {{":v", S("z")}}}});
  s.db.Ok("UpdateItem", {{"TableName", "Tbl"},
                         {"Key", Key("a", 1)},  // no change: no record
                         {"UpdateExpression", "SET v = :v"},
                         {"ExpressionAttributeValues", {{":v", S("z")}}}});
  s.db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", Key("a", 1)}});  // REMOVE
  s.db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", Key("a", 1)}});  // missing: no record
  s.db.Ok("BatchWriteItem",
          {{"RequestItems",
            {{"Tbl", json::array({{{"PutRequest", {{"Item", Item("b", 1, "p")}}}},
                                  {{"PutRequest", {{"Item", Item("b", 2, "q")}}}}})}}}});
  s.db.Ok("TransactWriteItems",
          {{"TransactItems",
            json::array({{{"Put", {{"TableName", "Tbl"}, {"Item", Item("c", 1, "r")}}}},
                         {{"Delete", {{"TableName", "Tbl"}, {"Key", Key("b", 1)}}}},
                         {{"ConditionCheck",
                           {{"TableName", "Tbl"},
                            {"Key", Key("b", 2)},
                            {"ConditionExpression", "attribute_exists(pk)"}}}}})}});
  // Failed writes leave nothing: a condition, a cancelled transaction.
  s.db.Exec("PutItem", {{"TableName", "Tbl"},
                        {"Item", Item("c", 1, "no")},
                        {"ConditionExpression", "attribute_not_exists(pk)"}});
  s.db.Exec("TransactWriteItems",
            {{"TransactItems",
              json::array({{{"Put", {{"TableName", "Tbl"}, {"Item", Item("d", 1, "no")}}}},
                           {{"ConditionCheck",
                             {{"TableName", "Tbl"},
                              {"Key", Key("zz", 1)},
                              {"ConditionExpression", "attribute_exists(pk)"}}}}})}});

  json records = s.All(arn);
  CHECK(EventNames(records) == std::vector<std::string>{"INSERT", "MODIFY", "MODIFY", "REMOVE",
                                                        "INSERT", "INSERT", "INSERT", "REMOVE"});
  std::string previous;
  for (const json& r : records) {
    const std::string seq = r["dynamodb"]["SequenceNumber"].get<std::string>();
    CHECK(seq.size() == 21);
    CHECK(seq > previous);
    previous = seq;
    CHECK(r["eventVersion"] == "1.1");
    CHECK(r["eventSource"] == "aws:dynamodb");
    CHECK(r["awsRegion"] == "local");
    CHECK(r["eventID"].get<std::string>().size() == 32);
    CHECK(r["dynamodb"]["ApproximateCreationDateTime"] == kTestNowMs / 1000);
    CHECK(r["dynamodb"]["StreamViewType"] == "NEW_AND_OLD_IMAGES");
    CHECK(r["dynamodb"]["SizeBytes"].get<int64_t>() > 0);
    CHECK_FALSE(r.contains("userIdentity"));
  }
  CHECK(records[0]["dynamodb"]["Keys"] == Key("a", 1));
  CHECK(records[0]["dynamodb"]["NewImage"] == Item("a", 1, "x"));
  CHECK_FALSE(records[0]["dynamodb"].contains("OldImage"));
  CHECK(records[1]["dynamodb"]["OldImage"] == Item("a", 1, "x"));
  CHECK(records[1]["dynamodb"]["NewImage"] == Item("a", 1, "y"));
  CHECK(records[3]["dynamodb"]["OldImage"] == Item("a", 1, "z"));
  CHECK_FALSE(records[3]["dynamodb"].contains("NewImage"));
  CHECK(records[6]["dynamodb"]["Keys"] == Key("c", 1));
  CHECK(records[7]["dynamodb"]["Keys"] == Key("b", 1));
  CHECK(s.db.CheckText() == "OK");
}

TEST_CASE("view types choose the images; a table without a stream records nothing") {
  StreamDb s;
  struct Case {
    const char* view;  // StreamViewType
    bool new_image;    // MODIFY record carries NewImage
    bool old_image;    // MODIFY record carries OldImage
  };
  int n = 0;
  for (const Case& c : {Case{"KEYS_ONLY", false, false}, Case{"NEW_IMAGE", true, false},
                        Case{"OLD_IMAGE", false, true}, Case{"NEW_AND_OLD_IMAGES", true, true}}) {
    CAPTURE(c.view);
    const std::string table = "Tbl" + std::to_string(n++);
    const std::string arn = s.CreateStreamTable(c.view, table);
    s.db.Put(table, Item("a", 1, "x"));
    s.db.Put(table, Item("a", 1, "y"));
    json r = s.All(arn);
    REQUIRE(r.size() == 2);
    CHECK(r[1]["dynamodb"]["Keys"] == Key("a", 1));
    CHECK(r[1]["dynamodb"].contains("NewImage") == c.new_image);
    CHECK(r[1]["dynamodb"].contains("OldImage") == c.old_image);
    CHECK(r[1]["dynamodb"]["StreamViewType"] == c.view);
  }
  s.db.CreateTable("Plain", "pk", "S");
  s.db.Put("Plain", {{"pk", S("a")}});
  CHECK(s.db.Ok("ListStreams", {{"TableName", "Plain"}})["Streams"].empty());
}

TEST_CASE("iterators: TRIM_HORIZON, LATEST, AT/AFTER_SEQUENCE_NUMBER, paging, expiry, errors") {
  StreamDb s;
  const std::string arn = s.CreateStreamTable("KEYS_ONLY");
  for (int i = 0; i < 5; ++i) s.db.Put("Tbl", Item("a", i, "x"));
  json all = s.All(arn);
  REQUIRE(all.size() == 5);
  const std::string seq2 = all[2]["dynamodb"]["SequenceNumber"].get<std::string>();

  json at = s.db.Ok("GetRecords", {{"ShardIterator", s.Iterator(arn, "AT_SEQUENCE_NUMBER", seq2)}});
  CHECK(at["Records"].size() == 3);
  CHECK(at["Records"][0]["dynamodb"]["SequenceNumber"] == seq2);
  json after =
      s.db.Ok("GetRecords", {{"ShardIterator", s.Iterator(arn, "AFTER_SEQUENCE_NUMBER", seq2)}});
  CHECK(after["Records"].size() == 2);

  // Paging with Limit follows NextShardIterator through every record once.
  std::string it = s.Iterator(arn, "TRIM_HORIZON");
  std::vector<std::string> seen;
  for (int round = 0; round < 4; ++round) {
    json page = s.db.Ok("GetRecords", {{"ShardIterator", it}, {"Limit", 2}});
    for (const json& r : page["Records"]) seen.push_back(r["dynamodb"]["SequenceNumber"]);
    it = page["NextShardIterator"].get<std::string>();
  }
  CHECK(seen.size() == 5);

  // LATEST sees only what comes after it; an open shard always has a next iterator.
  const std::string latest = s.Iterator(arn, "LATEST");
  json none = s.db.Ok("GetRecords", {{"ShardIterator", latest}});
  CHECK(none["Records"].empty());
  s.db.Put("Tbl", Item("b", 1, "x"));
  json one = s.db.Ok("GetRecords", {{"ShardIterator", none["NextShardIterator"]}});
  REQUIRE(one["Records"].size() == 1);
  CHECK(one["Records"][0]["dynamodb"]["Keys"] == Key("b", 1));

  s.db.ExpectError("GetRecords", {{"ShardIterator", "nonsense"}}, "ValidationException",
                   "Invalid ShardIterator");
  std::string forged = latest;
  forged[forged.size() - 30] = forged[forged.size() - 30] == '1' ? '2' : '1';
  s.db.ExpectError("GetRecords", {{"ShardIterator", forged}}, "ValidationException",
                   "Invalid ShardIterator");
  json limit = s.db.Exec("GetRecords", {{"ShardIterator", latest}, {"Limit", 1001}});
  CHECK(ErrorType(limit) == "ValidationException");
  s.db.ExpectError("GetShardIterator",
                   {{"StreamArn", arn},
                    {"ShardId", s.ShardId(arn)},
                    {"ShardIteratorType", "AT_SEQUENCE_NUMBER"}},
                   "ValidationException",
                   "SequenceNumber is required for ShardIteratorType AT_SEQUENCE_NUMBER");
  s.db.ExpectError("GetShardIterator",
                   {{"StreamArn", arn},
                    {"ShardId", "shardId-00000000000000000000-00000000"},
                    {"ShardIteratorType", "LATEST"}},
                   "ResourceNotFoundException",
                   "Requested resource not found: Shard does not exist");
  s.now += 15 * 60 * 1000 + 1;
  s.db.ExpectError("GetRecords", {{"ShardIterator", latest}}, "ExpiredIteratorException",
                   "Shard iterator has expired");
}

TEST_CASE("rollback to the durable state takes the records with it; page images keep them") {
  StreamDb s;
  const std::string arn = s.CreateStreamTable("NEW_IMAGE");
  s.db.Put("Tbl", Item("a", 1, "kept"));
  s.db.CommitAll();
  s.db.Put("Tbl", Item("a", 2, "lost"));
  s.db.engine().RollbackToDurable();
  json records = s.All(arn);
  REQUIRE(records.size() == 1);
  CHECK(records[0]["dynamodb"]["NewImage"]["v"] == S("kept"));
  s.db.Put("Tbl", Item("a", 3, "after"));  // the sequence number counter was rolled back too
  s.db.CommitAll();

  TestDb reopened(Engine::Open(s.db.engine().SnapshotImages()).value());
  json again = reopened.Ok(
      "GetRecords",
      {{"ShardIterator",
        reopened.Ok("GetShardIterator",
                    {{"StreamArn", arn},
                     {"ShardId", s.ShardId(arn)},
                     {"ShardIteratorType", "TRIM_HORIZON"}})["ShardIterator"]}})["Records"];
  REQUIRE(again.size() == 2);
  CHECK(again == s.All(arn));
  CHECK(again[1]["dynamodb"]["SequenceNumber"] > again[0]["dynamodb"]["SequenceNumber"]);
  CHECK(reopened.CheckText() == "OK");
}

TEST_CASE("24-hour retention: trimming, TrimmedDataAccessException, purging disabled streams") {
  StreamDb s;
  const std::string arn = s.CreateStreamTable("KEYS_ONLY");
  s.db.Put("Tbl", Item("a", 1, "old"));
  s.db.Put("Tbl", Item("a", 2, "old"));
  const std::string first = s.All(arn)[0]["dynamodb"]["SequenceNumber"].get<std::string>();
  s.now += 20 * kHourMs;
  s.db.Put("Tbl", Item("a", 3, "new"));
  s.now += 5 * kHourMs;  // the first two are 25 h old, the third 5 h
  json swept = json::parse(s.db.engine().SweepExpired(100));
  CHECK(swept["Trimmed"] == 2);
  json left = s.All(arn);
  REQUIRE(left.size() == 1);
  CHECK(left[0]["dynamodb"]["Keys"] == Key("a", 3));
  s.db.ExpectError("GetShardIterator",
                   {{"StreamArn", arn},
                    {"ShardId", s.ShardId(arn)},
                    {"ShardIteratorType", "AT_SEQUENCE_NUMBER"},
                    {"SequenceNumber", first}},
                   "TrimmedDataAccessException",
                   "The operation attempted to read past the oldest stream record in a shard.");
  CHECK(s.db.CheckText() == "OK");

  // A deleted table's stream is DISABLED, readable for 24 hours, then purged.
  s.db.Ok("DeleteTable", {{"TableName", "Tbl"}});
  json d = s.db.Ok("DescribeStream", {{"StreamArn", arn}})["StreamDescription"];
  CHECK(d["StreamStatus"] == "DISABLED");
  json last = s.db.Ok("GetRecords", {{"ShardIterator", s.Iterator(arn, "TRIM_HORIZON")}});
  CHECK(last["Records"].size() == 1);
  CHECK_FALSE(last.contains("NextShardIterator"));  // a closed shard read to its end
  s.now += 25 * kHourMs;
  s.db.engine().SweepExpired(100);
  CHECK(s.db.Ok("ListStreams", json::object())["Streams"].empty());
  CHECK(s.db.CheckText() == "OK");
}

TEST_CASE("change feed: every table, committed operations only, stream shape") {
  StreamDb s;
  s.db.CreateTable("Plain", "pk", "S");
  const std::string arn = s.CreateStreamTable("KEYS_ONLY");
  CHECK(json::parse(s.db.engine().TakeChanges()).empty());  // off by default
  s.db.Put("Plain", {{"pk", S("ignored")}});
  s.db.engine().set_change_feed(true);
  s.db.Put("Plain", {{"pk", S("a")}, {"n", N("1")}});
  s.db.Put("Tbl", Item("a", 1, "x"));
  s.db.Exec("PutItem", {{"TableName", "Plain"},
                        {"Item", {{"pk", S("a")}}},
                        {"ConditionExpression", "attribute_not_exists(pk)"}});  // fails
  s.db.Ok("DeleteItem", {{"TableName", "Plain"}, {"Key", {{"pk", S("a")}}}});
  json feed = json::parse(s.db.engine().TakeChanges());
  REQUIRE(feed.size() == 3);
  CHECK(feed[0]["TableName"] == "Plain");
  CHECK(feed[0]["Record"]["eventName"] == "INSERT");
  CHECK(feed[0]["Record"]["dynamodb"]["NewImage"] == json({{"pk", S("a")}, {"n", N("1")}}));
  CHECK_FALSE(feed[0]["Record"]["dynamodb"].contains("SequenceNumber"));
  // A stream table's feed record has the stream's sequence number, and all images.
  CHECK(feed[1]["TableName"] == "Tbl");
  CHECK(feed[1]["Record"]["dynamodb"]["SequenceNumber"] ==
        s.All(arn)[0]["dynamodb"]["SequenceNumber"]);
  CHECK(feed[1]["Record"]["dynamodb"].contains("NewImage"));
  CHECK(feed[2]["Record"]["eventName"] == "REMOVE");
  CHECK(feed[2]["Record"]["dynamodb"]["OldImage"]["pk"] == S("a"));
  CHECK(json::parse(s.db.engine().TakeChanges()).empty());
  s.db.CommitAll();
  s.db.Put("Plain", {{"pk", S("b")}});
  s.db.engine().RollbackToDurable();  // not yet taken: dropped with the commit
  CHECK(json::parse(s.db.engine().TakeChanges()).empty());
}

}  // namespace
}  // namespace testing
}  // namespace pd
