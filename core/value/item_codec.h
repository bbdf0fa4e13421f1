// Item codec: the compact binary form of an Item (and of a single
// AttributeValue) stored as a B+tree value. The byte format is documented at
// the top of value/item_codec.cc, which owns it.
//
//   std::string bytes;
//   EncodeItem(item, &bytes);              // appends; never fails
//   Result<Item> back = DecodeItem(bytes); // == item
//
// Decoding takes untrusted bytes (a page may be damaged): anything that is
// not exactly what EncodeItem produces (truncation, trailing bytes, unknown
// tags or format version, unsorted map names or set members, non-canonical
// numbers, invalid UTF-8 in S values or names, nesting deeper than
// kMaxDecodeDepth) is returned as Corruption; it never asserts, crashes or
// reads out of bounds, and allocates at most in proportion to the input.
#ifndef PD_VALUE_ITEM_CODEC_H_
#define PD_VALUE_ITEM_CODEC_H_

#include <string>
#include <string_view>

#include "util/status.h"
#include "value/attribute_value.h"
#include "value/item.h"

namespace pd {

// Deepest nesting (value/item.h levels) the decoder accepts: well above
// DynamoDB's 32 so no stored item is ever refused, low enough to bound the
// decoder's recursion.
constexpr int kMaxDecodeDepth = 64;

// Appends the encoding of `item` to *out.
void EncodeItem(const Item& item, std::string* out);

// Decodes exactly one encoded item occupying all of `bytes`.
Result<Item> DecodeItem(std::string_view bytes);

// Appends the JSON text of the item encoded in `bytes` to *out and sets
// *size to its ItemSize (value/item.h), without building the Item: byte for
// byte AppendItemJson(*DecodeItem(bytes)) (value/json_codec.h) for read
// responses. Fails exactly where DecodeItem fails, with its status, and then
// leaves *out as it was.
Status AppendItemJsonFromEncoded(std::string_view bytes, std::string* out, uint64_t* size);

// Appends the encoding of one value to *out (same value grammar, with the
// format-version byte in front).
void EncodeAttributeValue(const AttributeValue& value, std::string* out);

// Decodes exactly one encoded value occupying all of `bytes`.
Result<AttributeValue> DecodeAttributeValue(std::string_view bytes);

}  // namespace pd

#endif  // PD_VALUE_ITEM_CODEC_H_
