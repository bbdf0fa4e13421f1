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
#include "api/ops/common_spec.h"
#include "api/ops/conditional_write.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
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
  Item item;  // decoded by the spec's check already, unless the request was copied
  if (!TakeCheckedMap(request.at("Item"), &item)) {
    if (auto err = ItemFromJson(request.at("Item"), &item))
      return DdbError::Validation(err->message);
  }
  Result<PrimaryKey> key = table->KeyFromItem(item);
  if (!key.ok()) return StorageError(key.status());
  if (Status s = table->CheckIndexKeys(item); !s.ok()) return StorageError(s);

  DdbResult<std::optional<Item>> old = ReadForWrite(*table, *key, condition, request);
  if (!old.ok()) return old.take_error();
  Status s = table->Put(*key, item, *old);
  if (!s.ok()) return StorageError(s);
  const bool all_old = StringMember(request, "ReturnValues") == "ALL_OLD";
  return WriteResponse(request, *table, *key, *old, &item, all_old && *old ? &**old : nullptr);
}

}  // namespace api
}  // namespace pd
