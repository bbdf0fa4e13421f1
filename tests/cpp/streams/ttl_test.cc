// Time to live: UpdateTimeToLive / DescribeTimeToLive (DynamoDB's errors),
// expiry by a controllable clock, items read until the sweep deletes them,
// the sweep's bounds, and the stream's service deletions.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"
#include "table/table_description.h"

namespace pd {
namespace testing {
namespace {

constexpr int64_t kNowS = kTestNowMs / 1000;

json Ttl(const std::string& attribute, bool enabled) {
  return {{"TableName", "Tbl"},
          {"TimeToLiveSpecification", {{"AttributeName", attribute}, {"Enabled", enabled}}}};
}

json Sweep(TestDb& db, uint32_t max) { return json::parse(db.engine().SweepExpired(max)); }

TEST_CASE("UpdateTimeToLive / DescribeTimeToLive") {
  TestDb db;
  db.ExpectError("DescribeTimeToLive", {{"TableName", "Tbl"}}, "ResourceNotFoundException",
                 "Requested resource not found: Table: Tbl not found");
  db.CreateTable("Tbl", "pk", "S");
  CHECK(db.Ok("DescribeTimeToLive", {{"TableName", "Tbl"}}) ==
        json({{"TimeToLiveDescription", {{"TimeToLiveStatus", "DISABLED"}}}}));
  db.ExpectError("UpdateTimeToLive", Ttl("exp", false), "ValidationException",
                 "TimeToLive is already disabled");
  CHECK(db.Ok("UpdateTimeToLive", Ttl("exp", true)) ==
        json({{"TimeToLiveSpecification", {{"AttributeName", "exp"}, {"Enabled", true}}}}));
  CHECK(db.Ok("DescribeTimeToLive", {{"TableName", "Tbl"}}) ==
        json({{"TimeToLiveDescription",
               {{"TimeToLiveStatus", "ENABLED"}, {"AttributeName", "exp"}}}}));
  db.ExpectError("UpdateTimeToLive", Ttl("exp", true), "ValidationException",
                 "TimeToLive is already enabled");
  db.ExpectError("UpdateTimeToLive", Ttl("other", true), "ValidationException",
                 "TimeToLive is active on a different AttributeName: current AttributeName is exp");
  db.ExpectError("UpdateTimeToLive", Ttl("other", false), "ValidationException",
                 "TimeToLive is active on a different AttributeName: current AttributeName is exp");
  db.CommitAll();
  TestDb reopened(Engine::Open(db.engine().SnapshotImages()).value());  // kept in the catalog
  CHECK(reopened.Ok("DescribeTimeToLive",
                    {{"TableName", "Tbl"}})["TimeToLiveDescription"]["AttributeName"] == "exp");
  db.Ok("UpdateTimeToLive", Ttl("exp", false));
  CHECK(db.Ok("DescribeTimeToLive",
              {{"TableName", "Tbl"}})["TimeToLiveDescription"]["TimeToLiveStatus"] == "DISABLED");
  json missing = db.Exec("UpdateTimeToLive", {{"TableName", "Tbl"}});
  CHECK(ErrorType(missing) == "ValidationException");
  json empty = db.Exec("UpdateTimeToLive", Ttl("", true));
  CHECK(ErrorType(empty) == "ValidationException");
}

TEST_CASE("expired items read until swept; the sweep deletes exactly the expired ones") {
  TestDb db;
  int64_t now = kTestNowMs;
  db.engine().set_clock([&now] { return now; });
  db.CreateTable("Tbl", "pk", "S");
  db.Ok("UpdateTimeToLive", Ttl("exp", true));
  auto put = [&](const std::string& pk, json exp) {
    json item = {{"pk", S(pk)}};
    if (!exp.is_null()) item["exp"] = exp;
    db.Put("Tbl", item);
  };
  put("past", N(std::to_string(kNowS - 10)));
  put("fraction", N(std::to_string(kNowS - 1) + ".5"));
  put("future", N(std::to_string(kNowS + 100)));
  put("string", S(std::to_string(kNowS - 10)));                     // not a number: never expires
  put("set", {{"NS", json::array({std::to_string(kNowS - 10)})}});  // nor a set
  put("ancient", N(std::to_string(kNowS - 6LL * 365 * 86400)));     // > 5 years: DynamoDB leaves it
  put("none", json());
  // Expired but not swept: every read still returns it (DynamoDB's behaviour).
  CHECK_FALSE(db.Get("Tbl", {{"pk", S("past")}}).is_null());
  CHECK(db.Ok("Scan", {{"TableName", "Tbl"}})["Count"] == 7);

  json r = Sweep(db, 100);
  CHECK(r["Deleted"] == 2);
  CHECK(r["More"] == false);
  CHECK(db.Get("Tbl", {{"pk", S("past")}}).is_null());
  CHECK(db.Get("Tbl", {{"pk", S("fraction")}}).is_null());
  for (const char* kept : {"future", "string", "set", "ancient", "none"}) {
    CAPTURE(kept);
    CHECK_FALSE(db.Get("Tbl", {{"pk", S(kept)}}).is_null());
  }
  CHECK(db.Describe("Tbl")["ItemCount"] == 5);
  now += 101 * 1000;  // "future" is now in the past
  CHECK(Sweep(db, 100)["Deleted"] == 1);
  CHECK(db.Get("Tbl", {{"pk", S("future")}}).is_null());
  CHECK(db.CheckText() == "OK");
  // Disabled TTL: nothing is swept.
  put("later", N(std::to_string(kNowS)));
  db.Ok("UpdateTimeToLive", Ttl("exp", false));
  CHECK(Sweep(db, 100)["Deleted"] == 0);
}

TEST_CASE("the sweep is bounded per step and goes on where it stopped") {
  TestDb db;
  db.CreateTable("Aaa", "pk", "N");
  db.CreateTable("Bbb", "pk", "N");
  for (const char* t : {"Aaa", "Bbb"}) {
    db.Ok("UpdateTimeToLive",
          {{"TableName", t},
           {"TimeToLiveSpecification", {{"AttributeName", "exp"}, {"Enabled", true}}}});
  }
  for (int i = 0; i < 30; ++i) {
    db.Put("Aaa", {{"pk", N(std::to_string(i))},
                   {"exp", N(std::to_string(kNowS - (i % 2)))}});  // every other
    db.Put("Bbb", {{"pk", N(std::to_string(i))}, {"exp", N(std::to_string(kNowS - 5))}});
  }
  // Items with exp == now are not yet expired (< now): A has 15 expired, B 30.
  int steps = 0;
  int deleted = 0;
  json r;
  do {
    r = Sweep(db, 4);
    CHECK(r["Deleted"].get<int>() <= 4);
    deleted += r["Deleted"].get<int>();
    ++steps;
  } while (r["More"] == true && steps < 100);
  CHECK(deleted == 45);
  CHECK(steps >= 12);
  CHECK(db.Describe("Aaa")["ItemCount"] == 15);
  CHECK(db.Describe("Bbb")["ItemCount"] == 0);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("TTL deletions appear in the stream and the feed as service deletions") {
  TestDb db;
  db.engine().set_change_feed(true);
  db.Ok("CreateTable",
        {{"TableName", "Tbl"},
         {"BillingMode", "PAY_PER_REQUEST"},
         {"KeySchema", json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}}})},
         {"AttributeDefinitions", json::array({{{"AttributeName", "pk"}, {"AttributeType", "S"}}})},
         {"StreamSpecification", {{"StreamEnabled", true}, {"StreamViewType", "OLD_IMAGE"}}}});
  db.Ok("UpdateTimeToLive", Ttl("exp", true));
  db.Put("Tbl", {{"pk", S("a")}, {"exp", N(std::to_string(kNowS - 1))}});
  db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", {{"pk", S("a")}}}});  // a user delete
  db.Put("Tbl", {{"pk", S("b")}, {"exp", N(std::to_string(kNowS - 1))}});
  db.engine().TakeChanges();
  CHECK(Sweep(db, 10)["Deleted"] == 1);
  json feed = json::parse(db.engine().TakeChanges());
  REQUIRE(feed.size() == 1);
  CHECK(feed[0]["Record"]["userIdentity"] ==
        json({{"PrincipalId", "dynamodb.amazonaws.com"}, {"Type", "Service"}}));

