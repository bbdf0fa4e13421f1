// CreateTable's and UpdateTable's table and index definitions read from the
// request (contract in api/table_request.h). Per table operation, never per
// item request: the Release wasm compiles this file for size
// (core/CMakeLists.txt's cold sources).
#include "api/table_request.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "table/limits.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

Status Invalid(const std::string& message) {
  return Status::Validation(std::string(msg::kInvalidParameter) + message);
}

std::optional<AttributeType> KeyTypeFromName(const std::string& name) {
  if (name == "S") return AttributeType::kS;
  if (name == "N") return AttributeType::kN;
  if (name == "B") return AttributeType::kB;
  return std::nullopt;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) out += (i > 0 ? ", " : "") + names[i];
  return out;
}

std::optional<AttributeType> DefinedType(
    const std::vector<std::pair<std::string, AttributeType>>& defined, const std::string& name) {
  for (const auto& [n, t] : defined) {
    if (n == name) return t;
  }
  return std::nullopt;
}

// The checks every index of any kind gets (LSI-only ones in between, see
// ParseOne), filling *out. `table_hash` non-null for an LSI.
Status ParseOne(const json& index,
                const std::vector<std::pair<std::string, AttributeType>>& defined,
                const std::string* table_hash, bool pay_per_request, SecondaryIndex* out) {
  out->name = StringMember(index, "IndexName");
  std::vector<std::string> keys;
  std::vector<std::string> key_types;
  ReadKeySchema(index, &keys, &key_types);
  if (keys.empty()) return Status::Validation("Invalid KeySchema: empty");  // spec's job
  std::vector<std::string> defined_names;
  for (const auto& d : defined) defined_names.push_back(d.first);
  if (Status s = CheckKeySchema(keys, key_types, defined_names); !s.ok()) return s;
  if (table_hash != nullptr) {
    if (keys.size() != 2) {
      return Invalid("Index KeySchema does not have a range key for index: " + out->name);
    }
    if (keys[0] != *table_hash) {
      return Invalid(
          "Index KeySchema does not have the same leading hash key as table KeySchema for "
          "index: " +
          out->name + ". index hash key: " + keys[0] + ", table hash key: " + *table_hash);
    }
  }
  const json* projection = Member(index, "Projection");
  const std::string type = projection ? StringMember(*projection, "ProjectionType") : "";
  if (type.empty()) return Invalid("Unknown ProjectionType: null");
  const json* non_key = projection ? Member(*projection, "NonKeyAttributes") : nullptr;
  if (non_key != nullptr && type != "INCLUDE") {
    return Invalid("ProjectionType is " + type + ", but NonKeyAttributes is specified");
  }
  if (non_key == nullptr && type == "INCLUDE") {
    return Invalid("ProjectionType is INCLUDE, but NonKeyAttributes is not specified");
  }
  out->projection = type == "ALL"         ? ProjectionType::kAll
                    : type == "KEYS_ONLY" ? ProjectionType::kKeysOnly
                                          : ProjectionType::kInclude;
  if (non_key != nullptr && non_key->is_array()) {
    std::set<std::string> seen;
    for (const json& a : *non_key) {
      std::string name = a.is_string() ? a.get<std::string>() : std::string();
      if (!seen.insert(name).second)
        return Invalid("Duplicate element in NonKeyAttributes: " + name);
      out->non_key_attributes.push_back(std::move(name));
    }
  }
  const json* throughput = Member(index, "ProvisionedThroughput");
  if (table_hash == nullptr && pay_per_request && throughput != nullptr) {
    return Invalid("ProvisionedThroughput should not be specified for index: " + out->name +
                   " when BillingMode is PAY_PER_REQUEST");
  }
  out->kind = table_hash != nullptr ? IndexKind::kLocal : IndexKind::kGlobal;
  out->hash_name = keys[0];
  out->hash_type = *DefinedType(defined, keys[0]);
  if (keys.size() == 2) {
    out->range_name = keys[1];
    out->range_type = *DefinedType(defined, keys[1]);
  }
  return Status::OK();
}

