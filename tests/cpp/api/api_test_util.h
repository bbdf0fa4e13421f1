// Helpers for the api/ tests, modelled on dynalite's test/helpers.js:
// AssertType feeds every wrong JSON type to one request member and checks
// DynamoDB's SerializationException text; the Expect* helpers check the
// error an operation spec returns for a request.
#ifndef PD_TESTS_CPP_API_API_TEST_UTIL_H_
#define PD_TESTS_CPP_API_API_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/error.h"
#include "api/spec.h"

namespace pd {
namespace api {
namespace testing {

using nlohmann::json;

// The error ValidateRequest returns, or a ValidationException-free marker
// ("OK") when it succeeds, as "<type>: <message>".
inline std::string ErrorOf(const OperationSpec& spec, const json& request) {
  DdbResult<json> r = ValidateRequest(spec, request);
  if (r.ok()) return "OK";
  return r.error().type + ": " + r.error().message;
}

inline void ExpectSerialization(const OperationSpec& spec, const json& request,
                                const std::string& message) {
  CHECK_MESSAGE(ErrorOf(spec, request) == "SerializationException: " + message, request.dump());
}

inline void ExpectValidation(const OperationSpec& spec, const json& request,
                             const std::string& message) {
  CHECK_MESSAGE(ErrorOf(spec, request) == "ValidationException: " + message, request.dump());
}

// An aggregated "N validation errors detected: ..." message holding exactly
// `errors`, in any order (dynalite's assertValidation with an array).
inline void ExpectValidationSet(const OperationSpec& spec, const json& request,
                                std::vector<std::string> errors) {
  DdbResult<json> r = ValidateRequest(spec, request);
  REQUIRE_MESSAGE(!r.ok(), request.dump());
  CHECK(r.error().type == "ValidationException");
  const std::string prefix = std::to_string(errors.size()) + " validation error" +
                             (errors.size() == 1 ? "" : "s") + " detected: ";
  const std::string& m = r.error().message;
  REQUIRE_MESSAGE(m.compare(0, prefix.size(), prefix) == 0, m);
  std::vector<std::string> got;
  size_t start = prefix.size();
  while (true) {
    size_t end = m.find("; Value ", start);
    if (end == std::string::npos) {
      got.push_back(m.substr(start));
      break;
    }
    got.push_back(m.substr(start, end - start));
    start = end + 2;
  }
  std::sort(got.begin(), got.end());
  std::sort(errors.begin(), errors.end());
  CHECK_MESSAGE(got == errors, m);
}

inline void ExpectOk(const OperationSpec& spec, const json& request) {
  CHECK_MESSAGE(ErrorOf(spec, request) == "OK", request.dump());
}

// The request with `value` placed at the dotted `property` path ("0" makes
// the parent a list).
inline json RequestWith(const std::string& property, const json& value) {
  std::vector<std::string> pieces;
  size_t start = 0;
  while (true) {
    size_t dot = property.find('.', start);
    pieces.push_back(property.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  json data = json::object();
  json* child = &data;
  for (size_t i = 0; i + 1 < pieces.size(); ++i) {
    json next = pieces[i + 1] == "0" ? json::array() : json::object();
    if (child->is_array()) {
      child->push_back(std::move(next));
      child = &child->back();
    } else {
      (*child)[pieces[i]] = std::move(next);
      child = &(*child)[pieces[i]];
    }
  }
  if (child->is_array()) {
    child->push_back(value);
  } else {
    (*child)[pieces.back()] = value;
  }
  return data;
}

// dynalite's assertType: every wrong JSON value for the member at `property`
// gives DynamoDB's SerializationException text. `type` is one of String,
// Boolean, Integer, Long, Blob, List, ParameterizedList, ParameterizedMap,
// Map<Sub>, ValueStruct<Class>, FieldStruct<Class>,
// AttrStruct<ValueStruct|FieldStruct|ParameterizedMap>.
inline void AssertType(const OperationSpec& spec, const std::string& property,
                       const std::string& full_type) {
  std::string type = full_type, subtype;
  size_t lt = full_type.find('<');
  if (lt != std::string::npos && full_type.back() == '>') {
    type = full_type.substr(0, lt);
    subtype = full_type.substr(lt + 1, full_type.size() - lt - 2);
  }
  const std::string cast =
      "class sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl cannot be cast to "
      "class java.lang.Class (sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl and "
      "java.lang.Class are in module java.base of loader 'bootstrap')";
  const std::string start = "Start of structure or map found where not expected";
  const std::string model = "com.amazonaws.dynamodb.v20120810.";
  const json big = json::parse("2147483648");
  const json dec = json::parse("34.56");
  std::vector<std::pair<json, std::string>> cases;
  auto scalars = [&](const std::string& msg) {
    for (const json& v : {json("23"), json(true), json(23), json(-2147483648LL), big, dec}) {
      cases.emplace_back(v, msg);
    }
  };
  if (type == "Boolean") {
    cases = {{json("23"), "Unexpected token received from parser"},
             {json(23), "NUMBER_VALUE cannot be converted to Boolean"},
             {json(-2147483648LL), "NUMBER_VALUE cannot be converted to Boolean"},
             {big, "NUMBER_VALUE cannot be converted to Boolean"},
             {dec, "DECIMAL_VALUE cannot be converted to Boolean"},
             {json::array(), "Unrecognized collection type class java.lang.Boolean"},
             {json::object(), start}};
  } else if (type == "String") {
    cases = {{json(true), "TRUE_VALUE cannot be converted to String"},
             {json(false), "FALSE_VALUE cannot be converted to String"},
             {json(23), "NUMBER_VALUE cannot be converted to String"},
             {json(-2147483648LL), "NUMBER_VALUE cannot be converted to String"},
             {big, "NUMBER_VALUE cannot be converted to String"},
             {dec, "DECIMAL_VALUE cannot be converted to String"},
             {json::array(), "Unrecognized collection type class java.lang.String"},
             {json::object(), start}};
  } else if (type == "Integer" || type == "Long") {
    cases = {{json("23"), "STRING_VALUE cannot be converted to " + type},
             {json(true), "TRUE_VALUE cannot be converted to " + type},
             {json(false), "FALSE_VALUE cannot be converted to " + type},
             {json::array(), "Unrecognized collection type class java.lang." + type},
             {json::object(), start}};
  } else if (type == "Blob") {
    const std::string only = "only base-64-encoded strings are convertible to bytes";
    cases = {{json(true), only},
             {json(23), only},
             {json(-2147483648LL), only},
             {big, only},
             {dec, only},
             {json::array(), "Unrecognized collection type class java.nio.ByteBuffer"},
             {json::object(), start},
             {json("23456"), "Base64 encoded length is expected a multiple of 4 bytes but found: 5"},
             {json("+/+="), "Invalid last non-pad Base64 character dectected"}};
  } else if (type == "List") {
    scalars("Unexpected field type");
    cases.emplace_back(json::object(), start);
  } else if (type == "ParameterizedList") {
    scalars(cast);
    cases.emplace_back(json::object(), start);
  } else if (type == "Map" || type == "ParameterizedMap") {
    scalars(type == "Map" ? "Unexpected field type" : cast);
    std::string sub = subtype.empty() ? "AttributeValue" : subtype;
    if (sub.find('.') == std::string::npos) sub = model + sub;
    cases.emplace_back(json::array(),
                       "Unrecognized collection type java.util.Map<java.lang.String, " + sub + ">");
  } else if (type == "ValueStruct" || type == "FieldStruct") {
    scalars(type == "ValueStruct" ? "Unexpected value type in payload" : "Unexpected field type");
    cases.emplace_back(json::array(), "Unrecognized collection type class " + model + subtype);
  } else if (type == "AttrStruct") {
    const std::vector<std::pair<std::string, std::string>> parts = {
        {property, subtype + "<AttributeValue>"},
        {property + ".S", "String"},
        {property + ".N", "String"},
        {property + ".B", "Blob"},
        {property + ".BOOL", "Boolean"},
        {property + ".NULL", "Boolean"},
        {property + ".SS", "List"},
        {property + ".SS.0", "String"},
        {property + ".NS", "List"},
        {property + ".NS.0", "String"},
        {property + ".BS", "List"},
        {property + ".BS.0", "Blob"},
        {property + ".L", "List"},
        {property + ".L.0", "ValueStruct<AttributeValue>"},
        {property + ".L.0.BS", "List"},
        {property + ".L.0.BS.0", "Blob"},
        {property + ".M", "Map<AttributeValue>"},
        {property + ".M.a", "ValueStruct<AttributeValue>"},
        {property + ".M.a.BS", "List"},
        {property + ".M.a.BS.0", "Blob"}};
    for (const auto& p : parts) AssertType(spec, p.first, p.second);
    return;
  } else {
    FAIL("unknown type " << full_type);
  }
  for (const auto& c : cases) {
    json request = RequestWith(property, c.first);
    CHECK_MESSAGE(ErrorOf(spec, request) == "SerializationException: " + c.second,
                  property << " as " << full_type << ": " << request.dump());
  }
}

}  // namespace testing
}  // namespace api
}  // namespace pd

#endif  // PD_TESTS_CPP_API_API_TEST_UTIL_H_
