// GetItem through Engine::Execute: key matching errors, projections,
// ConsistentRead and ConsumedCapacity.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

const char kMismatch[] = "The provided key element does not match the schema";

TEST_CASE("GetItem key must match the key schema exactly") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  db.Put("Tbl", {{"pk", S("a")}, {"sk", N("1")}, {"v", S("x")}});
  auto get = [](const json& key) { return json{{"TableName", "Tbl"}, {"Key", key}}; };
  db.ExpectError("GetItem", get({{"pk", S("a")}}), "ValidationException", kMismatch);
  db.ExpectError("GetItem", get({{"pk", S("a")}, {"sk", N("1")}, {"v", S("x")}}),
                 "ValidationException", kMismatch);
  db.ExpectError("GetItem", get({{"pk", S("a")}, {"other", N("1")}}), "ValidationException",
                 kMismatch);
  db.ExpectError("GetItem", get({{"pk", N("1")}, {"sk", N("1")}}), "ValidationException",
                 kMismatch);
  db.ExpectError("GetItem", get({{"pk", S("a")}, {"sk", S("1")}}), "ValidationException",
                 kMismatch);
  db.ExpectError("GetItem", get({{"pk", S("")}, {"sk", N("1")}}), "ValidationException",
                 "One or more parameter values are not valid. The AttributeValue for a key "
                 "attribute cannot contain an empty string value. Key: pk");
  db.ExpectError("GetItem", get({{"pk", S(std::string(2049, 'q'))}, {"sk", N("1")}}),
                 "ValidationException",
                 "One or more parameter values were invalid: Size of hashkey has exceeded the "
                 "maximum size limit of2048 bytes");
  db.ExpectError("GetItem", {{"TableName", "Nope"}, {"Key", {{"pk", S("a")}}}},
                 "ResourceNotFoundException", "Requested resource not found");
  // Equal numbers are the same key whatever their spelling.
  CHECK(db.Ok("GetItem", get({{"pk", S("a")}, {"sk", N("1.000")}}))["Item"]["v"] == S("x"));
  CHECK(db.Ok("GetItem", get({{"pk", S("a")}, {"sk", N("2")}})) == json::object());
}

TEST_CASE("GetItem ProjectionExpression") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("a")},
                 {"name", S("n")},
                 {"m", {{"M", {{"x", N("1")}, {"y", N("2")}}}}},
                 {"l", {{"L", json::array({S("l0"), S("l1"), S("l2")})}}}});
  json request = {{"TableName", "Tbl"},
                  {"Key", {{"pk", S("a")}}},
                  {"ProjectionExpression", "#n, m.y, l[2], l[0], nothing"},
                  {"ExpressionAttributeNames", {{"#n", "name"}}}};
  CHECK(db.Ok("GetItem", request) == json{{"Item",
                                           {{"name", S("n")},
                                            {"m", {{"M", {{"y", N("2")}}}}},
                                            {"l", {{"L", json::array({S("l0"), S("l2")})}}}}}});
  // Nothing projected exists: an empty Item.
  request["ProjectionExpression"] = "#n.deeper, zz";
  CHECK(db.Ok("GetItem", request) == json{{"Item", json::object()}});
  // Placeholder rules.
  request["ProjectionExpression"] = "pk";
  db.ExpectError("GetItem", request, "ValidationException",
                 "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}");
  request["ProjectionExpression"] = "#m";
  db.ExpectError("GetItem", request, "ValidationException",
                 "Invalid ProjectionExpression: An expression attribute name used in the document "
                 "path is not defined; attribute name: #m");
  request.erase("ExpressionAttributeNames");
  request["ProjectionExpression"] = "name";
  db.ExpectError("GetItem", request, "ValidationException",
                 "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved "
                 "keyword: name");
  request["ProjectionExpression"] = "a, a";
  json r = db.Exec("GetItem", request);
  CHECK(ErrorType(r) == "ValidationException");
  CHECK(ErrorMessage(r).find("Two document paths overlap") != std::string::npos);
}

TEST_CASE("GetItem consumed capacity") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  // "pk" + "k" = 3, "pad" = 3: total = 6 + n.
  db.Put("Tbl", {{"pk", S("k")}, {"pad", S(std::string(4096 - 6, 'x'))}});
  db.Put("Tbl", {{"pk", S("big")}, {"pad", S(std::string(4097 - 8, 'x'))}});
  auto units = [&](const std::string& pk, const json& consistent, const char* mode = "TOTAL") {
    json request = {
        {"TableName", "Tbl"}, {"Key", {{"pk", S(pk)}}}, {"ReturnConsumedCapacity", mode}};
    if (!consistent.is_null()) request["ConsistentRead"] = consistent;
    json r = db.Ok("GetItem", request);
    return r["ConsumedCapacity"];
  };
  CHECK(units("k", true) == json{{"TableName", "Tbl"}, {"CapacityUnits", 1.0}});
  CHECK(units("k", false)["CapacityUnits"] == 0.5);
  CHECK(units("k", json())["CapacityUnits"] == 0.5);  // eventually consistent by default
  CHECK(units("big", true)["CapacityUnits"] == 2.0);
  CHECK(units("big", false)["CapacityUnits"] == 1.0);
  CHECK(units("missing", true)["CapacityUnits"] == 1.0);
  CHECK(units("missing", false)["CapacityUnits"] == 0.5);
  CHECK(units("big", true, "INDEXES") ==
        json{{"TableName", "Tbl"}, {"CapacityUnits", 2.0}, {"Table", {{"CapacityUnits", 2.0}}}});
  // A projection does not reduce the charge.
  json r = db.Ok("GetItem", {{"TableName", "Tbl"},
                             {"Key", {{"pk", S("big")}}},
                             {"ProjectionExpression", "pk"},
                             {"ConsistentRead", true},
                             {"ReturnConsumedCapacity", "TOTAL"}});
  CHECK(r["Item"] == json{{"pk", S("big")}});
  CHECK(r["ConsumedCapacity"]["CapacityUnits"] == 2.0);
  CHECK(
      !db.Ok("GetItem",
             {{"TableName", "Tbl"}, {"Key", {{"pk", S("k")}}}, {"ReturnConsumedCapacity", "NONE"}})
           .contains("ConsumedCapacity"));
}

}  // namespace
}  // namespace testing
}  // namespace pd
