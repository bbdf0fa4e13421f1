// Implementation of the key encodings specified in keys/key_codec.h (the
// grammar and table-key layout live there, next to the API they describe).
#include "keys/key_codec.h"

#include <cassert>

#include "util/coding.h"

namespace pd {

namespace {

constexpr uint8_t kNumNegative = 0x01;  // N body marker: negative
constexpr uint8_t kNumZero = 0x02;      // N body marker: zero
constexpr uint8_t kNumPositive = 0x03;  // N body marker: positive
constexpr int kExponentBias = 130;      // exponent byte = e + 130 (0..255)

Status Bad(const char* what) { return Status::Corruption(std::string("key encoding: ") + what); }

void EncodeBytes(uint8_t type_byte, std::string_view bytes, std::string* out) {
  out->push_back(static_cast<char>(type_byte));
  for (char c : bytes) {
    out->push_back(c);
    if (c == '\0') out->push_back(static_cast<char>(0xFF));
  }
  out->push_back('\0');
  out->push_back(static_cast<char>(0x01));
}

void EncodeNumber(const Decimal& d, std::string* out) {
  out->push_back(static_cast<char>(kKeyTypeN));
  if (d.is_zero()) {
    out->push_back(static_cast<char>(kNumZero));
    return;
  }
  const bool neg = d.negative();
  const int biased = d.exponent() + kExponentBias;  // 0..255
  out->push_back(static_cast<char>(neg ? kNumNegative : kNumPositive));
  out->push_back(static_cast<char>(neg ? 255 - biased : biased));
  std::string_view digits = d.digits();
  const size_t n = digits.size();
  for (size_t i = 0; i < n; i += 2) {
    int pair = (digits[i] - '0') * 10 + (i + 1 < n ? digits[i + 1] - '0' : 0);
    int byte = pair + 1;  // 1..100
    out->push_back(static_cast<char>(neg ? 101 - byte : byte));
  }
  out->push_back(static_cast<char>(neg ? 0xFF : 0x00));
}

// Reads the escaped bytes and terminator of an S/B body from *in.
Status DecodeBytes(std::string_view* in, std::string* out) {
  size_t i = 0;
  const size_t n = in->size();
  while (true) {
    if (i >= n) return Bad("unterminated string");
    char c = (*in)[i];
    if (c != '\0') {
      out->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= n) return Bad("truncated escape");
    uint8_t next = static_cast<uint8_t>((*in)[i + 1]);
    if (next == 0x01) {
      in->remove_prefix(i + 2);
      return Status::OK();
    }
    if (next != 0xFF) return Bad("bad escape");
    out->push_back('\0');
    i += 2;
  }
}

Status DecodeNumber(std::string_view* in, Decimal* out) {
  if (in->empty()) return Bad("truncated number");
  const uint8_t marker = static_cast<uint8_t>((*in)[0]);
  if (marker == kNumZero) {
    in->remove_prefix(1);
    *out = Decimal();
    return Status::OK();
  }
  if (marker != kNumNegative && marker != kNumPositive) return Bad("bad number marker");
  const bool neg = marker == kNumNegative;
  if (in->size() < 2) return Bad("truncated number");
  const int exp_byte = static_cast<uint8_t>((*in)[1]);
  const int exponent = (neg ? 255 - exp_byte : exp_byte) - kExponentBias;
  const uint8_t terminator = neg ? 0xFF : 0x00;
  char digits[Decimal::kMaxDigits + 2];
  size_t count = 0;
  size_t i = 2;
  while (true) {
    if (i >= in->size()) return Bad("unterminated number");
    uint8_t b = static_cast<uint8_t>((*in)[i++]);
    if (b == terminator) break;
    int byte = neg ? 101 - b : b;
    if (byte < 1 || byte > 100) return Bad("bad number digits");
    if (count + 2 > static_cast<size_t>(Decimal::kMaxDigits) + 1) return Bad("too many digits");
    int pair = byte - 1;
    digits[count++] = static_cast<char>('0' + pair / 10);
    digits[count++] = static_cast<char>('0' + pair % 10);
  }
  if (count == 0) return Bad("number without digits");
  if (digits[count - 1] == '0') --count;  // padding of an odd count
  Result<Decimal> d = Decimal::FromParts(neg, std::string_view(digits, count), exponent);
  if (!d.ok()) return Bad("non-canonical number");
  in->remove_prefix(i);
  *out = *d;
  return Status::OK();
}

uint32_t Fnv1a32(const char* data, size_t n) {
  uint32_t h = 0x811C9DC5u;
  for (size_t i = 0; i < n; ++i) {
    h ^= static_cast<uint8_t>(data[i]);
    h *= 0x01000193u;
  }
  return h;
}

void AppendBigEndian32(uint32_t v, std::string* out) {
  uint8_t buf[4];
  EncodeBigEndian32(buf, v);
  out->append(reinterpret_cast<const char*>(buf), 4);
}

}  // namespace

void EncodeKeyValue(const AttributeValue& value, std::string* out) {
  switch (value.type()) {
    case AttributeType::kS:
      EncodeBytes(kKeyTypeS, value.s(), out);
      return;
    case AttributeType::kB:
      EncodeBytes(kKeyTypeB, value.b(), out);
      return;
    case AttributeType::kN:
      EncodeNumber(value.n(), out);
      return;
    default:
      assert(false && "EncodeKeyValue: not a key type");
      return;
  }
}

Result<AttributeValue> DecodeKeyValue(std::string_view* in) {
  if (in->empty()) return Bad("missing component");
  const uint8_t type_byte = static_cast<uint8_t>((*in)[0]);
  std::string_view rest = in->substr(1);
  if (type_byte == kKeyTypeN) {
    Decimal d;
    Status s = DecodeNumber(&rest, &d);
    if (!s.ok()) return s;
    *in = rest;
    return AttributeValue::N(d);
  }
  if (type_byte == kKeyTypeS || type_byte == kKeyTypeB) {
    std::string bytes;
    Status s = DecodeBytes(&rest, &bytes);
    if (!s.ok()) return s;
    if (type_byte == kKeyTypeS && !IsValidUtf8(bytes)) return Bad("string is not UTF-8");
    *in = rest;
    return type_byte == kKeyTypeS ? AttributeValue::S(std::move(bytes))
                                  : AttributeValue::B(std::move(bytes));
  }
  return Bad("bad type byte");
}

uint32_t PartitionHash(const AttributeValue& pk) {
  std::string enc;
  EncodeKeyValue(pk, &enc);
  return Fnv1a32(enc.data(), enc.size());
}

void EncodeTableKey(const AttributeValue& pk, const AttributeValue* sk, std::string* out) {
  const size_t hash_at = out->size();
  out->append(kTableKeyHashSize, '\0');
  EncodeKeyValue(pk, out);
  const size_t pk_at = hash_at + kTableKeyHashSize;
  uint8_t buf[4];
  EncodeBigEndian32(buf, Fnv1a32(out->data() + pk_at, out->size() - pk_at));
  out->replace(hash_at, kTableKeyHashSize, reinterpret_cast<const char*>(buf), 4);
  if (sk != nullptr) EncodeKeyValue(*sk, out);
}

std::string TableKey(const AttributeValue& pk, const AttributeValue* sk) {
  std::string out;
  EncodeTableKey(pk, sk, &out);
  return out;
}

Result<DecodedTableKey> DecodeTableKey(std::string_view key, bool has_sort_key) {
  if (key.size() < kTableKeyHashSize) return Bad("table key shorter than its hash");
  const uint32_t hash = DecodeBigEndian32(reinterpret_cast<const uint8_t*>(key.data()));
  std::string_view rest = key.substr(kTableKeyHashSize);
  const std::string_view pk_start = rest;
  Result<AttributeValue> pk = DecodeKeyValue(&rest);
  if (!pk.ok()) return pk.status();
  const size_t pk_len = pk_start.size() - rest.size();
  if (Fnv1a32(pk_start.data(), pk_len) != hash) return Bad("partition hash mismatch");
  DecodedTableKey out{hash, std::move(pk).value(), std::nullopt};
  if (has_sort_key) {
    Result<AttributeValue> sk = DecodeKeyValue(&rest);
    if (!sk.ok()) return sk.status();
    out.sk = std::move(sk).value();
  }
  if (!rest.empty()) return Bad("trailing bytes after table key");
  return out;
}

bool KeyRangeContains(const KeyRange& range, std::string_view key) {
  if (key < std::string_view(range.start)) return false;
  return range.limit.empty() || key < std::string_view(range.limit);
}

std::string PrefixSuccessor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    uint8_t last = static_cast<uint8_t>(out.back());
    if (last != 0xFF) {
      out.back() = static_cast<char>(last + 1);
      return out;
    }
    out.pop_back();
  }
  return out;  // "" : no successor
}