  const std::string arn = db.Describe("Tbl")["LatestStreamArn"].get<std::string>();
  json shard = db.Ok("DescribeStream", {{"StreamArn", arn}})["StreamDescription"]["Shards"][0];
  json it = db.Ok(
      "GetShardIterator",
      {{"StreamArn", arn}, {"ShardId", shard["ShardId"]}, {"ShardIteratorType", "TRIM_HORIZON"}});
  json records = db.Ok("GetRecords", {{"ShardIterator", it["ShardIterator"]}})["Records"];
  REQUIRE(records.size() == 4);
  CHECK(records[1]["eventName"] == "REMOVE");
  CHECK_FALSE(records[1].contains("userIdentity"));  // deleted by the user
  CHECK(records[3]["eventName"] == "REMOVE");
  CHECK(records[3]["userIdentity"]["Type"] == "Service");
  CHECK(records[3]["dynamodb"]["OldImage"]["pk"] == S("b"));
}

}  // namespace
}  // namespace testing
}  // namespace pd

namespace pd {
namespace testing {
namespace {

TEST_CASE(
    "table description sections: stream (tag 2) and TTL (tag 3) round-trip; bad sections are "
    "Corruption") {
  TableDescription d;
  d.name = "Tbl";
  d.hash_key = {"pk", AttributeType::kS};
  d.attribute_definitions = {d.hash_key};
  const std::string plain = d.Encode();
  d.stream = {true, StreamViewType::kNewAndOldImages, kTestNowMs};
  d.ttl = {true, "exp"};
  const std::string full = d.Encode();
  Result<TableDescription> back = TableDescription::Decode(full);
  REQUIRE(back.ok());
  CHECK(*back == d);
  d.stream.enabled = false;  // a disabled stream keeps its label (LatestStreamArn)
  back = TableDescription::Decode(d.Encode());
  REQUIRE(back.ok());
  CHECK(back->stream.label_ms == kTestNowMs);
  CHECK_FALSE(back->stream.enabled);

  const std::string ttl_section = full.substr(full.size() - 6);  // tag 3, len 4, "exp" as str
  REQUIRE(ttl_section[0] == 3);
  CHECK(TableDescription::Decode(full + ttl_section).status().IsCorruption());  // duplicate
  CHECK(TableDescription::Decode(plain + std::string("\x09\x00", 2))
            .status()
            .IsCorruption());  // unknown tag
  CHECK(TableDescription::Decode(plain + std::string("\x03\x05\x03"
                                                     "exp",
                                                     6))
            .status()
            .IsCorruption());  // truncated
  CHECK(TableDescription::Decode(plain + std::string("\x03\x05\x03"
                                                     "expX",
                                                     7))
            .status()
            .IsCorruption());  // trailing in section
  CHECK(TableDescription::Decode(plain + std::string("\x03\x01\x00", 3))
            .status()
            .IsCorruption());  // empty name
}

}  // namespace
}  // namespace testing
}  // namespace pd
