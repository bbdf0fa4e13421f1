// api/json_reader.h against nlohmann's json::parse: the same texts accepted,
// the same DOM built (value types and float bits included), on fixed edge
// cases and on random texts (valid JSON, then byte mutations of it).
#include "api/json_reader.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace pd {
namespace api {
namespace json_reader_test {

using nlohmann::json;

// Equal as DOMs and as types: json's operator== calls 1 and 1.0 equal, and
// number_integer 0 and number_unsigned 0; the handlers may not. Iterative, as
// the deep-nesting case needs (and json's operator== is recursive).
bool Same(const json& a, const json& b) {
  std::vector<std::pair<const json*, const json*>> pending{{&a, &b}};
  while (!pending.empty()) {
    const json& x = *pending.back().first;
    const json& y = *pending.back().second;
    pending.pop_back();
    if (x.type() != y.type()) return false;
    switch (x.type()) {
      case json::value_t::object: {
        if (x.size() != y.size()) return false;
        auto iy = y.begin();
        for (auto ix = x.begin(); ix != x.end(); ++ix, ++iy) {
          if (ix.key() != iy.key()) return false;
          pending.emplace_back(&*ix, &*iy);
        }
        break;
      }
      case json::value_t::array:
        if (x.size() != y.size()) return false;
        for (size_t i = 0; i < x.size(); ++i) pending.emplace_back(&x[i], &y[i]);
        break;
      case json::value_t::number_float: {
        const double dx = x.get<double>();
        const double dy = y.get<double>();
        if (std::memcmp(&dx, &dy, sizeof dx) != 0) return false;
        break;
      }
      default:
        if (x != y) return false;
        break;
    }
  }
  return true;
}

// Checks ReadJson against json::parse on `text`, both ways of reporting errors.
void CheckText(const std::string& text) {
  CAPTURE(text);
  const json want = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  const json got = ReadJson(text, /*allow_exceptions=*/false);
  REQUIRE(got.is_discarded() == want.is_discarded());
  if (!want.is_discarded()) REQUIRE(Same(got, want));
  bool threw = false;
  try {
    const json again = ReadJson(text, /*allow_exceptions=*/true);
    REQUIRE(Same(again, want));
  } catch (const json::parse_error&) {
    threw = true;
  }
  REQUIRE(threw == want.is_discarded());
}

TEST_CASE("ReadJson reads the edge cases as json::parse does") {
  const std::string texts[] = {
      // Values and whitespace.
      "{}", "[]", " \t\r\n{ } ", "null", "true", "false", "\"\"", "[null,true,false]",
      "{\"a\":1,\"b\":{\"c\":[1,{\"d\":[]}]}}", "{\"a\":1,\"a\":[2]}",
      "{\"a\":{\"x\":1},\"a\":{\"y\":2}}", "{\"\":0}", "[[],[[]],{}]",
      // Numbers: types by sign and range, floats, bad forms.
      "0", "-0", "-0.0", "0.0", "1", "-1", "9223372036854775807", "9223372036854775808",
      "-9223372036854775808", "-9223372036854775809", "18446744073709551615",
      "18446744073709551616", "1e2", "1E2", "1e+2", "1e-2", "-1.5e-300", "1e-400", "1e308", "1e309",
      "-1e999", "123456789012345678901234567890", "0.1", "2.5e", "2.", ".5", "-", "+1", "01", "-01",
      "00", "1.5e+", "0x10", "1 2", "[1 2]", "1e5x", "[-]", "Infinity", "NaN",
      // Strings: escapes, surrogates, UTF-8, control bytes.
      "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\u0000\"", "\"\\u00e9\\u00E9\"", "\"\\ud83d\\ude00\"",
      "\"\\ud83d\"", "\"\\ud83dx\"", "\"\\ud83d\\u0041\"", "\"\\ude00\"", "\"\\u12\"",
      "\"\\u12g4\"", "\"\\x\"", "\"\\", "\"abc", "\"a\x01\"", "\"a\x1f\"", "\"a\x7f\"",
      "\"\xc3\xa9\"", "\"\xc0\x80\"", "\"\xc1\xbf\"", "\"\xc2\x80\"", "\"\xe0\x9f\x80\"",
      "\"\xe0\xa0\x80\"", "\"\xed\x9f\xbf\"", "\"\xed\xa0\x80\"", "\"\xef\xbf\xbf\"",
      "\"\xf0\x8f\xbf\xbf\"", "\"\xf0\x90\x80\x80\"", "\"\xf4\x8f\xbf\xbf\"",
      "\"\xf4\x90\x80\x80\"", "\"\xf5\x80\x80\x80\"", "\"\xff\"", "\"\x80\"", "\"\xe2\x82\"",
      "\"\xe2\x82", "\"\xf0\x9f\x98\"",
      // Literals and structure.
      "tru", "truee", "nul", "nulll", "fals", "True", "[1,]", "[,1]", "{,}", "{\"a\"}", "{\"a\":}",
      "{\"a\" 1}", "{\"a\":1,}", "{1:2}", "{\"a\":1]", "[1}", "]", "}", ":", ",", "", "   ", "{} x",
      "{}{}", "{nope", "[[[[[]]]]]", "[[[[[]]]]",
      // Byte order mark, NUL bytes.
      "\xef\xbb\xbf{}", "\xef\xbb\xbf", "\xef\xbb{}", "\xef{}", " \xef\xbb\xbf{}",
      "\xef\xbb\xbf\xef\xbb\xbf{}", std::string("{\"a\":1}\0", 8), std::string("{}\0garbage", 10),
      std::string("{} \0 x", 6), std::string("\0", 1), std::string("[1\0]", 4),
      std::string("\"a\0\"", 4), std::string("1\0", 2), std::string("\xef\xbb\xbf\0", 4)};
  for (const std::string& text : texts) CheckText(text);
}

TEST_CASE("ReadJson reads deep nesting without recursion") {
  const int depth = 100000;
  CheckText(std::string(depth, '[') + std::string(depth, ']'));
  std::string objects;
  for (int i = 0; i < depth; ++i) objects += "{\"a\":";
  objects += "1" + std::string(depth, '}');
  CheckText(objects);
  CheckText(std::string(depth, '['));
}

// Random JSON text: valid most of the time, with every kind of token.
class TextMaker {
 public:
  explicit TextMaker(uint32_t seed) : rng_(seed) {}

