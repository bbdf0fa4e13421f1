// Item: a DynamoDB item, i.e. an attribute map (name -> AttributeValue), and
// the size and depth rules DynamoDB applies to items.
//
// ItemSize follows AWS's "DynamoDB item sizes and formats":
//   item            sum over attributes of (UTF-8 bytes of name + value size)
//   S               UTF-8 bytes
//   N               ceil(significant digits / 2) + 1; zero is 1 byte
//                   (leading and trailing zeros are not significant)
//   B               raw bytes (not base64)
//   BOOL, NULL      1
//   M               3 + for each entry (UTF-8 bytes of name + value size + 1)
//   L               3 + for each element (value size + 1)
//   SS, NS, BS      sum of the member sizes by the scalar rules above
// The 400 KB limit (409600 bytes) is enforced by callers (table/limits.h).
//
// NestingDepth counts levels as DynamoDB does: a scalar, a set, or an empty
// M/L is 1 level; a non-empty M/L is 1 + the deepest of its members. So
// {"M": {"b": {"S": "x"}}} is 2 and a scalar wrapped in 31 maps is 32.
// DynamoDB accepts values of at most kMaxNestingDepth (32) levels; one more
// wrap is rejected ("Nesting Levels have exceeded supported limits: ...").
#ifndef PD_VALUE_ITEM_H_
#define PD_VALUE_ITEM_H_

#include <cstdint>

#include "value/attribute_value.h"

namespace pd {

using Item = AttributeMap;

constexpr int kMaxNestingDepth = 32;  // DynamoDB's maximum document depth

// Size in bytes of one value by the rules above (without any attribute name).
uint64_t AttributeValueSize(const AttributeValue& value);

// Size in bytes of an item by the rules above.
uint64_t ItemSize(const Item& item);

// Levels of a value by the rule above (>= 1).
int NestingDepth(const AttributeValue& value);

// Deepest NestingDepth over the item's attribute values (0 for an empty item).
int NestingDepth(const Item& item);

}  // namespace pd

#endif  // PD_VALUE_ITEM_H_
