// TableDescription: a table's metadata (what DescribeTable reports and what
// the catalog stores per table), with Encode/Decode: the compact byte form
// the catalog keeps in its B+tree (table_description.cc, on every write's
// path). api/ reads a description from a CreateTable request
// (api/table_request.h) and writes DescribeTable's shape
// (api/describe_text.h).
//
// Failures are pd::Status values: Corruption reports bytes that are not a
// valid encoding. Nothing here throws or asserts on input.
//
// Encoding (format version 1). Integers: varint = util/coding.h varint64,
// fixed64 = 8 bytes little-endian; str = varint length + UTF-8 bytes;
// type = one ASCII byte 'S', 'N' or 'B'; bool = one byte 0 or 1.
//
//   description := version:u8(=1)
//                  name:str                  table name, 3-255 bytes
//                  table_id:str              UUID text, may be empty
//                  creation_time_ms:fixed64  ms since the Unix epoch (int64)
//                  hash_type:type hash_name:str
//                  has_range:bool [range_type:type range_name:str]
//                  n_defs:varint { def_type:type def_name:str }   n_defs <= 1024
//                  billing_mode:u8           0 = PROVISIONED, 1 = PAY_PER_REQUEST
//                  flags:u8                  bit 0: BillingMode was given explicitly
//                                            bit 1: DeletionProtectionEnabled
//                                            other bits 0
//                  billing_mode_time_ms:fixed64   last switch to PAY_PER_REQUEST (int64)
//                  read_capacity:varint write_capacity:varint   0 when PAY_PER_REQUEST
//                  item_count:varint size_bytes:varint
//                  table_class:str           "" (not set), "STANDARD" or
//                                            "STANDARD_INFREQUENT_ACCESS"
//                  n_tags:varint { key:str value:str }   n_tags <= 50
//                  { section_tag:u8 section_len:varint section_bytes }*
//   Optional trailing sections, each present only when it has content,
//   written in increasing tag order; section_len is the byte length of
//   section_bytes:
//     tag 1  secondary indexes: table/secondary_index.h, EncodeIndexSection
//     tag 2  stream specification, present iff stream.label_ms != 0:
//              enabled:bool view_type:u8 (0 KEYS_ONLY, 1 NEW_IMAGE,
//              2 OLD_IMAGE, 3 NEW_AND_OLD_IMAGES) label_ms:fixed64 (int64, > 0)
//     tag 3  time to live, present iff ttl.enabled:
//              attribute_name:str (1-255 bytes)
//     tag 4  restore summary (a table made by RestoreTableFromBackup):
//            source_backup_arn:str source_table_arn:str restore_time_ms:fixed64
//     tag 5  point-in-time recovery setting, present iff enabled
//            (UpdateContinuousBackups): recovery_period_days:varint (1-35)
//            enabled_time_ms:fixed64 (int64, > 0: EarliestRestorableDateTime)
//            A database written with tag 5 fails to open in a version that
//            does not know it ("unknown section tag 5"), as for any section.
//   Decode rejects unknown and duplicate tags, sections that do not decode
//   whole, and anything else Encode cannot produce. An entry without
//   sections is a table without indexes (the form before sections existed).
#ifndef PD_TABLE_TABLE_DESCRIPTION_H_
#define PD_TABLE_TABLE_DESCRIPTION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "table/secondary_index.h"
#include "util/status.h"
#include "value/attribute_value.h"

namespace pd {

// Region and account in ARNs: pocketdynamo is one local account.
constexpr char kArnRegion[] = "local";
constexpr char kArnAccount[] = "000000000000";

// A key attribute or an attribute definition.
struct KeyAttribute {
  std::string name;                        // attribute name, UTF-8
  AttributeType type = AttributeType::kS;  // kS, kN or kB only

  bool operator==(const KeyAttribute& o) const { return name == o.name && type == o.type; }
};

enum class BillingMode : uint8_t {
  kProvisioned = 0,    // "PROVISIONED": capacity units declared
  kPayPerRequest = 1,  // "PAY_PER_REQUEST": on demand
};

struct Tag {
  std::string key;    // 1-128 characters
  std::string value;  // 0-256 characters

  bool operator==(const Tag& o) const { return key == o.key && value == o.value; }
};

// How a table came from a backup (DescribeTable's RestoreSummary).
struct RestoreSummary {
  std::string source_backup_arn;  // BackupArn restored from
  std::string source_table_arn;   // TableArn of the backup's source table
  int64_t restore_time_ms = 0;    // RestoreDateTime, ms since the Unix epoch

