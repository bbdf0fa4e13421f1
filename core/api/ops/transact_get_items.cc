// TransactGetItems: up to 100 Get actions on distinct items, read as one
// consistent snapshot.
//
// Order of checks (after the spec: 1-100 actions, each a Get with Key and
// TableName):
//   1. every action's ProjectionExpression and ExpressionAttributeNames, in
//      action order (the GetItem messages);
//   2. every action in order: its table (ResourceNotFoundException "Requested
//      resource not found") and its Key's values (empty, too long:
//      table/table.h); then a Key with a missing, extra or mistyped attribute
//      in any action cancels the transaction as DynamoDB does:
//      TransactionCanceledException with the reason ValidationError "The
//      provided key element does not match the schema" at that action and
//      None elsewhere; then an item named by two actions: "Transaction
//      request cannot include multiple operations on one item";
//   3. after reading: the items read may not exceed 4 MB together
//      (table/limits.h kMaxTransactionSizeBytes, whole items): "Transaction
//      request size exceeds the maximum allowed size of 4 MB"
//      (pocketdynamo's wording, as in TransactWriteItems).
//
// Execution: the engine is single-threaded and a request runs to completion
// before the next, so the reads see one state of the database, which is
// what the transaction promises ("all or nothing": any error returns no
// items at all).
//
// Response: {"Responses": [...]} with one entry per action, in action order:
// {"Item": <item, projected>} when the item exists, {} when it does not.
// ConsumedCapacity: one entry per table in name order, 2 read units per
// started 4 KB of each whole item (a missing item 2), as transactional reads
// cost twice a strongly consistent read.
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "api/capacity.h"
#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/response_text.h"
#include "expr/projection.h"
#include "table/limits.h"
#include "value/json_codec.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr double kTransactionFactor = 2;  // transactional reads cost twice a consistent read

// One Get action.
struct Get {
  const json* body = nullptr;                            // the Get object in the request
  std::unique_ptr<RequestExpressions> exprs;             // owns the projection's placeholders
  std::optional<expr::ProjectionExpression> projection;  // ProjectionExpression, if any
  Table* table = nullptr;                                // into the handler's table map
  PrimaryKey key;                                        // the item's key
};

}  // namespace

DdbResult<json> HandleTransactGetItems(Store& store, Context& ctx, const json& request) {
  const json& items = request.at("TransactItems");
  std::vector<Get> gets(items.size());
  for (size_t i = 0; i < items.size(); ++i) {
    Get& get = gets[i];
    get.body = &items[i].at("Get");
    get.exprs = std::make_unique<RequestExpressions>();
    PD_RETURN_IF_DDB_ERROR(get.exprs->Load(*get.body));
    PD_RETURN_IF_DDB_ERROR(get.exprs->ParseProjection(*get.body, &get.projection));
    PD_RETURN_IF_DDB_ERROR(get.exprs->CheckAllUsed());
  }
  std::map<std::string, Table> tables;
  std::set<std::string> targets;  // table name + '\0' + encoded key of each action's item
  std::vector<CancellationReason> key_reasons(gets.size(), CancellationReason{"None", "", {}});
  bool key_problems = false;  // some action's key does not match its table's schema
  bool repeated = false;      // some item is named by two actions
  for (Get& get : gets) {
    const std::string name = get.body->at("TableName").get<std::string>();
    auto found = tables.find(name);
    if (found == tables.end()) {
      DdbResult<Table> table = OpenTableForItems(store, name);
      if (!table.ok()) return table.take_error();
      found = tables.emplace(name, std::move(table).value()).first;
    }
    get.table = &found->second;
    DdbResult<AttributeMap> key_map = DecodeKeyMember(*get.body);
    if (!key_map.ok()) return key_map.take_error();
    KeyFault fault = KeyFault::kValue;  // set on an error
    Result<PrimaryKey> key = get.table->KeyFromKeyMap(*key_map, &fault);
    if (!key.ok() && IsTransactionKeyError(fault)) {
      key_problems = true;
      CancellationReason& reason = key_reasons[&get - gets.data()];
      reason.code = "ValidationError";
      reason.message = key.status().message();
      continue;
    }
    if (!key.ok()) return StorageError(key.status());
    get.key = std::move(key).value();
    if (!targets.insert(name + '\0' + get.key.encoded).second) repeated = true;
  }
  if (key_problems) return DdbError::TransactionCanceled(std::move(key_reasons));
  if (repeated) {
    return DdbError::Validation(msg::kTransactionRepeatsItem);
  }

  std::string responses = "[";          // written as text (api/response_text.h)
  std::map<std::string, double> units;  // table name -> capacity units
  uint64_t total_size = 0;
  for (const Get& get : gets) {
    Result<std::optional<Item>> item = get.table->Get(get.key);
    if (!item.ok()) return StorageError(item.status());
    if (responses.size() > 1) responses.push_back(',');
    std::optional<uint64_t> size;
    if (*item) {
      size = ItemSize(**item);
      total_size += *size;
      responses.append("{\"Item\":");
      AppendItemJson(get.projection ? expr::Project(**item, get.projection->paths) : **item,
                     &responses);
      responses.push_back('}');
    } else {
      responses.append("{}");
    }
    units[get.table->name()] += kTransactionFactor * ReadUnits(size, /*consistent=*/true);
  }
  if (total_size > kMaxTransactionSizeBytes) {
    return DdbError::Validation(msg::kTransactionTooLarge);
  }
  responses.push_back(']');
  ObjectText response;
  response.Add("Responses", std::move(responses));
  const CapacityReport report = CapacityReportOf(request);
  if (report != CapacityReport::kNone) {
    json list = json::array();
    for (const auto& [table, u] : units) {
      if (auto cc = ConsumedCapacityJson(report, table, u)) list.push_back(*cc);
    }
    response.Add("ConsumedCapacity", list.dump());
  }
  return ResponseText(response.Finish());
}

}  // namespace api
}  // namespace pd
