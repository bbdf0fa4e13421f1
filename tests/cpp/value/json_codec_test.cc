#include "value/json_codec.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "value/random_values.h"

namespace pd {
namespace {

using json = nlohmann::json;

AttributeValue Decode(const std::string& text) {
  AttributeValue v;
  std::optional<JsonError> e = AttributeValueFromJson(json::parse(text), &v);
  REQUIRE_MESSAGE(!e.has_value(), text, " -> ", (e ? e->message : ""));
  return v;
}

// Decoding `text` must fail with `kind` and exactly `message`.
void ExpectError(const std::string& text, JsonError::Kind kind, const std::string& message) {
  AttributeValue v = AttributeValue::S("unchanged");
  std::optional<JsonError> e = AttributeValueFromJson(json::parse(text), &v);
  REQUIRE_MESSAGE(e.has_value(), text);
  CHECK_MESSAGE(e->kind == kind, text);
  CHECK_MESSAGE(e->message == message, text);
  CHECK(v == AttributeValue::S("unchanged"));
}

void ExpectValidation(const std::string& text, const std::string& message) {
  ExpectError(text, JsonError::Kind::kValidation, message);
}

void ExpectSerialization(const std::string& text, const std::string& message) {
  ExpectError(text, JsonError::Kind::kSerialization, message);
}

const std::string kInvalid = "One or more parameter values were invalid: ";
const std::string kEmpty =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";

TEST_CASE("All ten types round-trip through DynamoDB JSON") {
  const char* cases[] = {
      R"({"S":"hello"})",
      R"({"S":""})",
      R"({"S":"\u00e9\u20ac\ud83d\ude00 \u0000x"})",
      R"({"N":"-12.5"})",
      R"({"N":"0"})",
      R"({"B":"AP/+"})",
      R"({"B":""})",
      R"({"BOOL":true})",
      R"({"BOOL":false})",
      R"({"NULL":true})",
      R"({"M":{}})",
      R"({"M":{"__proto__":{"S":"p"},"":{"N":"1"},"a":{"M":{"b":{"L":[]}}}}})",
      R"({"L":[{"S":"x"},{"N":"1"},{"L":[{"NULL":true}]},{"M":{"k":{"BOOL":false}}}]})",
      R"({"SS":["","a","b"]})",
      R"({"NS":["-1","1.5","100"]})",
      R"({"BS":["AA==","AP/+","Zm9v"]})",
  };
  for (const char* text : cases) {
    AttributeValue v = Decode(text);
    json out = AttributeValueToJson(v);
    CHECK_MESSAGE(out == json::parse(text), text, " -> ", out.dump());
    AttributeValue back = Decode(out.dump());
    CHECK(back == v);
  }
}

TEST_CASE("Decoding gives canonical values") {
  CHECK(Decode(R"({"N":"1.50"})").n().ToString() == "1.5");
  CHECK(AttributeValueToJson(Decode(R"({"N":"1E+2"})")) == json::parse(R"({"N":"100"})"));
  CHECK(AttributeValueToJson(Decode(R"({"N":"-0"})")) == json::parse(R"({"N":"0"})"));
  CHECK(Decode(R"({"B":"Zm9v"})").b() == "foo");
  // Sets come back in canonical order.
  CHECK(AttributeValueToJson(Decode(R"({"NS":["10","-2","3.0"]})")) ==
        json::parse(R"({"NS":["-2","3","10"]})"));
  CHECK(AttributeValueToJson(Decode(R"({"SS":["b","a"]})")) == json::parse(R"({"SS":["a","b"]})"));
  // Unknown members are ignored and null members are absent, as DynamoDB does.
  CHECK(Decode(R"({"S":"x","Extra":1})") == AttributeValue::S("x"));
  CHECK(Decode(R"({"S":"x","N":null})") == AttributeValue::S("x"));
  // DynamoDB's JSON layer reads these strings as booleans.
  CHECK(Decode(R"({"BOOL":"yes"})") == AttributeValue::Bool(true));
  CHECK(Decode(R"({"BOOL":"False"})") == AttributeValue::Bool(false));
  CHECK(Decode(R"({"NULL":"1"})") == AttributeValue::Null());
}

TEST_CASE("Validation messages for malformed values") {
  ExpectValidation(R"({})", kEmpty);
  ExpectValidation(R"({"X":"a"})", kEmpty);
  ExpectValidation(R"({"S":null})", kEmpty);
  ExpectValidation(R"({"S":"a","N":"1"})",
                   "Supplied AttributeValue has more than one datatypes set, must contain exactly "
                   "one of the supported datatypes");
  ExpectValidation(R"({"SS":[]})", kInvalid + "An string set  may not be empty");
  ExpectValidation(R"({"NS":[]})", kInvalid + "An number set  may not be empty");
  ExpectValidation(R"({"BS":[]})", kInvalid + "Binary sets should not be empty");
  ExpectValidation(R"({"NULL":false})",
                   kInvalid + "Null attribute value types must have the value of true");
  ExpectValidation(R"({"SS":["a","a"]})",
                   kInvalid + "Input collection [a, a] contains duplicates.");
  ExpectValidation(R"({"SS":["b","a","b"]})",
                   kInvalid + "Input collection [b, a, b] contains duplicates.");
  ExpectValidation(R"({"BS":["Yg==","Yg=="]})",
                   kInvalid + "Input collection [Yg==, Yg==]of type BS contains duplicates.");
  ExpectValidation(R"({"NS":["1","1"]})", "Input collection contains duplicates");
  ExpectValidation(R"({"NS":["1","1.0"]})", "Input collection contains duplicates");
  ExpectValidation(R"({"NS":["1e2","100"]})", "Input collection contains duplicates");
  ExpectValidation(R"({"N":""})", "The parameter cannot be converted to a numeric value");
  ExpectValidation(R"({"N":"b"})", "The parameter cannot be converted to a numeric value: b");
  ExpectValidation(R"({"NS":["1",""]})", "The parameter cannot be converted to a numeric value");
  ExpectValidation(R"({"NS":["1","b"]})",
                   "The parameter cannot be converted to a numeric value: b");
  ExpectValidation(R"({"N":"123456789012345678901234567890123456789"})",
                   "Attempting to store more than 38 significant digits in a Number");
  ExpectValidation(R"({"N":"1e126"})",
                   "Number overflow. Attempting to store a number with magnitude larger than "
                   "supported range");
  ExpectValidation(R"({"N":"-1e-131"})",
                   "Number underflow. Attempting to store a number with magnitude smaller than "
                   "supported range");
  // Nested values are validated too.
  ExpectValidation(R"({"M":{"a":{}}})", kEmpty);
  ExpectValidation(R"({"L":[{"S":"ok"},{"NS":[]}]})", kInvalid + "An number set  may not be empty");
  ExpectValidation(R"({"L":[null]})", kEmpty);
  // Per-type checks run before the more-than-one-type check.
  ExpectValidation(R"({"S":"a","NULL":false})",
                   kInvalid + "Null attribute value types must have the value of true");
}

TEST_CASE("Serialization messages for wrong JSON types") {
  const std::string big =
      "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to ";
  ExpectSerialization(R"({"S":1})", big + "an String");
  ExpectSerialization(R"({"S":true})", "class java.lang.Boolean can not be converted to an String");
  ExpectSerialization(R"({"S":{}})", "Start of structure or map found where not expected.");
  ExpectSerialization(R"({"S":[]})", "Start of list found where not expected");
  ExpectSerialization(R"({"N":1.5})", big + "an String");
  ExpectSerialization(R"({"BOOL":1})", big + "an Boolean");
  ExpectSerialization(R"({"BOOL":"maybe"})", "'MAYBE' can not be converted to an Boolean");
  ExpectSerialization(R"({"NULL":[]})", "Start of list found where not expected");
  ExpectSerialization(R"({"B":5})", big + "a Blob");
  ExpectSerialization(R"({"B":false})", "class java.lang.Boolean can not be converted to a Blob");
  ExpectSerialization(R"({"B":"abc"})",
                      "'abc' can not be converted to a Blob: Base64 encoded length is expected a "
                      "multiple of 4 bytes but found: 3");
  ExpectSerialization(R"({"B":"ab!c"})",
                      "'ab!c' can not be converted to a Blob: Invalid Base64 character: '!'");
  ExpectSerialization(R"({"B":"Zh=="})",
                      "'Zh==' can not be converted to a Blob: Invalid last non-pad Base64 "
                      "character dectected");
  ExpectSerialization(R"({"BS":["AA==","a"]})",
                      "'a' can not be converted to a Blob: Base64 encoded length is expected a "
                      "multiple of 4 bytes but found: 1");
  ExpectSerialization(R"({"SS":"a"})", "Expected list or null");
  ExpectSerialization(R"({"SS":{}})", "Start of structure or map found where not expected.");
  ExpectSerialization(R"({"SS":[1]})", big + "an String");
  ExpectSerialization(R"({"L":{}})", "Start of structure or map found where not expected.");
  ExpectSerialization(R"({"L":[1]})", "Expected null");
  ExpectSerialization(R"({"L":[[]]})", "Start of list found where not expected");
  ExpectSerialization(R"({"M":[]})", "Start of list found where not expected");
  ExpectSerialization(R"({"M":"x"})", "Expected map or null");
  ExpectSerialization(R"({"M":{"a":"x"}})", "Expected null");
  ExpectSerialization(R"("x")", "Expected null");
  ExpectSerialization(R"([])", "Start of list found where not expected");
  // Serialization problems anywhere win over validation problems anywhere.
  ExpectSerialization(R"({"L":[{"NS":[]},{"S":5}]})", big + "an String");
  CHECK(CheckAttributeValueJsonTypes(json::parse(R"({"NS":[]})")) == std::nullopt);
  CHECK(CheckAttributeValueJsonTypes(json::parse(R"({"S":5})")).has_value());
}

json Nested(int wraps) {
  json v = json::parse(R"({"S":"leaf"})");
  for (int i = 0; i < wraps; ++i) {
    json m = json::object();
    m["M"]["k"] = std::move(v);
    v = std::move(m);
  }
  return v;
}

TEST_CASE("Nesting: 32 levels accepted, 33 rejected, hostile depth is bounded") {
  AttributeValue v;
  CHECK(!AttributeValueFromJson(Nested(31), &v).has_value());
  CHECK(NestingDepth(v) == 32);
  std::optional<JsonError> e = AttributeValueFromJson(Nested(32), &v);
  REQUIRE(e.has_value());
  CHECK(e->kind == JsonError::Kind::kValidation);
  CHECK(e->message ==
        "Nesting Levels have exceeded supported limits: Attributes in the item have nested "
        "levels beyond supported limit");
  // Very deep input must not exhaust the stack.
  e = AttributeValueFromJson(Nested(100000), &v);
  REQUIRE(e.has_value());
  CHECK(e->kind == JsonError::Kind::kValidation);
  json deep_list = json::parse(R"({"S":"x"})");
  for (int i = 0; i < 100000; ++i) {
    json list = json::array();
    list.push_back(std::move(deep_list));
    json wrap = json::object();
    wrap["L"] = std::move(list);
    deep_list = std::move(wrap);
  }
  CHECK(AttributeValueFromJson(deep_list, &v).has_value());
}

TEST_CASE("Items decode from and encode to attribute maps") {
  Item item;
  std::optional<JsonError> e = ItemFromJson(
      json::parse(R"({"pk":{"S":"a"},"__proto__":{"N":"1.0"},"":{"NULL":true}})"), &item);
  REQUIRE(!e.has_value());
  CHECK(item.size() == 3);
  CHECK(item.Find("__proto__")->n().ToString() == "1");
  CHECK(ItemToJson(item) ==
        json::parse(R"({"pk":{"S":"a"},"__proto__":{"N":"1"},"":{"NULL":true}})"));
  CHECK(!ItemFromJson(json::parse("{}"), &item).has_value());
  CHECK(item.empty());

  e = ItemFromJson(json::parse(R"([])"), &item);
  REQUIRE(e.has_value());
  CHECK(e->kind == JsonError::Kind::kSerialization);
  CHECK(e->message == "Start of list found where not expected");
  e = ItemFromJson(json::parse(R"("x")"), &item);
  REQUIRE(e.has_value());
  CHECK(e->message == "Expected map or null");
  e = ItemFromJson(json::parse(R"({"a":null})"), &item);
  REQUIRE(e.has_value());
  CHECK(e->message == kEmpty);
  e = ItemFromJson(json::parse(R"({"a":{"N":"x"},"b":{"S":1}})"), &item);
  REQUIRE(e.has_value());
  CHECK(e->kind == JsonError::Kind::kSerialization);
  CHECK(CheckItemJsonTypes(json::parse(R"({"a":{"N":"x"}})")) == std::nullopt);
}

TEST_CASE("Random values round-trip through JSON text (property)") {
  testing::RandomValues rv(4242);
  for (int i = 0; i < 2000; ++i) {
    Item item = rv.RandomItem(4);
    std::string text = ItemToJson(item).dump();
    Item back;
    std::optional<JsonError> e = ItemFromJson(json::parse(text), &back);
    REQUIRE_MESSAGE(!e.has_value(), text, " -> ", (e ? e->message : ""));
    CHECK(back == item);
  }
}

// AppendItemJson(item) or the exception it threw, as text.
std::string AppendedOrError(const Item& item) {
  std::string out = "prefix:";
  try {
    AppendItemJson(item, &out);
  } catch (const json::exception& e) {
    return std::string("threw ") + e.what();
  }
  return out;
}

// ItemToJson(item).dump() (after the same prefix) or the exception it threw.
std::string DumpedOrError(const Item& item) {
  try {
    return "prefix:" + ItemToJson(item).dump();
  } catch (const json::exception& e) {
    return std::string("threw ") + e.what();
  }
}

TEST_CASE("AppendItemJson writes exactly what ItemToJson + dump write (random items)") {
  testing::RandomValues rv(777);
  for (int i = 0; i < 3000; ++i) {
    Item item = rv.RandomItem(4);
    const std::string dumped = DumpedOrError(item);
    REQUIRE_MESSAGE(AppendedOrError(item) == dumped, dumped);
  }
}

TEST_CASE("AppendItemJson escapes every string as dump does, and fails where it fails") {
  testing::RandomValues rv(31337);
  // Every ASCII character (all the escapes), the longest valid sequences,
  // and bytes that break UTF-8 in every way (lone continuation, overlong,
  // surrogate, above U+10FFFF, truncated).
  std::vector<std::string> pieces;
  for (int c = 0; c < 0x80; ++c) pieces.push_back(std::string(1, static_cast<char>(c)));
  for (const char* p :
       {"\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF",
        "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"}) {
    pieces.push_back(p);
  }
  std::vector<std::string> invalid;
  for (const char* p :
       {"\x80", "\xBF", "\xC0\x80", "\xC1\xBF", "\xE0\x80\x80", "\xED\xA0\x80", "\xF0\x80\x80\x80",
        "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "\xE2\x82", "\xF0\x9F\x98", "\xC3"}) {
    invalid.push_back(p);
  }
  auto text = [&](bool allow_invalid) {
    std::string out;
    for (int n = rv.Uniform(0, 8); n > 0; --n) {
      if (allow_invalid && rv.OneIn(12)) {
        out += invalid[static_cast<size_t>(rv.Uniform(0, static_cast<int>(invalid.size()) - 1))];
      } else {
        out += pieces[static_cast<size_t>(rv.Uniform(0, static_cast<int>(pieces.size()) - 1))];
      }
    }
    return out;
  };
  int threw = 0;
  for (int i = 0; i < 5000; ++i) {
    const bool allow_invalid = rv.OneIn(4);
    Item item;
    for (int n = rv.Uniform(1, 4); n > 0; --n) {
      AttributeMap inner;
      inner.Set(text(allow_invalid), AttributeValue::S(text(allow_invalid)));
      std::vector<std::string> set = {"s" + text(allow_invalid), "t" + text(allow_invalid)};
      switch (rv.Uniform(0, 2)) {
        case 0:
          item.Set(text(allow_invalid), AttributeValue::S(text(allow_invalid)));
          break;
        case 1:
          item.Set(text(allow_invalid), AttributeValue::M(std::move(inner)));
          break;
        default:
          item.Set(text(allow_invalid), AttributeValue::SS(set).value());
          break;
      }
    }
    const std::string dumped = DumpedOrError(item);
    if (dumped.rfind("threw", 0) == 0) ++threw;
    REQUIRE_MESSAGE(AppendedOrError(item) == dumped, dumped);
  }
  CHECK(threw > 100);  // the invalid cases did come up
}

TEST_CASE("AppendItemJson: one special byte at every position of long plain text") {
  // The writer skips eight plain bytes at a time: each byte that needs a look
  // of its own (every control character, '"', '\\', DEL, a UTF-8 sequence, a
  // byte that breaks UTF-8) at every offset of 0..24 plain bytes, and with
  // 0..9 plain bytes after it, writes what dump() writes.
  std::vector<std::string> specials = {"\x7F", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
                                       "\x80", "\xC3",     "\xED\xA0\x80", "\xFF"};
  for (int c = 0; c < 0x20; ++c) specials.push_back(std::string(1, static_cast<char>(c)));
  specials.push_back("\"");
  specials.push_back("\\");
  specials.push_back("!");  // the bytes on either side of '"' and '\\'
  specials.push_back("#");
  specials.push_back("[");
  specials.push_back("]");
  const std::string plain = "abcdefghijklmnopqrstuvwxyz ~0123456789ABCDEF";
  for (const std::string& special : specials) {
    for (size_t before = 0; before <= 24; ++before) {
      for (size_t after = 0; after <= 9; ++after) {
        const std::string text = plain.substr(0, before) + special + plain.substr(10, after);
        Item item;
        item.Set(text, AttributeValue::S(text));
        const std::string dumped = DumpedOrError(item);
        REQUIRE_MESSAGE(AppendedOrError(item) == dumped, dumped);
      }
    }
  }
}

}  // namespace
}  // namespace pd
