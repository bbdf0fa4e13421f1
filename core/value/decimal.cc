#include "value/decimal.h"

#include <algorithm>
#include <cstring>

namespace pd {

namespace {

constexpr const char* kNotNumeric = "The parameter cannot be converted to a numeric value";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Exponents beyond this are out of range whatever the mantissa, so parsing
// clamps to it instead of overflowing int64_t.
constexpr int64_t kExponentClamp = int64_t{1} << 40;

// Digit buffer wide enough for the exact sum or difference of any two
// in-range Decimals: positions from 10^(kMinExponent - 37) to
// 10^(kMaxExponent + 1), plus slack.
constexpr int kWorkDigits = Decimal::kMaxExponent - Decimal::kMinExponent + Decimal::kMaxDigits + 4;

}  // namespace

std::string NumberErrorMessage(NumberError error, std::string_view text) {
  switch (error) {
    case NumberError::kNone:
      return "";
    case NumberError::kEmpty:
      return kNotNumeric;
    case NumberError::kNotANumber:
      return std::string(kNotNumeric) + ": " + std::string(text);
    case NumberError::kOverflow:
      return "Number overflow. Attempting to store a number with magnitude larger than supported "
             "range";
    case NumberError::kUnderflow:
      return "Number underflow. Attempting to store a number with magnitude smaller than "
             "supported range";
    case NumberError::kTooManyDigits:
      return "Attempting to store more than 38 significant digits in a Number";
  }
  return "";
}

namespace {

// Classifies a normalised non-zero number: leading digit power `exponent`,
// `count` significant digits. Order as DynamoDB checks: overflow, underflow,
// digits.
NumberError RangeCheck(int64_t exponent, int64_t count) {
  if (exponent > Decimal::kMaxExponent) return NumberError::kOverflow;
  if (exponent < Decimal::kMinExponent) return NumberError::kUnderflow;
  if (count > Decimal::kMaxDigits) return NumberError::kTooManyDigits;
  return NumberError::kNone;
}

Status Fail(NumberError kind, std::string_view text, NumberError* error) {
  if (error != nullptr) *error = kind;
  return Status::Validation(NumberErrorMessage(kind, text));
}

}  // namespace

Result<Decimal> Decimal::Parse(std::string_view text, NumberError* error) {
  if (error != nullptr) *error = NumberError::kNone;
  if (text.empty()) return Fail(NumberError::kEmpty, text, error);

  size_t i = 0;
  bool negative = false;
  if (text[i] == '+' || text[i] == '-') {
    negative = text[i] == '-';
    ++i;
  }
  // Mantissa: [int digits] ["." [frac digits]], at least one digit in all.
  size_t int_begin = i;
  while (i < text.size() && IsDigit(text[i])) ++i;
  size_t int_end = i;
  size_t frac_begin = i;
  size_t frac_end = i;
  if (i < text.size() && text[i] == '.') {
    ++i;
    frac_begin = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    frac_end = i;
  }
  if (int_end == int_begin && frac_end == frac_begin) {
    return Fail(NumberError::kNotANumber, text, error);
  }
  int64_t exp_value = 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    bool exp_negative = false;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
      exp_negative = text[i] == '-';
      ++i;
    }
    size_t exp_begin = i;
    while (i < text.size() && IsDigit(text[i])) {
      if (exp_value < kExponentClamp) exp_value = exp_value * 10 + (text[i] - '0');
      ++i;
    }
    if (i == exp_begin) return Fail(NumberError::kNotANumber, text, error);
    if (exp_negative) exp_value = -exp_value;
  }
  if (i != text.size()) return Fail(NumberError::kNotANumber, text, error);

  // The mantissa digits are text[int_begin, int_end) ++ text[frac_begin,
  // frac_end); position p (0-based over that concatenation) has power of ten
  // (int_len - 1 - p) + exp_value.
  const int64_t int_len = static_cast<int64_t>(int_end - int_begin);
  const int64_t total = int_len + static_cast<int64_t>(frac_end - frac_begin);
  auto digit_at = [&](int64_t p) -> char {
    return p < int_len ? text[int_begin + static_cast<size_t>(p)]
                       : text[frac_begin + static_cast<size_t>(p - int_len)];
  };
  int64_t first = 0;
  while (first < total && digit_at(first) == '0') ++first;
  if (first == total) {
    return Decimal();  // zero, whatever the sign or exponent
  }
  int64_t last = total - 1;
  while (digit_at(last) == '0') --last;
  const int64_t count = last - first + 1;
  const int64_t exponent = (int_len - 1 - first) + exp_value;
  NumberError kind = RangeCheck(exponent, count);
  if (kind != NumberError::kNone) return Fail(kind, text, error);

  Decimal d;
  d.negative_ = negative;
  d.num_digits_ = static_cast<uint8_t>(count);
  d.exponent_ = static_cast<int16_t>(exponent);
  for (int64_t k = 0; k < count; ++k) d.digits_[k] = digit_at(first + k);
  return d;
}

