// The JSON half of TableDescription (table/table_description.h): a
// CreateTable request read into a description (FromCreateTableRequest);
// DescribeTable's shape is written by api/describe_text.h. Apart from the
// byte form (table_description.cc) because it runs per table operation,
// never per item request: the Release wasm compiles this file for size
// (core/CMakeLists.txt's cold sources).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "table/limits.h"
#include "table/table_description.h"

namespace pd {
namespace {

using nlohmann::json;

constexpr char kInvalidPrefix[] = "One or more parameter values were invalid: ";

// ---- JSON access that never throws -----------------------------------------

const json* Member(const json& object, const char* name) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(name);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string StringMember(const json& object, const char* name) {
  const json* v = Member(object, name);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

std::optional<int64_t> IntMember(const json& object, const char* name) {
  const json* v = Member(object, name);
  if (v == nullptr || !v->is_number_integer()) return std::nullopt;
  return v->get<int64_t>();
}

std::optional<AttributeType> KeyTypeFromName(const std::string& name) {
  if (name == "S") return AttributeType::kS;
  if (name == "N") return AttributeType::kN;
  if (name == "B") return AttributeType::kB;
  return std::nullopt;
}

}  // namespace

Result<TableDescription> TableDescription::FromCreateTableRequest(const json& request) {
  TableDescription d;
  d.name = StringMember(request, "TableName");

  // Billing mode and throughput.
  const std::string billing = StringMember(request, "BillingMode");
  const json* throughput = Member(request, "ProvisionedThroughput");
  d.billing_mode_explicit = !billing.empty();
  if (billing == "PAY_PER_REQUEST") {
    if (throughput != nullptr) {
      return Status::Validation(std::string(kInvalidPrefix) +
                                "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                                "specified when BillingMode is PAY_PER_REQUEST");
    }
    d.billing_mode = BillingMode::kPayPerRequest;
  } else {
    std::optional<int64_t> rcu, wcu;
    if (throughput != nullptr) {
      rcu = IntMember(*throughput, "ReadCapacityUnits");
      wcu = IntMember(*throughput, "WriteCapacityUnits");
    }
    if (!rcu || !wcu) {
      return Status::Validation(std::string(kInvalidPrefix) +
                                "ReadCapacityUnits and WriteCapacityUnits must both be "
                                "specified when BillingMode is PROVISIONED");
    }
    if (*rcu > kMaxCapacityUnits) {
      return Status::Validation("Given value " + std::to_string(*rcu) +
                                " for ReadCapacityUnits is out of bounds");
    }
    if (*wcu > kMaxCapacityUnits) {
      return Status::Validation("Given value " + std::to_string(*wcu) +
                                " for WriteCapacityUnits is out of bounds");
    }
    d.billing_mode = BillingMode::kProvisioned;
    d.read_capacity_units = *rcu;
    d.write_capacity_units = *wcu;
  }

  // Key schema against the attribute definitions.
  std::vector<std::string> defined;
  std::vector<KeyAttribute> definitions;
  if (const json* defs = Member(request, "AttributeDefinitions"); defs && defs->is_array()) {
    for (const json& def : *defs) {
      KeyAttribute a;
      a.name = StringMember(def, "AttributeName");
      std::optional<AttributeType> type = KeyTypeFromName(StringMember(def, "AttributeType"));
      if (!type) {
        return Status::Validation(std::string(kInvalidPrefix) +
                                  "Invalid AttributeType in AttributeDefinitions");
      }
      a.type = *type;
      defined.push_back(a.name);
      definitions.push_back(std::move(a));
    }
  }
  std::vector<std::string> keys;
  std::vector<std::string> key_types;
  ReadKeySchema(request, &keys, &key_types);
  if (keys.empty() || keys.size() > kMaxKeySchemaElements) {
    return Status::Validation(std::string(kInvalidPrefix) + "KeySchema must have 1 or 2 elements");
  }
  if (keys.size() > defined.size()) {
    return Status::Validation("Invalid KeySchema: Some index key attribute have no definition");
  }
  if (Status s = CheckKeySchema(keys, key_types, defined); !s.ok()) return s;

  const bool has_indexes = Member(request, "LocalSecondaryIndexes") != nullptr ||
                           Member(request, "GlobalSecondaryIndexes") != nullptr;
  if (!has_indexes && keys.size() != definitions.size()) {
    return Status::Validation(std::string(kInvalidPrefix) +
                              "Number of attributes in KeySchema does not exactly match "
                              "number of attributes defined in AttributeDefinitions");
  }
  if (has_indexes) {
    std::vector<std::pair<std::string, AttributeType>> defs;
    for (const KeyAttribute& a : definitions) defs.emplace_back(a.name, a.type);
    Status s = ParseSecondaryIndexes(request, defs, keys,
                                     d.billing_mode == BillingMode::kPayPerRequest, &d.indexes);
    if (!s.ok()) return s;
  }
  if (const json* stream = Member(request, "StreamSpecification")) {
    const json* enabled = Member(*stream, "StreamEnabled");
    const std::string view = StringMember(*stream, "StreamViewType");
    if (enabled != nullptr && enabled->is_boolean() && enabled->get<bool>()) {
      std::optional<StreamViewType> type = StreamViewTypeFromName(view);
      if (!type) {
        return Status::Validation(std::string(kInvalidPrefix) +
                                  "Table is being created with a stream enabled, "
                                  "UpdateViewType is required");
      }
      d.stream.enabled = true;
      d.stream.view_type = *type;
    } else if (!view.empty()) {
      return Status::Validation(std::string(kInvalidPrefix) +
                                "Table is being created with a stream disabled, "
                                "UpdateViewType should not be specified");
    }
  }

  auto find_definition = [&](const std::string& name) {
    for (const KeyAttribute& a : definitions) {
      if (a.name == name) return a;
    }
    return KeyAttribute{name, AttributeType::kS};  // unreachable: every key is defined
  };
  d.hash_key = find_definition(keys[0]);
  if (keys.size() == 2) d.range_key = find_definition(keys[1]);
  d.attribute_definitions = std::move(definitions);

  d.table_class = StringMember(request, "TableClass");
  if (const json* p = Member(request, "DeletionProtectionEnabled"); p && p->is_boolean()) {
    d.deletion_protection = p->get<bool>();
  }
  if (const json* tags = Member(request, "Tags"); tags && tags->is_array()) {
    for (const json& t : *tags) {
      d.tags.push_back(Tag{StringMember(t, "Key"), StringMember(t, "Value")});
    }
  }
  return d;
}

}  // namespace pd
