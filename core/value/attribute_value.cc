#include "value/attribute_value.h"

#include <algorithm>
#include <cassert>
#include <cstring>
#include <string>

#include "api/messages.h"

namespace pd {

namespace {

constexpr const char* kTypeNames[] = {"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"};

// Sorts and checks uniqueness. Already-sorted input (the common case when
// decoding stored items) costs one linear pass.
template <typename T>
bool SortUnique(std::vector<T>* v) {
  bool sorted = true;
  for (size_t i = 1; i < v->size(); ++i) {
    if (!((*v)[i - 1] < (*v)[i])) {
      sorted = false;
      break;
    }
  }
  if (sorted) return true;  // strictly ascending: sorted and unique
  std::sort(v->begin(), v->end());
  return std::adjacent_find(v->begin(), v->end()) == v->end();
}

}  // namespace

const char* AttributeTypeName(AttributeType type) {
  return kTypeNames[static_cast<int>(type)];
}

std::optional<AttributeType> AttributeTypeFromName(std::string_view name) {
  for (int i = 0; i < 10; ++i) {
    if (name == kTypeNames[i]) return static_cast<AttributeType>(i);
  }
  return std::nullopt;
}

bool IsSetType(AttributeType type) {
  return type == AttributeType::kSS || type == AttributeType::kNS || type == AttributeType::kBS;
}

bool IsKeyType(AttributeType type) {
  return type == AttributeType::kS || type == AttributeType::kN || type == AttributeType::kB;
}

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Eight ASCII bytes at a time (most text): one load and one test.
    if (n - i >= 8) {
      uint64_t word;
      std::memcpy(&word, p + i, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    unsigned char c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
      min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
      min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
      min = 0x10000;
    } else {
      return false;  // continuation byte, overlong lead (C0/C1) or > F4
    }
    if (n - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// ---------------------------------------------------------------------------
// AttributeMap

size_t AttributeMap::LowerBound(std::string_view name) const {
  size_t lo = 0;
  size_t hi = entries_.size();
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (std::string_view(entries_[mid].first) < name) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

const AttributeValue* AttributeMap::Find(std::string_view name) const {
  size_t i = LowerBound(name);
  if (i < entries_.size() && entries_[i].first == name) return &entries_[i].second;
  return nullptr;
}

AttributeValue* AttributeMap::FindMutable(std::string_view name) {
  size_t i = LowerBound(name);
  if (i < entries_.size() && entries_[i].first == name) return &entries_[i].second;
  return nullptr;
}

AttributeValue& AttributeMap::Set(std::string name, AttributeValue value) {
  // Appending in order (decoders, sorted sources) is the fast path.
  if (entries_.empty() || entries_.back().first < name) {
    entries_.emplace_back(std::move(name), std::move(value));
    return entries_.back().second;
  }
  size_t i = LowerBound(name);
  if (i < entries_.size() && entries_[i].first == name) {
    entries_[i].second = std::move(value);
    return entries_[i].second;
  }
  auto it = entries_.emplace(entries_.begin() + static_cast<std::ptrdiff_t>(i), std::move(name),
                             std::move(value));
  return it->second;
}

bool AttributeMap::Erase(std::string_view name) {
  size_t i = LowerBound(name);
  if (i < entries_.size() && entries_[i].first == name) {
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

bool AttributeMap::operator==(const AttributeMap& other) const {
  return entries_ == other.entries_;  // both sorted by name
}

// ---------------------------------------------------------------------------
// AttributeValue factories

AttributeValue AttributeValue::S(std::string text) {
  return AttributeValue(AttributeType::kS, Storage(std::in_place_type<std::string>, std::move(text)));
}

AttributeValue AttributeValue::N(Decimal number) {
  return AttributeValue(AttributeType::kN, Storage(std::in_place_type<Decimal>, number));
}

AttributeValue AttributeValue::B(std::string bytes) {
  return AttributeValue(AttributeType::kB,
                        Storage(std::in_place_type<std::string>, std::move(bytes)));
}

AttributeValue AttributeValue::Bool(bool value) {
  return AttributeValue(AttributeType::kBool, Storage(std::in_place_type<bool>, value));
}

AttributeValue AttributeValue::Null() { return AttributeValue(); }

AttributeValue AttributeValue::M(AttributeMap map) {
  return AttributeValue(AttributeType::kM,
                        Storage(std::in_place_type<AttributeMap>, std::move(map)));
}

AttributeValue AttributeValue::L(List list) {
  return AttributeValue(AttributeType::kL, Storage(std::in_place_type<List>, std::move(list)));
}

Result<AttributeValue> AttributeValue::SS(std::vector<std::string> members) {
  if (members.empty()) {
    return Status::Validation(std::string(api::msg::kInvalidParameter) + api::msg::kEmptyStringSet);
  }
  if (!SortUnique(&members)) return Status::Validation(api::msg::kSetDuplicates);
  return AttributeValue(AttributeType::kSS,
                        Storage(std::in_place_type<std::vector<std::string>>, std::move(members)));
}

Result<AttributeValue> AttributeValue::NS(std::vector<Decimal> members) {
  if (members.empty()) {
    return Status::Validation(std::string(api::msg::kInvalidParameter) + api::msg::kEmptyNumberSet);
  }
  if (!SortUnique(&members)) return Status::Validation(api::msg::kSetDuplicates);
  return AttributeValue(AttributeType::kNS,
                        Storage(std::in_place_type<std::vector<Decimal>>, std::move(members)));
}

Result<AttributeValue> AttributeValue::BS(std::vector<std::string> members) {
  if (members.empty()) {
    return Status::Validation(std::string(api::msg::kInvalidParameter) + api::msg::kEmptyBinarySet);
  }
  if (!SortUnique(&members)) return Status::Validation(api::msg::kSetDuplicates);
  return AttributeValue(AttributeType::kBS,
                        Storage(std::in_place_type<std::vector<std::string>>, std::move(members)));
}

// ---------------------------------------------------------------------------
// Accessors

const std::string& AttributeValue::s() const {
  assert(type_ == AttributeType::kS);
  return std::get<std::string>(storage_);
}

const Decimal& AttributeValue::n() const {
  assert(type_ == AttributeType::kN);
  return std::get<Decimal>(storage_);
}

const std::string& AttributeValue::b() const {
  assert(type_ == AttributeType::kB);
  return std::get<std::string>(storage_);
}

const std::string& AttributeValue::bytes() const {
  assert(type_ == AttributeType::kS || type_ == AttributeType::kB);
  return std::get<std::string>(storage_);
}

bool AttributeValue::boolean() const {
  assert(type_ == AttributeType::kBool);
  return std::get<bool>(storage_);
}

const AttributeMap& AttributeValue::m() const {
  assert(type_ == AttributeType::kM);
  return std::get<AttributeMap>(storage_);
}

AttributeMap& AttributeValue::mutable_m() {
  assert(type_ == AttributeType::kM);
  return std::get<AttributeMap>(storage_);
}

const AttributeValue::List& AttributeValue::l() const {
  assert(type_ == AttributeType::kL);
  return std::get<List>(storage_);
}

AttributeValue::List& AttributeValue::mutable_l() {
  assert(type_ == AttributeType::kL);
  return std::get<List>(storage_);
}

const std::vector<std::string>& AttributeValue::ss() const {
  assert(type_ == AttributeType::kSS);
  return std::get<std::vector<std::string>>(storage_);
}

const std::vector<Decimal>& AttributeValue::ns() const {
  assert(type_ == AttributeType::kNS);
  return std::get<std::vector<Decimal>>(storage_);
}

const std::vector<std::string>& AttributeValue::bs() const {
  assert(type_ == AttributeType::kBS);
  return std::get<std::vector<std::string>>(storage_);
}

// ---------------------------------------------------------------------------
// Sets

size_t AttributeValue::SetSize() const {
  assert(IsSetType(type_));
  if (type_ == AttributeType::kNS) return ns().size();
  return std::get<std::vector<std::string>>(storage_).size();
}

bool AttributeValue::SetContains(const AttributeValue& element) const {
  assert(IsSetType(type_));
  switch (type_) {
    case AttributeType::kSS:
      return element.type_ == AttributeType::kS &&
             std::binary_search(ss().begin(), ss().end(), element.s());
    case AttributeType::kBS:
      return element.type_ == AttributeType::kB &&
             std::binary_search(bs().begin(), bs().end(), element.b());
    case AttributeType::kNS:
      return element.type_ == AttributeType::kN &&
             std::binary_search(ns().begin(), ns().end(), element.n());
    default:
      return false;
  }
}

namespace {

template <typename T>
std::vector<T> Union(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out;
  out.reserve(a.size() + b.size());
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

template <typename T>
std::vector<T> Difference(const std::vector<T>& a, const std::vector<T>& b) {
  std::vector<T> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

AttributeValue AttributeValue::SetUnion(const AttributeValue& a, const AttributeValue& b) {
  assert(IsSetType(a.type_) && a.type_ == b.type_);
  if (a.type_ == AttributeType::kNS) {
    return AttributeValue(AttributeType::kNS, Storage(std::in_place_type<std::vector<Decimal>>,
                                                      Union(a.ns(), b.ns())));
  }
  const auto& av = std::get<std::vector<std::string>>(a.storage_);
  const auto& bv = std::get<std::vector<std::string>>(b.storage_);
  return AttributeValue(a.type_,
                        Storage(std::in_place_type<std::vector<std::string>>, Union(av, bv)));
}

std::optional<AttributeValue> AttributeValue::SetDifference(const AttributeValue& a,
                                                            const AttributeValue& b) {
  assert(IsSetType(a.type_) && a.type_ == b.type_);
  if (a.type_ == AttributeType::kNS) {
    std::vector<Decimal> out = Difference(a.ns(), b.ns());
    if (out.empty()) return std::nullopt;
    return AttributeValue(AttributeType::kNS,
                          Storage(std::in_place_type<std::vector<Decimal>>, std::move(out)));
  }
  std::vector<std::string> out = Difference(std::get<std::vector<std::string>>(a.storage_),
                                            std::get<std::vector<std::string>>(b.storage_));
  if (out.empty()) return std::nullopt;
  return AttributeValue(a.type_,
                        Storage(std::in_place_type<std::vector<std::string>>, std::move(out)));
}

// ---------------------------------------------------------------------------
// Comparison

int AttributeValue::CompareScalars(const AttributeValue& a, const AttributeValue& b) {
  assert(a.type_ == b.type_ && IsKeyType(a.type_));
  if (a.type_ == AttributeType::kN) return a.n().Compare(b.n());
  // std::string::compare uses char_traits<char>::compare, which compares as
  // unsigned char (like memcmp): DynamoDB's byte order.
  int c = a.bytes().compare(b.bytes());
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

bool AttributeValue::operator==(const AttributeValue& other) const {
  // Canonical storage (sorted maps and sets, canonical decimals) makes deep
  // DynamoDB equality structural equality.
  return type_ == other.type_ && storage_ == other.storage_;
}

}  // namespace pd
