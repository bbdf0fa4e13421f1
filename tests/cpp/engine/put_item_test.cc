// PutItem through Engine::Execute: functionality, key and size errors with
// DynamoDB's messages, conditions, ReturnValues, ConsumedCapacity, and that a
// failed request changes nothing.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

json PutRequest(const json& item) { return {{"TableName", "Tbl"}, {"Item", item}}; }

TEST_CASE("PutItem stores every type and GetItem returns it") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  const json item = {
      {"pk", S("all")},
      {"s", S("h\xC3\xA9llo")},
      {"n", N("-12.5")},
      {"b", B("AAEC/w==")},
      {"t", {{"BOOL", true}}},
      {"z", {{"NULL", true}}},
      {"l", {{"L", json::array({S("x"), N("1"), {{"L", json::array()}}})}}},
      {"m", {{"M", {{"inner", {{"M", {{"deep", S("y")}}}}}, {"", S("empty name")}}}}},
      {"ss", {{"SS", json::array({"b", "a"})}}},
      {"ns", {{"NS", json::array({"2.5", "1"})}}},
      {"bs", {{"BS", json::array({"Ag==", "AQ=="})}}},
      {"empty", S("")},
      {"emptyb", B("")}};
  CHECK(db.Ok("PutItem", PutRequest(item)) == json::object());
  json got = db.Get("Tbl", {{"pk", S("all")}});
  json expected = item;
  expected["ss"]["SS"] = json::array({"a", "b"});  // sets come back in canonical order
  expected["ns"]["NS"] = json::array({"1", "2.5"});
  expected["bs"]["BS"] = json::array({"AQ==", "Ag=="});
  CHECK(got == expected);
  CHECK(db.Get("Tbl", {{"pk", S("none")}}).is_null());
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("PutItem replaces the whole item; numbers are canonical") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "N", "sk", "B");
  db.Put("Tbl", {{"pk", N("1.50")}, {"sk", B("AQ==")}, {"a", S("x")}, {"b", N("0.10")}});
  db.Put("Tbl", {{"pk", N("1.5")}, {"sk", B("AQ==")}, {"c", N("1E+2")}});
  CHECK(db.Get("Tbl", {{"pk", N("1.500")}, {"sk", B("AQ==")}}) ==
        json{{"pk", N("1.5")}, {"sk", B("AQ==")}, {"c", N("100")}});
  CHECK(db.Describe("Tbl")["ItemCount"] == 1);
}