Decimal Decimal::FromInt64(int64_t v) {
  Decimal d;
  if (v == 0) return d;
  uint64_t mag = v < 0 ? uint64_t{0} - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  char buf[20];
  int len = 0;
  while (mag > 0) {
    buf[len++] = static_cast<char>('0' + mag % 10);
    mag /= 10;
  }
  std::reverse(buf, buf + len);
  int count = len;
  while (buf[count - 1] == '0') --count;
  d.negative_ = v < 0;
  d.num_digits_ = static_cast<uint8_t>(count);
  d.exponent_ = static_cast<int16_t>(len - 1);
  std::memcpy(d.digits_, buf, static_cast<size_t>(count));
  return d;
}

Result<Decimal> Decimal::FromParts(bool negative, std::string_view digits, int exponent) {
  Decimal d;
  if (digits.empty()) {
    if (negative || exponent != 0) return Status::InvalidArgument("non-canonical zero");
    return d;
  }
  if (digits.size() > static_cast<size_t>(kMaxDigits)) {
    return Status::InvalidArgument("more than 38 digits");
  }
  for (char c : digits) {
    if (!IsDigit(c)) return Status::InvalidArgument("non-digit in number digits");
  }
  if (digits.front() == '0' || digits.back() == '0') {
    return Status::InvalidArgument("leading or trailing zero in number digits");
  }
  if (exponent < kMinExponent || exponent > kMaxExponent) {
    return Status::InvalidArgument("number exponent out of range");
  }
  d.negative_ = negative;
  d.num_digits_ = static_cast<uint8_t>(digits.size());
  d.exponent_ = static_cast<int16_t>(exponent);
  std::memcpy(d.digits_, digits.data(), digits.size());
  return d;
}

namespace {

// Places |x|'s digits into work[] where index k holds the digit of power
// (low_power + k).
void Spread(const Decimal& x, int low_power, int8_t* work) {
  std::string_view ds = x.digits();
  for (size_t k = 0; k < ds.size(); ++k) {
    int power = x.exponent() - static_cast<int>(k);
    work[power - low_power] = static_cast<int8_t>(ds[k] - '0');
  }
}

}  // namespace

