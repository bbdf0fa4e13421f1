// Order-preserving encoding of DynamoDB key values and table keys: memcmp
// (then length, shorter first) over encodings gives DynamoDB's order.
//
// Key value grammar, enc(v) (one component; self-delimiting):
//   enc(v)   := type-byte body
//   type-byte:  0x10 N | 0x20 S | 0x30 B        (stable cross-type order N < S < B)
//   S, B body:  escaped-bytes 0x00 0x01
//               escaped-bytes: each byte of the UTF-8 text / raw binary, with
//               0x00 written as 0x00 0xFF (so the terminator 0x00 0x01 sorts
//               below any continuation and can't occur inside).
//   N body (d1..dn significant digits, e = Decimal::exponent() in -130..125):
//     zero:     0x02
//     positive: 0x03  (e + 130)           pairs            0x00
//     negative: 0x01  (255 - (e + 130))   complemented     0xFF
//     pairs:    the digits in pairs from d1 ((d1 d2), (d3 d4), ...; an odd
//               last digit d is paired as (d 0)), each pair p = 10*a + b
//               written as the byte p + 1 (1..100); complemented writes
//               101 - (p + 1) (1..100). Bytes 0x00 and 0xFF never occur
//               inside, so 0x00 / 0xFF terminate. Max length 1+1+1+19+1 = 23.
//   Properties: for a != b of the same type, memcmp(enc(a) + X, enc(b) + Y)
//   has the sign of DynamoDB's order of a, b for any suffixes X, Y (S and B by
//   unsigned bytes, N numerically). enc(a) == enc(b) iff a == b.
//
// Table key layout, EncodeTableKey(pk, sk):
//   OFFSET SIZE DESCRIPTION
//   0      4    PartitionHash(pk): FNV-1a 32 of enc(pk), big-endian
//   4      m    enc(pk)
//   4+m    k    enc(sk), only for tables with a sort key
//   FNV-1a 32: h = 0x811C9DC5; for each byte c: h = (h ^ c) * 0x01000193 mod 2^32.
//   So a full-table scan visits partitions in hash order (as DynamoDB's scan is
//   unordered across partitions), parallel Scan segments are hash ranges, and
//   within one partition key the keys are in sort-key order.
//
// Ranges (KeyRange) are half-open [start, limit) in the same byte order; an
// empty `limit` means "no upper bound". Because components are
// self-delimiting, every range also holds for keys with further components
// appended (secondary index entries append the table key).
//
// All functions are pure. Decoders take untrusted bytes: they return
// Corruption on anything malformed and never read out of bounds.
#ifndef PD_KEYS_KEY_CODEC_H_
#define PD_KEYS_KEY_CODEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/status.h"
#include "value/attribute_value.h"

namespace pd {

constexpr uint8_t kKeyTypeN = 0x10;  // type byte of an N component
constexpr uint8_t kKeyTypeS = 0x20;  // type byte of an S component
constexpr uint8_t kKeyTypeB = 0x30;  // type byte of a B component
constexpr size_t kTableKeyHashSize = 4;  // bytes of the hash prefix

// Appends enc(value) to *out. REQUIRES: IsKeyType(value.type()).
void EncodeKeyValue(const AttributeValue& value, std::string* out);

// Decodes one component from the front of *in and advances *in past it.
// Corruption on a bad type byte, missing terminator, bad escape, or a
// non-canonical number.
Result<AttributeValue> DecodeKeyValue(std::string_view* in);

// FNV-1a 32 of enc(pk). REQUIRES: IsKeyType(pk.type()).
uint32_t PartitionHash(const AttributeValue& pk);

// Appends the table key for (pk, sk) to *out; sk == nullptr for tables with
// only a partition key. REQUIRES: pk and *sk are of key types.
void EncodeTableKey(const AttributeValue& pk, const AttributeValue* sk, std::string* out);
std::string TableKey(const AttributeValue& pk, const AttributeValue* sk);

struct DecodedTableKey {
  uint32_t hash;                     // the stored partition hash
  AttributeValue pk;                 // partition key value
  std::optional<AttributeValue> sk;  // sort key value, if the key has one
};

// Decodes a whole table key. With has_sort_key, exactly one sort component
// must follow the partition key; without, nothing may follow. Corruption on
// malformed bytes or a hash that does not match enc(pk).
Result<DecodedTableKey> DecodeTableKey(std::string_view key, bool has_sort_key);

// Half-open byte range [start, limit); limit.empty() means unbounded.
struct KeyRange {
  std::string start;  // smallest key in the range (inclusive)
  std::string limit;  // first key after the range (exclusive); "" = no bound
};

// True if `key` lies in `range`.
bool KeyRangeContains(const KeyRange& range, std::string_view key);

// The smallest string greater than every string that has `prefix` as a
// prefix, or "" if none exists (prefix empty or all 0xFF).
std::string PrefixSuccessor(std::string_view prefix);

// hash(pk) + enc(pk): every table key of partition pk starts with it, and it
// is the smallest of them.
std::string PartitionPrefix(const AttributeValue& pk);

// Every key of partition pk (with any sort key).
KeyRange PartitionRange(const AttributeValue& pk);

// Sort-key conditions of a Query (KeyConditionExpression on the sort key).
enum class SortKeyOp : uint8_t {
  kEq,          // sk = v1
  kLt,          // sk < v1
  kLe,          // sk <= v1
  kGt,          // sk > v1
  kGe,          // sk >= v1
  kBetween,     // v1 <= sk <= v2
  kBeginsWith,  // begins_with(sk, v1); S and B only
};

// Keys of partition pk whose sort key satisfies (op, v1[, v2]).
// REQUIRES: v1 (and v2 for kBetween) are key types of the table's sort-key
// type; v2 non-null iff op == kBetween; for kBeginsWith v1 is S or B.
// For kBetween with v1 > v2 the range is empty (start >= limit); DynamoDB
// rejects that request before it gets here.
KeyRange SortKeyRange(const AttributeValue& pk, SortKeyOp op, const AttributeValue& v1,
                      const AttributeValue* v2 = nullptr);

// Keys whose partition hash h satisfies floor(segment * 2^32 / total) <= h <
// floor((segment + 1) * 2^32 / total): parallel Scan segment `segment` of
// `total`. The segments partition the whole key space.
// REQUIRES: 1 <= total and segment < total.
KeyRange ScanSegmentRange(uint32_t segment, uint32_t total);

}  // namespace pd

#endif  // PD_KEYS_KEY_CODEC_H_
