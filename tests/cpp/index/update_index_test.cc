// UpdateTable GlobalSecondaryIndexUpdates: Create on a table holding items
// (backfilled in the same operation, ACTIVE at once), Delete, Update of the
// throughput, and DynamoDB's errors for each (api/ops/index_updates.cc).
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

json CreateGsi(const char* name, const char* attr, const char* type, json projection) {
  json definition = {{"AttributeName", attr}, {"AttributeType", type}};
  json key = {{"AttributeName", attr}, {"KeyType", "HASH"}};
  json create = {{"IndexName", name},
                 {"KeySchema", json::array({key})},
                 {"Projection", std::move(projection)}};
  json update = {{"Create", create}};
  return {{"TableName", "Tbl"},
          {"AttributeDefinitions", json::array({definition})},
          {"GlobalSecondaryIndexUpdates", json::array({update})}};
}

// GlobalSecondaryIndexUpdates with one action of `kind` on `body`.
json Updates(const char* kind, json body) {
  json update = {{kind, std::move(body)}};
  return json::array({update});
}

TEST_CASE("UpdateTable creates a GSI over existing items, then deletes it") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  for (int i = 0; i < 30; ++i) {
    json item = {{"pk", S("k" + std::to_string(i))}};
    if (i % 3 == 0) item["c"] = S("c" + std::to_string(i % 2));
    if (i == 7) item["c"] = N("7");  // a violation: left out of the index
    item["v"] = N(std::to_string(i));
    db.Put("Tbl", item);
  }
  const uint32_t pages_before = db.engine().page_count();
  json r =
      db.Ok("UpdateTable", CreateGsi("byC", "c", "S", json::object({{"ProjectionType", "ALL"}})));
  json gsi = r["TableDescription"]["GlobalSecondaryIndexes"][0];
  CHECK(gsi["IndexName"] == "byC");
  CHECK(gsi["IndexStatus"] == "ACTIVE");
  CHECK(gsi["ItemCount"] == 10);
  CHECK(r["TableDescription"]["AttributeDefinitions"].size() == 2);
  CHECK(db.CheckText() == "OK");
  json q = {{"TableName", "Tbl"},
            {"IndexName", "byC"},
            {"KeyConditionExpression", "c = :c"},
            {"ExpressionAttributeValues", {{":c", S("c0")}}}};
  CHECK(db.Ok("Query", q)["Count"] == 5);  // i = 0, 6, 12, 18, 24
  // New writes are maintained; a wrong type is now rejected.
  db.Put("Tbl", {{"pk", S("new")}, {"c", S("c0")}});
  CHECK(db.Ok("Query", q)["Count"] == 6);
  db.ExpectError("PutItem", {{"TableName", "Tbl"}, {"Item", {{"pk", S("x")}, {"c", N("1")}}}},
                 kValidationException,
                 "One or more parameter values were invalid: Type mismatch for Index Key c "
                 "Expected: S Actual: N IndexName: byC");
  // The violating item can still be rewritten and deleted.
  db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", {{"pk", S("k7")}}}});
  CHECK(db.CheckText() == "OK");

  db.ExpectError("UpdateTable",
                 CreateGsi("byC", "c", "S", json::object({{"ProjectionType", "ALL"}})),
                 kValidationException, "Attempting to create an index which already exists");
  db.ExpectError("UpdateTable",
                 CreateGsi("byC2", "c", "N", json::object({{"ProjectionType", "ALL"}})),
                 kValidationException,
                 "One or more parameter values were invalid: AttributeDefinitions for c conflicts "
                 "with its existing definition");
  json two = CreateGsi("byV", "v", "N", json::object({{"ProjectionType", "KEYS_ONLY"}}));
  two["GlobalSecondaryIndexUpdates"].push_back(Updates("Delete", {{"IndexName", "byC"}})[0]);
  db.ExpectError("UpdateTable", two, "LimitExceededException",
                 "Subscriber limit exceeded: Only 1 online index can be created or deleted "
                 "simultaneously per table");
  json missing_def = CreateGsi("byV", "v", "N", json::object({{"ProjectionType", "KEYS_ONLY"}}));
  missing_def["AttributeDefinitions"] = json::array();
  db.ExpectError("UpdateTable", missing_def, kValidationException,
                 "One or more parameter values were invalid: Some index key attributes are not "
                 "defined in AttributeDefinitions. Keys: [v], AttributeDefinitions: []");
  db.ExpectError("UpdateTable",
                 {{"TableName", "Tbl"},
                  {"GlobalSecondaryIndexUpdates",
                   Updates("Update", {{"IndexName", "byC"},
                                      {"ProvisionedThroughput",
                                       {{"ReadCapacityUnits", 2}, {"WriteCapacityUnits", 2}}}})}},
                 kValidationException,
                 "One or more parameter values were invalid: The only Updates for index: byC when "
                 "TableThroughputMode is PAY_PER_REQUEST can be to OnDemandThroughput, "
                 "WarmThroughput");

  r = db.Ok("UpdateTable",
            {{"TableName", "Tbl"},
             {"GlobalSecondaryIndexUpdates", Updates("Delete", {{"IndexName", "byC"}})}});
  CHECK(!r["TableDescription"].contains("GlobalSecondaryIndexes"));
  CHECK(r["TableDescription"]["AttributeDefinitions"].size() == 1);
  db.ExpectError("Query", q, kValidationException,
                 "The table does not have the specified index: byC");
  CHECK(db.CheckText() == "OK");
  CHECK(db.engine().page_count() <= pages_before + 2);  // the index's pages were freed
}