std::string PartitionPrefix(const AttributeValue& pk) { return TableKey(pk, nullptr); }

KeyRange PartitionRange(const AttributeValue& pk) {
  std::string prefix = PartitionPrefix(pk);
  std::string limit = PrefixSuccessor(prefix);
  return KeyRange{std::move(prefix), std::move(limit)};
}

KeyRange SortKeyRange(const AttributeValue& pk, SortKeyOp op, const AttributeValue& v1,
                      const AttributeValue* v2) {
  const std::string prefix = PartitionPrefix(pk);
  const std::string partition_limit = PrefixSuccessor(prefix);
  std::string with_v1 = prefix;
  if (op == SortKeyOp::kBeginsWith) {
    // Type byte and escaped bytes without the terminator: every S/B sort key
    // starting with v1's bytes encodes with this prefix, and nothing else.
    std::string enc;
    EncodeKeyValue(v1, &enc);
    with_v1.append(enc, 0, enc.size() - 2);
    std::string limit = PrefixSuccessor(with_v1);
    return KeyRange{std::move(with_v1), std::move(limit)};
  }
  EncodeKeyValue(v1, &with_v1);
  switch (op) {
    case SortKeyOp::kEq: {
      std::string limit = PrefixSuccessor(with_v1);
      return KeyRange{std::move(with_v1), std::move(limit)};
    }
    case SortKeyOp::kLt:
      return KeyRange{prefix, std::move(with_v1)};
    case SortKeyOp::kLe:
      return KeyRange{prefix, PrefixSuccessor(with_v1)};
    case SortKeyOp::kGt:
      return KeyRange{PrefixSuccessor(with_v1), partition_limit};
    case SortKeyOp::kGe:
      return KeyRange{std::move(with_v1), partition_limit};
    case SortKeyOp::kBetween: {
      assert(v2 != nullptr);
      std::string with_v2 = prefix;
      EncodeKeyValue(*v2, &with_v2);
      return KeyRange{std::move(with_v1), PrefixSuccessor(with_v2)};
    }
    case SortKeyOp::kBeginsWith:
      break;  // handled above
  }
  return KeyRange{prefix, partition_limit};
}

KeyRange ScanSegmentRange(uint32_t segment, uint32_t total) {
  assert(total >= 1 && segment < total);
  const uint64_t lo = (static_cast<uint64_t>(segment) << 32) / total;
  const uint64_t hi = (static_cast<uint64_t>(segment) + 1) * (uint64_t{1} << 32) / total;
  KeyRange range;
  if (segment > 0) AppendBigEndian32(static_cast<uint32_t>(lo), &range.start);
  if (segment + 1 < total) AppendBigEndian32(static_cast<uint32_t>(hi), &range.limit);
  return range;
}

}  // namespace pd
