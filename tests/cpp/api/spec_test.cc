// The generic checker (api/spec.h) on a small spec of its own: every JSON
// type per declared type, normalization, the aggregated message format, the
// 10-error cap, paths through lists and maps, map key/value constraints.
#include "api/spec.h"

#include <doctest/doctest.h>

#include "api/ops/common_spec.h"
#include "api_test_util.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;
using testing::AssertType;
using testing::ErrorOf;
using testing::ExpectSerialization;
using testing::ExpectValidation;

std::optional<DdbError> RejectMagic(const json& request) {
  if (request.value("Name", "") == "magic") return DdbError::Validation("custom says no");
  return std::nullopt;
}

// A spec is constant data (api/spec.h): nested member lists are named arrays.
constexpr ElementLengths kGroupKeys{5, 2, &kTableNamePatternSpec};
constexpr ElementLengths kGroupValues{2, 1, nullptr};
constexpr Param kThingMembers[] = {String("Id").NotNull().Length(1, 3),
                                   String("Kind").NotNull().Enum("X, Y")};
constexpr Param kThing = Struct("", "Thing", kThingMembers);
constexpr Param kStringList = List("", kStringValue);
constexpr Param kLimitsMembers[] = {Long("Low").NotNull(), Long("High").NotNull()};
constexpr Param kTestInput[] = {
    String("Name").Required().TableName().Matches(kTableNamePatternSpec),
    Boolean("Flag"),
    Integer("Count").Min(1).Max(100),
    Long("Big").NotNull(),
    Blob("Data"),
    String("Mode").Enum("A, B"),
    List("Things", kThing).Length(1, 2),
    Map("Groups", kStringList).Keys(kGroupKeys).Values(kGroupValues),
    Struct("Limits", "Limits", kLimitsMembers),
    Map("Attrs", kAttributeValueValue)};
constexpr OperationSpec kTestSpec{"Test", Struct("", "TestInput", kTestInput), &RejectMagic};

const OperationSpec& TestSpec() { return kTestSpec; }

TEST_CASE("serialization messages for every declared type") {
  const OperationSpec& s = TestSpec();
  AssertType(s, "Name", "String");
  AssertType(s, "Flag", "Boolean");
  AssertType(s, "Count", "Integer");
  AssertType(s, "Big", "Long");
  AssertType(s, "Data", "Blob");
  AssertType(s, "Things", "List");
  AssertType(s, "Things.0", "ValueStruct<Thing>");
  AssertType(s, "Things.0.Id", "String");
  AssertType(s, "Groups", "Map<java.util.List<java.lang.String>>");
  AssertType(s, "Groups.g", "ParameterizedList");
  AssertType(s, "Groups.g.0", "String");
  AssertType(s, "Limits", "FieldStruct<Limits>");
  AssertType(s, "Limits.Low", "Long");
  AssertType(s, "Attrs", "Map<AttributeValue>");
  AssertType(s, "Attrs.a", "AttrStruct<ValueStruct>");
}

TEST_CASE("a request that is not an object") {
  ExpectSerialization(TestSpec(), json::array(), "Start of list found where not expected");
  ExpectSerialization(TestSpec(), json("x"), "Unexpected value type in payload");
  ExpectSerialization(TestSpec(), json(1), "Unexpected value type in payload");
}

TEST_CASE("serialization errors come before validation errors") {
  // Name is missing (a validation error) but Flag has the wrong type.
  ExpectSerialization(TestSpec(), json{{"Flag", 1}}, "NUMBER_VALUE cannot be converted to Boolean");
  // The first member in spec order is reported.
  ExpectSerialization(TestSpec(), json{{"Mode", 1}, {"Flag", 1}},
                      "NUMBER_VALUE cannot be converted to Boolean");
}

