// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction through
// Engine::Execute: each statement kind, its lowering (Query vs Scan, keys,
// conditions), paging, RETURNING, parameters, and DynamoDB's errors; a
// failed statement changes nothing.
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

json Stmt(const std::string& text, json params = json()) {
  json r = {{"Statement", text}};
  if (!params.is_null()) r["Parameters"] = std::move(params);
  return r;
}

// Music(Artist S, SongTitle S) with four songs; Solo(id N).
struct Fixture {
  TestDb db;
  Fixture() {
    db.CreateTable("Music", "Artist", "S", "SongTitle", "S");
    db.CreateTable("Solo", "id", "N");
    for (const char* artist : {"Acme", "Beta"}) {
      for (int i = 1; i <= 2; ++i) {
        db.Put("Music", {{"Artist", S(artist)},
                         {"SongTitle", S("Song" + std::to_string(i))},
                         {"Year", N(std::to_string(2000 + i))},
                         {"Tags", {{"SS", {"a", "b"}}}},
                         {"Info", {{"M", {{"label", S("L" + std::to_string(i))}}}}}});
      }
    }
  }
  json Exec(const std::string& text, json params = json()) {
    return db.Exec("ExecuteStatement", Stmt(text, std::move(params)));
  }
  json Ok(const std::string& text, json params = json()) {
    return db.Ok("ExecuteStatement", Stmt(text, std::move(params)));
  }
  void Error(const std::string& text, const std::string& type, const std::string& message,
             json params = json()) {
    db.ExpectError("ExecuteStatement", Stmt(text, std::move(params)), type, message);
  }
};

TEST_CASE("SELECT: by partition key (Query), whole table (Scan), projection, filters") {
  Fixture f;
  json r = f.Ok("SELECT * FROM Music WHERE Artist = 'Acme'");
  REQUIRE(r["Items"].size() == 2);
  CHECK(r["Items"][0]["SongTitle"] == S("Song1"));
  CHECK(r["Items"][1]["SongTitle"] == S("Song2"));
  CHECK_FALSE(r.contains("NextToken"));

  r = f.Ok("select SongTitle, Info.label from \"Music\" where Artist = 'Beta' and SongTitle = 'Song2'");
  REQUIRE(r["Items"].size() == 1);
  CHECK(r["Items"][0] == json{{"SongTitle", S("Song2")}, {"Info", {{"M", {{"label", S("L2")}}}}}});

  CHECK(f.Ok("SELECT * FROM Music")["Items"].size() == 4);
  CHECK(f.Ok("SELECT * FROM Music WHERE \"Year\" = 2001")["Items"].size() == 2);
  CHECK(f.Ok("SELECT * FROM Music WHERE Artist = 'Acme' AND \"Year\" > 2001")["Items"].size() == 1);
  CHECK(f.Ok("SELECT * FROM Music WHERE Artist = 'Acme' OR Artist = 'Beta'")["Items"].size() == 4);
  CHECK(f.Ok("SELECT * FROM Music WHERE Artist IN ['Acme', 'Zed']")["Items"].size() == 2);
  CHECK(f.Ok("SELECT * FROM Music WHERE Artist IN ('Acme', 'Beta')")["Items"].size() == 4);
  CHECK(f.Ok("SELECT * FROM Music WHERE Artist <> 'Acme'")["Items"].size() == 2);
  CHECK(f.Ok("SELECT * FROM Music WHERE NOT Artist = 'Acme'")["Items"].size() == 2);
  CHECK(f.Ok("SELECT * FROM Music WHERE \"Year\" BETWEEN 2000 AND 2001")["Items"].size() == 2);
  CHECK(f.Ok("SELECT * FROM Music WHERE begins_with(SongTitle, 'Song')")["Items"].size() == 4);
  CHECK(f.Ok("SELECT * FROM Music WHERE Artist = 'Acme' AND begins_with(SongTitle, 'Song1')")["Items"].size() == 1);
  CHECK(f.Ok("SELECT * FROM Music WHERE contains(Tags, 'a')")["Items"].size() == 4);
  CHECK(f.Ok("SELECT * FROM Music WHERE attribute_type(Tags, 'SS')")["Items"].size() == 4);
  CHECK(f.Ok("SELECT * FROM Music WHERE size(Tags) = 2")["Items"].size() == 4);
  CHECK(f.Ok("SELECT * FROM Music WHERE Absent IS MISSING")["Items"].size() == 4);
  CHECK(f.Ok("SELECT * FROM Music WHERE Info IS NOT MISSING AND Info.label = 'L1'")["Items"].size() == 2);
  CHECK(f.Ok("SELECT * FROM Music WHERE Info IS STRUCT")["Items"].size() == 4);
  // Two conditions on the sort key: not a Query, still right.
  CHECK(f.Ok("SELECT * FROM Music WHERE Artist = 'Acme' AND SongTitle > 'A' AND SongTitle < 'Song2'")["Items"].size() == 1);
}

