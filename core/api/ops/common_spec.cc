#include "api/ops/common_spec.h"

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

std::optional<DdbError> CheckKeyMap(const json& key) {
  if (!key.is_object()) return std::nullopt;
  AttributeMap decoded;
  for (auto it = key.begin(); it != key.end(); ++it) {
    AttributeValue value;
    if (auto err = AttributeValueFromJson(*it, &value)) return FromJsonError(*err, "");
    if (NestingDepth(value) > kMaxDocumentDepth) return DdbError::Validation(msg::kNestingTooDeep);
    decoded.Set(it.key(), std::move(value));
  }
  KeepCheckedMap(key, std::move(decoded));
  return std::nullopt;
}

namespace {

struct CheckedMap {
  const json* source = nullptr;
  AttributeMap map;
};
constexpr size_t kMaxCheckedMaps = 4;
thread_local CheckedMap checked_maps[kMaxCheckedMaps];

}  // namespace

void KeepCheckedMap(const json& source, AttributeMap map) {
  for (CheckedMap& slot : checked_maps) {
    if (slot.source == nullptr || slot.source == &source) {
      slot.source = &source;
      slot.map = std::move(map);
      return;
    }
  }
}

bool TakeCheckedMap(const json& source, AttributeMap* out) {
  for (CheckedMap& slot : checked_maps) {
    if (slot.source == &source) {
      *out = std::move(slot.map);
      slot.source = nullptr;
      slot.map = AttributeMap();
      return true;
    }
  }
  return false;
}

void ForgetCheckedMaps() {
  for (CheckedMap& slot : checked_maps) {
    if (slot.source == nullptr) continue;
    slot.source = nullptr;
    slot.map = AttributeMap();
  }
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
        (query ? msg::ValidationErrorsDetected(1) : std::string()) + "Cannot specify the " +
        (Has(request, "ProjectionExpression") ? "ProjectionExpression" : "AttributesToGet") +
        " when choosing to get " + (select == "COUNT" ? std::string("only the Count") : select));
  }
  return std::nullopt;
}

}  // namespace api
}  // namespace pd
