// The legacy (pre-expression) parameters through Engine::Execute: Expected
// with ConditionalOperator, AttributeUpdates, AttributesToGet, KeyConditions,
// QueryFilter and ScanFilter, each checked against the expression form that
// DynamoDB documents as its equivalent ("Legacy conditional parameters" in
// the developer guide), and DynamoDB's messages for their misuse.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

const std::string v = "ValidationException";

// Table "Tbl" (pk S, sk N): pk "a" sk 1..5 with n = sk * 10, s = "x<sk>",
// odd items carry tag SS {odd}; pk "b" sk 1.
void FillLegacy(TestDb& db) {
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  for (int i = 1; i <= 5; ++i) {
    json item = {{"pk", S("a")},
                 {"sk", N(std::to_string(i))},
                 {"n", N(std::to_string(i * 10))},
                 {"s", S("x" + std::to_string(i))}};
    if (i % 2 == 1) item["tag"] = {{"SS", {"odd"}}};
    db.Put("Tbl", item);
  }
  db.Put("Tbl", {{"pk", S("b")}, {"sk", N("1")}});
}

json Key(const std::string& pk, int sk) { return {{"pk", S(pk)}, {"sk", N(std::to_string(sk))}}; }

// A legacy condition. The values come as a std::vector: a braced list of one
// json in a json parameter is that json itself under clang (the wasm build)
// but a one-element array under g++.
json Cond(const std::string& op, std::vector<json> values = {}) {
  json c = {{"ComparisonOperator", op}};
  if (!values.empty()) {
    json list = json::array();
    for (json& v : values) list.push_back(std::move(v));
    c["AttributeValueList"] = std::move(list);
  }
  return c;
}

// The sort keys a Query/Scan response returned.
std::vector<std::string> LegacySortKeys(const json& r) {
  std::vector<std::string> out;
  for (const json& item : r["Items"]) out.push_back(item["sk"]["N"].get<std::string>());
  return out;
}

using Keys = std::vector<std::string>;

TEST_CASE("legacy Expected: every comparison operator decides the write like its expression") {
  TestDb db;
  FillLegacy(db);
  struct Case {
    json expected;     // the Expected map
    bool holds;        // on item a/3: n 30, s "x3", tag {odd}
    const char* what;  // the equivalent ConditionExpression
  };
  const std::vector<Case> cases = {
      {{{"n", Cond("EQ", {N("30")})}}, true, "n = :v"},
      {{{"n", Cond("EQ", {N("31")})}}, false, "n = :v"},
      {{{"n", Cond("NE", {N("31")})}}, true, "n <> :v"},
      {{{"zz", Cond("NE", {N("31")})}}, true, "zz <> :v (missing)"},
      {{{"n", Cond("LT", {N("31")})}}, true, "n < :v"},
      {{{"n", Cond("LE", {N("30")})}}, true, "n <= :v"},
      {{{"n", Cond("GT", {N("30")})}}, false, "n > :v"},
      {{{"n", Cond("GE", {N("30")})}}, true, "n >= :v"},
      {{{"n", Cond("LT", {S("z")})}}, false, "n < :v (other type)"},
      {{{"n", Cond("BETWEEN", {N("25"), N("30")})}}, true, "n BETWEEN :a AND :b"},
      {{{"n", Cond("BETWEEN", {N("31"), N("40")})}}, false, "n BETWEEN :a AND :b"},
      {{{"n", Cond("IN", {N("1"), N("30")})}}, true, "n IN (:a, :b)"},
      {{{"n", Cond("IN", {N("1"), N("2")})}}, false, "n IN (:a, :b)"},
      {{{"zz", Cond("NULL")}}, true, "attribute_not_exists(zz)"},
      {{{"n", Cond("NULL")}}, false, "attribute_not_exists(n)"},
      {{{"n", Cond("NOT_NULL")}}, true, "attribute_exists(n)"},
      {{{"s", Cond("CONTAINS", {S("3")})}}, true, "contains(s, :v)"},
      {{{"tag", Cond("CONTAINS", {S("odd")})}}, true, "contains(tag, :v)"},
      {{{"s", Cond("NOT_CONTAINS", {S("3")})}}, false, "NOT contains(s, :v)"},
      {{{"zz", Cond("NOT_CONTAINS", {S("3")})}}, true, "NOT contains(zz, :v) (missing)"},
      {{{"s", Cond("BEGINS_WITH", {S("x")})}}, true, "begins_with(s, :v)"},
      {{{"s", Cond("BEGINS_WITH", {S("y")})}}, false, "begins_with(s, :v)"},
      // Value instead of AttributeValueList, and the Exists forms.
      {{{"n", {{"ComparisonOperator", "EQ"}, {"Value", N("30")}}}}, true, "n = :v"},
      {{{"n", {{"Value", N("30")}}}}, true, "n = :v"},
      {{{"n", {{"Exists", true}, {"Value", N("30")}}}}, true, "n = :v"},
      {{{"n", {{"Exists", true}, {"Value", N("29")}}}}, false, "n = :v"},
      {{{"n", {{"Exists", false}}}}, false, "attribute_not_exists(n)"},
      {{{"zz", {{"Exists", false}}}}, true, "attribute_not_exists(zz)"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.what);
    CAPTURE(c.expected.dump());
    json request = {{"TableName", "Tbl"},
                    {"Key", Key("a", 3)},
                    {"AttributeUpdates", {{"w", {{"Value", N("1")}}}}},
                    {"Expected", c.expected}};
    json r = db.Exec("UpdateItem", request);
    if (c.holds) {
      CHECK(ErrorType(r).empty());
    } else {
      CHECK(ErrorType(r) == "ConditionalCheckFailedException");
      CHECK(ErrorMessage(r) == "The conditional request failed");
    }
  }
}