TEST_CASE("normalization drops unknown and null members and truncates numbers") {
  json request = {{"Name", "abc"},       {"Big", 5.9},          {"Count", json(nullptr)},
                  {"Unknown", {1, 2}},   {"Limits", {{"Low", -1.5}, {"High", 2}, {"X", 1}}},
                  {"Attrs", {{"a", {{"S", "x"}, {"Q", 1}, {"N", nullptr}}}, {"b", nullptr}}}};
  DdbResult<json> r = ValidateRequest(TestSpec(), request);
  REQUIRE(r.ok());
  CHECK(*r == json{{"Name", "abc"},
                   {"Big", 5},
                   {"Limits", {{"Low", -2}, {"High", 2}}},
                   {"Attrs", {{"a", {{"S", "x"}}}}}});
  CHECK((*r)["Big"].is_number_integer());
}

TEST_CASE("a request in normal form is checked in place, any other is copied") {
  json normalized;
  const json plain =
      json::parse(R"({"Name":"abc","Big":7,"Flag":true,"Count":3,"Limits":{"Low":-1,"High":2},)"
                  R"("Attrs":{"a":{"S":"x"},"b":{"L":[{"N":"1"},{"NULL":true}]}}})");
  DdbResult<const json*> r = CheckRequest(TestSpec(), plain, &normalized);
  REQUIRE(r.ok());
  CHECK(*r == &plain);
  CHECK(normalized.is_null());  // nothing was built
  // Each of these differs from its normal form in one place: checked, then copied.
  for (const char* text : {
           R"({"Name":"abc","Big":7,"Count":null})",                       // null member
           R"({"Name":"abc","Big":7,"Other":1})",                          // unknown member
           R"({"Name":"abc","Big":7,"Limits":{"Low":1,"High":2,"X":2}})",  // unknown nested member
           R"({"Name":"abc","Big":7,"Attrs":{"a":null}})",                 // null map value
           R"({"Name":"abc","Big":7,"Attrs":{"a":{"S":"x","Q":1}}})",      // AttributeValue extra
           R"({"Name":"abc","Big":7,"Flag":"yes"})",                       // boolean as text
           R"({"Name":"abc","Big":7.5})",                                  // fraction
           R"({"Name":"abc","Big":18446744073709551615})",                 // above int64
       }) {
    const std::string shown = text;
    CAPTURE(shown);
    const json request = json::parse(text);
    json storage;
    DdbResult<const json*> c = CheckRequest(TestSpec(), request, &storage);
    REQUIRE(c.ok());
    CHECK(*c == &storage);
    DdbResult<json> n = NormalizeRequest(TestSpec().input, request);
    REQUIRE(n.ok());
    CHECK(storage == *n);
    CHECK(storage != request);
  }
  // A change before an error does not hide the error.
  json storage;
  DdbResult<const json*> bad =
      CheckRequest(TestSpec(), json::parse(R"({"Name":"abc","Flag":"yes","Mode":1})"), &storage);
  REQUIRE(!bad.ok());
  CHECK(bad.error().message == "NUMBER_VALUE cannot be converted to String");
}

TEST_CASE("maps a check decoded are taken once, by their node, until forgotten") {
  const json request =
      json::parse(R"({"Key":{"pk":{"S":"a"},"n":{"N":"1"}},"Other":{"x":{"S":"b"}}})");
  ForgetCheckedMaps();
  REQUIRE(!CheckKeyMap(request.at("Key")).has_value());
  AttributeMap taken;
  CHECK(!TakeCheckedMap(request.at("Other"), &taken));  // another node: nothing kept for it
  REQUIRE(TakeCheckedMap(request.at("Key"), &taken));
  AttributeMap decoded;
  REQUIRE(!DecodeItem(request.at("Key"), &decoded).has_value());
  CHECK(taken == decoded);
  CHECK(!TakeCheckedMap(request.at("Key"), &taken));  // taken once
  REQUIRE(!CheckKeyMap(request.at("Key")).has_value());
  ForgetCheckedMaps();
  CHECK(!TakeCheckedMap(request.at("Key"), &taken));
  // A bad value is CheckAttributeMap's error, and nothing is kept.
  const json bad = json::parse(R"({"pk":{"S":"a","N":"1"}})");
  CHECK(CheckKeyMap(bad).value().message == CheckAttributeMap(bad).value().message);
  CHECK(!TakeCheckedMap(bad, &taken));
}

