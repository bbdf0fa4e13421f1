// ItemCollectionMetrics (contract in api/item_collection.h).
#include "api/item_collection.h"

#include <cmath>

#include "api/index_read.h"
#include "keys/key_codec.h"
#include "value/item.h"
#include "value/json_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

namespace {

constexpr double kBytesPerGB = 1024.0 * 1024.0 * 1024.0;

// Sum of ItemSize over the items the iterator yields.
Result<uint64_t> SumSizes(TableIterator it) {
  uint64_t bytes = 0;
  Status s = it.SeekToStart();
  if (!s.ok()) return s;
  while (it.Valid()) {
    Result<Item> item = it.item();
    if (!item.ok()) return item.status();
    bytes += ItemSize(*item);
    s = it.Next();
    if (!s.ok()) return s;
  }
  return bytes;
}

}  // namespace

bool WantsItemCollectionMetrics(const json& request, const Table& table) {
  auto it = request.find("ReturnItemCollectionMetrics");
  if (it == request.end() || !it->is_string() || *it != "SIZE") return false;
  for (const SecondaryIndex& index : table.description().indexes) {
    if (!index.is_global()) return true;
  }
  return false;
}

Result<json> ItemCollectionMetricsJson(const Table& table, const AttributeValue& pk) {
  Result<uint64_t> bytes = SumSizes(table.NewIterator(PartitionRange(pk), /*forward=*/true));
  if (!bytes.ok()) return bytes.status();
  uint64_t total = *bytes;
  for (const SecondaryIndex& index : table.description().indexes) {
    if (index.is_global()) continue;
    Result<uint64_t> entries =
        SumSizes(NewIndexIterator(table, index, PartitionRange(pk), /*forward=*/true));
    if (!entries.ok()) return entries.status();
    total += *entries;
  }
  const double lower = std::floor(static_cast<double>(total) / kBytesPerGB);
  return json{{"ItemCollectionKey", {{table.hash_key().name, AttributeValueToJson(pk)}}},
              {"SizeEstimateRangeGB", json::array({lower, lower + 1.0})}};
}

Result<std::optional<json>> ItemCollectionMetricsPerTable(
    const json& request, const std::vector<CollectionWrite>& writes) {
  json out = json::object();
  for (size_t i = 0; i < writes.size(); ++i) {
    const CollectionWrite& w = writes[i];
    if (!WantsItemCollectionMetrics(request, *w.table)) continue;
    bool repeat = false;  // an earlier write to the same collection
    for (size_t j = 0; j < i && !repeat; ++j) {
      repeat = writes[j].table->name() == w.table->name() && writes[j].pk == w.pk;
    }
    if (repeat) continue;
    Result<json> metrics = ItemCollectionMetricsJson(*w.table, w.pk);
    if (!metrics.ok()) return metrics.status();
    out[w.table->name()].push_back(std::move(*metrics));
  }
  if (out.empty()) return std::optional<json>();
  return std::optional<json>(std::move(out));
}

}  // namespace api
}  // namespace pd
