#include "api/ops/common_spec.h"

#include <set>

#include "api/messages.h"
#include "table/limits.h"
#include "value/json_codec.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

DdbError FromJsonError(const JsonError& e, const std::string& prefix) {
  if (e.kind == JsonError::Kind::kSerialization) return DdbError::Serialization(e.message);
  return DdbError::Validation(prefix + e.message);
}

// ^<lead>[0-9a-zA-Z_]+$
bool IsPlaceholder(const std::string& key, char lead) {
  if (key.size() < 2 || key[0] != lead) return false;
  for (size_t i = 1; i < key.size(); ++i) {
    char c = key[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_';
    if (!ok) return false;
  }
  return true;
}

std::string Join(const std::vector<std::string>& parts, const char* sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

}  // namespace

// ---- Checks -------------------------------------------------------------------

bool Has(const json& request, const char* name) {
  auto it = request.find(name);
  return it != request.end() && !it->is_null();
}

std::optional<DdbError> CheckExpressionParams(const json& request,
                                              std::initializer_list<const char*> expressions,
                                              std::initializer_list<const char*> legacy) {
  std::vector<std::string> used_expressions;
  for (const char* e : expressions) {
    if (Has(request, e)) used_expressions.emplace_back(e);
  }
  if (!used_expressions.empty()) {
    // KeyConditions may go with the other expressions unless
    // KeyConditionExpression is used too.
    bool allow_key_conditions = !Has(request, "KeyConditionExpression");
    std::vector<std::string> used_legacy;
    for (const char* l : legacy) {
      if (allow_key_conditions && std::string(l) == "KeyConditions") continue;
      if (Has(request, l)) used_legacy.emplace_back(l);
    }
    if (!used_legacy.empty()) {
      return DdbError::Validation(
          "Can not use both expression and non-expression parameters in the same request: "
          "Non-expression parameters: {" +
          Join(used_legacy, ", ") + "} Expression parameters: {" + Join(used_expressions, ", ") +
          "}");
    }
  }
  if (Has(request, "ExpressionAttributeNames") && used_expressions.empty()) {
    return DdbError::Validation(
        "ExpressionAttributeNames can only be specified when using expressions");
  }
  std::vector<std::string> value_expressions;
  bool any_value_expression = false;
  for (const char* e : expressions) {
    if (std::string(e) == "ProjectionExpression") continue;
    value_expressions.emplace_back(e);
    if (Has(request, e)) any_value_expression = true;
  }
  if (!value_expressions.empty() && Has(request, "ExpressionAttributeValues") &&
      !any_value_expression) {
    return DdbError::Validation(
        "ExpressionAttributeValues can only be specified when using expressions: " +
        Join(value_expressions, " and ") + (value_expressions.size() > 1 ? " are" : " is") +
        " null");
  }
  return std::nullopt;
}

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

std::optional<DdbError> CheckAttributeValue(const json& value, const std::string& prefix) {
  AttributeValue decoded;
  if (auto err = AttributeValueFromJson(value, &decoded)) return FromJsonError(*err, prefix);
  if (NestingDepth(decoded) > kMaxDocumentDepth) {
    return DdbError::Validation(prefix + msg::kNestingTooDeep);
  }
  return std::nullopt;
}

std::optional<DdbError> CheckAttributeMap(const json& map, const std::string& prefix) {
  if (!map.is_object()) return std::nullopt;
  for (auto it = map.begin(); it != map.end(); ++it) {
    PD_RETURN_IF_DDB_ERROR(CheckAttributeValue(*it, prefix));
  }
  return std::nullopt;
}

std::optional<DdbError> DecodeItem(const json& item, Item* out) {
  if (auto err = ItemFromJson(item, out)) return FromJsonError(*err, "");
  if (NestingDepth(*out) > kMaxDocumentDepth) return DdbError::Validation(msg::kNestingTooDeep);
  return std::nullopt;
}

std::optional<DdbError> CheckItemSize(const Item& item) {
  if (ItemSize(item) > kMaxItemSizeBytes) {
    return DdbError::Validation("Item size has exceeded the maximum allowed size");
  }
  return std::nullopt;
}

std::optional<DdbError> CheckExpressionAttributes(const json& request) {
  auto names = request.find("ExpressionAttributeNames");
  if (names != request.end() && names->is_object()) {
    if (names->empty()) return DdbError::Validation("ExpressionAttributeNames must not be empty");
    for (auto it = names->begin(); it != names->end(); ++it) {
      if (!IsPlaceholder(it.key(), '#')) {
        return DdbError::Validation(
            "ExpressionAttributeNames contains invalid key: Syntax error; key: \"" + it.key() +
            "\"");
      }
    }
  }
  auto values = request.find("ExpressionAttributeValues");
  if (values != request.end() && values->is_object()) {
    if (values->empty()) {
      return DdbError::Validation("ExpressionAttributeValues must not be empty");
    }
    for (auto it = values->begin(); it != values->end(); ++it) {
      if (!IsPlaceholder(it.key(), ':')) {
        return DdbError::Validation(
            "ExpressionAttributeValues contains invalid key: Syntax error; key: \"" + it.key() +
            "\"");
      }
    }
    for (auto it = values->begin(); it != values->end(); ++it) {
      if (auto err = CheckAttributeValue(*it)) {
        if (err->type != "ValidationException") return err;
        return DdbError::Validation(msg::kInvalidExpressionValue + err->message + " for key " +
                                    it.key());
      }
    }
  }
  return std::nullopt;
}

std::optional<DdbError> CheckSelect(const json& request, bool query) {
  auto it = request.find("Select");
  if (it == request.end() || !it->is_string()) return std::nullopt;
  const std::string& select = it->get_ref<const std::string&>();
  bool projection = Has(request, "ProjectionExpression") || Has(request, "AttributesToGet");
  if (select == "SPECIFIC_ATTRIBUTES") {
    if (!projection) {
      return DdbError::Validation(
          "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
          "SPECIFIC_ATTRIBUTES");
    }
    return std::nullopt;
  }
  if (select == "ALL_PROJECTED_ATTRIBUTES" && !Has(request, "IndexName")) {
    return DdbError::Validation(
        "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  }
  if (projection) {
    return DdbError::Validation(
        std::string(query ? "1 validation error detected: " : "") + "Cannot specify the " +
        (Has(request, "ProjectionExpression") ? "ProjectionExpression" : "AttributesToGet") +
        " when choosing to get " + (select == "COUNT" ? std::string("only the Count") : select));
  }
  return std::nullopt;
}

}  // namespace api
}  // namespace pd
