// BatchWriteItem: up to 25 PutRequest / DeleteRequest writes over one or more
// tables, applied as one unit.
//
// Order of checks (after the spec, which checked 1-25 requests in total —
// "Too many items requested for the BatchWriteItem call" —, exactly one of
// PutRequest / DeleteRequest per request, item values, nesting depth and the
// 400 KB item size), as dynalite's actions/batchWriteItem.js reports them,
// per table in name order:
//   1. the table (ResourceNotFoundException "Requested resource not found");
//   2. each request in order: the item's key (PutRequest) or the Key
//      (DeleteRequest) against the key schema. A PutRequest item missing a
//      key attribute, or holding one of another type, is "The provided key
//      element does not match the schema" (DynamoDB's batch wording, not
//      PutItem's "Missing the key ..."); empty and oversized key values keep
//      their table/table.h messages;
//   3. two requests for the same item of one table: "Provided list of item
//      keys contains duplicates".
// Nothing is written before every request passed.
//
// Execution: the writes run in table-name order, then request order. The
// engine runs the whole request as one pager operation (engine.cc), so the
// batch is atomic — all of its writes land in one commit, or, if any write
// fails, none does. DynamoDB does not promise that much; nothing is lost by
// giving it.
//
// Response: {"UnprocessedItems": {}} — always empty: DynamoDB returns writes
// there when it throttles them, and pocketdynamo has no throughput limits to
// throttle by. ConsumedCapacity: one entry per table, the sum of each
// write's units as PutItem / DeleteItem charge them (larger of old and new
// item, 1 KB units, at least 1). ItemCollectionMetrics with
// ReturnItemCollectionMetrics SIZE, per table with a local secondary index
// (api/item_collection.h).
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/capacity.h"
#include "api/item_collection.h"
#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "value/json_codec.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

// One write request, validated.
struct Write {
  PrimaryKey key;           // the item's primary key
  std::optional<Item> put;  // the item to put; nullopt for a DeleteRequest
};

// The requests of one table.
struct TableWrites {
  std::string name;            // table name
  std::optional<Table> table;  // opened in validation
  std::vector<Write> writes;   // in request order
};

}  // namespace

DdbResult<json> HandleBatchWriteItem(Store& store, Context& ctx, const json& request) {
  const json& items = request.at("RequestItems");
  std::vector<TableWrites> tables;
  for (auto it = items.begin(); it != items.end(); ++it) {  // name order (json objects are sorted)
    TableWrites tw;
    tw.name = it.key();
    DdbResult<Table> table = OpenTableForItems(store, tw.name);
    if (!table.ok()) return table.take_error();
    tw.table.emplace(std::move(table).value());
    std::set<std::string> seen;  // encoded keys of this table's requests
    for (const json& write_json : it.value()) {
      Write write;
      auto put = write_json.find("PutRequest");
      if (put != write_json.end() && !put->is_null()) {
        Item item;
        if (auto err = ItemFromJson(put->at("Item"), &item))
          return DdbError::Validation(err->message);
        KeyFault fault = KeyFault::kValue;  // set on an error
        Result<PrimaryKey> key = tw.table->KeyFromItem(item, &fault);
        if (!key.ok()) return BatchItemKeyError(key.status(), fault);
        if (Status s = tw.table->CheckIndexKeys(item); !s.ok()) return StorageError(s);
        write.key = std::move(key).value();
        write.put = std::move(item);
      } else {
        DdbResult<AttributeMap> key_map = DecodeKeyMember(write_json.at("DeleteRequest"));
        if (!key_map.ok()) return key_map.take_error();
        Result<PrimaryKey> key = tw.table->KeyFromKeyMap(*key_map);
        if (!key.ok()) return StorageError(key.status());
        write.key = std::move(key).value();
      }
      if (!seen.insert(write.key.encoded).second) {
        return DdbError::Validation(msg::kDuplicateKeys);
      }
      tw.writes.push_back(std::move(write));
    }
    tables.push_back(std::move(tw));
  }

  const CapacityReport report = CapacityReportOf(request);
  json capacity = json::array();
  std::vector<CollectionWrite> collections;  // ReturnItemCollectionMetrics
  for (TableWrites& tw : tables) {
    double units = 0;
    std::vector<IndexUnits> index_units;  // charged to the table's indexes
    for (const Write& write : tw.writes) {
      Result<std::optional<Item>> old = tw.table->Get(write.key);
      if (!old.ok()) return StorageError(old.status());
      std::optional<uint64_t> old_size;
      if (*old) old_size = ItemSize(**old);
      Status s;
      std::optional<uint64_t> new_size;
      if (write.put) {
        new_size = ItemSize(*write.put);
        s = tw.table->Put(write.key, *write.put, *old);
      } else {
        s = tw.table->Delete(write.key, *old);
      }
      if (!s.ok()) return StorageError(s);
      collections.push_back({&*tw.table, write.key.pk});
      units += WriteUnits(old_size, new_size);
      AddIndexUnits(&index_units, IndexWriteUnits(tw.table->description(), *old ? &**old : nullptr,
                                                  write.put ? &*write.put : nullptr));
    }
    if (auto cc = ConsumedCapacityJson(report, tw.name, units, index_units)) {
      capacity.push_back(*cc);
    }
  }
  json response = {{"UnprocessedItems", json::object()}};
  if (report != CapacityReport::kNone) response["ConsumedCapacity"] = std::move(capacity);
  Result<std::optional<json>> metrics = ItemCollectionMetricsPerTable(request, collections);
  if (!metrics.ok()) return StorageError(metrics.status());
  if (*metrics) response["ItemCollectionMetrics"] = std::move(**metrics);
  return response;
}

}  // namespace api
}  // namespace pd
