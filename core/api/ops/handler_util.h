// Shared steps of the item handlers (api/ops/handlers.h): opening a table
// with DynamoDB's not-found errors, turning storage Status values into
// DdbErrors, and the expression plumbing of one request (decode
// ExpressionAttributeNames/Values once, parse and check each expression
// against them, then DynamoDB's "unused placeholder" check over all of them).
//
//   RequestExpressions exprs;
//   PD_RETURN_IF_DDB_ERROR(exprs.Load(request));
//   std::optional<expr::Condition> condition;
//   PD_RETURN_IF_DDB_ERROR(exprs.ParseCondition(request, "ConditionExpression", &condition));
//   PD_RETURN_IF_DDB_ERROR(exprs.CheckAllUsed());
//
// Lifetime: checked ASTs point into the RequestExpressions' value map, so a
// RequestExpressions must outlive every AST parsed through it and must not
// be moved or copied once something was parsed (it is neither copyable nor
// movable).
#ifndef PD_API_OPS_HANDLER_UTIL_H_
#define PD_API_OPS_HANDLER_UTIL_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "api/error.h"
#include "api/ops/handlers.h"
#include "expr/ast.h"
#include "expr/check.h"
#include "expr/legacy.h"
#include "table/table.h"
#include "util/status.h"
#include "value/item.h"

namespace pd {
namespace api {

// A storage Status as the DdbError to send: Validation -> Validation (its
// message is DynamoDB's text), NotFound -> ResourceNotFound("Requested
// resource not found"), anything else -> InternalServerError(ToString()).
// REQUIRES: !s.ok().
DdbError StorageError(const Status& s);

// The table an item operation names. A missing table is
// ResourceNotFoundException "Requested resource not found" (the item
// operations' text; table operations add ": Table: <name> not found").
DdbResult<Table> OpenTableForItems(Store& store, const std::string& name);

// The Key member of a request decoded (the spec has validated its values).
DdbResult<AttributeMap> DecodeKeyMember(const nlohmann::json& request, const char* member = "Key");

// The item as ReturnValues / ConditionalCheckFailedException carry it.
nlohmann::json ItemJson(const Item& item);

class RequestExpressions {
 public:
  RequestExpressions() = default;
  RequestExpressions(const RequestExpressions&) = delete;
  RequestExpressions& operator=(const RequestExpressions&) = delete;

  // Decodes ExpressionAttributeNames / ExpressionAttributeValues if present.
  std::optional<DdbError> Load(const nlohmann::json& request);

  // Parses and checks request[member] if present (*out = nullopt if absent).
  // `member` names the expression kind: "ConditionExpression",
  // "FilterExpression" or "KeyConditionExpression". Without it, the legacy
  // parameter of the same role is translated (expr/legacy.h), as validated
  // by the spec: Expected (+ ConditionalOperator) for ConditionExpression,
  // QueryFilter / ScanFilter (+ ConditionalOperator) for FilterExpression,
  // AttributeUpdates for UpdateExpression, AttributesToGet for
  // ProjectionExpression.
  std::optional<DdbError> ParseCondition(const nlohmann::json& request, const char* member,
                                         std::optional<expr::Condition>* out);
  std::optional<DdbError> ParseUpdate(const nlohmann::json& request,
                                      std::optional<expr::UpdateExpression>* out);
  std::optional<DdbError> ParseProjection(const nlohmann::json& request,
                                          std::optional<expr::ProjectionExpression>* out);
  // KeyConditions translated (Query without KeyConditionExpression).
  std::optional<DdbError> LegacyKeyCondition(const nlohmann::json& request,
                                             expr::KeyCondition* out);
  // Whether the last ParseUpdate translated AttributeUpdates (its errors then
  // take the legacy wording: expr::LegacyUpdateMessage).
  bool legacy_update() const { return legacy_update_; }

  // After every expression of the request was parsed: DynamoDB's unused
  // ExpressionAttributeNames / ExpressionAttributeValues errors.
  std::optional<DdbError> CheckAllUsed() const;

 private:
  expr::CheckContext Context();

  std::optional<expr::NameMap> names_;    // ExpressionAttributeNames, if given
  std::optional<expr::ValueMap> values_;  // ExpressionAttributeValues, if given
  expr::PlaceholderUse use_;              // placeholders the parsed expressions used
  expr::LegacyValues legacy_values_;      // values the legacy trees point at
  bool legacy_update_ = false;            // ParseUpdate translated AttributeUpdates
};

// KeyFromItem's error for an item written by BatchWriteItem (PutRequest),
// which DynamoDB words as a key mismatch: a KeyFault::kShape error (a missing
// key attribute or one of another type) is "The provided key element does
// not match the schema"; kValue errors keep their table/table.h text.
// REQUIRES: s is KeyFromItem's error and `fault` the KeyFault it set.
DdbError BatchItemKeyError(const Status& s, KeyFault fault);

// True for the key errors DynamoDB finds only while a transaction runs, the
// KeyFault::kShape ones (KeyFromItem's "Missing the key" / "Type mismatch for
// key", KeyFromKeyMap's "The provided key element does not match the
// schema"). TransactWriteItems and TransactGetItems report them as a
// ValidationError cancellation reason at the action's position; kValue
// errors (empty values, oversized keys) stay request-level
// ValidationExceptions.
inline bool IsTransactionKeyError(KeyFault fault) { return fault == KeyFault::kShape; }

// UpdateExpression actions on key attributes (UpdateItem, transaction
// Update), the first one per key attribute, partition key first:
//   "One or more parameter values were invalid: Cannot update attribute <k>.
//    This attribute is part of the key"
//   "Key attributes must be scalars; list random access '[]' and map lookup
//    '.' are not allowed: Key: <k>"          (a path into a key attribute)
std::optional<DdbError> CheckKeyUpdates(const Table& table, const expr::UpdateExpression& update);

// ConditionalCheckFailedException, carrying the old item when the request
// says ReturnValuesOnConditionCheckFailure ALL_OLD and an item exists.
DdbError ConditionFailed(const nlohmann::json& request, const std::optional<Item>& old);

// A TableId in UUID v4 form (8-4-4-4-12 hex digits, version nibble 4,
// variant bits 10) derived deterministically from the table name, the time
// and the database's page state: the core is deterministic, and the id only
// has to differ between tables created over time (CreateTable,
// RestoreTableFromBackup).
std::string MakeTableId(const std::string& name, int64_t now_ms, const Pager& pager);

// ---- JSON access that never throws (any value, not only a checked request)

// request[member] as a string, or `fallback` when absent or not a string.
std::string StringMember(const nlohmann::json& request, const char* member,
                         const std::string& fallback = "");
// object[name], or nullptr when `object` is not an object or the member is
// missing or null.
const nlohmann::json* Member(const nlohmann::json& object, const char* name);
// object[name] as an integer, or nullopt when it is missing or not one.
std::optional<int64_t> IntMember(const nlohmann::json& object, const char* name);

// A stream label as DynamoDB writes it: "2026-01-14T09:10:48.474".
bool IsStreamLabel(const std::string& label);

// True if `arn` has a stream ARN's form, arn:aws:dynamodb:<region>:
// <12-digit account>:table/<table name>/stream/<label>, whichever stream it
// names.
bool IsStreamArnForm(const std::string& arn);

}  // namespace api
}  // namespace pd

#endif  // PD_API_OPS_HANDLER_UTIL_H_
