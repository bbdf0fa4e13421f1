// DeleteItem: removes one item by its key, optionally under a condition.
//
// Order of checks (after the spec): ConditionExpression syntax and
// placeholders, the table (ResourceNotFoundException), the Key against the
// key schema (table/table.h), then the condition against the stored item
// (an absent item is evaluated as an empty one).
//
// Response: {} plus Attributes (the deleted item, ReturnValues ALL_OLD, only
// if there was one) and ConsumedCapacity (write units of the deleted item;
// 1 when nothing was deleted).
#include "api/capacity.h"
#include "api/item_collection.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/response_text.h"
#include "expr/evaluate.h"
#include "value/json_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleDeleteItem(Store& store, Context& ctx, const json& request) {
  RequestExpressions exprs;
  PD_RETURN_IF_DDB_ERROR(exprs.Load(request));
  std::optional<expr::Condition> condition;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseCondition(request, "ConditionExpression", &condition));
  PD_RETURN_IF_DDB_ERROR(exprs.CheckAllUsed());

  DdbResult<Table> table = OpenTableForItems(store, request.at("TableName").get<std::string>());
  if (!table.ok()) return table.take_error();
  DdbResult<AttributeMap> key_map = DecodeKeyMember(request);
  if (!key_map.ok()) return key_map.take_error();
  Result<PrimaryKey> key = table->KeyFromKeyMap(*key_map);
  if (!key.ok()) return StorageError(key.status());

  Result<std::optional<Item>> old = table->Get(*key);
  if (!old.ok()) return StorageError(old.status());
  if (condition && !expr::Evaluate(*condition, old->value_or(Item()))) {
    return ConditionFailed(request, *old);
  }
  Status s = table->Delete(*key, *old);
  if (!s.ok()) return StorageError(s);

  ObjectText response;  // written as text (api/response_text.h)
  if (*old && StringMember(request, "ReturnValues") == "ALL_OLD") {
    std::string text;
    AppendItemJson(**old, &text);
    response.Add("Attributes", std::move(text));
  }
  std::optional<uint64_t> old_size;
  if (*old) old_size = ItemSize(**old);
  if (auto cc = ConsumedCapacityJson(
          CapacityReportOf(request), table->name(), WriteUnits(old_size, std::nullopt),
          IndexWriteUnits(table->description(), *old ? &**old : nullptr, nullptr))) {
    response.Add("ConsumedCapacity", cc->dump());
  }
  if (WantsItemCollectionMetrics(request, *table)) {
    Result<json> metrics = ItemCollectionMetricsJson(*table, key->pk);
    if (!metrics.ok()) return StorageError(metrics.status());
    response.Add("ItemCollectionMetrics", metrics->dump());
  }
  return ResponseText(response.Finish());
}

}  // namespace api
}  // namespace pd