TEST_CASE("PutItem key errors") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  const std::string invalid = "One or more parameter values were invalid: ";
  db.ExpectError("PutItem", PutRequest({{"other", S("a")}, {"sk", N("1")}}), "ValidationException",
                 invalid + "Missing the key pk in the item");
  db.ExpectError("PutItem", PutRequest({{"pk", S("a")}}), "ValidationException",
                 invalid + "Missing the key sk in the item");
  db.ExpectError("PutItem", PutRequest({{"pk", N("1")}, {"sk", N("1")}}), "ValidationException",
                 invalid + "Type mismatch for key pk expected: S actual: N");
  db.ExpectError("PutItem", PutRequest({{"pk", S("a")}, {"sk", {{"SS", json::array({"1"})}}}}),
                 "ValidationException",
                 invalid + "Type mismatch for key sk expected: N actual: SS");
  db.ExpectError("PutItem", PutRequest({{"pk", S("a")}, {"sk", {{"NULL", true}}}}),
                 "ValidationException",
                 invalid + "Type mismatch for key sk expected: N actual: NULL");
  // The partition key is checked completely before the sort key.
  db.ExpectError("PutItem", PutRequest({{"pk", S("")}, {"sk", S("x")}}), "ValidationException",
                 "One or more parameter values are not valid. The AttributeValue for a key "
                 "attribute cannot contain an empty string value. Key: pk");
  db.ExpectError("PutItem", PutRequest({{"pk", S(std::string(2049, 'a'))}, {"sk", N("1")}}),
                 "ValidationException",
                 invalid + "Size of hashkey has exceeded the maximum size limit of2048 bytes");
  db.Put("Tbl", {{"pk", S(std::string(2048, 'a'))}, {"sk", N("1")}});

  TestDb db2;
  db2.CreateTable("Bin", "pk", "B", "sk", "S");
  db2.ExpectError("PutItem", {{"TableName", "Bin"}, {"Item", {{"pk", B("")}, {"sk", S("a")}}}},
                  "ValidationException",
                  "One or more parameter values are not valid. The AttributeValue for a key "
                  "attribute cannot contain an empty binary value. Key: pk");
  db2.ExpectError(
      "PutItem",
      {{"TableName", "Bin"}, {"Item", {{"pk", B("AA==")}, {"sk", S(std::string(1025, 'z'))}}}},
      "ValidationException",
      invalid + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  db2.Ok("PutItem",
         {{"TableName", "Bin"}, {"Item", {{"pk", B("AA==")}, {"sk", S(std::string(1024, 'z'))}}}});
  // Sizes are UTF-8 bytes: 512 two-byte characters are 1024 bytes.
  std::string two_byte;
  for (int i = 0; i < 513; ++i) two_byte += "\xC3\xA9";
  db2.ExpectError(
      "PutItem", {{"TableName", "Bin"}, {"Item", {{"pk", B("AA==")}, {"sk", S(two_byte)}}}},
      "ValidationException",
      invalid + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes");
  CHECK(db2.Describe("Bin")["ItemCount"] == 1);
}

TEST_CASE("PutItem on a missing table; request errors come first") {
  TestDb db;
  db.ExpectError("PutItem", {{"TableName", "Nope"}, {"Item", {{"pk", S("a")}}}},
                 "ResourceNotFoundException", "Requested resource not found");
  // Expression errors are found before the table is looked up.
  json r =
      db.Exec("PutItem",
              {{"TableName", "Nope"}, {"Item", {{"pk", S("a")}}}, {"ConditionExpression", "a ="}});
  CHECK(ErrorType(r) == "ValidationException");
  CHECK(ErrorMessage(r).rfind("Invalid ConditionExpression: Syntax error; token: \"<EOF>\"", 0) ==
        0);
  db.ExpectError("PutItem",
                 {{"TableName", "Nope"}, {"Item", {{"pk", S("a")}}}, {"ReturnValues", "ALL_NEW"}},
                 "ValidationException", "ReturnValues can only be ALL_OLD or NONE");
}

TEST_CASE("PutItem item size limit is 400 KB exactly") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  // "pk" + "k" = 3 bytes, "pad" = 3 bytes + value.
  db.Put("Tbl", {{"pk", S("k")}, {"pad", S(std::string(409600 - 6, 'x'))}});
  CHECK(db.Describe("Tbl")["TableSizeBytes"] == 409600);
  db.ExpectError("PutItem", PutRequest({{"pk", S("k")}, {"pad", S(std::string(409600 - 5, 'x'))}}),
                 "ValidationException", "Item size has exceeded the maximum allowed size");
  CHECK(db.Get("Tbl", {{"pk", S("k")}})["pad"]["S"].get<std::string>().size() == 409594);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("PutItem ReturnValues") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  CHECK(db.Ok("PutItem", {{"TableName", "Tbl"},
                          {"Item", {{"pk", S("a")}, {"v", N("1")}}},
                          {"ReturnValues", "ALL_OLD"}}) == json::object());
  CHECK(db.Ok("PutItem", {{"TableName", "Tbl"},
                          {"Item", {{"pk", S("a")}, {"v", N("2")}}},
                          {"ReturnValues", "ALL_OLD"}}) ==
        json{{"Attributes", {{"pk", S("a")}, {"v", N("1")}}}});
  CHECK(db.Ok("PutItem", {{"TableName", "Tbl"},
                          {"Item", {{"pk", S("a")}, {"v", N("3")}}},
                          {"ReturnValues", "NONE"}}) == json::object());
  CHECK(db.Get("Tbl", {{"pk", S("a")}}) == json{{"pk", S("a")}, {"v", N("3")}});
}

