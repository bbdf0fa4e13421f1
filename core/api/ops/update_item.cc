// UpdateItem: edits one item with an UpdateExpression, creating it from its
// key when it does not exist (an upsert), optionally under a condition.
//
// Order of checks (after the spec): UpdateExpression, then
// ConditionExpression (syntax, semantic checks), then placeholders defined
// and used across both; the table (ResourceNotFoundException); the Key
// against the key schema; update actions on key attributes:
//   "One or more parameter values were invalid: Cannot update attribute <k>.
//    This attribute is part of the key"
//   "Key attributes must be scalars; list random access '[]' and map lookup
//    '.' are not allowed: Key: <k>"          (a path into a key attribute)
// then the condition against the stored item (absent = empty item), then
// applying the actions (expr/update.h errors), then limits on the result:
//   "Nesting Levels have exceeded supported limits: ..." (depth 32)
//   "Item size to update has exceeded the maximum allowed size" (400 KB)
// A request without UpdateExpression writes the item unchanged, or the key
// alone when it did not exist.
//
// Response: Attributes per ReturnValues (NONE: none; ALL_OLD: the old item,
// if any; UPDATED_OLD: the old values of the paths the actions named, if
// any; ALL_NEW: the new item; UPDATED_NEW: the new values of the paths
// SET/ADD/DELETE wrote; Attributes is left out when it would be empty) and
// ConsumedCapacity (write units of the larger of old and new item) and,
// with ReturnItemCollectionMetrics SIZE on a table with a local secondary
// index, ItemCollectionMetrics (api/item_collection.h).
#include <string>

#include "api/messages.h"
#include "api/ops/conditional_write.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "expr/projection.h"
#include "expr/update.h"
#include "table/limits.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleUpdateItem(Store& store, Context& ctx, const json& request) {
  RequestExpressions exprs;
  PD_RETURN_IF_DDB_ERROR(exprs.Load(request));
  std::optional<expr::UpdateExpression> update;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseUpdate(request, &update));
  std::optional<expr::Condition> condition;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseCondition(request, "ConditionExpression", &condition));
  PD_RETURN_IF_DDB_ERROR(exprs.CheckAllUsed());

  DdbResult<Table> table = OpenTableForItems(store, request.at("TableName").get<std::string>());
  if (!table.ok()) return table.take_error();
  DdbResult<AttributeMap> key_map = DecodeKeyMember(request);
  if (!key_map.ok()) return key_map.take_error();
  Result<PrimaryKey> key = table->KeyFromKeyMap(*key_map);
  if (!key.ok()) return StorageError(key.status());
  if (update) PD_RETURN_IF_DDB_ERROR(CheckKeyUpdates(*table, *update));

  DdbResult<std::optional<Item>> old = ReadForWrite(*table, *key, condition, request);
  if (!old.ok()) return old.take_error();

  Item item = *old ? **old : table->KeyItem(*key);
  expr::UpdateResult changed;
  if (update) {
    Status s = expr::ApplyUpdate(*update, &item, &changed);
    if (!s.ok()) {
      return DdbError::Validation(exprs.legacy_update() ? expr::LegacyUpdateMessage(s.message())
                                                        : s.message());
    }
  }
  if (NestingDepth(item) > kMaxDocumentDepth) {
    return DdbError::Validation(msg::kNestingTooDeep);
  }
  const uint64_t new_size = ItemSize(item);
  if (new_size > kMaxItemSizeBytes) {
    return DdbError::Validation(msg::kUpdatedItemTooLarge);
  }
  Status s = table->Put(*key, item, *old);
  if (!s.ok()) return StorageError(s);

  const std::string return_values = StringMember(request, "ReturnValues", "NONE");
  std::optional<Item> attributes;
  if (return_values == "ALL_OLD") {
    attributes = *old;
  } else if (return_values == "UPDATED_OLD") {
    if (*old) attributes = expr::Project(**old, changed.old_paths);
  } else if (return_values == "ALL_NEW") {
    attributes = item;
  } else if (return_values == "UPDATED_NEW") {
    attributes = expr::Project(item, changed.new_paths);
  }
  return WriteResponse(request, *table, *key, *old, &item, attributes ? &*attributes : nullptr);
}

}  // namespace api
}  // namespace pd