TEST_CASE("SELECT: `pk IN (...)` and `pk = a OR pk = b` run one Query per value, not a Scan") {
  Fixture f;
  auto titles = [](const json& items) {
    std::string out;
    for (const json& i : items) {
      out += i["Artist"]["S"].get<std::string>() + "/" + i["SongTitle"]["S"].get<std::string>();
      out += " ";
    }
    return out;
  };
  // One Query per value, in the order written: each partition's items in
  // sort key order, a value given twice read once.
  json in = Stmt("SELECT * FROM Music WHERE Artist IN ['Beta', 'Zed', 'Acme', 'Beta']");
  in["ReturnConsumedCapacity"] = "TOTAL";
  json r = f.db.Ok("ExecuteStatement", in);
  CHECK(titles(r["Items"]) == "Beta/Song1 Beta/Song2 Acme/Song1 Acme/Song2 ");
  // Three Queries of at most 4 KB, 0.5 read units each (a Scan of the whole
  // table would read 0.5 units).
  CHECK(r["ConsumedCapacity"]["TableName"] == "Music");
  CHECK(r["ConsumedCapacity"]["CapacityUnits"] == 1.5);
  in["Statement"] = "SELECT * FROM Music";
  CHECK(f.db.Ok("ExecuteStatement", in)["ConsumedCapacity"]["CapacityUnits"] == 0.5);
  CHECK(titles(f.Ok("SELECT * FROM Music WHERE (Artist = 'Beta' OR Artist = ?) AND \"Year\" = 2001",
                    json::array({S("Acme")}))["Items"]) == "Beta/Song1 Acme/Song1 ");
  CHECK(titles(f.Ok("SELECT * FROM Music WHERE Artist IN ('Acme', 'Beta') AND SongTitle >= 'Song2'")
                   ["Items"]) == "Acme/Song2 Beta/Song2 ");
  // Limit counts the items evaluated across the Queries; NextToken resumes
  // within a partition or at the next value.
  json page = Stmt("SELECT * FROM Music WHERE Artist = 'Beta' OR Artist = 'Acme'");
  page["Limit"] = 3;
  std::string all;
  int pages = 0;
  for (;;) {
    r = f.db.Ok("ExecuteStatement", page);
    all += titles(r["Items"]);
    ++pages;
    CHECK(r["Items"].size() <= 3);
    if (!r.contains("NextToken")) break;
    page["NextToken"] = r["NextToken"];
  }
  CHECK(all == "Beta/Song1 Beta/Song2 Acme/Song1 Acme/Song2 ");
  CHECK(pages == 2);
  page["Statement"] = "SELECT * FROM Music WHERE Artist = 'Acme'";
  f.db.ExpectError("ExecuteStatement", page, "ValidationException",
                   "NextToken does not match request");
  // A per-value token is not valid for the single Query of the same text, and the other way round.
  json single = Stmt("SELECT * FROM Music WHERE Artist = 'Acme'");
  single["Limit"] = 1;
  page["NextToken"] = f.db.Ok("ExecuteStatement", single)["NextToken"];
  page["Statement"] = "SELECT * FROM Music WHERE Artist = 'Beta' OR Artist = 'Acme'";
  f.db.ExpectError("ExecuteStatement", page, "ValidationException", "Invalid NextToken");
  // An OR with a condition on another attribute, or ORDER BY: as before
  // (a Scan; ORDER BY needs one partition key value).
  CHECK(f.Ok("SELECT * FROM Music WHERE Artist = 'Acme' OR \"Year\" = 2002")["Items"].size() == 3);
  f.Error("SELECT * FROM Music WHERE Artist IN ['Acme', 'Beta'] ORDER BY SongTitle",
          "ValidationException",
          "Must have at least one non-optional hash key condition in WHERE clause when using "
          "ORDER BY clause.");
}

