// Paging: the read path Query and Scan share — one page of items read from a
// TableIterator under DynamoDB's limits, and the request/response members
// that describe pages (ExclusiveStartKey, Limit, Select, Count,
// ScannedCount, LastEvaluatedKey, ConsumedCapacity).
//
//   PageOptions options = PageOptionsOf(request);
//   options.filter = filter ? &*filter : nullptr;
//   TableIterator it = table.NewIterator(range, forward);
//   Status s = start ? it.SeekAfter(start->encoded) : it.SeekToStart();
//   Result<Page> page = ReadPage(table, &it, options);
//   json response = PageResponse(table, std::move(page).value(), options,
//                                CapacityReportOf(request), consistent);
//
// Page rules (DynamoDB's, "Query" and "Scan" in the API reference and
// "Paginating table query results" in the developer guide):
//   - Items are evaluated (read) in iteration order. Limit bounds the number
//     of items evaluated, BEFORE any FilterExpression: a page with Limit 10
//     whose filter matches nothing has Count 0 and ScannedCount 10.
//   - A page reads at most 1 MB of items, measured as the sum of ItemSize
//     (value/item.h) of the items evaluated, again before filtering: the page
//     stops after the item that brings the total to 1 MB or more (so a page
//     can exceed 1 MB by less than one item, and always holds at least one
//     item when any is left).
//   - LastEvaluatedKey is the primary key of the last item evaluated (matched
//     by the filter or not), present exactly when Limit or the 1 MB limit
//     stopped the page. DynamoDB does not look ahead: a page that stops on
//     the range's last item still carries the key ("LastEvaluatedKey ... does
//     not necessarily mean that there is more data"), and the next page is
//     empty without one.
//     Passing it back as ExclusiveStartKey continues right after that item.
//   - Count: items that passed the filter; ScannedCount: items evaluated.
//   - ConsumedCapacity: read units for the total bytes evaluated, rounded up
//     to 4 KB once per page (api/capacity.h ReadUnitsForBytes), halved for
//     eventually consistent reads.
//
// Ownership: a Page owns its JSON. ReadPage keeps no pointers into the
// iterator, the options or the items after it returns. The filter and
// projection in PageOptions are borrowed and must outlive the ReadPage call
// (they in turn borrow the request's value map: api/ops/handler_util.h).
#ifndef PD_API_PAGING_H_
#define PD_API_PAGING_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/capacity.h"
#include "api/error.h"
#include "expr/ast.h"
#include "table/limits.h"
#include "table/secondary_index.h"
#include "table/table.h"
#include "util/status.h"
#include "value/item.h"

namespace pd {
namespace api {

// What one page may read and how it shapes what it returns.
struct PageOptions {
  std::optional<uint64_t> limit;                // Limit: items evaluated at most; nullopt = none
  uint64_t max_bytes = kMaxQueryScanPageBytes;  // stop once this many item bytes were evaluated
  const expr::Condition* filter = nullptr;      // FilterExpression; nullptr keeps every item
  const expr::ProjectionExpression* projection = nullptr;  // nullptr returns whole items
  bool count_only = false;                                 // Select COUNT: count, return no Items
  const SecondaryIndex* index = nullptr;  // reading this index's entries (not the table)
  bool fetch_from_table = false;          // index: evaluate and return the table item of each
                                          // entry (an LSI asked for non-projected attributes)
};

// One page of results.
struct Page {
  std::string items;  // matching items (projected) as DynamoDB JSON text, comma-separated
                      // (the Items array without its brackets); empty when count_only
  uint64_t count = 0;                              // items that passed the filter
  uint64_t scanned_count = 0;                      // items evaluated
  uint64_t bytes_read = 0;                         // sum of ItemSize over the items (index
                                                   // entries) evaluated
  uint64_t fetched_bytes = 0;                      // sum of ItemSize of table items fetched
                                                   // for index entries (fetch_from_table)
  std::optional<Item> last_evaluated;  // LastEvaluatedKey's attributes (table keys, plus the
                                       // index keys for an index); set iff Limit or 1 MB
                                       // stopped the page
};

// Limit and Select COUNT from a request that passed the Query/Scan spec;
// filter and projection are left for the caller to set.
PageOptions PageOptionsOf(const nlohmann::json& request);

// Reads one page starting at the iterator's position (the caller has called
// SeekToStart or SeekAfter and checked its status). Returns Corruption if a
// stored item or key does not decode (or an index entry's table item is
// missing). The iterator is left on the page's last item when Limit or
// 1 MB stopped it, past the range otherwise. With options.index the
// iterator walks that index's tree (api/index_read.h).
Result<Page> ReadPage(const Table& table, TableIterator* it, const PageOptions& options);

// The response members of a page: Items (unless count_only), Count,
// ScannedCount, LastEvaluatedKey (the table's key attributes) and
// ConsumedCapacity (per `report`; `consistent` = ConsistentRead), written as
// text (api/response_text.h ResponseText). Takes the page by value so its
// items move into the response. For an index read
// (options.index) the capacity is split as api/capacity.h says.
nlohmann::json PageResponse(const Table& table, Page page, const PageOptions& options,
                            CapacityReport report, bool consistent);

// request["ExclusiveStartKey"] decoded (the spec has validated its values),
// or nullopt when the request has none.
DdbResult<std::optional<AttributeMap>> DecodeStartKey(const nlohmann::json& request);

// request[member] as a bool, `fallback` when absent (ConsistentRead,
// ScanIndexForward).
bool BoolMember(const nlohmann::json& request, const char* member, bool fallback);

// DynamoDB's check that ProjectionExpression / FilterExpression paths do not
// reach inside a key attribute ("a.b" or "a[0]" where a is a key):
//   "Key attributes must be scalars; list random access '[]' and map lookup
//    '.' are not allowed: Key: <a>"
// Key attributes are visited partition key first; nullopt if no path does.
std::optional<DdbError> CheckNestedKeyPaths(const Table& table,
                                            const std::vector<expr::Path>& paths);

// Every document path a condition mentions (comparison operands, BETWEEN and
// IN operands, function arguments, size() included), in textual order.
std::vector<expr::Path> ConditionPaths(const expr::Condition& condition);

}  // namespace api
}  // namespace pd

#endif  // PD_API_PAGING_H_