  std::string Make() {
    std::string out;
    Value(&out, 0);
    Space(&out);
    return out;
  }

  // `text` with a few bytes replaced, inserted or removed.
  std::string Mutate(std::string text) {
    static const char kBytes[] =
        "{}[],:\"\\u0-+.eE9 \ttnfa\x00\xef\xbb\xbf\xc3\xa9\xed\xf4\x80\x1f\x7f";
    const int edits = 1 + Below(3);
    for (int i = 0; i < edits; ++i) {
      const size_t at = text.empty() ? 0 : Below(static_cast<int>(text.size()));
      const char byte = kBytes[Below(sizeof kBytes - 1)];
      switch (Below(3)) {
        case 0:
          if (!text.empty()) text[at] = byte;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), byte);
          break;
        default:
          if (!text.empty()) text.erase(at, 1 + Below(3));
          break;
      }
    }
    return text;
  }

 private:
  int Below(int n) { return static_cast<int>(rng_() % static_cast<uint32_t>(n)); }

  void Space(std::string* out) {
    static const char kSpace[] = " \t\r\n";
    while (Below(4) == 0) out->push_back(kSpace[Below(4)]);
  }

  void Value(std::string* out, int depth) {
    Space(out);
    const int kind = Below(depth > 5 ? 5 : 7);
    switch (kind) {
      case 0: {
        static const char* const kWords[] = {"true", "false", "null"};
        out->append(kWords[Below(3)]);
        break;
      }
      case 1:
      case 2:
        Number(out);
        break;
      case 3:
      case 4:
        String(out);
        break;
      case 5: {
        out->push_back('[');
        const int n = Below(5);
        for (int i = 0; i < n; ++i) {
          if (i > 0) out->push_back(',');
          Value(out, depth + 1);
        }
        Space(out);
        out->push_back(']');
        break;
      }
      default: {
        out->push_back('{');
        const int n = Below(5);
        for (int i = 0; i < n; ++i) {
          if (i > 0) out->push_back(',');
          Space(out);
          // Few distinct names, so repeated names happen.
          if (Below(2) == 0) {
            out->append(std::string("\"") + static_cast<char>('a' + Below(3)) + "\"");
          } else {
            String(out);
          }
          Space(out);
          out->push_back(':');
          Value(out, depth + 1);
        }
        Space(out);
        out->push_back('}');
        break;
      }
    }
  }