TEST_CASE("SELECT FROM \"table\".\"index\": a Query of the index by its key, else a Scan of it") {
  Fixture f;
  f.db.Ok("CreateTable", json::parse(R"({"TableName": "Songs", "BillingMode": "PAY_PER_REQUEST",
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"},
                                     {"AttributeName": "Year", "AttributeType": "N"}],
            "GlobalSecondaryIndexes": [{"IndexName": "byYear",
              "KeySchema": [{"AttributeName": "Year", "KeyType": "HASH"}],
              "Projection": {"ProjectionType": "KEYS_ONLY"}}]})"));
  f.db.Put("Songs", {{"id", S("a")}, {"Year", N("2001")}, {"x", N("1")}});
  f.db.Put("Songs", {{"id", S("b")}, {"Year", N("2001")}});
  f.db.Put("Songs", {{"id", S("c")}, {"Year", N("2002")}});
  f.db.Put("Songs", {{"id", S("d")}});  // not in the index
  json r = f.Ok("SELECT * FROM \"Songs\".\"byYear\" WHERE \"Year\" = 2001");
  REQUIRE(r["Items"].size() == 2);
  for (const json& item : r["Items"]) {
    CHECK(item.size() == 2);  // KEYS_ONLY: the table's and the index's keys
    CHECK(item["Year"] == N("2001"));
  }
  CHECK(f.Ok("SELECT id FROM Songs.\"byYear\" WHERE \"Year\" = ?",
             json::array({N("2002")}))["Items"] == json::array({{{"id", S("c")}}}));
  CHECK(f.Ok("SELECT * FROM Songs.\"byYear\"")["Items"].size() == 3);
  CHECK(f.Ok("SELECT * FROM Songs.\"byYear\" WHERE id = 'd'")["Items"].empty());
}

TEST_CASE("SELECT: ORDER BY the sort key, parameters, Limit and NextToken") {
  Fixture f;
  json r = f.Ok("SELECT SongTitle FROM Music WHERE Artist = ? ORDER BY SongTitle DESC",
                json::array({S("Acme")}));
  REQUIRE(r["Items"].size() == 2);
  CHECK(r["Items"][0]["SongTitle"] == S("Song2"));
  f.Error("SELECT * FROM Music ORDER BY SongTitle", "ValidationException",
          "Must have WHERE clause in the statement when using ORDER BY clause.");
  f.Error("SELECT * FROM Music WHERE \"Year\" = 1 ORDER BY SongTitle", "ValidationException",
          "Must have at least one non-optional hash key condition in WHERE clause when using "
          "ORDER BY clause.");
  f.Error("SELECT * FROM Music WHERE Artist = 'a' ORDER BY \"Year\"", "ValidationException",
          "Variable reference Year in ORDER BY clause must be part of the primary key");

  f.Error("SELECT * FROM Music WHERE Artist = ? AND SongTitle = ?", "ValidationException",
          "Number of parameters in request and statement don't match.", json::array({S("Acme")}));

  json req = Stmt("SELECT * FROM Music");
  req["Limit"] = 3;
  r = f.db.Ok("ExecuteStatement", req);
  REQUIRE(r["Items"].size() == 3);
  REQUIRE(r.contains("NextToken"));
  CHECK(r.contains("LastEvaluatedKey"));
  req["NextToken"] = r["NextToken"];
  json r2 = f.db.Ok("ExecuteStatement", req);
  CHECK(r2["Items"].size() == 1);

  json other = Stmt("SELECT * FROM Music WHERE Artist = 'Acme'");
  other["NextToken"] = r["NextToken"];
  f.db.ExpectError("ExecuteStatement", other, "ValidationException", "NextToken does not match request");
  other["NextToken"] = "bm90IGEgdG9rZW4=";
  f.db.ExpectError("ExecuteStatement", other, "ValidationException", "Invalid NextToken");

  req = Stmt("SELECT * FROM Music WHERE Artist = 'Acme'");
  req["ReturnConsumedCapacity"] = "TOTAL";
  req["ConsistentRead"] = true;
  r = f.db.Ok("ExecuteStatement", req);
  CHECK(r["ConsumedCapacity"]["TableName"] == "Music");
  CHECK(r["ConsumedCapacity"]["CapacityUnits"] == 1.0);
}

