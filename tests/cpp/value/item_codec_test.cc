#include "value/item_codec.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

#include "value/json_codec.h"
#include "value/random_values.h"

namespace pd {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string Encoded(const char* json_text) {
  Item item;
  REQUIRE(!ItemFromJson(nlohmann::json::parse(json_text), &item).has_value());
  std::string out;
  EncodeItem(item, &out);
  return out;
}

TEST_CASE("Item encoding matches the documented format") {
  CHECK(Hex(Encoded(R"({})")) == "0100");
  CHECK(Hex(Encoded(R"({"a":{"N":"-1.5"}})")) == "0101" "0161" "01" "828215");
  CHECK(Hex(Encoded(R"({"a":{"N":"0"}})")) == "0101" "0161" "01" "00");
  CHECK(Hex(Encoded(R"({"a":{"N":"123"}})")) == "0101" "0161" "01" "03" "84" "1230");
  CHECK(Hex(Encoded(R"({"a":{"S":"hi"}})")) == "0101" "0161" "00" "026869");
  CHECK(Hex(Encoded(R"({"a":{"BOOL":true},"b":{"NULL":true}})")) ==
        "0102" "0161" "0301" "0162" "04");
  CHECK(Hex(Encoded(R"({"a":{"SS":["y","x"]}})")) == "0101" "0161" "07" "02" "0178" "0179");
  CHECK(Hex(Encoded(R"({"a":{"L":[{"B":"AA=="}]}})")) == "0101" "0161" "06" "01" "02" "0100");
  CHECK(Hex(Encoded(R"({"a":{"M":{"k":{"NS":["1e-130"]}}}})")) ==
        "0101" "0161" "05" "01" "016b" "08" "01" "01" "00" "10");
}

TEST_CASE("Items and values round-trip exactly (property)") {
  testing::RandomValues rv(1234);
  for (int i = 0; i < 3000; ++i) {
    Item item = rv.RandomItem(5);
    std::string bytes;
    EncodeItem(item, &bytes);
    Result<Item> back = DecodeItem(bytes);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(*back == item);

    AttributeValue v = rv.Value(5);
    std::string vbytes;
    EncodeAttributeValue(v, &vbytes);
    Result<AttributeValue> vback = DecodeAttributeValue(vbytes);
    REQUIRE_MESSAGE(vback.ok(), vback.status().ToString());
    CHECK(*vback == v);
  }
}

TEST_CASE("Every truncation and trailing byte is Corruption") {
  testing::RandomValues rv(77);
  for (int i = 0; i < 200; ++i) {
    Item item = rv.RandomItem(3);
    std::string bytes;
    EncodeItem(item, &bytes);
    for (size_t len = 0; len < bytes.size(); ++len) {
      Result<Item> r = DecodeItem(std::string_view(bytes.data(), len));
      CHECK_MESSAGE(!r.ok(), "prefix ", len, " of ", Hex(bytes));
      if (!r.ok()) CHECK(r.status().IsCorruption());
    }
    Result<Item> r = DecodeItem(bytes + '\0');
    CHECK(r.status().IsCorruption());
  }
}

TEST_CASE("Hand-made bad encodings are Corruption") {
  const char* bad[] = {
      "",                        // no version
      "02" "00",                 // unknown version
      "01" "01" "0161" "0a",     // unknown tag
      "01" "01" "0161" "0302",   // BOOL byte 2
      "01" "02" "0162" "04" "0161" "04",   // names not ascending
      "01" "02" "0161" "04" "0161" "04",   // duplicate name
      "01" "01" "01ff" "04",     // name not UTF-8
      "01" "01" "0161" "00" "01ff",        // S not UTF-8
      "01" "01" "0161" "07" "00",          // empty SS
      "01" "01" "0161" "07" "02" "0179" "0178",  // SS not ascending
      "01" "01" "0161" "08" "02" "00" "00",      // NS duplicate zero
      "01" "01" "0161" "01" "40",          // reserved number bit
      "01" "01" "0161" "01" "27" "82",     // 39 digits, truncated anyway
      "01" "01" "0161" "01" "01" "82" "10",  // digits "10": trailing zero... odd count pad ok? no: n=1 ok
      "01" "01" "0161" "01" "02" "82" "10",  // n=2, digits "10": trailing zero
      "01" "01" "0161" "01" "01" "82" "05",  // leading zero
      "01" "01" "0161" "01" "01" "82" "1a",  // nibble > 9 / pad nibble != 0
      "01" "01" "0161" "01" "01" "82" "a0",  // nibble > 9
      "01" "01" "0161" "01" "80",            // negative zero header
      "01" "ffffffff0f",          // huge count
      "01" "01" "0161" "06" "ffffffff0f",  // huge list count
      "01" "01" "0161" "00" "ffffffff0f",  // huge string length
  };
  auto unhex = [](const std::string& hex) {
    std::string out;
    for (size_t i = 0; i + 1 < hex.size(); i += 2) {
      out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return out;
  };
  int idx = 0;
  for (const char* h : bad) {
    std::string bytes = unhex(h);
    Result<Item> r = DecodeItem(bytes);
    // "01 01 0161 01 01 82 10" is the valid number 1 (odd count, pad 0).
    if (std::string(h) == "01" "01" "0161" "01" "01" "82" "10") {
      CHECK(r.ok());
    } else {
      CHECK_MESSAGE(!r.ok(), "case ", idx, ": ", h);
      if (!r.ok()) CHECK(r.status().IsCorruption());
    }
    ++idx;
  }
  // Nesting beyond kMaxDecodeDepth.
  std::string deep = unhex("0101" "0161");
  for (int i = 0; i < kMaxDecodeDepth; ++i) deep += unhex("0601");
  deep += unhex("04");
  CHECK(DecodeItem(deep).status().IsCorruption());
  std::string ok = unhex("0101" "0161");
  for (int i = 0; i < kMaxDecodeDepth - 1; ++i) ok += unhex("0601");
  ok += unhex("04");
  CHECK(DecodeItem(ok).ok());
}

TEST_CASE("Fuzzed bytes decode to Corruption or a valid item, never crash") {
  testing::RandomValues rv(31337);
  std::mt19937_64& rng = rv.rng();
  int corrupt = 0;
  int decoded = 0;
  for (int i = 0; i < 20000; ++i) {
    Item item = rv.RandomItem(4);
    std::string bytes;
    EncodeItem(item, &bytes);
    int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations && !bytes.empty(); ++m) {
      size_t pos = rng() % bytes.size();
      switch (rng() % 4) {
        case 0: bytes[pos] = static_cast<char>(rng() & 0xFF); break;
        case 1: bytes[pos] = static_cast<char>(bytes[pos] ^ (1 << (rng() % 8))); break;
        case 2: bytes.erase(pos, 1 + rng() % 3); break;
        default: bytes.insert(pos, 1, static_cast<char>(rng() & 0xFF)); break;
      }
    }
    Result<Item> r = DecodeItem(bytes);
    if (r.ok()) {
      ++decoded;
      // Whatever decodes is a canonical item: it re-encodes to the same bytes.
      std::string again;
      EncodeItem(*r, &again);
      CHECK(again == bytes);
    } else {
      ++corrupt;
      CHECK(r.status().IsCorruption());
    }
  }
  CHECK(corrupt > 10000);
  MESSAGE("fuzz: ", corrupt, " corrupt, ", decoded, " decoded");
  // Pure random bytes too.
  for (int i = 0; i < 20000; ++i) {
    std::string bytes(rng() % 64, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    if (!bytes.empty() && (rng() & 1)) bytes[0] = 0x01;
    Result<Item> r = DecodeItem(bytes);
    if (!r.ok()) CHECK(r.status().IsCorruption());
    Result<AttributeValue> v = DecodeAttributeValue(bytes);
    if (!v.ok()) CHECK(v.status().IsCorruption());
  }
}

// AppendItemJsonFromEncoded against DecodeItem + AppendItemJson + ItemSize:
// the same text and size, or the same status with *out left as it was.
void CheckFromEncoded(const std::string& bytes) {
  std::string direct = "prefix";
  uint64_t size = 0;
  Status s = AppendItemJsonFromEncoded(bytes, &direct, &size);
  Result<Item> item = DecodeItem(bytes);
  REQUIRE_MESSAGE(s.ok() == item.ok(), Hex(bytes));
  if (!item.ok()) {
    CHECK(s.ToString() == item.status().ToString());
    CHECK(direct == "prefix");
    return;
  }
  std::string via_item = "prefix";
  AppendItemJson(*item, &via_item);
  CHECK_MESSAGE(direct == via_item, Hex(bytes));
  CHECK(size == ItemSize(*item));
}

TEST_CASE("AppendItemJsonFromEncoded writes what DecodeItem + AppendItemJson write") {
  testing::RandomValues rv(4242);
  std::mt19937_64& rng = rv.rng();
  for (int i = 0; i < 3000; ++i) {
    Item item = rv.RandomItem(4);
    std::string bytes;
    EncodeItem(item, &bytes);
    CheckFromEncoded(bytes);
    // Damaged copies: the first failure found is DecodeItem's.
    for (size_t len = 0; len < bytes.size(); len += 1 + bytes.size() / 8) {
      CheckFromEncoded(bytes.substr(0, len));
    }
    CheckFromEncoded(bytes + '\0');
    std::string flipped = bytes;
    if (!flipped.empty()) {
      const size_t pos = rng() % flipped.size();
      flipped[pos] = static_cast<char>(flipped[pos] ^ (1 << (rng() % 8)));
      CheckFromEncoded(flipped);
    }
  }
}

// The direct writer goes through a 1 KiB buffer: texts around and above its
// size, members whose text adds up to many KiB, names and values that need
// escapes or are not ASCII, and numbers of every shape ToString writes.
TEST_CASE(
    "AppendItemJsonFromEncoded across its buffer: long texts, many members, all number shapes") {
  Item item;
  for (size_t len : {0, 1, 7, 8, 9, 1015, 1016, 1021, 1022, 1023, 1024, 1025, 2049, 5000}) {
    const std::string n = std::to_string(len);
    item.Set("plain" + n, AttributeValue::S(std::string(len, 'x')));
    item.Set("quote" + n, AttributeValue::S(std::string(len, '~') + "\"\\\n\x7f\x01"));
    item.Set("utf8" + n, AttributeValue::S(std::string(len, 'a') + "\xc3\xa9\xe2\x82\xac"));
    item.Set(std::string(len, 'k') + "\t" + n, AttributeValue::S(n));
  }
  for (const char* text :
       {"0", "1", "-1", "10", "100000", "0.5", "-0.001", "123.456", "1e-130", "-1e-130",
        "9.9999999999999999999999999999999999999e125", "-12345678901234567890123456789012345678",
        "1.2345678901234567890123456789012345678e-100", "5e125", "-7e37"}) {
    Result<Decimal> d = Decimal::Parse(text);
    REQUIRE_MESSAGE(d.ok(), text);
    item.Set(std::string("n") + text, AttributeValue::N(*d));
  }
  for (int i = 0; i < 300; ++i) {
    item.Set("m" + std::to_string(1000 + i),
             AttributeValue::N(Decimal::FromInt64(i * 7919 - 1000)));
  }
  item.Set("z-other", AttributeValue::Bool(true));
  std::string bytes;
  EncodeItem(item, &bytes);
  CheckFromEncoded(bytes);
  for (size_t len = 0; len < bytes.size(); len += 997) CheckFromEncoded(bytes.substr(0, len));
}

}  // namespace
}  // namespace pd
