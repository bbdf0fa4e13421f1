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
#include "api/ops/conditional_write.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"

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

  DdbResult<std::optional<Item>> old = ReadForWrite(*table, *key, condition, request);
  if (!old.ok()) return old.take_error();
  Status s = table->Delete(*key, *old);
  if (!s.ok()) return StorageError(s);
  const bool all_old = StringMember(request, "ReturnValues") == "ALL_OLD";
  return WriteResponse(request, *table, *key, *old, nullptr, all_old && *old ? &**old : nullptr);
}

}  // namespace api
}  // namespace pd
