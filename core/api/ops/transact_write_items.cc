// TransactWriteItems: up to 100 Put / Update / Delete / ConditionCheck
// actions on distinct items, all applied or none.
//
// Order of checks (after the spec: 1-100 actions, exactly one kind per
// action, items' values, depth and 400 KB size, ClientRequestToken 1-36
// characters):
//   1. ClientRequestToken: a token this database completed a transaction with
//      less than 10 minutes ago (table/request_tokens.h) and a different
//      request: IdempotentParameterMismatchException;
//   2. every action's expressions, in action order: Put/Delete/ConditionCheck
//      ConditionExpression; Update UpdateExpression then ConditionExpression;
//      each action's placeholders defined and used (ValidationException,
//      the single-item operations' messages);
//   3. every action in order: its table (ResourceNotFoundException
//      "Requested resource not found"), its key's values (empty, too long:
//      table/table.h, a ValidationException), Update actions on key
//      attributes (as UpdateItem); then, over all actions, a key attribute
//      missing or of another type cancels the transaction
//      (TransactionCanceledException with a ValidationError reason at that
//      action, None elsewhere: "One or more parameter values were invalid:
//      Type mismatch for key pk expected: S actual: N" / "... Missing the key
//      pk in the item" for a Put item, "The provided key element does not
//      match the schema" for a Key map), as DynamoDB reports it; then an item
//      named by two actions: "Transaction request cannot include multiple
//      operations on one item";
//   4. the aggregate size: Put items plus the keys of the other actions may
//      not exceed 4 MB (table/limits.h kMaxTransactionSizeBytes):
//      "Transaction request size exceeds the maximum allowed size of 4 MB"
//      (pocketdynamo's wording: the text DynamoDB uses could not be
//      confirmed).
// All of these are raised before any item is read.
//
// Replay: a token seen with this very request within its 10 minutes returns
// success without writing anything; ConsumedCapacity then reports the read
// units of reading each target item (strongly consistent), as DynamoDB's
// "subsequent calls ... return the number of read capacity units consumed in
// reading the item".
//
// Execution: every target item is read and every action evaluated before
// anything is written: a ConditionExpression that is false gives
// ConditionalCheckFailed (with the old item when the action says
// ReturnValuesOnConditionCheckFailure ALL_OLD and one exists); an Update
// whose actions fail on the stored item (expr/update.h errors), or whose
// result is nested too deeply, exceeds 400 KB or breaks a secondary index
// key rule (table/index_maintenance.h), gives ValidationError with the
// UpdateItem message. (A Put item breaking an index key rule is a
// ValidationException before execution, as its key errors are.) If any action has such a reason the
// transaction is cancelled: TransactionCanceledException "Transaction cancelled, please refer
// cancellation reasons for specific reasons [None, ConditionalCheckFailed,
// ...]" with one CancellationReasons entry per action, in action order, and
// nothing is written. Otherwise the writes are applied in action order. The
// engine runs the handler as one pager operation (engine.cc), so either all
// of the transaction's pages land in one commit or none changes — also when
// a write fails for a storage reason.
//
// Response: {} plus ConsumedCapacity, one entry per table in name order:
// twice the single-item units (2 write units per started KB of the larger of
// old and new item for Put/Update/Delete; 2 read units per started 4 KB for
// ConditionCheck, 2 for a missing item). ItemCollectionMetrics per table
// with a local secondary index when asked for SIZE (api/item_collection.h). With a
// ClientRequestToken, the token and a fingerprint of the request are recorded in the same pager
// operation.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/capacity.h"
#include "api/item_collection.h"
#include "api/messages.h"
#include "api/ops/conditional_write.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "expr/update.h"
#include "table/limits.h"
#include "table/request_tokens.h"
#include "value/json_codec.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr double kTransactionFactor = 2;  // transactions cost twice the single-item units

enum class Kind : uint8_t { kConditionCheck, kPut, kDelete, kUpdate };

