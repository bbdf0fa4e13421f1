// Item encoding (B+tree value of a table entry). Grammar; varint32 is
// LevelDB's base-128 varint (util/coding.h), all other integers single bytes.
//
//   item     := version count:varint32 { name value }^count
//   avalue   := version value                    (EncodeAttributeValue)
//   version  := 0x01                             (kFormatVersion)
//   name     := len:varint32 byte^len            UTF-8, strictly ascending
//                                                (unsigned bytes) within a map
//   value    := tag payload
//
//   TAG  TYPE  PAYLOAD
//   0    S     len:varint32 byte^len             UTF-8 text
//   1    N     number
//   2    B     len:varint32 byte^len             raw bytes
//   3    BOOL  byte                              0 = false, 1 = true
//   4    NULL  (nothing)
//   5    M     count:varint32 { name value }^count
//   6    L     count:varint32 value^count        in list order
//   7    SS    count:varint32 { len:varint32 byte^len }^count
//   8    NS    count:varint32 number^count
//   9    BS    count:varint32 { len:varint32 byte^len }^count
//   (tags are AttributeType's values; sets: count >= 1, members strictly
//   ascending in the set's order: bytes for SS/BS, numeric for NS)
//
//   number := header [ exponent digits ]
//     header    bit 7: negative; bit 6: reserved, 0; bits 0..5: n = significant
//               digit count, 0..38 (0 = the number zero; then nothing follows
//               and the header is 0x00)
//     exponent  e + 130, e = power of ten of the leading digit, -130..125
//     digits    ceil(n / 2) bytes of packed decimal: digit 2i in the high
//               nibble and digit 2i+1 in the low nibble of byte i; an odd
//               count leaves the last low nibble 0. First digit != 0, last
//               digit != 0 (canonical Decimal).
//
// Example: {"a": {"N": "-1.5"}} -> 01 01 | 01 61 | 01 | 82 82 15
#include "value/item_codec.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "util/byte_reader.h"
#include "util/coding.h"
#include "value/json_codec.h"

