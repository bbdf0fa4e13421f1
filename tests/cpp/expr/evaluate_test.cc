// Evaluation of checked conditions against items, with DynamoDB's rules for
// missing attributes, mixed types, functions and size().
#include "expr/evaluate.h"

#include <doctest/doctest.h>

#include <string>

#include "expr/check.h"
#include "expr_test_util.h"

namespace pd {
namespace expr {
namespace {

using testing::ItemOf;

const char kItem[] = R"({
  "a": {"N": "5"},
  "s": {"S": "hello"},
  "u": {"S": "\u00e9t\u00e9"},
  "b": {"B": "AQL/"},
  "m": {"M": {"x": {"N": "1"}, "l": {"L": [{"S": "p"}, {"S": "q"}]}}},
  "l": {"L": [{"S": "x"}, {"N": "2"}, {"M": {"k": {"S": "v"}}}]},
  "ss": {"SS": ["a", "b"]},
  "ns": {"NS": ["1", "2.50"]},
  "bs": {"BS": ["AQ==", "Ag=="]},
  "t": {"BOOL": true},
  "z": {"NULL": true},
  "e0": {"S": ""}
})";

const char kValues[] = R"({
  ":5": {"N": "5"}, ":5s": {"S": "5"}, ":10": {"N": "10"}, ":1": {"N": "1"}, ":0": {"N": "0"},
  ":2": {"N": "2"}, ":3": {"N": "3"}, ":4": {"N": "4"}, ":25": {"N": "2.5"}, ":2s": {"S": "2"},
  ":hello": {"S": "hello"}, ":world": {"S": "world"}, ":Z": {"S": "Z"}, ":he": {"S": "he"},
  ":lo": {"S": "lo"}, ":ell": {"S": "ell"}, ":x": {"S": "x"}, ":a": {"S": "a"}, ":c": {"S": "c"},
  ":b01": {"B": "AQ=="}, ":bff": {"B": "/w=="}, ":b0102": {"B": "AQI="}, ":b02ff": {"B": "Av8="},
  ":b1": {"B": "AQ=="},
  ":m": {"M": {"l": {"L": [{"S": "p"}, {"S": "q"}]}, "x": {"N": "1.0"}}},
  ":mq": {"M": {"k": {"S": "v"}}},
  ":l": {"L": [{"S": "x"}, {"N": "2"}, {"M": {"k": {"S": "v"}}}]},
  ":ss": {"SS": ["b", "a"]}, ":ns": {"NS": ["2.5", "1.00"]}, ":true": {"BOOL": true},
  ":null": {"NULL": true}, ":empty": {"S": ""},
  ":tN": {"S": "N"}, ":tS": {"S": "S"}, ":tM": {"S": "M"}, ":tL": {"S": "L"}, ":tSS": {"S": "SS"},
  ":tNULL": {"S": "NULL"}, ":tBOOL": {"S": "BOOL"}, ":tB": {"S": "B"}
})";

// Evaluates `text` (a FilterExpression) against `item`.
bool Eval(const std::string& text, const Item& item) {
  static const ValueMap values = ItemOf(kValues);
  Result<Condition> c = ParseAndCheckCondition(text, ExpressionKind::kFilter,
                                               CheckContext{nullptr, &values, nullptr});
  REQUIRE_MESSAGE(c.ok(), c.status().message());
  return Evaluate(*c, item);
}

bool Eval(const std::string& text) {
  static const Item item = ItemOf(kItem);
  return Eval(text, item);
}

TEST_CASE("evaluate: = and <> on every type, missing attributes") {
  CHECK(Eval("a = :5"));
  CHECK(!Eval("a = :5s"));  // N vs S: different types are never equal
  CHECK(!Eval("a <> :5"));
  CHECK(Eval("a <> :5s"));
  CHECK(Eval("s = :hello"));
  CHECK(Eval("m = :m"));    // maps: order-free, numbers by value ("1" = "1.0")
  CHECK(Eval("l = :l"));    // lists: element-wise
  CHECK(Eval("ss = :ss"));  // sets as sets
  CHECK(Eval("ns = :ns"));  // "1" = "1.00", "2.50" = "2.5"
  CHECK(Eval("t = :true"));
  CHECK(Eval("z = :null"));
  CHECK(Eval("e0 = :empty"));
  CHECK(Eval("m.x = :1"));
  CHECK(Eval("l[2] = :mq"));
  CHECK(!Eval("l = :m"));
  // A missing attribute equals nothing; <> is the negation of =.
  CHECK(!Eval("nope = :5"));
  CHECK(Eval("nope <> :5"));
  CHECK(!Eval("nope = nada"));
  CHECK(Eval("nope <> nada"));
  CHECK(Eval("a = m.x") == false);
  CHECK(Eval("m.x <> a"));
}