constexpr const char* kKindMember[] = {"ConditionCheck", "Put", "Delete", "Update"};

// One action of the request, as validation and execution fill it in.
struct Action {
  Kind kind = Kind::kConditionCheck;             // which of the four
  const json* body = nullptr;                    // the action's object in the request
  std::unique_ptr<RequestExpressions> exprs;     // owns the placeholders the ASTs borrow
  std::optional<expr::Condition> condition;      // ConditionExpression
  std::optional<expr::UpdateExpression> update;  // UpdateExpression (kUpdate)
  Table* table = nullptr;                        // into the handler's table map
  PrimaryKey key;                                // the target item's key
  std::optional<Item> old;                       // the stored item, read in execution
  Item next;                                     // kPut / kUpdate: the item to write
};

// Step 2: the action's kind and expressions.
std::optional<DdbError> ParseAction(const json& transact_item, Action* action) {
  for (Kind kind : {Kind::kConditionCheck, Kind::kPut, Kind::kDelete, Kind::kUpdate}) {
    auto it = transact_item.find(kKindMember[static_cast<int>(kind)]);
    if (it == transact_item.end() || it->is_null()) continue;
    action->kind = kind;
    action->body = &*it;
  }
  if (action->body == nullptr) {  // the spec guarantees one; defensive
    return DdbError::Validation(msg::kInvalidAction);
  }
  action->exprs = std::make_unique<RequestExpressions>();
  PD_RETURN_IF_DDB_ERROR(action->exprs->Load(*action->body));
  if (action->kind == Kind::kUpdate) {
    PD_RETURN_IF_DDB_ERROR(action->exprs->ParseUpdate(*action->body, &action->update));
  }
  PD_RETURN_IF_DDB_ERROR(
      action->exprs->ParseCondition(*action->body, "ConditionExpression", &action->condition));
  return action->exprs->CheckAllUsed();
}

// Step 3 for one action: table, key, key updates. Returns the action's size
// for step 4 (the Put item, or the key). A key attribute missing or of
// another type is not an error here: *key_problem gets its message and the
// action has no key.
DdbResult<uint64_t> ResolveAction(Store& store, std::map<std::string, Table>* tables,
                                  Action* action, std::string* key_problem) {
  const std::string name = action->body->at("TableName").get<std::string>();
  auto found = tables->find(name);
  if (found == tables->end()) {
    DdbResult<Table> table = OpenTableForItems(store, name);
    if (!table.ok()) return table.take_error();
    found = tables->emplace(name, std::move(table).value()).first;
  }
  action->table = &found->second;
  if (action->kind == Kind::kPut) {
    if (auto err = ItemFromJson(action->body->at("Item"), &action->next)) {
      return DdbError::Validation(err->message);
    }
    KeyFault fault = KeyFault::kValue;  // set on an error
    Result<PrimaryKey> key = action->table->KeyFromItem(action->next, &fault);
    if (!key.ok() && IsTransactionKeyError(fault)) {
      *key_problem = key.status().message();
      return ItemSize(action->next);
    }
    if (!key.ok()) return StorageError(key.status());
    if (Status s = action->table->CheckIndexKeys(action->next); !s.ok()) return StorageError(s);
    action->key = std::move(key).value();
    return ItemSize(action->next);
  }
  DdbResult<AttributeMap> key_map = DecodeKeyMember(*action->body);
  if (!key_map.ok()) return key_map.take_error();
  KeyFault fault = KeyFault::kValue;  // set on an error
  Result<PrimaryKey> key = action->table->KeyFromKeyMap(*key_map, &fault);
  if (!key.ok() && IsTransactionKeyError(fault)) {
    *key_problem = key.status().message();
    return ItemSize(*key_map);
  }
  if (!key.ok()) return StorageError(key.status());
  action->key = std::move(key).value();
  if (action->update) PD_RETURN_IF_DDB_ERROR(CheckKeyUpdates(*action->table, *action->update));
  return ItemSize(*key_map);
}