TEST_CASE("huge numbers clamp instead of overflowing") {
  DdbResult<json> r =
      ValidateRequest(TestSpec(), json::parse(R"({"Name":"abc","Big":1e300,"Count":3})"));
  REQUIRE(r.ok());
  CHECK((*r)["Big"] == std::numeric_limits<int64_t>::max());
  r = ValidateRequest(TestSpec(), json::parse(R"({"Name":"abc","Big":18446744073709551615})"));
  REQUIRE(r.ok());
  CHECK((*r)["Big"] == std::numeric_limits<int64_t>::max());
}

TEST_CASE("required and table-name members fail alone") {
  ExpectValidation(TestSpec(), json::object(),
                   "The parameter 'Name' is required but was not present in the request");
  // A table-name member's own errors (pattern, 3-255), alone, aggregated.
  ExpectValidation(TestSpec(), json{{"Name", "ab"}, {"Count", 0}},
                   "1 validation error detected: Value 'ab' at 'name' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 3");
  ExpectValidation(TestSpec(), json{{"Name", std::string(256, 'a')}},
                   "1 validation error detected: Value '" + std::string(256, 'a') +
                       "' at 'name' failed to satisfy constraint: Member must have length less "
                       "than or equal to 255");
  ExpectValidation(TestSpec(), json{{"Name", "a;"}, {"Count", 0}},
                   "2 validation errors detected: Value 'a;' at 'name' failed to satisfy "
                   "constraint: Member must satisfy regular expression pattern: "
                   "[a-zA-Z0-9_.-]+; Value 'a;' at 'name' failed to satisfy constraint: Member "
                   "must have length greater than or equal to 3");
}