TEST_CASE("INSERT: new item, duplicate key, nested values and bags") {
  Fixture f;
  json r = f.Ok("INSERT INTO Music VALUE {'Artist': 'Cee', 'SongTitle': ?, 'n': -1.5e2, "
                "'ok': true, 'nothing': null, 'l': [1, 'x', [2]], 'ss': <<'a', 'b'>>, "
                "'ns': <<1, 2>>, 'm': {'k': {'deep': 'v'}}}",
                json::array({S("New")}));
  CHECK(r == json{{"Items", json::array()}});
  json item = f.db.Get("Music", {{"Artist", S("Cee")}, {"SongTitle", S("New")}});
  CHECK(item["n"] == N("-150"));  // DynamoDB's normal form of -1.5e2
  CHECK(item["ok"] == json{{"BOOL", true}});
  CHECK(item["nothing"] == json{{"NULL", true}});
  CHECK(item["ss"] == json{{"SS", {"a", "b"}}});
  CHECK(item["ns"] == json{{"NS", {"1", "2"}}});
  CHECK(item["m"]["M"]["k"]["M"]["deep"] == S("v"));
  CHECK(item["l"]["L"][2]["L"][0] == N("2"));

  f.Error("INSERT INTO Music VALUE {'Artist': 'Cee', 'SongTitle': 'New', 'x': 1}",
          "DuplicateItemException", "Duplicate primary key exists in table");
  CHECK_FALSE(f.db.Get("Music", {{"Artist", S("Cee")}, {"SongTitle", S("New")}}).contains("x"));
  f.Error("INSERT INTO Music VALUE {'Artist': 'x', 'SongTitle': 'y', 's': <<'a', 1>>}",
          "ValidationException",
          "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags");
  f.Error("INSERT INTO Music VALUE {'Artist': 'x', 'SongTitle': 'y', 's': <<>>}",
          "ValidationException", "Empty bags are not supported");
  f.Error("INSERT INTO Music VALUE {'Artist': 'x', 'SongTitle': 'y'} RETURNING ALL OLD *",
          "ValidationException", "RETURNING is not supported in INSERT");
  f.Error("INSERT INTO Music VALUES ('a', 'b')", "ValidationException",
          "Unsupported operation: Inserting multiple items in a single statement is not "
          "supported, use \"INSERT INTO tableName VALUE item\" instead");
  f.Error("INSERT INTO Nope VALUE {'a': 1}", "ResourceNotFoundException",
          "Requested resource not found");
}