Result<Decimal> Decimal::Add(const Decimal& a, const Decimal& b, NumberError* error) {
  if (error != nullptr) *error = NumberError::kNone;
  if (a.is_zero()) return b;
  if (b.is_zero()) return a;

  // Exact arithmetic on magnitudes over a digit window.
  const int a_low = a.exponent() - (a.significant_digits() - 1);
  const int b_low = b.exponent() - (b.significant_digits() - 1);
  const int low_power = std::min(a_low, b_low);
  const int high_power = std::max(a.exponent(), b.exponent()) + 1;  // room for a carry
  const int width = high_power - low_power + 1;                     // <= kWorkDigits

  int8_t x[kWorkDigits] = {};
  int8_t y[kWorkDigits] = {};
  int8_t r[kWorkDigits] = {};
  Spread(a, low_power, x);
  Spread(b, low_power, y);

  bool result_negative;
  if (a.negative() == b.negative()) {
    int carry = 0;
    for (int k = 0; k < width; ++k) {
      int s = x[k] + y[k] + carry;
      r[k] = static_cast<int8_t>(s % 10);
      carry = s / 10;
    }
    result_negative = a.negative();
  } else {
    // Subtract the smaller magnitude from the larger.
    int cmp = 0;
    for (int k = width - 1; k >= 0 && cmp == 0; --k) {
      if (x[k] != y[k]) cmp = x[k] < y[k] ? -1 : 1;
    }
    if (cmp == 0) return Decimal();  // exact cancellation
    const int8_t* big = cmp > 0 ? x : y;
    const int8_t* small = cmp > 0 ? y : x;
    int borrow = 0;
    for (int k = 0; k < width; ++k) {
      int s = big[k] - small[k] - borrow;
      borrow = s < 0 ? 1 : 0;
      r[k] = static_cast<int8_t>(s + 10 * borrow);
    }
    result_negative = cmp > 0 ? a.negative() : b.negative();
  }

  int top = width - 1;
  while (top >= 0 && r[top] == 0) --top;
  if (top < 0) return Decimal();
  int bottom = 0;
  while (r[bottom] == 0) ++bottom;
  const int64_t exponent = low_power + top;
  const int64_t count = top - bottom + 1;
  NumberError kind = RangeCheck(exponent, count);
  if (kind != NumberError::kNone) return Fail(kind, "", error);

  Decimal d;
  d.negative_ = result_negative;
  d.num_digits_ = static_cast<uint8_t>(count);
  d.exponent_ = static_cast<int16_t>(exponent);
  for (int k = 0; k < count; ++k) d.digits_[k] = static_cast<char>('0' + r[top - k]);
  return d;
}

Result<Decimal> Decimal::Subtract(const Decimal& a, const Decimal& b, NumberError* error) {
  return Add(a, b.Negated(), error);
}

Decimal Decimal::Negated() const {
  Decimal d = *this;
  if (!d.is_zero()) d.negative_ = !d.negative_;
  return d;
}

int Decimal::Compare(const Decimal& other) const {
  // Sign class: -1 negative, 0 zero, 1 positive.
  int sa = is_zero() ? 0 : (negative_ ? -1 : 1);
  int sb = other.is_zero() ? 0 : (other.negative_ ? -1 : 1);
  if (sa != sb) return sa < sb ? -1 : 1;
  if (sa == 0) return 0;
  int mag;  // order of the magnitudes
  if (exponent_ != other.exponent_) {
    mag = exponent_ < other.exponent_ ? -1 : 1;
  } else {
    int c = digits().compare(other.digits());
    mag = c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  return sa > 0 ? mag : -mag;
}

bool Decimal::operator==(const Decimal& o) const {
  return negative_ == o.negative_ && num_digits_ == o.num_digits_ && exponent_ == o.exponent_ &&
         std::memcmp(digits_, o.digits_, num_digits_) == 0;
}

std::string Decimal::ToString() const {
  if (is_zero()) return "0";
  std::string out;
  if (negative_) out.push_back('-');
  const int n = num_digits_;
  const int e = exponent_;
  if (e < 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-e - 1), '0');
    out.append(digits_, static_cast<size_t>(n));
  } else if (e >= n - 1) {
    out.append(digits_, static_cast<size_t>(n));
    out.append(static_cast<size_t>(e - (n - 1)), '0');
  } else {
    out.append(digits_, static_cast<size_t>(e + 1));
    out.push_back('.');
    out.append(digits_ + e + 1, static_cast<size_t>(n - (e + 1)));
  }
  return out;
}

bool Decimal::ToInt64(int64_t* out) const {
  if (is_zero()) {
    *out = 0;
    return true;
  }
  const int n = num_digits_;
  const int e = exponent_;
  if (e < n - 1 || e > 18) return false;  // has a fraction, or >= 1e19
  uint64_t mag = 0;
  for (int k = 0; k <= e; ++k) {
    mag = mag * 10 + static_cast<uint64_t>(k < n ? digits_[k] - '0' : 0);  // < 1e19 fits
  }
  const uint64_t limit = negative_ ? (uint64_t{1} << 63) : (uint64_t{1} << 63) - 1;
  if (mag > limit) return false;
  *out = negative_ ? static_cast<int64_t>(uint64_t{0} - mag) : static_cast<int64_t>(mag);
  return true;
}

}  // namespace pd
