// AttributeValue: one DynamoDB value of any of the ten types
//   S (string), N (number), B (binary), BOOL, NULL, M (map), L (list),
//   SS (string set), NS (number set), BS (binary set).
// AttributeMap: a DynamoDB map, attribute name -> AttributeValue; an item is
// an AttributeMap (value/item.h).
//
// Representation and ownership
//   An AttributeValue is a value type: it owns everything it holds, copies
//   are deep, moves are cheap. The type tag says which accessor is valid;
//   calling an accessor of another type is a precondition violation
//   (REQUIRES below; checked with assert in debug builds only).
//   - S holds UTF-8 text, B raw bytes (not base64), both in a std::string;
//     either may be empty (DynamoDB allows empty non-key S/B, also in sets).
//   - N holds a Decimal (value/decimal.h), already validated and canonical.
//   - M is an AttributeMap; L a std::vector<AttributeValue> (order kept).
//   - Sets are kept canonical: non-empty, no duplicates, sorted (SS/BS by
//     unsigned byte order, NS numerically). The factories below enforce this,
//     so a set can never be empty or hold duplicates ("1" and "1.0" are the
//     same number). The order of set members in output is therefore sorted;
//     DynamoDB does not preserve set order either.
//   Pointers/references returned by accessors stay valid until the value is
//   modified, assigned to, or destroyed.
//
// AttributeMap keys are arbitrary byte strings (any UTF-8 name, including
// "__proto__" or ""). Entries are kept sorted by key bytes, so iteration order
// is by name and equality ignores insertion order, as DynamoDB maps are
// unordered. Lookup is O(log n), Set/Erase O(n) (items have few attributes).
//
// Equality (operator==) is DynamoDB's deep equality: same type and
//   S/B by bytes, N numerically, BOOL/NULL by value, L element-wise in order,
//   M by the same key set with equal values, sets as sets.
#ifndef PD_VALUE_ATTRIBUTE_VALUE_H_
#define PD_VALUE_ATTRIBUTE_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "util/status.h"
#include "value/decimal.h"

namespace pd {

enum class AttributeType : uint8_t {
  kS = 0,
  kN = 1,
  kB = 2,
  kBool = 3,
  kNull = 4,
  kM = 5,
  kL = 6,
  kSS = 7,
  kNS = 8,
  kBS = 9,
};

// DynamoDB's type name: "S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS".
const char* AttributeTypeName(AttributeType type);
// The type whose name is exactly `name` (case-sensitive), or nullopt.
std::optional<AttributeType> AttributeTypeFromName(std::string_view name);
// True for SS, NS, BS.
bool IsSetType(AttributeType type);
// True for S, N, B: the types a key attribute may have.
bool IsKeyType(AttributeType type);
// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// code points <= U+10FFFF): what an S value must hold. Decoders of stored
// bytes use it to reject corrupt strings.
bool IsValidUtf8(std::string_view text);

class AttributeValue;

class AttributeMap {
 public:
  using Entry = std::pair<std::string, AttributeValue>;  // (name, value)
  using const_iterator = std::vector<Entry>::const_iterator;
  using iterator = std::vector<Entry>::iterator;  // REQUIRES: never change an entry's name

  AttributeMap() = default;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  // Entries in name order.
  const_iterator begin() const { return entries_.begin(); }
  const_iterator end() const { return entries_.end(); }
  iterator begin() { return entries_.begin(); }
  iterator end() { return entries_.end(); }

  // The value named `name`, or nullptr if absent.
  const AttributeValue* Find(std::string_view name) const;
  AttributeValue* FindMutable(std::string_view name);
  bool Contains(std::string_view name) const { return Find(name) != nullptr; }

  // Inserts or replaces `name`. Returns the stored value.
  AttributeValue& Set(std::string name, AttributeValue value);
  // Removes `name`; returns false if it was absent.
  bool Erase(std::string_view name);
  void Clear() { entries_.clear(); }

