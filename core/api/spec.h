// Declarative request specs and the one generic checker that applies them,
// in the manner of dynalite's validations/<op>.js + validations/index.js.
//
// An operation declares its input as a tree of Params (a Struct of members);
// ValidateRequest runs DynamoDB's three phases in order and stops at the
// first phase that fails:
//
//  1. Serialization. Every member present (JSON null counts as absent; names
//     the spec does not know are ignored, as DynamoDB does) must have its
//     declared JSON type, else SerializationException with the text of
//     DynamoDB's JSON layer (as observed by dynalite's test suite against
//     DynamoDB). <T> below is TRUE_VALUE / FALSE_VALUE for true/false,
//     NUMBER_VALUE for an integer, DECIMAL_VALUE for a number with a fraction
//     or exponent, STRING_VALUE for a string.
//       String     scalar: "<T> cannot be converted to String"
//       Boolean    number: "<T> cannot be converted to Boolean"
//                  string: true/false/yes/no/1/0 in any case are read as
//                  booleans (normalized to JSON true/false), any other
//                  string: "Unexpected token received from parser"
//       Integer    string/bool: "<T> cannot be converted to Integer" (Long alike);
//       Long       numbers with a fraction are truncated down
//       Blob       non-string scalar: "only base-64-encoded strings are convertible to bytes";
//                  a string must be canonical base64 (util/base64.h's text)
//       Timestamp  a JSON number of epoch seconds (fraction allowed), as the AWS
//                  SDKs send them; string/bool: "<T> cannot be converted to Date"
//                  (DynamoDB's pattern for scalars; its text for this case is
//                  not recorded)
//       scalars, given [...]: "Unrecognized collection type class java.lang.String"
//                  (java.lang.Boolean, java.lang.Integer, java.lang.Long,
//                  java.nio.ByteBuffer); given {...}: "Start of structure or map
//                  found where not expected"
//     Containers depend on where they sit: a member of a structure ("field"),
//     or a list element / map value ("value"):
//       Struct     scalar as field: "Unexpected field type"
//                  scalar as value: "Unexpected value type in payload"
//                  [...]: "Unrecognized collection type class
//                         com.amazonaws.dynamodb.v20120810.<Class>"
//       List       scalar as field: "Unexpected field type"
//                  {...}: "Start of structure or map found where not expected"
//       Map        scalar as field: "Unexpected field type"
//                  [...]: "Unrecognized collection type java.util.Map<java.lang.String, <V>>"
//                  with <V> the Java class of the values
//       List/Map   scalar as value: "class sun.reflect.generics.reflectiveObjects.
//                  ParameterizedTypeImpl cannot be cast to class java.lang.Class (...)"
//     An AttributeValue is the Struct {S, N: String; B: Blob; BOOL, NULL:
//     Boolean; SS, NS: List<String>; BS: List<Blob>; L: List<AttributeValue>;
//     M: Map<AttributeValue>} (class AttributeValue). Members are checked in
//     spec order, map entries in key order; the first problem is reported.
//     This phase also defines the normalized request handed to everything
//     after it: unknown members and null members/map values dropped (null
//     list elements are kept and fail phase 2), Integer/Long made integral.
//     A request already in that form is used as is (CheckRequest): a copy
//     is built only when something would change.
//
//  2. Validation of declared constraints, on the normalized request:
//     a. top-level members marked `required` / `table_name`, in spec order,
//        each failing alone and at once:
//          "The parameter 'TableName' is required but was not present in the request"
//        and a `table_name` member's own constraints (pattern, 3-255
//        characters) reported alone in the aggregated form of (b), as
//        current DynamoDB does for the table operations:
//          "1 validation error detected: Value 'ab' at 'tableName' failed to
//           satisfy constraint: Member must have length greater than or equal to 3"
//     b. every other constraint, depth first in spec order; per member in the
//        order not-null, min/max value, pattern, min/max length, enum, map
//        keys, map values, children (map values in reverse key order, as
//        dynalite). List elements must not be null. Each failure is
//          Value <v> at '<path>' failed to satisfy constraint: <constraint>
//        with <v> null or quoted ('abc', '[a, b]', '{"k":1}') and <path> the
//        lowerFirst member names joined by '.', list elements as
//        <list>.<1-based index>.member and map values as <map>.<key>.member.
//        A member marked unechoed_length reports its length errors as
//          Value at '<Path>' failed to satisfy constraint: <constraint>
//        with the member names as written ("RequestItems.T.member.Keys"), as
//        current DynamoDB does for BatchGetItem's and BatchWriteItem's
//        RequestItems and Keys.
//        At most 10 are collected; the message is
//          "1 validation error detected: E" / "N validation errors detected: E1; E2; ..."
//
//  3. The operation's custom check, given the normalized request; its first
//     error is returned as is.
//
// Specs are constants (constexpr data, nothing built at run time) and may be
// shared. Checking is pure and thread-compatible.
#ifndef PD_API_SPEC_H_
#define PD_API_SPEC_H_

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/error.h"

