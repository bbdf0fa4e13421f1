// Query through Engine::Execute: key conditions, filters, projections,
// Select, direction, Limit / ExclusiveStartKey / LastEvaluatedKey, the 1 MB
// page, ConsumedCapacity, and DynamoDB's validation messages in its order.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

// A table "Tbl" (pk S, sk N) with partition "a" holding sk 1..5 (v = sk * 10)
// and partition "b" holding sk 1.
void FillQuery(TestDb& db) {
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  for (int i = 1; i <= 5; ++i) {
    db.Put("Tbl", {{"pk", S("a")}, {"sk", N(std::to_string(i))}, {"v", N(std::to_string(i * 10))}});
  }
  db.Put("Tbl", {{"pk", S("b")}, {"sk", N("1")}, {"v", N("0")}});
}

json Q(const std::string& key_condition, const json& values, json extra = json::object()) {
  json r = {{"TableName", "Tbl"},
            {"KeyConditionExpression", key_condition},
            {"ExpressionAttributeValues", values}};
  for (auto it = extra.begin(); it != extra.end(); ++it) r[it.key()] = it.value();
  return r;
}

// The sort keys of a response's Items, as numbers in text.
std::vector<std::string> SortKeys(const json& response) {
  std::vector<std::string> out;
  for (const json& item : response["Items"]) out.push_back(item["sk"]["N"].get<std::string>());
  return out;
}

using Keys = std::vector<std::string>;

TEST_CASE("Query a partition forwards and backwards") {
  TestDb db;
  FillQuery(db);
  json r = db.Ok("Query", Q("pk = :p", {{":p", S("a")}}));
  CHECK(SortKeys(r) == Keys{"1", "2", "3", "4", "5"});
  CHECK(r["Count"] == 5);
  CHECK(r["ScannedCount"] == 5);
  CHECK(!r.contains("LastEvaluatedKey"));
  CHECK(r["Items"][0] == json{{"pk", S("a")}, {"sk", N("1")}, {"v", N("10")}});
  r = db.Ok("Query", Q("pk = :p", {{":p", S("a")}}, {{"ScanIndexForward", false}}));
  CHECK(SortKeys(r) == Keys{"5", "4", "3", "2", "1"});
  // The key on the right of "=" works too, and a partition with nothing in it.
  CHECK(SortKeys(db.Ok("Query", Q(":p = pk", {{":p", S("b")}}))) == Keys{"1"});
  CHECK(db.Ok("Query", Q("pk = :p", {{":p", S("zzz")}})) ==
        json{{"Items", json::array()}, {"Count", 0}, {"ScannedCount", 0}});
}