namespace pd {

namespace {

constexpr uint8_t kFormatVersion = 0x01;

// ---------------------------------------------------------------------------
// Encoding

void PutBytes(std::string_view bytes, std::string* out) {
  PutVarint32(out, static_cast<uint32_t>(bytes.size()));
  out->append(bytes.data(), bytes.size());
}

void PutNumber(const Decimal& d, std::string* out) {
  const int n = d.significant_digits();
  if (n == 0) {
    out->push_back(0);
    return;
  }
  out->push_back(static_cast<char>((d.negative() ? 0x80 : 0) | n));
  out->push_back(static_cast<char>(d.exponent() + 130));
  std::string_view digits = d.digits();
  for (int i = 0; i < n; i += 2) {
    int hi = digits[i] - '0';
    int lo = i + 1 < n ? digits[i + 1] - '0' : 0;
    out->push_back(static_cast<char>((hi << 4) | lo));
  }
}

void PutValue(const AttributeValue& v, std::string* out);

void PutMap(const AttributeMap& map, std::string* out) {
  PutVarint32(out, static_cast<uint32_t>(map.size()));
  for (const auto& [name, value] : map) {
    PutBytes(name, out);
    PutValue(value, out);
  }
}

void PutValue(const AttributeValue& v, std::string* out) {
  out->push_back(static_cast<char>(v.type()));
  switch (v.type()) {
    case AttributeType::kS:
    case AttributeType::kB:
      PutBytes(v.bytes(), out);
      break;
    case AttributeType::kN:
      PutNumber(v.n(), out);
      break;
    case AttributeType::kBool:
      out->push_back(v.boolean() ? 1 : 0);
      break;
    case AttributeType::kNull:
      break;
    case AttributeType::kM:
      PutMap(v.m(), out);
      break;
    case AttributeType::kL:
      PutVarint32(out, static_cast<uint32_t>(v.l().size()));
      for (const AttributeValue& e : v.l()) PutValue(e, out);
      break;
    case AttributeType::kSS:
    case AttributeType::kBS: {
      const std::vector<std::string>& members = v.is(AttributeType::kSS) ? v.ss() : v.bs();
      PutVarint32(out, static_cast<uint32_t>(members.size()));
      for (const std::string& m : members) PutBytes(m, out);
      break;
    }
    case AttributeType::kNS:
      PutVarint32(out, static_cast<uint32_t>(v.ns().size()));
      for (const Decimal& d : v.ns()) PutNumber(d, out);
      break;
  }
}

// ---------------------------------------------------------------------------
// Decoding

Status Bad(const char* what) { return Status::Corruption(std::string("item encoding: ") + what); }

Status GetNumber(ByteReader* r, Decimal* out) {
  uint8_t header;
  if (!r->TakeByte(&header)) return Bad("truncated number");
  if (header == 0) {
    *out = Decimal();
    return Status::OK();
  }
  const int n = header & 0x3F;
  if ((header & 0x40) != 0 || n == 0 || n > Decimal::kMaxDigits) return Bad("bad number header");
  uint8_t exp;
  if (!r->TakeByte(&exp)) return Bad("truncated number");
  char digits[Decimal::kMaxDigits];
  for (int i = 0; i < n; i += 2) {
    uint8_t b;
    if (!r->TakeByte(&b)) return Bad("truncated number");
    int hi = b >> 4;
    int lo = b & 0x0F;
    if (hi > 9 || lo > 9 || (i + 1 >= n && lo != 0)) return Bad("bad number digits");
    digits[i] = static_cast<char>('0' + hi);
    if (i + 1 < n) digits[i + 1] = static_cast<char>('0' + lo);
  }
  Result<Decimal> d = Decimal::FromParts((header & 0x80) != 0,
                                         std::string_view(digits, static_cast<size_t>(n)),
                                         static_cast<int>(exp) - 130);
  if (!d.ok()) return Bad("non-canonical number");
  *out = *d;
  return Status::OK();
}

Status GetValue(ByteReader* r, int level, AttributeValue* out);

Status GetMap(ByteReader* r, int level, AttributeMap* out) {
  uint32_t count;
  if (!r->TakeCount(2, &count)) return Bad("bad map count");  // name len + tag
  std::string_view previous;
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view name;
    if (!r->TakeBytes(&name)) return Bad("truncated name");
    if (i > 0 && !(previous < name)) return Bad("map names not ascending");
    if (!IsValidUtf8(name)) return Bad("name is not UTF-8");
    AttributeValue value;
    Status s = GetValue(r, level, &value);
    if (!s.ok()) return s;
    out->Set(std::string(name), std::move(value));  // ascending: appends
    previous = name;
  }
  return Status::OK();
}

Status GetStrings(ByteReader* r, bool utf8, std::vector<std::string>* out) {
  uint32_t count;
  if (!r->TakeCount(1, &count) || count == 0) return Bad("bad set count");
  out->reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view s;
    if (!r->TakeBytes(&s)) return Bad("truncated set member");
    if (utf8 && !IsValidUtf8(s)) return Bad("string is not UTF-8");
    if (i > 0 && !(std::string_view(out->back()) < s)) return Bad("set members not ascending");
    out->emplace_back(s);
  }
  return Status::OK();
}

// Decodes one value whose container is at nesting `level` (0 = item).
Status GetValue(ByteReader* r, int level, AttributeValue* out) {
  uint8_t tag;
  if (!r->TakeByte(&tag)) return Bad("truncated value");
  if (tag > static_cast<uint8_t>(AttributeType::kBS)) return Bad("unknown type tag");
  const int my_level = level + 1;  // this value's nesting level (value/item.h)
  if (my_level > kMaxDecodeDepth) return Bad("nesting too deep");
  switch (static_cast<AttributeType>(tag)) {
    case AttributeType::kS:
    case AttributeType::kB: {
      std::string_view bytes;
      if (!r->TakeBytes(&bytes)) return Bad("truncated string");
      if (tag == static_cast<uint8_t>(AttributeType::kS)) {
        if (!IsValidUtf8(bytes)) return Bad("string is not UTF-8");
        *out = AttributeValue::S(std::string(bytes));
      } else {
        *out = AttributeValue::B(std::string(bytes));
      }
      return Status::OK();
    }
    case AttributeType::kN: {
      Decimal d;
      Status s = GetNumber(r, &d);
      if (!s.ok()) return s;
      *out = AttributeValue::N(d);
      return Status::OK();
    }
    case AttributeType::kBool: {
      uint8_t b;
      if (!r->TakeByte(&b) || b > 1) return Bad("bad boolean");
      *out = AttributeValue::Bool(b == 1);
      return Status::OK();
    }
    case AttributeType::kNull:
      *out = AttributeValue::Null();
      return Status::OK();
    case AttributeType::kM: {
      AttributeMap map;
      Status s = GetMap(r, my_level, &map);
      if (!s.ok()) return s;
      *out = AttributeValue::M(std::move(map));
      return Status::OK();
    }
    case AttributeType::kL: {
      uint32_t count;
      if (!r->TakeCount(1, &count)) return Bad("bad list count");
      AttributeValue::List list;
      list.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        AttributeValue e;
        Status s = GetValue(r, my_level, &e);
        if (!s.ok()) return s;
        list.push_back(std::move(e));
      }
      *out = AttributeValue::L(std::move(list));
      return Status::OK();
    }
    case AttributeType::kSS:
    case AttributeType::kBS: {
      const bool is_ss = tag == static_cast<uint8_t>(AttributeType::kSS);
      std::vector<std::string> members;
      Status s = GetStrings(r, is_ss, &members);
      if (!s.ok()) return s;
      Result<AttributeValue> set =
          is_ss ? AttributeValue::SS(std::move(members)) : AttributeValue::BS(std::move(members));
      if (!set.ok()) return Bad("bad set");
      *out = std::move(set).value();
      return Status::OK();
    }
    case AttributeType::kNS: {
      uint32_t count;
      if (!r->TakeCount(1, &count) || count == 0) return Bad("bad set count");
      std::vector<Decimal> members;
      members.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        Decimal d;
        Status s = GetNumber(r, &d);
        if (!s.ok()) return s;
        if (i > 0 && !(members.back() < d)) return Bad("set members not ascending");
        members.push_back(d);
      }
      Result<AttributeValue> set = AttributeValue::NS(std::move(members));
      if (!set.ok()) return Bad("bad set");
      *out = std::move(set).value();
      return Status::OK();
    }
  }
  return Bad("unknown type tag");
}

