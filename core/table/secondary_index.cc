// Secondary index definitions: request validation, DescribeTable shape and
// the section 1 byte form (contract and format in table/secondary_index.h).
#include "table/secondary_index.h"

#include <algorithm>
#include <set>
#include <utility>

#include "table/limits.h"
#include "util/byte_reader.h"
#include "util/coding.h"

namespace pd {
namespace {

using nlohmann::json;

constexpr char kInvalid[] = "One or more parameter values were invalid: ";
constexpr uint64_t kMaxEncodedIndexes = kMaxLocalSecondaryIndexes + kMaxGlobalSecondaryIndexes;
constexpr uint32_t kMaxEncodedStringBytes = 1 << 16;  // any one name

Status Invalid(const std::string& message) {
  return Status::Validation(std::string(kInvalid) + message);
}

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

char TypeByte(AttributeType t) {
  switch (t) {
    case AttributeType::kN:
      return 'N';
    case AttributeType::kB:
      return 'B';
    default:
      return 'S';
  }
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
      return Status::Validation("Given value " + std::to_string(units) + " for " + member +
                                " is out of bounds for index " + out->name);
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

const char* ProjectionTypeName(ProjectionType type) {
  switch (type) {
    case ProjectionType::kKeysOnly:
      return "KEYS_ONLY";
    case ProjectionType::kInclude:
      return "INCLUDE";
    default:
      return "ALL";
  }
}

bool SecondaryIndex::Projects(std::string_view attribute, const std::string& table_hash,
                              const std::optional<std::string>& table_range) const {
  if (projection == ProjectionType::kAll) return true;
  if (attribute == hash_name || (range_name && attribute == *range_name)) return true;
  if (attribute == table_hash || (table_range && attribute == *table_range)) return true;
  for (const std::string& a : non_key_attributes) {
    if (a == attribute) return true;
  }
  return false;
}

bool SecondaryIndex::operator==(const SecondaryIndex& o) const {
  return name == o.name && kind == o.kind && hash_name == o.hash_name && hash_type == o.hash_type &&
         range_name == o.range_name && (!range_name || range_type == o.range_type) &&
         projection == o.projection && non_key_attributes == o.non_key_attributes &&
         read_capacity_units == o.read_capacity_units &&
         write_capacity_units == o.write_capacity_units && item_count == o.item_count &&
         size_bytes == o.size_bytes;
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
      return Invalid("GlobalSecondaryIndex count exceeds the per-table limit of " +
                     std::to_string(kMaxGlobalSecondaryIndexes));
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
      return Invalid("ProvisionedThroughput must be specified for index: " + out->name);
    }
    return ParseThroughput(action, out);
  }
  return Status::OK();
}

// ---- Section 1 byte form ----------------------------------------------------------

namespace {

void PutString(std::string* dst, const std::string& s) {
  PutVarint32(dst, static_cast<uint32_t>(s.size()));
  dst->append(s);
}

// A name: a varint length (at most kMaxEncodedStringBytes), then that many
// bytes; never empty.
Status ReadName(ByteReader* r, const char* field, std::string* out) {
  PD_TRY(r->String(field, out, kMaxEncodedStringBytes));
  if (out->empty()) return r->Bad("empty ", field);
  return Status::OK();
}

// A key attribute's type byte: 'S', 'N' or 'B'.
Status ReadKeyType(ByteReader* r, const char* field, AttributeType* out) {
  uint8_t b = 0;
  PD_TRY(r->Byte(field, &b));
  if (b == 'S')
    *out = AttributeType::kS;
  else if (b == 'N')
    *out = AttributeType::kN;
  else if (b == 'B')
    *out = AttributeType::kB;
  else
    return r->Bad("bad key type in ", field);
  return Status::OK();
}

}  // namespace

void EncodeIndexSection(const std::vector<SecondaryIndex>& indexes, std::string* out) {
  PutVarint64(out, indexes.size());
  for (const SecondaryIndex& index : indexes) {
    out->push_back(static_cast<char>(index.kind));
    PutString(out, index.name);
    out->push_back(TypeByte(index.hash_type));
    PutString(out, index.hash_name);
    out->push_back(index.range_name ? 1 : 0);
    if (index.range_name) {
      out->push_back(TypeByte(index.range_type));
      PutString(out, *index.range_name);
    }
    out->push_back(static_cast<char>(index.projection));
    PutVarint64(out, index.non_key_attributes.size());
    for (const std::string& a : index.non_key_attributes) PutString(out, a);
    PutVarint64(out, static_cast<uint64_t>(index.read_capacity_units));
    PutVarint64(out, static_cast<uint64_t>(index.write_capacity_units));
  }
}

Status DecodeIndexSection(std::string_view bytes, std::vector<SecondaryIndex>* out) {
  out->clear();
  ByteReader r("secondary index section", bytes);
  uint64_t n = 0;
  PD_TRY(r.Varint("index count", &n, kMaxEncodedIndexes));
  if (n == 0) return Status::Corruption("secondary index section: no indexes");
  std::set<std::string> names;
  for (uint64_t i = 0; i < n; ++i) {
    SecondaryIndex index;
    uint8_t kind = 0;
    PD_TRY(r.Byte("kind", &kind, 1));
    index.kind = static_cast<IndexKind>(kind);
    PD_TRY(ReadName(&r, "name", &index.name));
    if (!names.insert(index.name).second) {
      return Status::Corruption("secondary index section: duplicate index name");
    }
    PD_TRY(ReadKeyType(&r, "hash key", &index.hash_type));
    PD_TRY(ReadName(&r, "hash key", &index.hash_name));
    uint8_t has_range = 0;
    PD_TRY(r.Byte("has_range", &has_range, 1));
    if (has_range == 1) {
      std::string range;
      PD_TRY(ReadKeyType(&r, "range key", &index.range_type));
      PD_TRY(ReadName(&r, "range key", &range));
      index.range_name = std::move(range);
    }
    uint8_t projection = 0;
    PD_TRY(r.Byte("projection", &projection, 2));
    index.projection = static_cast<ProjectionType>(projection);
    uint64_t n_attrs = 0;
    PD_TRY(r.Varint("NonKeyAttributes count", &n_attrs, kMaxProjectedNonKeyAttributes));
    if ((n_attrs > 0) != (index.projection == ProjectionType::kInclude)) {
      return Status::Corruption("secondary index section: NonKeyAttributes do not fit projection");
    }
    for (uint64_t j = 0; j < n_attrs; ++j) {
      std::string a;
      PD_TRY(ReadName(&r, "NonKeyAttribute", &a));
      index.non_key_attributes.push_back(std::move(a));
    }
    uint64_t rcu = 0;
    uint64_t wcu = 0;
    PD_TRY(r.Varint("read_capacity", &rcu, static_cast<uint64_t>(kMaxCapacityUnits)));
    PD_TRY(r.Varint("write_capacity", &wcu, static_cast<uint64_t>(kMaxCapacityUnits)));
    index.read_capacity_units = static_cast<int64_t>(rcu);
    index.write_capacity_units = static_cast<int64_t>(wcu);
    out->push_back(std::move(index));
  }
  if (!r.done()) return Status::Corruption("secondary index section: trailing bytes");
  return Status::OK();
}

}  // namespace pd
