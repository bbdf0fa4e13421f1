// The semantic pass: every error with DynamoDB's message, the order in which
// DynamoDB reports them when several apply, placeholder substitution and
// usage, the unused-placeholder check, and key conditions.
#include "expr/check.h"

#include <doctest/doctest.h>

#include <string>

#include "expr/parser.h"
#include "expr_test_util.h"

namespace pd {
namespace expr {
namespace {

using testing::Dump;
using testing::ItemOf;

// Names/values of one request, as the API layer would build them.
struct Env {
  NameMap names;
  ValueMap values;
  PlaceholderUse use;
  CheckContext ctx() { return CheckContext{&names, &values, &use}; }
};

Env MakeEnv(const std::string& names_json = "{}", const std::string& values_json = "{}") {
  Env env;
  const nlohmann::json names = nlohmann::json::parse(names_json);
  for (auto it = names.begin(); it != names.end(); ++it)
    env.names[it.key()] = it->get<std::string>();
  env.values = ItemOf(values_json);
  return env;
}

// "OK" or the error message.
std::string CheckCond(const std::string& text, Env env,
                      ExpressionKind kind = ExpressionKind::kCondition,
                      uint32_t* offset = nullptr) {
  Result<Condition> c = ParseCondition(text, kind);
  if (!c.ok()) return "parse: " + c.status().message();
  Status s = CheckCondition(&*c, kind, env.ctx(), offset);
  return s.ok() ? "OK" : s.message();
}

std::string CheckUpd(const std::string& text, Env env, uint32_t* offset = nullptr) {
  Result<UpdateExpression> u = ParseUpdate(text);
  if (!u.ok()) return "parse: " + u.status().message();
  Status s = CheckUpdate(&*u, env.ctx(), offset);
  return s.ok() ? "OK" : s.message();
}

std::string CheckProj(const std::string& text, Env env) {
  Result<ProjectionExpression> p = ParseProjection(text);
  if (!p.ok()) return "parse: " + p.status().message();
  Status s = CheckProjection(&*p, env.ctx());
  return s.ok() ? "OK" : s.message();
}

const char kCE[] = "Invalid ConditionExpression: ";
const char kUE[] = "Invalid UpdateExpression: ";

std::string CE(const std::string& m) { return kCE + m; }
std::string UE(const std::string& m) { return kUE + m; }

const std::string kCheckValues = R"({":v": {"S": "x"}, ":w": {"S": "y"}, ":n": {"N": "5"},
  ":one": {"N": "1"}, ":s": {"S": "a"}, ":b": {"B": "AQI="}, ":bool": {"BOOL": true},
  ":l": {"L": [{"S": "e"}]}, ":ss": {"SS": ["a", "b"]}, ":ns": {"NS": ["1"]},
  ":m": {"M": {}}, ":null": {"NULL": true}, ":t": {"S": "XX"}, ":tn": {"S": "N"}})";

TEST_CASE("check: condition errors, one at a time") {
  const Env env = MakeEnv(R"({"#a": "a", "#st": "status"})", kCheckValues);
  CHECK(CheckCond("a = :v AND #st = :w", env) == "OK");
  CHECK(CheckCond("status = :v", env) ==
        CE("Attribute name is a reserved keyword; reserved keyword: status"));
  CHECK(CheckCond("a.Size[1].b = :v", env) ==
        CE("Attribute name is a reserved keyword; reserved keyword: Size"));
  CHECK(CheckCond("#x = :v", env) ==
        CE("An expression attribute name used in the document path is not defined; "
           "attribute name: #x"));
  CHECK(CheckCond("a = :zz", env) ==
        CE("An expression attribute value used in expression is not defined; "
           "attribute value: :zz"));
  CHECK(CheckCond("foo(a)", env) == CE("Invalid function name; function: foo"));
  CHECK(CheckCond("if_not_exists(a, :v) = :w", env) ==
        CE("Invalid function name; function: if_not_exists"));
  CHECK(CheckCond("Size(a) > :n", env) == CE("Invalid function name; function: Size"));
  CHECK(CheckCond("size(a)", env) ==
        CE("The function is not allowed to be used this way in an expression; function: size"));
  CHECK(CheckCond("a = :v AND NOT size(a)", env) ==
        CE("The function is not allowed to be used this way in an expression; function: size"));
  CHECK(CheckCond("a = attribute_exists(b)", env) ==
        CE("The function is not allowed to be used this way in an expression; function: "
           "attribute_exists"));
  CHECK(CheckCond("a IN (:v, contains(b, :w))", env) ==
        CE("The function is not allowed to be used this way in an expression; function: "
           "contains"));
  CHECK(CheckCond("attribute_exists(begins_with(a, :v))", env) ==
        CE("The function is not allowed to be used this way in an expression; function: "
           "begins_with"));
  CHECK(CheckCond("attribute_exists(a, b)", env) ==
        CE("Incorrect number of operands for operator or function; operator or function: "
           "attribute_exists, number of operands: 2"));
  CHECK(CheckCond("begins_with(a)", env) ==
        CE("Incorrect number of operands for operator or function; operator or function: "
           "begins_with, number of operands: 1"));
  CHECK(CheckCond("size(a, b) > :n", env) ==
        CE("Incorrect number of operands for operator or function; operator or function: "
           "size, number of operands: 2"));
  CHECK(CheckCond("a = a", env) ==
        CE("The first operand must be distinct from the remaining operands for this operator "
           "or function; operator: =, first operand: [a]"));
  CHECK(CheckCond("#a.b[1] <> a.b[1]", env) ==
        CE("The first operand must be distinct from the remaining operands for this operator "
           "or function; operator: <>, first operand: [a, b, [1]]"));
  CHECK(CheckCond("contains(a.b, a.b)", env) ==
        CE("The first operand must be distinct from the remaining operands for this operator "
           "or function; operator: contains, first operand: [a, b]"));
  CHECK(CheckCond("a IN (:v, b, a)", env) ==
        CE("The first operand must be distinct from the remaining operands for this operator "
           "or function; operator: IN, first operand: [a]"));
  CHECK(CheckCond("a = b AND a.b = a.c AND a[0] = a[1]", env) == "OK");
  CHECK(CheckCond("attribute_exists(:v)", env) ==
        CE("Operator or function requires a document path; operator or function: "
           "attribute_exists"));
  CHECK(CheckCond("attribute_not_exists(size(a))", env) ==
        CE("Operator or function requires a document path; operator or function: "
           "attribute_not_exists"));
  CHECK(CheckCond("attribute_type(:v, :tn)", env) ==
        CE("Operator or function requires a document path; operator or function: "
           "attribute_type"));
  CHECK(CheckCond("begins_with(a, :n)", env) ==
        CE("Incorrect operand type for operator or function; operator or function: "
           "begins_with, operand type: N"));
  CHECK(CheckCond("begins_with(:bool, a)", env) ==
        CE("Incorrect operand type for operator or function; operator or function: "
           "begins_with, operand type: BOOL"));
  CHECK(CheckCond("begins_with(a, :b) AND begins_with(a, :s)", env) == "OK");
  CHECK(CheckCond("attribute_type(a, :t)", env) ==
        CE("Invalid attribute type name found; type: XX, valid types: "
           "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"));
  CHECK(CheckCond("attribute_type(a, :n)", env) ==
        CE("Incorrect operand type for operator or function; operator or function: "
           "attribute_type, operand type: N"));
  CHECK(CheckCond("attribute_type(a, b)", env) ==
        CE("Incorrect operand type for operator or function; operator or function: "
           "attribute_type, operand type: {NS,SS,L,BS,N,M,B,BOOL,NULL,S}"));
  CHECK(CheckCond("attribute_type(a, :tn)", env) == "OK");
  CHECK(CheckCond("size(:n) > :n", env) ==
        CE("Incorrect operand type for operator or function; operator or function: size, "
           "operand type: N"));
  CHECK(CheckCond("size(:null) > :n", env) ==
        CE("Incorrect operand type for operator or function; operator or function: size, "
           "operand type: NULL"));
  CHECK(CheckCond("size(size(a)) > :n", env) ==
        CE("Incorrect operand type for operator or function; operator or function: size, "
           "operand type: N"));
  CHECK(CheckCond("size(:s) > :n AND size(:l) > :n AND size(:ss) = :n", env) == "OK");
  CHECK(CheckCond("((a = :v))", env) == CE("The expression has redundant parentheses;"));
  CHECK(CheckCond("((a)) = :v", env) == CE("The expression has redundant parentheses;"));
  CHECK(CheckCond("a = :v AND ((attribute_exists(b)))", env) ==
        CE("The expression has redundant parentheses;"));
  CHECK(CheckCond("(a = :v) AND ((b = :w) OR (c = :v))", env) == "OK");
}

TEST_CASE("check: BETWEEN bounds are checked when both are values") {
  const Env env = MakeEnv("{}", R"({":n1": {"N": "1"}, ":n5": {"N": "5.50"}, ":s": {"S": "abc"},
      ":s2": {"S": "abd"}, ":b1": {"B": "AQ=="}, ":b0": {"B": "AA=="}, ":t": {"BOOL": true}})");
  CHECK(CheckCond("a BETWEEN :n1 AND :n5", env) == "OK");
  CHECK(CheckCond("a BETWEEN :n1 AND :n1", env) == "OK");
  CHECK(CheckCond("a BETWEEN :s AND :s2", env) == "OK");
  CHECK(CheckCond("a BETWEEN :n5 AND :n1", env) ==
        CE("The BETWEEN operator requires upper bound to be greater than or equal to lower "
           "bound; lower bound operand: AttributeValue: {N:5.5}, upper bound operand: "
           "AttributeValue: {N:1}"));
  CHECK(CheckCond("a BETWEEN :s2 AND :s", env) ==
        CE("The BETWEEN operator requires upper bound to be greater than or equal to lower "
           "bound; lower bound operand: AttributeValue: {S:abd}, upper bound operand: "
           "AttributeValue: {S:abc}"));
  CHECK(CheckCond("a BETWEEN :b1 AND :b0", env) ==
        CE("The BETWEEN operator requires upper bound to be greater than or equal to lower "
           "bound; lower bound operand: AttributeValue: {B:AQ==}, upper bound operand: "
           "AttributeValue: {B:AA==}"));
  CHECK(CheckCond("a BETWEEN :n1 AND :s", env) ==
        CE("The BETWEEN operator requires same data type for lower and upper bounds; lower "
           "bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:abc}"));
  // A bound that is not S, N or B is an operand type error, found first.
  CHECK(CheckCond("a BETWEEN :s AND :t", env) ==
        CE("Incorrect operand type for operator or function; operator or function: BETWEEN, "
           "operand type: BOOL"));
  // A bound from the item is only known per item.
  CHECK(CheckCond("a BETWEEN b AND :n1", env) == "OK");
  CHECK(CheckCond("a BETWEEN a AND :n1", env) ==
        CE("The first operand must be distinct from the remaining operands for this operator "
           "or function; operator: BETWEEN, first operand: [a]"));
}

TEST_CASE("check: <, <=, >, >= and BETWEEN reject operands of a type that has no order") {
  const Env env = MakeEnv("{}", kCheckValues);
  struct Case {
    const char* text;  // condition
    const char* op;    // operator DynamoDB names
    const char* type;  // operand type DynamoDB names
  };
  const Case cases[] = {
      {"a < :bool", "<", "BOOL"},
      {"a <= :null", "<=", "NULL"},
      {":ss > a", ">", "SS"},
      {"a >= :ns", ">=", "NS"},
      {"a < :l", "<", "L"},
      {"a > :m", ">", "M"},
      {"a BETWEEN :bool AND :n", "BETWEEN", "BOOL"},
      {"a BETWEEN :n AND :m", "BETWEEN", "M"},
      {":l BETWEEN a AND b", "BETWEEN", "L"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(CheckCond(c.text, env) ==
          CE(std::string("Incorrect operand type for operator or function; operator or "
                         "function: ") +
             c.op + ", operand type: " + c.type));
  }
  // The same in a FilterExpression, with its prefix.
  CHECK(CheckCond("a < :bool", env, ExpressionKind::kFilter) ==
        "Invalid FilterExpression: Incorrect operand type for operator or function; operator or "
        "function: <, operand type: BOOL");
  // S, N, B, size() and paths are orderable or known only per item; = and <>
  // take any type.
  CHECK(CheckCond("a < :s AND a <= :n AND a > :b AND size(a) >= :one AND a < b", env) == "OK");
  CHECK(CheckCond("a = :bool AND a <> :m AND a = :ss AND a <> :null", env) == "OK");
  // An undefined value is reported before the operand type.
  CHECK(CheckCond("a < :nope AND b < :bool", env) ==
        CE("An expression attribute value used in expression is not defined; attribute value: "
           ":nope"));
}

TEST_CASE("check: IN takes at most 100 values") {
  Env env = MakeEnv("{}", R"({":v": {"S": "x"}})");
  std::string in = "a IN (:v";
  for (int i = 1; i < 100; ++i) in += ", :v";
  CHECK(CheckCond(in + ")", env, ExpressionKind::kFilter) == "OK");
  CHECK(CheckCond(in + ", :v)", env, ExpressionKind::kFilter) ==
        "Invalid FilterExpression: The IN operator is provided with too many operands; number "
        "of operands: 101");
}

TEST_CASE("check: condition errors come in DynamoDB's order") {
  const Env env = MakeEnv(R"({"#a": "a"})", kCheckValues);
  // redundant parentheses before everything else
  CHECK(CheckCond("((foo(status)))", env) == CE("The expression has redundant parentheses;"));
  // unknown function before misused function (even when later in the text)
  CHECK(CheckCond("size(a) AND foo(b)", env) == CE("Invalid function name; function: foo"));
  // misused function before reserved word
  CHECK(CheckCond("status = :v AND size(a)", env) ==
        CE("The function is not allowed to be used this way in an expression; function: size"));
  // reserved word before undefined placeholders
  CHECK(CheckCond("#x = :zz AND status = :v", env) ==
        CE("Attribute name is a reserved keyword; reserved keyword: status"));
  // the first leaf condition with an error wins ...
  CHECK(CheckCond("attribute_exists(:v) AND #x = :v", env) ==
        CE("Operator or function requires a document path; operator or function: "
           "attribute_exists"));
  CHECK(CheckCond("#x = :v AND attribute_exists(:v)", env) ==
        CE("An expression attribute name used in the document path is not defined; "
           "attribute name: #x"));
  // ... and inside a leaf: undefined, then operand count, distinct, types.
  CHECK(CheckCond("begins_with(#x)", env) ==
        CE("An expression attribute name used in the document path is not defined; "
           "attribute name: #x"));
  CHECK(CheckCond("size(a, b) = size(c)", env) ==
        CE("Incorrect number of operands for operator or function; operator or function: "
           "size, number of operands: 2"));
  CHECK(CheckCond("attribute_type(a, a)", env) ==
        CE("The first operand must be distinct from the remaining operands for this operator "
           "or function; operator: attribute_type, first operand: [a]"));
  CHECK(CheckCond("size(:n) = size(:n)", env) ==
        CE("Incorrect operand type for operator or function; operator or function: size, "
           "operand type: N"));
  // a value and a name share the "undefined" slot: the first one in the text
  CHECK(CheckCond("a = :zz AND #x = :v", env) ==
        CE("An expression attribute value used in expression is not defined; attribute value: "
           ":zz"));
  // offsets point at the offending place
  uint32_t offset = 0;
  CHECK(CheckCond("a = :v AND status = :w", env, ExpressionKind::kCondition, &offset) ==
        CE("Attribute name is a reserved keyword; reserved keyword: status"));
  CHECK(offset == 11);
  CHECK(CheckCond("a = :v OR b = :nope", env, ExpressionKind::kCondition, &offset) != "OK");
  CHECK(offset == 14);
}

TEST_CASE("check: placeholders are substituted and their use recorded") {
  Env env = MakeEnv(R"({"#a": "status", "#b": "x.y", "#unused": "u"})",
                    R"({":v": {"S": "x"}, ":unused": {"N": "1"}})");
  Result<Condition> c = ParseCondition("#a.#b = :v OR size(#a) > :v", ExpressionKind::kFilter);
  REQUIRE(c.ok());
  REQUIRE(CheckCondition(&*c, ExpressionKind::kFilter, env.ctx()).ok());
  CHECK(Dump(*c) == "(OR (= status.x.y :v) (> size(status) :v))");
  const Operand& path = c->children[0].operands[0];
  CHECK(path.path.elements[0].placeholder);
  CHECK(path.path.elements[0].name == "status");
  CHECK(path.path.elements[1].name == "x.y");  // a name, not a nested path
  const Operand& value = c->children[0].operands[1];
  REQUIRE(value.value != nullptr);
  CHECK(value.value == env.values.Find(":v"));
  CHECK(c->children[1].operands[0].function == Function::kSize);
  CHECK(env.use.names == std::set<std::string>{"#a", "#b"});
  CHECK(env.use.values == std::set<std::string>{":v"});

  CHECK(CheckUnusedPlaceholders(&env.names, &env.values, env.use).message() ==
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}");
  env.use.names.insert("#unused");
  CHECK(CheckUnusedPlaceholders(&env.names, &env.values, env.use).message() ==
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
  env.use.values.insert(":unused");
  CHECK(CheckUnusedPlaceholders(&env.names, &env.values, env.use).ok());
  CHECK(CheckUnusedPlaceholders(nullptr, nullptr, PlaceholderUse{}).ok());

  // Several expressions of one request accumulate into one PlaceholderUse.
  Env multi = MakeEnv(R"({"#p": "p", "#q": "q", "#r": "r"})", R"({":x": {"S": "x"}})");
  REQUIRE(ParseAndCheckCondition("#p = :x", ExpressionKind::kCondition, multi.ctx()).ok());
  REQUIRE(ParseAndCheckProjection("#q", multi.ctx()).ok());
  CHECK(CheckUnusedPlaceholders(&multi.names, &multi.values, multi.use).message() ==
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#r}");
  multi.names.erase("#r");
  multi.names["#a2"] = "a";
  multi.names["#a1"] = "a";
  CHECK(CheckUnusedPlaceholders(&multi.names, &multi.values, multi.use).message() ==
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a1, #a2}");

  // No maps at all: every placeholder is undefined.
  PlaceholderUse use;
  Result<Condition> bare = ParseAndCheckCondition("a = :v", ExpressionKind::kCondition,
                                                  CheckContext{nullptr, nullptr, &use});
  CHECK(bare.status().message() ==
        CE("An expression attribute value used in expression is not defined; attribute value: "
           ":v"));
  CHECK(use.values.count(":v") == 1);
}

TEST_CASE("check: update expression errors and their order") {
  const Env env = MakeEnv(R"({"#a": "a", "#st": "status"})", kCheckValues);
  CHECK(CheckUpd("SET #st = :v, a.b = if_not_exists(a.c, :n) + :one REMOVE c ADD d :ns "
                 "DELETE e :ss",
                 env) == "OK");
  CHECK(CheckUpd("SET status = :v", env) ==
        UE("Attribute name is a reserved keyword; reserved keyword: status"));
  CHECK(CheckUpd("SET a = b.Name", env) ==
        UE("Attribute name is a reserved keyword; reserved keyword: Name"));
  CHECK(CheckUpd("SET a = size(b)", env) == UE("Invalid function name; function: size"));
  CHECK(CheckUpd("SET a = :v REMOVE b SET c = :w", env) ==
        UE("The \"SET\" section can only be used once in an update expression;"));
  CHECK(CheckUpd("ADD a :n REMOVE b ADD c :n", env) ==
        UE("The \"ADD\" section can only be used once in an update expression;"));
  CHECK(CheckUpd("SET #x = :v", env) ==
        UE("An expression attribute name used in the document path is not defined; "
           "attribute name: #x"));
  CHECK(CheckUpd("DELETE a :zz", env) ==
        UE("An expression attribute value used in expression is not defined; attribute value: "
           ":zz"));
  CHECK(CheckUpd("SET a = :v, a.b = :w", env) ==
        UE("Two document paths overlap with each other; must remove or rewrite one of these "
           "paths; path one: [a], path two: [a, b]"));
  CHECK(CheckUpd("SET a.b = :v REMOVE #a", env) ==
        UE("Two document paths overlap with each other; must remove or rewrite one of these "
           "paths; path one: [a, b], path two: [a]"));
  CHECK(CheckUpd("REMOVE a[1], a[1]", env) ==
        UE("Two document paths overlap with each other; must remove or rewrite one of these "
           "paths; path one: [a, [1]], path two: [a, [1]]"));
  CHECK(CheckUpd("SET a[0] = :v, a.b = :w", env) ==
        UE("Two document paths conflict with each other; must remove or rewrite one of these "
           "paths; path one: [a, [0]], path two: [a, b]"));
  CHECK(CheckUpd("SET a[0] = :v, a[1] = :w, ab = :v, b.a = :v", env) == "OK");
  CHECK(CheckUpd("ADD a :s", env) ==
        UE("Incorrect operand type for operator or function; operator: ADD, operand type: "
           "STRING"));
  CHECK(CheckUpd("ADD a :l", env) ==
        UE("Incorrect operand type for operator or function; operator: ADD, operand type: "
           "LIST"));
  CHECK(CheckUpd("DELETE a :n", env) ==
        UE("Incorrect operand type for operator or function; operator: DELETE, operand type: "
           "NUMBER"));
  CHECK(CheckUpd("DELETE a :m", env) ==
        UE("Incorrect operand type for operator or function; operator: DELETE, operand type: "
           "MAP"));
  CHECK(CheckUpd("ADD a :n, b :ss, c :ns DELETE d :ss", env) == "OK");
  CHECK(CheckUpd("SET a = list_append(:l)", env) ==
        UE("Incorrect number of operands for operator or function; operator or function: "
           "list_append, number of operands: 1"));
  CHECK(CheckUpd("SET a = if_not_exists(:v, b)", env) ==
        UE("Operator or function requires a document path; operator or function: "
           "if_not_exists"));
  CHECK(CheckUpd("SET a = list_append(:l, :s)", env) ==
        UE("Incorrect operand type for operator or function; operator or function: "
           "list_append, operand type: S"));
  CHECK(CheckUpd("SET a = :n - :bool", env) ==
        UE("Incorrect operand type for operator or function; operator or function: -, "
           "operand type: BOOL"));
  CHECK(CheckUpd("SET a = b + if_not_exists(c, :n)", env) == "OK");

  // Order: reserved, unknown function, section, name, value, overlap,
  // conflict, ADD/DELETE operand, function operands.
  CHECK(CheckUpd("SET a = foo(b), status = :v", env) ==
        UE("Attribute name is a reserved keyword; reserved keyword: status"));
  CHECK(CheckUpd("SET a = :v SET b = foo(c)", env) == UE("Invalid function name; function: foo"));
  CHECK(CheckUpd("SET #x = :zz SET b = :v", env) ==
        UE("The \"SET\" section can only be used once in an update expression;"));
  CHECK(CheckUpd("SET a = :zz, #x = :v", env) ==
        UE("An expression attribute name used in the document path is not defined; "
           "attribute name: #x"));
  CHECK(CheckUpd("SET a = :v, a = :zz", env) ==
        UE("An expression attribute value used in expression is not defined; attribute value: "
           ":zz"));
  CHECK(CheckUpd("SET a[0] = :v, a.b = :w, a[0] = :v", env) ==
        UE("Two document paths overlap with each other; must remove or rewrite one of these "
           "paths; path one: [a, [0]], path two: [a, [0]]"));
  CHECK(CheckUpd("SET a = list_append(:s, :l) ADD a.b :s, c[0] :v REMOVE c.d", env) ==
        UE("Two document paths overlap with each other; must remove or rewrite one of these "
           "paths; path one: [a], path two: [a, b]"));
  CHECK(CheckUpd("SET a = list_append(:s, :l) ADD b :s", env) ==
        UE("Incorrect operand type for operator or function; operator: ADD, operand type: "
           "STRING"));
  uint32_t offset = 0;
  CHECK(CheckUpd("SET a = :v REMOVE b SET c = :w", env, &offset) != "OK");
  CHECK(offset == 20);
}

TEST_CASE("check: projection expression errors and their order") {
  const Env env = MakeEnv(R"({"#a": "a", "#n": "name"})", "{}");
  CHECK(CheckProj("#a, b.c[1], #n, d", env) == "OK");
  CHECK(CheckProj("Name", env) ==
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: "
        "Name");
  CHECK(CheckProj("a, #x", env) ==
        "Invalid ProjectionExpression: An expression attribute name used in the document path "
        "is not defined; attribute name: #x");
  CHECK(CheckProj("a, b, #a.c", env) ==
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
        "or rewrite one of these paths; path one: [a], path two: [a, c]");
  CHECK(CheckProj("#a, a", env) ==
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove "
        "or rewrite one of these paths; path one: [a], path two: [a]");
  CHECK(CheckProj("a[0], a.b", env) ==
        "Invalid ProjectionExpression: Two document paths conflict with each other; must remove "
        "or rewrite one of these paths; path one: [a, [0]], path two: [a, b]");
  CHECK(CheckProj("#x, date", env) ==
        "Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: "
        "date");
  CHECK(CheckProj("a[0], a.b, #x", env) ==
        "Invalid ProjectionExpression: An expression attribute name used in the document path "
        "is not defined; attribute name: #x");
}

// ---- key conditions ---------------------------------------------------------

std::string Key(const std::string& text, const std::string& names = "{}") {
  Env env = MakeEnv(names, R"({":v": {"S": "x"}, ":w": {"S": "y"}, ":n": {"N": "1"},
                               ":n2": {"N": "2"}, ":t": {"BOOL": true}})");
  Result<Condition> c = ParseAndCheckCondition(text, ExpressionKind::kKeyCondition, env.ctx());
  if (!c.ok()) return "check: " + c.status().message();
  Result<KeyCondition> k = ExtractKeyCondition(*c);
  if (!k.ok()) return k.status().message();
  static const char* kOps[] = {"=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"};
  std::string out;
  for (const KeyCondition::Part& p : k->parts) {
    if (!out.empty()) out += "; ";
    out += p.attribute + " " + kOps[static_cast<int>(p.op)] + " " +
           nlohmann::json(p.value->bytes()).dump();
    if (p.upper != nullptr) out += " " + nlohmann::json(p.upper->bytes()).dump();
  }
  return out;
}

TEST_CASE("key conditions: Query shapes") {
  CHECK(Key("pk = :v") == "pk = \"x\"");
  CHECK(Key("pk = :v AND sk < :w") == "pk = \"x\"; sk < \"y\"");
  CHECK(Key(":w < sk AND pk = :v") == "sk > \"y\"; pk = \"x\"");
  CHECK(Key(":w >= sk AND :v = pk") == "sk <= \"y\"; pk = \"x\"");
  CHECK(Key("#p = :v AND sk BETWEEN :v AND :w", R"({"#p": "pk"})") ==
        "pk = \"x\"; sk BETWEEN \"x\" \"y\"");
  CHECK(Key("pk = :v AND begins_with(sk, :w)") == "pk = \"x\"; sk begins_with \"y\"");
  CHECK(Key("(pk = :v) AND (sk >= :w)") == "pk = \"x\"; sk >= \"y\"");
}

TEST_CASE("key conditions: what Query cannot use") {
  CHECK(Key("pk = :v OR sk = :w") == "Invalid operator used in KeyConditionExpression: OR");
  CHECK(Key("NOT pk = :v") == "Invalid operator used in KeyConditionExpression: NOT");
  CHECK(Key("pk IN (:v, :w)") == "Invalid operator used in KeyConditionExpression: IN");
  CHECK(Key("pk <> :v") == "Invalid operator used in KeyConditionExpression: <>");
  CHECK(Key("pk = :v AND attribute_exists(sk)") ==
        "Invalid operator used in KeyConditionExpression: attribute_exists");
  CHECK(Key("pk = :v AND contains(sk, :w)") ==
        "Invalid operator used in KeyConditionExpression: contains");
  CHECK(Key("pk = :v AND size(sk) > :n") ==
        "KeyConditionExpressions cannot contain nested operations");
  CHECK(Key("pk = :v AND :n BETWEEN sk AND :n2") ==
        "Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
        "attribute as its first operand");
  CHECK(Key("pk = :v AND begins_with(:v, sk)") ==
        "Invalid condition in KeyConditionExpression: begins_with operator must have the key "
        "attribute as its first operand");
  CHECK(Key("pk = sk") ==
        "Invalid condition in KeyConditionExpression: Multiple attribute names used in one "
        "condition");
  CHECK(Key("pk.a = :v") == "KeyConditionExpressions cannot have conditions on nested attributes");
  CHECK(Key("pk[0] = :v") == "KeyConditionExpressions cannot have conditions on nested attributes");
  CHECK(Key(":v = :w") ==
        "Invalid condition in KeyConditionExpression: No key attribute specified");
  CHECK(Key("pk = :v AND pk = :w") ==
        "KeyConditionExpressions must only contain one condition per key");
  CHECK(Key("#a = :v AND pk > :w", R"({"#a": "pk"})") ==
        "KeyConditionExpressions must only contain one condition per key");
  CHECK(Key("pk = :v AND sk = :w AND xtra = :n") == "Conditions can be of length 1 or 2 only");
  CHECK(Key("pk = :v AND sk < :t") ==
        "One or more parameter values were invalid: ComparisonOperator LT is not valid for BOOL "
        "AttributeValue type");
  CHECK(Key("pk = :t") ==
        "One or more parameter values were invalid: ComparisonOperator EQ is not "
        "valid for BOOL AttributeValue type");
  // Errors found by Check come first, with the expression's prefix.
  CHECK(Key("pk = :v AND begins_with(sk, :n)") ==
        "check: Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
        "operator or function: begins_with, operand type: N");
  CHECK(Key("size(pk)") ==
        "check: Invalid KeyConditionExpression: The function is not allowed to be used this way "
        "in an expression; function: size");
}

TEST_CASE("key conditions: matching the key schema") {
  Env env = MakeEnv("{}", R"({":v": {"S": "x"}, ":n": {"N": "1"}})");
  auto key = [&](const std::string& text) {
    Result<Condition> c = ParseAndCheckCondition(text, ExpressionKind::kKeyCondition, env.ctx());
    REQUIRE(c.ok());
    Result<KeyCondition> k = ExtractKeyCondition(*c);
    REQUIRE(k.ok());
    return *k;
  };
  auto match = [&](const std::string& text, const char* hash, const char* range) {
    Status s = MatchKeySchema(key(text), hash, range, AttributeType::kS, AttributeType::kN);
    return s.ok() ? std::string("OK") : s.message();
  };
  CHECK(match("pk = :v", "pk", "sk") == "OK");
  CHECK(match("pk = :v AND sk > :n", "pk", "sk") == "OK");
  CHECK(match("sk > :n AND pk = :v", "pk", "sk") == "OK");
  CHECK(match("sk = :n", "pk", "sk") == "Query condition missed key schema element: pk");
  CHECK(match("xtra = :v", "pk", "") == "Query condition missed key schema element: pk");
  CHECK(match("pk = :v AND xtra = :n", "pk", "sk") ==
        "Query condition missed key schema element: sk");
  CHECK(match("pk = :v AND xtra = :n", "pk", "") == "Query key condition not supported");
  CHECK(match("pk > :v", "pk", "sk") == "Query key condition not supported");
  CHECK(match("begins_with(pk, :v)", "pk", "") == "Query key condition not supported");
  CHECK(match("pk = :n", "pk", "sk") ==
        "One or more parameter values were invalid: Condition parameter type does not match "
        "schema type");
  CHECK(match("pk = :v AND sk BETWEEN :n AND :n", "pk", "sk") == "OK");
  CHECK(match("pk = :v AND sk >= :v", "pk", "sk") ==
        "One or more parameter values were invalid: Condition parameter type does not match "
        "schema type");
}

}  // namespace
}  // namespace expr
}  // namespace pd
