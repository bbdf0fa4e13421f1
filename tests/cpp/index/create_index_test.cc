// Secondary indexes in CreateTable / DescribeTable / DeleteTable: DynamoDB's
// validations (cases and messages from dynalite's test/createTable.js and
// the DynamoDB API reference), the DescribeTable shape, and that index trees
// live and die with their table.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

constexpr char kInvalid[] = "One or more parameter values were invalid: ";

json Def(const char* name, const char* type = "S") {
  return {{"AttributeName", name}, {"AttributeType", type}};
}
json Key(const char* name, const char* type) {
  return {{"AttributeName", name}, {"KeyType", type}};
}
json Index(const char* name, json keys, json projection) {
  return {
      {"IndexName", name}, {"KeySchema", std::move(keys)}, {"Projection", std::move(projection)}};
}
json All() { return json::object({{"ProjectionType", "ALL"}}); }

// Table a(S) HASH, b(S) RANGE, definitions a, b, c; provisioned 1/1.
json Base() {
  return {{"TableName", "abc"},
          {"AttributeDefinitions", {Def("a"), Def("b"), Def("c")}},
          {"KeySchema", {Key("a", "HASH"), Key("b", "RANGE")}},
          {"ProvisionedThroughput", {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}}}};
}

TEST_CASE("CreateTable: LocalSecondaryIndexes validations, in DynamoDB's order") {
  TestDb db;
  json r = Base();
  r["LocalSecondaryIndexes"] = json::array();
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) + "List of LocalSecondaryIndexes is empty");
  r["LocalSecondaryIndexes"] =
      json::array({Index("ix1", {Key("a", "HASH"), Key("d", "RANGE")}, All())});
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) +
                     "Some index key attributes are not defined in AttributeDefinitions. Keys: [a, "
                     "d], AttributeDefinitions: [a, b, c]");
  r["LocalSecondaryIndexes"] =
      json::array({Index("ix1", {Key("a", "HASH"), Key("a", "RANGE")}, All())});
  db.ExpectError("CreateTable", r, kValidationException,
                 "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  r["LocalSecondaryIndexes"] =
      json::array({Index("ix1", {Key("a", "RANGE"), Key("c", "RANGE")}, All())});
  db.ExpectError("CreateTable", r, kValidationException,
                 "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  r["LocalSecondaryIndexes"] =
      json::array({Index("ix1", {Key("a", "HASH"), Key("c", "HASH")}, All())});
  db.ExpectError("CreateTable", r, kValidationException,
                 "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  r["LocalSecondaryIndexes"] = json::array({Index("ix1", json::array({Key("a", "HASH")}), All())});
  db.ExpectError(
      "CreateTable", r, kValidationException,
      std::string(kInvalid) + "Index KeySchema does not have a range key for index: ix1");
  r["LocalSecondaryIndexes"] =
      json::array({Index("ix1", {Key("c", "HASH"), Key("a", "RANGE")}, All())});
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) +
                     "Index KeySchema does not have the same leading hash key as table KeySchema "
                     "for index: ix1. index hash key: c, table hash key: a");
  r["LocalSecondaryIndexes"] =
      json::array({Index("ix1", {Key("a", "HASH"), Key("c", "RANGE")}, json::object())});
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) + "Unknown ProjectionType: null");
  r["LocalSecondaryIndexes"] = json::array(
      {Index("ix1", {Key("a", "HASH"), Key("c", "RANGE")},
             {{"ProjectionType", "KEYS_ONLY"}, {"NonKeyAttributes", json::array({"x"})}})});
  db.ExpectError(
      "CreateTable", r, kValidationException,
      std::string(kInvalid) + "ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified");
  r["LocalSecondaryIndexes"] = json::array({Index("ix1", {Key("a", "HASH"), Key("c", "RANGE")},
                                                  json::object({{"ProjectionType", "INCLUDE"}}))});
  db.ExpectError(
      "CreateTable", r, kValidationException,
      std::string(kInvalid) + "ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  r["LocalSecondaryIndexes"] = {Index("ix1", {Key("a", "HASH"), Key("c", "RANGE")}, All()),
                                Index("ix1", {Key("a", "HASH"), Key("c", "RANGE")}, All())};
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) + "Duplicate index name: ix1");
  r["LocalSecondaryIndexes"] = json::array();
  for (const char* n : {"ix1", "ix2", "ix3", "ix4", "ix5", "ix6"}) {
    r["LocalSecondaryIndexes"].push_back(Index(n, {Key("a", "HASH"), Key("c", "RANGE")}, All()));
  }
  db.ExpectError(
      "CreateTable", r, kValidationException,
      std::string(kInvalid) + "Number of LocalSecondaryIndexes exceeds per-table limit of 5");
  r = Base();
  r["KeySchema"] = json::array({Key("a", "HASH")});
  r["LocalSecondaryIndexes"] =
      json::array({Index("ix1", {Key("a", "HASH"), Key("c", "RANGE")}, All())});
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) +
                     "Table KeySchema does not have a range key, which is required when "
                     "specifying a LocalSecondaryIndex");
  CHECK(db.Ok("ListTables", json::object())["TableNames"].empty());
}

