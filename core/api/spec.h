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
//     This phase also builds the normalized request handed to everything
//     after it: unknown members and null members/map values dropped (null
//     list elements are kept and fail phase 2), Integer/Long made integral.
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
// Specs are immutable after construction and may be shared (they are usually
// function-local statics). Checking is pure and thread-compatible.
#ifndef PD_API_SPEC_H_
#define PD_API_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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
// empty). Built with the fluent helpers below; see the file comment for how
// each field is checked.
struct Param {
  std::string name;         // wire name ("TableName"); empty for elements/values
  ParamType type = ParamType::kString;  // JSON shape
  std::string class_name;   // kStruct: DynamoDB model class ("KeySchemaElement")
  bool required = false;    // top level: "The parameter 'X' is required ..." at once
  bool table_name = false;  // top level: its constraints + 3-255 characters, reported alone
  bool not_null = false;    // "Member must not be null"
  bool unechoed_length = false;  // length errors as "Value at '<Path>' ..." (names as written,
                                 // no value), as current DynamoDB words some collections
  std::optional<int64_t> min_value;    // "Member must have value greater than or equal to N"
  std::optional<int64_t> max_value;    // "Member must have value less than or equal to N"
  const Pattern* pattern = nullptr;    // "Member must satisfy regular expression pattern: P"
  std::optional<uint32_t> min_length;  // characters / elements / entries
  std::optional<uint32_t> max_length;  // characters / elements / entries
  std::vector<std::string> enum_values;        // "Member must satisfy enum value set: [A, B]"
  std::optional<ElementLengths> map_keys;      // kMap: constraint on every key
  std::optional<ElementLengths> map_values;    // kMap: length constraint on every value
  std::vector<Param> children;  // kStruct: members; kList/kMap: exactly one element spec

  // Fluent setters (usable on temporaries inside spec initializers).
  Param&& Required() && { required = true; return std::move(*this); }
  Param&& TableName() && { table_name = true; return std::move(*this); }
  Param&& NotNull() && { not_null = true; return std::move(*this); }
  Param&& UnechoedLength() && {
    unechoed_length = true;
    return std::move(*this);
  }
  Param&& Min(int64_t v) && { min_value = v; return std::move(*this); }
  Param&& Max(int64_t v) && { max_value = v; return std::move(*this); }
  Param&& Matches(const Pattern& p) && { pattern = &p; return std::move(*this); }
  Param&& MinLength(uint32_t n) && { min_length = n; return std::move(*this); }
  Param&& MaxLength(uint32_t n) && { max_length = n; return std::move(*this); }
  Param&& Length(uint32_t lo, uint32_t hi) && {
    min_length = lo;
    max_length = hi;
    return std::move(*this);
  }
  Param&& Enum(std::vector<std::string> values) && {
    enum_values = std::move(values);
    return std::move(*this);
  }
  Param&& Keys(ElementLengths k) && { map_keys = k; return std::move(*this); }
  Param&& Values(ElementLengths v) && { map_values = v; return std::move(*this); }
};

// Spec constructors. `name` is the wire name, or "" for a list element or
// map value.
Param String(std::string name = "");
Param Boolean(std::string name = "");
Param Integer(std::string name = "");
Param Long(std::string name = "");
Param Blob(std::string name = "");
Param Timestamp(std::string name = "");
Param List(std::string name, Param element);
Param Map(std::string name, Param value);
Param Struct(std::string name, std::string class_name, std::vector<Param> members);
Param AttributeValueParam(std::string name = "");

// The storage-free semantic checks of one operation (phase 3). Receives the
// normalized request; returns its first error, or nullopt.
using CustomCheck = std::optional<DdbError> (*)(const nlohmann::json& request);

struct OperationSpec {
  std::string name;           // operation name ("PutItem")
  Param input;                // kStruct describing the request ("PutItemInput")
  CustomCheck custom = nullptr;  // phase 3, or nullptr
};

// Runs phases 1-3 of `spec` on `request`. Returns the normalized request, or
// the first error: SerializationException, then ValidationException (phase 2),
// then whatever the custom check returns.
// REQUIRES: spec.input.type == kStruct.
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
