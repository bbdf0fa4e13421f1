#include "value/decimal.h"

#include <doctest/doctest.h>

#include <random>
#include <string>

namespace pd {
namespace {

constexpr const char* kOverflow =
    "Number overflow. Attempting to store a number with magnitude larger than supported range";
constexpr const char* kUnderflow =
    "Number underflow. Attempting to store a number with magnitude smaller than supported range";
constexpr const char* kDigits = "Attempting to store more than 38 significant digits in a Number";

std::string Canon(std::string_view text) {
  Result<Decimal> d = Decimal::Parse(text);
  REQUIRE_MESSAGE(d.ok(), text, ": ", d.status().ToString());
  return d->ToString();
}

// Parse must fail with `kind` and DynamoDB's `message`.
void ExpectError(std::string_view text, NumberError kind, const std::string& message) {
  NumberError got = NumberError::kNone;
  Result<Decimal> d = Decimal::Parse(text, &got);
  CHECK_MESSAGE(!d.ok(), text);
  CHECK_MESSAGE(got == kind, text);
  CHECK(d.status().IsValidation());
  CHECK(d.status().message() == message);
}

std::string Zeros(int n) { return std::string(static_cast<size_t>(n), '0'); }

TEST_CASE("Decimal parses DynamoDB number syntax into canonical text") {
  CHECK(Canon("0") == "0");
  CHECK(Canon("-0") == "0");
  CHECK(Canon("+0") == "0");
  CHECK(Canon("0.000") == "0");
  CHECK(Canon("-0.0e5") == "0");
  CHECK(Canon("0e999999999999999999") == "0");
  CHECK(Canon("0e-999999999999999999") == "0");
  CHECK(Canon("1.50") == "1.5");
  CHECK(Canon("1e2") == "100");
  CHECK(Canon("1E2") == "100");
  CHECK(Canon("1e+2") == "100");
  CHECK(Canon("100e-2") == "1");
  CHECK(Canon("0.001") == "0.001");
  CHECK(Canon("00012.3400") == "12.34");
  CHECK(Canon("-00012.3400") == "-12.34");
  CHECK(Canon("+5") == "5");
  CHECK(Canon(".5") == "0.5");
  CHECK(Canon("5.") == "5");
  CHECK(Canon("-.5e1") == "-5");
  CHECK(Canon("1.e1") == "10");
  CHECK(Canon("123.456e1") == "1234.56");
  CHECK(Canon("123.456e-5") == "0.00123456");
  CHECK(Canon("1e000") == "1");
  CHECK(Canon("-1e-0") == "-1");
  // Trailing zeros of integers are not significant.
  CHECK(Canon("1e50") == "1" + Zeros(50));
  CHECK(Canon("100000000000000000000000000000000000000000000000000") == "1" + Zeros(50));
  CHECK(Canon("0.00000000000000000000000000000000000000000000000001e50") == "1");
  // Plain notation at the extremes, as DynamoDB returns them.
  CHECK(Canon("1E+125") == "1" + Zeros(125));
  CHECK(Canon("1e-130") == "0." + Zeros(129) + "1");
  CHECK(Canon("-1e-130") == "-0." + Zeros(129) + "1");
  CHECK(Canon("9.9999999999999999999999999999999999999e125") ==
        std::string(38, '9') + Zeros(88));
}

TEST_CASE("Decimal keeps up to 38 significant digits exactly and rejects 39") {
  const std::string d38 = "12345678901234567890123456789012345678";
  CHECK(Canon(d38) == d38);
  CHECK(Canon("-1.2345678901234567890123456789012345678") ==
        "-1.2345678901234567890123456789012345678");
  CHECK(Canon("0.00" + d38 + "000") == "0.00" + d38);
  CHECK(Decimal::Parse(d38).value().significant_digits() == 38);
  ExpectError("123456789012345678901234567890123456789", NumberError::kTooManyDigits, kDigits);
  ExpectError("-1.23456789012345678901234567890123456789", NumberError::kTooManyDigits, kDigits);
  ExpectError("1000000000000000000000000000000000000001", NumberError::kTooManyDigits, kDigits);
  // 39 digits whose last is a zero only have 38 significant ones.
  CHECK(Canon("123456789012345678901234567890123456780") ==
        "123456789012345678901234567890123456780");
}

TEST_CASE("Decimal range edges: 1e-130 ..= 9.99e125") {
  CHECK(Decimal::Parse("1e-130").ok());
  CHECK(Decimal::Parse("0.1e-129").ok());
  CHECK(Decimal::Parse("9.9999999999999999999999999999999999999e125").ok());
  CHECK(Decimal::Parse("-9.9999999999999999999999999999999999999e125").ok());
  ExpectError("1e126", NumberError::kOverflow, kOverflow);
  ExpectError("-1e126", NumberError::kOverflow, kOverflow);
  ExpectError("10e125", NumberError::kOverflow, kOverflow);
  ExpectError("1e99999999999999999999999", NumberError::kOverflow, kOverflow);
  ExpectError("1e-131", NumberError::kUnderflow, kUnderflow);
  ExpectError("-1e-131", NumberError::kUnderflow, kUnderflow);
  ExpectError("0.1e-130", NumberError::kUnderflow, kUnderflow);
  ExpectError("1e-99999999999999999999999", NumberError::kUnderflow, kUnderflow);
  // Range is checked before digits, as DynamoDB does.
  ExpectError("1234567890123456789012345678901234567890e200", NumberError::kOverflow, kOverflow);
  CHECK(Decimal::Parse("1e125").value().exponent() == 125);
  CHECK(Decimal::Parse("1e-130").value().exponent() == -130);
}

TEST_CASE("Decimal rejects non-numbers with DynamoDB's messages") {
  ExpectError("", NumberError::kEmpty, "The parameter cannot be converted to a numeric value");
  for (const char* bad : {"b", " 1", "1 ", "1e", "1e+", "e5", ".", "-", "+", "--1", "+-1", "0x10",
                          "Infinity", "-Infinity", "NaN", "1.2.3", "1e1.5", "1,5", "١"}) {
    ExpectError(bad, NumberError::kNotANumber,
                std::string("The parameter cannot be converted to a numeric value: ") + bad);
  }
}

TEST_CASE("Decimal parts, FromParts and FromInt64") {
  Decimal d = Decimal::Parse("-0.0120").value();
  CHECK(d.negative());
  CHECK(d.digits() == "12");
  CHECK(d.exponent() == -2);
  CHECK(Decimal().is_zero());
  CHECK(!Decimal().negative());
  CHECK(Decimal::FromParts(true, "12", -2).value() == d);
  CHECK(!Decimal::FromParts(false, "120", 0).ok());
  CHECK(!Decimal::FromParts(false, "012", 0).ok());
  CHECK(!Decimal::FromParts(false, "1", 126).ok());
  CHECK(!Decimal::FromParts(false, "1", -131).ok());
  CHECK(!Decimal::FromParts(true, "", 0).ok());
  CHECK(!Decimal::FromParts(false, "1a", 0).ok());
  CHECK(!Decimal::FromParts(false, std::string(39, '1'), 0).ok());
  CHECK(Decimal::FromInt64(0).ToString() == "0");
  CHECK(Decimal::FromInt64(-1200).ToString() == "-1200");
  CHECK(Decimal::FromInt64(INT64_MAX).ToString() == "9223372036854775807");
  CHECK(Decimal::FromInt64(INT64_MIN).ToString() == "-9223372036854775808");
  int64_t v = 0;
  CHECK(Decimal::Parse("-9223372036854775808").value().ToInt64(&v));
  CHECK(v == INT64_MIN);
  CHECK(Decimal::Parse("9223372036854775807").value().ToInt64(&v));
  CHECK(v == INT64_MAX);
  CHECK(!Decimal::Parse("9223372036854775808").value().ToInt64(&v));
  CHECK(!Decimal::Parse("1.5").value().ToInt64(&v));
  CHECK(!Decimal::Parse("1e30").value().ToInt64(&v));
  CHECK(Decimal::Parse("1.5e1").value().ToInt64(&v));
  CHECK(v == 15);
}

TEST_CASE("Decimal compares numerically") {
  const char* ordered[] = {"-9.9999999999999999999999999999999999999e125", "-1e100", "-11", "-10",
                           "-9.5", "-1", "-0.11", "-0.1", "-1e-130", "0", "1e-130", "0.1",
                           "0.11", "1", "1.0000000000000000000000000000000000001", "9.5", "10",
                           "11", "1e100", "9.9999999999999999999999999999999999999e125"};
  const int n = sizeof(ordered) / sizeof(ordered[0]);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      Decimal a = Decimal::Parse(ordered[i]).value();
      Decimal b = Decimal::Parse(ordered[j]).value();
      int expected = i < j ? -1 : (i > j ? 1 : 0);
      CHECK_MESSAGE(a.Compare(b) == expected, ordered[i], " vs ", ordered[j]);
      CHECK((a == b) == (i == j));
      CHECK((a < b) == (i < j));
    }
  }
  CHECK(Decimal::Parse("1.0").value() == Decimal::Parse("1").value());
  CHECK(Decimal::Parse("-0").value() == Decimal());
}