TEST_CASE("UPDATE: SET/REMOVE, arithmetic, list_append, set_add/set_delete, RETURNING") {
  Fixture f;
  json key = {{"Artist", S("Acme")}, {"SongTitle", S("Song1")}};
  json r = f.Ok("UPDATE Music SET \"Year\" = \"Year\" + 10 SET Extra = 'e', L = [1] "
                "REMOVE Info WHERE Artist = 'Acme' AND SongTitle = 'Song1' RETURNING ALL NEW *");
  REQUIRE(r["Items"].size() == 1);
  CHECK(r["Items"][0]["Year"] == N("2011"));
  json item = f.db.Get("Music", key);
  CHECK(item["Extra"] == S("e"));
  CHECK_FALSE(item.contains("Info"));

  r = f.Ok("UPDATE Music SET L = list_append(L, [2]) SET Tags = set_add(Tags, <<'c'>>) "
           "WHERE Artist = 'Acme' AND SongTitle = 'Song1' RETURNING MODIFIED OLD *");
  CHECK(r["Items"][0]["L"]["L"].size() == 1);
  item = f.db.Get("Music", key);
  CHECK(item["L"]["L"].size() == 2);
  CHECK(item["Tags"] == json{{"SS", {"a", "b", "c"}}});
  f.Ok("UPDATE Music SET Tags = set_delete(Tags, <<'a'>>) WHERE Artist = 'Acme' AND SongTitle = 'Song1'");
  CHECK(f.db.Get("Music", key)["Tags"] == json{{"SS", {"b", "c"}}});
  CHECK(f.Ok("UPDATE Music SET x = 1 WHERE Artist = 'Acme' AND SongTitle = 'Song1'") ==
        json{{"Items", json::array()}});

  f.Error("UPDATE Music SET x = 1 WHERE Artist = 'Acme' AND SongTitle = 'Nope'",
          "ConditionalCheckFailedException", "The conditional request failed");
  CHECK(f.db.Get("Music", {{"Artist", S("Acme")}, {"SongTitle", S("Nope")}}).is_null());
  f.Error("UPDATE Music SET x = 1 WHERE Artist = 'Acme' AND SongTitle = 'Song1' AND \"Year\" = 1",
          "ConditionalCheckFailedException", "The conditional request failed");
  f.Error("UPDATE Music SET x = 1 WHERE Artist = 'Acme'", "ValidationException",
          "Where clause does not contain a mandatory equality on all key attributes");
  f.Error("UPDATE Music SET x = 1", "ValidationException",
          "Where clause does not contain a mandatory equality on all key attributes");
  f.Error("UPDATE Music SET Tags = set_add(Other, <<'c'>>) WHERE Artist = 'Acme' AND SongTitle = 'Song1'",
          "ValidationException", "The first argument to SET_ADD must equal the assignment value");
  f.Error("UPDATE Music SET Tags = set_add(Tags, 'c') WHERE Artist = 'Acme' AND SongTitle = 'Song1'",
          "ValidationException", "The second argument to SET_ADD must be a value with type SET");
  f.Error("UPDATE Music SET SongTitle = 'x' WHERE Artist = 'Acme' AND SongTitle = 'Song1'",
          "ValidationException",
          "One or more parameter values were invalid: Cannot update attribute SongTitle. This "
          "attribute is part of the key");
  CHECK(f.db.Get("Music", key)["x"] == N("1"));
}

TEST_CASE("DELETE: by full key, missing item, condition, RETURNING ALL OLD") {
  Fixture f;
  json r = f.Ok("DELETE FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song1' RETURNING ALL OLD *");
  REQUIRE(r["Items"].size() == 1);
  CHECK(r["Items"][0]["Year"] == N("2001"));
  CHECK(f.db.Get("Music", {{"Artist", S("Acme")}, {"SongTitle", S("Song1")}}).is_null());
  CHECK(f.Ok("DELETE FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song1'") ==
        json{{"Items", json::array()}});
  CHECK(f.Ok("DELETE FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song1' AND \"Year\" = 3")["Items"].empty());
  f.Error("DELETE FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song2' AND \"Year\" = 3",
          "ConditionalCheckFailedException", "The conditional request failed");
  f.Ok("DELETE FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song2' AND \"Year\" = 2002");
  f.Error("DELETE FROM Music WHERE Artist = 'Beta'", "ValidationException",
          "Where clause does not contain a mandatory equality on all key attributes");
  f.Error("DELETE FROM Music WHERE Artist = 'Beta' AND SongTitle = 'Song1' RETURNING ALL NEW *",
          "ValidationException",
          "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in "
          "DELETE statements.");
}

