#include "keys/key_codec.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "value/random_values.h"

namespace pd {
namespace {

AttributeValue N(const char* text) { return AttributeValue::N(Decimal::Parse(text).value()); }
AttributeValue S(const std::string& s) { return AttributeValue::S(s); }
AttributeValue B(const std::string& b) { return AttributeValue::B(b); }

std::string Enc(const AttributeValue& v) {
  std::string out;
  EncodeKeyValue(v, &out);
  return out;
}

int Sign(int x) { return x < 0 ? -1 : (x > 0 ? 1 : 0); }

// Byte-string order as the B+tree compares keys: memcmp, then length.
int ByteOrder(std::string_view a, std::string_view b) { return Sign(a.compare(b)); }

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

TEST_CASE("Key value encodings match the documented grammar") {
  CHECK(Hex(Enc(S("ab"))) == "2061620001");
  CHECK(Hex(Enc(S(""))) == "200001");
  CHECK(Hex(Enc(S(std::string("a\0b", 3)))) == "206100ff620001");
  CHECK(Hex(Enc(B(std::string("\x00\xff", 2)))) == "3000ffff0001");
  CHECK(Hex(Enc(N("0"))) == "1002");
  // 1.5: positive, e = 0 -> 0x82, pair 15 -> 0x10, terminator 00.
  CHECK(Hex(Enc(N("1.5"))) == "1003821000");
  // 123: e = 2 -> 0x84, pairs 12, 30 -> 0x0d 0x1f.
  CHECK(Hex(Enc(N("123"))) == "1003840d1f00");
  // -1.5: negative, 255 - 130 = 0x7d, 101 - 16 = 0x55, terminator ff.
  CHECK(Hex(Enc(N("-1.5"))) == "10017d55ff");
  CHECK(Hex(Enc(N("1e-130"))) == "1003000b00");
  CHECK(Hex(Enc(N("9.9999999999999999999999999999999999999e125"))).substr(0, 6) == "1003ff");
  CHECK(Enc(N("12345678901234567890123456789012345678")).size() == 23);
}

TEST_CASE("Fixed orders: N numerically, S and B by unsigned bytes") {
  const char* numbers[] = {"-9.9999999999999999999999999999999999999e125", "-1e125", "-123", "-12.3",
                           "-12", "-1.21", "-1.2", "-1.1", "-1", "-0.9", "-0.1", "-1e-130", "0",
                           "1e-130", "0.1", "0.9", "1", "1.1", "1.2", "1.21", "12", "12.3", "123",
                           "1e125", "9.9999999999999999999999999999999999999e125"};
  const int n = sizeof(numbers) / sizeof(numbers[0]);
  for (int i = 0; i + 1 < n; ++i) {
    CHECK_MESSAGE(Enc(N(numbers[i])) < Enc(N(numbers[i + 1])), numbers[i], " < ", numbers[i + 1]);
  }
  const std::vector<std::string> strings = {"", std::string("\0", 1), std::string("\0\0", 2),
                                            std::string("\0a", 2), "\x01", "a", std::string("a\0", 2),
                                            "a\x01", "aa", "b", "\x7f", "\xC3\xA9", "\xF0\x9F\x98\x80"};
  for (size_t i = 0; i + 1 < strings.size(); ++i) {
    CHECK(Enc(S(strings[i])) < Enc(S(strings[i + 1])));
    CHECK(Enc(B(strings[i])) < Enc(B(strings[i + 1])));
  }
  // A stable order across types: N < S < B.
  CHECK(Enc(N("9e125")) < Enc(S("")));
  CHECK(Enc(S("\xFF")) < Enc(B("")));
}

// DynamoDB's order of two key values of the same type.
int DdbOrder(const AttributeValue& a, const AttributeValue& b) {
  return AttributeValue::CompareScalars(a, b);
}

TEST_CASE("memcmp order == DynamoDB order and decode(enc(x)) == x (property)") {
  testing::RandomValues rv(8675309);
  const AttributeType types[] = {AttributeType::kS, AttributeType::kN, AttributeType::kB};
  for (int iter = 0; iter < 30000; ++iter) {
    AttributeType t = types[iter % 3];
    AttributeValue a = rv.KeyValue(t);
    AttributeValue b = rv.KeyValue(t);
    if (rv.OneIn(10)) b = a;
    std::string ea = Enc(a);
    std::string eb = Enc(b);
    const int expected = DdbOrder(a, b);
    REQUIRE_MESSAGE(ByteOrder(ea, eb) == expected, Hex(ea), " vs ", Hex(eb));
    CHECK((ea == eb) == (a == b));
    // Self-delimiting: any suffixes keep the order of unequal values.
    if (expected != 0) {
      std::string sa = ea + rv.Bytes(4);
      std::string sb = eb + rv.Bytes(4);
      CHECK(ByteOrder(sa, sb) == expected);
    }
    // Round trip, consuming exactly one component.
    std::string buf = ea + "tail";
    std::string_view in = buf;
    Result<AttributeValue> back = DecodeKeyValue(&in);
    REQUIRE_MESSAGE(back.ok(), back.status().ToString());
    CHECK(*back == a);
    CHECK(in == "tail");
  }
}

TEST_CASE("Composite table keys: hash order, then pk, then sk (property)") {
  testing::RandomValues rv(5150);
  const AttributeType types[] = {AttributeType::kS, AttributeType::kN, AttributeType::kB};
  for (int iter = 0; iter < 20000; ++iter) {
    AttributeType pt = types[rv.Uniform(0, 2)];
    AttributeType st = types[rv.Uniform(0, 2)];
    AttributeValue pk1 = rv.KeyValue(pt);
    AttributeValue pk2 = rv.OneIn(2) ? pk1 : rv.KeyValue(pt);
    AttributeValue sk1 = rv.KeyValue(st);
    AttributeValue sk2 = rv.KeyValue(st);
    std::string k1 = TableKey(pk1, &sk1);
    std::string k2 = TableKey(pk2, &sk2);
    int expected;
    uint32_t h1 = PartitionHash(pk1);
    uint32_t h2 = PartitionHash(pk2);
    if (h1 != h2) {
      expected = h1 < h2 ? -1 : 1;
    } else if (pk1 != pk2) {
      expected = DdbOrder(pk1, pk2);
    } else {
      expected = DdbOrder(sk1, sk2);
    }
    REQUIRE(ByteOrder(k1, k2) == expected);
    Result<DecodedTableKey> d = DecodeTableKey(k1, true);
    REQUIRE(d.ok());
    CHECK(d->hash == h1);
    CHECK(d->pk == pk1);
    REQUIRE(d->sk.has_value());
    CHECK(*d->sk == sk1);
    // Every key of the partition lies in its range; within the partition
    // the sort-key ranges hold exactly the matching keys.
    CHECK(KeyRangeContains(PartitionRange(pk1), k1));
    CHECK(KeyRangeContains(PartitionRange(pk2), k1) == (pk1 == pk2));
  }
}

TEST_CASE("Hash-only table keys") {
  AttributeValue pk = S("user#1");
  std::string key = TableKey(pk, nullptr);
  std::string enc = Enc(pk);
  REQUIRE(key.size() == 4 + enc.size());
  CHECK(key.substr(4) == enc);
  // FNV-1a 32 of enc(pk), big-endian: platform independent.
  uint32_t h = 0x811C9DC5u;
  for (unsigned char c : enc) h = (h ^ c) * 0x01000193u;
  CHECK(PartitionHash(pk) == h);
  CHECK(static_cast<uint8_t>(key[0]) == (h >> 24));
  CHECK(static_cast<uint8_t>(key[3]) == (h & 0xFF));
  // Known vector: FNV-1a 32 of the bytes 20 61 00 01 ({"S":"a"}).
  CHECK(PartitionHash(S("a")) == 0x7cb3e95du);
  Result<DecodedTableKey> d = DecodeTableKey(key, false);
  REQUIRE(d.ok());
  CHECK(d->pk == pk);
  CHECK(!d->sk.has_value());
  CHECK(DecodeTableKey(key, true).status().IsCorruption());
  CHECK(DecodeTableKey(key + Enc(N("1")), false).status().IsCorruption());
  CHECK(PartitionPrefix(pk) == key);
}

TEST_CASE("Sort-key ranges select exactly the matching keys") {
  testing::RandomValues rv(2718);
  const AttributeType types[] = {AttributeType::kS, AttributeType::kN, AttributeType::kB};
  for (int round = 0; round < 300; ++round) {
    AttributeType st = types[round % 3];
    AttributeValue pk = rv.KeyValue(types[rv.Uniform(0, 2)]);
    AttributeValue other_pk = rv.KeyValue(pk.type());
    std::vector<AttributeValue> sks;
    for (int i = 0; i < 30; ++i) sks.push_back(rv.KeyValue(st));
    AttributeValue v1 = rv.OneIn(3) ? sks[0] : rv.KeyValue(st);
    AttributeValue v2 = rv.OneIn(3) ? sks[1] : rv.KeyValue(st);
    if (DdbOrder(v1, v2) > 0) std::swap(v1, v2);
    const SortKeyOp ops[] = {SortKeyOp::kEq, SortKeyOp::kLt, SortKeyOp::kLe, SortKeyOp::kGt,
                             SortKeyOp::kGe, SortKeyOp::kBetween, SortKeyOp::kBeginsWith};
    for (SortKeyOp op : ops) {
      if (op == SortKeyOp::kBeginsWith && st == AttributeType::kN) continue;
      KeyRange range = SortKeyRange(pk, op, v1, op == SortKeyOp::kBetween ? &v2 : nullptr);
      for (const AttributeValue& sk : sks) {
        int c1 = DdbOrder(sk, v1);
        bool match = false;
        switch (op) {
          case SortKeyOp::kEq: match = c1 == 0; break;
          case SortKeyOp::kLt: match = c1 < 0; break;
          case SortKeyOp::kLe: match = c1 <= 0; break;
          case SortKeyOp::kGt: match = c1 > 0; break;
          case SortKeyOp::kGe: match = c1 >= 0; break;
          case SortKeyOp::kBetween: match = c1 >= 0 && DdbOrder(sk, v2) <= 0; break;
          case SortKeyOp::kBeginsWith:
            match = sk.bytes().compare(0, v1.bytes().size(), v1.bytes()) == 0;
            break;
        }
        std::string key = TableKey(pk, &sk);
        CHECK_MESSAGE(KeyRangeContains(range, key) == match, "op ", static_cast<int>(op));
        // Index entries append the table key: ranges still hold.
        std::string index_key = key + TableKey(other_pk, &sk);
        CHECK(KeyRangeContains(range, index_key) == match);
        // Other partitions never match.
        if (other_pk != pk) CHECK(!KeyRangeContains(range, TableKey(other_pk, &sk)));
      }
    }
  }
  // BETWEEN with lower > upper is an empty range.
  AttributeValue one = N("1");
  KeyRange empty = SortKeyRange(S("p"), SortKeyOp::kBetween, N("2"), &one);
  CHECK(empty.start >= empty.limit);
  // begins_with on strings with NUL bytes.
  AttributeValue prefix = S(std::string("a\0", 2));
  KeyRange bw = SortKeyRange(S("p"), SortKeyOp::kBeginsWith, prefix);
  AttributeValue in1 = S(std::string("a\0", 2));
  AttributeValue in2 = S(std::string("a\0z", 3));
  AttributeValue out1 = S("a");
  AttributeValue out2 = S("a\x01");
  CHECK(KeyRangeContains(bw, TableKey(S("p"), &in1)));
  CHECK(KeyRangeContains(bw, TableKey(S("p"), &in2)));
  CHECK(!KeyRangeContains(bw, TableKey(S("p"), &out1)));
  CHECK(!KeyRangeContains(bw, TableKey(S("p"), &out2)));
}

TEST_CASE("Scan segments partition the hash space") {
  for (uint32_t total : {1u, 2u, 3u, 7u, 1000u, 1000000u}) {
    std::string previous_limit;
    for (uint32_t seg = 0; seg < std::min<uint32_t>(total, 50); ++seg) {
      KeyRange r = ScanSegmentRange(seg, total);
      if (seg == 0) CHECK(r.start.empty());
      if (seg > 0) CHECK(r.start == previous_limit);
      previous_limit = r.limit;
    }
    CHECK(ScanSegmentRange(total - 1, total).limit.empty());
  }
  testing::RandomValues rv(11);
  for (int i = 0; i < 2000; ++i) {
    AttributeValue pk = rv.KeyValue(AttributeType::kS);
    std::string key = TableKey(pk, nullptr);
    uint32_t total = static_cast<uint32_t>(rv.Uniform(1, 16));
    int hits = 0;
    for (uint32_t seg = 0; seg < total; ++seg) hits += KeyRangeContains(ScanSegmentRange(seg, total), key);
    CHECK(hits == 1);
    // The documented bounds: floor(s * 2^32 / total) <= h < floor((s + 1) * 2^32 / total).
    uint64_t h = PartitionHash(pk);
    for (uint32_t seg = 0; seg < total; ++seg) {
      uint64_t lo = (uint64_t{seg} << 32) / total;
      uint64_t hi = (uint64_t{seg} + 1) * (uint64_t{1} << 32) / total;
      CHECK(KeyRangeContains(ScanSegmentRange(seg, total), key) == (lo <= h && h < hi));
    }
  }
}

TEST_CASE("PrefixSuccessor") {
  CHECK(PrefixSuccessor("abc") == "abd");
  CHECK(PrefixSuccessor(std::string("a\xff\xff", 3)) == "b");
  CHECK(PrefixSuccessor(std::string("\xff\xff", 2)).empty());
  CHECK(PrefixSuccessor("").empty());
}

TEST_CASE("Decoding bad key bytes is Corruption, never a crash") {
  auto bad = [](const std::string& bytes) {
    std::string_view in = bytes;
    Result<AttributeValue> r = DecodeKeyValue(&in);
    CHECK_MESSAGE(!r.ok(), Hex(bytes));
    if (!r.ok()) CHECK(r.status().IsCorruption());
  };
  bad("");
  bad("\x40");                                  // unknown type byte
  bad("\x20" "ab");                             // unterminated
  bad(std::string("\x20" "a\0", 3));            // truncated escape
  bad(std::string("\x20" "a\0\x02", 4));        // bad escape
  bad(std::string("\x20\xff\0\x01", 4));        // S not UTF-8
  bad("\x10");                                  // truncated number
  bad("\x10\x04");                              // bad marker
  bad("\x10\x03");                              // missing exponent
  bad("\x10\x03\x82");                          // missing terminator
  bad(std::string("\x10\x03\x82\0", 4));        // no digits
  bad(std::string("\x10\x03\x82\x65\0", 5));    // pair byte 101
  bad(std::string("\x10\x03\x82\x01\0", 5));    // leading zero digit pair "00"
  bad(std::string("\x10\x03\x82\x0c\x01\0", 6)); // "11","00": trailing zeros
  bad(std::string("\x10\x01\x7d\x55\0", 5));    // negative with positive terminator
  std::string too_long = "\x10\x03\x82";
  for (int i = 0; i < 20; ++i) too_long.push_back('\x0c');
  too_long.push_back('\0');
  bad(too_long);                                // 40 digits
  // Table keys: short, hash mismatch.
  CHECK(DecodeTableKey("abc", false).status().IsCorruption());
  std::string key = TableKey(S("x"), nullptr);
  key[0] = static_cast<char>(key[0] ^ 1);
  CHECK(DecodeTableKey(key, false).status().IsCorruption());

  std::mt19937_64 rng(99);
  for (int i = 0; i < 50000; ++i) {
    std::string bytes(rng() % 24, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xFF);
    if (!bytes.empty()) bytes[0] = static_cast<char>(0x10 * (1 + rng() % 3));
    std::string_view in = bytes;
    Result<AttributeValue> r = DecodeKeyValue(&in);
    if (r.ok()) {
      // Whatever decodes re-encodes to the bytes it consumed.
      CHECK(Enc(*r) == bytes.substr(0, bytes.size() - in.size()));
    } else {
      CHECK(r.status().IsCorruption());
    }
    Result<DecodedTableKey> t = DecodeTableKey(bytes, (rng() & 1) != 0);
    if (!t.ok()) CHECK(t.status().IsCorruption());
  }
}

}  // namespace
}  // namespace pd