Status GetVersion(ByteReader* r) {
  uint8_t version;
  if (!r->TakeByte(&version)) return Bad("empty");
  if (version != kFormatVersion) return Bad("unknown format version");
  return Status::OK();
}

}  // namespace

void EncodeItem(const Item& item, std::string* out) {
  out->push_back(static_cast<char>(kFormatVersion));
  PutMap(item, out);
}

namespace {

// The text of number `d` as Decimal::ToString() writes it, at `p` (at most
// kMaxNumberText bytes); returns the end.
constexpr size_t kMaxNumberText = 1 + 2 + 129 + Decimal::kMaxDigits;  // "-0." 129 zeros, digits
char* PutNumberText(const Decimal& d, char* p) {
  if (d.is_zero()) {
    *p++ = '0';
    return p;
  }
  if (d.negative()) *p++ = '-';
  const std::string_view digits = d.digits();
  const int n = static_cast<int>(digits.size());
  const int e = d.exponent();
  if (e < 0) {
    *p++ = '0';
    *p++ = '.';
    std::memset(p, '0', static_cast<size_t>(-e - 1));
    p += -e - 1;
    std::memcpy(p, digits.data(), digits.size());
    p += n;
  } else if (e >= n - 1) {
    std::memcpy(p, digits.data(), digits.size());
    p += n;
    std::memset(p, '0', static_cast<size_t>(e - (n - 1)));
    p += e - (n - 1);
  } else {
    std::memcpy(p, digits.data(), static_cast<size_t>(e + 1));
    p += e + 1;
    *p++ = '.';
    std::memcpy(p, digits.data() + e + 1, static_cast<size_t>(n - (e + 1)));
    p += n - (e + 1);
  }
  return p;
}

// value/item.cc's size of a number (AttributeValueSize of an N).
uint64_t NumberSize(const Decimal& d) {
  if (d.is_zero()) return 1;
  return static_cast<uint64_t>((d.significant_digits() + 1) / 2) + 1;
}

// What AppendItemJsonFromEncoded writes goes through a buffer on the stack:
// one std::string append per kSize bytes instead of one call per piece.
class TextBuffer {
 public:
  static constexpr size_t kSize = 1024;
  explicit TextBuffer(std::string* out) : out_(out) {}
  // A place for `n` more bytes (REQUIRES: n <= kSize); Advance(end) after writing them.
  char* Room(size_t n) {
    if (static_cast<size_t>(buf_ + kSize - p_) < n) Flush();
    return p_;
  }
  void Advance(char* end) { p_ = end; }
  void Put(char c) {
    char* p = Room(1);
    *p = c;
    p_ = p + 1;
  }
  void Put(std::string_view s) {
    if (s.size() > kSize) {
      Flush();
      out_->append(s.data(), s.size());
      return;
    }
    char* p = Room(s.size());
    std::memcpy(p, s.data(), s.size());
    p_ = p + s.size();
  }
  // `s` quoted and escaped (AppendJsonString); `plain`: IsPlainJsonText(s).
  void PutString(std::string_view s, bool plain) {
    if (!plain || s.size() + 2 > kSize) {
      Flush();
      AppendJsonString(s, out_);
      return;
    }
    char* p = Room(s.size() + 2);
    *p++ = '"';
    std::memcpy(p, s.data(), s.size());
    p += s.size();
    *p++ = '"';
    p_ = p;
  }
  // What is buffered, appended to *out.
  void Flush() {
    out_->append(buf_, static_cast<size_t>(p_ - buf_));
    p_ = buf_;
  }
  std::string* out() { return out_; }

