// Index maintenance on every write path and Query / Scan with IndexName:
// DynamoDB's documented parameters and messages (API reference, Query and
// Scan; dynalite's test/query.js and test/scan.js for the message texts).
//
// Table "Tbl": pk (S) HASH, sk (N) RANGE, with
//   lsi  "byLocal"  pk HASH, l (N) RANGE, INCLUDE [inc]
//   gsi  "byGroup"  g (S) HASH, r (N) RANGE, KEYS_ONLY
//   gsi  "byAll"    g (S) HASH, ALL
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

void CreateIndexedTable(TestDb& db) {
  db.Ok("CreateTable", json::parse(R"({"TableName":"Tbl","BillingMode":"PAY_PER_REQUEST",
    "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},
      {"AttributeName":"sk","AttributeType":"N"},{"AttributeName":"l","AttributeType":"N"},
      {"AttributeName":"g","AttributeType":"S"},{"AttributeName":"r","AttributeType":"N"}],
    "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
    "LocalSecondaryIndexes":[{"IndexName":"byLocal","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},
      {"AttributeName":"l","KeyType":"RANGE"}],
      "Projection":{"ProjectionType":"INCLUDE","NonKeyAttributes":["inc"]}}],
    "GlobalSecondaryIndexes":[
      {"IndexName":"byGroup","KeySchema":[{"AttributeName":"g","KeyType":"HASH"},
        {"AttributeName":"r","KeyType":"RANGE"}],"Projection":{"ProjectionType":"KEYS_ONLY"}},
      {"IndexName":"byAll","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],
        "Projection":{"ProjectionType":"ALL"}}]})"));
}

json Item(const std::string& pk, int sk) { return {{"pk", S(pk)}, {"sk", N(std::to_string(sk))}}; }

json QueryG(const std::string& index, const std::string& g, json extra = json::object()) {
  json q = {{"TableName", "Tbl"},
            {"IndexName", index},
            {"KeyConditionExpression", "g = :g"},
            {"ExpressionAttributeValues", {{":g", S(g)}}}};
  for (auto& [k, v] : extra.items()) q[k] = v;
  return q;
}

// The sk values of a response's Items, in order.
std::vector<std::string> Sks(const json& r) {
  std::vector<std::string> out;
  for (const json& item : r["Items"]) out.push_back(item["sk"]["N"].get<std::string>());
  return out;
}