TEST_CASE("Bad statements: DynamoDB's error types and messages, nothing changed") {
  Fixture f;
  f.Error("SELEC * FROM Music", "ValidationException",
          "Statement wasn't well formed, can't be processed: Unexpected name 'SELEC', expected "
          "SELECT, INSERT, UPDATE, DELETE or EXISTS at line 1, column 1");
  f.Error("SELECT * FROM Music\nWHERE pad = 1", "ValidationException",
          "Statement wasn't well formed, can't be processed: Unexpected keyword 'pad', expected "
          "a value or a path at line 2, column 7");
  f.Error("SELECT * FROM Music WHERE \"pad\" = 1 garbage", "ValidationException",
          "Statement wasn't well formed, can't be processed: Unexpected name 'garbage', expected "
          "the end of the statement at line 1, column 37");
  f.Error("SELECT * FROM Music m", "ValidationException", "Aliasing is not supported");
  f.Error("SELECT *, a FROM Music", "ValidationException",
          "Other attributes should not be present in the projection when '*' is used.");
  f.Error("SELECT * FROM Music WHERE a IS MISSING; SELECT 1", "ValidationException",
          "Statement wasn't well formed, can't be processed: Unexpected keyword 'SELECT', "
          "expected the end of the statement at line 1, column 41");
  f.Error("SELECT * FROM Nope", "ResourceNotFoundException", "Requested resource not found");
  f.Error("SELECT * FROM Music.\"nope\"", "ValidationException",
          "The table does not have the specified index: nope");
  f.Error("SELECT * FROM Music WHERE foo(a)", "ValidationException", "Unrecognized function: foo");
  f.Error("SELECT * FROM Music WHERE a = MISSING", "ValidationException",
          "MISSING must be compared using IS operator");
  f.Error("EXISTS(SELECT * FROM Music WHERE Artist = 'a' AND SongTitle = 'b')",
          "ValidationException", "EXISTS can only be used in ExecuteTransaction write requests.");
  CHECK(f.Ok("SELECT * FROM Music WHERE Artist = 'Acme' -- comment\n /* block */ ;")["Items"].size() == 2);
  f.Error("UPSERT INTO Music VALUE {'a': 1}", "ValidationException",
          "Statement wasn't well formed, can't be processed: Unexpected name 'UPSERT', expected "
          "SELECT, INSERT, UPDATE, DELETE or EXISTS at line 1, column 1");
  f.db.ExpectError("ExecuteStatement", json::object(), "ValidationException",
                   "1 validation error detected: Value null at 'statement' failed to satisfy "
                   "constraint: Member must not be null");
  json bad_limit = Stmt("SELECT * FROM Music");
  bad_limit["Limit"] = 0;
  f.db.ExpectError("ExecuteStatement", bad_limit, "ValidationException",
                   "1 validation error detected: Value '0' at 'limit' failed to satisfy "
                   "constraint: Member must have value greater than or equal to 1");
  CHECK(f.Ok("SELECT * FROM Music")["Items"].size() == 4);
  CHECK(f.db.CheckText() == "OK");
}