  void Digits(std::string* out, int max) {
    const int n = 1 + Below(max);
    for (int i = 0; i < n; ++i) out->push_back(static_cast<char>('0' + Below(10)));
  }

  void Number(std::string* out) {
    static const char* const kEdges[] = {"9223372036854775807",
                                         "9223372036854775808",
                                         "-9223372036854775808",
                                         "-9223372036854775809",
                                         "18446744073709551615",
                                         "18446744073709551616",
                                         "1e308",
                                         "1.7976931348623157e308",
                                         "1.7976931348623159e308",
                                         "4.9e-324",
                                         "2.4e-324",
                                         "-0",
                                         "0.30000000000000004"};
    if (Below(4) == 0) {
      out->append(kEdges[Below(sizeof kEdges / sizeof kEdges[0])]);
      return;
    }
    if (Below(2) == 0) out->push_back('-');
    if (Below(3) == 0) {
      out->push_back('0');
    } else {
      out->push_back(static_cast<char>('1' + Below(9)));
      if (Below(2) == 0) Digits(out, 22);
    }
    if (Below(3) == 0) {
      out->push_back('.');
      Digits(out, 20);
    }
    if (Below(4) == 0) {
      out->push_back("eE"[Below(2)]);
      if (Below(2) == 0) out->push_back("+-"[Below(2)]);
      Digits(out, 3);
    }
  }

  void Hex4(std::string* out, int value) {
    static const char kLower[] = "0123456789abcdef";
    static const char kUpper[] = "0123456789ABCDEF";
    const char* digits = Below(2) == 0 ? kLower : kUpper;
    out->append("\\u");
    for (int shift = 12; shift >= 0; shift -= 4) out->push_back(digits[(value >> shift) & 0xF]);
  }

  void String(std::string* out) {
    out->push_back('"');
    const int n = Below(12);
    for (int i = 0; i < n; ++i) {
      switch (Below(10)) {
        case 0: {
          static const char* const kEscapes[] = {"\\\"", "\\\\", "\\/", "\\b",
                                                 "\\f",  "\\n",  "\\r", "\\t"};
          out->append(kEscapes[Below(8)]);
          break;
        }
        case 1: {
          // Any code unit, surrogates (paired or not) included.
          const int unit = Below(4) == 0 ? 0xD800 + Below(0x800) : Below(0x10000);
          Hex4(out, unit);
          if (unit >= 0xD800 && unit <= 0xDBFF && Below(4) != 0) Hex4(out, 0xDC00 + Below(0x400));
          break;
        }
        case 2: {
          static const char* const kUtf8[] = {"\xc3\xa9",         "\xe2\x82\xac",
                                              "\xf0\x9f\x98\x80", "\xed\x9f\xbf",
                                              "\xf4\x8f\xbf\xbf", "\xef\xbf\xbf"};
          out->append(kUtf8[Below(6)]);
          break;
        }
        case 3:
          // Any byte: mostly bad UTF-8 or control characters.
          if (Below(4) == 0) out->push_back(static_cast<char>(Below(256)));
          break;
        default:
          out->push_back(static_cast<char>(0x20 + Below(0x5f)));
          if (out->back() == '"' || out->back() == '\\') out->back() = 'x';
          break;
      }
    }
    out->push_back('"');
  }

  std::mt19937 rng_;
};

TEST_CASE("ReadJson reads random texts as json::parse does") {
  TextMaker maker(20261208);
  int valid = 0;
  int invalid = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text = maker.Make();
    if (i % 2 == 1) text = maker.Mutate(std::move(text));
    CheckText(text);
    const bool ok = !json::parse(text, nullptr, /*allow_exceptions=*/false).is_discarded();
    (ok ? valid : invalid)++;
  }
  // Both outcomes are exercised in numbers.
  CHECK(valid > 5000);
  CHECK(invalid > 5000);
}

}  // namespace json_reader_test
}  // namespace api
}  // namespace pd