TEST_CASE("PutItem conditions") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  json request = {{"TableName", "Tbl"},
                  {"Item", {{"pk", S("a")}, {"v", N("1")}}},
                  {"ConditionExpression", "attribute_not_exists(pk)"}};
  db.Ok("PutItem", request);
  db.ExpectError("PutItem", request, "ConditionalCheckFailedException",
                 "The conditional request failed");

  // Conditions see the stored item, with names and values substituted.
  json update = {{"TableName", "Tbl"},
                 {"Item", {{"pk", S("a")}, {"v", N("2")}}},
                 {"ConditionExpression", "#v = :one AND size(#v) > :zero"},
                 {"ExpressionAttributeNames", {{"#v", "v"}}},
                 {"ExpressionAttributeValues", {{":one", N("1")}, {":zero", N("0")}}}};
  db.ExpectError("PutItem", update, "ConditionalCheckFailedException",
                 "The conditional request failed");  // size(N) is not defined: false
  update["ConditionExpression"] = "#v = :one AND :zero < #v";
  db.Ok("PutItem", update);
  CHECK(db.Get("Tbl", {{"pk", S("a")}})["v"] == N("2"));

  // On a missing item, only "absent"-friendly conditions hold.
  json fresh = {{"TableName", "Tbl"},
                {"Item", {{"pk", S("b")}}},
                {"ConditionExpression", "v <> :one"},
                {"ExpressionAttributeValues", {{":one", N("1")}}}};
  db.Ok("PutItem", fresh);
  fresh["Item"]["pk"] = S("c");
  fresh["ConditionExpression"] = "v = :one";
  db.ExpectError("PutItem", fresh, "ConditionalCheckFailedException",
                 "The conditional request failed");
  CHECK(db.Get("Tbl", {{"pk", S("c")}}).is_null());
}

TEST_CASE("PutItem ReturnValuesOnConditionCheckFailure") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("a")}, {"v", N("1")}, {"l", {{"L", json::array({S("x")})}}}});
  json request = {{"TableName", "Tbl"},
                  {"Item", {{"pk", S("a")}}},
                  {"ConditionExpression", "attribute_not_exists(pk)"},
                  {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}};
  json r = db.Exec("PutItem", request);
  CHECK(ErrorType(r) == "ConditionalCheckFailedException");
  CHECK(ErrorMessage(r) == "The conditional request failed");
  CHECK(r["Item"] == json{{"pk", S("a")}, {"v", N("1")}, {"l", {{"L", json::array({S("x")})}}}});
  request["ReturnValuesOnConditionCheckFailure"] = "NONE";
  r = db.Exec("PutItem", request);
  CHECK(ErrorType(r) == "ConditionalCheckFailedException");
  CHECK(!r.contains("Item"));
  // No old item: nothing to return.
  json absent = {{"TableName", "Tbl"},
                 {"Item", {{"pk", S("zz")}}},
                 {"ConditionExpression", "attribute_exists(pk)"},
                 {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}};
  r = db.Exec("PutItem", absent);
  CHECK(ErrorType(r) == "ConditionalCheckFailedException");
  CHECK(!r.contains("Item"));
}

