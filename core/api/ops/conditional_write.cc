#include "api/ops/conditional_write.h"

#include <cstdint>
#include <string>

#include "api/capacity.h"
#include "api/item_collection.h"
#include "api/ops/handler_util.h"
#include "api/response_text.h"
#include "expr/evaluate.h"
#include "value/json_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

bool ConditionHolds(const std::optional<expr::Condition>& condition,
                    const std::optional<Item>& old) {
  return !condition || expr::Evaluate(*condition, old.value_or(Item()));
}

DdbResult<std::optional<Item>> ReadForWrite(const Table& table, const PrimaryKey& key,
                                            const std::optional<expr::Condition>& condition,
                                            const json& request) {
  Result<std::optional<Item>> old = table.Get(key);
  if (!old.ok()) return StorageError(old.status());
  if (!ConditionHolds(condition, *old)) return ConditionFailed(request, *old);
  return std::move(old).value();
}

DdbResult<json> WriteResponse(const json& request, const Table& table, const PrimaryKey& key,
                              const std::optional<Item>& old, const Item* now,
                              const Item* attributes) {
  ObjectText response;
  if (attributes != nullptr && !attributes->empty()) {
    std::string text;
    AppendItemJson(*attributes, &text);
    response.Add("Attributes", std::move(text));
  }
  std::optional<uint64_t> old_size;
  if (old) old_size = ItemSize(*old);
  std::optional<uint64_t> new_size;
  if (now != nullptr) new_size = ItemSize(*now);
  if (auto cc = ConsumedCapacityJson(
          CapacityReportOf(request), table.name(), WriteUnits(old_size, new_size),
          IndexWriteUnits(table.description(), old ? &*old : nullptr, now))) {
    response.Add("ConsumedCapacity", cc->dump());
  }
  if (WantsItemCollectionMetrics(request, table)) {
    Result<json> metrics = ItemCollectionMetricsJson(table, key.pk);
    if (!metrics.ok()) return StorageError(metrics.status());
    response.Add("ItemCollectionMetrics", metrics->dump());
  }
  return ResponseText(response.Finish());
}

}  // namespace api
}  // namespace pd