namespace pd {
namespace api {

enum class ParamType : uint8_t {
  kString,          // JSON string
  kBoolean,         // JSON true/false
  kInteger,         // JSON number, made integral (java.lang.Integer)
  kLong,            // JSON number, made integral (java.lang.Long)
  kBlob,            // JSON string holding canonical base64
  kTimestamp,       // JSON number: seconds since the Unix epoch (java.util.Date)
  kList,            // JSON array; children[0] describes each element
  kMap,             // JSON object of name -> value; children[0] describes each value
  kStruct,          // JSON object with the members in `children`
  kAttributeValue,  // DynamoDB AttributeValue (a Struct with the ten type members)
};

// A named character-class pattern: DynamoDB prints `text`, `matches` decides.
struct Pattern {
  const char* text;                                 // as DynamoDB prints it
  bool (*matches)(const std::string& value);        // whole-value match
};
// [a-zA-Z0-9_.-]+ : table and index names.
extern const Pattern kTableNamePatternSpec;

// Length constraints DynamoDB applies to every key or every value of a map
// ("Map keys must satisfy constraint: [...]").
struct ElementLengths {
  std::optional<uint32_t> max_length;  // "Member must have length less than or equal to N"
  std::optional<uint32_t> min_length;  // "Member must have length greater than or equal to N"
  const Pattern* pattern = nullptr;    // keys only
};

// One member of a request (or one list element / map value when `name` is
// empty); see the file comment for how each field is checked.
//
// Specs are constant data: every Param is a literal built at compile time by
// the constexpr helpers below (constexpr variables, no code runs to build a
// spec). Children are pointers into other constants, so a member list is a
// named array of static storage (a constexpr `Param kX[] = {...}`): binding a
// temporary there fails to compile in a constexpr definition.
struct Param {
  // Wire name ("TableName"); "" for elements/values. A string_view: its length
  // is known at compile time, so json::find compares it inline (memcmp), where
  // a const char* costs a strlen and an out-of-line string::compare per key.
  std::string_view name;
  ParamType type = ParamType::kString;  // JSON shape
  bool required = false;    // top level: "The parameter 'X' is required ..." at once
  bool table_name = false;  // top level: its constraints + 3-255 characters, reported alone
  bool not_null = false;    // "Member must not be null"
  bool unechoed_length = false;  // length errors as "Value at '<Path>' ..." (names as written,
                                 // no value), as current DynamoDB words some collections
  const char* class_name = "";   // kStruct: DynamoDB model class ("KeySchemaElement")
  // Bounds; the defaults cannot fail, so they stand for "no constraint".
  int64_t min_value = INT64_MIN;     // "Member must have value greater than or equal to N"
  int64_t max_value = INT64_MAX;     // "Member must have value less than or equal to N"
  uint32_t min_length = 0;           // characters / elements / entries
  uint32_t max_length = UINT32_MAX;  // characters / elements / entries
  const Pattern* pattern = nullptr;  // "Member must satisfy regular expression pattern: P"
  // "Member must satisfy enum value set: [A, B]": the set as DynamoDB prints
  // it ("A, B"), or nullptr for none.
  const char* enum_values = nullptr;
  const ElementLengths* map_keys = nullptr;    // kMap: constraint on every key
  const ElementLengths* map_values = nullptr;  // kMap: length constraint on every value
  // kStruct: its members; kList/kMap: exactly one, the element spec.
  const Param* children = nullptr;
  uint32_t child_count = 0;

  bool has_min_value() const { return min_value != INT64_MIN; }
  bool has_max_value() const { return max_value != INT64_MAX; }
  bool has_min_length() const { return min_length != 0; }
  bool has_max_length() const { return max_length != UINT32_MAX; }
  const Param& element() const { return children[0]; }  // kList / kMap
  const Param* begin() const { return children; }       // kStruct members
  const Param* end() const { return children + child_count; }

