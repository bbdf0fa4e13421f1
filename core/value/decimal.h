// Decimal: an exact decimal number with DynamoDB's N semantics.
//
// What it holds
//   Zero, or (-1)^negative * d1.d2d3...dn * 10^exponent where
//     - d1..dn are the significant digits: 1 <= n <= 38, d1 != 0, dn != 0
//       (leading and trailing zeros are never significant: "1e50" has 1
//       significant digit, "0.00120" has 2);
//     - exponent is the power of ten of the leading digit, with
//       kMinExponent (-130) <= exponent <= kMaxExponent (125).
//   So the magnitudes are 1e-130 ..= 9.9999999999999999999999999999999999999e125,
//   as DynamoDB documents. The representation is canonical: two Decimals are
//   numerically equal iff their (negative, digits, exponent) are equal. There
//   is no negative zero ("-0" parses to zero).
//
// Text
//   Parse() accepts DynamoDB's number syntax:
//     number   := [ "+" | "-" ] mantissa [ ( "e" | "E" ) [ "+" | "-" ] digit+ ]
//     mantissa := digit+ [ "." digit* ] | "." digit+
//   Leading/trailing zeros are allowed anywhere; no spaces, hex, "Infinity" or
//   "NaN". ToString() gives the canonical plain notation DynamoDB returns:
//   no exponent, no trailing fraction zeros, no leading zeros, "-" only for
//   negatives: "1.50" -> "1.5", "-0" -> "0", "1e2" -> "100", "0.001" ->
//   "0.001", "1E+125" -> "1" followed by 125 zeros, "1e-130" -> "0." followed
//   by 129 zeros and "1".
//
// Errors
//   Parse/Add/Subtract return a Result whose failure Status is
//   Validation with DynamoDB's exact message as its message():
//     kEmpty          "The parameter cannot be converted to a numeric value"
//     kNotANumber     "The parameter cannot be converted to a numeric value: <text>"
//     kOverflow       "Number overflow. Attempting to store a number with magnitude larger
//                      than supported range" (one line)
//     kUnderflow      "Number underflow. Attempting to store a number with magnitude smaller
//                      than supported range" (one line)
//     kTooManyDigits  "Attempting to store more than 38 significant digits in a Number"
//   Parse checks in DynamoDB's order: syntax, overflow, underflow, digits.
//   Too many significant digits is always an error, never a rounding.
//   Pass a NumberError* to also learn which one (for callers that map kinds).
//
// Decimal is a small value type (no heap memory: digits live inline), cheap
// to copy; all methods are const and thread-compatible.
#ifndef PD_VALUE_DECIMAL_H_
#define PD_VALUE_DECIMAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "util/status.h"

namespace pd {

enum class NumberError : uint8_t {
  kNone = 0,       // success
  kEmpty,          // empty text
  kNotANumber,     // text is not DynamoDB number syntax
  kOverflow,       // magnitude >= 1e126
  kUnderflow,      // non-zero magnitude < 1e-130
  kTooManyDigits,  // more than 38 significant digits
};

// DynamoDB's message for `error` (see the table above); `text` is the input
// quoted by kNotANumber. REQUIRES: error != kNone.
std::string NumberErrorMessage(NumberError error, std::string_view text);

class Decimal {
 public:
  static constexpr int kMaxDigits = 38;      // significant digits
  static constexpr int kMinExponent = -130;  // exponent() of 1e-130
  static constexpr int kMaxExponent = 125;   // exponent() of 9.99...e125

  Decimal() = default;  // zero

  // Parses DynamoDB number text (grammar above). On failure: Validation
  // with DynamoDB's message, and *error (if non-null) set to the kind; on
  // success *error is kNone.
  static Result<Decimal> Parse(std::string_view text, NumberError* error = nullptr);

  // The exact value of v (always in range: at most 19 digits).
  static Decimal FromInt64(int64_t v);

  // Builds a Decimal from its canonical parts, as the key and item codecs
  // store them. `digits` is ASCII '0'..'9'. Returns InvalidArgument unless
  // the parts are canonical: digits empty (zero; then negative must be false
  // and exponent 0) or 1..38 digits with no leading/trailing '0' and
  // kMinExponent <= exponent <= kMaxExponent.
  static Result<Decimal> FromParts(bool negative, std::string_view digits, int exponent);

  // Exact a + b and a - b. Errors (Validation with DynamoDB's message,
  // *error set) when the exact result is out of range (kOverflow /
  // kUnderflow) or needs more than 38 significant digits (kTooManyDigits).
  static Result<Decimal> Add(const Decimal& a, const Decimal& b, NumberError* error = nullptr);
  static Result<Decimal> Subtract(const Decimal& a, const Decimal& b,
                                  NumberError* error = nullptr);

  // Total numeric order: -1, 0 or 1 as *this <, ==, > other.
  int Compare(const Decimal& other) const;

  // Canonical plain-notation text (see above).
  std::string ToString() const;

  // -x (zero stays zero).
  Decimal Negated() const;

  // Parts, for the key codec, item codec and item-size rules.
  bool is_zero() const { return num_digits_ == 0; }
  bool negative() const { return negative_; }  // false for zero
  // Significant digits as ASCII '1'..'9' first, last != '0'; empty for zero.
  // Valid as long as this Decimal is alive and unmodified.
  std::string_view digits() const { return std::string_view(digits_, num_digits_); }
  int significant_digits() const { return num_digits_; }  // 0 for zero
  int exponent() const { return exponent_; }               // power of ten of digit 1; 0 for zero

  // If the value is an integer that fits in int64_t, stores it and returns
  // true; otherwise returns false (e.g. for list indexes or counters).
  bool ToInt64(int64_t* out) const;

  bool operator==(const Decimal& o) const;
  bool operator!=(const Decimal& o) const { return !(*this == o); }
  bool operator<(const Decimal& o) const { return Compare(o) < 0; }
  bool operator<=(const Decimal& o) const { return Compare(o) <= 0; }
  bool operator>(const Decimal& o) const { return Compare(o) > 0; }
  bool operator>=(const Decimal& o) const { return Compare(o) >= 0; }

 private:
  bool negative_ = false;         // sign; false for zero
  uint8_t num_digits_ = 0;        // number of significant digits, 0..38; 0 = zero
  int16_t exponent_ = 0;          // power of ten of digits_[0]; 0 for zero
  char digits_[kMaxDigits] = {};  // ASCII significant digits [0, num_digits_)
};

}  // namespace pd

#endif  // PD_VALUE_DECIMAL_H_
