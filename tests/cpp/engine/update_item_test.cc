// UpdateItem through Engine::Execute: upserts, the four action kinds,
// every ReturnValues variant, key attribute rules, conditions, limits,
// placeholders across both expressions, ConsumedCapacity.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

json Update(const json& key, const std::string& expression, const json& values = json(),
            const std::string& return_values = "") {
  json r = {{"TableName", "Tbl"}, {"Key", key}, {"UpdateExpression", expression}};
  if (!values.is_null()) r["ExpressionAttributeValues"] = values;
  if (!return_values.empty()) r["ReturnValues"] = return_values;
  return r;
}

const json kKey = {{"pk", S("a")}};

TEST_CASE("UpdateItem creates the item when absent (upsert)") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  const json key = {{"pk", S("a")}, {"sk", N("7")}};
  CHECK(db.Ok("UpdateItem", Update(key, "SET v = :v", {{":v", S("x")}})) == json::object());
  CHECK(db.Get("Tbl", key) == json{{"pk", S("a")}, {"sk", N("7")}, {"v", S("x")}});
  // Without UpdateExpression: the key alone.
  const json key2 = {{"pk", S("b")}, {"sk", N("1")}};
  CHECK(db.Ok("UpdateItem", {{"TableName", "Tbl"}, {"Key", key2}, {"ReturnValues", "ALL_NEW"}}) ==
        json{{"Attributes", key2}});
  CHECK(db.Get("Tbl", key2) == key2);
  // REMOVE on an absent item still creates it.
  const json key3 = {{"pk", S("c")}, {"sk", N("1")}};
  db.Ok("UpdateItem", Update(key3, "REMOVE nothing"));
  CHECK(db.Get("Tbl", key3) == key3);
  CHECK(db.Describe("Tbl")["ItemCount"] == 3);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("UpdateItem actions") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("a")},
                 {"n", N("10")},
                 {"ss", {{"SS", json::array({"x", "y"})}}},
                 {"ss2", {{"SS", json::array({"x", "y"})}}},
                 {"l", {{"L", json::array({N("1"), N("2"), N("3")})}}},
                 {"m", {{"M", {{"k", S("v")}}}}},
                 {"gone", S("bye")}});
  db.Ok("UpdateItem",
        Update(kKey,
               "SET n = n + :one, m.k2 = :s, l[5] = :s, fresh = if_not_exists(fresh, :one), "
               "l2 = list_append(:list, l) REMOVE gone ADD ss :more, tally :one "
               "DELETE ss2 :x",
               {{":one", N("1")},
                {":s", S("new")},
                {":list", {{"L", json::array({S("first")})}}},
                {":more", {{"SS", json::array({"z"})}}},
                {":x", {{"SS", json::array({"x"})}}}}));
  CHECK(db.Get("Tbl", kKey) ==
        json{{"pk", S("a")},
             {"n", N("11")},
             {"ss", {{"SS", json::array({"x", "y", "z"})}}},
             {"ss2", {{"SS", json::array({"y"})}}},
             {"l", {{"L", json::array({N("1"), N("2"), N("3"), S("new")})}}},
             {"m", {{"M", {{"k", S("v")}, {"k2", S("new")}}}}},
             {"fresh", N("1")},
             {"tally", N("1")},
             {"l2", {{"L", json::array({S("first"), N("1"), N("2"), N("3")})}}}});
  // if_not_exists keeps the existing value; exact decimal arithmetic.
  db.Ok("UpdateItem",
        Update(kKey, "SET fresh = if_not_exists(fresh, :nine), n = n - :tiny",
               {{":nine", N("9")}, {":tiny", N("0.000000000000000000000000000001")}}));
  json item = db.Get("Tbl", kKey);
  CHECK(item["fresh"] == N("1"));
  CHECK(item["n"] == N("10.999999999999999999999999999999"));
  // Deleting the last set members removes the attribute.
  db.Ok("UpdateItem", Update(kKey, "DELETE ss2 :yz", {{":yz", {{"SS", json::array({"y", "z"})}}}}));
  CHECK(!db.Get("Tbl", kKey).contains("ss2"));
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("UpdateItem ReturnValues") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("a")}, {"v", N("1")}, {"w", S("keep")}, {"m", {{"M", {{"x", N("1")}}}}}});
  const char* expression = "SET v = v + :one, m.y = :one REMOVE w";
  const json values = {{":one", N("1")}};
  CHECK(db.Ok("UpdateItem", Update(kKey, expression, values, "NONE")) == json::object());
  CHECK(db.Ok("UpdateItem", Update(kKey, expression, values, "ALL_OLD")) ==
        json{{"Attributes",
              {{"pk", S("a")}, {"v", N("2")}, {"m", {{"M", {{"x", N("1")}, {"y", N("1")}}}}}}}});
  db.Put("Tbl", {{"pk", S("a")}, {"v", N("1")}, {"w", S("keep")}, {"m", {{"M", {{"x", N("1")}}}}}});
  CHECK(db.Ok("UpdateItem", Update(kKey, expression, values, "UPDATED_OLD")) ==
        json{{"Attributes", {{"v", N("1")}, {"w", S("keep")}}}});
  CHECK(db.Ok("UpdateItem", Update(kKey, expression, values, "UPDATED_NEW")) ==
        json{{"Attributes", {{"v", N("3")}, {"m", {{"M", {{"y", N("1")}}}}}}}});
  CHECK(db.Ok("UpdateItem", Update(kKey, expression, values, "ALL_NEW")) ==
        json{{"Attributes",
              {{"pk", S("a")}, {"v", N("4")}, {"m", {{"M", {{"x", N("1")}, {"y", N("1")}}}}}}}});
  // On an absent item: nothing old to return, the new item for ALL_NEW.
  const json key = {{"pk", S("new")}};
  CHECK(db.Ok("UpdateItem", Update(key, "SET v = :one", values, "ALL_OLD")) == json::object());
  db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", key}});
  CHECK(db.Ok("UpdateItem", Update(key, "SET v = :one", values, "UPDATED_OLD")) == json::object());
  db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", key}});
  CHECK(db.Ok("UpdateItem", Update(key, "SET v = :one", values, "UPDATED_NEW")) ==
        json{{"Attributes", {{"v", N("1")}}}});
  // UPDATED_OLD of attributes that did not exist: no Attributes.
  CHECK(db.Ok("UpdateItem", Update(key, "SET fresh = :one", values, "UPDATED_OLD")) ==
        json::object());
  // UPDATED_NEW of a REMOVE only: nothing written, no Attributes.
  CHECK(db.Ok("UpdateItem", Update(key, "REMOVE fresh", json(), "UPDATED_NEW")) == json::object());
}