TEST_CASE("legacy Expected with ConditionalOperator, on PutItem and DeleteItem") {
  TestDb db;
  FillLegacy(db);
  const json one_true = {{"n", Cond("EQ", {N("10")})}, {"s", Cond("EQ", {S("nope")})}};
  json put = {{"TableName", "Tbl"}, {"Item", Key("a", 1)}, {"Expected", one_true}};
  db.ExpectError("PutItem", put, "ConditionalCheckFailedException",
                 "The conditional request failed");  // AND is the default
  put["ConditionalOperator"] = "AND";
  db.ExpectError("PutItem", put, "ConditionalCheckFailedException",
                 "The conditional request failed");
  CHECK(db.Get("Tbl", Key("a", 1))["n"] == N("10"));
  put["ConditionalOperator"] = "OR";
  db.Ok("PutItem", put);
  CHECK(!db.Get("Tbl", Key("a", 1)).contains("n"));  // replaced by the bare key
  // DeleteItem, with ReturnValues.
  json del = {{"TableName", "Tbl"},
              {"Key", Key("a", 2)},
              {"Expected", {{"n", {{"Exists", false}}}}},
              {"ReturnValues", "ALL_OLD"}};
  db.ExpectError("DeleteItem", del, "ConditionalCheckFailedException",
                 "The conditional request failed");
  del["Expected"] = {{"n", Cond("GE", {N("20")})}};
  CHECK(db.Ok("DeleteItem", del)["Attributes"]["n"] == N("20"));
  CHECK(db.Get("Tbl", Key("a", 2)).is_null());
  // Expected on an item that does not exist: only absence holds.
  db.ExpectError(
      "PutItem",
      {{"TableName", "Tbl"}, {"Item", Key("c", 1)}, {"Expected", {{"n", {{"Value", N("1")}}}}}},
      "ConditionalCheckFailedException", "The conditional request failed");
  db.Ok("PutItem",
        {{"TableName", "Tbl"}, {"Item", Key("c", 1)}, {"Expected", {{"pk", {{"Exists", false}}}}}});
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("legacy AttributeUpdates: PUT, ADD and DELETE like SET, ADD, DELETE and REMOVE") {
  TestDb db;
  FillLegacy(db);
  json request = {{"TableName", "Tbl"},
                  {"Key", Key("a", 1)},
                  {"ReturnValues", "ALL_NEW"},
                  {"AttributeUpdates",
                   {{"n", {{"Action", "ADD"}, {"Value", N("5")}}},
                    {"s", {{"Action", "DELETE"}}},
                    {"tag", {{"Action", "ADD"}, {"Value", {{"SS", {"new"}}}}}},
                    {"l", {{"Action", "ADD"}, {"Value", {{"L", {S("p")}}}}}},
                    {"fresh", {{"Value", S("v")}}},
                    {"count", {{"Action", "ADD"}, {"Value", N("1")}}}}}};
  json r = db.Ok("UpdateItem", request);
  CHECK(r["Attributes"] == json{{"pk", S("a")},
                                {"sk", N("1")},
                                {"n", N("15")},
                                {"tag", {{"SS", {"new", "odd"}}}},
                                {"l", {{"L", {S("p")}}}},
                                {"fresh", S("v")},
                                {"count", N("1")}});
  // ADD to a list appends; DELETE of set elements; UPDATED_OLD / UPDATED_NEW.
  request["AttributeUpdates"] = {
      {"l", {{"Action", "ADD"}, {"Value", {{"L", {S("q")}}}}}},
      {"tag", {{"Action", "DELETE"}, {"Value", {{"SS", {"odd", "zzz"}}}}}}};
  request["ReturnValues"] = "UPDATED_NEW";
  r = db.Ok("UpdateItem", request);
  CHECK(r["Attributes"] == json{{"l", {{"L", {S("p"), S("q")}}}}, {"tag", {{"SS", {"new"}}}}});
  request["AttributeUpdates"] = {{"tag", {{"Action", "DELETE"}, {"Value", {{"SS", {"new"}}}}}}};
  request["ReturnValues"] = "UPDATED_OLD";
  r = db.Ok("UpdateItem", request);
  CHECK(r["Attributes"] == json{{"tag", {{"SS", {"new"}}}}});
  CHECK(!db.Get("Tbl", Key("a", 1)).contains("tag"));  // an emptied set is removed
  // An upsert: the item is created from its key.
  db.Ok("UpdateItem", {{"TableName", "Tbl"},
                       {"Key", Key("z", 9)},
                       {"AttributeUpdates", {{"n", {{"Action", "ADD"}, {"Value", N("2")}}}}}});
  CHECK(db.Get("Tbl", Key("z", 9)) == json{{"pk", S("z")}, {"sk", N("9")}, {"n", N("2")}});
  // DynamoDB's legacy wording for a type clash, and the key rule.
  db.ExpectError("UpdateItem",
                 {{"TableName", "Tbl"},
                  {"Key", Key("a", 3)},
                  {"AttributeUpdates", {{"s", {{"Action", "ADD"}, {"Value", N("1")}}}}}},
                 v, "Type mismatch for attribute to update");
  db.ExpectError(
      "UpdateItem",
      {{"TableName", "Tbl"},
       {"Key", Key("a", 3)},
       {"AttributeUpdates", {{"s", {{"Action", "DELETE"}, {"Value", {{"NS", {"1"}}}}}}}}},
      v, "Type mismatch for attribute to update");
  db.ExpectError("UpdateItem",
                 {{"TableName", "Tbl"},
                  {"Key", Key("a", 3)},
                  {"AttributeUpdates", {{"s", {{"Action", "ADD"}, {"Value", {{"L", {S("q")}}}}}}}}},
                 v, "Type mismatch for attribute to update");
  db.ExpectError("UpdateItem",
                 {{"TableName", "Tbl"},
                  {"Key", Key("a", 3)},
                  {"AttributeUpdates", {{"sk", {{"Value", N("7")}}}}}},
                 v,
                 "One or more parameter values were invalid: Cannot update attribute sk. This "
                 "attribute is part of the key");
  CHECK(db.Get("Tbl", Key("a", 3))["s"] == S("x3"));  // nothing changed
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("legacy AttributesToGet on GetItem, BatchGetItem, Query and Scan") {
  TestDb db;
  FillLegacy(db);
  CHECK(db.Ok("GetItem", {{"TableName", "Tbl"},
                          {"Key", Key("a", 3)},
                          {"AttributesToGet", {"s", "tag", "nope"}}})["Item"] ==
        json{{"s", S("x3")}, {"tag", {{"SS", {"odd"}}}}});
  json batch =
      db.Ok("BatchGetItem",
            {{"RequestItems", {{"Tbl", {{"Keys", {Key("a", 2)}}, {"AttributesToGet", {"n"}}}}}}});
  CHECK(batch["Responses"]["Tbl"] == json::array({{{"n", N("20")}}}));
  json q = db.Ok("Query", {{"TableName", "Tbl"},
                           {"KeyConditions", {{"pk", Cond("EQ", {S("a")})}}},
                           {"AttributesToGet", {"sk"}},
                           {"Limit", 2}});
  CHECK(q["Items"] == json::array({{{"sk", N("1")}}, {{"sk", N("2")}}}));
  // With a KeyConditionExpression it is the expression/non-expression mix.
  db.ExpectError("Query",
                 {{"TableName", "Tbl"},
                  {"KeyConditionExpression", "pk = :p"},
                  {"ExpressionAttributeValues", {{":p", S("a")}}},
                  {"AttributesToGet", {"sk"}}},
                 v,
                 "Can not use both expression and non-expression parameters in the same request: "
                 "Non-expression parameters: {AttributesToGet} Expression parameters: "
                 "{KeyConditionExpression}");
  json s =
      db.Ok("Scan",
            {{"TableName", "Tbl"}, {"AttributesToGet", {"pk"}}, {"Select", "SPECIFIC_ATTRIBUTES"}});
  CHECK(s["Count"] == 6);
  for (const json& item : s["Items"]) CHECK(item.size() == 1);
}

TEST_CASE("legacy KeyConditions and QueryFilter") {
  TestDb db;
  FillLegacy(db);
  auto query = [&](json key_conditions, json extra = json::object()) {
    json r = {{"TableName", "Tbl"}, {"KeyConditions", std::move(key_conditions)}};
    for (auto it = extra.begin(); it != extra.end(); ++it) r[it.key()] = it.value();
    return r;
  };
  const json pk_a = {{"pk", Cond("EQ", {S("a")})}};
  CHECK(LegacySortKeys(db.Ok("Query", query(pk_a))) == Keys{"1", "2", "3", "4", "5"});
  struct Case {
    json sk;        // the sort key's condition
    Keys expected;  // sort keys returned
  };
  const std::vector<Case> cases = {
      {Cond("EQ", {N("3")}), {"3"}},           {Cond("LT", {N("3")}), {"1", "2"}},
      {Cond("LE", {N("3")}), {"1", "2", "3"}}, {Cond("GT", {N("3")}), {"4", "5"}},
      {Cond("GE", {N("3")}), {"3", "4", "5"}}, {Cond("BETWEEN", {N("2"), N("4")}), {"2", "3", "4"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.sk.dump());
    json kc = pk_a;
    kc["sk"] = c.sk;
    CHECK(LegacySortKeys(db.Ok("Query", query(kc))) == c.expected);
  }
  // QueryFilter (after Limit, like a FilterExpression), ConditionalOperator.
  json r = db.Ok(
      "Query",
      query(pk_a, {{"QueryFilter", {{"n", Cond("GT", {N("20")})}, {"tag", Cond("NOT_NULL")}}}}));
  CHECK(LegacySortKeys(r) == Keys{"3", "5"});
  CHECK(r["ScannedCount"] == 5);
  r = db.Ok("Query",
            query(pk_a, {{"QueryFilter", {{"n", Cond("GT", {N("20")})}, {"tag", Cond("NOT_NULL")}}},
                         {"ConditionalOperator", "OR"}}));
  CHECK(LegacySortKeys(r) == Keys{"1", "3", "4", "5"});
  r = db.Ok("Query", query(pk_a, {{"QueryFilter", {{"n", Cond("GT", {N("20")})}}}, {"Limit", 2}}));
  CHECK(r["Count"] == 0);
  CHECK(r["ScannedCount"] == 2);
  // KeyConditions may go with a FilterExpression and a ProjectionExpression.
  r = db.Ok("Query", query(pk_a, {{"FilterExpression", "n > :x"},
                                  {"ProjectionExpression", "sk"},
                                  {"ExpressionAttributeValues", {{":x", N("40")}}}}));
  CHECK(r["Items"] == json::array({{{"sk", N("5")}}}));
  // DynamoDB's errors for key conditions Query cannot use.
  json kc = pk_a;
  kc["sk"] = Cond("NE", {N("3")});
  db.ExpectError("Query", query(kc), v,
                 "Attempted conditional constraint is not an indexable operation");
  db.ExpectError("Query", query({{"sk", Cond("EQ", {N("3")})}}), v,
                 "Query condition missed key schema element: pk");
  db.ExpectError("Query", query({{"pk", Cond("BEGINS_WITH", {S("a")})}}), v,
                 "Query key condition not supported");
  db.ExpectError("Query", query({{"pk", Cond("EQ", {N("1")})}}), v,
                 "One or more parameter values were invalid: Condition parameter type does not "
                 "match schema type");
  db.ExpectError("Query", query(pk_a, {{"QueryFilter", {{"sk", Cond("GT", {N("1")})}}}}), v,
                 "QueryFilter can only contain non-primary key attributes: Primary key attribute: "
                 "sk");
  db.ExpectError("Query", query(json::object()), v, "Conditions can be of length 1 or 2 only");
}

TEST_CASE("legacy ScanFilter") {
  TestDb db;
  FillLegacy(db);
  json r =
      db.Ok("Scan",
            {{"TableName", "Tbl"},
             {"ScanFilter", {{"s", Cond("BEGINS_WITH", {S("x")})}, {"n", Cond("LE", {N("20")})}}}});
  CHECK(r["Count"] == 2);
  r = db.Ok("Scan",
            {{"TableName", "Tbl"},
             {"ScanFilter", {{"s", Cond("BEGINS_WITH", {S("x")})}, {"n", Cond("LE", {N("20")})}}},
             {"ConditionalOperator", "OR"}});
  CHECK(r["Count"] == 5);
  // Scan filters may test the key.
  r = db.Ok("Scan", {{"TableName", "Tbl"}, {"ScanFilter", {{"pk", Cond("EQ", {S("b")})}}}});
  CHECK(r["Count"] == 1);
  r = db.Ok("Scan",
            {{"TableName", "Tbl"}, {"ScanFilter", {{"tag", Cond("NULL")}}}, {"Select", "COUNT"}});
  CHECK(r["Count"] == 3);
}

TEST_CASE("legacy parameters do not mix with expressions") {
  TestDb db;
  FillLegacy(db);
  db.ExpectError("PutItem",
                 {{"TableName", "Tbl"},
                  {"Item", Key("a", 1)},
                  {"Expected", {{"n", {{"Exists", false}}}}},
                  {"ConditionExpression", "attribute_not_exists(n)"}},
                 v,
                 "Can not use both expression and non-expression parameters in the same request: "
                 "Non-expression parameters: {Expected} Expression parameters: "
                 "{ConditionExpression}");
  db.ExpectError("Scan",
                 {{"TableName", "Tbl"},
                  {"AttributesToGet", {"n"}},
                  {"FilterExpression", "n > :x"},
                  {"ExpressionAttributeValues", {{":x", N("1")}}}},
                 v,
                 "Can not use both expression and non-expression parameters in the same request: "
                 "Non-expression parameters: {AttributesToGet} Expression parameters: "
                 "{FilterExpression}");
  db.ExpectError("Query",
                 {{"TableName", "Tbl"},
                  {"KeyConditions", {{"pk", Cond("EQ", {S("a")})}}},
                  {"KeyConditionExpression", "pk = :p"},
                  {"ExpressionAttributeValues", {{":p", S("a")}}}},
                 v,
                 "Can not use both expression and non-expression parameters in the same request: "
                 "Non-expression parameters: {KeyConditions} Expression parameters: "
                 "{KeyConditionExpression}");
}

}  // namespace
}  // namespace testing
}  // namespace pd
