// DynamoDB JSON <-> AttributeValue / Item, over nlohmann::json.
//
// Wire shape (DynamoDB's): a value is an object with one type key,
//   {"S": "text"} {"N": "1.5"} {"B": "<base64>"} {"BOOL": true} {"NULL": true}
//   {"M": {"name": <value>, ...}} {"L": [<value>, ...]}
//   {"SS": ["a", ...]} {"NS": ["1", ...]} {"BS": ["<base64>", ...]}
// and an item is an object {"name": <value>, ...}.
//
// Decoding runs in DynamoDB's (and dynalite's) two phases:
//   1. Serialization: every member must have the JSON type the wire format
//      declares, else JsonError{kSerialization, ...} with the text DynamoDB's
//      JSON layer uses, e.g.
//        "class java.lang.Boolean can not be converted to an String"
//        "class com.amazon.coral.value.json.numbers.TruncatingBigNumber can not be converted to an String"
//        "Start of structure or map found where not expected."
//        "Start of list found where not expected"
//        "Expected list or null", "Expected map or null"
//        "'HELLO' can not be converted to an Boolean"
//        "'<b64>' can not be converted to a Blob: <base64 problem>" (util/base64.h)
//      As DynamoDB does, BOOL/NULL also accept the strings true/false/1/0/
//      yes/no (any case), JSON null members count as absent, and members
//      with unknown names are ignored (so {"X": 1} is an empty value).
//      The whole input is type-checked before phase 2 starts.
//   2. Validation: JsonError{kValidation, ...} with DynamoDB's messages, e.g.
//        "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"
//        "Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes"
//        "One or more parameter values were invalid: An number set  may not be empty"
//        "One or more parameter values were invalid: An string set  may not be empty"
//        "One or more parameter values were invalid: Binary sets should not be empty"
//        "One or more parameter values were invalid: Null attribute value types must have the value of true"
//        "One or more parameter values were invalid: Input collection [a, a] contains duplicates."
//        "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."
//        "Input collection contains duplicates"                  (NS, compared numerically)
//        number errors from value/decimal.h ("Number overflow. ..." etc.)
//      Empty S and B values are accepted (DynamoDB allows them outside keys;
//      key rules belong to the table layer). A JSON null inside SS/BS is
//      rejected ("...An string set may not have a null member", "...Binary
//      sets may not contain null or empty values"; inside NS it is the
//      empty-number message). Values nested deeper than kMaxNestingDepth
//      (value/item.h) are rejected with "Nesting Levels have exceeded
//      supported limits: Attributes in the item have nested levels beyond
//      supported limit"; phase 1 does not descend below that depth, which
//      also bounds the recursion on hostile input.
//   Map keys may be any string, including "" and "__proto__".
//
// Encoding never fails: N in canonical text, B/BS as standard base64 with
// padding, sets in their canonical (sorted) order.
//
// All functions are pure; no state, thread-compatible.
#ifndef PD_VALUE_JSON_CODEC_H_
#define PD_VALUE_JSON_CODEC_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "value/attribute_value.h"
#include "value/item.h"

namespace pd {

// Why a DynamoDB JSON value was rejected. api/ maps kSerialization to
// SerializationException and kValidation to ValidationException; `message`
// is DynamoDB's text, to be sent as is.
struct JsonError {
  enum class Kind : uint8_t {
    kSerialization,  // wrong JSON type for a member (phase 1)
    kValidation,     // well-typed but invalid DynamoDB value (phase 2)
  };
  Kind kind;            // which exception DynamoDB raises
  std::string message;  // DynamoDB's message text
};

// Decodes one AttributeValue (phases 1 and 2). Returns nullopt on success
// (then *out holds the value) or the first error (then *out is unchanged).
std::optional<JsonError> AttributeValueFromJson(const nlohmann::json& json, AttributeValue* out);

// Decodes an item: `json` must be an object of name -> value, or null (an
// empty item); anything else is a kSerialization error ("Expected map or
// null" and the like). Returns nullopt on success (then *out holds the item)
// or the first error.
std::optional<JsonError> ItemFromJson(const nlohmann::json& json, Item* out);

// Phase 1 only, for request checkers that must report every serialization
// problem of a request before any validation problem: checks that `json`
// (one AttributeValue, resp. one attribute map) has the declared JSON types.
std::optional<JsonError> CheckAttributeValueJsonTypes(const nlohmann::json& json);
std::optional<JsonError> CheckItemJsonTypes(const nlohmann::json& json);

// Encoders.
nlohmann::json AttributeValueToJson(const AttributeValue& value);
nlohmann::json ItemToJson(const Item& item);

// Appends the JSON text of `item` to *out without building a
// nlohmann::json: byte for byte ItemToJson(item).dump() (members in name
// order, nlohmann's string escaping: \" \\ \b \f \n \r \t, other
// characters below 0x20 as \u00xx, everything else as is). Where dump()
// throws (a string that is not valid UTF-8) this throws the same exception,
// leaving *out with part of the text.
void AppendItemJson(const Item& item, std::string* out);

// Appends `s` as a quoted JSON string, byte for byte as nlohmann's dump()
// writes it (same escaping; throws where dump() throws, for text that is not
// valid UTF-8, leaving *out with part of the text).
void AppendJsonString(std::string_view s, std::string* out);

// True if every byte of `s` is ASCII from 0x20 to 0x7F other than '"'
// and '\\': text that is valid UTF-8 and that AppendJsonString writes as it
// is between two quotes.
bool IsPlainJsonText(std::string_view s);

// Appends the JSON text of one attribute value ({"S":"..."}, ...), as
// AppendItemJson writes each member's value.
void AppendAttributeValueJson(const AttributeValue& value, std::string* out);

}  // namespace pd

#endif  // PD_VALUE_JSON_CODEC_H_
