// BatchGetItem through Engine::Execute: several tables, projections and
// names per table, missing items, validation order, ConsumedCapacity per
// table, and UnprocessedKeys at the 16 MB response limit.
#include <doctest/doctest.h>

#include <set>
#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

void FillBatchGet(TestDb& db) {
  db.CreateTable("Users", "id", "S");
  db.CreateTable("Orders", "user", "S", "n", "N");
  db.Put("Users", {{"id", S("u1")}, {"name", S("Ann")}, {"age", N("31")}});
  db.Put("Users", {{"id", S("u2")}, {"name", S("Bob")}, {"age", N("42")}});
  db.Put("Orders", {{"user", S("u1")}, {"n", N("1")}, {"total", N("9.5")}});
}

TEST_CASE("BatchGetItem reads from several tables") {
  TestDb db;
  FillBatchGet(db);
  json r =
      db.Ok("BatchGetItem",
            {{"RequestItems",
              {{"Users",
                {{"Keys", json::array({{{"id", S("u2")}}, {{"id", S("u1")}}, {{"id", S("zz")}}})}}},
               {"Orders",
                {{"Keys", json::array({{{"user", S("u1")}, {"n", N("1.0")}},
                                       {{"user", S("u1")}, {"n", N("2")}}})},
                 {"ConsistentRead", true}}}}}});
  CHECK(r ==
        json{{"Responses",
              {{"Users", json::array({{{"id", S("u2")}, {"name", S("Bob")}, {"age", N("42")}},
                                      {{"id", S("u1")}, {"name", S("Ann")}, {"age", N("31")}}})},
               {"Orders", json::array({{{"user", S("u1")}, {"n", N("1")}, {"total", N("9.5")}}})}}},
             {"UnprocessedKeys", json::object()}});
  // A table none of whose items exist still appears in Responses.
  r = db.Ok("BatchGetItem",
            {{"RequestItems", {{"Users", {{"Keys", json::array({{{"id", S("x")}}})}}}}}});
  CHECK(r == json{{"Responses", {{"Users", json::array()}}}, {"UnprocessedKeys", json::object()}});
}

TEST_CASE("BatchGetItem ProjectionExpression and ExpressionAttributeNames per table") {
  TestDb db;
  FillBatchGet(db);
  json r = db.Ok("BatchGetItem", {{"RequestItems",
                                   {{"Users",
                                     {{"Keys", json::array({{{"id", S("u1")}}})},
                                      {"ProjectionExpression", "#n, absent"},
                                      {"ExpressionAttributeNames", {{"#n", "name"}}}}},
                                    {"Orders",
                                     {{"Keys", json::array({{{"user", S("u1")}, {"n", N("1")}}})},
                                      {"ProjectionExpression", "#t"},
                                      {"ExpressionAttributeNames", {{"#t", "total"}}}}}}}});
  CHECK(r["Responses"]["Users"] == json::array({{{"name", S("Ann")}}}));
  CHECK(r["Responses"]["Orders"] == json::array({{{"total", N("9.5")}}}));
  r = db.Ok(
      "BatchGetItem",
      {{"RequestItems",
        {{"Users",
          {{"Keys", json::array({{{"id", S("u1")}}})}, {"ProjectionExpression", "nothing"}}}}}});
  CHECK(r["Responses"]["Users"] == json::array({json::object()}));
}

TEST_CASE("BatchGetItem validation") {
  TestDb db;
  FillBatchGet(db);
  const std::string v = "ValidationException";
  auto one = [](const std::string& table, json entry) {
    return json{{"RequestItems", {{table, std::move(entry)}}}};
  };
  db.ExpectError("BatchGetItem",
                 one("Users", {{"Keys", json::array({{{"id", S("u1")}}, {{"id", S("u1")}}})}}), v,
                 "Provided list of item keys contains duplicates");
  json many = json::array();
  for (int i = 0; i < 60; ++i) many.push_back({{"id", S("k" + std::to_string(i))}});
  json orders = json::array();
  for (int i = 0; i < 41; ++i) orders.push_back({{"user", S("u")}, {"n", N(std::to_string(i))}});
  db.ExpectError("BatchGetItem",
                 {{"RequestItems", {{"Users", {{"Keys", many}}}, {"Orders", {{"Keys", orders}}}}}},
                 v, "Too many items requested for the BatchGetItem call");
  orders.erase(orders.end() - 1);  // 100 keys in total is fine
  json r = db.Ok("BatchGetItem",
                 {{"RequestItems", {{"Users", {{"Keys", many}}}, {"Orders", {{"Keys", orders}}}}}});
  CHECK(r["Responses"]["Users"].empty());
  db.ExpectError("BatchGetItem", one("Nope", {{"Keys", json::array({{{"id", S("u1")}}})}}),
                 "ResourceNotFoundException", "Requested resource not found");
  db.ExpectError("BatchGetItem", one("Users", {{"Keys", json::array({{{"id", N("1")}}})}}), v,
                 "The provided key element does not match the schema");
  db.ExpectError("BatchGetItem", one("Orders", {{"Keys", json::array({{{"user", S("u1")}}})}}), v,
                 "The provided key element does not match the schema");
  db.ExpectError("BatchGetItem",
                 one("Users", {{"Keys", json::array({{{"id", S("u1")}}})},
                               {"ProjectionExpression", "id"},
                               {"ExpressionAttributeNames", {{"#n", "name"}}}}),
                 v, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}");
  // Expression errors of every table come before any table lookup.
  db.ExpectError(
      "BatchGetItem",
      {{"RequestItems",
        {{"Nope", {{"Keys", json::array({{{"id", S("u1")}}})}}},
         {"Users",
          {{"Keys", json::array({{{"id", S("u1")}}})}, {"ProjectionExpression", "#zz"}}}}}},
      v,
      "Invalid ProjectionExpression: An expression attribute name used in the "
      "document path is not defined; attribute name: #zz");
  db.ExpectError("BatchGetItem", {{"RequestItems", json::object()}}, v,
                 "1 validation error detected: Value at 'RequestItems' failed to satisfy "
                 "constraint: Member must have length greater than or equal to 1");
}

