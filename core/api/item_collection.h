// ReturnItemCollectionMetrics SIZE: the ItemCollectionMetrics DynamoDB
// returns for writes to a table with local secondary indexes (PutItem,
// UpdateItem, DeleteItem, BatchWriteItem, TransactWriteItems).
//
// DynamoDB API reference, ItemCollectionMetrics: returned only when the
// request asks for SIZE and the table has at least one local secondary
// index; ItemCollectionKey is the partition key of the item written;
// SizeEstimateRangeGB is a [lower, upper] estimate in gigabytes of the item
// collection: every item with that partition key plus every attribute
// projected into the table's local secondary indexes for it.
//
// pocketdynamo computes the collection's exact size after the write (the
// sum of ItemSize of its items and of its LSI entries, value/item.h rules)
// and reports the whole-gigabyte range around it: [floor(GB), floor(GB) + 1]
// — [0.0, 1.0] for every collection under 1 GB, as DynamoDB reports small
// collections. Reading the collection costs one pass over the partition in
// the table and in each LSI, only when SIZE is asked.
#ifndef PD_API_ITEM_COLLECTION_H_
#define PD_API_ITEM_COLLECTION_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "table/table.h"
#include "util/status.h"
#include "value/attribute_value.h"

namespace pd {
namespace api {

// True when `request` says ReturnItemCollectionMetrics SIZE and `table`
// has a local secondary index.
bool WantsItemCollectionMetrics(const nlohmann::json& request, const Table& table);

// {"ItemCollectionKey": {<pk name>: pk}, "SizeEstimateRangeGB": [lo, hi]}
// for partition `pk` of `table` as it stands. Storage errors as Status.
Result<nlohmann::json> ItemCollectionMetricsJson(const Table& table, const AttributeValue& pk);

// One write for the per-table form (BatchWriteItem, TransactWriteItems).
struct CollectionWrite {
  const Table* table;  // the table written (not owned)
  AttributeValue pk;   // the written item's partition key
};

// The "ItemCollectionMetrics" member of BatchWriteItem / TransactWriteItems:
// {<table>: [metrics, ...]} with one entry per distinct partition written
// (in write order) of each table that has a local secondary index; nullopt
// when the request does not ask for SIZE or no such table was written.
Result<std::optional<nlohmann::json>> ItemCollectionMetricsPerTable(
    const nlohmann::json& request, const std::vector<CollectionWrite>& writes);

}  // namespace api
}  // namespace pd

#endif  // PD_API_ITEM_COLLECTION_H_