TEST_CASE("BatchExecuteStatement: single-item reads or writes, errors per statement") {
  Fixture f;
  json reads = {{"Statements", json::array({
      Stmt("SELECT * FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song1'"),
      Stmt("SELECT \"Year\" FROM Music WHERE Artist = ? AND SongTitle = 'Nope'", json::array({S("Acme")})),
      Stmt("SELECT * FROM Music WHERE Artist = 'Acme'"),
      Stmt("SELECT * FROM Nope WHERE id = 1"),
      Stmt("SELEC")})}};
  json r = f.db.Ok("BatchExecuteStatement", reads);
  REQUIRE(r["Responses"].size() == 5);
  CHECK(r["Responses"][0]["TableName"] == "Music");
  CHECK(r["Responses"][0]["Item"]["SongTitle"] == S("Song1"));
  CHECK(r["Responses"][1] == json{{"TableName", "Music"}});
  CHECK(r["Responses"][2]["Error"]["Code"] == "ValidationError");
  CHECK(r["Responses"][2]["Error"]["Message"] ==
        "Where clause does not contain a mandatory equality on all key attributes");
  CHECK(r["Responses"][3]["Error"]["Code"] == "ResourceNotFound");
  CHECK(r["Responses"][3]["TableName"] == "Nope");
  CHECK(r["Responses"][4]["Error"]["Code"] == "ValidationError");
  CHECK_FALSE(r["Responses"][4].contains("TableName"));

  json writes = {{"Statements", json::array({
      Stmt("INSERT INTO Solo VALUE {'id': 1, 'v': 'a'}"),
      Stmt("INSERT INTO Solo VALUE {'id': 1, 'v': 'b'}"),
      Stmt("UPDATE Solo SET v = 'c' WHERE id = 2"),
      Stmt("UPDATE Solo SET w = 'w' WHERE id = 1"),
      Stmt("DELETE FROM Music WHERE Artist = 'Beta' AND SongTitle = 'Song1'")})},
      {"ReturnConsumedCapacity", "TOTAL"}};
  r = f.db.Ok("BatchExecuteStatement", writes);
  REQUIRE(r["Responses"].size() == 5);
  CHECK_FALSE(r["Responses"][0].contains("Error"));
  CHECK(r["Responses"][1]["Error"] == json{{"Code", "DuplicateItem"},
                                           {"Message", "Duplicate primary key exists in table"}});
  CHECK(r["Responses"][2]["Error"]["Code"] == "ConditionalCheckFailed");
  CHECK(f.db.Get("Solo", {{"id", N("1")}}) == json{{"id", N("1")}, {"v", S("a")}, {"w", S("w")}});
  CHECK(f.db.Get("Solo", {{"id", N("2")}}).is_null());
  CHECK(f.db.Get("Music", {{"Artist", S("Beta")}, {"SongTitle", S("Song1")}}).is_null());
  REQUIRE(r["ConsumedCapacity"].size() == 2);

  json mixed = {{"Statements", json::array({Stmt("SELECT * FROM Solo WHERE id = 1"),
                                            Stmt("DELETE FROM Solo WHERE id = 1")})}};
  f.db.ExpectError("BatchExecuteStatement", mixed, "ValidationException",
                   "Unsupported operation: A batch must contain either all read statements or "
                   "all write statements");
  json many = {{"Statements", json::array()}};
  for (int i = 0; i < 26; ++i) many["Statements"].push_back(Stmt("SELECT * FROM Solo WHERE id = 1"));
  json res = f.db.Exec("BatchExecuteStatement", many);
  CHECK(ErrorType(res) == "ValidationException");
  CHECK(ErrorMessage(res).find("Member must have length less than or equal to 25") != std::string::npos);
  CHECK(f.db.CheckText() == "OK");
}