std::string Sum(const char* a, const char* b) {
  Result<Decimal> r = Decimal::Add(Decimal::Parse(a).value(), Decimal::Parse(b).value());
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->ToString();
}

std::string Diff(const char* a, const char* b) {
  Result<Decimal> r = Decimal::Subtract(Decimal::Parse(a).value(), Decimal::Parse(b).value());
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return r->ToString();
}

TEST_CASE("Decimal Add and Subtract are exact") {
  CHECK(Sum("1", "2") == "3");
  CHECK(Sum("0.1", "0.2") == "0.3");
  CHECK(Sum("-0.1", "0.1") == "0");
  CHECK(Sum("999", "1") == "1000");
  CHECK(Sum("-1000", "1") == "-999");
  CHECK(Sum("1e100", "-1e100") == "0");
  CHECK(Sum("0", "-5.5") == "-5.5");
  CHECK(Sum("1.5", "0") == "1.5");
  CHECK(Diff("5", "7") == "-2");
  CHECK(Diff("-5", "-7") == "2");
  CHECK(Diff("1", "0.0001") == "0.9999");
  CHECK(Diff("0", "3") == "-3");
  // 38 digits exactly: 1e37 + 1 has 38 significant digits.
  CHECK(Sum("1e37", "1") == "1" + Zeros(36) + "1");
  CHECK(Sum("99999999999999999999999999999999999999", "1") == "1" + Zeros(38));
  CHECK(Sum("1e-130", "1e-130") == "0." + Zeros(129) + "2");
  CHECK(Diff("2e-130", "1e-130") == "0." + Zeros(129) + "1");
  CHECK(Sum("1e25", "-1e-12") == std::string(25, '9') + "." + std::string(12, '9'));
}

