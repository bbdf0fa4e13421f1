// Consumed capacity: the read and write units DynamoDB charges for an
// operation, and the ConsumedCapacity object it returns when the request
// says ReturnConsumedCapacity TOTAL or INDEXES.
//
// Rules (Amazon DynamoDB Developer Guide, "Read/write capacity mode" and
// "Capacity unit consumption"; item sizes by value/item.h, 1 KB = 1024 bytes):
//   Reads   one unit per started 4 KB of the item read, whole item counted
//           (a projection does not reduce it); strongly consistent reads
//           (ConsistentRead true) cost that, eventually consistent reads
//           half. Reading an item that does not exist still costs one
//           unit: 1 (consistent) or 0.5 (eventual). Query/Scan charge the
//           sum of the sizes of the items read, rounded up to 4 KB, the
//           same way (at least one unit).
//   Writes  one unit per started 1 KB of the larger of the item before and
//           the item after the write (PutItem and UpdateItem replacing an
//           item, DeleteItem of an item), at least 1: writing or deleting
//           an item that does not exist costs 1.
//   Transactions cost twice the above per item (not computed here).
//
// ConsumedCapacityJson:
//   NONE (or absent)  no object (nullopt)
//   TOTAL             {"TableName": T, "CapacityUnits": u}
//   INDEXES           {"TableName": T, "CapacityUnits": u, "Table": {"CapacityUnits": t},
//                      "LocalSecondaryIndexes": {name: {"CapacityUnits": i}, ...},
//                      "GlobalSecondaryIndexes": {name: {"CapacityUnits": i}, ...}}
//                     where u = t + the index units, and each index map is
//                     present only when an index of that kind was touched.
// A write charges each index whose entry it changes (table/index_maintenance.h
// entries; sizes by value/item.h): an entry added or removed, one write of
// its size; an entry whose key stays but whose projection changes, one write
// of the larger size; an entry whose index key changes, a delete of the old
// and a put of the new one; nothing when the entry is unchanged.
// A read of an index charges the index's units for the entry bytes read and
// the table's units only for items fetched from the table (LSI reads of
// non-projected attributes); TOTAL reports the sum.
// Units are JSON numbers (doubles: 0.5 steps are exact).
#ifndef PD_API_CAPACITY_H_
#define PD_API_CAPACITY_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "table/table_description.h"
#include "value/item.h"

namespace pd {
namespace api {

enum class CapacityReport : uint8_t {
  kNone,     // ReturnConsumedCapacity absent or NONE
  kTotal,    // TOTAL
  kIndexes,  // INDEXES
};

constexpr uint64_t kReadUnitBytes = 4096;   // bytes per read capacity unit
constexpr uint64_t kWriteUnitBytes = 1024;  // bytes per write capacity unit

// The request's ReturnConsumedCapacity (after the spec check: absent, or one
// of the enum's strings).
CapacityReport CapacityReportOf(const nlohmann::json& request);

// Units for reading `item_size` bytes (std::nullopt: the item does not exist).
double ReadUnits(std::optional<uint64_t> item_size, bool consistent);
// Units for a Query/Scan page that read `total_bytes` of items.
double ReadUnitsForBytes(uint64_t total_bytes, bool consistent);
// Units for a write replacing an item of old_size by one of new_size bytes
// (nullopt: no item before / after).
double WriteUnits(std::optional<uint64_t> old_size, std::optional<uint64_t> new_size);

// Units spent on one secondary index.
struct IndexUnits {
  std::string name;  // IndexName
  bool global;       // GSI (else LSI)
  double units;      // capacity units charged to it
};

// The write units each index of `table` is charged for replacing `old` by
// `now` (nullptr: no item), by the rule above; indexes charged nothing are
// left out. `factor` multiplies every charge (2 in transactions).
std::vector<IndexUnits> IndexWriteUnits(const TableDescription& table, const Item* old,
                                        const Item* now, double factor = 1);

// Adds `more` into `sum` (by index name).
void AddIndexUnits(std::vector<IndexUnits>* sum, const std::vector<IndexUnits>& more);

// The ConsumedCapacity object for `units` spent on table_name itself and
// `indexes` on its indexes, or nullopt for kNone.
std::optional<nlohmann::json> ConsumedCapacityJson(CapacityReport report,
                                                   const std::string& table_name, double units,
                                                   const std::vector<IndexUnits>& indexes = {});

}  // namespace api
}  // namespace pd

#endif  // PD_API_CAPACITY_H_