TEST_CASE("PutItem expression attribute placeholders must be defined and used") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  json request = {{"TableName", "Tbl"},
                  {"Item", {{"pk", S("a")}}},
                  {"ConditionExpression", "attribute_not_exists(#p)"},
                  {"ExpressionAttributeNames", {{"#p", "pk"}, {"#q", "x"}}}};
  db.ExpectError("PutItem", request, "ValidationException",
                 "Value provided in ExpressionAttributeNames unused in expressions: keys: {#q}");
  request["ExpressionAttributeNames"] = {{"#p", "pk"}};
  request["ExpressionAttributeValues"] = {{":v", N("1")}};
  db.ExpectError("PutItem", request, "ValidationException",
                 "Value provided in ExpressionAttributeValues unused in expressions: keys: {:v}");
  request["ConditionExpression"] = "#p = :w";
  db.ExpectError("PutItem", request, "ValidationException",
                 "Invalid ConditionExpression: An expression attribute value used in expression "
                 "is not defined; attribute value: :w");
  request["ConditionExpression"] = "#x = :v";
  db.ExpectError("PutItem", request, "ValidationException",
                 "Invalid ConditionExpression: An expression attribute name used in the document "
                 "path is not defined; attribute name: #x");
  request["ExpressionAttributeValues"] = json::object();
  db.ExpectError("PutItem", request, "ValidationException",
                 "ExpressionAttributeValues must not be empty");
  json no_condition = {{"TableName", "Tbl"},
                       {"Item", {{"pk", S("a")}}},
                       {"ExpressionAttributeValues", {{":v", N("1")}}}};
  db.ExpectError("PutItem", no_condition, "ValidationException",
                 "ExpressionAttributeValues can only be specified when using expressions: "
                 "ConditionExpression is null");
  db.ExpectError("PutItem",
                 {{"TableName", "Tbl"},
                  {"Item", {{"pk", S("a")}}},
                  {"ConditionExpression", "status = :v"},
                  {"ExpressionAttributeValues", {{":v", N("1")}}}},
                 "ValidationException",
                 "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved "
                 "keyword: status");
  CHECK(db.Describe("Tbl")["ItemCount"] == 0);
}

TEST_CASE("PutItem consumed capacity") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  // "pk" + "k" = 3, "pad" = 3: total = 6 + n.
  auto put = [&](size_t n, const char* mode) {
    return db.Ok("PutItem", {{"TableName", "Tbl"},
                             {"Item", {{"pk", S("k")}, {"pad", S(std::string(n, 'x'))}}},
                             {"ReturnConsumedCapacity", mode}});
  };
  CHECK(put(1024 - 6, "TOTAL")["ConsumedCapacity"] ==
        json{{"TableName", "Tbl"}, {"CapacityUnits", 1.0}});
  // Replacing: the larger of old (1024) and new (1025) -> 2.
  CHECK(put(1025 - 6, "TOTAL")["ConsumedCapacity"]["CapacityUnits"] == 2.0);
  // Replacing a 1025-byte item with a tiny one still costs 2.
  CHECK(put(0, "INDEXES")["ConsumedCapacity"] ==
        json{{"TableName", "Tbl"}, {"CapacityUnits", 2.0}, {"Table", {{"CapacityUnits", 2.0}}}});
  CHECK(put(0, "TOTAL")["ConsumedCapacity"]["CapacityUnits"] == 1.0);
  CHECK(put(3 * 1024, "TOTAL")["ConsumedCapacity"]["CapacityUnits"] == 4.0);
  CHECK(!put(10, "NONE").contains("ConsumedCapacity"));
  CHECK(!db.Ok("PutItem", PutRequest({{"pk", S("q")}})).contains("ConsumedCapacity"));
}

TEST_CASE("A failed PutItem changes nothing") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  for (int i = 0; i < 50; ++i)
    db.Put("Tbl", {{"pk", S("k" + std::to_string(i))}, {"v", N(std::to_string(i))}});
  db.CommitAll();
  const std::vector<std::string> before = db.engine().SnapshotImages();
  db.ExpectError("PutItem",
                 {{"TableName", "Tbl"},
                  {"Item", {{"pk", S("k1")}, {"v", N("100")}}},
                  {"ConditionExpression", "attribute_not_exists(pk)"}},
                 "ConditionalCheckFailedException", "The conditional request failed");
  db.ExpectError("PutItem", PutRequest({{"pk", N("1")}}), "ValidationException",
                 "One or more parameter values were invalid: Type mismatch for key pk expected: S "
                 "actual: N");
  CHECK(!db.engine().has_pending_commit());
  CHECK(db.engine().SnapshotImages() == before);
}

}  // namespace
}  // namespace testing
}  // namespace pd