TEST_CASE("UpdateTable index throughput under PROVISIONED and billing switches") {
  TestDb db;
  db.Ok("CreateTable", json::parse(R"({"TableName":"Tbl",
    "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"c","AttributeType":"S"}],
    "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"}],
    "ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5},
    "GlobalSecondaryIndexes":[{"IndexName":"byC","KeySchema":[{"AttributeName":"c","KeyType":"HASH"}],
      "Projection":{"ProjectionType":"ALL"},
      "ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":2}}]})"));
  json update = {{"TableName", "Tbl"},
                 {"GlobalSecondaryIndexUpdates",
                  Updates("Update", {{"IndexName", "byC"},
                                     {"ProvisionedThroughput",
                                      {{"ReadCapacityUnits", 7}, {"WriteCapacityUnits", 8}}}})}};
  json r = db.Ok("UpdateTable", update);
  CHECK(r["TableDescription"]["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
         ["ReadCapacityUnits"] == 7);
  json missing = update;
  missing["GlobalSecondaryIndexUpdates"][0]["Update"]["IndexName"] = "nope";
  db.ExpectError("UpdateTable", missing, kValidationException,
                 "This operation cannot be performed with given input values. Please contact "
                 "DynamoDB service team for more info: Action Blocked: IndexUpdate");
  json create = CreateGsi("byD", "d", "N", json::object({{"ProjectionType", "KEYS_ONLY"}}));
  db.ExpectError("UpdateTable", create, kValidationException,
                 "One or more parameter values were invalid: ProvisionedThroughput must be "
                 "specified for index: byD");
  r = db.Ok("UpdateTable", {{"TableName", "Tbl"}, {"BillingMode", "PAY_PER_REQUEST"}});
  CHECK(r["TableDescription"]["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
         ["ReadCapacityUnits"] == 0);
  db.ExpectError("UpdateTable",
                 {{"TableName", "Tbl"},
                  {"BillingMode", "PROVISIONED"},
                  {"ProvisionedThroughput", {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}}}},
                 kValidationException,
                 "One or more parameter values were invalid: ProvisionedThroughput must be "
                 "specified for index: byC");
  json back = update;
  back["BillingMode"] = "PROVISIONED";
  back["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}};
  r = db.Ok("UpdateTable", back);
  CHECK(r["TableDescription"]["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]
         ["WriteCapacityUnits"] == 8);
  CHECK(db.CheckText() == "OK");
}

}  // namespace
}  // namespace testing
}  // namespace pd