TEST_CASE("UpdateItem cannot touch key attributes") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S", "sk", "S");
  const json key = {{"pk", S("a")}, {"sk", S("b")}};
  db.ExpectError("UpdateItem", Update(key, "SET pk = :v", {{":v", S("x")}}), "ValidationException",
                 "One or more parameter values were invalid: Cannot update attribute pk. This "
                 "attribute is part of the key");
  db.ExpectError("UpdateItem", Update(key, "REMOVE sk"), "ValidationException",
                 "One or more parameter values were invalid: Cannot update attribute sk. This "
                 "attribute is part of the key");
  json with_name = Update(key, "ADD #k :v", {{":v", N("1")}});
  with_name["ExpressionAttributeNames"] = {{"#k", "sk"}};
  db.ExpectError("UpdateItem", with_name, "ValidationException",
                 "One or more parameter values were invalid: Cannot update attribute sk. This "
                 "attribute is part of the key");
  db.ExpectError("UpdateItem", Update(key, "SET pk.x = :v", {{":v", S("x")}}),
                 "ValidationException",
                 "Key attributes must be scalars; list random access '[]' and map lookup '.' are "
                 "not allowed: Key: pk");
  // The partition key is reported first whatever the action order.
  db.ExpectError("UpdateItem", Update(key, "REMOVE sk SET pk = :v", {{":v", S("x")}}),
                 "ValidationException",
                 "One or more parameter values were invalid: Cannot update attribute pk. This "
                 "attribute is part of the key");
  CHECK(db.Describe("Tbl")["ItemCount"] == 0);
}

TEST_CASE("UpdateItem key and table errors") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.ExpectError("UpdateItem", Update({{"pk", N("1")}}, "REMOVE x"), "ValidationException",
                 "The provided key element does not match the schema");
  db.ExpectError("UpdateItem", Update({{"pk", S("")}}, "REMOVE x"), "ValidationException",
                 "One or more parameter values are not valid. The AttributeValue for a key "
                 "attribute cannot contain an empty string value. Key: pk");
  json missing = Update(kKey, "REMOVE x");
  missing["TableName"] = "Nope";
  db.ExpectError("UpdateItem", missing, "ResourceNotFoundException",
                 "Requested resource not found");
}

TEST_CASE("UpdateItem conditions") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("a")}, {"v", N("2")}});
  json request = Update(kKey, "SET v = :new", {{":new", N("3")}, {":two", N("2")}});
  request["ConditionExpression"] = "v = :two";
  db.Ok("UpdateItem", request);
  db.ExpectError("UpdateItem", request, "ConditionalCheckFailedException",
                 "The conditional request failed");
  request["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  json r = db.Exec("UpdateItem", request);
  CHECK(ErrorType(r) == "ConditionalCheckFailedException");
  CHECK(r["Item"] == json{{"pk", S("a")}, {"v", N("3")}});
  // A condition on an absent item: the upsert happens only if it holds.
  json upsert = Update({{"pk", S("b")}}, "SET v = :new", {{":new", N("1")}});
  upsert["ConditionExpression"] = "attribute_exists(pk)";
  db.ExpectError("UpdateItem", upsert, "ConditionalCheckFailedException",
                 "The conditional request failed");
  CHECK(db.Get("Tbl", {{"pk", S("b")}}).is_null());
  upsert["ConditionExpression"] = "attribute_not_exists(pk)";
  db.Ok("UpdateItem", upsert);
  CHECK(db.Get("Tbl", {{"pk", S("b")}}) == json{{"pk", S("b")}, {"v", N("1")}});
}

