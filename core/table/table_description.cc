#include "table/table_description.h"

#include <cstdio>
#include <cstring>

#include "table/limits.h"
#include "util/byte_reader.h"
#include "util/coding.h"

namespace pd {
namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr uint32_t kMaxEncodedDefinitions = 1024;
constexpr uint32_t kMaxEncodedStringBytes = 1 << 20;  // any one string field
constexpr uint8_t kFlagBillingExplicit = 1;
constexpr uint8_t kFlagDeletionProtection = 2;

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
  switch (t) {
    case 'S':
      out->type = AttributeType::kS;
      break;
    case 'N':
      out->type = AttributeType::kN;
      break;
    case 'B':
      out->type = AttributeType::kB;
      break;
    default:
      return r->Bad("bad key type in ", field);
  }
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
