// Lexer and parser: token grammar, DynamoDB's precedence, the five
// expression kinds, syntax errors with DynamoDB's message and positions, and
// the expression limits.
#include "expr/parser.h"

#include <doctest/doctest.h>

#include <string>

#include "expr/lexer.h"
#include "expr/reserved_words.h"
#include "expr_test_util.h"

namespace pd {
namespace expr {
namespace {

using testing::Dump;

std::string Cond(const std::string& text, ExpressionKind kind = ExpressionKind::kCondition) {
  Result<Condition> r = ParseCondition(text, kind);
  if (!r.ok()) return "ERROR " + r.status().message();
  return Dump(*r);
}

std::string CondError(const std::string& text, ExpressionKind kind = ExpressionKind::kCondition,
                      uint32_t* offset = nullptr) {
  Result<Condition> r = ParseCondition(text, kind, offset);
  return r.ok() ? "parsed: " + Dump(*r) : r.status().message();
}

std::string Update(const std::string& text) {
  Result<UpdateExpression> r = ParseUpdate(text);
  if (!r.ok()) return "ERROR " + r.status().message();
  return Dump(*r);
}

std::string UpdateError(const std::string& text, uint32_t* offset = nullptr) {
  Result<UpdateExpression> r = ParseUpdate(text, offset);
  return r.ok() ? "parsed: " + Dump(*r) : r.status().message();
}

std::string Projection(const std::string& text, uint32_t* offset = nullptr) {
  Result<ProjectionExpression> r = ParseProjection(text, offset);
  if (!r.ok()) return "ERROR " + r.status().message();
  std::string out;
  for (const Path& p : r->paths) out += (out.empty() ? "" : ", ") + Dump(p);
  return out;
}

std::string Kinds(const std::string& text) {
  std::string out;
  for (const Token& t : Tokenize(text)) {
    if (!out.empty()) out += " ";
    switch (t.kind) {
      case TokenKind::kName:
        out += t.keyword == Keyword::kNone ? "name" : "kw";
        break;
      case TokenKind::kNamePlaceholder:
        out += "#";
        break;
      case TokenKind::kValuePlaceholder:
        out += ":";
        break;
      case TokenKind::kNumber:
        out += "num";
        break;
      case TokenKind::kInvalid:
        out += "bad";
        break;
      case TokenKind::kEof:
        out += "eof";
        break;
      default:
        out += std::string(t.Text(text));
        break;
    }
  }
  return out;
}

TEST_CASE("lexer: token kinds, offsets and keywords") {
  CHECK(Kinds("#n = :v AND size(a[2]) > :w") == "# = : kw name ( name [ num ] ) > : eof");
  CHECK(Kinds("a<>b<=c>=d<e>f") == "name <> name <= name >= name < name > name eof");
  CHECK(Kinds("x.y,z+w-v") == "name . name , name + name - name eof");
  CHECK(Kinds("and Or nOt BETWEEN in set Remove ADD delete") == "kw kw kw kw kw kw kw kw kw eof");
  CHECK(Kinds("android orange notice") == "name name name eof");
  CHECK(Kinds("_a1 1a") == "name num name eof");
  CHECK(Kinds("# : !") == "bad bad bad eof");
  CHECK(Kinds(" \t\r\n") == "eof");

  std::vector<Token> t = Tokenize("  ab  :cd");
  REQUIRE(t.size() == 3);
  CHECK(t[0].offset == 2);
  CHECK(t[0].length == 2);
  CHECK(t[1].offset == 6);
  CHECK(t[1].Text("  ab  :cd") == ":cd");
  CHECK(t[2].offset == 9);
  CHECK(t[2].Text("  ab  :cd") == "<EOF>");

  // A multi-byte UTF-8 character is one invalid token, never split.
  const std::string s = "a \xC3\xA9 b";
  t = Tokenize(s);
  REQUIRE(t.size() == 4);
  CHECK(t[1].kind == TokenKind::kInvalid);
  CHECK(t[1].Text(s) == "\xC3\xA9");
  CHECK(ClassifyKeyword("Between") == Keyword::kBetween);
  CHECK(ClassifyKeyword("betweens") == Keyword::kNone);
}

TEST_CASE("parser: precedence follows the developer guide") {
  // Comparisons bind tighter than NOT, NOT tighter than AND, AND than OR.
  CHECK(Cond("NOT a = :v AND b = :w OR c = :x") == "(OR (AND (NOT (= a :v)) (= b :w)) (= c :x))");
  CHECK(Cond("a = :v OR b = :w AND c = :x") == "(OR (= a :v) (AND (= b :w) (= c :x)))");
  CHECK(Cond("a = :v AND b = :w AND c = :x") == "(AND (AND (= a :v) (= b :w)) (= c :x))");
  CHECK(Cond("a = :v OR b = :w OR c = :x") == "(OR (OR (= a :v) (= b :w)) (= c :x))");
  // BETWEEN's AND belongs to BETWEEN; the next AND is logical.
  CHECK(Cond("a BETWEEN :x AND :y AND b IN (:p, :q)") == "(AND (BETWEEN a :x :y) (IN b :p :q))");
  CHECK(Cond("NOT NOT a < :v") == "(NOT (NOT (< a :v)))");
  CHECK(Cond("(a = :v OR b = :w) AND c = :x") == "(AND {(OR (= a :v) (= b :w))} (= c :x))");
  CHECK(Cond("NOT (a = :v OR b = :w)") == "(NOT {(OR (= a :v) (= b :w))})");
  // Keywords are case-insensitive.
  CHECK(Cond("a = :v and not b = :w or c between :x and :y") ==
        "(OR (AND (= a :v) (NOT (= b :w))) (BETWEEN c :x :y))");
}

TEST_CASE("parser: comparators, functions and operands") {
  CHECK(Cond("a <> :v") == "(<> a :v)");
  CHECK(Cond("a<=:v") == "(<= a :v)");
  CHECK(Cond(":v >= a") == "(>= :v a)");
  CHECK(Cond("a > b") == "(> a b)");
  CHECK(Cond("attribute_exists(a)") == "(CALL attribute_exists(a))");
  CHECK(Cond("begins_with(#n.b[3], :p)") == "(CALL begins_with(#n.b[3] :p))");
  CHECK(Cond("size(a) > :n") == "(> size(a) :n)");
  CHECK(Cond(":n < size(a.b)") == "(< :n size(a.b))");
  // Parentheses around an operand vs around a condition.
  CHECK(Cond("(size(a)) > :n") == "(> {size(a)} :n)");
  CHECK(Cond("(a) = :v") == "(= {a} :v)");
  CHECK(Cond("a = (:v)") == "(= a {:v})");
  CHECK(Cond("(attribute_exists(a))") == "{(CALL attribute_exists(a))}");
  CHECK(Cond("((a = :v))") == "{{(= a :v)}}");  // redundant: reported by Check
  CHECK(Cond("a IN (:a)") == "(IN a :a)");
  CHECK(Cond("contains(a, :v) AND attribute_type(b, :t)") ==
        "(AND (CALL contains(a :v)) (CALL attribute_type(b :t)))");
  // Unknown and misplaced functions parse; Check rejects them.
  CHECK(Cond("foo(a)") == "(CALL foo(a))");
  CHECK(Cond("size(a)") == "(CALL size(a))");
  CHECK(Cond("a = contains(b, :v)") == "(= a contains(b :v))");
  CHECK(Cond("a[0][1].b[22] = :v") == "(= a[0][1].b[22] :v)");
  CHECK(Cond("a . b [ 1 ] = :v") == "(= a.b[1] :v)");
  // Update keywords are plain names in conditions.
  CHECK(Cond("set = :v AND remove = :w") == "(AND (= set :v) (= remove :w))");
}

TEST_CASE("parser: node offsets") {
  Result<Condition> r = ParseCondition("a = :v AND  #b.c[2] < size(d)", ExpressionKind::kFilter);
  REQUIRE(r.ok());
  const Condition& right = r->children[1];
  CHECK(right.offset == 12);
  CHECK(right.operands[0].path.elements[0].offset == 12);
  CHECK(right.operands[0].path.elements[0].placeholder);
  CHECK(right.operands[0].path.elements[1].offset == 15);
  CHECK(right.operands[0].path.elements[2].offset == 16);
  CHECK(right.operands[0].path.elements[2].index == 2);
  CHECK(right.operands[1].offset == 22);
}

TEST_CASE("parser: syntax errors carry DynamoDB's token and near text") {
  uint32_t offset = 0;
  // Forms observed from DynamoDB: the near text runs from the token before
  // the offending one to the token after it.
  CHECK(CondError("a-b", ExpressionKind::kFilter, &offset) ==
        "Invalid FilterExpression: Syntax error; token: \"-\", near: \"a-b\"");
  CHECK(offset == 1);
  CHECK(CondError("a-b", ExpressionKind::kKeyCondition) ==
        "Invalid KeyConditionExpression: Syntax error; token: \"-\", near: \"a-b\"");
  CHECK(CondError("tenantAgent:abc123-", ExpressionKind::kFilter) ==
        "Invalid FilterExpression: Syntax error; token: \":abc123\", near: "
        "\"tenantAgent:abc123-\"");
  CHECK(CondError("attribute_type()", ExpressionKind::kKeyCondition, &offset) ==
        "Invalid KeyConditionExpression: Syntax error; token: \")\", near: \"()\"");
  CHECK(offset == 15);
  CHECK(Projection("!!!", &offset) ==
        "ERROR Invalid ProjectionExpression: Syntax error; token: \"!\", near: \"!!\"");
  CHECK(offset == 0);
  CHECK(Projection("a b") ==
        "ERROR Invalid ProjectionExpression: Syntax error; token: \"b\", near: \"a b\"");
  CHECK(Projection("a,", &offset) ==
        "ERROR Invalid ProjectionExpression: Syntax error; token: \"<EOF>\", near: \",\"");
  CHECK(offset == 2);
  CHECK(UpdateError("INVALID SYNTAX HERE", &offset) ==
        "Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\"");
  CHECK(offset == 0);
  CHECK(UpdateError("ADD hits : incr") ==
        "Invalid UpdateExpression: Syntax error; token: \":\", near: \"hits : incr\"");

  // More shapes.
  CHECK(CondError("a") ==
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\"");
  CHECK(CondError("a = ") ==
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"= \"");
  CHECK(CondError("a = :v = :w", ExpressionKind::kCondition, &offset) ==
        "Invalid ConditionExpression: Syntax error; token: \"=\", near: \":v = :w\"");
  CHECK(offset == 7);
  CHECK(CondError("a AND b = :v") ==
        "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"a AND b\"");
  CHECK(CondError("NOT a") ==
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"a\"");
  CHECK(CondError("a BETWEEN :x OR :y") ==
        "Invalid ConditionExpression: Syntax error; token: \"OR\", near: \":x OR :y\"");
  CHECK(CondError("a IN :x") ==
        "Invalid ConditionExpression: Syntax error; token: \":x\", near: \"IN :x\"");
  CHECK(CondError("a IN ()") ==
        "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\"");
  CHECK(CondError("(a = :v") ==
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \":v\"");
  CHECK(CondError("a = :v)") ==
        "Invalid ConditionExpression: Syntax error; token: \")\", near: \":v)\"");
  CHECK(CondError("and = :v") ==
        "Invalid ConditionExpression: Syntax error; token: \"and\", near: \"and =\"");
  CHECK(CondError("a.1 = :v") ==
        "Invalid ConditionExpression: Syntax error; token: \"1\", near: \".1 =\"");
  CHECK(CondError("a[x] = :v") ==
        "Invalid ConditionExpression: Syntax error; token: \"x\", near: \"[x]\"");
  CHECK(CondError("a[2147483648] = :v") ==
        "Invalid ConditionExpression: Syntax error; token: \"2147483648\", near: \"[2147483648]\"");
  CHECK(CondError("a = # ") ==
        "Invalid ConditionExpression: Syntax error; token: \"#\", near: \"= #\"");
  CHECK(CondError("a = \xC3\xA9") ==
        "Invalid ConditionExpression: Syntax error; token: \"\xC3\xA9\", near: \"= \xC3\xA9\"");
  CHECK(CondError("(a = :v) = :w") ==
        "Invalid ConditionExpression: Syntax error; token: \"=\", near: \") = :w\"");
  CHECK(CondError("a = (b = :v)") ==
        "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"b = :v\"");
}

TEST_CASE("parser: empty, oversized and over-complex expressions") {
  CHECK(CondError("") == "Invalid ConditionExpression: The expression can not be empty;");
  CHECK(CondError(" \n\t", ExpressionKind::kFilter) ==
        "Invalid FilterExpression: The expression can not be empty;");
  CHECK(UpdateError("") == "Invalid UpdateExpression: The expression can not be empty;");
  CHECK(Projection("  ") == "ERROR Invalid ProjectionExpression: The expression can not be empty;");

  // 4 KB: exactly 4096 bytes parse, 4097 do not.
  std::string ok = "a = :v";
  ok += std::string(4096 - ok.size(), ' ');
  CHECK(ParseCondition(ok, ExpressionKind::kCondition).ok());
  uint32_t offset = 0;
  CHECK(CondError(ok + " ", ExpressionKind::kCondition, &offset) ==
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; "
        "expression size: 4097");
  CHECK(offset == kNoOffset);

  // 300 operators pass, 301 fail (here: 151 comparisons + 150 ANDs).
  auto conjunction = [](int n) {
    std::string s = "a=:v";
    for (int i = 1; i < n; ++i) s += " AND a=:v";
    return s;
  };
  CHECK(ParseCondition("NOT (" + conjunction(150) + ")", ExpressionKind::kFilter).ok());  // 300
  CHECK(CondError(conjunction(150) + " AND attribute_exists(b)", ExpressionKind::kFilter) ==
        "Invalid FilterExpression: The expression contains too many operators; operator count: "
        "301");
  CHECK(CondError(conjunction(151), ExpressionKind::kFilter) ==
        "Invalid FilterExpression: The expression contains too many operators; operator count: "
        "301");
  CHECK(ParseCondition(conjunction(150), ExpressionKind::kFilter).ok());  // 299
  std::string update = "SET a = :v + :w";
  for (int i = 0; i < 299; ++i) update += ", a = :v + :w";
  CHECK(ParseUpdate(update).ok());  // 300 "+"
  CHECK(UpdateError(update + ", b = list_append(:x, :y)") ==
        "Invalid UpdateExpression: The expression contains too many operators; operator count: "
        "301");
}

TEST_CASE("parser: nesting depth is bounded, never a stack overflow") {
  auto nested = [](int depth) {
    return std::string(depth, '(') + "a = :v" + std::string(depth, ')');
  };
  CHECK(ParseCondition(nested(kMaxNestingDepth), ExpressionKind::kCondition).ok());
  uint32_t offset = 0;
  CHECK(CondError(nested(kMaxNestingDepth + 1), ExpressionKind::kCondition, &offset) ==
        "Invalid ConditionExpression: The expression is nested too deeply; maximum nesting "
        "depth: 256");
  CHECK(offset == kMaxNestingDepth + 1);
  // 2048 unbalanced parentheses (the most 4 KB can hold) and 1000 NOTs.
  CHECK(!ParseCondition(std::string(4096, '('), ExpressionKind::kCondition).ok());
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "NOT ";
  CHECK(!ParseCondition(nots + "a = :v", ExpressionKind::kCondition).ok());
  std::string calls;
  for (int i = 0; i < 600; ++i) calls += "f(";
  CHECK(!ParseCondition(calls, ExpressionKind::kCondition).ok());
  std::string terms = "SET a = ";
  for (int i = 0; i < 300; ++i) terms += "list_append(";
  CHECK(!ParseUpdate(terms).ok());
}

TEST_CASE("parser: update expressions") {
  CHECK(Update("SET a = :v") == "SET a :v");
  CHECK(Update("set a = :v, b.c[1] = d") == "SET a :v; SET b.c[1] d");
  CHECK(Update("SET a = :x + :y") == "SET a +(:x :y)");
  CHECK(Update("SET a = a - :y") == "SET a -(a :y)");
  CHECK(Update("SET a = (:x + :y)") == "SET a {+(:x :y)}");
  CHECK(Update("SET a = (:x) + (:y)") == "SET a +({:x} {:y})");
  CHECK(Update("SET a = ((:x))") == "SET a {{:x}}");
  CHECK(Update("SET a = list_append(if_not_exists(l, :e), :v)") ==
        "SET a list_append(if_not_exists(l :e) :v)");
  CHECK(Update("SET a = if_not_exists(a, :z) + :one") == "SET a +(if_not_exists(a :z) :one)");
  CHECK(Update("REMOVE a, b[1], #c.d") == "REMOVE a; REMOVE b[1]; REMOVE #c.d");
  CHECK(Update("ADD n :one, s :set DELETE t :gone") == "ADD n :one; ADD s :set; DELETE t :gone");
  CHECK(Update("SET a = :v REMOVE b ADD c :w DELETE d :x") ==
        "SET a :v; REMOVE b; ADD c :w; DELETE d :x");
  CHECK(Update("REMOVE b SET a = :v") == "REMOVE b; SET a :v");
  // Condition keywords are plain names in update expressions.
  CHECK(Update("SET and = or") == "SET and or");

  Result<UpdateExpression> u = ParseUpdate("SET a = :v SET b = :w");
  REQUIRE(u.ok());  // duplicate sections are a Check error, not a syntax error
  REQUIRE(u->sections.size() == 2);
  CHECK(u->sections[1].offset == 11);

  CHECK(UpdateError("SET a = :x + :y + :z") ==
        "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":y + :z\"");
  CHECK(UpdateError("SET a = (:x + :y) + :z") ==
        "Invalid UpdateExpression: Syntax error; token: \"+\", near: \") + :z\"");
  CHECK(UpdateError("SET a :v") ==
        "Invalid UpdateExpression: Syntax error; token: \":v\", near: \"a :v\"");
  CHECK(UpdateError("SET add = :v") ==
        "Invalid UpdateExpression: Syntax error; token: \"add\", near: \"SET add =\"");
  CHECK(UpdateError("ADD a b") ==
        "Invalid UpdateExpression: Syntax error; token: \"b\", near: \"a b\"");
  CHECK(UpdateError("REMOVE a = :v") ==
        "Invalid UpdateExpression: Syntax error; token: \"=\", near: \"a = :v\"");
  CHECK(UpdateError("SET a = :v,") ==
        "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \",\"");
  CHECK(UpdateError("SET") ==
        "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"SET\"");
  CHECK(UpdateError("SET a = ((:x + :y))") ==
        "Invalid UpdateExpression: Syntax error; token: \"+\", near: \":x + :y\"");
}

TEST_CASE("parser: projection expressions") {
  CHECK(Projection("a") == "a");
  CHECK(Projection("a, b.c, d[0], #e[1].f") == "a, b.c, d[0], #e[1].f");
  // No keywords in projections: reserved words are reported by Check.
  CHECK(Projection("and, set") == "and, set");
  CHECK(Projection("a,,b") ==
        "ERROR Invalid ProjectionExpression: Syntax error; token: \",\", near: \",,b\"");
  CHECK(Projection(":v") ==
        "ERROR Invalid ProjectionExpression: Syntax error; token: \":v\", near: \":v\"");
  CHECK(Projection("size(a)") ==
        "ERROR Invalid ProjectionExpression: Syntax error; token: \"(\", near: \"size(a\"");
}

TEST_CASE("reserved words: the developer guide's 573, any case") {
  CHECK(ReservedWordCount() == 573);
  CHECK(IsReservedWord("ABORT"));
  CHECK(IsReservedWord("zone"));
  CHECK(IsReservedWord("Status"));
  CHECK(IsReservedWord("localtimestamp"));
  CHECK(IsReservedWord("name"));
  CHECK(IsReservedWord("SIZE"));
  CHECK(!IsReservedWord("names_"));
  CHECK(!IsReservedWord("abortx"));
  CHECK(!IsReservedWord(""));
  CHECK(!IsReservedWord("localtimestamps"));
  CHECK(!IsReservedWord("pk"));
}

}  // namespace
}  // namespace expr
}  // namespace pd
