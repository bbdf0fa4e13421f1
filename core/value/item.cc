#include "value/item.h"

#include <algorithm>

namespace pd {

namespace {

uint64_t NumberSize(const Decimal& d) {
  if (d.is_zero()) return 1;
  return static_cast<uint64_t>((d.significant_digits() + 1) / 2) + 1;
}

}  // namespace

uint64_t AttributeValueSize(const AttributeValue& value) {
  switch (value.type()) {
    case AttributeType::kS:
    case AttributeType::kB:
      return value.bytes().size();
    case AttributeType::kN:
      return NumberSize(value.n());
    case AttributeType::kBool:
    case AttributeType::kNull:
      return 1;
    case AttributeType::kM: {
      uint64_t size = 3;
      for (const auto& [name, v] : value.m()) size += name.size() + AttributeValueSize(v) + 1;
      return size;
    }
    case AttributeType::kL: {
      uint64_t size = 3;
      for (const AttributeValue& v : value.l()) size += AttributeValueSize(v) + 1;
      return size;
    }
    case AttributeType::kSS:
    case AttributeType::kBS: {
      const std::vector<std::string>& members =
          value.type() == AttributeType::kSS ? value.ss() : value.bs();
      uint64_t size = 0;
      for (const std::string& m : members) size += m.size();
      return size;
    }
    case AttributeType::kNS: {
      uint64_t size = 0;
      for (const Decimal& d : value.ns()) size += NumberSize(d);
      return size;
    }
  }
  return 0;
}

uint64_t ItemSize(const Item& item) {
  uint64_t size = 0;
  for (const auto& [name, v] : item) size += name.size() + AttributeValueSize(v);
  return size;
}

int NestingDepth(const AttributeValue& value) {
  int inner = 0;
  if (value.is(AttributeType::kM)) {
    for (const auto& entry : value.m()) inner = std::max(inner, NestingDepth(entry.second));
    return inner + 1;
  }
  if (value.is(AttributeType::kL)) {
    for (const AttributeValue& v : value.l()) inner = std::max(inner, NestingDepth(v));
    return inner + 1;
  }
  return 1;
}

int NestingDepth(const Item& item) {
  int depth = 0;
  for (const auto& entry : item) depth = std::max(depth, NestingDepth(entry.second));
  return depth;
}

}  // namespace pd