  bool operator==(const RestoreSummary& o) const {
    return source_backup_arn == o.source_backup_arn && source_table_arn == o.source_table_arn &&
           restore_time_ms == o.restore_time_ms;
  }
};

// StreamSpecification.StreamViewType.
enum class StreamViewType : uint8_t {
  kKeysOnly = 0,         // "KEYS_ONLY"
  kNewImage = 1,         // "NEW_IMAGE"
  kOldImage = 2,         // "OLD_IMAGE"
  kNewAndOldImages = 3,  // "NEW_AND_OLD_IMAGES"
};

// "KEYS_ONLY", ... for a view type; and back (nullopt for other text).
const char* StreamViewTypeName(StreamViewType type);
std::optional<StreamViewType> StreamViewTypeFromName(std::string_view name);

// The table's stream: the latest one it had (DynamoDB keeps reporting
// LatestStreamArn/LatestStreamLabel after a stream is disabled).
struct StreamSettings {
  bool enabled = false;                                  // StreamSpecification.StreamEnabled
  StreamViewType view_type = StreamViewType::kKeysOnly;  // of the latest stream
  int64_t label_ms = 0;  // creation of the latest stream, ms since the epoch; 0 = never had one

  bool operator==(const StreamSettings& o) const {
    return enabled == o.enabled && view_type == o.view_type && label_ms == o.label_ms;
  }
};

// UpdateTimeToLive's TimeToLiveSpecification as it stands.
struct TimeToLiveSettings {
  bool enabled = false;        // TimeToLiveStatus ENABLED (else DISABLED)
  std::string attribute_name;  // the TTL attribute while enabled, else ""

  bool operator==(const TimeToLiveSettings& o) const {
    return enabled == o.enabled && attribute_name == o.attribute_name;
  }
};

// UpdateContinuousBackups' PointInTimeRecoverySpecification as it stands.
// Only the setting: point-in-time restore itself is not implemented.
struct PointInTimeRecoverySettings {
  bool enabled = false;               // PointInTimeRecoveryStatus ENABLED (else DISABLED)
  int64_t recovery_period_days = 35;  // RecoveryPeriodInDays while enabled, 1-35
  int64_t enabled_time_ms = 0;        // when it was enabled, ms since the epoch; 0 if disabled

  bool operator==(const PointInTimeRecoverySettings& o) const {
    return enabled == o.enabled && recovery_period_days == o.recovery_period_days &&
           enabled_time_ms == o.enabled_time_ms;
  }
};

// "2026-11-26T07:39:09.123": a stream label (UTC, milliseconds).
std::string StreamLabel(int64_t ms);

struct TableDescription {
  std::string name;                                      // table name, [a-zA-Z0-9_.-]{3,255}
  std::string table_id;                                  // UUID v4 text, set by the creator
  int64_t creation_time_ms = 0;                          // ms since the Unix epoch
  KeyAttribute hash_key;                                 // partition key
  std::optional<KeyAttribute> range_key;                 // sort key, if any
  std::vector<KeyAttribute> attribute_definitions;       // as declared, in request order
  BillingMode billing_mode = BillingMode::kProvisioned;  // current billing mode
  bool billing_mode_explicit = false;   // BillingMode was given (shows BillingModeSummary)
  int64_t billing_mode_time_ms = 0;     // last switch to PAY_PER_REQUEST, ms since epoch
  int64_t read_capacity_units = 0;      // provisioned RCU; 0 when PAY_PER_REQUEST
  int64_t write_capacity_units = 0;     // provisioned WCU; 0 when PAY_PER_REQUEST
  uint64_t item_count = 0;              // items in the table
  uint64_t size_bytes = 0;              // sum of item sizes (value/item.h rules), bytes
  std::string table_class;              // "" (not set) or DynamoDB's TableClass
  bool deletion_protection = false;     // DeleteTable refused while true
  std::vector<Tag> tags;                // CreateTable's Tags, in request order
  std::optional<RestoreSummary> restore;  // set iff made by RestoreTableFromBackup
  std::vector<SecondaryIndex> indexes;  // LSIs then GSIs (GSIs added later last);
                                        // their counts are live, like item_count
  StreamSettings stream;                // StreamSpecification and the latest stream
  TimeToLiveSettings ttl;               // UpdateTimeToLive's settings
  PointInTimeRecoverySettings pitr;     // UpdateContinuousBackups' setting

  // "arn:aws:dynamodb:local:000000000000:table/<name>".
  std::string Arn() const;
  // Arn() + "/stream/" + StreamLabel(stream.label_ms). REQUIRES: stream.label_ms != 0.
  std::string StreamArn() const;

  // The index named `index_name`, or nullptr.
  const SecondaryIndex* FindIndex(std::string_view index_name) const;

  // The byte form described above, and back. Decode: Corruption (naming the
  // field) for anything Encode cannot produce.
  std::string Encode() const;
  static Result<TableDescription> Decode(std::string_view bytes);

  bool operator==(const TableDescription& o) const;
  bool operator!=(const TableDescription& o) const { return !(*this == o); }
};

}  // namespace pd

#endif  // PD_TABLE_TABLE_DESCRIPTION_H_
