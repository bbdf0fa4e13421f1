// SecondaryIndex: the definition of one local or global secondary index of a
// table (what CreateTable's LocalSecondaryIndexes / GlobalSecondaryIndexes
// and UpdateTable's GlobalSecondaryIndexUpdates Create declare: api/ reads
// them from the request, api/table_request.h), with
//   - Encode/DecodeIndexSection: the byte form of a table's index list, the
//     payload of TableDescription's trailing section 1
//     (table/table_description.h).
//
// Section 1 payload (integers: varint = util/coding.h varint64; str = varint
// length + UTF-8 bytes; type = one ASCII byte 'S', 'N' or 'B'):
//
//   indexes := n:varint { index }                     1 <= n <= 25
//   index   := kind:u8                 0 = local, 1 = global
//              name:str                3-255 bytes
//              hash_type:type hash_name:str
//              has_range:u8(0|1) [range_type:type range_name:str]
//              projection:u8           0 = ALL, 1 = KEYS_ONLY, 2 = INCLUDE
//              n_attrs:varint { attr:str }   NonKeyAttributes (INCLUDE only), <= 100
//              read_capacity:varint write_capacity:varint   GSI under
//                                      PROVISIONED; 0 otherwise
//   and nothing after the last index. The per-index live counts (ItemCount,
//   IndexSizeBytes) are not part of it: the catalog entry holds them
//   (table/catalog.h), as it does the table's.
//
// Failures are Status values: Corruption reports bytes that are not a valid
// encoding. Nothing here throws or asserts on input.
#ifndef PD_TABLE_SECONDARY_INDEX_H_
#define PD_TABLE_SECONDARY_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"
#include "value/attribute_value.h"

namespace pd {

enum class IndexKind : uint8_t {
  kLocal = 0,   // LocalSecondaryIndex: the table's partition key, another sort key
  kGlobal = 1,  // GlobalSecondaryIndex: any key schema
};

enum class ProjectionType : uint8_t {
  kAll = 0,       // "ALL": every attribute of the item
  kKeysOnly = 1,  // "KEYS_ONLY": the index and table key attributes
  kInclude = 2,   // "INCLUDE": the keys plus NonKeyAttributes
};

const char* ProjectionTypeName(ProjectionType type);

struct SecondaryIndex {
  std::string name;                                  // IndexName, [a-zA-Z0-9_.-]{3,255}
  IndexKind kind = IndexKind::kGlobal;               // local or global
  std::string hash_name;                             // index partition key attribute
  AttributeType hash_type = AttributeType::kS;       // its type (S, N or B)
  std::optional<std::string> range_name;             // index sort key attribute, if any
  AttributeType range_type = AttributeType::kS;      // its type when range_name is set
  ProjectionType projection = ProjectionType::kAll;  // what entries carry
  std::vector<std::string> non_key_attributes;       // INCLUDE's NonKeyAttributes, request order
  int64_t read_capacity_units = 0;                   // GSI provisioned RCU; 0 for LSIs / on demand
  int64_t write_capacity_units = 0;                  // GSI provisioned WCU; 0 for LSIs / on demand
  uint64_t item_count = 0;  // entries in the index tree (live; from the catalog)
  uint64_t size_bytes = 0;  // sum of ItemSize of the entries (live; from the catalog)

  bool is_global() const { return kind == IndexKind::kGlobal; }
  // True if entries carry every attribute of the item.
  bool projects_all() const { return projection == ProjectionType::kAll; }
  // True if `attribute` is carried by the index's entries, given the table's
  // key attribute names (table keys are always projected).
  bool Projects(std::string_view attribute, const std::string& table_hash,
                const std::optional<std::string>& table_range) const;
  // "arn:...:table/<table>/index/<name>".
  std::string Arn(const std::string& table_arn) const { return table_arn + "/index/" + name; }

  bool operator==(const SecondaryIndex& o) const;
  bool operator!=(const SecondaryIndex& o) const { return !(*this == o); }
};

// Section 1 payload (format above), and back. Decode: Corruption naming the
// field for anything Encode cannot produce.
void EncodeIndexSection(const std::vector<SecondaryIndex>& indexes, std::string* out);
Status DecodeIndexSection(std::string_view bytes, std::vector<SecondaryIndex>* out);

}  // namespace pd

#endif  // PD_TABLE_SECONDARY_INDEX_H_