TEST_CASE("evaluate: ordering only between S, N or B of the same type") {
  CHECK(Eval("a < :10"));  // numerically, not as text
  CHECK(Eval("a <= :5"));
  CHECK(Eval("a >= :5"));
  CHECK(!Eval("a > :5"));
  CHECK(Eval(":25 < a"));
  CHECK(Eval("s < :world"));
  CHECK(Eval(":Z < s"));      // by bytes: 'Z' (0x5A) < 'h' (0x68)
  CHECK(Eval("u > :world"));  // UTF-8 bytes: 0xC3 > 'w'
  CHECK(Eval("b > :b01"));    // AQL/ = 01 02 ff > 01
  CHECK(Eval("b < :bff"));    // unsigned bytes: 0x01 < 0xff
  CHECK(Eval("b > :b0102"));
  CHECK(Eval("b < :b02ff"));
  // Different types, other types, or missing: every ordering is false ...
  CHECK(!Eval("a < :5s"));
  CHECK(!Eval("a > :5s"));
  CHECK(!Eval("s >= :5"));
  CHECK(!Eval("t < s"));  // BOOL attribute: no order (a BOOL value is rejected by Check)
  CHECK(!Eval("ss <= s"));
  CHECK(!Eval("l > l[1]"));
  CHECK(!Eval("nope < :5"));
  CHECK(!Eval("nope >= :5"));
  // ... so their negations are true.
  CHECK(Eval("NOT a < :5s"));
  CHECK(Eval("NOT nope >= :5"));
}

TEST_CASE("evaluate: BETWEEN and IN") {
  CHECK(Eval("a BETWEEN :1 AND :10"));
  CHECK(Eval("a BETWEEN :5 AND :5"));
  CHECK(Eval("a BETWEEN :1 AND :5"));
  CHECK(!Eval("a BETWEEN :1 AND :4"));
  CHECK(Eval("s BETWEEN :he AND :world"));
  CHECK(!Eval("s BETWEEN :lo AND :world"));
  CHECK(!Eval("a BETWEEN :2s AND :5s"));  // type mismatch
  CHECK(!Eval("nope BETWEEN :1 AND :10"));
  CHECK(!Eval("a BETWEEN l[1] AND :1"));  // bounds from the item, upper < lower
  CHECK(Eval("a BETWEEN l[1] AND :10"));
  CHECK(Eval("a IN (:1, :5)"));
  CHECK(!Eval("a IN (:1, :5s)"));
  CHECK(Eval("l IN (:m, :l)"));
  CHECK(Eval("ss IN (:ss)"));
  CHECK(!Eval("nope IN (:1, :5)"));
  CHECK(Eval("l[1] IN (:1, :2)"));
}

TEST_CASE("evaluate: attribute_exists, attribute_not_exists, attribute_type") {
  CHECK(Eval("attribute_exists(a)"));
  CHECK(Eval("attribute_exists(m.l[1])"));
  CHECK(Eval("attribute_exists(l[2].k)"));
  CHECK(Eval("attribute_exists(z)"));  // NULL is a value
  CHECK(!Eval("attribute_exists(m.l[2])"));
  CHECK(!Eval("attribute_exists(m.y)"));
  CHECK(!Eval("attribute_exists(a.x)"));  // a is N: no member x
  CHECK(!Eval("attribute_exists(l.x)"));
  CHECK(!Eval("attribute_exists(m[0])"));
  CHECK(Eval("attribute_not_exists(nope)"));
  CHECK(!Eval("attribute_not_exists(s)"));
  CHECK(Eval("attribute_type(a, :tN)"));
  CHECK(!Eval("attribute_type(a, :tS)"));
  CHECK(Eval("attribute_type(m, :tM) AND attribute_type(l, :tL) AND attribute_type(ss, :tSS)"));
  CHECK(Eval("attribute_type(z, :tNULL) AND attribute_type(t, :tBOOL) AND attribute_type(b, :tB)"));
  CHECK(!Eval("attribute_type(nope, :tN)"));
  CHECK(Eval("attribute_not_exists(pk)", Item()));
  CHECK(!Eval("attribute_exists(pk)", Item()));
}

