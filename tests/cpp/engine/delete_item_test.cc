// DeleteItem through Engine::Execute: deletes, conditions, ReturnValues,
// key errors, ConsumedCapacity.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

json Delete(const json& key) { return {{"TableName", "Tbl"}, {"Key", key}}; }

TEST_CASE("DeleteItem removes the item; deleting an absent item succeeds") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  const json key = {{"pk", S("a")}, {"sk", N("1")}};
  db.Put("Tbl", {{"pk", S("a")}, {"sk", N("1")}, {"v", S("x")}});
  db.Put("Tbl", {{"pk", S("a")}, {"sk", N("2")}});
  CHECK(db.Ok("DeleteItem", Delete(key)) == json::object());
  CHECK(db.Get("Tbl", key).is_null());
  CHECK(db.Describe("Tbl")["ItemCount"] == 1);
  CHECK(db.Ok("DeleteItem", Delete(key)) == json::object());
  CHECK(db.Describe("Tbl")["ItemCount"] == 1);
  CHECK(db.Get("Tbl", {{"pk", S("a")}, {"sk", N("2")}}) == json{{"pk", S("a")}, {"sk", N("2")}});
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("DeleteItem ReturnValues") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("a")}, {"v", {{"NS", json::array({"1", "2"})}}}});
  json request = Delete({{"pk", S("a")}});
  request["ReturnValues"] = "ALL_OLD";
  CHECK(db.Ok("DeleteItem", request) ==
        json{{"Attributes", {{"pk", S("a")}, {"v", {{"NS", json::array({"1", "2"})}}}}}});
  CHECK(db.Ok("DeleteItem", request) == json::object());
  request["ReturnValues"] = "UPDATED_OLD";
  db.ExpectError("DeleteItem", request, "ValidationException",
                 "ReturnValues can only be ALL_OLD or NONE");
}

TEST_CASE("DeleteItem conditions") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl",
         {{"pk", S("a")}, {"state", S("open")}, {"tags", {{"SS", json::array({"x", "y"})}}}});
  json request = Delete({{"pk", S("a")}});
  request["ConditionExpression"] = "#s = :closed OR contains(tags, :z)";
  request["ExpressionAttributeNames"] = {{"#s", "state"}};
  request["ExpressionAttributeValues"] = {{":closed", S("closed")}, {":z", S("z")}};
  request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  json r = db.Exec("DeleteItem", request);
  CHECK(ErrorType(r) == "ConditionalCheckFailedException");
  CHECK(ErrorMessage(r) == "The conditional request failed");
  CHECK(r["Item"]["state"] == S("open"));
  CHECK(!db.Get("Tbl", {{"pk", S("a")}}).is_null());
  request["ExpressionAttributeValues"][":z"] = S("y");
  db.Ok("DeleteItem", request);
  CHECK(db.Get("Tbl", {{"pk", S("a")}}).is_null());
  // A condition requiring the item fails when it is absent.
  json absent = Delete({{"pk", S("a")}});
  absent["ConditionExpression"] = "attribute_exists(pk)";
  db.ExpectError("DeleteItem", absent, "ConditionalCheckFailedException",
                 "The conditional request failed");
}

TEST_CASE("DeleteItem errors") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "N");
  db.ExpectError("DeleteItem", {{"TableName", "Nope"}, {"Key", {{"pk", N("1")}}}},
                 "ResourceNotFoundException", "Requested resource not found");
  db.ExpectError("DeleteItem", Delete({{"pk", S("1")}}), "ValidationException",
                 "The provided key element does not match the schema");
  db.ExpectError("DeleteItem", Delete({{"pk", N("1")}, {"x", N("1")}}), "ValidationException",
                 "The provided key element does not match the schema");
  json r = db.Exec("DeleteItem", {{"TableName", "Tbl"}});
  CHECK(ErrorType(r) == "ValidationException");
}

TEST_CASE("DeleteItem consumed capacity") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  // "pk"+"a" = 3, "pad" = 3 + n.
  db.Put("Tbl", {{"pk", S("a")}, {"pad", S(std::string(2049 - 6, 'x'))}});
  json request = Delete({{"pk", S("a")}});
  request["ReturnConsumedCapacity"] = "INDEXES";
  CHECK(db.Ok("DeleteItem", request)["ConsumedCapacity"] ==
        json{{"TableName", "Tbl"}, {"CapacityUnits", 3.0}, {"Table", {{"CapacityUnits", 3.0}}}});
  request["ReturnConsumedCapacity"] = "TOTAL";
  CHECK(db.Ok("DeleteItem", request)["ConsumedCapacity"] ==
        json{{"TableName", "Tbl"}, {"CapacityUnits", 1.0}});
}

}  // namespace
}  // namespace testing
}  // namespace pd
