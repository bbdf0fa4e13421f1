// TransactGetItems through Engine::Execute: responses in action order ({}
// for a missing item), projections per action, validation (all or nothing),
// the 4 MB limit and ConsumedCapacity.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

json GetAction(const std::string& table, json key, json extra = json::object()) {
  json get = {{"TableName", table}, {"Key", std::move(key)}};
  for (auto it = extra.begin(); it != extra.end(); ++it) get[it.key()] = it.value();
  return {{"Get", get}};
}

void FillTransactGet(TestDb& db) {
  db.CreateTable("Users", "id", "S");
  db.CreateTable("Orders", "user", "S", "n", "N");
  db.Put("Users", {{"id", S("u1")}, {"name", S("Ann")}, {"tags", {{"SS", {"x", "y"}}}}});
  db.Put("Orders", {{"user", S("u1")}, {"n", N("7")}, {"total", N("3")}});
}

TEST_CASE("TransactGetItems returns items in action order") {
  TestDb db;
  FillTransactGet(db);
  json r = db.Ok("TransactGetItems",
                 {{"TransactItems",
                   json::array({GetAction("Orders", {{"user", S("u1")}, {"n", N("7")}}),
                                GetAction("Users", {{"id", S("missing")}}),
                                GetAction("Users", {{"id", S("u1")}},
                                          {{"ProjectionExpression", "#n, tags"},
                                           {"ExpressionAttributeNames", {{"#n", "name"}}}})})}});
  CHECK(r ==
        json{{"Responses",
              json::array({{{"Item", {{"user", S("u1")}, {"n", N("7")}, {"total", N("3")}}}},
                           json::object(),
                           {{"Item", {{"name", S("Ann")}, {"tags", {{"SS", {"x", "y"}}}}}}}})}});
}

TEST_CASE("TransactGetItems validation: all or nothing") {
  TestDb db;
  FillTransactGet(db);
  const std::string v = "ValidationException";
  auto tx = [](json actions) { return json{{"TransactItems", std::move(actions)}}; };
  const json ok = GetAction("Users", {{"id", S("u1")}});
  db.ExpectError("TransactGetItems", tx(json::array({ok, GetAction("Nope", {{"id", S("u1")}})})),
                 "ResourceNotFoundException", "Requested resource not found");
  // A Key that does not match the schema cancels the transaction with a
  // ValidationError reason at that action, as DynamoDB reports it, even when
  // another action repeats an item.
  json cancelled = db.Exec("TransactGetItems",
                           tx(json::array({ok, GetAction("Orders", {{"user", S("u1")}}), ok})));
  CHECK(ErrorType(cancelled) == "TransactionCanceledException");
  CHECK(ErrorMessage(cancelled) ==
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, "
        "ValidationError, None]");
  CHECK(cancelled["CancellationReasons"] ==
        json::array({{{"Code", "None"}},
                     {{"Code", "ValidationError"},
                      {"Message", "The provided key element does not match the schema"}},
                     {{"Code", "None"}}}));
  cancelled = db.Exec("TransactGetItems", tx(json::array({GetAction("Users", json::object())})));
  CHECK(cancelled["CancellationReasons"] ==
        json::array({{{"Code", "ValidationError"},
                      {"Message", "The provided key element does not match the schema"}}}));
  CHECK(db.Exec("TransactGetItems",
                tx(json::array(
                    {GetAction("Users", {{"id", N("1")}})})))["CancellationReasons"][0]["Code"] ==
        "ValidationError");
  // An empty key value is a request-level error.
  db.ExpectError("TransactGetItems", tx(json::array({ok, GetAction("Users", {{"id", S("")}})})), v,
                 "One or more parameter values are not valid. The AttributeValue for a key "
                 "attribute cannot contain an empty string value. Key: id");
  db.ExpectError("TransactGetItems", tx(json::array({ok, ok})), v,
                 "Transaction request cannot include multiple operations on one item");
  db.ExpectError("TransactGetItems",
                 tx(json::array({ok, GetAction("Users", {{"id", S("u2")}},
                                               {{"ProjectionExpression", "id"},
                                                {"ExpressionAttributeNames", {{"#a", "a"}}}})})),
                 v, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a}");
  db.ExpectError(
      "TransactGetItems",
      tx(json::array({GetAction("Nope", {{"id", S("u1")}}),
                      GetAction("Users", {{"id", S("u2")}}, {{"ProjectionExpression", "#b"}})})),
      v,
      "Invalid ProjectionExpression: An expression attribute name used in the document "
      "path is not defined; attribute name: #b");
  json many = json::array();
  for (int i = 0; i < 101; ++i) many.push_back(GetAction("Users", {{"id", S(std::to_string(i))}}));
  json r = db.Exec("TransactGetItems", tx(many));
  CHECK(ErrorType(r) == v);
  CHECK(ErrorMessage(r).find("Member must have length less than or equal to 100") !=
        std::string::npos);
  many.erase(many.end() - 1);
  r = db.Ok("TransactGetItems", tx(many));
  CHECK(r["Responses"].size() == 100);
  CHECK(r["Responses"][0] == json::object());
}

TEST_CASE("TransactGetItems tells key rules apart by their kind, not their text") {
  // A key attribute named like a shape error's text: its empty value is still
  // a request-level value error, not a cancellation reason.
  TestDb db;
  db.CreateTable("Odd", "Missing the key k", "S");
  db.ExpectError(
      "TransactGetItems",
      {{"TransactItems", json::array({GetAction("Odd", {{"Missing the key k", S("")}})})}},
      "ValidationException",
      "One or more parameter values are not valid. The AttributeValue for a key "
      "attribute cannot contain an empty string value. Key: Missing the key k");
  CHECK(db.Exec(
            "TransactGetItems",
            {{"TransactItems",
              json::array({GetAction("Odd", {{"Missing the key k",
                                              N("1")}})})}})["CancellationReasons"][0]["Message"] ==
        "The provided key element does not match the schema");
}

TEST_CASE("TransactGetItems 4 MB limit and ConsumedCapacity") {
  TestDb db;
  db.CreateTable("Big", "id", "N");
  json actions = json::array();
  for (int i = 0; i < 11; ++i) {
    db.Put("Big", {{"id", N(std::to_string(i))}, {"pad", S(std::string(400000, 'x'))}});
    actions.push_back(GetAction("Big", {{"id", N(std::to_string(i))}}));
  }
  db.ExpectError("TransactGetItems", {{"TransactItems", actions}}, "ValidationException",
                 "Transaction request size exceeds the maximum allowed size of 4 MB");
  actions.erase(actions.end() - 1);
  // Ten 400,007-byte items: 98 units each for a consistent read, doubled.
  json r =
      db.Ok("TransactGetItems", {{"TransactItems", actions}, {"ReturnConsumedCapacity", "TOTAL"}});
  CHECK(r["Responses"].size() == 10);
  CHECK(r["ConsumedCapacity"] == json::array({{{"TableName", "Big"}, {"CapacityUnits", 1960.0}}}));
  // A missing item costs 2; INDEXES adds the table's share.
  r = db.Ok("TransactGetItems",
            {{"TransactItems", json::array({GetAction("Big", {{"id", N("99")}})})},
             {"ReturnConsumedCapacity", "INDEXES"}});
  CHECK(r == json{{"Responses", json::array({json::object()})},
                  {"ConsumedCapacity", json::array({{{"TableName", "Big"},
                                                     {"CapacityUnits", 2.0},
                                                     {"Table", {{"CapacityUnits", 2.0}}}}})}});
}

}  // namespace
}  // namespace testing
}  // namespace pd