TEST_CASE("aggregated messages: order, quoting, singular and plural") {
  ExpectValidation(TestSpec(), json{{"Name", "abc"}},
                   "1 validation error detected: Value null at 'big' failed to satisfy "
                   "constraint: Member must not be null");
  ExpectValidation(
      TestSpec(), json{{"Name", "abc"}, {"Count", 500}, {"Big", 1}, {"Mode", "C"}},
      "2 validation errors detected: "
      "Value '500' at 'count' failed to satisfy constraint: Member must have value less than "
      "or equal to 100; "
      "Value 'C' at 'mode' failed to satisfy constraint: Member must satisfy enum value set: "
      "[A, B]");
  // A table-name member's errors are reported alone, before the others.
  ExpectValidation(TestSpec(), json{{"Name", "ab;"}, {"Count", 500}, {"Big", 1}, {"Mode", "C"}},
                   "1 validation error detected: Value 'ab;' at 'name' failed to satisfy "
                   "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
}

TEST_CASE("paths through lists, structs and maps") {
  json request = {{"Name", "abc"},
                  {"Big", 1},
                  {"Count", 0},
                  {"Things", {json::object(), {{"Id", "abcd"}, {"Kind", "Z"}}, nullptr}},
                  {"Limits", json::object()}};
  ExpectValidation(
      TestSpec(), request,
      "9 validation errors detected: "
      "Value '0' at 'count' failed to satisfy constraint: Member must have value greater than "
      "or equal to 1; "
      "Value '[{}, {\"Id\":\"abcd\",\"Kind\":\"Z\"}, null]' at 'things' failed to satisfy "
      "constraint: Member must have length less than or equal to 2; "
      "Value null at 'things.1.member.id' failed to satisfy constraint: Member must not be null; "
      "Value null at 'things.1.member.kind' failed to satisfy constraint: Member must not be "
      "null; "
      "Value 'abcd' at 'things.2.member.id' failed to satisfy constraint: Member must have "
      "length less than or equal to 3; "
      "Value 'Z' at 'things.2.member.kind' failed to satisfy constraint: Member must satisfy "
      "enum value set: [X, Y]; "
      "Value null at 'things.3.member' failed to satisfy constraint: Member must not be null; "
      "Value null at 'limits.low' failed to satisfy constraint: Member must not be null; "
      "Value null at 'limits.high' failed to satisfy constraint: Member must not be null");
}

TEST_CASE("map key and value constraints") {
  json request = {{"Name", "abc"}, {"Big", 1}, {"Groups", {{"a;", {"x"}}, {"ok", json::array()}}}};
  ExpectValidation(
      TestSpec(), request,
      "2 validation errors detected: "
      "Value '{\"a;\":[\"x\"],\"ok\":[]}' at 'groups' failed to satisfy constraint: Map keys "
      "must satisfy constraint: [Member must have length less than or equal to 5, Member must "
      "have length greater than or equal to 2, Member must satisfy regular expression pattern: "
      "[a-zA-Z0-9_.-]+]; "
      "Value '{\"a;\":[\"x\"],\"ok\":[]}' at 'groups' failed to satisfy constraint: Map value "
      "must satisfy constraint: [Member must have length less than or equal to 2, Member must "
      "have length greater than or equal to 1]");
  // Map values are walked with the key in the path.
  ExpectValidation(TestSpec(), json{{"Name", "abc"}, {"Big", 1}, {"Groups", {{"gg", {nullptr}}}}},
                   "1 validation error detected: Value null at 'groups.gg.member.1.member' "
                   "failed to satisfy constraint: Member must not be null");
}

TEST_CASE("at most ten errors are listed") {
  json request = {{"Name", "abc"},
                  {"Count", 0},
                  {"Mode", "Q"},
                  {"Things", json::array({json::object(), json::object()})},
                  {"Limits", json::object()},
                  {"Groups", {{"x", json::array()}, {"y", json::array()}}}};
  std::string error = ErrorOf(TestSpec(), request);
  CHECK(error.rfind("ValidationException: 10 validation errors detected: ", 0) == 0);
  size_t count = 0;
  for (size_t p = error.find("Value "); p != std::string::npos; p = error.find("Value ", p + 1)) {
    ++count;
  }
  CHECK(count == 10);
}

TEST_CASE("the custom check runs last, on the normalized request") {
  ExpectValidation(TestSpec(), json{{"Name", "magic"}, {"Big", 1}}, "custom says no");
  ExpectValidation(TestSpec(), json{{"Name", "magic"}},
                   "1 validation error detected: Value null at 'big' failed to satisfy "
                   "constraint: Member must not be null");
}

TEST_CASE("value printing and helpers") {
  CHECK(ValueToMessageString(json("x")) == "x");
  CHECK(ValueToMessageString(json(12)) == "12");
  CHECK(ValueToMessageString(json(true)) == "true");
  CHECK(ValueToMessageString(json::array({"a", 1, json::array({"b"})})) == "[a, 1, [b]]");
  CHECK(ValueToMessageString(json{{"k", 1}}) == "{\"k\":1}");
  CHECK(LowerFirst("TableName") == "tableName");
  CHECK(LowerFirst("member") == "member");
  CHECK(LowerFirst("") == "");
  CHECK(Utf16Length("abc") == 3);
  CHECK(Utf16Length("\xc3\xa9") == 1);          // é
  CHECK(Utf16Length("\xe2\x82\xac") == 1);      // €
  CHECK(Utf16Length("\xf0\x9f\x98\x80") == 2);  // an emoji is a surrogate pair
}

TEST_CASE("hostile nesting is rejected without deep recursion") {
  json value = {{"S", "x"}};
  for (int i = 0; i < 200; ++i) value = json{{"L", json::array({value})}};
  std::string error = ErrorOf(TestSpec(), json{{"Name", "abc"}, {"Big", 1}, {"Attrs", {{"a", value}}}});
  CHECK(error.find("ValidationException: Nesting Levels have exceeded supported limits") == 0);
}

}  // namespace
}  // namespace api
}  // namespace pd