TEST_CASE("BatchGetItem ConsumedCapacity per table") {
  TestDb db;
  FillBatchGet(db);
  // A 5,000-byte user: 2 units consistent, 1 eventual.
  db.Put("Users", {{"id", S("big")}, {"pad", S(std::string(5000 - 8, 'p'))}});
  json request = {
      {"RequestItems",
       {{"Users",
         {{"Keys", json::array({{{"id", S("big")}}, {{"id", S("u1")}}, {{"id", S("none")}}})}}},
        {"Orders",
         {{"Keys", json::array({{{"user", S("u1")}, {"n", N("1")}}})}, {"ConsistentRead", true}}}}},
      {"ReturnConsumedCapacity", "TOTAL"}};
  json r = db.Ok("BatchGetItem", request);
  // Users (eventual): 1 + 0.5 + 0.5 (missing); Orders (consistent): 1. Tables in name order.
  CHECK(r["ConsumedCapacity"] == json::array({{{"TableName", "Orders"}, {"CapacityUnits", 1.0}},
                                              {{"TableName", "Users"}, {"CapacityUnits", 2.0}}}));
  request["ReturnConsumedCapacity"] = "INDEXES";
  r = db.Ok("BatchGetItem", request);
  CHECK(r["ConsumedCapacity"][1] ==
        json{{"TableName", "Users"}, {"CapacityUnits", 2.0}, {"Table", {{"CapacityUnits", 2.0}}}});
  request["ReturnConsumedCapacity"] = "NONE";
  CHECK(!db.Ok("BatchGetItem", request).contains("ConsumedCapacity"));
}

TEST_CASE("BatchGetItem returns UnprocessedKeys beyond 16 MB") {
  TestDb db;
  db.CreateTable("Big", "id", "N");
  db.CreateTable("Zed", "id", "S");
  // {id: i, pad: ...} of 409,600 bytes (the largest item): 40 fit in 16 MB.
  json keys = json::array();
  for (int i = 0; i < 50; ++i) {
    db.Put("Big", {{"id", N(std::to_string(i))}, {"pad", S(std::string(409600 - 4 - 3, 'z'))}});
    keys.push_back({{"id", N(std::to_string(i))}});
  }
  db.Put("Zed", {{"id", S("z")}});
  json request = {{"RequestItems",
                   {{"Big",
                     {{"Keys", keys},
                      {"ConsistentRead", true},
                      {"ProjectionExpression", "#i, #p"},
                      {"ExpressionAttributeNames", {{"#i", "id"}, {"#p", "pad"}}}}},
                    {"Zed", {{"Keys", json::array({{{"id", S("z")}}})}}}}},
                  {"ReturnConsumedCapacity", "TOTAL"}};
  json r = db.Ok("BatchGetItem", request);
  CHECK(r["Responses"]["Big"].size() == 40);
  CHECK(r["Responses"]["Zed"].empty());
  REQUIRE(r["UnprocessedKeys"].contains("Big"));
  const json& rest = r["UnprocessedKeys"]["Big"];
  CHECK(rest["Keys"].size() == 10);
  CHECK(rest["Keys"][0] == json{{"id", N("40")}});
  CHECK(rest["ConsistentRead"] == true);
  CHECK(rest["ProjectionExpression"] == "#i, #p");
  CHECK(rest["ExpressionAttributeNames"] == json{{"#i", "id"}, {"#p", "pad"}});
  CHECK(r["UnprocessedKeys"]["Zed"] == json{{"Keys", json::array({{{"id", S("z")}}})}});
  // Only what was read is charged: 40 items of 100 units each.
  CHECK(r["ConsumedCapacity"] == json::array({{{"TableName", "Big"}, {"CapacityUnits", 4000.0}}}));
  // Sending UnprocessedKeys again returns the rest.
  json again = db.Ok("BatchGetItem", {{"RequestItems", r["UnprocessedKeys"]}});
  CHECK(again["Responses"]["Big"].size() == 10);
  CHECK(again["Responses"]["Zed"] == json::array({{{"id", S("z")}}}));
  CHECK(again["UnprocessedKeys"] == json::object());
  std::set<std::string> ids;
  for (const json* page : {&r, &again}) {
    for (const json& item : (*page)["Responses"]["Big"])
      ids.insert(item["id"]["N"].get<std::string>());
  }
  CHECK(ids.size() == 50);
}

}  // namespace
}  // namespace testing
}  // namespace pd