TEST_CASE("Query sort key conditions") {
  TestDb db;
  FillQuery(db);
  struct Case {
    const char* condition;  // KeyConditionExpression
    json values;            // ExpressionAttributeValues
    Keys expected;          // sort keys returned, forwards
  };
  const json a = S("a");
  const std::vector<Case> cases = {
      {"pk = :p AND sk = :v", {{":p", a}, {":v", N("3")}}, {"3"}},
      {"pk = :p AND sk < :v", {{":p", a}, {":v", N("3")}}, {"1", "2"}},
      {"pk = :p AND sk <= :v", {{":p", a}, {":v", N("3")}}, {"1", "2", "3"}},
      {"pk = :p AND sk > :v", {{":p", a}, {":v", N("3")}}, {"4", "5"}},
      {"pk = :p AND sk >= :v", {{":p", a}, {":v", N("3")}}, {"3", "4", "5"}},
      {"pk = :p AND sk BETWEEN :v AND :w",
       {{":p", a}, {":v", N("2")}, {":w", N("4")}},
       {"2", "3", "4"}},
      {"pk = :p AND sk BETWEEN :v AND :w", {{":p", a}, {":v", N("2.5")}, {":w", N("2.7")}}, {}},
      {"sk > :v AND pk = :p", {{":p", a}, {":v", N("4")}}, {"5"}},
      {"pk = :p AND :v > sk", {{":p", a}, {":v", N("2")}}, {"1"}},
      {"pk = :p AND :v <= sk", {{":p", a}, {":v", N("5")}}, {"5"}},
      {"(pk = :p) AND (sk < :v)", {{":p", a}, {":v", N("-1")}}, {}},
      {"pk = :p AND sk = :v", {{":p", a}, {":v", N("3.00")}}, {"3"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.condition);
    CHECK(SortKeys(db.Ok("Query", Q(c.condition, c.values))) == c.expected);
    // Backwards gives the same items reversed.
    Keys reversed(c.expected.rbegin(), c.expected.rend());
    CHECK(SortKeys(db.Ok("Query", Q(c.condition, c.values, {{"ScanIndexForward", false}}))) ==
          reversed);
  }
}

TEST_CASE("Query begins_with and string / binary sort keys in byte order") {
  TestDb db;
  db.CreateTable("Str", "pk", "N", "sk", "S");
  for (const char* sk : {"a", "ab", "abc", "abd", "b", "B", "a\xC3\xA9"}) {
    db.Put("Str", {{"pk", N("7")}, {"sk", S(sk)}});
  }
  auto query = [&](const std::string& condition, const json& values) {
    json r = db.Ok("Query", {{"TableName", "Str"},
                             {"KeyConditionExpression", condition},
                             {"ExpressionAttributeValues", values}});
    std::vector<std::string> out;
    for (const json& item : r["Items"]) out.push_back(item["sk"]["S"].get<std::string>());
    return out;
  };
  CHECK(query("pk = :p", {{":p", N("7")}}) == Keys{"B", "a", "ab", "abc", "abd", "a\xC3\xA9", "b"});
  CHECK(query("pk = :p AND begins_with(sk, :s)", {{":p", N("7.0")}, {":s", S("ab")}}) ==
        Keys{"ab", "abc", "abd"});
  CHECK(query("pk = :p AND begins_with(sk, :s)", {{":p", N("7")}, {":s", S("a")}}) ==
        Keys{"a", "ab", "abc", "abd", "a\xC3\xA9"});
  CHECK(query("pk = :p AND begins_with(sk, :s)", {{":p", N("7")}, {":s", S("c")}}).empty());

  db.CreateTable("Bin", "pk", "S", "sk", "B");
  for (const char* b64 : {"AA==", "AAE=", "/w==", "AQ=="})
    db.Put("Bin", {{"pk", S("x")}, {"sk", B(b64)}});
  json r = db.Ok("Query", {{"TableName", "Bin"},
                           {"KeyConditionExpression", "pk = :p AND begins_with(sk, :b)"},
                           {"ExpressionAttributeValues", {{":p", S("x")}, {":b", B("AA==")}}}});
  CHECK(r["Items"] ==
        json::array({{{"pk", S("x")}, {"sk", B("AA==")}}, {{"pk", S("x")}, {"sk", B("AAE=")}}}));
}

TEST_CASE("Query on a hash-only table and numeric order") {
  TestDb db;
  db.CreateTable("Hash", "id", "N");
  db.Put("Hash", {{"id", N("-1.5")}, {"x", S("y")}});
  db.Put("Hash", {{"id", N("2")}});
  json r = db.Ok("Query", {{"TableName", "Hash"},
                           {"KeyConditionExpression", "id = :i"},
                           {"ExpressionAttributeValues", {{":i", N("-15e-1")}}}});
  CHECK(r["Items"] == json::array({{{"id", N("-1.5")}, {"x", S("y")}}}));

  TestDb db2;
  db2.CreateTable("Num", "pk", "S", "sk", "N");
  for (const char* n : {"10", "-3", "0", "2.5", "-0.001", "1e10", "-1e10"}) {
    db2.Put("Num", {{"pk", S("p")}, {"sk", N(n)}});
  }
  json all = db2.Ok("Query", {{"TableName", "Num"},
                              {"KeyConditionExpression", "pk = :p"},
                              {"ExpressionAttributeValues", {{":p", S("p")}}}});
  CHECK(SortKeys(all) == Keys{"-10000000000", "-3", "-0.001", "0", "2.5", "10", "10000000000"});
}

TEST_CASE("Query FilterExpression, ProjectionExpression and Select") {
  TestDb db;
  FillQuery(db);
  json r = db.Ok("Query", Q("pk = :p", {{":p", S("a")}, {":min", N("25")}},
                            {{"FilterExpression", "v > :min"}}));
  CHECK(SortKeys(r) == Keys{"3", "4", "5"});
  CHECK(r["Count"] == 3);
  CHECK(r["ScannedCount"] == 5);
  // Filters on attributes that are missing keep nothing; NOT keeps them all.
  r = db.Ok("Query",
            Q("pk = :p", {{":p", S("a")}}, {{"FilterExpression", "attribute_exists(zz)"}}));
  CHECK(r["Count"] == 0);
  CHECK(r["ScannedCount"] == 5);
  CHECK(r["Items"] == json::array());

  r = db.Ok("Query",
            Q("pk = :p AND sk <= :s", {{":p", S("a")}, {":s", N("2")}},
              {{"ProjectionExpression", "#v, nope"}, {"ExpressionAttributeNames", {{"#v", "v"}}}}));
  CHECK(r["Items"] == json::array({{{"v", N("10")}}, {{"v", N("20")}}}));
  r = db.Ok("Query", Q("pk = :p AND sk <= :s", {{":p", S("a")}, {":s", N("2")}},
                       {{"ProjectionExpression", "sk"}, {"Select", "SPECIFIC_ATTRIBUTES"}}));
  CHECK(r["Items"] == json::array({{{"sk", N("1")}}, {{"sk", N("2")}}}));
  r = db.Ok("Query", Q("pk = :p", {{":p", S("a")}}, {{"Select", "COUNT"}}));
  CHECK(r == json{{"Count", 5}, {"ScannedCount", 5}});
  r = db.Ok("Query", Q("pk = :p", {{":p", S("a")}, {":min", N("45")}},
                       {{"Select", "COUNT"}, {"FilterExpression", "v > :min"}}));
  CHECK(r == json{{"Count", 1}, {"ScannedCount", 5}});
  CHECK(db.Ok("Query", Q("pk = :p", {{":p", S("b")}}, {{"Select", "ALL_ATTRIBUTES"}}))["Count"] ==
        1);

  db.ExpectError("Query", Q("pk = :p", {{":p", S("a")}}, {{"Select", "SPECIFIC_ATTRIBUTES"}}),
                 "ValidationException",
                 "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                 "SPECIFIC_ATTRIBUTES");
  db.ExpectError("Query", Q("pk = :p", {{":p", S("a")}}, {{"Select", "ALL_PROJECTED_ATTRIBUTES"}}),
                 "ValidationException",
                 "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  db.ExpectError(
      "Query",
      Q("pk = :p", {{":p", S("a")}}, {{"Select", "ALL_ATTRIBUTES"}, {"ProjectionExpression", "v"}}),
      "ValidationException",
      "1 validation error detected: Cannot specify the ProjectionExpression when "
      "choosing to get ALL_ATTRIBUTES");
  db.ExpectError(
      "Query", Q("pk = :p", {{":p", S("a")}}, {{"Select", "COUNT"}, {"ProjectionExpression", "v"}}),
      "ValidationException",
      "1 validation error detected: Cannot specify the ProjectionExpression when "
      "choosing to get only the Count");
}

TEST_CASE("Query key condition errors in DynamoDB's order") {
  TestDb db;
  FillQuery(db);
  db.CreateTable("Hash", "pk", "S");
  const std::string v = "ValidationException";
  const json a = S("a");
  // Shape of the key condition (before the table is looked up).
  db.ExpectError("Query", Q("pk = :p OR sk = :s", {{":p", a}, {":s", N("1")}}), v,
                 "Invalid operator used in KeyConditionExpression: OR");
  db.ExpectError("Query", Q("pk = :p AND pk = :q", {{":p", a}, {":q", a}}), v,
                 "KeyConditionExpressions must only contain one condition per key");
  db.ExpectError("Query", Q("pk = :p AND sk.x = :s", {{":p", a}, {":s", N("1")}}), v,
                 "KeyConditionExpressions cannot have conditions on nested attributes");
  db.ExpectError("Query", Q("pk = :p AND sk IN (:s)", {{":p", a}, {":s", N("1")}}), v,
                 "Invalid operator used in KeyConditionExpression: IN");
  db.ExpectError("Query", Q("pk = :p AND begins_with(sk, :s)", {{":p", a}, {":s", N("1")}}), v,
                 "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                 "operator or function: begins_with, operand type: N");
  db.ExpectError(
      "Query", Q("pk = :p", {{":p", a}, {":unused", a}}), v,
      "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
  db.ExpectError("Query", Q("pk = :p", {{":p", a}}, {{"TableName", "Nope"}}),
                 "ResourceNotFoundException", "Requested resource not found");
  db.ExpectError("Query", Q("pk = :p", {{":p", a}}, {{"IndexName", "byV"}}), v,
                 "The table does not have the specified index: byV");
  // Against the key schema.
  db.ExpectError("Query", Q("sk = :s", {{":s", N("1")}}), v,
                 "Query condition missed key schema element: pk");
  db.ExpectError("Query", Q("v = :s", {{":s", N("1")}}), v,
                 "Query condition missed key schema element: pk");
  db.ExpectError("Query", Q("pk = :p AND v = :s", {{":p", a}, {":s", N("1")}}), v,
                 "Query condition missed key schema element: sk");
  db.ExpectError("Query", Q("pk < :p", {{":p", a}}), v, "Query key condition not supported");
  db.ExpectError("Query", Q("begins_with(pk, :p)", {{":p", a}}), v,
                 "Query key condition not supported");
  db.ExpectError("Query", Q("pk = :p", {{":p", N("1")}}), v,
                 "One or more parameter values were invalid: Condition parameter type does not "
                 "match schema type");
  // The type is checked before the operator (dynalite: ':a > a' on a string key).
  db.ExpectError("Query", Q(":p > pk", {{":p", N("1")}}), v,
                 "One or more parameter values were invalid: Condition parameter type does not "
                 "match schema type");
  db.ExpectError("Query", Q("pk = :p AND sk > :s", {{":p", a}, {":s", S("1")}}), v,
                 "One or more parameter values were invalid: Condition parameter type does not "
                 "match schema type");
  db.ExpectError("Query", Q("pk = :p AND sk = :s", {{":p", a}, {":s", {{"NS", {"1"}}}}}), v,
                 "One or more parameter values were invalid: Condition parameter type does not "
                 "match schema type");
  json hash = Q("pk = :p AND zz = :p", {{":p", a}});
  hash["TableName"] = "Hash";
  db.ExpectError("Query", hash, v, "Query key condition not supported");
  hash["KeyConditionExpression"] = "y = :p AND z = :p";
  db.ExpectError("Query", hash, v, "Query key condition not supported");
  hash["KeyConditionExpression"] = "pk = :p";
  CHECK(db.Ok("Query", hash)["Count"] == 0);
  // Filters may not name key attributes, even nested; projections may not
  // reach into them.
  db.ExpectError("Query",
                 Q("pk = :p", {{":p", a}, {":s", N("1")}}, {{"FilterExpression", "sk = :s"}}), v,
                 "Filter Expression can only contain non-primary key attributes: Primary key "
                 "attribute: sk");
  db.ExpectError("Query",
                 Q("pk = :p", {{":p", a}, {":s", N("1")}},
                   {{"FilterExpression", "attribute_exists(pk.x) AND sk = :s"}}),
                 v,
                 "Filter Expression can only contain non-primary key attributes: Primary key "
                 "attribute: pk");
  db.ExpectError("Query",
                 Q("pk = :p", {{":p", a}, {":s", N("1")}}, {{"FilterExpression", "size(sk) > :s"}}),
                 v,
                 "Filter Expression can only contain non-primary key attributes: Primary key "
                 "attribute: sk");
  db.ExpectError("Query", Q("pk = :p", {{":p", a}}, {{"ProjectionExpression", "v, sk[0]"}}), v,
                 "Key attributes must be scalars; list random access '[]' and map lookup '.' are "
                 "not allowed: Key: sk");
  // The legacy KeyConditions work (legacy_test.cc).
  json legacy = {
      {"TableName", "Tbl"},
      {"KeyConditions", {{"pk", {{"ComparisonOperator", "EQ"}, {"AttributeValueList", {a}}}}}}};
  json r = db.Exec("Query", legacy);
  CHECK(ErrorType(r).empty());
  db.ExpectError("Query", {{"TableName", "Tbl"}}, v,
                 "Either the KeyConditions or KeyConditionExpression parameter must be specified "
                 "in the request.");
}

TEST_CASE("Query Limit, LastEvaluatedKey and ExclusiveStartKey") {
  TestDb db;
  FillQuery(db);
  json request = Q("pk = :p", {{":p", S("a")}}, {{"Limit", 2}});
  json r = db.Ok("Query", request);
  CHECK(SortKeys(r) == Keys{"1", "2"});
  CHECK(r["LastEvaluatedKey"] == json{{"pk", S("a")}, {"sk", N("2")}});
  request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  r = db.Ok("Query", request);
  CHECK(SortKeys(r) == Keys{"3", "4"});
  request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  r = db.Ok("Query", request);
  CHECK(SortKeys(r) == Keys{"5"});
  CHECK(!r.contains("LastEvaluatedKey"));
  // A Limit that ends exactly at the last item still returns its key, as
  // DynamoDB does (it stops at Limit without looking ahead); the next page
  // is empty and has none.
  request = Q("pk = :p", {{":p", S("a")}}, {{"Limit", 5}});
  r = db.Ok("Query", request);
  CHECK(SortKeys(r) == Keys{"1", "2", "3", "4", "5"});
  CHECK(r["LastEvaluatedKey"] == json{{"pk", S("a")}, {"sk", N("5")}});
  request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  CHECK(db.Ok("Query", request) ==
        json{{"Items", json::array()}, {"Count", 0}, {"ScannedCount", 0}});
  // Backwards.
  request = Q("pk = :p", {{":p", S("a")}}, {{"Limit", 3}, {"ScanIndexForward", false}});
  r = db.Ok("Query", request);
  CHECK(SortKeys(r) == Keys{"5", "4", "3"});
  request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  CHECK(SortKeys(db.Ok("Query", request)) == Keys{"2", "1"});
  // Limit counts items before the filter: the page may match nothing yet go on.
  request = Q("pk = :p", {{":p", S("a")}, {":min", N("35")}},
              {{"Limit", 2}, {"FilterExpression", "v > :min"}});
  r = db.Ok("Query", request);
  CHECK(r["Count"] == 0);
  CHECK(r["ScannedCount"] == 2);
  CHECK(r["LastEvaluatedKey"] == json{{"pk", S("a")}, {"sk", N("2")}});
  request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  r = db.Ok("Query", request);
  CHECK(r["Count"] == 1);  // sk 3 (30) no, sk 4 (40) yes
  CHECK(SortKeys(r) == Keys{"4"});
  // The start key need not exist, and bounds the key condition's range.
  request =
      Q("pk = :p AND sk BETWEEN :lo AND :hi", {{":p", S("a")}, {":lo", N("2")}, {":hi", N("5")}});
  request["ExclusiveStartKey"] = {{"pk", S("a")}, {"sk", N("3.5")}};
  CHECK(SortKeys(db.Ok("Query", request)) == Keys{"4", "5"});
  request["ScanIndexForward"] = false;
  CHECK(SortKeys(db.Ok("Query", request)) == Keys{"3", "2"});
  request["ExclusiveStartKey"] = {{"pk", S("a")}, {"sk", N("5")}};
  request["ScanIndexForward"] = true;
  CHECK(db.Ok("Query", request)["Count"] == 0);
}

TEST_CASE("Query ExclusiveStartKey errors") {
  TestDb db;
  FillQuery(db);
  const std::string v = "ValidationException";
  const json a = S("a");
  auto with_start = [](json request, json start) {
    request["ExclusiveStartKey"] = std::move(start);
    return request;
  };
  const json plain = Q("pk = :p", {{":p", a}});
  db.ExpectError("Query", with_start(plain, {{"pk", a}}), v,
                 "The provided starting key is invalid");
  db.ExpectError("Query", with_start(plain, {{"pk", a}, {"sk", N("1")}, {"v", N("1")}}), v,
                 "The provided starting key is invalid");
  db.ExpectError("Query", with_start(plain, {{"pk", a}, {"zz", N("1")}}), v,
                 "The provided starting key is invalid");
  db.ExpectError("Query", with_start(plain, {{"pk", N("1")}, {"sk", N("1")}}), v,
                 "The provided key element does not match the schema");
  db.ExpectError("Query", with_start(plain, {{"pk", a}, {"sk", S("1")}}), v,
                 "The provided key element does not match the schema");
  db.ExpectError("Query", with_start(plain, {{"pk", S("")}, {"sk", N("1")}}), v,
                 "One or more parameter values are not valid. The AttributeValue for a key "
                 "attribute cannot contain an empty string value. Key: pk");
  db.ExpectError("Query", with_start(plain, {{"pk", S("b")}, {"sk", N("1")}}), v,
                 "The provided starting key is outside query boundaries based on provided "
                 "conditions");
  // The key condition is matched before the start key's position: a
  // condition missing the partition key wins over a bad start key type.
  db.ExpectError("Query", with_start(Q("sk = :s", {{":s", N("1")}}), {{"pk", a}, {"sk", S("x")}}),
                 v, "Query condition missed key schema element: pk");
  const json ranged = Q("pk = :p AND sk > :s", {{":p", a}, {":s", N("2")}});
  db.ExpectError("Query", with_start(ranged, {{"pk", a}, {"sk", N("2")}}), v,
                 "The provided starting key does not match the range key predicate");
  db.ExpectError("Query", with_start(ranged, {{"pk", S("b")}, {"sk", N("1")}}), v,
                 "The provided starting key does not match the range key predicate");
  db.ExpectError("Query", with_start(ranged, {{"pk", S("b")}, {"sk", N("3")}}), v,
                 "The query can return at most one row and cannot be restarted");
  CHECK(SortKeys(db.Ok("Query", with_start(ranged, {{"pk", a}, {"sk", N("3")}}))) ==
        Keys{"4", "5"});
  // The start key is checked after the table and the index.
  db.ExpectError("Query",
                 with_start(Q("pk = :p", {{":p", a}}, {{"TableName", "Nope"}}), json::object()),
                 "ResourceNotFoundException", "Requested resource not found");
  json bad_value = with_start(plain, {{"pk", {{"S", "a"}, {"N", "1"}}}, {"sk", N("1")}});
  json r = db.Exec("Query", bad_value);
  CHECK(ErrorType(r) == v);
  CHECK(ErrorMessage(r).rfind("The provided starting key is invalid: ", 0) == 0);
}

// Item {pk: a, sk: i, d: <n x's>} is 8 + n bytes (value/item.h rules).
json SizedItem(int sk, size_t n) {
  return {{"pk", S("a")}, {"sk", N(std::to_string(sk))}, {"d", S(std::string(n, 'x'))}};
}

TEST_CASE("Query pages stop at 1 MB of items read, before the filter") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  for (int i = 1; i <= 15; ++i) db.Put("Tbl", SizedItem(i, 100000 - 8));  // 100,000 bytes each
  json request = Q("pk = :p", {{":p", S("a")}, {":none", S("-")}},
                   {{"FilterExpression", "d = :none"}, {"ReturnConsumedCapacity", "TOTAL"}});
  json r = db.Ok("Query", request);
  // 10 items are 1,000,000 bytes (< 1 MB); the 11th reaches it.
  CHECK(r["ScannedCount"] == 11);
  CHECK(r["Count"] == 0);
  CHECK(r["LastEvaluatedKey"] == json{{"pk", S("a")}, {"sk", N("11")}});
  CHECK(r["ConsumedCapacity"]["CapacityUnits"] == 134.5);  // ceil(1,100,000 / 4096) / 2
  request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  request.erase("FilterExpression");
  request["ExpressionAttributeValues"].erase(":none");
  r = db.Ok("Query", request);
  CHECK(SortKeys(r) == Keys{"12", "13", "14", "15"});
  CHECK(!r.contains("LastEvaluatedKey"));
  // Limit and the 1 MB page together: whichever comes first.
  request = Q("pk = :p", {{":p", S("a")}}, {{"Limit", 3}});
  CHECK(db.Ok("Query", request)["ScannedCount"] == 3);
  request["Limit"] = 50;
  CHECK(db.Ok("Query", request)["ScannedCount"] == 11);
  // A page that stops at 1 MB on the partition's last item still carries
  // LastEvaluatedKey (DynamoDB does not look ahead); the next page is empty.
  db.CreateTable("Eleven", "pk", "S", "sk", "N");
  for (int i = 1; i <= 11; ++i) db.Put("Eleven", SizedItem(i, 100000 - 8));
  request = Q("pk = :p", {{":p", S("a")}});
  request["TableName"] = "Eleven";
  r = db.Ok("Query", request);
  CHECK(r["ScannedCount"] == 11);
  CHECK(r["LastEvaluatedKey"] == json{{"pk", S("a")}, {"sk", N("11")}});
  request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  r = db.Ok("Query", request);
  CHECK(r["Count"] == 0);
  CHECK(!r.contains("LastEvaluatedKey"));
}

TEST_CASE("Query ConsumedCapacity rounds the total once per request") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  for (int i = 1; i <= 3; ++i) db.Put("Tbl", SizedItem(i, 1500 - 8));  // 4,500 bytes together
  json request = Q("pk = :p", {{":p", S("a")}}, {{"ReturnConsumedCapacity", "TOTAL"}});
  CHECK(db.Ok("Query", request)["ConsumedCapacity"] ==
        json{{"TableName", "Tbl"}, {"CapacityUnits", 1.0}});
  request["ConsistentRead"] = true;
  CHECK(db.Ok("Query", request)["ConsumedCapacity"] ==
        json{{"TableName", "Tbl"}, {"CapacityUnits", 2.0}});
  request["ReturnConsumedCapacity"] = "INDEXES";
  CHECK(db.Ok("Query", request)["ConsumedCapacity"] ==
        json{{"TableName", "Tbl"}, {"CapacityUnits", 2.0}, {"Table", {{"CapacityUnits", 2.0}}}});
  // Filtered-out items are still read and charged; an empty result costs the minimum.
  request = Q("pk = :p", {{":p", S("a")}, {":x", S("x")}},
              {{"ReturnConsumedCapacity", "TOTAL"}, {"FilterExpression", "d = :x"}});
  CHECK(db.Ok("Query", request)["ConsumedCapacity"]["CapacityUnits"] == 1.0);
  request = Q("pk = :p", {{":p", S("none")}}, {{"ReturnConsumedCapacity", "TOTAL"}});
  CHECK(db.Ok("Query", request)["ConsumedCapacity"]["CapacityUnits"] == 0.5);
  request["ReturnConsumedCapacity"] = "NONE";
  CHECK(!db.Ok("Query", request).contains("ConsumedCapacity"));
}

}  // namespace
}  // namespace testing
}  // namespace pd