  // Setters returning a changed copy (usable in constant expressions).
  constexpr Param Required() const {
    Param p = *this;
    p.required = true;
    return p;
  }
  constexpr Param TableName() const {
    Param p = *this;
    p.table_name = true;
    return p;
  }
  constexpr Param NotNull() const {
    Param p = *this;
    p.not_null = true;
    return p;
  }
  constexpr Param UnechoedLength() const {
    Param p = *this;
    p.unechoed_length = true;
    return p;
  }
  constexpr Param Min(int64_t v) const {
    Param p = *this;
    p.min_value = v;
    return p;
  }
  constexpr Param Max(int64_t v) const {
    Param p = *this;
    p.max_value = v;
    return p;
  }
  constexpr Param Matches(const Pattern& pat) const {
    Param p = *this;
    p.pattern = &pat;
    return p;
  }
  constexpr Param MinLength(uint32_t n) const {
    Param p = *this;
    p.min_length = n;
    return p;
  }
  constexpr Param MaxLength(uint32_t n) const {
    Param p = *this;
    p.max_length = n;
    return p;
  }
  constexpr Param Length(uint32_t lo, uint32_t hi) const {
    Param p = *this;
    p.min_length = lo;
    p.max_length = hi;
    return p;
  }
  // `values`: the set as DynamoDB prints it, ", " between values ("A, B").
  constexpr Param Enum(const char* values) const {
    Param p = *this;
    p.enum_values = values;
    return p;
  }
  constexpr Param Keys(const ElementLengths& k) const {
    Param p = *this;
    p.map_keys = &k;
    return p;
  }
  constexpr Param Values(const ElementLengths& v) const {
    Param p = *this;
    p.map_values = &v;
    return p;
  }
};

// Spec constructors. `name` is the wire name, or "" for a list element or
// map value.
constexpr Param Scalar(ParamType type, std::string_view name) {
  Param p;
  p.name = name;
  p.type = type;
  return p;
}
constexpr Param String(std::string_view name = "") { return Scalar(ParamType::kString, name); }
constexpr Param Boolean(std::string_view name = "") { return Scalar(ParamType::kBoolean, name); }
constexpr Param Integer(std::string_view name = "") { return Scalar(ParamType::kInteger, name); }
constexpr Param Long(std::string_view name = "") { return Scalar(ParamType::kLong, name); }
constexpr Param Blob(std::string_view name = "") { return Scalar(ParamType::kBlob, name); }
constexpr Param Timestamp(std::string_view name = "") {
  return Scalar(ParamType::kTimestamp, name);
}
constexpr Param AttributeValueParam(std::string_view name = "") {
  Param p = Scalar(ParamType::kAttributeValue, name);
  p.class_name = "AttributeValue";
  return p;
}
// `element` / `value` / `members` must be constants of static storage.
constexpr Param List(std::string_view name, const Param& element) {
  Param p = Scalar(ParamType::kList, name);
  p.children = &element;
  p.child_count = 1;
  return p;
}
constexpr Param Map(std::string_view name, const Param& value) {
  Param p = Scalar(ParamType::kMap, name);
  p.children = &value;
  p.child_count = 1;
  return p;
}
constexpr Param Struct(std::string_view name, const char* class_name) {  // no members
  Param p = Scalar(ParamType::kStruct, name);
  p.class_name = class_name;
  return p;
}
template <size_t N>
constexpr Param Struct(std::string_view name, const char* class_name, const Param (&members)[N]) {
  Param p = Scalar(ParamType::kStruct, name);
  p.class_name = class_name;
  p.children = members;
  p.child_count = N;
  return p;
}

// Element specs shared by many lists and maps.
inline constexpr Param kStringValue = String();
inline constexpr Param kBlobValue = Blob();
inline constexpr Param kAttributeValueValue = AttributeValueParam();

// The storage-free semantic checks of one operation (phase 3). Receives the
// normalized request; returns its first error, or nullopt.
using CustomCheck = std::optional<DdbError> (*)(const nlohmann::json& request);

struct OperationSpec {
  std::string_view name;      // operation name ("PutItem")
  Param input;                // kStruct describing the request ("PutItemInput")
  CustomCheck custom = nullptr;  // phase 3, or nullptr
};

// Runs phases 1-3 of `spec` on `request` without copying it: returns the
// request handlers are to see, which is `&request` itself when it is already
// in normal form (no null or unknown members, no null map values, no booleans
// given as text, every Integer/Long an int64: what SDKs send), else
// `normalized` holding the normal form. Or the first error: SerializationException,
// then ValidationException (phase 2), then whatever the custom check returns.
// REQUIRES: spec.input.type == kStruct; `request` and `normalized` outlive
// the pointer returned.
DdbResult<const nlohmann::json*> CheckRequest(const OperationSpec& spec,
                                              const nlohmann::json& request,
                                              nlohmann::json* normalized);

// CheckRequest returning a copy of the normalized request.
DdbResult<nlohmann::json> ValidateRequest(const OperationSpec& spec,
                                          const nlohmann::json& request);

// Phase 1 alone: the normalized form of `request` under the Struct `input`,
// or the SerializationException. A non-object request is a serialization
// error ("Start of list found where not expected" for an array, "Unexpected
// value type in payload" for a scalar).
DdbResult<nlohmann::json> NormalizeRequest(const Param& input, const nlohmann::json& request);

// Phase 2 alone, on a normalized request: the ValidationException, or nullopt.
std::optional<DdbError> CheckConstraints(const Param& input, const nlohmann::json& normalized);

// How DynamoDB prints a value inside "Value '<v>' at ...": strings raw,
// numbers and booleans as text, lists as "[a, b]", objects as JSON.
std::string ValueToMessageString(const nlohmann::json& value);

// "tableName" from "TableName".
std::string LowerFirst(const std::string& name);

// Length of a string as DynamoDB (Java) counts it: UTF-16 code units of the
// UTF-8 text, so a character outside the BMP counts 2. REQUIRES: valid UTF-8
// (nlohmann's parser guarantees it for parsed strings).
uint32_t Utf16Length(const std::string& utf8);

}  // namespace api
}  // namespace pd

#endif  // PD_API_SPEC_H_