TEST_CASE("UpdateItem placeholders count across both expressions") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  json request = Update(kKey, "SET #a = :x", {{":x", N("1")}, {":y", N("2")}});
  request["ExpressionAttributeNames"] = {{"#a", "a"}, {"#b", "b"}};
  db.ExpectError("UpdateItem", request, "ValidationException",
                 "Value provided in ExpressionAttributeNames unused in expressions: keys: {#b}");
  request["ConditionExpression"] = "attribute_not_exists(#b)";
  db.ExpectError("UpdateItem", request, "ValidationException",
                 "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}");
  request["ConditionExpression"] = "attribute_not_exists(#b) OR #b <> :y";
  db.Ok("UpdateItem", request);
  CHECK(db.Get("Tbl", kKey) == json{{"pk", S("a")}, {"a", N("1")}});
  // Update expression errors come before condition errors.
  request["UpdateExpression"] = "SET #a = :undefined";
  request["ConditionExpression"] = "#b = :also_undefined";
  db.ExpectError("UpdateItem", request, "ValidationException",
                 "Invalid UpdateExpression: An expression attribute value used in expression is "
                 "not defined; attribute value: :undefined");
  db.ExpectError("UpdateItem", Update(kKey, "SET a = :v", json::object()), "ValidationException",
                 "ExpressionAttributeValues must not be empty");
}

TEST_CASE("UpdateItem evaluation errors change nothing") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("a")}, {"s", S("text")}, {"n", N("1")}});
  db.CommitAll();
  const std::vector<std::string> before = db.engine().SnapshotImages();
  db.ExpectError("UpdateItem", Update(kKey, "SET n = :one, x = absent + :one", {{":one", N("1")}}),
                 "ValidationException",
                 "The provided expression refers to an attribute that does not exist in the item");
  db.ExpectError("UpdateItem", Update(kKey, "SET n = s + :one", {{":one", N("1")}}),
                 "ValidationException",
                 "An operand in the update expression has an incorrect data type");
  db.ExpectError("UpdateItem", Update(kKey, "ADD s :one", {{":one", N("1")}}),
                 "ValidationException",
                 "An operand in the update expression has an incorrect data type");
  db.ExpectError("UpdateItem", Update(kKey, "SET nothere.x = :one", {{":one", N("1")}}),
                 "ValidationException",
                 "The document path provided in the update expression is invalid for update");
  CHECK(!db.engine().has_pending_commit());
  CHECK(db.engine().SnapshotImages() == before);
}

TEST_CASE("UpdateItem limits on the updated item") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  // "pk"+"a" = 3, "big" = 3 + n; "more" = 4 + m.
  db.Put("Tbl", {{"pk", S("a")}, {"big", S(std::string(409600 - 6 - 5, 'x'))}});
  db.Ok("UpdateItem", Update(kKey, "SET more = :v", {{":v", S("x")}}));  // exactly 409600
  CHECK(db.Describe("Tbl")["TableSizeBytes"] == 409600);
  db.ExpectError("UpdateItem", Update(kKey, "SET more = :v", {{":v", S("xy")}}),
                 "ValidationException",
                 "Item size to update has exceeded the maximum allowed size");
  CHECK(db.Get("Tbl", kKey)["more"] == S("x"));

  // Nesting: a value 31 levels deep fits at the top (32), not inside a map.
  json deep = S("leaf");
  for (int i = 0; i < 31; ++i) deep = {{"M", {{"k", deep}}}};
  db.Put("Tbl", {{"pk", S("d")}, {"m", {{"M", json::object()}}}});
  db.Ok("UpdateItem", Update({{"pk", S("d")}}, "SET top = :deep", {{":deep", deep}}));
  db.ExpectError(
      "UpdateItem", Update({{"pk", S("d")}}, "SET m.nest = :deep", {{":deep", deep}}),
      "ValidationException",
      "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
      "levels beyond supported limit");
}

TEST_CASE("UpdateItem consumed capacity") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  auto update = [&](const json& value) {
    json r = Update(kKey, "SET filler = :v", {{":v", value}});
    r["ReturnConsumedCapacity"] = "TOTAL";
    return db.Ok("UpdateItem", r)["ConsumedCapacity"]["CapacityUnits"].get<double>();
  };
  // "pk"+"a" = 3, "filler" = 6 + n.
  CHECK(update(S(std::string(1024 - 9, 'x'))) == 1.0);  // new item, 1024 bytes
  CHECK(update(S(std::string(2049 - 9, 'x'))) == 3.0);  // 2049 bytes
  CHECK(update(S("")) == 3.0);                          // the old item was larger
  CHECK(update(S("")) == 1.0);
}

}  // namespace
}  // namespace testing
}  // namespace pd