  bool operator==(const AttributeMap& other) const;
  bool operator!=(const AttributeMap& other) const { return !(*this == other); }

 private:
  // Index of the first entry whose name is >= name.
  size_t LowerBound(std::string_view name) const;

  std::vector<Entry> entries_;  // sorted by name (unsigned byte order), unique names
};

class AttributeValue {
 public:
  using List = std::vector<AttributeValue>;

  AttributeValue() : type_(AttributeType::kNull) {}  // NULL

  // Scalar and document factories (cannot fail).
  static AttributeValue S(std::string text);
  static AttributeValue N(Decimal number);
  static AttributeValue B(std::string bytes);
  static AttributeValue Bool(bool value);
  static AttributeValue Null();
  static AttributeValue M(AttributeMap map);
  static AttributeValue L(List list);

  // Set factories: members in any order. Return Validation if `members`
  // is empty ("... set  may not be empty") or holds duplicates ("Input
  // collection contains duplicates"); otherwise the canonical (sorted) set.
  static Result<AttributeValue> SS(std::vector<std::string> members);
  static Result<AttributeValue> NS(std::vector<Decimal> members);
  static Result<AttributeValue> BS(std::vector<std::string> members);

  AttributeType type() const { return type_; }
  bool is(AttributeType t) const { return type_ == t; }

  // REQUIRES: type() is the accessor's type.
  const std::string& s() const;        // kS: UTF-8 text
  const Decimal& n() const;            // kN
  const std::string& b() const;        // kB: raw bytes
  bool boolean() const;                // kBool
  const AttributeMap& m() const;       // kM
  AttributeMap& mutable_m();           // kM
  const List& l() const;               // kL
  List& mutable_l();                   // kL
  const std::vector<std::string>& ss() const;  // kSS, sorted, unique
  const std::vector<Decimal>& ns() const;      // kNS, ascending, unique
  const std::vector<std::string>& bs() const;  // kBS, sorted, unique
  // S or B bytes. REQUIRES: type() is kS or kB.
  const std::string& bytes() const;

  // Number of members of a set. REQUIRES: IsSetType(type()).
  size_t SetSize() const;
  // True if `element` (an S for SS, N for NS, B for BS) is in this set.
  // False when the element's type does not match. REQUIRES: IsSetType(type()).
  bool SetContains(const AttributeValue& element) const;
  // a ∪ b. REQUIRES: a and b are sets of the same type.
  static AttributeValue SetUnion(const AttributeValue& a, const AttributeValue& b);
  // a \ b, or nullopt when nothing is left (DynamoDB then removes the
  // attribute). REQUIRES: a and b are sets of the same type.
  static std::optional<AttributeValue> SetDifference(const AttributeValue& a,
                                                     const AttributeValue& b);

  // Order of two scalars of the same key type, as DynamoDB compares them:
  // S and B by unsigned bytes, N numerically. Returns -1, 0, 1.
  // REQUIRES: a.type() == b.type() and IsKeyType(a.type()).
  static int CompareScalars(const AttributeValue& a, const AttributeValue& b);

  bool operator==(const AttributeValue& other) const;
  bool operator!=(const AttributeValue& other) const { return !(*this == other); }

 private:
  struct NullTag {
    bool operator==(const NullTag&) const { return true; }
  };
  using Storage = std::variant<NullTag,                   // kNull
                               bool,                      // kBool
                               std::string,               // kS, kB
                               Decimal,                   // kN
                               AttributeMap,              // kM
                               List,                      // kL
                               std::vector<std::string>,  // kSS, kBS (sorted, unique)
                               std::vector<Decimal>>;     // kNS (ascending, unique)

  AttributeValue(AttributeType type, Storage storage)
      : type_(type), storage_(std::move(storage)) {}

  AttributeType type_;  // which of the ten types; selects the Storage alternative
  Storage storage_;     // the payload, as listed next to each alternative
};

}  // namespace pd

#endif  // PD_VALUE_ATTRIBUTE_VALUE_H_
