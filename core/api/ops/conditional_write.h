// The steps PutItem, DeleteItem and UpdateItem share around their one write
// (and TransactWriteItems its condition rule): read the stored item once,
// check the request's condition against it, and answer with the old item,
// the capacity and the item collection metrics.
//
//   DdbResult<std::optional<Item>> old = ReadForWrite(*table, *key, condition, request);
//   if (!old.ok()) return old.take_error();
//   ... Status s = table->Put(*key, item, *old);  (or Delete) ...
//   return WriteResponse(request, *table, *key, *old, &item, attributes);
//
// The stored item is decoded once: the write (Table::Put/Delete take it as
// `old`), the update, the capacity and the response all use that copy.
#ifndef PD_API_OPS_CONDITIONAL_WRITE_H_
#define PD_API_OPS_CONDITIONAL_WRITE_H_

#include <nlohmann/json.hpp>
#include <optional>

#include "api/error.h"
#include "expr/ast.h"
#include "table/table.h"
#include "value/item.h"

namespace pd {
namespace api {

// True when there is no condition or it holds for `old` (an absent item is
// evaluated as an empty one, as DynamoDB does).
bool ConditionHolds(const std::optional<expr::Condition>& condition,
                    const std::optional<Item>& old);

// The item stored at `key` (nullopt: none), once the condition holds for it;
// else ConditionalCheckFailedException, carrying the old item when the
// request says ReturnValuesOnConditionCheckFailure ALL_OLD. Storage failures
// are StorageError's.
DdbResult<std::optional<Item>> ReadForWrite(const Table& table, const PrimaryKey& key,
                                            const std::optional<expr::Condition>& condition,
                                            const nlohmann::json& request);

// The response of a single-item write, as text (api/response_text.h): {}
// plus Attributes (`attributes`, when given and not empty), ConsumedCapacity
// (write units of the larger of `old` and `now`; `now` nullptr for a delete;
// index units likewise) and ItemCollectionMetrics (ReturnItemCollectionMetrics
// SIZE on a table with a local secondary index).
DdbResult<nlohmann::json> WriteResponse(const nlohmann::json& request, const Table& table,
                                        const PrimaryKey& key, const std::optional<Item>& old,
                                        const Item* now, const Item* attributes);

}  // namespace api
}  // namespace pd

#endif  // PD_API_OPS_CONDITIONAL_WRITE_H_
