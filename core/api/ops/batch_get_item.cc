// BatchGetItem: up to 100 items by key, from one or more tables.
//
// Order of checks (after the spec, which checked 1-100 keys in total — "Too
// many items requested for the BatchGetItem call" —, duplicate keys within a
// table — "Provided list of item keys contains duplicates" — and the
// expression parameters), as dynalite's validations/batchGetItem.js and
// actions/batchGetItem.js report them:
//   1. every table's ProjectionExpression and ExpressionAttributeNames, in
//      table-name order (syntax, names defined and used);
//   2. per table in name order: the table (ResourceNotFoundException
//      "Requested resource not found"), then each key against its key schema
//      ("The provided key element does not match the schema", ...).
// Nothing is read before every table and key passed.
//
// Execution: each key is read as by GetItem (whole item, projected per the
// table's ProjectionExpression, strongly consistent whatever ConsistentRead
// says; ConsistentRead only changes the charge). Tables are visited in name
// order and keys in request order. The response is limited to 16 MB
// (table/limits.h kMaxBatchGetResponseBytes), counted as the ItemSize of the
// returned (projected) items: the first item that would cross the limit and
// every key after it (in every later table too) are returned unread under
// UnprocessedKeys, each table's entry carrying its Keys and the request's
// ProjectionExpression, ExpressionAttributeNames and ConsistentRead, so the
// entry can be sent again as it is. Nothing else throttles here, so that is
// the only reason for UnprocessedKeys.
//
// Response: {"Responses": {table: [items...]}, "UnprocessedKeys": {...}}
// with every requested table in Responses (an empty list when none of its
// items exist), plus ConsumedCapacity: one entry per table, read units per
// item as GetItem charges them (each item rounded up to 4 KB on its own, a
// missing item 1; halved unless ConsistentRead), for the tables of which at
// least one key was processed.
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/capacity.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/paging.h"
#include "api/response_text.h"
#include "expr/projection.h"
#include "table/limits.h"
#include "value/json_codec.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

// One RequestItems entry.
struct TableGets {
  std::string name;                                      // table name
  const json* entry = nullptr;                           // its KeysAndAttributes (in the request)
  std::unique_ptr<RequestExpressions> exprs;             // owns the projection's placeholders
  std::optional<expr::ProjectionExpression> projection;  // ProjectionExpression, if any
  bool consistent = false;                               // ConsistentRead
  std::optional<Table> table;                            // opened in step 2
  std::vector<PrimaryKey> keys;                          // Keys, in request order
};

// The UnprocessedKeys entry of `gets` holding its keys from `first` on.
json UnprocessedEntry(const TableGets& gets, size_t first) {
  json out = json::object();
  json keys = json::array();
  const json& request_keys = gets.entry->at("Keys");
  for (size_t i = first; i < request_keys.size(); ++i) keys.push_back(request_keys[i]);
  out["Keys"] = std::move(keys);
  for (const char* member :
       {"ProjectionExpression", "ExpressionAttributeNames", "ConsistentRead"}) {
    auto it = gets.entry->find(member);
    if (it != gets.entry->end() && !it->is_null()) out[member] = *it;
  }
  return out;
}

}  // namespace

DdbResult<json> HandleBatchGetItem(Store& store, Context& ctx, const json& request) {
  const json& items = request.at("RequestItems");
  std::vector<TableGets> tables;
  for (auto it = items.begin(); it != items.end(); ++it) {  // name order (json objects are sorted)
    TableGets gets;
    gets.name = it.key();
    gets.entry = &it.value();
    gets.exprs = std::make_unique<RequestExpressions>();
    PD_RETURN_IF_DDB_ERROR(gets.exprs->Load(*gets.entry));
    PD_RETURN_IF_DDB_ERROR(gets.exprs->ParseProjection(*gets.entry, &gets.projection));
    PD_RETURN_IF_DDB_ERROR(gets.exprs->CheckAllUsed());
    gets.consistent = BoolMember(*gets.entry, "ConsistentRead", false);
    tables.push_back(std::move(gets));
  }
  for (TableGets& gets : tables) {
    DdbResult<Table> table = OpenTableForItems(store, gets.name);
    if (!table.ok()) return table.take_error();
    gets.table.emplace(std::move(table).value());
    for (const json& key_json : gets.entry->at("Keys")) {
      AttributeMap key_map;
      if (auto err = ItemFromJson(key_json, &key_map)) return DdbError::Validation(err->message);
      Result<PrimaryKey> key = gets.table->KeyFromKeyMap(key_map);
      if (!key.ok()) return StorageError(key.status());
      gets.keys.push_back(std::move(key).value());
    }
  }

  std::string responses = "{";  // written as text (api/response_text.h), tables in name order
  json unprocessed = json::object();
  json capacity = json::array();
  const CapacityReport report = CapacityReportOf(request);
  uint64_t response_bytes = 0;
  bool full = false;  // the 16 MB limit was reached: the rest is unprocessed
  for (TableGets& gets : tables) {
    if (responses.size() > 1) responses.push_back(',');
    AppendJsonString(gets.name, &responses);
    responses.append(":[");
    bool first = true;
    double units = 0;
    size_t processed = 0;
    for (size_t i = 0; i < gets.keys.size(); ++i) {
      if (full) {
        unprocessed[gets.name] = UnprocessedEntry(gets, i);
        break;
      }
      Result<std::optional<Item>> item = gets.table->Get(gets.keys[i]);
      if (!item.ok()) return StorageError(item.status());
      std::optional<uint64_t> size;
      if (*item) {
        Item returned = gets.projection ? expr::Project(**item, gets.projection->paths) : **item;
        const uint64_t returned_size = ItemSize(returned);
        if (response_bytes + returned_size > kMaxBatchGetResponseBytes) {
          full = true;
          unprocessed[gets.name] = UnprocessedEntry(gets, i);
          break;
        }
        response_bytes += returned_size;
        size = ItemSize(**item);
        if (!first) responses.push_back(',');
        first = false;
        AppendItemJson(returned, &responses);
      }
      units += ReadUnits(size, gets.consistent);
      ++processed;
    }
    responses.push_back(']');
    if (processed == 0) continue;  // nothing read, nothing charged
    if (auto cc = ConsumedCapacityJson(report, gets.name, units)) capacity.push_back(*cc);
  }
  responses.push_back('}');
  ObjectText response;
  response.Add("Responses", std::move(responses));
  response.Add("UnprocessedKeys", unprocessed.dump());
  if (report != CapacityReport::kNone) response.Add("ConsumedCapacity", capacity.dump());
  return ResponseText(response.Finish());
}

}  // namespace api
}  // namespace pd
