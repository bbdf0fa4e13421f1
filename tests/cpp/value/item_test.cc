#include "value/item.h"

#include <doctest/doctest.h>

#include <string>

#include "value/json_codec.h"

namespace pd {
namespace {

Item ParseItem(const char* text) {
  Item item;
  std::optional<JsonError> e = ItemFromJson(nlohmann::json::parse(text), &item);
  REQUIRE_MESSAGE(!e.has_value(), text);
  return item;
}

uint64_t Size(const char* text) { return ItemSize(ParseItem(text)); }

TEST_CASE("ItemSize follows AWS's item size rules") {
  // Strings: name bytes + UTF-8 bytes.
  CHECK(Size(R"({"a":{"S":"hello"}})") == 1 + 5);
  CHECK(Size(R"({"name":{"S":""}})") == 4);
  CHECK(Size(R"({"\u00e9":{"S":"\u20ac"}})") == 2 + 3);
  // Numbers: ceil(significant digits / 2) + 1; leading/trailing zeros trimmed.
  CHECK(Size(R"({"n":{"N":"0"}})") == 1 + 1);
  CHECK(Size(R"({"n":{"N":"7"}})") == 1 + 2);
  CHECK(Size(R"({"n":{"N":"12"}})") == 1 + 2);
  CHECK(Size(R"({"n":{"N":"123"}})") == 1 + 3);
  CHECK(Size(R"({"n":{"N":"-0.00123000"}})") == 1 + 3);
  CHECK(Size(R"({"n":{"N":"1e100"}})") == 1 + 2);
  CHECK(Size(R"({"n":{"N":"12345678901234567890123456789012345678"}})") == 1 + 20);
  // Binary: raw bytes, not base64.
  CHECK(Size(R"({"b":{"B":"Zm9vYmFy"}})") == 1 + 6);
  // BOOL and NULL: 1 byte.
  CHECK(Size(R"({"t":{"BOOL":true},"z":{"NULL":true}})") == (1 + 1) + (1 + 1));
  // Sets: sum of members.
  CHECK(Size(R"({"ss":{"SS":["ab","c"]}})") == 2 + 3);
  CHECK(Size(R"({"ns":{"NS":["1","123"]}})") == 2 + 2 + 3);
  CHECK(Size(R"({"bs":{"BS":["AAA=","AA=="]}})") == 2 + 3);
  // Maps and lists: 3 bytes + 1 per element + contents.
  CHECK(Size(R"({"m":{"M":{}}})") == 1 + 3);
  CHECK(Size(R"({"l":{"L":[]}})") == 1 + 3);
  CHECK(Size(R"({"l":{"L":[{"S":"ab"},{"NULL":true}]}})") == 1 + 3 + (2 + 1) + (1 + 1));
  CHECK(Size(R"({"m":{"M":{"k":{"S":"ab"},"kk":{"BOOL":false}}}})") ==
        1 + 3 + (1 + 2 + 1) + (2 + 1 + 1));
  CHECK(Size(R"({"m":{"M":{"x":{"L":[{"M":{}}]}}}})") == 1 + 3 + (1 + (3 + (3 + 1)) + 1));
  CHECK(ItemSize(Item()) == 0);
  // Whole item: sum over attributes.
  CHECK(Size(R"({"pk":{"S":"user#1"},"n":{"N":"10"},"b":{"BOOL":true}})") ==
        (2 + 6) + (1 + 2) + (1 + 1));
}

TEST_CASE("NestingDepth counts DynamoDB levels") {
  CHECK(NestingDepth(Item()) == 0);
  CHECK(NestingDepth(ParseItem(R"({"a":{"S":"x"},"b":{"SS":["x"]}})")) == 1);
  CHECK(NestingDepth(ParseItem(R"({"a":{"M":{}}})")) == 1);
  CHECK(NestingDepth(ParseItem(R"({"a":{"M":{"b":{"S":"x"}}}})")) == 2);
  CHECK(NestingDepth(ParseItem(R"({"a":{"L":[{"N":"1"},{"L":[{"M":{"c":{"NULL":true}}}]}]}})")) ==
        4);
  CHECK(NestingDepth(AttributeValue::S("x")) == 1);
}

}  // namespace
}  // namespace pd
