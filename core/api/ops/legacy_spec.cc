// The checks of DynamoDB's legacy (non-expression) request parameters declared in
// api/ops/common_spec.h: Expected, QueryFilter / ScanFilter / KeyConditions,
// AttributeUpdates, AttributesToGet. Only requests that use those parameters get
// past each check's first lookup, so this file is in core/CMakeLists.txt's cold list
// (compiled for size in the wasm build).
#include <set>

#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "value/json_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

namespace {

// Whether `n` values suit the ComparisonOperator: none for NULL / NOT_NULL,
// at least one for IN, two for BETWEEN, one for the others.
bool ValueCountFits(const std::string& op, size_t n) {
  if (op == "NULL" || op == "NOT_NULL") return n == 0;
  if (op == "IN") return n >= 1;
  if (op == "BETWEEN") return n == 2;
  return n == 1;
}

// The AttributeValue type name of a JSON AttributeValue ("S", "BOOL", ...).
std::string JsonType(const json& value) {
  return value.is_object() && !value.empty() ? value.begin().key() : "";
}

std::optional<DdbError> CheckValueList(const json& list, const std::string& op) {
  if (!ValueCountFits(op, list.size())) {
    return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                "Invalid number of argument(s) for the " + op +
                                " ComparisonOperator");
  }
  return std::nullopt;
}

std::optional<DdbError> CheckSameType(const json& list) {
  for (const json& v : list) {
    if (JsonType(v) != JsonType(list[0])) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "AttributeValues inside AttributeValueList must be of same type");
    }
  }
  return std::nullopt;
}

std::optional<DdbError> CheckBetweenOrder(const json& list, const std::string& op) {
  if (op != "BETWEEN" || list.size() != 2) return std::nullopt;
  AttributeValue low, high;
  if (AttributeValueFromJson(list[0], &low) || AttributeValueFromJson(list[1], &high)) {
    return std::nullopt;
  }
  if (low.type() == high.type() && IsKeyType(low.type()) &&
      AttributeValue::CompareScalars(low, high) > 0) {
    return DdbError::Validation(
        "The BETWEEN condition was provided a range where the lower bound is greater than the "
        "upper bound");
  }
  return std::nullopt;
}

// The value types each ComparisonOperator accepts in QueryFilter, ScanFilter
// and KeyConditions.
bool TypeAllowed(const std::string& op, const std::string& type) {
  const bool scalar = type == "S" || type == "N" || type == "B";
  if (op == "EQ" || op == "NE") return scalar || type == "SS" || type == "NS" || type == "BS";
  if (op == "BEGINS_WITH") return type == "S" || type == "B";
  return scalar;
}

}  // namespace

std::optional<DdbError> CheckExpected(const json& request) {
  auto expected = request.find("Expected");
  if (expected == request.end() || !expected->is_object()) return std::nullopt;
  for (auto it = expected->begin(); it != expected->end(); ++it) {
    const json& c = *it;
    const std::string& key = it.key();
    const bool has_list = c.contains("AttributeValueList");
    const bool has_value = c.contains("Value");
    if (has_list && has_value) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "Value and AttributeValueList cannot be used together for "
                                  "Attribute: " +
                                  key);
    }
    if (c.contains("ComparisonOperator")) {
      const std::string op = c["ComparisonOperator"].get<std::string>();
      if (c.contains("Exists")) {
        return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                    "Exists and ComparisonOperator cannot be used together for "
                                    "Attribute: " +
                                    key);
      }
      if (op != "NULL" && op != "NOT_NULL" && !has_list && !has_value) {
        return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                    "Value or AttributeValueList must be used with "
                                    "ComparisonOperator: " +
                                    op + " for Attribute: " + key);
      }
      const json list = has_list    ? c["AttributeValueList"]
                        : has_value ? json::array({c["Value"]})
                                    : json::array();
      for (const json& v : list) PD_RETURN_IF_DDB_ERROR(CheckAttributeValue(v));
      PD_RETURN_IF_DDB_ERROR(CheckValueList(list, op));
      if (!list.empty()) {
        PD_RETURN_IF_DDB_ERROR(CheckSameType(list));
        PD_RETURN_IF_DDB_ERROR(CheckBetweenOrder(list, op));
      }
    } else if (has_list) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "AttributeValueList can only be used with a ComparisonOperator "
                                  "for Attribute: " +
                                  key);
    } else {
      const bool exists = !c.contains("Exists") || c["Exists"].get<bool>();
      if (exists && !has_value) {
        return DdbError::Validation(
            std::string(msg::kInvalidParameter) + "Value must be provided when Exists is " +
            (c.contains("Exists") ? "true" : "null") + " for Attribute: " + key);
      }
      if (!exists && has_value) {
        return DdbError::Validation(
            std::string(msg::kInvalidParameter) +
            "Value cannot be used when Exists is false for Attribute: " + key);
      }
      if (has_value) PD_RETURN_IF_DDB_ERROR(CheckAttributeValue(c["Value"]));
    }
  }
  return std::nullopt;
}

std::optional<DdbError> CheckConditionMap(const json& request, const char* member) {
  auto conditions = request.find(member);
  if (conditions == request.end() || !conditions->is_object()) return std::nullopt;
  for (auto it = conditions->begin(); it != conditions->end(); ++it) {
    const std::string op = it->value("ComparisonOperator", "");
    const json list = it->value("AttributeValueList", json::array());
    for (const json& v : list) PD_RETURN_IF_DDB_ERROR(CheckAttributeValue(v));
    PD_RETURN_IF_DDB_ERROR(CheckValueList(list, op));
    if (list.empty()) continue;
    PD_RETURN_IF_DDB_ERROR(CheckSameType(list));
    for (const json& v : list) {
      if (!TypeAllowed(op, JsonType(v))) {
        return DdbError::Validation(msg::OperatorNotValidForType(op, JsonType(v)));
      }
    }
    PD_RETURN_IF_DDB_ERROR(CheckBetweenOrder(list, op));
  }
  return std::nullopt;
}

std::optional<DdbError> CheckAttributeUpdates(const json& request) {
  auto updates = request.find("AttributeUpdates");
  if (updates == request.end() || !updates->is_object()) return std::nullopt;
  for (auto it = updates->begin(); it != updates->end(); ++it) {
    const std::string action = it->value("Action", "PUT");
    const bool has_value = it->contains("Value");
    if (has_value) PD_RETURN_IF_DDB_ERROR(CheckAttributeValue((*it)["Value"]));
    if (!has_value && action != "DELETE") {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "Only DELETE action is allowed when no attribute value is "
                                  "specified");
    }
    if (!has_value) continue;
    const std::string type = JsonType((*it)["Value"]);
    if (action == "DELETE" && type != "SS" && type != "NS" && type != "BS") {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "DELETE action with value is not supported for the type " + type);
    }
    if (action == "ADD" && type != "L" && type != "SS" && type != "NS" && type != "BS" &&
        type != "N") {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "ADD action is not supported for the type " + type);
    }
  }
  return std::nullopt;
}

std::optional<DdbError> CheckAttributesToGet(const json& request) {
  auto names = request.find("AttributesToGet");
  if (names == request.end() || !names->is_array()) return std::nullopt;
  std::set<std::string> seen;
  for (const json& name : *names) {
    if (!name.is_string()) continue;
    if (!seen.insert(name.get<std::string>()).second) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "Duplicate value in attribute name: " + name.get<std::string>());
    }
  }
  return std::nullopt;
}

}  // namespace api
}  // namespace pd