TEST_CASE("evaluate: begins_with and contains") {
  CHECK(Eval("begins_with(s, :he)"));
  CHECK(Eval("begins_with(s, :hello)"));
  CHECK(Eval("begins_with(s, :empty)"));
  CHECK(!Eval("begins_with(s, :lo)"));
  CHECK(!Eval("begins_with(e0, :he)"));
  CHECK(Eval("begins_with(b, :b01)"));
  CHECK(Eval("begins_with(b, :b0102)"));
  CHECK(!Eval("begins_with(b, :bff)"));
  CHECK(!Eval("begins_with(a, :5s)"));   // N attribute
  CHECK(!Eval("begins_with(s, :b01)"));  // S vs B
  CHECK(!Eval("begins_with(nope, :he)"));
  CHECK(Eval("contains(s, :ell)"));
  CHECK(!Eval("contains(s, :world)"));
  CHECK(Eval("contains(b, :b0102)"));
  CHECK(Eval("contains(ss, :a)"));
  CHECK(!Eval("contains(ss, :c)"));
  CHECK(!Eval("contains(ns, :2)"));   // 2 is not in {1, 2.5}
  CHECK(Eval("contains(ns, :25)"));   // 2.5 = 2.50
  CHECK(!Eval("contains(ns, :2s)"));  // an S is never in an NS
  CHECK(Eval("contains(bs, :b1)"));
  CHECK(!Eval("contains(bs, :b0102)"));
  CHECK(Eval("contains(l, :x)"));
  CHECK(Eval("contains(l, :2)"));
  CHECK(Eval("contains(l, :mq)"));  // list elements by deep equality
  CHECK(!Eval("contains(l, :2s)"));
  CHECK(!Eval("contains(m, :x)"));  // maps have no contains
  CHECK(!Eval("contains(a, :5)"));
  CHECK(!Eval("contains(s, :5)"));
  CHECK(!Eval("contains(nope, :x)"));
}

TEST_CASE("evaluate: size()") {
  CHECK(Eval("size(s) = :5"));
  CHECK(Eval("size(u) = :3"));  // "été": 3 characters (5 UTF-8 bytes)
  CHECK(Eval("size(b) = :3"));
  CHECK(Eval("size(l) = :3"));
  CHECK(Eval("size(m) = :2"));
  CHECK(Eval("size(m.l) = :2"));
  CHECK(Eval("size(ss) = :2 AND size(ns) = :2 AND size(bs) = :2"));
  CHECK(Eval("size(e0) = :0"));
  CHECK(Eval("size(:hello) = :5"));
  CHECK(Eval("size(s) > size(l)"));
  CHECK(Eval("size(l) BETWEEN :1 AND :3"));
  CHECK(Eval("size(l) IN (:3)"));
  // N, BOOL, NULL and missing attributes have no size: comparisons are false.
  CHECK(!Eval("size(a) = :1"));
  CHECK(!Eval("size(a) >= :0"));
  CHECK(!Eval("size(t) = :1"));
  CHECK(!Eval("size(z) = :1"));
  CHECK(!Eval("size(nope) >= :0"));
  CHECK(Eval("size(nope) <> :0"));
}

TEST_CASE("evaluate: size() of a string counts UTF-16 code units, as DynamoDB does") {
  // "aé中😀": 1 + 2 + 3 + 4 = 10 UTF-8 bytes, 4 characters,
  // 5 UTF-16 code units (the emoji is a surrogate pair).
  const Item item = testing::ItemOf(R"({"w": {"S": "a\u00e9\u4e2d\ud83d\ude00"}})");
  CHECK(Eval("size(w) = :5", item));
  CHECK(!Eval("size(w) = :4", item));
  CHECK(!Eval("size(w) = :10", item));
}

TEST_CASE("evaluate: AND, OR, NOT and precedence") {
  CHECK(Eval("a = :5 AND s = :hello"));
  CHECK(!Eval("a = :5 AND s = :world"));
  CHECK(Eval("a = :1 OR s = :hello"));
  CHECK(!Eval("a = :1 OR s = :world"));
  CHECK(Eval("NOT a = :1"));
  CHECK(!Eval("NOT attribute_exists(a)"));
  // OR binds loosest: true OR (false AND false)
  CHECK(Eval("a = :5 OR a = :1 AND a = :2"));
  // with parentheses: (true OR false) AND false
  CHECK(!Eval("(a = :5 OR a = :1) AND a = :2"));
  // NOT binds tighter than AND: (NOT false) AND true
  CHECK(Eval("NOT a = :1 AND a = :5"));
  CHECK(!Eval("NOT (a = :1 OR a = :5)"));
  CHECK(Eval("NOT NOT a = :5"));
}

TEST_CASE("evaluate: ResolvePath walks maps and lists") {
  const Item item = ItemOf(kItem);
  auto path = [](std::initializer_list<PathElement> elements) {
    Path p;
    p.elements = elements;
    return p;
  };
  const AttributeValue* v = ResolvePath(
      item, path({PathElement::Name("m"), PathElement::Name("l"), PathElement::Index(1)}));
  REQUIRE(v != nullptr);
  CHECK(v->s() == "q");
  CHECK(ResolvePath(item, path({PathElement::Name("l"), PathElement::Index(3)})) == nullptr);
  CHECK(ResolvePath(item, path({PathElement::Name("l"), PathElement::Name("x")})) == nullptr);
  CHECK(ResolvePath(item, path({PathElement::Name("m"), PathElement::Index(0)})) == nullptr);
  CHECK(ResolvePath(item, path({PathElement::Name("nope")})) == nullptr);
  CHECK(ResolvePath(item, Path()) == nullptr);
  CHECK(ResolvePath(item, path({PathElement::Name("a")})) == item.Find("a"));
}

}  // namespace
}  // namespace expr
}  // namespace pd