// Execution, before any write: the action's cancellation reason ("None" if
// it may proceed). Reads the stored item and, for Update, computes the new one.
DdbResult<CancellationReason> EvaluateAction(Action* action) {
  Result<std::optional<Item>> old = action->table->Get(action->key);
  if (!old.ok()) return StorageError(old.status());
  action->old = std::move(old).value();
  CancellationReason reason;
  reason.code = "None";
  if (!ConditionHolds(action->condition, action->old)) {
    reason.code = "ConditionalCheckFailed";
    reason.message = msg::kConditionalCheckFailed;
    if (action->old &&
        StringMember(*action->body, "ReturnValuesOnConditionCheckFailure") == "ALL_OLD") {
      reason.item = ItemJson(*action->old);
    }
    return reason;
  }
  if (action->kind != Kind::kUpdate) return reason;
  action->next = action->old ? *action->old : action->table->KeyItem(action->key);
  Status s = expr::ApplyUpdate(*action->update, &action->next);
  std::string problem;
  if (!s.ok()) {
    problem = s.message();
  } else if (NestingDepth(action->next) > kMaxDocumentDepth) {
    problem = msg::kNestingTooDeep;
  } else if (ItemSize(action->next) > kMaxItemSizeBytes) {
    problem = msg::kUpdatedItemTooLarge;
  } else if (Status keys = action->table->CheckIndexKeys(action->next); !keys.ok()) {
    problem = keys.message();
  }
  if (!problem.empty()) {
    reason.code = "ValidationError";
    reason.message = std::move(problem);
  }
  return reason;
}

// Applies one evaluated action; returns its capacity units.
DdbResult<double> ApplyAction(const Action& action) {
  std::optional<uint64_t> old_size;
  if (action.old) old_size = ItemSize(*action.old);
  Status s;
  switch (action.kind) {
    case Kind::kConditionCheck:
      return kTransactionFactor * ReadUnits(old_size, /*consistent=*/true);
    case Kind::kPut:
    case Kind::kUpdate:
      s = action.table->Put(action.key, action.next, action.old);
      if (!s.ok()) return StorageError(s);
      return kTransactionFactor * WriteUnits(old_size, ItemSize(action.next));
    case Kind::kDelete:
      s = action.table->Delete(action.key, action.old);
      if (!s.ok()) return StorageError(s);
      return kTransactionFactor * WriteUnits(old_size, std::nullopt);
  }
  return 0.0;
}

json CapacityList(CapacityReport report, const std::map<std::string, double>& units,
                  const std::map<std::string, std::vector<IndexUnits>>& index_units = {}) {
  json list = json::array();
  for (const auto& [table, u] : units) {
    auto indexes = index_units.find(table);
    if (auto cc = ConsumedCapacityJson(
            report, table, u,
            indexes != index_units.end() ? indexes->second : std::vector<IndexUnits>())) {
      list.push_back(*cc);
    }
  }
  return list;
}

}  // namespace