TEST_CASE("Index maintenance: sparse entries follow puts, updates and deletes") {
  TestDb db;
  CreateIndexedTable(db);
  json a = Item("p", 1);
  a["g"] = S("red");
  a["r"] = N("10");
  a["x"] = S("big");
  db.Put("Tbl", a);
  json b = Item("p", 2);
  b["g"] = S("red");  // no r: in byAll, not in byGroup
  db.Put("Tbl", b);
  db.Put("Tbl", Item("q", 3));  // no index keys: in no index
  CHECK(Sks(db.Ok("Query", QueryG("byGroup", "red"))) == std::vector<std::string>{"1"});
  CHECK(Sks(db.Ok("Query", QueryG("byAll", "red"))).size() == 2);
  json keys_only = db.Ok("Query", QueryG("byGroup", "red"))["Items"][0];
  CHECK(keys_only == json({{"pk", S("p")}, {"sk", N("1")}, {"g", S("red")}, {"r", N("10")}}));

  // UpdateItem moves item 1 to another group and drops its sort key r.
  db.Ok("UpdateItem", {{"TableName", "Tbl"},
                       {"Key", Item("p", 1)},
                       {"UpdateExpression", "SET g = :b REMOVE r"},
                       {"ExpressionAttributeValues", {{":b", S("blue")}}}});
  CHECK(db.Ok("Query", QueryG("byGroup", "red"))["Count"] == 0);
  CHECK(db.Ok("Query", QueryG("byAll", "blue"))["Items"][0]["x"] == S("big"));
  CHECK(db.Ok("Query", QueryG("byAll", "red"))["Count"] == 1);
  db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", Item("p", 2)}});
  CHECK(db.Ok("Query", QueryG("byAll", "red"))["Count"] == 0);
  json t = db.Describe("Tbl");
  CHECK(t["GlobalSecondaryIndexes"][0]["ItemCount"] == 0);
  CHECK(t["GlobalSecondaryIndexes"][1]["ItemCount"] == 1);
  CHECK(db.CheckText() == "OK");

  // BatchWriteItem and TransactWriteItems maintain the indexes too.
  json c = Item("b", 7);
  c["g"] = S("green");
  c["r"] = N("1");
  db.Ok("BatchWriteItem", {{"RequestItems", {{"Tbl", {{{"PutRequest", {{"Item", c}}}}}}}}});
  CHECK(db.Ok("Query", QueryG("byGroup", "green"))["Count"] == 1);
  db.Ok("TransactWriteItems",
        {{"TransactItems", {{{"Delete", {{"TableName", "Tbl"}, {"Key", Item("b", 7)}}}}}}});
  CHECK(db.Ok("Query", QueryG("byGroup", "green"))["Count"] == 0);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("Write capacity: INDEXES charges each index whose entry changes") {
  TestDb db;
  CreateIndexedTable(db);
  json item = Item("p", 1);
  item["g"] = S("red");
  item["r"] = N("10");
  json r = db.Ok("PutItem",
                 {{"TableName", "Tbl"}, {"Item", item}, {"ReturnConsumedCapacity", "INDEXES"}});
  CHECK(r["ConsumedCapacity"] == json::parse(R"({"TableName":"Tbl","CapacityUnits":3.0,
    "Table":{"CapacityUnits":1.0},"GlobalSecondaryIndexes":{"byGroup":{"CapacityUnits":1.0},
    "byAll":{"CapacityUnits":1.0}}})"));
  json update = {{"TableName", "Tbl"},
                 {"Key", Item("p", 1)},
                 {"UpdateExpression", "SET g = :v"},
                 {"ExpressionAttributeValues", {{":v", S("blue")}}},
                 {"ReturnConsumedCapacity", "TOTAL"}};
  // Both GSI keys change: a delete and a put in each.
  CHECK(db.Ok("UpdateItem", update)["ConsumedCapacity"]["CapacityUnits"] == 5.0);
  update["UpdateExpression"] = "SET x = :v";
  update["ReturnConsumedCapacity"] = "INDEXES";
  // x is projected into byAll only; byGroup's entry is unchanged.
  CHECK(db.Ok("UpdateItem", update)["ConsumedCapacity"] ==
        json::parse(R"({"TableName":"Tbl","CapacityUnits":2.0,"Table":{"CapacityUnits":1.0},
          "GlobalSecondaryIndexes":{"byAll":{"CapacityUnits":1.0}}})"));
  json del = {{"TableName", "Tbl"}, {"Key", Item("p", 1)}, {"ReturnConsumedCapacity", "TOTAL"}};
  CHECK(db.Ok("DeleteItem", del)["ConsumedCapacity"]["CapacityUnits"] == 3.0);
  json batch_item = Item("q", 2);
  batch_item["g"] = S("red");
  json requests = json::array({json{{"PutRequest", {{"Item", batch_item}}}}});
  r = db.Ok("BatchWriteItem",
            {{"RequestItems", {{"Tbl", requests}}}, {"ReturnConsumedCapacity", "TOTAL"}});
  CHECK(r["ConsumedCapacity"][0]["CapacityUnits"] == 2.0);  // table + byAll (no r: not in byGroup)
  json action = {{"Delete", {{"TableName", "Tbl"}, {"Key", Item("q", 2)}}}};
  r = db.Ok("TransactWriteItems",
            {{"TransactItems", json::array({action})}, {"ReturnConsumedCapacity", "INDEXES"}});
  CHECK(r["ConsumedCapacity"][0] ==
        json::parse(R"({"TableName":"Tbl","CapacityUnits":4.0,"Table":{"CapacityUnits":2.0},
          "GlobalSecondaryIndexes":{"byAll":{"CapacityUnits":2.0}}})"));
}

TEST_CASE("Index key attributes of the wrong type or empty are rejected on every write path") {
  TestDb db;
  CreateIndexedTable(db);
  db.CommitAll();
  const uint64_t lsn = db.engine().lsn();
  const std::string mismatch =
      "One or more parameter values were invalid: Type mismatch for Index Key g Expected: S "
      "Actual: N IndexName: byGroup";
  json bad = Item("p", 1);
  bad["g"] = N("1");
  db.ExpectError("PutItem", {{"TableName", "Tbl"}, {"Item", bad}}, kValidationException, mismatch);
  // Validation comes before the condition.
  db.ExpectError(
      "PutItem",
      {{"TableName", "Tbl"}, {"Item", bad}, {"ConditionExpression", "attribute_exists(pk)"}},
      kValidationException, mismatch);
  db.ExpectError("UpdateItem",
                 {{"TableName", "Tbl"},
                  {"Key", Item("p", 1)},
                  {"UpdateExpression", "SET g = :n"},
                  {"ExpressionAttributeValues", {{":n", N("1")}}}},
                 kValidationException, mismatch);
  json good = Item("p", 2);
  good["g"] = S("ok");
  db.ExpectError(
      "BatchWriteItem",
      {{"RequestItems",
        {{"Tbl", {{{"PutRequest", {{"Item", good}}}}, {{"PutRequest", {{"Item", bad}}}}}}}}},
      kValidationException, mismatch);
  db.ExpectError("TransactWriteItems",
                 {{"TransactItems",
                   {{{"Put", {{"TableName", "Tbl"}, {"Item", good}}}},
                    {{"Put", {{"TableName", "Tbl"}, {"Item", bad}}}}}}},
                 kValidationException, mismatch);
  json r =
      db.Exec("TransactWriteItems", {{"TransactItems",
                                      {{{"Put", {{"TableName", "Tbl"}, {"Item", good}}}},
                                       {{"Update",
                                         {{"TableName", "Tbl"},
                                          {"Key", Item("p", 3)},
                                          {"UpdateExpression", "SET l = :s"},
                                          {"ExpressionAttributeValues", {{":s", S("x")}}}}}}}}});
  CHECK(ErrorType(r) == "TransactionCanceledException");
  CHECK(r["CancellationReasons"][1]["Code"] == "ValidationError");
  CHECK(r["CancellationReasons"][1]["Message"] ==
        "One or more parameter values were invalid: Type mismatch for Index Key l Expected: N "
        "Actual: S IndexName: byLocal");
  json empty = Item("p", 1);
  empty["g"] = S("");
  db.ExpectError("PutItem", {{"TableName", "Tbl"}, {"Item", empty}}, kValidationException,
                 "One or more parameter values are not valid. A value specified for a secondary "
                 "index key is not supported. The AttributeValue for a key attribute cannot "
                 "contain an empty string value. IndexName: byGroup, IndexKey: g");
  json big = Item("p", 1);
  big["r"] = N("1");
  big["g"] = S(std::string(2049, 'x'));
  db.ExpectError("PutItem", {{"TableName", "Tbl"}, {"Item", big}}, kValidationException,
                 "One or more parameter values were invalid: Size of hashkey has exceeded the "
                 "maximum size limit of2048 bytes");
  CHECK(!db.engine().has_pending_commit());  // nothing changed
  CHECK(db.engine().lsn() == lsn);
  CHECK(db.Describe("Tbl")["ItemCount"] == 0);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("Query on an index: errors in DynamoDB's order") {
  TestDb db;
  CreateIndexedTable(db);
  db.ExpectError("Query", QueryG("nope", "x"), kValidationException,
                 "The table does not have the specified index: nope");
  db.ExpectError("Query", QueryG("byGroup", "x", {{"ConsistentRead", true}}), kValidationException,
                 "Consistent reads are not supported on global secondary indexes");
  db.ExpectError("Query", QueryG("byGroup", "x", {{"Select", "ALL_ATTRIBUTES"}}),
                 kValidationException,
                 "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
                 "supported for global secondary index byGroup because its projection type is "
                 "not ALL");
  db.ExpectError("Query", QueryG("byGroup", "x", {{"ProjectionExpression", "pk, zz, g, yy"}}),
                 kValidationException,
                 "One or more parameter values were invalid: Global secondary index byGroup does "
                 "not project [zz, yy]");
  db.ExpectError("Query", QueryG("byGroup", "x", {{"FilterExpression", "r = :g"}}),
                 kValidationException,
                 "Filter Expression can only contain non-primary key attributes: Primary key "
                 "attribute: r");
  db.ExpectError("Query",
                 {{"TableName", "Tbl"},
                  {"IndexName", "byGroup"},
                  {"KeyConditionExpression", "pk = :g"},
                  {"ExpressionAttributeValues", {{":g", S("x")}}}},
                 kValidationException, "Query condition missed key schema element: g");
  db.ExpectError("Query",
                 QueryG("byAll", "x",
                        {{"KeyConditionExpression", "g = :g AND sk = :s"},
                         {"ExpressionAttributeValues", {{":g", S("x")}, {":s", N("1")}}}}),
                 kValidationException, "Query key condition not supported");
  // ExclusiveStartKey: table keys plus index keys.
  db.ExpectError("Query", QueryG("byGroup", "x", {{"ExclusiveStartKey", Item("p", 1)}}),
                 kValidationException, "The provided starting key is invalid");
  json start = Item("p", 1);
  start["g"] = S("x");
  start["r"] = S("wrong");
  db.ExpectError("Query", QueryG("byGroup", "x", {{"ExclusiveStartKey", start}}),
                 kValidationException, "The provided key element does not match the schema");
  start["r"] = N("1");
  start["g"] = S("extra");
  db.ExpectError("Query", QueryG("byGroup", "x", {{"ExclusiveStartKey", start}}),
                 kValidationException,
                 "The provided starting key is outside query boundaries based on provided "
                 "conditions");
  // ConsistentRead on an LSI is allowed.
  db.Ok("Query", {{"TableName", "Tbl"},
                  {"IndexName", "byLocal"},
                  {"ConsistentRead", true},
                  {"KeyConditionExpression", "pk = :p"},
                  {"ExpressionAttributeValues", {{":p", S("p")}}}});
}

TEST_CASE("Query on an index: order, paging with index and table keys, projections, capacity") {
  TestDb db;
  CreateIndexedTable(db);
  // 12 items in group "g", with r = 5 for all but two: equal index keys.
  for (int i = 0; i < 12; ++i) {
    json item = Item(i % 2 == 0 ? "even" : "odd", i);
    item["g"] = S("g");
    item["r"] = N(i == 3 ? "1" : i == 8 ? "9" : "5");
    item["l"] = N(std::to_string(100 - i));
    item["inc"] = S("i" + std::to_string(i));
    item["extra"] = S("o" + std::to_string(i));
    db.Put("Tbl", item);
  }
  // Index order: r ascending; equal r by table key.
  json all = db.Ok("Query", QueryG("byGroup", "g"));
  REQUIRE(all["Count"] == 12);
  CHECK(all["Items"][0]["sk"] == N("3"));
  CHECK(all["Items"][11]["sk"] == N("8"));
  json backwards = db.Ok("Query", QueryG("byGroup", "g", {{"ScanIndexForward", false}}));
  std::vector<std::string> fwd = Sks(all);
  std::vector<std::string> back = Sks(backwards);
  std::reverse(back.begin(), back.end());
  CHECK(fwd == back);
  // Sort key condition on the index's sort key.
  CHECK(db.Ok("Query", QueryG("byGroup", "g",
                              {{"KeyConditionExpression", "g = :g AND r > :r"},
                               {"ExpressionAttributeValues",
                                {{":g", S("g")}, {":r", N("5")}}}}))["Count"] == 1);
  // Paging with Limit 5: every page continues after the last, keys hold both.
  for (bool forward : {true, false}) {
    std::vector<std::string> seen;
    json start;
    int pages = 0;
    do {
      json extra = {{"Limit", 5}, {"ScanIndexForward", forward}};
      if (!start.is_null()) extra["ExclusiveStartKey"] = start;
      json page = db.Ok("Query", QueryG("byGroup", "g", extra));
      for (const std::string& s : Sks(page)) seen.push_back(s);
      start = page.contains("LastEvaluatedKey") ? page["LastEvaluatedKey"] : json();
      if (!start.is_null()) {
        CHECK(start.size() == 4);
        CHECK(start.contains("pk"));
        CHECK(start.contains("sk"));
        CHECK(start.contains("g"));
        CHECK(start.contains("r"));
      }
      ++pages;
    } while (!start.is_null());
    CHECK(pages == 3);
    CHECK(seen == (forward ? fwd : Sks(backwards)));
  }
  // LSI: projected attributes only by default; others are fetched from the table.
  json lq = {{"TableName", "Tbl"},
             {"IndexName", "byLocal"},
             {"KeyConditionExpression", "pk = :p"},
             {"ExpressionAttributeValues", {{":p", S("even")}}}};
  json local = db.Ok("Query", lq);
  REQUIRE(local["Count"] == 6);
  CHECK(local["Items"][0]["l"] == N("90"));  // l ascending: sk 10 has l 90
  CHECK(!local["Items"][0].contains("extra"));
  CHECK(local["Items"][0]["inc"] == S("i10"));
  json fetched = lq;
  fetched["ProjectionExpression"] = "extra, l";
  fetched["ReturnConsumedCapacity"] = "INDEXES";
  json fr = db.Ok("Query", fetched);
  CHECK(fr["Items"][0] == json({{"extra", S("o10")}, {"l", N("90")}}));
  CHECK(fr["ConsumedCapacity"]["LocalSecondaryIndexes"]["byLocal"]["CapacityUnits"] == 0.5);
  CHECK(fr["ConsumedCapacity"]["Table"]["CapacityUnits"] == 0.5);
  CHECK(fr["ConsumedCapacity"]["CapacityUnits"] == 1.0);
  json all_attrs = lq;
  all_attrs["Select"] = "ALL_ATTRIBUTES";
  CHECK(db.Ok("Query", all_attrs)["Items"][0].contains("extra"));
  json gcap = db.Ok("Query", QueryG("byAll", "g", {{"ReturnConsumedCapacity", "INDEXES"}}));
  CHECK(gcap["ConsumedCapacity"] ==
        json::parse(R"({"TableName":"Tbl","CapacityUnits":0.5,"Table":{"CapacityUnits":0.0},
          "GlobalSecondaryIndexes":{"byAll":{"CapacityUnits":0.5}}})"));
  CHECK(db.Ok("Query", QueryG("byAll", "g", {{"Select", "ALL_PROJECTED_ATTRIBUTES"}}))["Items"][0]
            .contains("extra"));
  CHECK(db.Ok("Query", QueryG("byAll", "g", {{"Select", "COUNT"}}))["Count"] == 12);
}

TEST_CASE("Scan on an index: every entry once, segments, start keys") {
  TestDb db;
  CreateIndexedTable(db);
  for (int i = 0; i < 40; ++i) {
    json item = Item("p" + std::to_string(i % 7), i);
    if (i % 3 != 0) item["g"] = S("g" + std::to_string(i % 5));
    item["r"] = N(std::to_string(i % 4));
    db.Put("Tbl", item);
  }
  std::set<std::string> expected;
  for (int i = 0; i < 40; ++i) {
    if (i % 3 != 0) expected.insert(std::to_string(i));
  }
  for (int total : {1, 3}) {
    std::multiset<std::string> seen;
    for (int segment = 0; segment < total; ++segment) {
      json start;
      do {
        json scan = {{"TableName", "Tbl"}, {"IndexName", "byGroup"}, {"Limit", 4}};
        if (total > 1) {
          scan["Segment"] = segment;
          scan["TotalSegments"] = total;
        }
        if (!start.is_null()) scan["ExclusiveStartKey"] = start;
        json page = db.Ok("Scan", scan);
        for (const std::string& s : Sks(page)) seen.insert(s);
        start = page.contains("LastEvaluatedKey") ? page["LastEvaluatedKey"] : json();
      } while (!start.is_null());
    }
    CHECK(seen == std::multiset<std::string>(expected.begin(), expected.end()));
  }
  db.ExpectError("Scan", {{"TableName", "Tbl"}, {"IndexName", "nope"}}, kValidationException,
                 "The table does not have the specified index: nope");
  db.ExpectError("Scan",
                 {{"TableName", "Tbl"}, {"IndexName", "nope"}, {"ExclusiveStartKey", Item("a", 1)}},
                 kValidationException, "The provided starting key is invalid");
  db.ExpectError(
      "Scan", {{"TableName", "Tbl"}, {"IndexName", "byGroup"}, {"ExclusiveStartKey", Item("a", 1)}},
      kValidationException, "The provided starting key is invalid");
  db.ExpectError("Scan", {{"TableName", "Tbl"}, {"IndexName", "byAll"}, {"ConsistentRead", true}},
                 kValidationException,
                 "Consistent reads are not supported on global secondary indexes");
  db.ExpectError("Scan",
                 {{"TableName", "Tbl"}, {"IndexName", "byGroup"}, {"Select", "ALL_ATTRIBUTES"}},
                 kValidationException,
                 "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not "
                 "supported for global secondary index byGroup because its projection type is "
                 "not ALL");
  CHECK(db.Ok("Scan", {{"TableName", "Tbl"}, {"IndexName", "byLocal"}})["Count"] == 0);  // no l
}

}  // namespace
}  // namespace testing
}  // namespace pd