// Throughput of a GSI under PROVISIONED (after the list-level checks).
Status ParseThroughput(const json& index, SecondaryIndex* out) {
  const json* throughput = Member(index, "ProvisionedThroughput");
  if (throughput == nullptr) {
    return Invalid("ProvisionedThroughput is not specified for index: " + out->name);
  }
  for (const char* member : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
    const json* v = Member(*throughput, member);
    const int64_t units = v != nullptr && v->is_number_integer() ? v->get<int64_t>() : 0;
    if (units > kMaxCapacityUnits) {
      return Status::Validation(msg::CapacityOutOfBounds(units, member, out->name));
    }
    (member[0] == 'R' ? out->read_capacity_units : out->write_capacity_units) = units;
  }
  return Status::OK();
}

}  // namespace

void ReadKeySchema(const json& holder, std::vector<std::string>* names,
                   std::vector<std::string>* key_types) {
  const json* schema = Member(holder, "KeySchema");
  if (schema == nullptr || !schema->is_array()) return;
  for (const json& element : *schema) {
    names->push_back(StringMember(element, "AttributeName"));
    key_types->push_back(StringMember(element, "KeyType"));
  }
}

Status CheckKeySchema(const std::vector<std::string>& names,
                      const std::vector<std::string>& key_types,
                      const std::vector<std::string>& defined) {
  for (const std::string& k : names) {
    if (std::find(defined.begin(), defined.end(), k) == defined.end()) {
      return Invalid("Some index key attributes are not defined in AttributeDefinitions. Keys: [" +
                     Join(names) + "], AttributeDefinitions: [" + Join(defined) + "]");
    }
  }
  if (names.size() == 2 && names[0] == names[1]) {
    return Status::Validation(
        "Both the Hash Key and the Range Key element in the KeySchema have the same name");
  }
  if (key_types[0] != "HASH") {
    return Status::Validation(
        "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  }
  if (names.size() == 2 && key_types[1] != "RANGE") {
    return Status::Validation(
        "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  }
  return Status::OK();
}

Status ParseSecondaryIndexes(const json& request,
                             const std::vector<std::pair<std::string, AttributeType>>& defined,
                             const std::vector<std::string>& table_keys, bool pay_per_request,
                             std::vector<SecondaryIndex>* out) {
  out->clear();
  std::set<std::string> names;
  if (const json* lsis = Member(request, "LocalSecondaryIndexes")) {
    if (!lsis->is_array() || lsis->empty())
      return Invalid("List of LocalSecondaryIndexes is empty");
    if (table_keys.size() != 2) {
      return Invalid(
          "Table KeySchema does not have a range key, which is required when specifying a "
          "LocalSecondaryIndex");
    }
    for (const json& index : *lsis) {
      SecondaryIndex parsed;
      Status s = ParseOne(index, defined, &table_keys[0], pay_per_request, &parsed);
      if (!s.ok()) return s;
      if (!names.insert(parsed.name).second) return Invalid("Duplicate index name: " + parsed.name);
      out->push_back(std::move(parsed));
    }
    if (lsis->size() > kMaxLocalSecondaryIndexes) {
      return Invalid("Number of LocalSecondaryIndexes exceeds per-table limit of " +
                     std::to_string(kMaxLocalSecondaryIndexes));
    }
  }
  const size_t first_global = out->size();
  const json* gsis = Member(request, "GlobalSecondaryIndexes");
  if (gsis != nullptr) {
    if (!gsis->is_array() || gsis->empty()) {
      return Invalid("List of GlobalSecondaryIndexes is empty");
    }
    for (const json& index : *gsis) {
      SecondaryIndex parsed;
      Status s = ParseOne(index, defined, nullptr, pay_per_request, &parsed);
      if (!s.ok()) return s;
      if (!names.insert(parsed.name).second) return Invalid("Duplicate index name: " + parsed.name);
      out->push_back(std::move(parsed));
    }
    if (gsis->size() > kMaxGlobalSecondaryIndexes) {
      return Invalid(msg::kGsiCountExceeded + std::to_string(kMaxGlobalSecondaryIndexes));
    }
    if (!pay_per_request) {
      for (size_t i = 0; i < gsis->size(); ++i) {
        Status s = ParseThroughput((*gsis)[i], &(*out)[first_global + i]);
        if (!s.ok()) return s;
      }
    }
  }
  size_t projected = 0;
  for (const SecondaryIndex& index : *out) projected += index.non_key_attributes.size();
  if (projected > kMaxProjectedNonKeyAttributes) {
    return Invalid("Number of projected attributes in all indexes exceeds limit of " +
                   std::to_string(kMaxProjectedNonKeyAttributes));
  }
  // Every definition must be a key of the table or of an index.
  std::vector<std::string> used = table_keys;
  for (const SecondaryIndex& index : *out) {
    for (const std::string* k :
         {&index.hash_name, index.range_name ? &*index.range_name : nullptr}) {
      if (k == nullptr) continue;
      bool seen = false;
      for (const std::string& u : used) seen = seen || u == *k;
      if (!seen) used.push_back(*k);
    }
  }
  std::vector<std::string> defined_names;
  for (const auto& d : defined) defined_names.push_back(d.first);
  if (defined_names.size() > used.size()) {
    return Invalid("Some AttributeDefinitions are not used. AttributeDefinitions: [" +
                   Join(defined_names) + "], keys used: [" + Join(used) + "]");
  }
  return Status::OK();
}

Status ParseIndexCreate(const json& action,
                        const std::vector<std::pair<std::string, AttributeType>>& request_defined,
                        bool pay_per_request, SecondaryIndex* out) {
  Status s = ParseOne(action, request_defined, nullptr, pay_per_request, out);
  if (!s.ok()) return s;
  if (out->non_key_attributes.size() > kMaxProjectedNonKeyAttributes) {
    return Invalid("Number of projected attributes in all indexes exceeds limit of " +
                   std::to_string(kMaxProjectedNonKeyAttributes));
  }
  if (!pay_per_request) {
    const json* throughput = Member(action, "ProvisionedThroughput");
    if (throughput == nullptr) {
      return Invalid(msg::kIndexThroughputMissing + out->name);
    }
    return ParseThroughput(action, out);
  }
  return Status::OK();
}

Result<TableDescription> FromCreateTableRequest(const json& request) {
  TableDescription d;
  d.name = StringMember(request, "TableName");

  // Billing mode and throughput.
  const std::string billing = StringMember(request, "BillingMode");
  const json* throughput = Member(request, "ProvisionedThroughput");
  d.billing_mode_explicit = !billing.empty();
  if (billing == "PAY_PER_REQUEST") {
    if (throughput != nullptr) {
      return Status::Validation(msg::kThroughputWithOnDemand);
    }
    d.billing_mode = BillingMode::kPayPerRequest;
  } else {
    std::optional<int64_t> rcu, wcu;
    if (throughput != nullptr) {
      rcu = IntMember(*throughput, "ReadCapacityUnits");
      wcu = IntMember(*throughput, "WriteCapacityUnits");
    }
    if (!rcu || !wcu) {
      return Status::Validation(msg::kThroughputMissing);
    }
    if (*rcu > kMaxCapacityUnits) {
      return Status::Validation(msg::CapacityOutOfBounds(*rcu, "ReadCapacityUnits"));
    }
    if (*wcu > kMaxCapacityUnits) {
      return Status::Validation(msg::CapacityOutOfBounds(*wcu, "WriteCapacityUnits"));
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
        return Status::Validation(std::string(msg::kInvalidParameter) +
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
    return Status::Validation(std::string(msg::kInvalidParameter) +
                              "KeySchema must have 1 or 2 elements");
  }
  if (keys.size() > defined.size()) {
    return Status::Validation("Invalid KeySchema: Some index key attribute have no definition");
  }
  if (Status s = CheckKeySchema(keys, key_types, defined); !s.ok()) return s;

  const bool has_indexes = Member(request, "LocalSecondaryIndexes") != nullptr ||
                           Member(request, "GlobalSecondaryIndexes") != nullptr;
  if (!has_indexes && keys.size() != definitions.size()) {
    return Status::Validation(std::string(msg::kInvalidParameter) +
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
        return Status::Validation(std::string(msg::kInvalidParameter) +
                                  "Table is being created with a stream enabled, "
                                  "UpdateViewType is required");
      }
      d.stream.enabled = true;
      d.stream.view_type = *type;
    } else if (!view.empty()) {
      return Status::Validation(std::string(msg::kInvalidParameter) +
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

}  // namespace api
}  // namespace pd