DdbResult<json> HandleTransactWriteItems(Store& store, Context& ctx, const json& request) {
  const std::string token = StringMember(request, "ClientRequestToken");
  const std::string fingerprinted = token.empty() ? std::string() : request.dump();
  const int64_t now = ctx.NowMs();
  RequestTokens tokens(store.catalog->pager());
  RequestTokens::Match match = RequestTokens::Match::kUnknown;
  if (!token.empty()) {
    Result<RequestTokens::Match> m =
        tokens.Find(token, fingerprinted, now, kClientRequestTokenWindowMs);
    if (!m.ok()) return StorageError(m.status());
    match = *m;
    if (match == RequestTokens::Match::kDifferent) {
      return DdbError::IdempotentParameterMismatch(
          "The request uses the same client token as a previous, but non-identical request.");
    }
  }

  const json& items = request.at("TransactItems");
  std::vector<Action> actions(items.size());
  for (size_t i = 0; i < items.size(); ++i)
    PD_RETURN_IF_DDB_ERROR(ParseAction(items[i], &actions[i]));
  std::map<std::string, Table> tables;
  std::set<std::string> targets;  // table name + '\0' + encoded key of each action's item
  uint64_t total_size = 0;
  std::vector<CancellationReason> key_reasons(actions.size(), CancellationReason{"None", "", {}});
  bool key_problems = false;  // some action's key does not match its table's schema
  bool repeated = false;      // some item is the target of two actions
  for (Action& action : actions) {
    std::string key_problem;
    DdbResult<uint64_t> size = ResolveAction(store, &tables, &action, &key_problem);
    if (!size.ok()) return size.take_error();
    total_size += *size;
    if (!key_problem.empty()) {
      key_problems = true;
      CancellationReason& reason = key_reasons[&action - actions.data()];
      reason.code = "ValidationError";
      reason.message = std::move(key_problem);
      continue;
    }
    if (!targets.insert(action.table->name() + '\0' + action.key.encoded).second) repeated = true;
  }
  if (key_problems) return DdbError::TransactionCanceled(std::move(key_reasons));
  if (repeated) {
    return DdbError::Validation(msg::kTransactionRepeatsItem);
  }
  if (total_size > kMaxTransactionSizeBytes) {
    return DdbError::Validation(msg::kTransactionTooLarge);
  }

  const CapacityReport report = CapacityReportOf(request);
  std::map<std::string, double> units;                         // table name -> capacity units
  std::map<std::string, std::vector<IndexUnits>> index_units;  // table name -> its indexes'
  if (match == RequestTokens::Match::kSame) {
    for (const Action& action : actions) {
      Result<std::optional<Item>> item = action.table->Get(action.key);
      if (!item.ok()) return StorageError(item.status());
      std::optional<uint64_t> size;
      if (*item) size = ItemSize(**item);
      units[action.table->name()] += ReadUnits(size, /*consistent=*/true);
    }
    json response = json::object();
    if (report != CapacityReport::kNone) response["ConsumedCapacity"] = CapacityList(report, units);
    return response;
  }

  std::vector<CancellationReason> reasons;
  bool cancelled = false;
  for (Action& action : actions) {
    DdbResult<CancellationReason> reason = EvaluateAction(&action);
    if (!reason.ok()) return reason.take_error();
    cancelled = cancelled || reason->code != "None";
    reasons.push_back(std::move(reason).value());
  }
  if (cancelled) return DdbError::TransactionCanceled(std::move(reasons));
  std::vector<CollectionWrite> collections;  // ReturnItemCollectionMetrics
  for (const Action& action : actions) {
    DdbResult<double> u = ApplyAction(action);
    if (!u.ok()) return u.take_error();
    if (action.kind != Kind::kConditionCheck) collections.push_back({action.table, action.key.pk});
    units[action.table->name()] += *u;
    if (action.kind != Kind::kConditionCheck) {
      const Item* now = action.kind == Kind::kDelete ? nullptr : &action.next;
      AddIndexUnits(&index_units[action.table->name()],
                    IndexWriteUnits(action.table->description(),
                                    action.old ? &*action.old : nullptr, now, kTransactionFactor));
    }
  }
  if (!token.empty()) {
    Status s = tokens.Record(token, fingerprinted, now, kClientRequestTokenWindowMs);
    if (!s.ok()) return StorageError(s);
  }
  json response = json::object();
  if (report != CapacityReport::kNone) {
    response["ConsumedCapacity"] = CapacityList(report, units, index_units);
  }
  Result<std::optional<json>> metrics = ItemCollectionMetricsPerTable(request, collections);
  if (!metrics.ok()) return StorageError(metrics.status());
  if (*metrics) response["ItemCollectionMetrics"] = std::move(**metrics);
  return response;
}

}  // namespace api
}  // namespace pd
