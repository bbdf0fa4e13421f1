// CreateTable, DescribeTable, ListTables, DeleteTable, UpdateTable through
// Engine::Execute: functionality and the storage-side errors (the request
// validation errors are the spec tests' in tests/cpp/api).
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

json HashTable(const std::string& name) {
  return {
      {"TableName", name},
      {"KeySchema", json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}}})},
      {"AttributeDefinitions", json::array({{{"AttributeName", "pk"}, {"AttributeType", "S"}}})},
      {"ProvisionedThroughput", {{"ReadCapacityUnits", 3}, {"WriteCapacityUnits", 4}}}};
}

TEST_CASE("CreateTable returns an ACTIVE description and DescribeTable agrees") {
  TestDb db;
  json request = HashTable("Orders");
  request["KeySchema"].push_back({{"AttributeName", "sk"}, {"KeyType", "RANGE"}});
  request["AttributeDefinitions"].push_back({{"AttributeName", "sk"}, {"AttributeType", "N"}});
  json created = db.Ok("CreateTable", request)["TableDescription"];
  CHECK(created["TableName"] == "Orders");
  CHECK(created["TableStatus"] == "ACTIVE");
  CHECK(created["KeySchema"] == request["KeySchema"]);
  CHECK(created["AttributeDefinitions"] == request["AttributeDefinitions"]);
  CHECK(created["ItemCount"] == 0);
  CHECK(created["TableSizeBytes"] == 0);
  CHECK(created["CreationDateTime"].get<double>() == doctest::Approx(kTestNowMs / 1000.0));
  CHECK(created["ProvisionedThroughput"]["ReadCapacityUnits"] == 3);
  CHECK(created["ProvisionedThroughput"]["WriteCapacityUnits"] == 4);
  CHECK(created["TableArn"] == "arn:aws:dynamodb:local:000000000000:table/Orders");
  const std::string id = created["TableId"].get<std::string>();
  REQUIRE(id.size() == 36);
  CHECK(id[8] == '-');
  CHECK(id[14] == '4');                                          // UUID version 4
  CHECK(std::string("89ab").find(id[19]) != std::string::npos);  // variant 10xx

  json described = db.Describe("Orders");
  CHECK(described == created);

  // A second table gets a different id.
  json other = db.Ok("CreateTable", HashTable("Other"))["TableDescription"];
  CHECK(other["TableId"] != created["TableId"]);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("CreateTable errors") {
  TestDb db;
  db.Ok("CreateTable", HashTable("T1x"));
  db.ExpectError("CreateTable", HashTable("T1x"), "ResourceInUseException",
                 "Table already exists: T1x");
  // A spec error comes before the existence check.
  json bad = HashTable("T1x");
  bad["AttributeDefinitions"][0]["AttributeName"] = "other";
  json r = db.Exec("CreateTable", bad);
  CHECK(ErrorType(r) == "ValidationException");
  // The failed requests changed nothing.
  CHECK(db.Ok("ListTables", json::object())["TableNames"] == json::array({"T1x"}));
}

TEST_CASE("PAY_PER_REQUEST tables report their billing mode") {
  TestDb db;
  json t = db.CreateTable("Ppr", "id", "N")["TableDescription"];
  CHECK(t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST");
  CHECK(t["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"].get<double>() ==
        doctest::Approx(kTestNowMs / 1000.0));
  CHECK(t["ProvisionedThroughput"]["ReadCapacityUnits"] == 0);
}

TEST_CASE("DescribeTable and DeleteTable of a missing table") {
  TestDb db;
  db.ExpectError("DescribeTable", {{"TableName", "Nope"}}, "ResourceNotFoundException",
                 "Requested resource not found: Table: Nope not found");
  db.ExpectError("DeleteTable", {{"TableName", "Nope"}}, "ResourceNotFoundException",
                 "Requested resource not found: Table: Nope not found");
  db.ExpectError("UpdateTable", {{"TableName", "Nope"}, {"BillingMode", "PAY_PER_REQUEST"}},
                 "ResourceNotFoundException",
                 "Requested resource not found: Table: Nope not found");
  db.ExpectError("DescribeTable", json::object(), "ValidationException",
                 "The parameter 'TableName' is required but was not present in the request");
}

TEST_CASE("ListTables pages in name order") {
  TestDb db;
  CHECK(db.Ok("ListTables", json::object()) == json{{"TableNames", json::array()}});
  for (const char* name : {"zeta", "Alpha", "orders", "Beta", "alpha2", "a.b-c_d"}) {
    db.Ok("CreateTable", HashTable(name));
  }
  const json all = json::array({"Alpha", "Beta", "a.b-c_d", "alpha2", "orders", "zeta"});
  CHECK(db.Ok("ListTables", json::object()) == json{{"TableNames", all}});
  // Limit exactly the number of tables: no LastEvaluatedTableName.
  CHECK(db.Ok("ListTables", {{"Limit", 6}}) == json{{"TableNames", all}});
  json page = db.Ok("ListTables", {{"Limit", 4}});
  CHECK(page["TableNames"] == json::array({"Alpha", "Beta", "a.b-c_d", "alpha2"}));
  CHECK(page["LastEvaluatedTableName"] == "alpha2");
  page = db.Ok("ListTables", {{"Limit", 4}, {"ExclusiveStartTableName", "alpha2"}});
  CHECK(page == json{{"TableNames", json::array({"orders", "zeta"})}});
  // The start name need not exist.
  page = db.Ok("ListTables", {{"ExclusiveStartTableName", "b00"}, {"Limit", 1}});
  CHECK(page ==
        json{{"TableNames", json::array({"orders"})}, {"LastEvaluatedTableName", "orders"}});
  CHECK(db.Ok("ListTables", {{"ExclusiveStartTableName", "zzzz"}}) ==
        json{{"TableNames", json::array()}});
  // Walking all pages of size 1 visits every table once.
  json names = json::array();
  json request = {{"Limit", 1}};
  for (int i = 0; i < 10; ++i) {
    json p = db.Ok("ListTables", request);
    for (const json& n : p["TableNames"]) names.push_back(n);
    if (!p.contains("LastEvaluatedTableName")) break;
    request["ExclusiveStartTableName"] = p["LastEvaluatedTableName"];
  }
  CHECK(names == all);
  json r = db.Exec("ListTables", {{"Limit", 101}});
  CHECK(ErrorType(r) == "ValidationException");
}

TEST_CASE("DeleteTable frees the table's pages and reports DELETING") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.CreateTable("Keep", "pk", "S");
  db.CommitAll();
  const uint32_t pages_before = db.engine().page_count();
  for (int i = 0; i < 300; ++i) {
    db.Put("Tbl", {{"pk", S("item" + std::to_string(i))}, {"pad", S(std::string(200, 'x'))}});
  }
  db.Put("Keep", {{"pk", S("k")}});
  json deleted = db.Ok("DeleteTable", {{"TableName", "Tbl"}})["TableDescription"];
  CHECK(deleted["TableStatus"] == "DELETING");
  CHECK(deleted["TableName"] == "Tbl");
  CHECK(deleted["ItemCount"] == 300);
  CHECK(db.Ok("ListTables", json::object())["TableNames"] == json::array({"Keep"}));
  db.ExpectError("PutItem", {{"TableName", "Tbl"}, {"Item", {{"pk", S("a")}}}},
                 "ResourceNotFoundException", "Requested resource not found");
  CHECK(db.CheckText() == "OK");
  // The freed pages are reused: refilling a new table needs no new pages.
  const uint32_t pages_full = db.engine().page_count();
  CHECK(pages_full > pages_before);
  db.CreateTable("Tbl", "pk", "S");
  for (int i = 0; i < 300; ++i) {
    db.Put("Tbl", {{"pk", S("item" + std::to_string(i))}, {"pad", S(std::string(200, 'x'))}});
  }
  CHECK(db.engine().page_count() == pages_full);
  CHECK(db.Get("Keep", {{"pk", S("k")}}) == json{{"pk", S("k")}});
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("DeleteTable refuses a table with deletion protection") {
  TestDb db;
  json request = HashTable("Guarded");
  request["DeletionProtectionEnabled"] = true;
  db.Ok("CreateTable", request);
  db.ExpectError("DeleteTable", {{"TableName", "Guarded"}}, "ValidationException",
                 "Resource cannot be deleted as it is currently protected against deletion. "
                 "Disable deletion protection first.");
  json updated = db.Ok("UpdateTable", {{"TableName", "Guarded"},
                                       {"DeletionProtectionEnabled", false}})["TableDescription"];
  CHECK(updated["DeletionProtectionEnabled"] == false);
  db.Ok("DeleteTable", {{"TableName", "Guarded"}});
}

TEST_CASE("UpdateTable changes billing mode and throughput") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");  // PAY_PER_REQUEST
  db.ExpectError("UpdateTable", {{"TableName", "Tbl"}, {"BillingMode", "PROVISIONED"}},
                 "ValidationException",
                 "One or more parameter values were invalid: ProvisionedThroughput must be "
                 "specified when BillingMode is PROVISIONED");
  db.ExpectError("UpdateTable",
                 {{"TableName", "Tbl"},
                  {"ProvisionedThroughput", {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 5}}}},
                 "ValidationException",
                 "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                 "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  json out =
      db.Ok("UpdateTable",
            {{"TableName", "Tbl"},
             {"BillingMode", "PROVISIONED"},
             {"ProvisionedThroughput", {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 7}}}});
  json td = out["TableDescription"];
  CHECK(td["TableStatus"] == "ACTIVE");
  CHECK(td["BillingModeSummary"] == json{{"BillingMode", "PROVISIONED"}});
  CHECK(td["ProvisionedThroughput"]["ReadCapacityUnits"] == 5);
  CHECK(td["ProvisionedThroughput"]["WriteCapacityUnits"] == 7);
  CHECK(db.Describe("Tbl") == td);

  db.ExpectError(
      "UpdateTable",
      {{"TableName", "Tbl"},
       {"ProvisionedThroughput", {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 7}}}},
      "ValidationException",
      "The provisioned throughput for the table will not change. The requested value equals the "
      "current value. Current ReadCapacityUnits provisioned for the table: 5. Requested "
      "ReadCapacityUnits: 5. Current WriteCapacityUnits provisioned for the table: 7. Requested "
      "WriteCapacityUnits: 7. Refer to the Amazon DynamoDB Developer Guide for current limits and "
      "how to request higher limits.");
  td = db.Ok("UpdateTable",
             {{"TableName", "Tbl"},
              {"ProvisionedThroughput",
               {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 7}}}})["TableDescription"];
  CHECK(td["ProvisionedThroughput"]["ReadCapacityUnits"] == 1);

  db.engine().set_clock([] { return kTestNowMs + 5000; });
  td = db.Ok("UpdateTable", {{"TableName", "Tbl"},
                             {"BillingMode", "PAY_PER_REQUEST"},
                             {"TableClass", "STANDARD_INFREQUENT_ACCESS"}})["TableDescription"];
  CHECK(td["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST");
  CHECK(td["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"].get<double>() ==
        doctest::Approx((kTestNowMs + 5000) / 1000.0));
  CHECK(td["ProvisionedThroughput"]["ReadCapacityUnits"] == 0);
  CHECK(td["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS");
  CHECK(db.Describe("Tbl") == td);
}

TEST_CASE("UpdateTable: deleting an index the table lacks") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.ExpectError(
      "UpdateTable",
      {{"TableName", "Tbl"},
       {"GlobalSecondaryIndexUpdates", json::array({{{"Delete", {{"IndexName", "byX"}}}}})}},
      "ResourceNotFoundException", "Requested resource not found: Index: byX not found");
}

TEST_CASE("DescribeTable counts items and bytes exactly") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("ab")}, {"n", N("12345")}});  // 2+2 + 1+(3+1) = 9
  CHECK(db.Describe("Tbl")["ItemCount"] == 1);
  CHECK(db.Describe("Tbl")["TableSizeBytes"] == 9);
  db.Put("Tbl", {{"pk", S("ab")}});  // replaced: 4
  CHECK(db.Describe("Tbl")["ItemCount"] == 1);
  CHECK(db.Describe("Tbl")["TableSizeBytes"] == 4);
  db.Put("Tbl", {{"pk", S("c")}, {"b", {{"BOOL", true}}}});  // 3 + 2
  CHECK(db.Describe("Tbl")["ItemCount"] == 2);
  CHECK(db.Describe("Tbl")["TableSizeBytes"] == 9);
  db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", {{"pk", S("ab")}}}});
  CHECK(db.Describe("Tbl")["ItemCount"] == 1);
  CHECK(db.Describe("Tbl")["TableSizeBytes"] == 5);
  CHECK(db.CheckText() == "OK");
}

}  // namespace
}  // namespace testing
}  // namespace pd