TEST_CASE("CreateTable: GlobalSecondaryIndexes validations, in DynamoDB's order") {
  TestDb db;
  json r = Base();
  r["GlobalSecondaryIndexes"] = json::array();
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) + "List of GlobalSecondaryIndexes is empty");
  json g = Index("gx1", json::array({Key("c", "HASH")}), All());
  g["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}};
  r["GlobalSecondaryIndexes"] = {g, g};
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) + "Duplicate index name: gx1");
  r["GlobalSecondaryIndexes"] = json::array();
  for (int i = 0; i < 21; ++i) {
    json x = g;
    x["IndexName"] = "gx" + std::to_string(100 + i);
    r["GlobalSecondaryIndexes"].push_back(x);
  }
  db.ExpectError(
      "CreateTable", r, kValidationException,
      std::string(kInvalid) + "GlobalSecondaryIndex count exceeds the per-table limit of 20");
  r["GlobalSecondaryIndexes"].erase(20);
  db.Ok("CreateTable", r);  // 20 is allowed
  r = Base();
  json no_throughput = Index("gx1", json::array({Key("c", "HASH")}), All());
  r["GlobalSecondaryIndexes"] = json::array({no_throughput});
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) + "ProvisionedThroughput is not specified for index: gx1");
  r.erase("ProvisionedThroughput");
  r["BillingMode"] = "PAY_PER_REQUEST";
  r["GlobalSecondaryIndexes"] = json::array({g});
  db.ExpectError(
      "CreateTable", r, kValidationException,
      std::string(kInvalid) +
          "ProvisionedThroughput should not be specified for index: gx1 when BillingMode "
          "is PAY_PER_REQUEST");
  // Definitions: every one must be a key of the table or an index.
  r["GlobalSecondaryIndexes"] = json::array({Index("gx1", json::array({Key("b", "HASH")}), All())});
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) +
                     "Some AttributeDefinitions are not used. AttributeDefinitions: [a, b, c], "
                     "keys used: [a, b]");
  // NonKeyAttributes: at most 100 over all indexes.
  json include = {{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", json::array()}};
  for (int i = 0; i < 60; ++i) include["NonKeyAttributes"].push_back("n" + std::to_string(i));
  r["GlobalSecondaryIndexes"] = {Index("gx1", json::array({Key("c", "HASH")}), include),
                                 Index("gx2", {Key("c", "HASH"), Key("a", "RANGE")}, include)};
  db.ExpectError(
      "CreateTable", r, kValidationException,
      std::string(kInvalid) + "Number of projected attributes in all indexes exceeds limit of 100");
  include["NonKeyAttributes"] = {"x", "x"};
  r["GlobalSecondaryIndexes"] =
      json::array({Index("gx1", json::array({Key("c", "HASH")}), include)});
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) + "Duplicate element in NonKeyAttributes: x");
  // An index name shared between an LSI and a GSI is a duplicate too.
  r["LocalSecondaryIndexes"] =
      json::array({Index("gx1", {Key("a", "HASH"), Key("c", "RANGE")}, All())});
  r["GlobalSecondaryIndexes"] = json::array({Index("gx1", json::array({Key("c", "HASH")}), All())});
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) + "Duplicate index name: gx1");
  // Without indexes, extra definitions keep the table-only message.
  r = Base();
  db.ExpectError("CreateTable", r, kValidationException,
                 std::string(kInvalid) +
                     "Number of attributes in KeySchema does not exactly match number of "
                     "attributes defined in AttributeDefinitions");
}

