// Random DynamoDB values for property tests (value/ and keys/ suites).
// Deterministic for a given seed; biased towards edge cases (zero, equal
// prefixes, 0x00/0xFF bytes, extreme exponents, 38-digit numbers).
#ifndef PD_TESTS_VALUE_RANDOM_VALUES_H_
#define PD_TESTS_VALUE_RANDOM_VALUES_H_

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "value/attribute_value.h"
#include "value/decimal.h"
#include "value/item.h"

namespace pd {
namespace testing {

class RandomValues {
 public:
  explicit RandomValues(uint64_t seed) : rng_(seed) {}

  std::mt19937_64& rng() { return rng_; }

  int Uniform(int lo, int hi) {  // inclusive
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  bool OneIn(int n) { return Uniform(0, n - 1) == 0; }

  // Any in-range Decimal, often with shared prefixes and boundary values.
  Decimal Number() {
    switch (Uniform(0, 9)) {
      case 0:
        return Decimal();
      case 1:
        return Decimal::FromInt64(Uniform(-20, 20));
      case 2: {  // boundary magnitudes
        static const char* const kEdges[] = {
            "1e-130", "-1e-130", "9.9999999999999999999999999999999999999e125",
            "-9.9999999999999999999999999999999999999e125", "1e125", "-1e125",
            "12345678901234567890123456789012345678", "0.1", "-0.1", "1", "-1", "10", "-10"};
        return Decimal::Parse(kEdges[Uniform(0, 12)]).value();
      }
      default:
        break;
    }
    const int count = Uniform(0, 3) == 0 ? Uniform(1, 38) : Uniform(1, 4);
    std::string digits;
    for (int i = 0; i < count; ++i) {
      int lo = (i == 0 || i == count - 1) ? 1 : 0;
      digits.push_back(static_cast<char>('0' + Uniform(lo, 9)));
    }
    const int exponent = OneIn(3) ? Uniform(Decimal::kMinExponent, Decimal::kMaxExponent)
                                  : Uniform(-3, 3);
    return Decimal::FromParts(OneIn(2), digits, exponent).value();
  }

  // Raw bytes for B values, drawn from a small alphabet rich in 0x00/0x01/0xFF.
  std::string Bytes(int max_len = 6) {
    static const unsigned char kAlphabet[] = {0x00, 0x01, 0x02, 0x7F, 0x80, 0xFE, 0xFF, 'a', 'b'};
    std::string out;
    const int len = Uniform(0, max_len);
    for (int i = 0; i < len; ++i) out.push_back(static_cast<char>(kAlphabet[Uniform(0, 8)]));
    return out;
  }

  // UTF-8 text for S values: ASCII, NUL, and 2/3/4-byte characters.
  std::string Text(int max_len = 6) {
    static const char* const kPieces[] = {"a", "b", "z", "" /* NUL, appended below */, "\x01",
                                          "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "~"};
    std::string out;
    const int len = Uniform(0, max_len);
    for (int i = 0; i < len; ++i) {
      int k = Uniform(0, 8);
      if (k == 3) {
        out.push_back('\0');
      } else {
        out.append(kPieces[k]);
      }
    }
    return out;
  }

  // A random key-typed value (S, N or B).
  AttributeValue KeyValue(AttributeType type) {
    switch (type) {
      case AttributeType::kS:
        return AttributeValue::S(Text());
      case AttributeType::kN:
        return AttributeValue::N(Number());
      default:
        return AttributeValue::B(Bytes());
    }
  }

  // Any value, nested at most `depth` more levels.
  AttributeValue Value(int depth) {
    int kind = Uniform(0, depth > 0 ? 9 : 7);
    switch (kind) {
      case 0:
        return AttributeValue::S(Text());
      case 1:
        return AttributeValue::N(Number());
      case 2:
        return AttributeValue::B(Bytes());
      case 3:
        return AttributeValue::Bool(OneIn(2));
      case 4:
        return AttributeValue::Null();
      case 5: {
        std::vector<std::string> members;
        int n = Uniform(1, 4);
        for (int i = 0; i < n; ++i) members.push_back(Text());
        return SetOrScalar(AttributeValue::SS(Dedup(members)));
      }
      case 6: {
        std::vector<Decimal> members;
        int n = Uniform(1, 4);
        for (int i = 0; i < n; ++i) {
          Decimal d = Number();
          bool dup = false;
          for (const Decimal& m : members) dup = dup || m == d;
          if (!dup) members.push_back(d);
        }
        return AttributeValue::NS(members).value();
      }
      case 7: {
        std::vector<std::string> members;
        int n = Uniform(1, 4);
        for (int i = 0; i < n; ++i) members.push_back(Bytes());
        return SetOrScalar(AttributeValue::BS(Dedup(members)));
      }
      case 8: {
        AttributeMap map;
        int n = Uniform(0, 4);
        for (int i = 0; i < n; ++i) map.Set(Text(3), Value(depth - 1));
        return AttributeValue::M(std::move(map));
      }
      default: {
        AttributeValue::List list;
        int n = Uniform(0, 4);
        for (int i = 0; i < n; ++i) list.push_back(Value(depth - 1));
        return AttributeValue::L(std::move(list));
      }
    }
  }

  Item RandomItem(int depth) {
    Item item;
    int n = Uniform(0, 6);
    for (int i = 0; i < n; ++i) item.Set(Text(4), Value(depth));
    return item;
  }

 private:
  static std::vector<std::string> Dedup(std::vector<std::string> v) {
    std::vector<std::string> out;
    for (std::string& s : v) {
      bool dup = false;
      for (const std::string& o : out) dup = dup || o == s;
      if (!dup) out.push_back(std::move(s));
    }
    return out;
  }
  static AttributeValue SetOrScalar(Result<AttributeValue> r) { return std::move(r).value(); }

  std::mt19937_64 rng_;
};

}  // namespace testing
}  // namespace pd

#endif  // PD_TESTS_VALUE_RANDOM_VALUES_H_
