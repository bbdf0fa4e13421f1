#include "value/attribute_value.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "value/item.h"
#include "value/random_values.h"

namespace pd {
namespace {

Decimal Num(const char* text) { return Decimal::Parse(text).value(); }

TEST_CASE("AttributeType names round-trip") {
  const char* names[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};
  for (int i = 0; i < 10; ++i) {
    AttributeType t = static_cast<AttributeType>(i);
    CHECK(std::string(AttributeTypeName(t)) == names[i]);
    REQUIRE(AttributeTypeFromName(names[i]).has_value());
    CHECK(*AttributeTypeFromName(names[i]) == t);
  }
  CHECK(!AttributeTypeFromName("s").has_value());
  CHECK(!AttributeTypeFromName("").has_value());
  CHECK(!AttributeTypeFromName("NUMBER").has_value());
  CHECK(IsSetType(AttributeType::kNS));
  CHECK(!IsSetType(AttributeType::kL));
  CHECK(IsKeyType(AttributeType::kB));
  CHECK(!IsKeyType(AttributeType::kBool));
}

TEST_CASE("Scalars hold their payload") {
  CHECK(AttributeValue().is(AttributeType::kNull));
  CHECK(AttributeValue::S("x").s() == "x");
  CHECK(AttributeValue::B(std::string("\0\1", 2)).b() == std::string("\0\1", 2));
  CHECK(AttributeValue::N(Num("1.5")).n() == Num("1.50"));
  CHECK(AttributeValue::Bool(true).boolean());
  CHECK(AttributeValue::S("").s().empty());
  CHECK(AttributeValue::S("a") != AttributeValue::B("a"));
  CHECK(AttributeValue::Bool(false) != AttributeValue::Null());
  CHECK(AttributeValue::N(Num("1")) == AttributeValue::N(Num("1.000")));
}

TEST_CASE("Sets: non-empty, no duplicates, canonical order, set equality") {
  CHECK(!AttributeValue::SS({}).ok());
  CHECK(AttributeValue::SS({}).status().message() ==
        "One or more parameter values were invalid: An string set  may not be empty");
  CHECK(AttributeValue::NS({}).status().message() ==
        "One or more parameter values were invalid: An number set  may not be empty");
  CHECK(AttributeValue::BS({}).status().message() ==
        "One or more parameter values were invalid: Binary sets should not be empty");
  CHECK(!AttributeValue::SS({"a", "b", "a"}).ok());
  CHECK(!AttributeValue::BS({"x", "x"}).ok());
  // "1" and "1.0" are the same number.
  Result<AttributeValue> dup = AttributeValue::NS({Num("1"), Num("1.0")});
  CHECK(!dup.ok());
  CHECK(dup.status().message() == "Input collection contains duplicates");
  // Empty strings are valid members.
  CHECK(AttributeValue::SS({"", "a"}).ok());

  AttributeValue ss1 = AttributeValue::SS({"b", "a", "\xC3\xA9", "B"}).value();
  AttributeValue ss2 = AttributeValue::SS({"\xC3\xA9", "B", "a", "b"}).value();
  CHECK(ss1 == ss2);
  CHECK(ss1.ss() == std::vector<std::string>{"B", "a", "b", "\xC3\xA9"});  // byte order
  AttributeValue ns = AttributeValue::NS({Num("10"), Num("-1"), Num("2.5")}).value();
  CHECK(ns.ns()[0] == Num("-1"));
  CHECK(ns.ns()[2] == Num("10"));
  CHECK(ns == AttributeValue::NS({Num("2.50"), Num("10"), Num("-1.0")}).value());
  CHECK(ns != AttributeValue::NS({Num("2.5"), Num("10")}).value());
  AttributeValue bs = AttributeValue::BS({std::string("\xFF", 1), std::string("\x00", 1)}).value();
  CHECK(bs.bs()[0] == std::string("\x00", 1));
  CHECK(ss1 != AttributeValue::BS({"b", "a", "\xC3\xA9", "B"}).value());

  CHECK(ns.SetSize() == 3);
  CHECK(ns.SetContains(AttributeValue::N(Num("2.500"))));
  CHECK(!ns.SetContains(AttributeValue::N(Num("2"))));
  CHECK(!ns.SetContains(AttributeValue::S("10")));
  CHECK(ss1.SetContains(AttributeValue::S("B")));
  CHECK(bs.SetContains(AttributeValue::B(std::string("\xFF", 1))));
}

TEST_CASE("Set union and difference") {
  AttributeValue a = AttributeValue::NS({Num("1"), Num("2")}).value();
  AttributeValue b = AttributeValue::NS({Num("2.0"), Num("3")}).value();
  CHECK(AttributeValue::SetUnion(a, b) == AttributeValue::NS({Num("1"), Num("2"), Num("3")}).value());
  CHECK(*AttributeValue::SetDifference(a, b) == AttributeValue::NS({Num("1")}).value());
  CHECK(!AttributeValue::SetDifference(a, a).has_value());
  AttributeValue s = AttributeValue::SS({"x"}).value();
  AttributeValue t = AttributeValue::SS({"y", "x"}).value();
  CHECK(AttributeValue::SetUnion(s, t) == t);
  CHECK(!AttributeValue::SetDifference(s, t).has_value());
  CHECK(*AttributeValue::SetDifference(t, s) == AttributeValue::SS({"y"}).value());
  AttributeValue bs = AttributeValue::BS({"p"}).value();
  CHECK(AttributeValue::SetUnion(bs, AttributeValue::BS({"q"}).value()).bs().size() == 2);
}

TEST_CASE("Maps: any names, sorted, order-insensitive equality") {
  AttributeMap m1;
  m1.Set("b", AttributeValue::S("2"));
  m1.Set("__proto__", AttributeValue::S("p"));
  m1.Set("", AttributeValue::Null());
  m1.Set("a", AttributeValue::S("1"));
  AttributeMap m2;
  m2.Set("a", AttributeValue::S("1"));
  m2.Set("", AttributeValue::Null());
  m2.Set("b", AttributeValue::S("2"));
  m2.Set("__proto__", AttributeValue::S("p"));
  CHECK(m1 == m2);
  CHECK(m1.size() == 4);
  std::vector<std::string> names;
  for (const auto& e : m1) names.push_back(e.first);
  CHECK(names == std::vector<std::string>{"", "__proto__", "a", "b"});
  REQUIRE(m1.Find("__proto__") != nullptr);
  CHECK(m1.Find("__proto__")->s() == "p");
  CHECK(m1.Find("c") == nullptr);
  CHECK(!m1.Contains("constructor"));
  m1.Set("a", AttributeValue::S("changed"));
  CHECK(m1.size() == 4);
  CHECK(m1 != m2);
  CHECK(m1.Erase("a"));
  CHECK(!m1.Erase("a"));
  CHECK(m1.size() == 3);
  *m1.FindMutable("b") = AttributeValue::S("3");
  CHECK(m1.Find("b")->s() == "3");
}

TEST_CASE("Deep equality of documents") {
  AttributeMap inner;
  inner.Set("n", AttributeValue::N(Num("1.0")));
  AttributeValue::List list{AttributeValue::M(inner), AttributeValue::S("x")};
  AttributeValue v1 = AttributeValue::L(list);
  AttributeMap inner2;
  inner2.Set("n", AttributeValue::N(Num("1")));
  AttributeValue v2 = AttributeValue::L({AttributeValue::M(inner2), AttributeValue::S("x")});
  CHECK(v1 == v2);
  AttributeValue v3 = AttributeValue::L({AttributeValue::S("x"), AttributeValue::M(inner2)});
  CHECK(v1 != v3);  // lists are ordered
  v2.mutable_l()[1] = AttributeValue::S("y");
  CHECK(v1 != v2);
  CHECK(AttributeValue::L({}) != AttributeValue::M({}));
}

TEST_CASE("CompareScalars: bytes unsigned, numbers numeric") {
  CHECK(AttributeValue::CompareScalars(AttributeValue::S("a"), AttributeValue::S("b")) < 0);
  CHECK(AttributeValue::CompareScalars(AttributeValue::S("a"), AttributeValue::S("a")) == 0);
  CHECK(AttributeValue::CompareScalars(AttributeValue::S("ab"), AttributeValue::S("a")) > 0);
  CHECK(AttributeValue::CompareScalars(AttributeValue::S("\xC3\xA9"), AttributeValue::S("z")) > 0);
  CHECK(AttributeValue::CompareScalars(AttributeValue::B(std::string("\xFF", 1)),
                                       AttributeValue::B(std::string("\x01", 1))) > 0);
  CHECK(AttributeValue::CompareScalars(AttributeValue::N(Num("10")), AttributeValue::N(Num("9"))) > 0);
  CHECK(AttributeValue::CompareScalars(AttributeValue::N(Num("-10")), AttributeValue::N(Num("-9"))) < 0);
}

TEST_CASE("IsValidUtf8") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("plain"));
  CHECK(IsValidUtf8(std::string("a\0b", 3)));
  CHECK(IsValidUtf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF"));
  CHECK(!IsValidUtf8("\x80"));
  CHECK(!IsValidUtf8("\xC3"));
  CHECK(!IsValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK(!IsValidUtf8("\xE0\x80\xAF"));      // overlong
  CHECK(!IsValidUtf8("\xED\xA0\x80"));      // surrogate
  CHECK(!IsValidUtf8("\xF4\x90\x80\x80"));  // > U+10FFFF
  CHECK(!IsValidUtf8("\xF5\x80\x80\x80"));
  CHECK(!IsValidUtf8("\xE2\x82"));
  // ASCII is checked eight bytes at a time: a bad or good sequence at every
  // offset of a long ASCII text, with ASCII after it or not.
  const std::string ascii(40, 'a');
  for (size_t at = 0; at <= 24; ++at) {
    for (size_t tail : {0, 1, 7, 8, 9}) {
      INFO("at " << at << " tail " << tail);
      const std::string head = ascii.substr(0, at);
      const std::string rest = ascii.substr(0, tail);
      CHECK(IsValidUtf8(head + "\xE2\x82\xAC" + rest));
      CHECK(IsValidUtf8(head + "\x7F" + rest));
      CHECK(!IsValidUtf8(head + "\x80" + rest));
      CHECK(!IsValidUtf8(head + "\xE2\x82" + rest));
      CHECK(!IsValidUtf8(head + "\xED\xA0\x80" + rest));
      CHECK(!IsValidUtf8(head + "\xFF" + rest));
    }
  }
}

TEST_CASE("Copies are deep and equal (property)") {
  testing::RandomValues rv(99);
  for (int i = 0; i < 500; ++i) {
    AttributeValue v = rv.Value(4);
    AttributeValue copy = v;
    CHECK(copy == v);
    AttributeValue moved = std::move(copy);
    CHECK(moved == v);
  }
}

}  // namespace
}  // namespace pd