TEST_CASE("DescribeTable shows each index; DeleteTable frees the index trees") {
  TestDb db;
  const uint32_t empty_pages = db.engine().page_count();
  json r = Base();
  r["AttributeDefinitions"].push_back(Def("d", "N"));
  r["LocalSecondaryIndexes"] = json::array(
      {Index("byC", {Key("a", "HASH"), Key("c", "RANGE")},
             {{"ProjectionType", "INCLUDE"}, {"NonKeyAttributes", json::array({"x"})}})});
  json g = Index("byD", {Key("d", "HASH"), Key("c", "RANGE")},
                 json::object({{"ProjectionType", "KEYS_ONLY"}}));
  g["ProvisionedThroughput"] = {{"ReadCapacityUnits", 3}, {"WriteCapacityUnits", 4}};
  r["GlobalSecondaryIndexes"] = json::array({g});
  json created = db.Ok("CreateTable", r)["TableDescription"];
  json t = db.Describe("abc");
  CHECK(created["LocalSecondaryIndexes"] == t["LocalSecondaryIndexes"]);
  const std::string arn = t["TableArn"].get<std::string>();
  CHECK(t["LocalSecondaryIndexes"] ==
        json::parse(R"([{"IndexName":"byC","KeySchema":[{"AttributeName":"a","KeyType":"HASH"},
          {"AttributeName":"c","KeyType":"RANGE"}],"Projection":{"ProjectionType":"INCLUDE",
          "NonKeyAttributes":["x"]},"IndexSizeBytes":0,"ItemCount":0,"IndexArn":")" +
                    arn + R"(/index/byC"}])"));
  CHECK(t["GlobalSecondaryIndexes"] ==
        json::parse(R"([{"IndexName":"byD","KeySchema":[{"AttributeName":"d","KeyType":"HASH"},
          {"AttributeName":"c","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"},
          "IndexStatus":"ACTIVE","ProvisionedThroughput":{"NumberOfDecreasesToday":0,
          "ReadCapacityUnits":3,"WriteCapacityUnits":4},"IndexSizeBytes":0,"ItemCount":0,
          "IndexArn":")" +
                    arn + R"(/index/byD"}])"));
  db.Put(
      "abc",
      {{"a", S("1")}, {"b", S("1")}, {"c", S("c")}, {"d", N("5")}, {"x", S("xx")}, {"y", S("yy")}});
  db.Put("abc", {{"a", S("1")}, {"b", S("2")}, {"c", S("c")}});  // not in byD (no d)
  t = db.Describe("abc");
  CHECK(t["ItemCount"] == 2);
  CHECK(t["LocalSecondaryIndexes"][0]["ItemCount"] == 2);
  // byC entries: {a, b, c, x} = 1+1+1+1+1+1+1+2 = 9 bytes, {a, b, c} = 6 bytes.
  CHECK(t["LocalSecondaryIndexes"][0]["IndexSizeBytes"] == 15);
  CHECK(t["GlobalSecondaryIndexes"][0]["ItemCount"] == 1);
  // byD entry: {a, b, c, d} = 2 + 2 + 2 + (1 + 2) = 9 bytes.
  CHECK(t["GlobalSecondaryIndexes"][0]["IndexSizeBytes"] == 9);
  CHECK(db.CheckText() == "OK");

  // Reopen from page images: the definitions and counts come back.
  db.CommitAll();
  TestDb reopened(Engine::Open(db.engine().SnapshotImages()).value());
  CHECK(reopened.Describe("abc") == t);
  CHECK(reopened.CheckText() == "OK");

  db.Ok("DeleteTable", {{"TableName", "abc"}});
  CHECK(db.CheckText() == "OK");  // no page of the index trees is lost
  db.CreateTable("abc", "a", "S");
  CHECK(db.engine().page_count() <= empty_pages + 8);
}

}  // namespace
}  // namespace testing
}  // namespace pd
