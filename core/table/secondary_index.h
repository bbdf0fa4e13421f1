// SecondaryIndex: the definition of one local or global secondary index of a
// table (what CreateTable's LocalSecondaryIndexes / GlobalSecondaryIndexes
// and UpdateTable's GlobalSecondaryIndexUpdates Create declare), with
//   - ParseSecondaryIndexes: DynamoDB's semantic validation of a CreateTable
//     request's index lists (after the generic parameter spec), in dynalite's
//     order and with DynamoDB's messages;
//   - ParseIndexCreate: the same for one UpdateTable Create action;
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
// Failures are Status values: Validation carries DynamoDB's
// ValidationException text (api/ wraps it); Corruption reports bytes that
// are not a valid encoding. Nothing here throws or asserts on input.
#ifndef PD_TABLE_SECONDARY_INDEX_H_
#define PD_TABLE_SECONDARY_INDEX_H_

#include <cstdint>
#include <nlohmann/json.hpp>
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

// The AttributeName and KeyType lists of `holder`'s KeySchema member, in
// order (both empty when it is missing or not an array). Strings that are not
// given read as "".
void ReadKeySchema(const nlohmann::json& holder, std::vector<std::string>* names,
                   std::vector<std::string>* key_types);

// DynamoDB's checks of a table's or an index's key schema, in its order:
// every key attribute is in `defined` (the AttributeDefinitions names, in
// request order, as the message lists them), hash and range names differ,
// the first element is HASH, the second RANGE. Validation with
// DynamoDB's message for the first problem. REQUIRES: names.size() ==
// key_types.size() and 1 <= names.size() <= 2.
Status CheckKeySchema(const std::vector<std::string>& names,
                      const std::vector<std::string>& key_types,
                      const std::vector<std::string>& defined);

// The indexes a CreateTable request declares, LSIs first then GSIs, each in
// request order. `defined` are the AttributeDefinitions (name, type) in
// request order; `table_keys` the table's key attribute names (1 or 2);
// `pay_per_request` the table's billing mode. Validation with
// DynamoDB's message for the first problem, in this order:
//   LSIs: empty list, table without range key, then per index: key attributes
//   not defined, same names, HASH/RANGE order, no range key, other leading
//   hash key, ProjectionType missing, NonKeyAttributes with a type other than
//   INCLUDE (or INCLUDE without them), duplicate name; then more than 5.
//   GSIs: the same per index (without the LSI-only rules), plus throughput
//   given under PAY_PER_REQUEST; then more than 20; then throughput missing
//   under PROVISIONED and its bounds.
//   Then, over all indexes: more than 100 NonKeyAttributes in total, and
//   AttributeDefinitions that no key schema uses.
Status ParseSecondaryIndexes(const nlohmann::json& request,
                             const std::vector<std::pair<std::string, AttributeType>>& defined,
                             const std::vector<std::string>& table_keys, bool pay_per_request,
                             std::vector<SecondaryIndex>* out);

// One UpdateTable GlobalSecondaryIndexUpdates Create action against a table
// whose definitions are `table_defined` (existing AttributeDefinitions) and
// `request_defined` (the request's AttributeDefinitions). Validation
// with DynamoDB's message; the caller checks name clashes and counts.
Status ParseIndexCreate(const nlohmann::json& action,
                        const std::vector<std::pair<std::string, AttributeType>>& request_defined,
                        bool pay_per_request, SecondaryIndex* out);

// Section 1 payload (format above), and back. Decode: Corruption naming the
// field for anything Encode cannot produce.
void EncodeIndexSection(const std::vector<SecondaryIndex>& indexes, std::string* out);
Status DecodeIndexSection(std::string_view bytes, std::vector<SecondaryIndex>* out);

}  // namespace pd

#endif  // PD_TABLE_SECONDARY_INDEX_H_
