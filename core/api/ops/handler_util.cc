// Shared steps of the item handlers (contract in api/ops/handler_util.h).
#include "api/ops/handler_util.h"

#include <cstdio>
#include <utility>

#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "table/limits.h"
#include "value/json_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace

std::string MakeTableId(const std::string& name, int64_t now_ms, const Pager& pager) {
  uint64_t state = 0xCBF29CE484222325ULL;  // FNV-1a 64 of the name, then mixed
  for (unsigned char c : name) state = (state ^ c) * 0x100000001B3ULL;
  state ^= static_cast<uint64_t>(now_ms);
  state ^= (static_cast<uint64_t>(pager.page_count()) << 32) ^ pager.lsn();
  uint64_t hi = SplitMix64(&state);
  uint64_t lo = SplitMix64(&state);
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // variant 10xx
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

DdbError StorageError(const Status& s) {
  if (s.IsValidation()) return DdbError::Validation(s.message());
  if (s.IsNotFound()) return DdbError::ResourceNotFound(msg::kResourceNotFound);
  return DdbError::InternalServerError(s.ToString());
}

DdbResult<Table> OpenTableForItems(Store& store, const std::string& name) {
  Result<Table> t = Table::Open(store.catalog, name);
  if (t.ok()) return std::move(t).value();
  if (t.status().IsNotFound()) return DdbError::ResourceNotFound(msg::kResourceNotFound);
  return StorageError(t.status());
}

DdbResult<AttributeMap> DecodeKeyMember(const json& request, const char* member) {
  AttributeMap key;
  auto it = request.find(member);
  if (it == request.end()) return key;
  if (TakeCheckedMap(*it, &key)) return key;  // decoded by the spec's check (CheckKeyMap)
  if (auto err = ItemFromJson(*it, &key)) {
    if (err->kind == JsonError::Kind::kSerialization) return DdbError::Serialization(err->message);
    return DdbError::Validation(err->message);
  }
  return key;
}

json ItemJson(const Item& item) { return ItemToJson(item); }

std::string StringMember(const json& request, const char* member, const std::string& fallback) {
  auto it = request.find(member);
  if (it == request.end() || !it->is_string()) return fallback;
  return it->get<std::string>();
}

const json* Member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<int64_t> IntMember(const json& object, const char* name) {
  const json* v = Member(object, name);
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  return v->get<int64_t>();
}

std::optional<DdbError> RequestExpressions::Load(const json& request) {
  auto names = request.find("ExpressionAttributeNames");
  if (names != request.end() && names->is_object()) {
    names_.emplace();
    for (auto it = names->begin(); it != names->end(); ++it) {
      if (it->is_string()) names_->emplace(it.key(), it->get<std::string>());
    }
  }
  auto values = request.find("ExpressionAttributeValues");
  if (values != request.end() && values->is_object()) {
    values_.emplace();
    if (auto err = ItemFromJson(*values, &*values_)) {
      if (err->kind == JsonError::Kind::kSerialization) return DdbError::Serialization(err->message);
      return DdbError::Validation(msg::kInvalidExpressionValue + err->message);
    }
  }
  return std::nullopt;
}

expr::CheckContext RequestExpressions::Context() {
  expr::CheckContext ctx;
  ctx.names = names_ ? &*names_ : nullptr;
  ctx.values = values_ ? &*values_ : nullptr;
  ctx.use = &use_;
  return ctx;
}

namespace {

// A legacy condition map (Expected, QueryFilter, ScanFilter, KeyConditions)
// as expr::LegacyConditions, in attribute-name order. The spec validated it.
std::optional<DdbError> LegacyConditions(const json& map, std::vector<expr::LegacyCondition>* out) {
  for (auto it = map.begin(); it != map.end(); ++it) {
    expr::LegacyCondition c;
    c.attribute = it.key();
    const json& body = *it;
    json list = json::array();
    if (body.contains("ComparisonOperator")) {
      c.op = body["ComparisonOperator"].get<std::string>();
      if (body.contains("AttributeValueList"))
        list = body["AttributeValueList"];
      else if (body.contains("Value"))
        list.push_back(body["Value"]);
    } else if (body.contains("Exists") && !body["Exists"].get<bool>()) {
      c.op = "NULL";  // Expected {Exists: false}
    } else {
      c.op = "EQ";  // Expected {Value: v} / {Exists: true, Value: v}
      if (body.contains("Value")) list.push_back(body["Value"]);
    }
    for (const json& v : list) {
      AttributeValue value;
      if (auto err = AttributeValueFromJson(v, &value)) return DdbError::Validation(err->message);
      c.values.push_back(std::move(value));
    }
    out->push_back(std::move(c));
  }
  return std::nullopt;
}

}  // namespace

std::optional<DdbError> RequestExpressions::ParseCondition(const json& request, const char* member,
                                                           std::optional<expr::Condition>* out) {
  out->reset();
  auto it = request.find(member);
  if (it == request.end() || !it->is_string()) {
    const std::string_view role(member);
    const char* legacy = role == "ConditionExpression" ? "Expected"
                         : role == "FilterExpression"
                             ? (request.contains("QueryFilter") ? "QueryFilter" : "ScanFilter")
                             : nullptr;
    auto map = legacy != nullptr ? request.find(legacy) : request.end();
    if (map == request.end() || !map->is_object() || map->empty()) return std::nullopt;
    std::vector<expr::LegacyCondition> conditions;
    PD_RETURN_IF_DDB_ERROR(LegacyConditions(*map, &conditions));
    out->emplace(expr::ConditionFromLegacy(
        conditions, StringMember(request, "ConditionalOperator", "AND") == "OR", &legacy_values_));
    return std::nullopt;
  }
  const std::string_view name(member);
  expr::ExpressionKind kind = expr::ExpressionKind::kCondition;
  if (name == "FilterExpression") kind = expr::ExpressionKind::kFilter;
  if (name == "KeyConditionExpression") kind = expr::ExpressionKind::kKeyCondition;
  Result<expr::Condition> c =
      expr::ParseAndCheckCondition(it->get_ref<const std::string&>(), kind, Context());
  if (!c.ok()) return DdbError::Validation(c.status().message());
  out->emplace(std::move(c).value());
  return std::nullopt;
}

std::optional<DdbError> RequestExpressions::ParseUpdate(const json& request,
                                                        std::optional<expr::UpdateExpression>* out) {
  out->reset();
  legacy_update_ = false;
  auto it = request.find("UpdateExpression");
  if (it == request.end() || !it->is_string()) {
    auto updates = request.find("AttributeUpdates");
    if (updates == request.end() || !updates->is_object()) return std::nullopt;
    std::vector<expr::LegacyUpdate> legacy;
    for (auto u = updates->begin(); u != updates->end(); ++u) {
      expr::LegacyUpdate lu;
      lu.attribute = u.key();
      lu.action = u->value("Action", "PUT");
      if (u->contains("Value")) {
        AttributeValue value;
        if (auto err = AttributeValueFromJson((*u)["Value"], &value)) {
          return DdbError::Validation(err->message);
        }
        lu.value = std::move(value);
      }
      legacy.push_back(std::move(lu));
    }
    out->emplace(expr::UpdateFromLegacy(legacy, &legacy_values_));
    legacy_update_ = true;
    return std::nullopt;
  }
  Result<expr::UpdateExpression> u =
      expr::ParseAndCheckUpdate(it->get_ref<const std::string&>(), Context());
  if (!u.ok()) return DdbError::Validation(u.status().message());
  out->emplace(std::move(u).value());
  return std::nullopt;
}

std::optional<DdbError> RequestExpressions::ParseProjection(
    const json& request, std::optional<expr::ProjectionExpression>* out) {
  out->reset();
  auto it = request.find("ProjectionExpression");
  if (it == request.end() || !it->is_string()) {
    auto names = request.find("AttributesToGet");
    if (names == request.end() || !names->is_array()) return std::nullopt;
    out->emplace(expr::ProjectionFromNames(names->get<std::vector<std::string>>()));
    return std::nullopt;
  }
  Result<expr::ProjectionExpression> p =
      expr::ParseAndCheckProjection(it->get_ref<const std::string&>(), Context());
  if (!p.ok()) return DdbError::Validation(p.status().message());
  out->emplace(std::move(p).value());
  return std::nullopt;
}

std::optional<DdbError> RequestExpressions::LegacyKeyCondition(const json& request,
                                                               expr::KeyCondition* out) {
  std::vector<expr::LegacyCondition> conditions;
  auto map = request.find("KeyConditions");
  if (map != request.end() && map->is_object()) {
    PD_RETURN_IF_DDB_ERROR(LegacyConditions(*map, &conditions));
  }
  *out = expr::KeyConditionFromLegacy(conditions, &legacy_values_);
  return std::nullopt;
}

std::optional<DdbError> RequestExpressions::CheckAllUsed() const {
  Status s = expr::CheckUnusedPlaceholders(names_ ? &*names_ : nullptr,
                                           values_ ? &*values_ : nullptr, use_);
  if (!s.ok()) return DdbError::Validation(s.message());
  return std::nullopt;
}

DdbError BatchItemKeyError(const Status& s, KeyFault fault) {
  if (fault == KeyFault::kShape) return DdbError::Validation(msg::kKeySchemaMismatch);
  return StorageError(s);
}

std::optional<DdbError> CheckKeyUpdates(const Table& table, const expr::UpdateExpression& update) {
  const KeyAttribute* keys[2] = {&table.hash_key(),
                                 table.range_key() ? &*table.range_key() : nullptr};
  for (const KeyAttribute* key : keys) {
    if (key == nullptr) continue;
    for (const expr::UpdateAction& action : update.actions) {
      const expr::PathElement& first = action.path.elements.front();
      if (first.kind != expr::PathElement::Kind::kName || first.name != key->name) continue;
      if (action.path.elements.size() > 1) {
        return DdbError::Validation(msg::kKeyPathNotScalar + key->name);
      }
      return DdbError::Validation(std::string(msg::kInvalidParameter) + "Cannot update attribute " +
                                  key->name + ". This attribute is part of the key");
    }
  }
  return std::nullopt;
}

DdbError ConditionFailed(const json& request, const std::optional<Item>& old) {
  if (old && StringMember(request, "ReturnValuesOnConditionCheckFailure") == "ALL_OLD") {
    return DdbError::ConditionalCheckFailed(ItemJson(*old));
  }
  return DdbError::ConditionalCheckFailed();
}

bool IsStreamLabel(const std::string& label) {
  static constexpr char kShape[] = "0000-00-00T00:00:00.000";
  if (label.size() != sizeof(kShape) - 1) return false;
  for (size_t i = 0; i < label.size(); ++i) {
    const bool ok = kShape[i] == '0' ? (label[i] >= '0' && label[i] <= '9') : label[i] == kShape[i];
    if (!ok) return false;
  }
  return true;
}

bool IsStreamArnForm(const std::string& arn) {
  static constexpr char kPrefix[] = "arn:aws:dynamodb:";
  if (arn.compare(0, sizeof(kPrefix) - 1, kPrefix) != 0) return false;
  const size_t region_end = arn.find(':', sizeof(kPrefix) - 1);
  if (region_end == std::string::npos || region_end == sizeof(kPrefix) - 1) return false;
  const size_t account = region_end + 1;
  for (size_t i = account; i < account + 12; ++i) {
    if (i >= arn.size() || arn[i] < '0' || arn[i] > '9') return false;
  }
  if (arn.compare(account + 12, 7, ":table/") != 0) return false;
  const size_t name = account + 19;
  const size_t stream = arn.find("/stream/", name);
  if (stream == std::string::npos || stream - name < kMinTableNameLength ||
      stream - name > kMaxTableNameLength) {
    return false;
  }
  for (size_t i = name; i < stream; ++i) {
    const char c = arn[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return IsStreamLabel(arn.substr(stream + 8));
}

}  // namespace api
}  // namespace pd
