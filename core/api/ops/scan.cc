// Scan: every item of a table (or of one parallel-scan segment), filtered,
// projected and paged.
//
// Order of checks (after the spec, which checked Segment/TotalSegments —
// both or neither, 0 <= Segment < TotalSegments <= 1000000 — and Select),
// as DynamoDB and dynalite's actions/scan.js report them:
//   1. expressions: FilterExpression, ProjectionExpression, then unused
//      placeholders;
//   2. the table (ResourceNotFoundException); IndexName (api/index_read.h):
//      an unknown index is "The provided starting key is invalid" when an
//      ExclusiveStartKey is given, else "The table does not have the
//      specified index: <name>"; then ConsistentRead on a GSI;
//   3. ExclusiveStartKey against the key schema: for an index, the number of
//      attributes (table and index keys: "The provided starting key is
//      invalid"), each index key attribute present ("The provided starting
//      key is invalid") and of its type ("The provided key element does not
//      match the schema"), Select ALL_ATTRIBUTES on a GSI not projecting
//      ALL; then the table key part: "The provided starting key is invalid: "
//      followed by the key error (table/table.h: "The provided key element
//      does not match the schema", sizes, empty values);
//   4. with more than one segment, the start key must lie in the segment:
//      "The provided starting key is invalid: Invalid ExclusiveStartKey.
//      Please use ExclusiveStartKey with correct Segment. TotalSegments: <t>
//      Segment: <s>";
//   5. ProjectionExpression, then FilterExpression paths into key attributes
//      ("Key attributes must be scalars; ..."). Unlike Query, a Scan filter
//      may test key attributes themselves. For an index, then the projection
//      rules of api/index_read.h.
//
// Execution: the table tree is walked in key order, which is partition-hash
// order (keys/key_codec.h), so a Scan visits partitions in an order
// unrelated to their values, as DynamoDB's does. Segment s of t is the hash
// range ScanSegmentRange(s, t): the segments of one TotalSegments partition
// the table, so together they return every item exactly once. Paging rules
// are api/paging.h's.
#include <optional>
#include <string>
#include <utility>

#include "api/capacity.h"
#include "api/index_read.h"
#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/paging.h"
#include "keys/key_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleScan(Store& store, Context& ctx, const json& request) {
  RequestExpressions exprs;
  PD_RETURN_IF_DDB_ERROR(exprs.Load(request));
  std::optional<expr::Condition> filter;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseCondition(request, "FilterExpression", &filter));
  std::optional<expr::ProjectionExpression> projection;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseProjection(request, &projection));
  PD_RETURN_IF_DDB_ERROR(exprs.CheckAllUsed());

  DdbResult<Table> table = OpenTableForItems(store, request.at("TableName").get<std::string>());
  if (!table.ok()) return table.take_error();
  DdbResult<std::optional<AttributeMap>> start_map = DecodeStartKey(request);
  if (!start_map.ok()) return start_map.take_error();
  DdbResult<const SecondaryIndex*> index =
      FindReadIndex(*table, request, *start_map ? msg::kStartKeyInvalid : nullptr);
  if (!index.ok()) return index.take_error();
  PageOptions options = PageOptionsOf(request);
  options.index = *index;
  if (*index != nullptr && *start_map) {
    const SecondaryIndex& x = **index;
    size_t key_count = table->has_sort_key() ? 2 : 1;
    for (const std::string* k : {&x.hash_name, x.range_name ? &*x.range_name : nullptr}) {
      if (k != nullptr && !table->IsKeyAttribute(*k)) ++key_count;
    }
    if ((*start_map)->size() != key_count) return DdbError::Validation(msg::kStartKeyInvalid);
    for (const std::optional<KeyAttribute>& k :
         {std::optional<KeyAttribute>(IndexHashKey(x)), IndexRangeKey(x)}) {
      if (!k) continue;
      const AttributeValue* v = (*start_map)->Find(k->name);
      if (v == nullptr) return DdbError::Validation(msg::kStartKeyInvalid);
      if (v->type() != k->type) {
        return DdbError::Validation(msg::kKeySchemaMismatch);
      }
    }
  }
  if (*index != nullptr && !(*index)->projects_all() && (*index)->is_global() &&
      StringMember(request, "Select") == "ALL_ATTRIBUTES") {
    bool unused = false;
    PD_RETURN_IF_DDB_ERROR(
        CheckIndexAttributes(*table, **index, request, {}, {}, &unused));  // the GSI error
  }

  KeyRange range;  // the whole table
  uint32_t segment = 0;
  uint32_t total = 1;
  auto total_it = request.find("TotalSegments");
  auto segment_it = request.find("Segment");
  if (total_it != request.end() && total_it->is_number_integer() && segment_it != request.end() &&
      segment_it->is_number_integer()) {
    total = total_it->get<uint32_t>();  // the spec bounds both to 0..1000000
    segment = segment_it->get<uint32_t>();
    range = ScanSegmentRange(segment, total);
  }
  std::optional<std::string> start;  // tree key to continue after
  if (*start_map) {
    AttributeMap table_start;  // the table key attributes of the start key
    for (const KeyAttribute* k :
         {&table->hash_key(), table->range_key() ? &*table->range_key() : nullptr}) {
      if (k == nullptr) continue;
      if (const AttributeValue* v = (*start_map)->Find(k->name)) table_start.Set(k->name, *v);
    }
    Result<PrimaryKey> key = table->KeyFromKeyMap(*index != nullptr ? table_start : **start_map);
    if (!key.ok()) {
      DdbError e = StorageError(key.status());
      if (e.Is("ValidationException"))
        e.message = std::string(msg::kStartKeyInvalid) + ": " + e.message;
      return e;
    }
    const std::string encoded =
        *index != nullptr ? IndexStartKey(*table, **index, **start_map) : key->encoded;
    if (total > 1 && !KeyRangeContains(range, encoded)) {
      return DdbError::Validation(
          std::string(msg::kStartKeyInvalid) +
          ": Invalid ExclusiveStartKey. Please use ExclusiveStartKey with correct Segment. "
          "TotalSegments: " +
          std::to_string(total) + " Segment: " + std::to_string(segment));
    }
    start = encoded;
  }
  if (projection) PD_RETURN_IF_DDB_ERROR(CheckNestedKeyPaths(*table, projection->paths));
  if (filter) PD_RETURN_IF_DDB_ERROR(CheckNestedKeyPaths(*table, ConditionPaths(*filter)));

  options.filter = filter ? &*filter : nullptr;
  options.projection = projection ? &*projection : nullptr;
  if (*index != nullptr) {
    PD_RETURN_IF_DDB_ERROR(CheckIndexAttributes(
        *table, **index, request, projection ? projection->paths : std::vector<expr::Path>(),
        filter ? ConditionPaths(*filter) : std::vector<expr::Path>(), &options.fetch_from_table));
  }
  TableIterator it = *index != nullptr
                         ? NewIndexIterator(*table, **index, std::move(range), /*forward=*/true)
                         : table->NewIterator(std::move(range), /*forward=*/true);
  Status s = start ? it.SeekAfter(*start) : it.SeekToStart();
  if (!s.ok()) return StorageError(s);
  Result<Page> page = ReadPage(*table, &it, options);
  if (!page.ok()) return StorageError(page.status());
  return PageResponse(*table, std::move(page).value(), options, CapacityReportOf(request),
                      BoolMember(request, "ConsistentRead", false));
}

}  // namespace api
}  // namespace pd
