// Scan: every item of a table (or of one parallel-scan segment), filtered,
// projected and paged.
//
// Order of checks (after the spec, which checked Segment/TotalSegments —
// both or neither, 0 <= Segment < TotalSegments <= 1000000 — and Select),
// as DynamoDB and dynalite's actions/scan.js report them:
//   1. expressions: FilterExpression, ProjectionExpression, then unused
//      placeholders;
//   2. the table (ResourceNotFoundException); IndexName (tables have no
//      indexes yet): "The provided starting key is invalid" when an
//      ExclusiveStartKey is given, else "The table does not have the
//      specified index: <name>";
//   3. ExclusiveStartKey against the key schema: "The provided starting key
//      is invalid: " followed by the key error (table/table.h: "The provided
//      key element does not match the schema", sizes, empty values);
//   4. with more than one segment, the start key must lie in the segment:
//      "The provided starting key is invalid: Invalid ExclusiveStartKey.
//      Please use ExclusiveStartKey with correct Segment. TotalSegments: <t>
//      Segment: <s>";
//   5. ProjectionExpression, then FilterExpression paths into key attributes
//      ("Key attributes must be scalars; ..."). Unlike Query, a Scan filter
//      may test key attributes themselves.
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
  const std::string index = StringMember(request, "IndexName");
  if (!index.empty()) {
    if (*start_map) return DdbError::Validation("The provided starting key is invalid");
    return DdbError::Validation("The table does not have the specified index: " + index);
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
  std::optional<PrimaryKey> start;
  if (*start_map) {
    Result<PrimaryKey> key = table->KeyFromKeyMap(**start_map);
    if (!key.ok()) {
      DdbError e = StorageError(key.status());
      if (e.Is("ValidationException"))
        e.message = "The provided starting key is invalid: " + e.message;
      return e;
    }
    if (total > 1 && !KeyRangeContains(range, key->encoded)) {
      return DdbError::Validation(
          "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
          "ExclusiveStartKey with correct Segment. TotalSegments: " +
          std::to_string(total) + " Segment: " + std::to_string(segment));
    }
    start = std::move(key).value();
  }
  if (projection) PD_RETURN_IF_DDB_ERROR(CheckNestedKeyPaths(*table, projection->paths));
  if (filter) PD_RETURN_IF_DDB_ERROR(CheckNestedKeyPaths(*table, ConditionPaths(*filter)));

  PageOptions options = PageOptionsOf(request);
  options.filter = filter ? &*filter : nullptr;
  options.projection = projection ? &*projection : nullptr;
  TableIterator it = table->NewIterator(std::move(range), /*forward=*/true);
  Status s = start ? it.SeekAfter(start->encoded) : it.SeekToStart();
  if (!s.ok()) return StorageError(s);
  Result<Page> page = ReadPage(*table, &it, options);
  if (!page.ok()) return StorageError(page.status());
  return PageResponse(*table, std::move(page).value(), options, CapacityReportOf(request),
                      BoolMember(request, "ConsistentRead", false));
}

}  // namespace api
}  // namespace pd