TEST_CASE("Decimal Add and Subtract report DynamoDB's errors") {
  NumberError kind = NumberError::kNone;
  const Decimal max = Decimal::Parse("9.9999999999999999999999999999999999999e125").value();
  Result<Decimal> r = Decimal::Add(max, Decimal::Parse("1e125").value(), &kind);
  CHECK(!r.ok());
  CHECK(kind == NumberError::kOverflow);
  CHECK(r.status().message() == kOverflow);
  r = Decimal::Subtract(max.Negated(), Decimal::Parse("1e88").value(), &kind);
  CHECK(kind == NumberError::kOverflow);
  r = Decimal::Subtract(Decimal::Parse("1.5e-130").value(), Decimal::Parse("1e-130").value(),
                        &kind);
  CHECK(!r.ok());
  CHECK(kind == NumberError::kUnderflow);
  CHECK(r.status().message() == kUnderflow);
  r = Decimal::Add(Decimal::Parse("1e38").value(), Decimal::Parse("1").value(), &kind);
  CHECK(!r.ok());
  CHECK(kind == NumberError::kTooManyDigits);
  CHECK(r.status().message() == kDigits);
  r = Decimal::Add(Decimal::Parse("1").value(), Decimal::Parse("1e-40").value(), &kind);
  CHECK(kind == NumberError::kTooManyDigits);
  r = Decimal::Add(Decimal::Parse("1").value(), Decimal::Parse("2").value(), &kind);
  CHECK(r.ok());
  CHECK(kind == NumberError::kNone);
}

// Reference text of m * 10^k for an integer m, built without Decimal.
std::string RefText(__int128 m, int k) {
  if (m == 0) return "0";
  bool neg = m < 0;
  unsigned __int128 mag = neg ? static_cast<unsigned __int128>(-(m + 1)) + 1 : m;
  std::string digits;
  while (mag > 0) {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(mag % 10)));
    mag /= 10;
  }
  std::string out;
  if (k >= 0) {
    out = digits + Zeros(k);
  } else {
    int frac = -k;
    if (static_cast<int>(digits.size()) <= frac) {
      digits.insert(0, Zeros(frac - static_cast<int>(digits.size()) + 1));
    }
    out = digits.substr(0, digits.size() - static_cast<size_t>(frac)) + "." +
          digits.substr(digits.size() - static_cast<size_t>(frac));
    while (out.back() == '0') out.pop_back();
    if (out.back() == '.') out.pop_back();
  }
  return neg ? "-" + out : out;
}

TEST_CASE("Decimal arithmetic and order match 128-bit integer arithmetic (property)") {
  std::mt19937_64 rng(20240601);
  auto random_mantissa = [&]() -> __int128 {
    int digits = std::uniform_int_distribution<int>(1, 37)(rng);
    __int128 m = 0;
    for (int i = 0; i < digits; ++i) m = m * 10 + static_cast<int>(rng() % 10);
    return (rng() & 1) ? -m : m;
  };
  for (int iter = 0; iter < 20000; ++iter) {
    __int128 ma = random_mantissa();
    __int128 mb = random_mantissa();
    int k = std::uniform_int_distribution<int>(-60, 60)(rng);
    std::string ta = RefText(ma, k);
    std::string tb = RefText(mb, k);
    Decimal a = Decimal::Parse(ta).value();
    Decimal b = Decimal::Parse(tb).value();
    REQUIRE(a.ToString() == ta);
    int expected = ma < mb ? -1 : (ma > mb ? 1 : 0);
    REQUIRE_MESSAGE(a.Compare(b) == expected, ta, " vs ", tb);
    Result<Decimal> sum = Decimal::Add(a, b);
    Result<Decimal> diff = Decimal::Subtract(a, b);
    // |ma|, |mb| < 1e37, so sums and differences have at most 38 digits.
    REQUIRE(sum.ok());
    REQUIRE(diff.ok());
    CHECK(sum->ToString() == RefText(ma + mb, k));
    CHECK(diff->ToString() == RefText(ma - mb, k));
    // Round trip through the parts.
    Decimal back = Decimal::FromParts(a.negative(), a.digits(), a.exponent()).value();
    CHECK(back == a);
  }
}

}  // namespace
}  // namespace pd
