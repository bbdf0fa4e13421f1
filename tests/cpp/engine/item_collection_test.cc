// ReturnItemCollectionMetrics SIZE on tables with a local secondary index:
// PutItem, UpdateItem, DeleteItem, BatchWriteItem and TransactWriteItems
// return ItemCollectionMetrics {ItemCollectionKey, SizeEstimateRangeGB} as
// DynamoDB's API reference describes; tables without an LSI, and requests
// that do not ask, get none.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

// "Lsi" (pk S, sk N) with local index "byV" on v (N), projecting ALL; and
// "Plain" (pk S, sk N) without indexes.
void FillCollection(TestDb& db) {
  db.Ok("CreateTable", {{"TableName", "Lsi"},
                        {"BillingMode", "PAY_PER_REQUEST"},
                        {"KeySchema",
                         {{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                          {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}}},
                        {"AttributeDefinitions",
                         {{{"AttributeName", "pk"}, {"AttributeType", "S"}},
                          {{"AttributeName", "sk"}, {"AttributeType", "N"}},
                          {{"AttributeName", "v"}, {"AttributeType", "N"}}}},
                        {"LocalSecondaryIndexes",
                         {{{"IndexName", "byV"},
                           {"KeySchema",
                            {{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                             {{"AttributeName", "v"}, {"KeyType", "RANGE"}}}},
                           {"Projection", {{"ProjectionType", "ALL"}}}}}}});
  db.CreateTable("Plain", "pk", "S", "sk", "N");
}

json LsiItem(const std::string& pk, int sk, int v) {
  return {{"pk", S(pk)}, {"sk", N(std::to_string(sk))}, {"v", N(std::to_string(v))}};
}

json Metrics(const std::string& pk) {
  return {{"ItemCollectionKey", {{"pk", S(pk)}}}, {"SizeEstimateRangeGB", {0.0, 1.0}}};
}

TEST_CASE("ItemCollectionMetrics on single-item writes") {
  TestDb db;
  FillCollection(db);
  json put = {
      {"TableName", "Lsi"}, {"Item", LsiItem("a", 1, 5)}, {"ReturnItemCollectionMetrics", "SIZE"}};
  CHECK(db.Ok("PutItem", put)["ItemCollectionMetrics"] == Metrics("a"));
  put["ReturnItemCollectionMetrics"] = "NONE";
  CHECK(!db.Ok("PutItem", put).contains("ItemCollectionMetrics"));
  put.erase("ReturnItemCollectionMetrics");
  CHECK(!db.Ok("PutItem", put).contains("ItemCollectionMetrics"));
  // No local secondary index: nothing, as DynamoDB.
  CHECK(!db.Ok("PutItem", {{"TableName", "Plain"},
                           {"Item", LsiItem("a", 1, 5)},
                           {"ReturnItemCollectionMetrics", "SIZE"}})
             .contains("ItemCollectionMetrics"));
  json update = {{"TableName", "Lsi"},
                 {"Key", {{"pk", S("b")}, {"sk", N("1")}}},
                 {"UpdateExpression", "SET v = :v"},
                 {"ExpressionAttributeValues", {{":v", N("7")}}},
                 {"ReturnItemCollectionMetrics", "SIZE"}};
  CHECK(db.Ok("UpdateItem", update)["ItemCollectionMetrics"] == Metrics("b"));
  // A delete reports the collection it left (here: empty).
  CHECK(db.Ok("DeleteItem", {{"TableName", "Lsi"},
                             {"Key", {{"pk", S("b")}, {"sk", N("1")}}},
                             {"ReturnItemCollectionMetrics", "SIZE"}})["ItemCollectionMetrics"] ==
        Metrics("b"));
}

TEST_CASE("ItemCollectionMetrics on BatchWriteItem and TransactWriteItems, per table") {
  TestDb db;
  FillCollection(db);
  json batch = {{"RequestItems",
                 {{"Lsi",
                   {{{"PutRequest", {{"Item", LsiItem("a", 1, 1)}}}},
                    {{"PutRequest", {{"Item", LsiItem("a", 2, 2)}}}},
                    {{"PutRequest", {{"Item", LsiItem("c", 1, 3)}}}}}},
                  {"Plain", {{{"PutRequest", {{"Item", LsiItem("a", 1, 1)}}}}}}}},
                {"ReturnItemCollectionMetrics", "SIZE"}};
  json r = db.Ok("BatchWriteItem", batch);
  // One entry per collection written, only for the table with an LSI.
  CHECK(r["ItemCollectionMetrics"] == json{{"Lsi", {Metrics("a"), Metrics("c")}}});
  batch.erase("ReturnItemCollectionMetrics");
  CHECK(!db.Ok("BatchWriteItem", batch).contains("ItemCollectionMetrics"));

  json actions = json::array();
  actions.push_back({{"Put", {{"TableName", "Lsi"}, {"Item", LsiItem("d", 1, 1)}}}});
  actions.push_back(
      {{"Delete", {{"TableName", "Lsi"}, {"Key", {{"pk", S("a")}, {"sk", N("1")}}}}}});
  actions.push_back({{"ConditionCheck",
                      {{"TableName", "Lsi"},
                       {"Key", {{"pk", S("c")}, {"sk", N("1")}}},
                       {"ConditionExpression", "attribute_exists(pk)"}}}});
  json tx = {{"TransactItems", actions}, {"ReturnItemCollectionMetrics", "SIZE"}};
  r = db.Ok("TransactWriteItems", tx);
  CHECK(r["ItemCollectionMetrics"] == json{{"Lsi", {Metrics("d"), Metrics("a")}}});
}

TEST_CASE("SizeEstimateRangeGB brackets the collection in whole gigabytes") {
  TestDb db;
  FillCollection(db);
  // Two 300 KB items and their LSI copies: 1.2 MB, well under 1 GB.
  for (int i = 1; i <= 2; ++i) {
    json item = LsiItem("big", i, i);
    item["pad"] = S(std::string(300000, 'x'));
    json r = db.Ok("PutItem",
                   {{"TableName", "Lsi"}, {"Item", item}, {"ReturnItemCollectionMetrics", "SIZE"}});
    CHECK(r["ItemCollectionMetrics"]["SizeEstimateRangeGB"] == json::array({0.0, 1.0}));
  }
}

}  // namespace
}  // namespace testing
}  // namespace pd