TEST_CASE("ExecuteTransaction: reads, writes, EXISTS, all or nothing") {
  Fixture f;
  json reads = {{"TransactStatements", json::array({
      Stmt("SELECT * FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Song1'"),
      Stmt("SELECT * FROM Solo WHERE id = 9")})}};
  json r = f.db.Ok("ExecuteTransaction", reads);
  REQUIRE(r["Responses"].size() == 2);
  CHECK(r["Responses"][0]["Item"]["SongTitle"] == S("Song1"));
  CHECK(r["Responses"][1] == json::object());

  json writes = {{"TransactStatements", json::array({
      Stmt("INSERT INTO Solo VALUE {'id': 1}"),
      Stmt("UPDATE Music SET n = 1 WHERE Artist = 'Acme' AND SongTitle = 'Song1'"),
      Stmt("EXISTS(SELECT * FROM Music WHERE Artist = 'Beta' AND SongTitle = 'Song1' AND \"Year\" = 2001)"),
      Stmt("NOT EXISTS(SELECT * FROM Music WHERE Artist = 'Zed' AND SongTitle = 'x')")})}};
  // A write transaction answers an empty Responses list, as DynamoDB does.
  CHECK(f.db.Ok("ExecuteTransaction", writes) == json{{"Responses", json::array()}});
  CHECK_FALSE(f.db.Get("Solo", {{"id", N("1")}}).is_null());

  json failing = {{"TransactStatements", json::array({
      Stmt("INSERT INTO Solo VALUE {'id': 2}"),
      Stmt("INSERT INTO Solo VALUE {'id': 1}"),
      Stmt("UPDATE Music SET n = 2 WHERE Artist = 'Acme' AND SongTitle = 'Missing'")})}};
  json e = f.db.Exec("ExecuteTransaction", failing);
  CHECK(ErrorType(e) == "TransactionCanceledException");
  CHECK(ErrorMessage(e) ==
        "Transaction cancelled, please refer cancellation reasons for specific reasons [None, "
        "DuplicateItem, ConditionalCheckFailed]");
  CHECK(e["CancellationReasons"][1]["Message"] == "Duplicate primary key exists in table");
  CHECK(f.db.Get("Solo", {{"id", N("2")}}).is_null());

  json exists_fails = {{"TransactStatements", json::array({
      Stmt("INSERT INTO Solo VALUE {'id': 3}"),
      Stmt("EXISTS(SELECT * FROM Music WHERE Artist = 'Beta' AND SongTitle = 'Song1' AND \"Year\" = 1)")})}};
  CHECK(ErrorType(f.db.Exec("ExecuteTransaction", exists_fails)) == "TransactionCanceledException");
  CHECK(f.db.Get("Solo", {{"id", N("3")}}).is_null());

  json mixed = {{"TransactStatements", json::array({Stmt("SELECT * FROM Solo WHERE id = 1"),
                                                    Stmt("DELETE FROM Solo WHERE id = 1")})}};
  f.db.ExpectError("ExecuteTransaction", mixed, "ValidationException",
                   "ExecuteTransaction API does not support both read and write operations in "
                   "the same request.");
  json not_key = {{"TransactStatements", json::array({Stmt("SELECT * FROM Music WHERE Artist = 'a'")})}};
  f.db.ExpectError("ExecuteTransaction", not_key, "ValidationException",
                   "Where clause does not contain a mandatory equality on all key attributes");
  json returning = {{"TransactStatements", json::array({Stmt(
      "DELETE FROM Solo WHERE id = 1 RETURNING ALL OLD *")})}};
  f.db.ExpectError("ExecuteTransaction", returning, "ValidationException",
                   "RETURNING is not supported in ExecuteTransaction");
  json twice = {{"TransactStatements", json::array({Stmt("UPDATE Solo SET a = 1 WHERE id = 1"),
                                                    Stmt("UPDATE Solo SET b = 1 WHERE id = 1")})}};
  f.db.ExpectError("ExecuteTransaction", twice, "ValidationException",
                   "Transaction request cannot include multiple operations on one item");
  json many = {{"TransactStatements", json::array()}};
  for (int i = 0; i < 101; ++i) many["TransactStatements"].push_back(Stmt("SELECT * FROM Solo WHERE id = 1"));
  json res = f.db.Exec("ExecuteTransaction", many);
  CHECK(ErrorType(res) == "ValidationException");
  CHECK(ErrorMessage(res).find("Member must have length less than or equal to 100") != std::string::npos);
  CHECK(f.db.CheckText() == "OK");
}

}  // namespace
}  // namespace testing
}  // namespace pd
