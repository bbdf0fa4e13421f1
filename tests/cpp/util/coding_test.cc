// util/coding.h: fixed-width little/big-endian encodings and varints.
#include "util/coding.h"

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace pd {
namespace {

const uint8_t* U(const std::string& s) { return reinterpret_cast<const uint8_t*>(s.data()); }

TEST_CASE("fixed-width little-endian layout and round trip") {
  uint8_t buf[9] = {0};
  EncodeFixed16(buf, 0x1234);
  CHECK(buf[0] == 0x34);
  CHECK(buf[1] == 0x12);
  CHECK(DecodeFixed16(buf) == 0x1234);

  EncodeFixed32(buf, 0x01020304u);
  CHECK(std::memcmp(buf, "\x04\x03\x02\x01", 4) == 0);
  CHECK(DecodeFixed32(buf) == 0x01020304u);

  EncodeFixed64(buf, 0x0102030405060708ull);
  CHECK(std::memcmp(buf, "\x08\x07\x06\x05\x04\x03\x02\x01", 8) == 0);
  CHECK(DecodeFixed64(buf) == 0x0102030405060708ull);

  // Unaligned positions work (no typed loads).
  EncodeFixed64(buf + 1, 0xfedcba9876543210ull);
  CHECK(DecodeFixed64(buf + 1) == 0xfedcba9876543210ull);
  EncodeFixed32(buf + 1, 0xffffffffu);
  CHECK(DecodeFixed32(buf + 1) == 0xffffffffu);

  std::mt19937_64 rng(7);
  for (int i = 0; i < 10000; ++i) {
    uint64_t v = rng();
    EncodeFixed64(buf + (i % 2), v);
    REQUIRE(DecodeFixed64(buf + (i % 2)) == v);
    EncodeFixed32(buf + (i % 3), static_cast<uint32_t>(v));
    REQUIRE(DecodeFixed32(buf + (i % 3)) == static_cast<uint32_t>(v));
    EncodeFixed16(buf + (i % 5), static_cast<uint16_t>(v));
    REQUIRE(DecodeFixed16(buf + (i % 5)) == static_cast<uint16_t>(v));
  }
}

TEST_CASE("big-endian layout, round trip and memcmp order") {
  uint8_t buf[8];
  EncodeBigEndian32(buf, 0x01020304u);
  CHECK(std::memcmp(buf, "\x01\x02\x03\x04", 4) == 0);
  CHECK(DecodeBigEndian32(buf) == 0x01020304u);
  EncodeBigEndian64(buf, 0x0102030405060708ull);
  CHECK(std::memcmp(buf, "\x01\x02\x03\x04\x05\x06\x07\x08", 8) == 0);
  CHECK(DecodeBigEndian64(buf) == 0x0102030405060708ull);

  std::mt19937_64 rng(11);
  for (int i = 0; i < 10000; ++i) {
    uint64_t a = rng() >> (rng() % 64);
    uint64_t b = rng() >> (rng() % 64);
    uint8_t ea[8], eb[8];
    EncodeBigEndian64(ea, a);
    EncodeBigEndian64(eb, b);
    REQUIRE(DecodeBigEndian64(ea) == a);
    int c = std::memcmp(ea, eb, 8);
    REQUIRE((c < 0) == (a < b));
    REQUIRE((c == 0) == (a == b));
    uint8_t fa[4], fb[4];
    EncodeBigEndian32(fa, static_cast<uint32_t>(a));
    EncodeBigEndian32(fb, static_cast<uint32_t>(b));
    REQUIRE((std::memcmp(fa, fb, 4) < 0) == (static_cast<uint32_t>(a) < static_cast<uint32_t>(b)));
  }
}

TEST_CASE("varint encodings: known bytes and lengths") {
  std::string s;
  PutVarint32(&s, 0);
  CHECK(s == std::string("\x00", 1));
  s.clear();
  PutVarint32(&s, 127);
  CHECK(s == "\x7f");
  s.clear();
  PutVarint32(&s, 128);
  CHECK(s == "\x80\x01");
  s.clear();
  PutVarint32(&s, 300);
  CHECK(s == "\xac\x02");
  s.clear();
  PutVarint32(&s, 0xffffffffu);
  CHECK(s == "\xff\xff\xff\xff\x0f");
  s.clear();
  PutVarint64(&s, ~0ull);
  CHECK(s == "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01");

  CHECK(VarintLength(0) == 1);
  CHECK(VarintLength(127) == 1);
  CHECK(VarintLength(128) == 2);
  CHECK(VarintLength(16383) == 2);
  CHECK(VarintLength(16384) == 3);
  CHECK(VarintLength(0xffffffffull) == 5);
  CHECK(VarintLength(~0ull) == 10);
}

TEST_CASE("varint round trip over every bit length") {
  std::string s;
  std::vector<uint64_t> values;
  for (int bits = 0; bits <= 64; ++bits) {
    uint64_t top = bits == 64 ? ~0ull : (1ull << bits) - 1;
    values.push_back(top);
    values.push_back(top / 3);
    if (bits < 64) values.push_back(1ull << bits);
  }
  for (uint64_t v : values) PutVarint64(&s, v);
  const uint8_t* p = U(s);
  const uint8_t* limit = p + s.size();
  for (uint64_t v : values) {
    uint64_t got = 0;
    const uint8_t* next = GetVarint64(p, limit, &got);
    REQUIRE(next != nullptr);
    CHECK(got == v);
    CHECK(next - p == VarintLength(v));
    p = next;
  }
  CHECK(p == limit);

  std::string s32;
  std::vector<uint32_t> v32;
  for (int bits = 0; bits <= 32; ++bits) {
    v32.push_back(bits == 32 ? 0xffffffffu : static_cast<uint32_t>((1ull << bits) - 1));
  }
  for (uint32_t v : v32) PutVarint32(&s32, v);
  p = U(s32);
  limit = p + s32.size();
  for (uint32_t v : v32) {
    uint32_t got = 0;
    p = GetVarint32(p, limit, &got);
    REQUIRE(p != nullptr);
    CHECK(got == v);
  }
  CHECK(p == limit);
}

TEST_CASE("varint decoding rejects truncated and malformed input") {
  uint32_t v32 = 0;
  uint64_t v64 = 0;
  std::string s;
  PutVarint64(&s, 1ull << 40);
  // Every strict prefix is truncated.
  for (size_t n = 0; n < s.size(); ++n) {
    CHECK(GetVarint64(U(s), U(s) + n, &v64) == nullptr);
  }
  CHECK(GetVarint64(U(s), U(s) + s.size(), &v64) == U(s) + s.size());
  // A value wider than 32 bits is not a varint32.
  CHECK(GetVarint32(U(s), U(s) + s.size(), &v32) == nullptr);

  // 5th byte of a varint32 with bits beyond 32 set, or a continuation bit.
  std::string over32 = "\xff\xff\xff\xff\x1f";
  CHECK(GetVarint32(U(over32), U(over32) + 5, &v32) == nullptr);
  std::string six = "\x80\x80\x80\x80\x80\x01";
  CHECK(GetVarint32(U(six), U(six) + 6, &v32) == nullptr);
  std::string max32 = "\xff\xff\xff\xff\x0f";
  CHECK(GetVarint32(U(max32), U(max32) + 5, &v32) == U(max32) + 5);
  CHECK(v32 == 0xffffffffu);

  // 10th byte of a varint64 may only carry bit 63.
  std::string over64 = "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x02";
  CHECK(GetVarint64(U(over64), U(over64) + 10, &v64) == nullptr);
  std::string eleven = "\x80\x80\x80\x80\x80\x80\x80\x80\x80\x80\x00";
  CHECK(GetVarint64(U(eleven), U(eleven) + 11, &v64) == nullptr);

  // Empty input.
  CHECK(GetVarint32(U(s), U(s), &v32) == nullptr);
}

}  // namespace
}  // namespace pd
