// BatchWriteItem through Engine::Execute: puts and deletes over several
// tables, validation before any write (so a rejected batch changes nothing),
// atomic commit, ConsumedCapacity per table.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

json PutReq(const json& item) { return {{"PutRequest", {{"Item", item}}}}; }
json DelReq(const json& key) { return {{"DeleteRequest", {{"Key", key}}}}; }

TEST_CASE("BatchWriteItem puts and deletes over several tables") {
  TestDb db;
  db.CreateTable("Aaa", "id", "S");
  db.CreateTable("Bbb", "pk", "N", "sk", "S");
  db.Put("Aaa", {{"id", S("old")}, {"v", N("1")}});
  db.Put("Bbb", {{"pk", N("1")}, {"sk", S("x")}});
  db.CommitAll();
  const uint64_t lsn = db.engine().lsn();
  json r =
      db.Ok("BatchWriteItem",
            {{"RequestItems",
              {{"Aaa", json::array({PutReq({{"id", S("new")}, {"v", N("2")}}),
                                    DelReq({{"id", S("old")}}), DelReq({{"id", S("never")}})})},
               {"Bbb", json::array({PutReq({{"pk", N("1")}, {"sk", S("x")}, {"w", S("replaced")}}),
                                    PutReq({{"pk", N("2")}, {"sk", S("y")}})})}}}});
  CHECK(r == json{{"UnprocessedItems", json::object()}});
  CHECK(db.Get("Aaa", {{"id", S("new")}}) == json{{"id", S("new")}, {"v", N("2")}});
  CHECK(db.Get("Aaa", {{"id", S("old")}}).is_null());
  CHECK(db.Get("Bbb", {{"pk", N("1")}, {"sk", S("x")}}) ==
        json{{"pk", N("1")}, {"sk", S("x")}, {"w", S("replaced")}});
  CHECK(db.Describe("Aaa")["ItemCount"] == 1);
  CHECK(db.Describe("Bbb")["ItemCount"] == 2);
  // All of the batch's writes are in the next commit.
  REQUIRE(db.engine().has_pending_commit());
  CHECK(db.engine().TakeCommit().lsn == lsn + 1);
  CHECK(!db.engine().has_pending_commit());
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("BatchWriteItem validation comes before any write") {
  TestDb db;
  db.CreateTable("Aaa", "id", "S");
  db.CreateTable("Bbb", "pk", "N", "sk", "S");
  db.Put("Aaa", {{"id", S("keep")}});
  db.CommitAll();
  const std::string v = "ValidationException";
  const std::string mismatch = "The provided key element does not match the schema";
  auto batch = [](json a, json b) { return json{{"RequestItems", {{"Aaa", a}, {"Bbb", b}}}}; };
  const json good_a = json::array({PutReq({{"id", S("new")}}), DelReq({{"id", S("keep")}})});
  // A put and a delete of one item, two puts of one item (numbers compare by value).
  db.ExpectError("BatchWriteItem",
                 batch(good_a, json::array({PutReq({{"pk", N("1")}, {"sk", S("a")}}),
                                            DelReq({{"pk", N("1.0")}, {"sk", S("a")}})})),
                 v, "Provided list of item keys contains duplicates");
  db.ExpectError(
      "BatchWriteItem",
      batch(json::array({PutReq({{"id", S("x")}}), PutReq({{"id", S("x")}, {"v", N("1")}})}),
            json::array({PutReq({{"pk", N("1")}, {"sk", S("a")}})})),
      v, "Provided list of item keys contains duplicates");
  // Keys: missing or mistyped key attributes read as a key mismatch.
  db.ExpectError("BatchWriteItem", batch(good_a, json::array({PutReq({{"pk", N("1")}})})), v,
                 mismatch);
  db.ExpectError("BatchWriteItem",
                 batch(good_a, json::array({PutReq({{"pk", S("1")}, {"sk", S("a")}})})), v,
                 mismatch);
  db.ExpectError("BatchWriteItem", batch(good_a, json::array({DelReq({{"pk", N("1")}})})), v,
                 mismatch);
  db.ExpectError(
      "BatchWriteItem",
      batch(good_a, json::array({DelReq({{"pk", N("1")}, {"sk", S("a")}, {"x", S("")}})})), v,
      mismatch);
  db.ExpectError("BatchWriteItem",
                 batch(good_a, json::array({PutReq({{"pk", N("1")}, {"sk", S("")}})})), v,
                 "One or more parameter values are not valid. The AttributeValue for a key "
                 "attribute cannot contain an empty string value. Key: sk");
  db.ExpectError(
      "BatchWriteItem",
      {{"RequestItems", {{"Aaa", good_a}, {"Nope", json::array({DelReq({{"id", S("a")}})})}}}},
      "ResourceNotFoundException", "Requested resource not found");
  // Request shape (the spec's checks).
  db.ExpectError(
      "BatchWriteItem",
      batch(good_a,
            json::array({{{"PutRequest", {{"Item", {{"pk", N("1")}, {"sk", S("a")}}}}},
                          {"DeleteRequest", {{"Key", {{"pk", N("1")}, {"sk", S("a")}}}}}}})),
      v,
      "Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
      "the supported datatypes");
  json many_a = json::array();
  json many_b = json::array();
  for (int i = 0; i < 13; ++i) {
    many_a.push_back(PutReq({{"id", S(std::to_string(i))}}));
    many_b.push_back(PutReq({{"pk", N(std::to_string(i))}, {"sk", S("s")}}));
  }
  db.ExpectError("BatchWriteItem", batch(many_a, many_b), v,
                 "Too many items requested for the BatchWriteItem call");
  db.ExpectError(
      "BatchWriteItem",
      batch(good_a, json::array({PutReq(
                        {{"pk", N("1")}, {"sk", S("a")}, {"big", S(std::string(409600, 'b'))}})})),
      v, "Item size has exceeded the maximum allowed size");
  // None of the rejected batches wrote anything.
  CHECK(!db.engine().has_pending_commit());
  CHECK(db.Get("Aaa", {{"id", S("keep")}}) == json{{"id", S("keep")}});
  CHECK(db.Get("Aaa", {{"id", S("new")}}).is_null());
  CHECK(db.Describe("Bbb")["ItemCount"] == 0);
  many_b.erase(many_b.end() - 1);  // 25 requests are allowed
  CHECK(db.Ok("BatchWriteItem", batch(many_a, many_b)) ==
        json{{"UnprocessedItems", json::object()}});
  CHECK(db.Describe("Aaa")["ItemCount"] == 14);
  CHECK(db.Describe("Bbb")["ItemCount"] == 12);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("BatchWriteItem tells key rules apart by their kind, not their text") {
  // A key attribute named like the shape errors' texts: its empty value keeps
  // the value error's text; a missing or mistyped one reads as a mismatch.
  TestDb db;
  db.CreateTable("Odd", "Missing the key k", "S", "Type mismatch for key s", "S");
  auto put = [](json item) {
    return json{{"RequestItems", {{"Odd", json::array({PutReq(std::move(item))})}}}};
  };
  const std::string empty =
      "One or more parameter values are not valid. The AttributeValue for a key attribute "
      "cannot contain an empty string value. Key: ";
  db.ExpectError("BatchWriteItem",
                 put({{"Missing the key k", S("")}, {"Type mismatch for key s", S("a")}}),
                 "ValidationException", empty + "Missing the key k");
  db.ExpectError("BatchWriteItem",
                 put({{"Missing the key k", S("a")}, {"Type mismatch for key s", S("")}}),
                 "ValidationException", empty + "Type mismatch for key s");
  db.ExpectError("BatchWriteItem",
                 put({{"Missing the key k", S("a")}, {"Type mismatch for key s", N("1")}}),
                 "ValidationException", "The provided key element does not match the schema");
}

TEST_CASE("BatchWriteItem ConsumedCapacity per table") {
  TestDb db;
  db.CreateTable("Aaa", "id", "S");
  db.CreateTable("Bbb", "id", "S");
  db.Put("Aaa", {{"id", S("big")}, {"pad", S(std::string(3000 - 8, 'p'))}});  // 3,000 bytes
  json request = {
      {"RequestItems",
       {{"Aaa", json::array({DelReq({{"id", S("big")}}),                   // 3 units
                             PutReq({{"id", S("n")}, {"x", S("small")}}),  // 1 unit
                             DelReq({{"id", S("none")}})})},               // 1 unit
        {"Bbb", json::array({PutReq({{"id", S("b")}, {"pad", S(std::string(1100, 'q'))}})})}}},
      {"ReturnConsumedCapacity", "TOTAL"},
      {"ReturnItemCollectionMetrics", "SIZE"}};
  json r = db.Ok("BatchWriteItem", request);
  CHECK(r ==
        json{{"UnprocessedItems", json::object()},
             {"ConsumedCapacity", json::array({{{"TableName", "Aaa"}, {"CapacityUnits", 5.0}},
                                               {{"TableName", "Bbb"}, {"CapacityUnits", 2.0}}})}});
  request["ReturnConsumedCapacity"] = "INDEXES";
  r = db.Ok("BatchWriteItem", request);
  // "big" is gone now: its delete costs 1.
  CHECK(r["ConsumedCapacity"][0] ==
        json{{"TableName", "Aaa"}, {"CapacityUnits", 3.0}, {"Table", {{"CapacityUnits", 3.0}}}});
}

}  // namespace
}  // namespace testing
}  // namespace pd
