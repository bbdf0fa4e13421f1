// The PartiQL parser alone (partiql/partiql.h) and its lowering
// (partiql/lower.h), then a fuzz run: 100,000 random texts and 100,000
// mutations of valid statements through Parse and Lower, and 3,000 of the
// mutations through Engine::Execute. Nothing may crash (the suite runs under
// ASan/UBSan), every refusal is a message of DynamoDB's forms, a syntax
// error's line and column lie inside the text, and the engine never answers
// InternalServerError and stays consistent. Seeded, bounded in time.
#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "partiql/lower.h"
#include "partiql/partiql.h"
#include "support/test_util.h"

namespace pd {
namespace partiql {
namespace {

using nlohmann::json;

Statement MustParse(const std::string& text) {
  auto r = Parse(text);
  REQUIRE_MESSAGE(r.index() == 0, text << " -> " << (r.index() == 1 ? std::get<1>(r) : ""));
  return std::get<0>(std::move(r));
}

std::string ParseError(const std::string& text) {
  auto r = Parse(text);
  REQUIRE_MESSAGE(r.index() == 1, text << " parsed");
  return std::get<1>(r);
}

TEST_CASE("parse: statement shapes") {
  Statement s = MustParse("SELECT a, b.c[2], \"d e\" FROM \"T\".\"I\" WHERE x = ? ORDER BY k DESC;");
  CHECK(s.kind == Statement::kSelect);
  CHECK(s.table == "T");
  CHECK(s.index == "I");
  REQUIRE(s.projection.size() == 3);
  REQUIRE(s.projection[1].steps.size() == 3);
  CHECK(s.projection[1].steps[2].index == 2);
  CHECK(s.projection[2].steps[0].name == "d e");
  CHECK(s.param_count == 1);
  REQUIRE(s.order_by.size() == 1);
  CHECK(s.order_by[0].desc);

  s = MustParse("insert into t value {'a': 1, 'b': [true, null, <<'x'>>], 'c': ?}");
  CHECK(s.kind == Statement::kInsert);
  CHECK(s.item.kind == Node::kMap);
  CHECK(s.item.keys == std::vector<std::string>{"a", "b", "c"});

  s = MustParse("UPDATE t SET a = a + 1, b = 'x' REMOVE c SET d = 2 WHERE k = 1 RETURNING MODIFIED NEW *");
  CHECK(s.actions.size() == 4);
  CHECK(s.actions[2].remove);
  CHECK(s.returning == "UPDATED_NEW");

  s = MustParse("NOT EXISTS (SELECT * FROM t WHERE k = 1)");
  CHECK(s.kind == Statement::kExists);
  CHECK(s.not_exists);

  s = MustParse("SELECT * FROM t WHERE a = 'it''s' AND NOT (b < -2.5e3 OR c NOT IN [1, 2]) AND d IS NOT NULL");
  CHECK(s.where.kind == Node::kAnd);
}

TEST_CASE("parse: errors name the token and its position") {
  CHECK(ParseError("") == NotWellFormed("Unexpected end of statement, expected SELECT, INSERT, "
                                        "UPDATE, DELETE or EXISTS at line 1, column 1"));
  CHECK(ParseError("SELECT * FROM t WHERE a = 'open") ==
        NotWellFormed("Unterminated string at line 1, column 27"));
  CHECK(ParseError("SELECT * FROM t /* x") ==
        NotWellFormed("Unterminated comment at line 1, column 17"));
  CHECK(ParseError("SELECT * FROM t WHERE a = #") ==
        NotWellFormed("Unexpected character '#' at line 1, column 27"));
  CHECK(ParseError("SELECT *\n  FROM t WHERE (a = 1") ==
        NotWellFormed("Unexpected end of statement, expected ')' at line 2, column 22"));
  CHECK(ParseError("SELECT * FROM t WHERE a = `1`") == "Ion Literals are not supported");
  CHECK(ParseError("SELECT * FROM a.b.c") ==
        "A path may contain at most 2 components in the FROM clause");
  CHECK(ParseError("SELECT * FROM t WHERE a[*].b = 1") ==
        "Wildcard path component like a[*].b are not supported");
  CHECK(ParseError("UPDATE t SET a = 1 WHERE k = 1 RETURNING ALL NEW") ==
        "Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause");
  CHECK(ParseError("INSERT INTO t VALUE {'a': 1, 'a': 2}") ==
        "Duplicate keys in tuple. Key: a under tuple");
  CHECK(ParseError("SELECT * FROM t GROUP BY a") == "Unsupported clause: GROUP");
  // Nesting is bounded.
  std::string deep = "SELECT * FROM t WHERE " + std::string(200, '(') + "a = 1" + std::string(200, ')');
  CHECK(ParseError(deep).find("Statement nested too deeply") != std::string::npos);
}

TEST_CASE("lower: Query when the partition key is pinned, else Scan") {
  KeyNames keys{"pk", "sk"};
  auto lower = [&](const std::string& text) {
    auto r = Lower(MustParse(text), json::array({{{"S", "p"}}}), keys, nullptr, Mode::kSingle);
    REQUIRE(r.index() == 0);
    return std::get<0>(std::move(r));
  };
  Lowered l = lower("SELECT * FROM t WHERE pk = ? AND sk > 'a' AND x = 1");
  CHECK(l.op == "Query");
  CHECK(l.request["KeyConditionExpression"] == "#n0 = :v0 AND #n1 > :v1");
  CHECK(l.request["FilterExpression"] == "#n2 = :v2");
  CHECK(l.request["ExpressionAttributeNames"] == json{{"#n0", "pk"}, {"#n1", "sk"}, {"#n2", "x"}});
  // Several partition key values: one Query per value, the key compared
  // to kHashValueRef; the values distinct, in the order written.
  l = lower("SELECT * FROM t WHERE (pk = 'b' OR pk IN ['a', ?, 'b']) AND sk > 'a' AND x = 1");
  CHECK(l.op == "Query");
  CHECK(l.request["KeyConditionExpression"] == "#n0 = :pk AND #n1 > :v0");
  CHECK(l.request["FilterExpression"] == "#n2 = :v1");
  CHECK(json(l.hash_values) == json::parse(R"([{"S": "b"}, {"S": "a"}, {"S": "p"}])"));
  CHECK(lower("SELECT * FROM t WHERE pk = 'a'").hash_values.empty());
  CHECK(lower("SELECT * FROM t WHERE pk = 'a' OR x = 'b'").op == "Scan");
  CHECK(lower("SELECT * FROM t WHERE pk IN ['a', 'b'] AND pk = 'a'").op == "Scan");
  CHECK(lower("SELECT * FROM t WHERE pk = 'a' AND sk = 'b' OR pk = 'c'").op == "Scan");
  CHECK(lower("SELECT * FROM t WHERE pk > 'a'").op == "Scan");
  CHECK(lower("SELECT * FROM t WHERE pk = 'a' AND sk > 'a' AND sk < 'z'").op == "Scan");
  l = lower("UPDATE t SET a = 1 WHERE pk = 'a' AND sk = 'b' AND c = 2");
  CHECK(l.op == "UpdateItem");
  CHECK(l.request["Key"] == json{{"pk", {{"S", "a"}}}, {"sk", {{"S", "b"}}}});
  CHECK(l.request["ConditionExpression"] == "attribute_exists(#n2) AND (#n1 = :v1)");
  l = lower("DELETE FROM t WHERE sk = 'b' AND pk = 'a'");
  CHECK_FALSE(l.request.contains("ConditionExpression"));
}

// ---------------------------------------------------------------- fuzzing

const char* const kSeeds[] = {
    "SELECT * FROM \"Tab\" WHERE pk = 'a'",
    "SELECT a, b.c, l[1] FROM Tab WHERE pk = ? AND sk BETWEEN 1 AND 5 ORDER BY sk DESC",
    "SELECT * FROM Tab.\"idx\" WHERE g = 1 AND begins_with(s, 'x') OR contains(l, 2)",
    "SELECT * FROM Tab WHERE a IN [1, 2, 3] AND b IS MISSING AND NOT c <> 'x' AND size(d) >= 2",
    "SELECT * FROM Tab WHERE attribute_type(a, 'S') AND m.k IS NOT NULL",
    "INSERT INTO Tab VALUE {'pk': 'a', 'sk': 1, 'l': [1, 'x', true, null], 'm': {'k': <<1, 2>>}}",
    "INSERT INTO Tab VALUE {'pk': ?, 'sk': ?, 's': <<'a', 'b'>>}",
    "UPDATE Tab SET a = a + 1, b = list_append(b, [1]) REMOVE c WHERE pk = 'a' AND sk = 1",
    "UPDATE Tab SET s = set_add(s, <<'z'>>) SET n = n - 2 WHERE pk = 'a' AND sk = 1 RETURNING ALL NEW *",
    "DELETE FROM Tab WHERE pk = 'a' AND sk = 1 AND x = 'y' RETURNING ALL OLD *",
    "EXISTS(SELECT * FROM Tab WHERE pk = 'a' AND sk = 1 AND a > 2)",
    "NOT EXISTS (SELECT * FROM Tab WHERE pk = 'a' AND sk = 2) -- comment",
    "select * from T /* c */ where pk = 'it''s';",
};

const char* const kVocabulary[] = {
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "MISSING", "NULL", "BETWEEN",
    "INSERT", "INTO", "VALUE", "UPDATE", "SET", "REMOVE", "DELETE", "RETURNING", "ALL", "OLD",
    "NEW", "MODIFIED", "ORDER", "BY", "DESC", "EXISTS", "TRUE", "FALSE", "*", "?", "=", "<>",
    "<", ">=", "(", ")", "[", "]", "{", "}", "<<", ">>", ",", ".", ":", "'x'", "\"q\"", "1",
    "-2.5e3", "pk", "sk", "a", "size(", "set_add(", "list_append(", "--", "/*", "*/", ";",
    "'", "\"", "`", "\n", "+", "-", "99999999999999999999", "[0]", "[-1]", "''", "\"\"",
};

std::string RandomText(std::mt19937& rng) {
  std::string s;
  size_t n = rng() % 60;
  for (size_t i = 0; i < n; ++i) {
    switch (rng() % 3) {
      case 0: s += static_cast<char>(rng() % 256); break;
      case 1: s += static_cast<char>(32 + rng() % 95); break;
      default: s += std::string(" ") + kVocabulary[rng() % (sizeof kVocabulary / sizeof *kVocabulary)];
    }
  }
  return s;
}

std::string Mutate(std::mt19937& rng) {
  std::string s = kSeeds[rng() % (sizeof kSeeds / sizeof *kSeeds)];
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t at = s.empty() ? 0 : rng() % (s.size() + 1);
    switch (rng() % 5) {
      case 0:  // delete a run
        if (!s.empty() && at < s.size()) s.erase(at, 1 + rng() % 8);
        break;
      case 1:  // insert a token
        s.insert(at, std::string(" ") + kVocabulary[rng() % (sizeof kVocabulary / sizeof *kVocabulary)] + " ");
        break;
      case 2:  // replace a byte
        if (at < s.size()) s[at] = static_cast<char>(rng() % 256);
        break;
      case 3: {  // duplicate a run
        if (at < s.size()) s.insert(at, s.substr(at, 1 + rng() % 12));
        break;
      }
      default:  // truncate
        s.resize(at);
    }
  }
  return s;
}

bool IsKnownMessage(const std::string& m) {
  static const char* const kPrefixes[] = {
      "Statement wasn't well formed, can't be processed: ", "Unsupported ", "Ion Literals",
      "Aliasing", "A path may", "Wildcard path", "Unpivot path", "Other attributes",
      "Only select", "RETURNING is not", "Expected '*'", "MISSING must", "Tuple keys",
      "Duplicate keys", "List index"};
  for (const char* p : kPrefixes) {
    if (m.rfind(p, 0) == 0) return true;
  }
  return false;
}

TEST_CASE("fuzz: 200,000 random and mutated statements through Parse and Lower") {
  std::mt19937 rng(20261207);
  json params = json::array();
  for (int i = 0; i < 64; ++i) params.push_back(i % 2 ? json{{"S", "p"}} : json{{"N", "1"}});
  KeyNames table{"pk", "sk"};
  KeyNames index{"g", ""};
  size_t parsed = 0, lowered = 0, bad = 0;
  std::string first_bad;
  for (int i = 0; i < 200000; ++i) {
    std::string text = i % 2 ? RandomText(rng) : Mutate(rng);
    auto r = Parse(text);
    if (r.index() == 1) {
      const std::string& m = std::get<1>(r);
      bool ok = IsKnownMessage(m);
      size_t at = m.rfind(" at line ");
      if (ok && m.rfind("Statement wasn't", 0) == 0 && at != std::string::npos) {
        unsigned line = 0, col = 0;
        ok = std::sscanf(m.c_str() + at, " at line %u, column %u", &line, &col) == 2 && line >= 1 &&
             col >= 1 && col <= text.size() + 1;
      }
      if (!ok && bad++ == 0) first_bad = text + " -> " + m;
      continue;
    }
    ++parsed;
    const Statement& st = std::get<0>(r);
    if (st.param_count > 64) continue;
    for (Mode mode : {Mode::kSingle, Mode::kBatch, Mode::kTransaction}) {
      auto l = Lower(st, params, table, st.index.empty() ? nullptr : &index, mode);
      if (l.index() == 0) {
        ++lowered;
      } else if (!std::get<1>(l).Is("ValidationException") && bad++ == 0) {
        first_bad = text + " -> " + std::get<1>(l).type;
      }
    }
  }
  INFO(first_bad);
  CHECK(bad == 0);
  CHECK(parsed > 4000);   // most mutations break the statement; these still get through
  CHECK(lowered > 3000);
  MESSAGE("parsed " << parsed << " of 200000, lowered " << lowered);
}

TEST_CASE("fuzz: 3,000 mutated statements through the engine") {
  testing::TestDb db;
  db.CreateTable("Tab", "pk", "S", "sk", "N");
  std::mt19937 rng(7);
  size_t ok = 0;
  for (int i = 0; i < 3000; ++i) {
    json request = {{"Statement", Mutate(rng)},
                    {"Parameters", json::array({{{"S", "a"}}, {{"N", "1"}}})}};
    json body = i % 3 == 0 ? json{{"TransactStatements", json::array({request})}} : request;
    // Mutations may break UTF-8: send what a client could (U+FFFD for bad bytes).
    json r = db.ExecRaw(i % 3 == 0 ? "ExecuteTransaction" : "ExecuteStatement",
                        body.dump(-1, ' ', false, json::error_handler_t::replace));
    std::string type = testing::ErrorType(r);
    REQUIRE_MESSAGE(type != "InternalServerError",
                    body.dump(-1, ' ', false, json::error_handler_t::replace) << " -> " << r.dump());
    if (type.empty()) ++ok;
  }
  CHECK(ok > 20);  // most mutations are refused; the point is how (never InternalServerError)
  CHECK(db.CheckText() == "OK");
}

}  // namespace
}  // namespace partiql
}  // namespace pd
