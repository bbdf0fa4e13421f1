// TransactWriteItems through Engine::Execute: the four actions, cancellation
// with CancellationReasons (nothing applied, in memory or in the commit),
// validation errors before anything runs, ClientRequestToken idempotency
// (also across a reopen), the 4 MB limit and ConsumedCapacity.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

void FillTransactWrite(TestDb& db) {
  db.CreateTable("Acc", "id", "S");
  db.CreateTable("Log", "pk", "S", "n", "N");
  db.Put("Acc", {{"id", S("a")}, {"bal", N("100")}});
  db.Put("Acc", {{"id", S("b")}, {"bal", N("5")}});
}

json Tx(json actions) { return {{"TransactItems", std::move(actions)}}; }

json Transfer(const std::string& amount) {
  return Tx(json::array({{{"Update",
                           {{"TableName", "Acc"},
                            {"Key", {{"id", S("a")}}},
                            {"UpdateExpression", "SET bal = bal - :amt"},
                            {"ConditionExpression", "bal >= :amt"},
                            {"ExpressionAttributeValues", {{":amt", N(amount)}}}}}},
                         {{"Update",
                           {{"TableName", "Acc"},
                            {"Key", {{"id", S("b")}}},
                            {"UpdateExpression", "SET bal = bal + :amt"},
                            {"ExpressionAttributeValues", {{":amt", N(amount)}}}}}},
                         {{"Put",
                           {{"TableName", "Log"},
                            {"Item", {{"pk", S("t")}, {"n", N(amount)}}},
                            {"ConditionExpression", "attribute_not_exists(pk)"}}}}}));
}

