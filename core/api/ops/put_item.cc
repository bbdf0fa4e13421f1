// PutItem: creates or replaces one item, optionally under a condition.
//
// Order of checks (after the spec): ConditionExpression syntax and
// placeholders (every ExpressionAttributeNames/Values key defined and used),
// the table (ResourceNotFoundException), the item's key attributes
// (table/table.h), its secondary index keys (table/index_maintenance.h),
// then the condition against the stored item
// (ConditionalCheckFailedException, with the old item when
// ReturnValuesOnConditionCheckFailure is ALL_OLD). The 400 KB limit was
// checked by the spec.
//
// Response: {} plus Attributes (the replaced item, ReturnValues ALL_OLD,
// only if there was one) and ConsumedCapacity (write units of the larger of
// the old and new item).
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

DdbResult<json> HandlePutItem(Store& store, Context& ctx, const json& request) {
  RequestExpressions exprs;
  PD_RETURN_IF_DDB_ERROR(exprs.Load(request));
  std::optional<expr::Condition> condition;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseCondition(request, "ConditionExpression", &condition));
  PD_RETURN_IF_DDB_ERROR(exprs.CheckAllUsed());

  DdbResult<Table> table = OpenTableForItems(store, request.at("TableName").get<std::string>());
  if (!table.ok()) return table.take_error();
  Item item;
  if (auto err = ItemFromJson(request.at("Item"), &item)) return DdbError::Validation(err->message);
  Result<PrimaryKey> key = table->KeyFromItem(item);
  if (!key.ok()) return StorageError(key.status());
  if (Status s = table->CheckIndexKeys(item); !s.ok()) return StorageError(s);

  Result<std::optional<Item>> old = table->Get(*key);
  if (!old.ok()) return StorageError(old.status());
  if (condition && !expr::Evaluate(*condition, old->value_or(Item()))) {
    return ConditionFailed(request, *old);
  }
  Status s = table->Put(*key, item, *old);
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
          CapacityReportOf(request), table->name(), WriteUnits(old_size, ItemSize(item)),
          IndexWriteUnits(table->description(), *old ? &**old : nullptr, &item))) {
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
