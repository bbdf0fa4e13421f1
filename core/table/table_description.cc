#include "table/table_description.h"

#include <cstdio>
#include <cstring>

#include "table/limits.h"
#include "util/byte_reader.h"
#include "util/coding.h"

namespace pd {
namespace {

using nlohmann::json;

constexpr uint8_t kFormatVersion = 1;
constexpr uint32_t kMaxEncodedDefinitions = 1024;
constexpr uint32_t kMaxEncodedStringBytes = 1 << 20;  // any one string field
constexpr uint8_t kFlagBillingExplicit = 1;
constexpr uint8_t kFlagDeletionProtection = 2;

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

// ---- Byte form ----------------------------------------------------------------

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

void PutString(std::string* dst, const std::string& s) {
  PutVarint32(dst, static_cast<uint32_t>(s.size()));
  dst->append(s);
}

// Trailing section tags (format in table/table_description.h).
constexpr uint8_t kSectionIndexes = 1;
constexpr uint8_t kSectionStream = 2;
constexpr uint8_t kSectionTimeToLive = 3;
constexpr uint8_t kSectionRestore = 4;
constexpr uint8_t kSectionPointInTimeRecovery = 5;

void PutSection(std::string* dst, uint8_t tag, const std::string& bytes) {
  dst->push_back(static_cast<char>(tag));
  PutString(dst, bytes);
}

void PutFixed64(std::string* dst, uint64_t v) {
  uint8_t buf[8];
  EncodeFixed64(buf, v);
  dst->append(reinterpret_cast<const char*>(buf), sizeof(buf));
}

// The byte form's strings are at most kMaxEncodedStringBytes long.
Status ReadString(ByteReader* r, const char* field, std::string* out) {
  return r->String(field, out, kMaxEncodedStringBytes);
}

// A key attribute: its type byte ('S', 'N', 'B') and its non-empty name.
Status ReadKey(ByteReader* r, const char* field, KeyAttribute* out) {
  uint8_t t = 0;
  PD_TRY(r->Byte(field, &t));
  std::optional<AttributeType> type = KeyTypeFromName(std::string(1, static_cast<char>(t)));
  if (!type) return r->Bad("bad key type in ", field);
  out->type = *type;
  PD_TRY(ReadString(r, field, &out->name));
  if (out->name.empty()) return r->Bad("empty ", field);
  return Status::OK();
}

// Provisioned capacity units: a varint of at most kMaxCapacityUnits.
Status ReadCapacity(ByteReader* r, const char* field, int64_t* out) {
  uint64_t v = 0;
  PD_TRY(r->Varint(field, &v, static_cast<uint64_t>(kMaxCapacityUnits)));
  *out = static_cast<int64_t>(v);
  return Status::OK();
}

}  // namespace

std::string TableDescription::Arn() const {
  return std::string("arn:aws:dynamodb:") + kArnRegion + ":" + kArnAccount + ":table/" + name;
}

std::string TableDescription::StreamArn() const {
  return Arn() + "/stream/" + StreamLabel(stream.label_ms);
}

const char* StreamViewTypeName(StreamViewType type) {
  switch (type) {
    case StreamViewType::kNewImage: return "NEW_IMAGE";
    case StreamViewType::kOldImage: return "OLD_IMAGE";
    case StreamViewType::kNewAndOldImages: return "NEW_AND_OLD_IMAGES";
    default: return "KEYS_ONLY";
  }
}

std::optional<StreamViewType> StreamViewTypeFromName(std::string_view name) {
  if (name == "KEYS_ONLY") return StreamViewType::kKeysOnly;
  if (name == "NEW_IMAGE") return StreamViewType::kNewImage;
  if (name == "OLD_IMAGE") return StreamViewType::kOldImage;
  if (name == "NEW_AND_OLD_IMAGES") return StreamViewType::kNewAndOldImages;
  return std::nullopt;
}

std::string StreamLabel(int64_t ms) {
  // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
  int64_t days = ms / 86400000;
  int64_t rem = ms % 86400000;
  if (rem < 0) {
    rem += 86400000;
    --days;
  }
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[160];
  std::snprintf(buf, sizeof(buf), "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%03lld",
                static_cast<long long>(year), static_cast<long long>(month),
                static_cast<long long>(day), static_cast<long long>(rem / 3600000),
                static_cast<long long>(rem / 60000 % 60), static_cast<long long>(rem / 1000 % 60),
                static_cast<long long>(rem % 1000));
  return buf;
}

Result<TableDescription> TableDescription::FromCreateTableRequest(const json& request) {
  TableDescription d;
  d.name = StringMember(request, "TableName");

  // Billing mode and throughput.
  const std::string billing = StringMember(request, "BillingMode");
  const json* throughput = Member(request, "ProvisionedThroughput");
  d.billing_mode_explicit = !billing.empty();
  if (billing == "PAY_PER_REQUEST") {
    if (throughput != nullptr) {
      return Status::InvalidArgument(std::string(kInvalidPrefix) +
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
      return Status::InvalidArgument(std::string(kInvalidPrefix) +
                                     "ReadCapacityUnits and WriteCapacityUnits must both be "
                                     "specified when BillingMode is PROVISIONED");
    }
    if (*rcu > kMaxCapacityUnits) {
      return Status::InvalidArgument("Given value " + std::to_string(*rcu) +
                                     " for ReadCapacityUnits is out of bounds");
    }
    if (*wcu > kMaxCapacityUnits) {
      return Status::InvalidArgument("Given value " + std::to_string(*wcu) +
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
        return Status::InvalidArgument(std::string(kInvalidPrefix) +
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
    return Status::InvalidArgument(std::string(kInvalidPrefix) +
                                   "KeySchema must have 1 or 2 elements");
  }
  if (keys.size() > defined.size()) {
    return Status::InvalidArgument(
        "Invalid KeySchema: Some index key attribute have no definition");
  }
  if (Status s = CheckKeySchema(keys, key_types, defined); !s.ok()) return s;

  const bool has_indexes = Member(request, "LocalSecondaryIndexes") != nullptr ||
                           Member(request, "GlobalSecondaryIndexes") != nullptr;
  if (!has_indexes && keys.size() != definitions.size()) {
    return Status::InvalidArgument(std::string(kInvalidPrefix) +
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
        return Status::InvalidArgument(std::string(kInvalidPrefix) +
                                       "Table is being created with a stream enabled, "
                                       "UpdateViewType is required");
      }
      d.stream.enabled = true;
      d.stream.view_type = *type;
    } else if (!view.empty()) {
      return Status::InvalidArgument(std::string(kInvalidPrefix) +
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

json TableDescription::ToDescribeJson() const {
  json out = json::object();
  out["TableName"] = name;
  out["TableStatus"] = "ACTIVE";
  out["CreationDateTime"] = static_cast<double>(creation_time_ms) / 1000.0;
  json definitions = json::array();
  for (const KeyAttribute& a : attribute_definitions) {
    definitions.push_back(
        {{"AttributeName", a.name}, {"AttributeType", AttributeTypeName(a.type)}});
  }
  out["AttributeDefinitions"] = std::move(definitions);
  json schema = json::array();
  schema.push_back({{"AttributeName", hash_key.name}, {"KeyType", "HASH"}});
  if (range_key) schema.push_back({{"AttributeName", range_key->name}, {"KeyType", "RANGE"}});
  out["KeySchema"] = std::move(schema);
  out["ProvisionedThroughput"] = {{"NumberOfDecreasesToday", 0},
                                  {"ReadCapacityUnits", read_capacity_units},
                                  {"WriteCapacityUnits", write_capacity_units}};
  if (billing_mode == BillingMode::kPayPerRequest) {
    out["BillingModeSummary"] = {
        {"BillingMode", "PAY_PER_REQUEST"},
        {"LastUpdateToPayPerRequestDateTime", static_cast<double>(billing_mode_time_ms) / 1000.0}};
  } else if (billing_mode_explicit) {
    out["BillingModeSummary"] = {{"BillingMode", "PROVISIONED"}};
  }
  out["TableSizeBytes"] = size_bytes;
  out["ItemCount"] = item_count;
  out["TableArn"] = Arn();
  out["TableId"] = table_id;
  out["DeletionProtectionEnabled"] = deletion_protection;
  if (!table_class.empty()) out["TableClassSummary"] = {{"TableClass", table_class}};
  json lsis = json::array();
  json gsis = json::array();
  for (const SecondaryIndex& index : indexes) {
    (index.is_global() ? gsis : lsis).push_back(IndexDescribeJson(index, Arn()));
  }
  if (!lsis.empty()) out["LocalSecondaryIndexes"] = std::move(lsis);
  if (!gsis.empty()) out["GlobalSecondaryIndexes"] = std::move(gsis);
  if (restore) {
    out["RestoreSummary"] = {
        {"SourceBackupArn", restore->source_backup_arn},
        {"SourceTableArn", restore->source_table_arn},
        {"RestoreDateTime", static_cast<double>(restore->restore_time_ms) / 1000.0},
        {"RestoreInProgress", false}};
  }
  if (stream.enabled) {
    out["StreamSpecification"] = {{"StreamEnabled", true},
                                  {"StreamViewType", StreamViewTypeName(stream.view_type)}};
  }
  if (stream.label_ms != 0) {
    out["LatestStreamArn"] = StreamArn();
    out["LatestStreamLabel"] = StreamLabel(stream.label_ms);
  }
  return out;
}

const SecondaryIndex* TableDescription::FindIndex(std::string_view index_name) const {
  for (const SecondaryIndex& index : indexes) {
    if (index.name == index_name) return &index;
  }
  return nullptr;
}

std::string TableDescription::Encode() const {
  std::string out;
  out.push_back(static_cast<char>(kFormatVersion));
  PutString(&out, name);
  PutString(&out, table_id);
  PutFixed64(&out, static_cast<uint64_t>(creation_time_ms));
  out.push_back(TypeByte(hash_key.type));
  PutString(&out, hash_key.name);
  out.push_back(range_key ? 1 : 0);
  if (range_key) {
    out.push_back(TypeByte(range_key->type));
    PutString(&out, range_key->name);
  }
  PutVarint32(&out, static_cast<uint32_t>(attribute_definitions.size()));
  for (const KeyAttribute& a : attribute_definitions) {
    out.push_back(TypeByte(a.type));
    PutString(&out, a.name);
  }
  out.push_back(static_cast<char>(billing_mode));
  uint8_t flags = (billing_mode_explicit ? kFlagBillingExplicit : 0) |
                  (deletion_protection ? kFlagDeletionProtection : 0);
  out.push_back(static_cast<char>(flags));
  PutFixed64(&out, static_cast<uint64_t>(billing_mode_time_ms));
  PutVarint64(&out, static_cast<uint64_t>(read_capacity_units));
  PutVarint64(&out, static_cast<uint64_t>(write_capacity_units));
  PutVarint64(&out, item_count);
  PutVarint64(&out, size_bytes);
  PutString(&out, table_class);
  PutVarint32(&out, static_cast<uint32_t>(tags.size()));
  for (const Tag& t : tags) {
    PutString(&out, t.key);
    PutString(&out, t.value);
  }
  if (!indexes.empty()) {
    std::string section;
    EncodeIndexSection(indexes, &section);
    PutSection(&out, kSectionIndexes, section);
  }
  if (restore) {
    std::string section;
    PutString(&section, restore->source_backup_arn);
    PutString(&section, restore->source_table_arn);
    PutFixed64(&section, static_cast<uint64_t>(restore->restore_time_ms));
    PutSection(&out, kSectionRestore, section);
  }
  if (stream.label_ms != 0) {
    std::string section;
    section.push_back(stream.enabled ? 1 : 0);
    section.push_back(static_cast<char>(stream.view_type));
    PutFixed64(&section, static_cast<uint64_t>(stream.label_ms));
    PutSection(&out, kSectionStream, section);
  }
  if (ttl.enabled) {
    std::string section;
    PutString(&section, ttl.attribute_name);
    PutSection(&out, kSectionTimeToLive, section);
  }
  if (pitr.enabled) {
    std::string section;
    PutVarint64(&section, static_cast<uint64_t>(pitr.recovery_period_days));
    PutFixed64(&section, static_cast<uint64_t>(pitr.enabled_time_ms));
    PutSection(&out, kSectionPointInTimeRecovery, section);
  }
  return out;
}

Result<TableDescription> TableDescription::Decode(std::string_view bytes) {
  ByteReader r("table description", bytes);
  TableDescription d;
  uint8_t version = 0;
  PD_TRY(r.Byte("version", &version));
  if (version != kFormatVersion) {
    return Status::Corruption("table description: unknown format version " +
                              std::to_string(version));
  }
  PD_TRY(ReadString(&r, "name", &d.name));
  if (d.name.size() < kMinTableNameLength || d.name.size() > kMaxTableNameLength) {
    return Status::Corruption("table description: bad table name length");
  }
  PD_TRY(ReadString(&r, "table_id", &d.table_id));
  PD_TRY(r.Signed64("creation_time_ms", &d.creation_time_ms));
  PD_TRY(ReadKey(&r, "hash key", &d.hash_key));
  bool has_range = false;
  PD_TRY(r.Bool("has_range", &has_range));
  if (has_range) {
    KeyAttribute range;
    PD_TRY(ReadKey(&r, "range key", &range));
    d.range_key = std::move(range);
  }
  uint64_t n_defs = 0;
  PD_TRY(r.Varint("attribute definition count", &n_defs));
  if (n_defs > kMaxEncodedDefinitions) {
    return Status::Corruption("table description: too many attribute definitions");
  }
  for (uint64_t i = 0; i < n_defs; ++i) {
    KeyAttribute a;
    PD_TRY(ReadKey(&r, "attribute definition", &a));
    d.attribute_definitions.push_back(std::move(a));
  }
  uint8_t billing = 0;
  PD_TRY(r.Byte("billing_mode", &billing));
  if (billing > 1) return Status::Corruption("table description: bad billing mode");
  d.billing_mode = static_cast<BillingMode>(billing);
  uint8_t flags = 0;
  PD_TRY(r.Byte("flags", &flags));
  if ((flags & ~(kFlagBillingExplicit | kFlagDeletionProtection)) != 0) {
    return Status::Corruption("table description: unknown flags");
  }
  d.billing_mode_explicit = (flags & kFlagBillingExplicit) != 0;
  d.deletion_protection = (flags & kFlagDeletionProtection) != 0;
  PD_TRY(r.Signed64("billing_mode_time_ms", &d.billing_mode_time_ms));
  PD_TRY(ReadCapacity(&r, "read_capacity", &d.read_capacity_units));
  PD_TRY(ReadCapacity(&r, "write_capacity", &d.write_capacity_units));
  PD_TRY(r.Varint("item_count", &d.item_count));
  PD_TRY(r.Varint("size_bytes", &d.size_bytes));
  PD_TRY(ReadString(&r, "table_class", &d.table_class));
  uint64_t n_tags = 0;
  PD_TRY(r.Varint("tag count", &n_tags));
  if (n_tags > kMaxTagsPerResource) return Status::Corruption("table description: too many tags");
  for (uint64_t i = 0; i < n_tags; ++i) {
    Tag t;
    PD_TRY(ReadString(&r, "tag key", &t.key));
    PD_TRY(ReadString(&r, "tag value", &t.value));
    d.tags.push_back(std::move(t));
  }
  uint32_t seen_sections = 0;  // bit t set once section t was read
  while (!r.done()) {
    uint8_t tag = 0;
    std::string section;
    PD_TRY(r.Byte("section tag", &tag));
    PD_TRY(ReadString(&r, "section", &section));
    if (tag >= 32 || (seen_sections & (1u << tag)) != 0) {
      return Status::Corruption("table description: duplicate or bad section tag " +
                                std::to_string(tag));
    }
    seen_sections |= 1u << tag;
    switch (tag) {
      case kSectionIndexes:
        PD_TRY(DecodeIndexSection(section, &d.indexes));
        break;
      case kSectionRestore: {
        ByteReader sr("table description", section);
        RestoreSummary summary;
        PD_TRY(ReadString(&sr, "source_backup_arn", &summary.source_backup_arn));
        PD_TRY(ReadString(&sr, "source_table_arn", &summary.source_table_arn));
        PD_TRY(sr.Signed64("restore_time_ms", &summary.restore_time_ms));
        if (!sr.done()) return Status::Corruption("table description: trailing bytes in restore summary");
        d.restore = std::move(summary);
        break;
      }
      case kSectionStream: {
        ByteReader sr("table description", section);
        uint8_t view = 0;
        PD_TRY(sr.Bool("stream enabled", &d.stream.enabled));
        PD_TRY(sr.Byte("stream view type", &view));
        if (view > static_cast<uint8_t>(StreamViewType::kNewAndOldImages)) {
          return Status::Corruption("table description: bad stream view type");
        }
        d.stream.view_type = static_cast<StreamViewType>(view);
        PD_TRY(sr.Signed64("stream label", &d.stream.label_ms));
        if (d.stream.label_ms == 0) return Status::Corruption("table description: stream label 0");
        if (!sr.done()) return Status::Corruption("table description: trailing bytes in section 2");
        break;
      }
      case kSectionTimeToLive: {
        ByteReader sr("table description", section);
        d.ttl.enabled = true;
        PD_TRY(ReadString(&sr, "ttl attribute", &d.ttl.attribute_name));
        if (d.ttl.attribute_name.empty() || d.ttl.attribute_name.size() > 255) {
          return Status::Corruption("table description: bad ttl attribute name");
        }
        if (!sr.done()) return Status::Corruption("table description: trailing bytes in section 3");
        break;
      }
      case kSectionPointInTimeRecovery: {
        ByteReader sr("table description", section);
        uint64_t days = 0;
        d.pitr.enabled = true;
        PD_TRY(sr.Varint("recovery period", &days));
        PD_TRY(sr.Signed64("pitr enabled time", &d.pitr.enabled_time_ms));
        if (days < 1 || days > 35 || d.pitr.enabled_time_ms <= 0) {
          return Status::Corruption("table description: bad point-in-time recovery setting");
        }
        d.pitr.recovery_period_days = static_cast<int64_t>(days);
        if (!sr.done()) return Status::Corruption("table description: trailing bytes in section 5");
        break;
      }
      default:
        return Status::Corruption("table description: unknown section tag " + std::to_string(tag));
    }
  }
  return d;
}

bool TableDescription::operator==(const TableDescription& o) const {
  return name == o.name && table_id == o.table_id && creation_time_ms == o.creation_time_ms &&
         hash_key == o.hash_key && range_key == o.range_key &&
         attribute_definitions == o.attribute_definitions && billing_mode == o.billing_mode &&
         billing_mode_explicit == o.billing_mode_explicit &&
         billing_mode_time_ms == o.billing_mode_time_ms &&
         read_capacity_units == o.read_capacity_units &&
         write_capacity_units == o.write_capacity_units && item_count == o.item_count &&
         size_bytes == o.size_bytes && table_class == o.table_class &&
         deletion_protection == o.deletion_protection && tags == o.tags && indexes == o.indexes &&
         restore == o.restore && stream == o.stream && ttl == o.ttl && pitr == o.pitr;
}

}  // namespace pd