TEST_CASE("TransactWriteItems applies every action") {
  TestDb db;
  FillTransactWrite(db);
  db.Put("Log", {{"pk", S("gone")}, {"n", N("0")}});
  json tx = Transfer("30");
  tx["TransactItems"].push_back({{"Delete",
                                  {{"TableName", "Log"},
                                   {"Key", {{"pk", S("gone")}, {"n", N("0")}}},
                                   {"ConditionExpression", "attribute_exists(pk)"}}}});
  tx["TransactItems"].push_back({{"ConditionCheck",
                                  {{"TableName", "Acc"},
                                   {"Key", {{"id", S("zz")}}},
                                   {"ConditionExpression", "attribute_not_exists(id)"}}}});
  CHECK(db.Ok("TransactWriteItems", tx) == json::object());
  CHECK(db.Get("Acc", {{"id", S("a")}})["bal"] == N("70"));
  CHECK(db.Get("Acc", {{"id", S("b")}})["bal"] == N("35"));
  CHECK(db.Get("Log", {{"pk", S("t")}, {"n", N("30")}}) == json{{"pk", S("t")}, {"n", N("30")}});
  CHECK(db.Get("Log", {{"pk", S("gone")}, {"n", N("0")}}).is_null());
  CHECK(db.Get("Acc", {{"id", S("zz")}}).is_null());  // ConditionCheck writes nothing
  CHECK(db.Describe("Log")["ItemCount"] == 1);
  // An Update of a missing item creates it from its key.
  CHECK(db.Ok("TransactWriteItems",
              Tx(json::array({{{"Update",
                                {{"TableName", "Acc"},
                                 {"Key", {{"id", S("c")}}},
                                 {"UpdateExpression", "ADD bal :one"},
                                 {"ExpressionAttributeValues", {{":one", N("1")}}}}}}}))) ==
        json::object());
  CHECK(db.Get("Acc", {{"id", S("c")}}) == json{{"id", S("c")}, {"bal", N("1")}});
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("TransactWriteItems cancels everything when a condition fails") {
  TestDb db;
  FillTransactWrite(db);
  db.CommitAll();
  json tx = Transfer("200");  // a has 100
  json r = db.Exec("TransactWriteItems", tx);
  CHECK(ErrorType(r) == "TransactionCanceledException");
  CHECK(ErrorMessage(r) ==
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, None, None]");
  CHECK(r["CancellationReasons"] == json::array({{{"Code", "ConditionalCheckFailed"},
                                                  {"Message", "The conditional request failed"}},
                                                 {{"Code", "None"}},
                                                 {{"Code", "None"}}}));
  // Nothing was applied, in memory or in the commit.
  CHECK(!db.engine().has_pending_commit());
  CHECK(db.Get("Acc", {{"id", S("a")}})["bal"] == N("100"));
  CHECK(db.Get("Acc", {{"id", S("b")}})["bal"] == N("5"));
  CHECK(db.Describe("Log")["ItemCount"] == 0);

  // Every failing condition is reported, with the old item when asked.
  db.Put("Log", {{"pk", S("t")}, {"n", N("200")}, {"note", S("exists")}});
  db.CommitAll();
  tx["TransactItems"][0]["Update"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  tx["TransactItems"][2]["Put"]["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD";
  r = db.Exec("TransactWriteItems", tx);
  CHECK(ErrorMessage(r) ==
        "Transaction cancelled, please refer cancellation reasons for specific reasons "
        "[ConditionalCheckFailed, None, ConditionalCheckFailed]");
  CHECK(r["CancellationReasons"][0]["Item"] == json{{"id", S("a")}, {"bal", N("100")}});
  CHECK(r["CancellationReasons"][2] ==
        json{{"Code", "ConditionalCheckFailed"},
             {"Message", "The conditional request failed"},
             {"Item", {{"pk", S("t")}, {"n", N("200")}, {"note", S("exists")}}}});
  // No Item for a missing item, even with ALL_OLD.
  json check = Tx(json::array({{{"ConditionCheck",
                                 {{"TableName", "Acc"},
                                  {"Key", {{"id", S("none")}}},
                                  {"ConditionExpression", "attribute_exists(id)"},
                                  {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}}}}}));
  r = db.Exec("TransactWriteItems", check);
  CHECK(r["CancellationReasons"] == json::array({{{"Code", "ConditionalCheckFailed"},
                                                  {"Message", "The conditional request failed"}}}));
  CHECK(!db.engine().has_pending_commit());
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("TransactWriteItems update failures are ValidationError reasons") {
  TestDb db;
  FillTransactWrite(db);
  db.Put("Acc", {{"id", S("s")}, {"bal", S("not a number")}});
  db.CommitAll();
  json tx =
      Tx(json::array({{{"Put", {{"TableName", "Log"}, {"Item", {{"pk", S("x")}, {"n", N("1")}}}}}},
                      {{"Update",
                        {{"TableName", "Acc"},
                         {"Key", {{"id", S("s")}}},
                         {"UpdateExpression", "SET bal = bal + :one"},
                         {"ExpressionAttributeValues", {{":one", N("1")}}}}}}}));
  json r = db.Exec("TransactWriteItems", tx);
  CHECK(ErrorType(r) == "TransactionCanceledException");
  CHECK(r["CancellationReasons"] ==
        json::array(
            {{{"Code", "None"}},
             {{"Code", "ValidationError"},
              {"Message", "An operand in the update expression has an incorrect data type"}}}));
  // An update that would make the item larger than 400 KB.
  tx["TransactItems"][1]["Update"]["Key"] = {{"id", S("a")}};
  tx["TransactItems"][1]["Update"]["UpdateExpression"] = "SET padding = :pad";
  tx["TransactItems"][1]["Update"]["ExpressionAttributeValues"] = {
      {":pad", S(std::string(409600, 'p'))}};
  r = db.Exec("TransactWriteItems", tx);
  CHECK(r["CancellationReasons"][1] ==
        json{{"Code", "ValidationError"},
             {"Message", "Item size to update has exceeded the maximum allowed size"}});
  CHECK(!db.engine().has_pending_commit());
  CHECK(db.Describe("Log")["ItemCount"] == 0);
}

TEST_CASE("TransactWriteItems validation errors come before anything runs") {
  TestDb db;
  FillTransactWrite(db);
  db.CommitAll();
  const std::string v = "ValidationException";
  auto put = [](const std::string& table, json item) {
    return json{{"Put", {{"TableName", table}, {"Item", std::move(item)}}}};
  };
  auto del = [](const std::string& table, json key) {
    return json{{"Delete", {{"TableName", table}, {"Key", std::move(key)}}}};
  };
  const json ok_put = put("Log", {{"pk", S("p")}, {"n", N("1")}});
  db.ExpectError(
      "TransactWriteItems",
      Tx(json::array({ok_put, del("Acc", {{"id", S("a")}}), del("Acc", {{"id", S("a")}})})), v,
      "Transaction request cannot include multiple operations on one item");
  db.ExpectError("TransactWriteItems",
                 Tx(json::array({ok_put, del("Log", {{"pk", S("p")}, {"n", N("1.0")}})})), v,
                 "Transaction request cannot include multiple operations on one item");
  // The same key in two tables is two items.
  db.CreateTable("Acc2", "id", "S");
  CHECK(db.Ok("TransactWriteItems",
              Tx(json::array({del("Acc", {{"id", S("q")}}), del("Acc2", {{"id", S("q")}})}))) ==
        json::object());
  db.CommitAll();
  // Keys that do not match the schema cancel the transaction with a
  // ValidationError reason at their action (DynamoDB's wording: the Put
  // item's own message, the key-map one for the others); nothing is written.
  auto reasons = [&](const json& actions) {
    json r = db.Exec("TransactWriteItems", Tx(actions));
    CHECK(ErrorType(r) == "TransactionCanceledException");
    return r["CancellationReasons"];
  };
  const json none = {{"Code", "None"}};
  auto invalid = [](const std::string& m) {
    return json{{"Code", "ValidationError"}, {"Message", m}};
  };
  CHECK(reasons(json::array({ok_put, put("Log", {{"pk", S("p")}})})) ==
        json::array({none, invalid("One or more parameter values were invalid: Missing the key n "
                                   "in the item")}));
  CHECK(reasons(json::array({put("Log", {{"pk", N("1")}, {"n", N("1")}}), ok_put})) ==
        json::array({invalid("One or more parameter values were invalid: Type mismatch for key pk "
                             "expected: S actual: N"),
                     none}));
  CHECK(reasons(json::array({ok_put, del("Acc", {{"id", N("1")}})})) ==
        json::array({none, invalid("The provided key element does not match the schema")}));
  CHECK(reasons(json::array({del("Acc", {{"id", S("a")}, {"x", S("b")}}), ok_put, ok_put})) ==
        json::array({invalid("The provided key element does not match the schema"), none, none}));
  CHECK(db.Ok("Scan", {{"TableName", "Log"}, {"Select", "COUNT"}})["Count"] == 0);
  // An empty key value stays a request-level ValidationException.
  db.ExpectError("TransactWriteItems",
                 Tx(json::array({ok_put, put("Log", {{"pk", S("")}, {"n", N("1")}})})), v,
                 "One or more parameter values are not valid. The AttributeValue for a key "
                 "attribute cannot contain an empty string value. Key: pk");
  db.ExpectError("TransactWriteItems", Tx(json::array({ok_put, del("Nope", {{"id", S("a")}})})),
                 "ResourceNotFoundException", "Requested resource not found");
  db.ExpectError("TransactWriteItems",
                 Tx(json::array({ok_put,
                                 {{"Update",
                                   {{"TableName", "Acc"},
                                    {"Key", {{"id", S("a")}}},
                                    {"UpdateExpression", "SET id = :x"},
                                    {"ExpressionAttributeValues", {{":x", S("b")}}}}}}})),
                 v,
                 "One or more parameter values were invalid: Cannot update attribute id. This "
                 "attribute is part of the key");
  db.ExpectError("TransactWriteItems",
                 Tx(json::array({ok_put,
                                 {{"ConditionCheck",
                                   {{"TableName", "Acc"},
                                    {"Key", {{"id", S("a")}}},
                                    {"ConditionExpression", "bal > :x"}}}}})),
                 v,
                 "Invalid ConditionExpression: An expression attribute value used in expression is "
                 "not defined; attribute value: :x");
  db.ExpectError("TransactWriteItems",
                 Tx(json::array({ok_put,
                                 {{"Delete",
                                   {{"TableName", "Acc"},
                                    {"Key", {{"id", S("a")}}},
                                    {"ConditionExpression", "attribute_exists(id)"},
                                    {"ExpressionAttributeNames", {{"#x", "x"}}}}}}})),
                 v, "Value provided in ExpressionAttributeNames unused in expressions: keys: {#x}");
  // Expression errors of a later action come before the table of an earlier one.
  json r = db.Exec(
      "TransactWriteItems",
      Tx(json::array(
          {del("Nope", {{"id", S("a")}}),
           {{"Update",
             {{"TableName", "Acc"}, {"Key", {{"id", S("a")}}}, {"UpdateExpression", "SET"}}}}})));
  CHECK(ErrorType(r) == v);
  CHECK(ErrorMessage(r).rfind("Invalid UpdateExpression: Syntax error; token: \"<EOF>\"", 0) == 0);
  // The spec's checks.
  db.ExpectError("TransactWriteItems", Tx(json::array({json::object()})), v,
                 "The action or operation requested is invalid. Verify that the action is typed "
                 "correctly.");
  db.ExpectError("TransactWriteItems",
                 Tx(json::array({{{"Put", ok_put["Put"]},
                                  {"Delete", {{"TableName", "Acc"}, {"Key", {{"id", S("a")}}}}}}})),
                 v, "TransactItems can only contain one of Check, Put, Update or Delete");
  json many = json::array();
  for (int i = 0; i < 101; ++i) many.push_back(del("Acc", {{"id", S(std::to_string(i))}}));
  r = db.Exec("TransactWriteItems", Tx(many));
  CHECK(ErrorType(r) == v);
  CHECK(ErrorMessage(r).find("Member must have length less than or equal to 100") !=
        std::string::npos);
  many.erase(many.end() - 1);
  CHECK(db.Ok("TransactWriteItems", Tx(many)) == json::object());  // 100 actions are fine
  db.CommitAll();
  // 4 MB in total: eleven 400 KB items are too many, ten are not.
  json big = json::array();
  for (int i = 0; i < 11; ++i) {
    big.push_back(
        put("Log",
            {{"pk", S("big")}, {"n", N(std::to_string(i))}, {"pad", S(std::string(400000, 'x'))}}));
  }
  db.ExpectError("TransactWriteItems", Tx(big), v,
                 "Transaction request size exceeds the maximum allowed size of 4 MB");
  CHECK(!db.engine().has_pending_commit());
  big.erase(big.end() - 1);
  CHECK(db.Ok("TransactWriteItems", Tx(big)) == json::object());
  CHECK(db.Describe("Log")["ItemCount"] == 10);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("TransactWriteItems tells key rules apart by their kind, not their text") {
  // Key attributes named like the shape errors' texts: an empty value of one
  // is still a value error (request level), not a cancellation reason.
  TestDb db;
  db.CreateTable("Odd", "Missing the key k", "S", "Type mismatch for key s", "S");
  const std::string empty =
      "One or more parameter values are not valid. The AttributeValue for a key attribute "
      "cannot contain an empty string value. Key: ";
  db.ExpectError(
      "TransactWriteItems",
      Tx(json::array(
          {{{"Put",
             {{"TableName", "Odd"},
              {"Item", {{"Missing the key k", S("")}, {"Type mismatch for key s", S("a")}}}}}}})),
      "ValidationException", empty + "Missing the key k");
  db.ExpectError(
      "TransactWriteItems",
      Tx(json::array(
          {{{"Delete",
             {{"TableName", "Odd"},
              {"Key", {{"Missing the key k", S("a")}, {"Type mismatch for key s", S("")}}}}}}})),
      "ValidationException", empty + "Type mismatch for key s");
  // A missing one still is a shape error, at its action.
  json r =
      db.Exec("TransactWriteItems",
              Tx(json::array(
                  {{{"Put", {{"TableName", "Odd"}, {"Item", {{"Missing the key k", S("a")}}}}}}})));
  CHECK(ErrorType(r) == "TransactionCanceledException");
  CHECK(r["CancellationReasons"] ==
        json::array({{{"Code", "ValidationError"},
                      {"Message",
                       "One or more parameter values were invalid: Missing the key Type mismatch "
                       "for key s in the item"}}}));
}

TEST_CASE("TransactWriteItems ClientRequestToken idempotency") {
  int64_t now = kTestNowMs;
  TestDb db;
  db.engine().set_clock([&now] { return now; });
  FillTransactWrite(db);
  json tx = Tx(json::array({{{"Update",
                              {{"TableName", "Acc"},
                               {"Key", {{"id", S("a")}}},
                               {"UpdateExpression", "ADD hits :one"},
                               {"ExpressionAttributeValues", {{":one", N("1")}}}}}}}));
  tx["ClientRequestToken"] = "token-1";
  CHECK(db.Ok("TransactWriteItems", tx) == json::object());
  CHECK(db.Get("Acc", {{"id", S("a")}})["hits"] == N("1"));
  db.CommitAll();
  // The same request again within 10 minutes: success, nothing applied.
  now += 9 * 60 * 1000;
  CHECK(db.Ok("TransactWriteItems", tx) == json::object());
  CHECK(db.Get("Acc", {{"id", S("a")}})["hits"] == N("1"));
  CHECK(!db.engine().has_pending_commit());
  // Member order on the wire does not matter.
  std::string reordered =
      R"({"ClientRequestToken":"token-1","TransactItems":[{"Update":{)"
      R"("ExpressionAttributeValues":{":one":{"N":"1"}},"UpdateExpression":"ADD hits :one",)"
      R"("Key":{"id":{"S":"a"}},"TableName":"Acc"}}]})";
  CHECK(db.ExecRaw("TransactWriteItems", reordered) == json::object());
  // A replay reports read units for reading the items.
  json with_capacity = tx;
  with_capacity["ReturnConsumedCapacity"] = "TOTAL";
  // (a different request under the same token, so: mismatch)
  db.ExpectError(
      "TransactWriteItems", with_capacity, "IdempotentParameterMismatchException",
      "The request uses the same client token as a previous, but non-identical request.");
  json other = tx;
  other["TransactItems"][0]["Update"]["ExpressionAttributeValues"][":one"] = N("2");
  db.ExpectError(
      "TransactWriteItems", other, "IdempotentParameterMismatchException",
      "The request uses the same client token as a previous, but non-identical request.");
  // Other tokens are independent.
  with_capacity["ClientRequestToken"] = "token-2";
  CHECK(db.Ok("TransactWriteItems", with_capacity)["ConsumedCapacity"] ==
        json::array({{{"TableName", "Acc"}, {"CapacityUnits", 2.0}}}));
  CHECK(db.Get("Acc", {{"id", S("a")}})["hits"] == N("2"));
  CHECK(db.Ok("TransactWriteItems", with_capacity)["ConsumedCapacity"] ==
        json::array({{{"TableName", "Acc"}, {"CapacityUnits", 1.0}}}));  // replay: a 1-unit read
  CHECK(db.Get("Acc", {{"id", S("a")}})["hits"] == N("2"));
  db.CommitAll();

  // Tokens are database state: they survive a reopen.
  TestDb reopened(Engine::Open(db.engine().SnapshotImages()).value());
  reopened.engine().set_clock([&now] { return now; });
  CHECK(reopened.Ok("TransactWriteItems", tx) == json::object());
  CHECK(reopened.Get("Acc", {{"id", S("a")}})["hits"] == N("2"));
  reopened.ExpectError(
      "TransactWriteItems", other, "IdempotentParameterMismatchException",
      "The request uses the same client token as a previous, but non-identical request.");
  CHECK(reopened.CheckText() == "OK");

  // Ten minutes after the first use the token is new again.
  now = kTestNowMs + 10 * 60 * 1000;
  CHECK(db.Ok("TransactWriteItems", other) == json::object());
  CHECK(db.Get("Acc", {{"id", S("a")}})["hits"] == N("4"));
  CHECK(db.Ok("TransactWriteItems", other) == json::object());  // and remembered anew
  CHECK(db.Get("Acc", {{"id", S("a")}})["hits"] == N("4"));
  CHECK(db.CheckText() == "OK");

  // A cancelled transaction does not use up its token.
  json failing = tx;
  failing["ClientRequestToken"] = "token-3";
  failing["TransactItems"][0]["Update"]["ConditionExpression"] = "attribute_not_exists(id)";
  CHECK(ErrorType(db.Exec("TransactWriteItems", failing)) == "TransactionCanceledException");
  failing["TransactItems"][0]["Update"].erase("ConditionExpression");
  CHECK(db.Ok("TransactWriteItems", failing) == json::object());
  CHECK(db.Get("Acc", {{"id", S("a")}})["hits"] == N("5"));

  // Expired tokens are purged as new ones are recorded.
  now += 11 * 60 * 1000;
  failing["ClientRequestToken"] = "token-4";
  CHECK(db.Ok("TransactWriteItems", failing) == json::object());
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("TransactWriteItems ConsumedCapacity: twice the single-item units") {
  TestDb db;
  FillTransactWrite(db);
  db.Put("Log",
         {{"pk", S("big")}, {"n", N("1")}, {"pad", S(std::string(5000, 'x'))}});  // 5,011 bytes
  json tx = Tx(json::array(
      {{{"Put", {{"TableName", "Acc"}, {"Item", {{"id", S("new")}}}}}},                   // 2 x 1
       {{"Delete", {{"TableName", "Log"}, {"Key", {{"pk", S("big")}, {"n", N("1")}}}}}},  // 2 x 5
       {{"ConditionCheck",
         {{"TableName", "Acc"},
          {"Key", {{"id", S("a")}}},
          {"ConditionExpression", "attribute_exists(id)"}}}}}));  // 2 x 1 (read)
  tx["ReturnConsumedCapacity"] = "INDEXES";
  json r = db.Ok("TransactWriteItems", tx);
  CHECK(
      r["ConsumedCapacity"] ==
      json::array(
          {{{"TableName", "Acc"}, {"CapacityUnits", 4.0}, {"Table", {{"CapacityUnits", 4.0}}}},
           {{"TableName", "Log"}, {"CapacityUnits", 10.0}, {"Table", {{"CapacityUnits", 10.0}}}}}));
}

}  // namespace
}  // namespace testing
}  // namespace pd