 private:
  std::string* out_;
  char buf_[kSize];
  char* p_ = buf_;
};

}  // namespace

Status AppendItemJsonFromEncoded(std::string_view bytes, std::string* out, uint64_t* size) {
  // The walk of GetVersion + GetMap(level 0), in the same order with the same
  // checks, writing AppendMap's text as it goes: S and N values (most of an
  // item) straight from the bytes, every other value decoded by GetValue and
  // written by AppendAttributeValueJson. Text of printable ASCII (most
  // names and strings) is copied as it is and needs no UTF-8 check.
  const size_t start = out->size();
  TextBuffer text(out);
  const auto fail = [&](Status s) {
    out->resize(start);  // what is still buffered is dropped with `text`
    return s;
  };
  ByteReader r("item encoding", bytes);
  Status s = GetVersion(&r);
  if (!s.ok()) return s;
  uint32_t count;
  if (!r.TakeCount(2, &count)) return Bad("bad map count");
  uint64_t total = 0;
  text.Put('{');
  std::string_view previous;
  for (uint32_t i = 0; i < count; ++i) {
    std::string_view name;
    if (!r.TakeBytes(&name)) return fail(Bad("truncated name"));
    if (i > 0 && !(previous < name)) return fail(Bad("map names not ascending"));
    const bool plain_name = IsPlainJsonText(name);
    if (!plain_name && !IsValidUtf8(name)) return fail(Bad("name is not UTF-8"));
    if (i > 0) text.Put(',');
    text.PutString(name, plain_name);
    ByteReader at_value = r;  // GetValue reads the tag itself
    uint8_t tag;
    if (!r.TakeByte(&tag)) return fail(Bad("truncated value"));
    if (tag == static_cast<uint8_t>(AttributeType::kS)) {
      std::string_view value;
      if (!r.TakeBytes(&value)) return fail(Bad("truncated string"));
      const bool plain = IsPlainJsonText(value);
      if (!plain && !IsValidUtf8(value)) return fail(Bad("string is not UTF-8"));
      text.Put(std::string_view(":{\"S\":", 6));
      text.PutString(value, plain);
      text.Put('}');
      total += name.size() + value.size();
    } else if (tag == static_cast<uint8_t>(AttributeType::kN)) {
      Decimal d;
      s = GetNumber(&r, &d);
      if (!s.ok()) return fail(s);
      constexpr std::string_view kOpen = ":{\"N\":\"";
      char* p = text.Room(kOpen.size() + kMaxNumberText + 2);
      std::memcpy(p, kOpen.data(), kOpen.size());
      p = PutNumberText(d, p + kOpen.size());
      *p++ = '"';
      *p++ = '}';
      text.Advance(p);
      total += name.size() + NumberSize(d);
    } else {
      r = at_value;
      AttributeValue value;
      s = GetValue(&r, 0, &value);
      if (!s.ok()) return fail(s);
      text.Put(':');
      text.Flush();
      AppendAttributeValueJson(value, out);
      total += name.size() + AttributeValueSize(value);
    }
    previous = name;
  }
  if (r.remaining() != 0) return fail(Bad("trailing bytes"));
  text.Put('}');
  text.Flush();
  *size = total;
  return Status::OK();
}

Result<Item> DecodeItem(std::string_view bytes) {
  ByteReader r("item encoding", bytes);
  Status s = GetVersion(&r);
  if (!s.ok()) return s;
  Item item;
  s = GetMap(&r, 0, &item);
  if (!s.ok()) return s;
  if (r.remaining() != 0) return Bad("trailing bytes");
  return item;
}

void EncodeAttributeValue(const AttributeValue& value, std::string* out) {
  out->push_back(static_cast<char>(kFormatVersion));
  PutValue(value, out);
}

Result<AttributeValue> DecodeAttributeValue(std::string_view bytes) {
  ByteReader r("item encoding", bytes);
  Status s = GetVersion(&r);
  if (!s.ok()) return s;
  AttributeValue value;
  s = GetValue(&r, 0, &value);
  if (!s.ok()) return s;
  if (r.remaining() != 0) return Bad("trailing bytes");
  return value;
}

}  // namespace pd
