// ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: PartiQL
// statements (partiql/partiql.h) lowered onto the existing operations
// (partiql/lower.h) and run through their specs and handlers, so every rule
// of GetItem / Query / Scan / PutItem / UpdateItem / DeleteItem /
// TransactGetItems / TransactWriteItems applies unchanged.
//
// ExecuteStatement: parse ("Statement wasn't well formed, ..."), parameter
// count ("Number of parameters in request and statement don't match."),
// table (ResourceNotFoundException), index, lowering; then the operation.
// A SELECT pages with Limit and NextToken: the token is base64 of
// {"h": hash of the statement, "k": LastEvaluatedKey} (a SELECT on several
// partition key values, `IN` / `OR`, runs one Query per value and adds
// "i", the value's position, leaving "k" out between values); a token of another
// statement is "NextToken does not match request", an undecodable one
// "Invalid NextToken". INSERT of an existing key is DuplicateItemException;
// UPDATE of a missing item ConditionalCheckFailedException; DELETE of a
// missing item succeeds. RETURNING gives the item in Items.
//
// BatchExecuteStatement (1-25 statements, all reads or all writes): each
// statement alone, a single-item read (GetItem) or write; one statement's
// error is its Responses entry {Error: {Code, Message}, TableName?} and
// changes nothing (each write statement runs as its own pager operation:
// this handler opens and closes them, the engine registers it as a read).
//
// ExecuteTransaction (1-100 statements): all SELECTs -> TransactGetItems,
// otherwise every statement a write or [NOT] EXISTS -> TransactWriteItems;
// both kinds in one request is a ValidationException. INSERT's failed
// condition is reported as DuplicateItem in CancellationReasons. A write
// transaction answers {"Responses": []}.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/ops/op_specs.h"
#include "api/response_text.h"
#include "partiql/lower.h"
#include "partiql/partiql.h"
#include "table/limits.h"
#include "util/base64.h"

// Not on a hot path: optimized for size in the wasm build (the package budget).
#if defined(__clang__)
#pragma clang attribute push(__attribute__((minsize)), apply_to = function)
#endif

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr char kDuplicate[] = "Duplicate primary key exists in table";
constexpr uint32_t kMaxStatementLength = 8192;
constexpr uint32_t kMaxBatchStatements = 25;
constexpr uint32_t kMaxNextTokenLength = 32768;

constexpr Param kStatementParam = String("Statement").NotNull().Length(1, kMaxStatementLength);
constexpr Param kParametersParam = List("Parameters", kAttributeValueValue).MinLength(1);

// A statement parsed, checked against its parameters and its table, lowered.
struct Prepared {
  partiql::Statement st;
  partiql::Lowered lowered;
};

std::string Hash(const std::string& text) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
  static const char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i, h >>= 4) out[static_cast<size_t>(i)] = kHex[h & 15];
  return out;
}

DdbResult<Prepared> Prepare(Store& store, const json& entry, partiql::Mode mode) {
  const std::string text = entry.at("Statement").get<std::string>();
  std::variant<partiql::Statement, std::string> parsed = partiql::Parse(text);
  if (parsed.index() == 1) return DdbError::Validation(std::get<1>(std::move(parsed)));
  Prepared p;
  p.st = std::get<0>(std::move(parsed));
  const json params = entry.contains("Parameters") ? entry.at("Parameters") : json::array();
  if (params.size() < static_cast<size_t>(p.st.param_count)) {
    return DdbError::Validation("Number of parameters in request and statement don't match.");
  }
  DdbResult<Table> table = OpenTableForItems(store, p.st.table);
  if (!table.ok()) return table.take_error();
  const TableDescription& d = table->description();
  partiql::KeyNames keys{d.hash_key.name, d.range_key ? d.range_key->name : ""};
  partiql::KeyNames index_keys;
  const partiql::KeyNames* index = nullptr;
  if (!p.st.index.empty()) {
    const SecondaryIndex* si = d.FindIndex(p.st.index);
    if (si == nullptr) {
      return DdbError::Validation(msg::kNoSuchIndex + p.st.index);
    }
    index_keys = {si->hash_name, si->range_name.value_or("")};
    index = &index_keys;
  }
  std::variant<partiql::Lowered, DdbError> lowered = partiql::Lower(p.st, params, keys, index, mode);
  if (lowered.index() == 1) return std::get<1>(std::move(lowered));
  p.lowered = std::get<0>(std::move(lowered));
  if (entry.contains("ReturnValuesOnConditionCheckFailure") && p.st.kind != partiql::Statement::kSelect) {
    p.lowered.request["ReturnValuesOnConditionCheckFailure"] =
        entry.at("ReturnValuesOnConditionCheckFailure");
  }
  return p;
}

// Runs one lowered single-table operation through its spec and handler.
DdbResult<json> RunOperation(Store& store, Context& ctx, const std::string& op,
                             const json& request) {
  const OperationSpec* spec = FindOperationSpec(op);
  StoreHandler handler = op == "Query"        ? &HandleQuery
                         : op == "Scan"       ? &HandleScan
                         : op == "GetItem"    ? &HandleGetItem
                         : op == "PutItem"    ? &HandlePutItem
                         : op == "UpdateItem" ? &HandleUpdateItem
                                              : &HandleDeleteItem;
  DdbResult<json> checked = ValidateRequest(*spec, request);
  if (!checked.ok()) return checked.take_error();
  DdbResult<json> out = handler(store, ctx, *checked);
  // Item handlers write their response as text (api/response_text.h): as an object here.
  if (out.ok() && IsResponseText(*out)) return ResponseDom(std::move(out).value());
  return out;
}

// Runs a prepared single statement; INSERT's failed condition becomes
// DuplicateItemException. Returns the operation's response.
DdbResult<json> RunPrepared(Store& store, Context& ctx, const Prepared& p) {
  DdbResult<json> r = RunOperation(store, ctx, p.lowered.op, p.lowered.request);
  if (!r.ok() && p.st.kind == partiql::Statement::kInsert &&
      r.error().Is("ConditionalCheckFailedException")) {
    return DdbError::DuplicateItem(kDuplicate);
  }
  return r;
}

// Items of a write statement's response: the RETURNING item, if any.
json WriteItems(const json& response) {
  json items = json::array();
  if (response.contains("Attributes")) items.push_back(response.at("Attributes"));
  return items;
}

std::string BatchErrorCode(const DdbError& e) {
  if (e.Is("ValidationException")) return "ValidationError";
  if (e.Is("InternalServerError")) return "InternalServerError";
  const std::string suffix = "Exception";
  if (e.type.size() > suffix.size() &&
      e.type.compare(e.type.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return e.type.substr(0, e.type.size() - suffix.size());
  }
  return e.type;
}

// Adds one operation's ConsumedCapacity to the per-table list.
void MergeCapacity(json* list, const json& cc) {
  for (json& have : *list) {
    if (have.value("TableName", "") != cc.value("TableName", "")) continue;
    for (auto it = cc.begin(); it != cc.end(); ++it) {
      if (it.value().is_number()) {
        have[it.key()] = have.value(it.key(), 0.0) + it.value().get<double>();
      } else if (it.value().is_object() && it.key() == "Table") {
        for (auto jt = it.value().begin(); jt != it.value().end(); ++jt) {
          if (jt.value().is_number()) {
            have["Table"][jt.key()] = have["Table"].value(jt.key(), 0.0) + jt.value().get<double>();
          }
        }
      }
    }
    return;
  }
  list->push_back(cc);
}

bool IsRead(const partiql::Statement& st) { return st.kind == partiql::Statement::kSelect; }

// A SELECT on several partition key values (Lowered::hash_values): one Query
// per value from value `first` (ExclusiveStartKey `start` for it, if any),
// their Items in order, Limit shared (items evaluated), ConsumedCapacity
// added up. Stops where a Query stops early (Limit, 1 MB): the NextToken
// then holds the value's position "i" and that Query's LastEvaluatedKey.
DdbResult<json> RunPerKey(Store& store, Context& ctx, Prepared& p, const json& request,
                          const std::string& hash, size_t first, json start) {
  json& r = p.lowered.request;
  const std::vector<json>& values = p.lowered.hash_values;
  int64_t left = request.contains("Limit") ? request.at("Limit").get<int64_t>() : -1;
  json response = {{"Items", json::array()}};
  json capacity = json::array();
  for (size_t i = first; i < values.size(); ++i) {
    r["ExpressionAttributeValues"][partiql::kHashValueRef] = values[i];
    r.erase("ExclusiveStartKey");
    if (start.is_object()) r["ExclusiveStartKey"] = std::move(start);
    start = nullptr;
    if (left >= 0) r["Limit"] = left;
    DdbResult<json> out = RunOperation(store, ctx, "Query", r);
    if (!out.ok()) return out.take_error();
    for (json& item : out->at("Items")) response["Items"].push_back(std::move(item));
    if (out->contains("ConsumedCapacity")) MergeCapacity(&capacity, out->at("ConsumedCapacity"));
    if (left >= 0) left -= out->value("ScannedCount", int64_t{0});
    json token = {{"h", hash}, {"i", i}};
    if (out->contains("LastEvaluatedKey")) {
      token["k"] = out->at("LastEvaluatedKey");
      response["LastEvaluatedKey"] = out->at("LastEvaluatedKey");
    } else if (left == 0 && i + 1 < values.size()) {
      token["i"] = i + 1;
    } else {
      continue;
    }
    response["NextToken"] = Base64Encode(token.dump());
    break;
  }
  if (!capacity.empty()) response["ConsumedCapacity"] = capacity[0];
  return response;
}

}  // namespace

constexpr Param kBatchStatementRequestMembers[] = {kStatementParam, kParametersParam,
                                                   kConsistentReadParam,
                                                   kReturnValuesOnConditionCheckFailureParam};
constexpr Param kBatchStatementRequest =
    Struct("", "BatchStatementRequest", kBatchStatementRequestMembers);
constexpr Param kParameterizedStatementMembers[] = {kStatementParam, kParametersParam,
                                                    kReturnValuesOnConditionCheckFailureParam};
constexpr Param kParameterizedStatement =
    Struct("", "ParameterizedStatement", kParameterizedStatementMembers);

constexpr Param kExecuteStatementInput[] = {kStatementParam,
                                            kParametersParam,
                                            kConsistentReadParam,
                                            String("NextToken").Length(1, kMaxNextTokenLength),
                                            kReturnConsumedCapacityParam,
                                            Integer("Limit").Min(1),
                                            kReturnValuesOnConditionCheckFailureParam};
constexpr OperationSpec kExecuteStatementSpec{
    "ExecuteStatement", Struct("", "ExecuteStatementInput", kExecuteStatementInput), nullptr};
const OperationSpec& ExecuteStatementSpec() { return kExecuteStatementSpec; }

constexpr Param kBatchExecuteStatementInput[] = {
    List("Statements", kBatchStatementRequest).NotNull().Length(1, kMaxBatchStatements),
    kReturnConsumedCapacityParam};
constexpr OperationSpec kBatchExecuteStatementSpec{
    "BatchExecuteStatement", Struct("", "BatchExecuteStatementInput", kBatchExecuteStatementInput),
    nullptr};
const OperationSpec& BatchExecuteStatementSpec() { return kBatchExecuteStatementSpec; }

constexpr Param kExecuteTransactionInput[] = {
    List("TransactStatements", kParameterizedStatement).NotNull().Length(1, kMaxTransactionItems),
    String("ClientRequestToken").Length(1, kMaxClientRequestTokenLength),
    kReturnConsumedCapacityParam};
constexpr OperationSpec kExecuteTransactionSpec{
    "ExecuteTransaction", Struct("", "ExecuteTransactionInput", kExecuteTransactionInput), nullptr};
const OperationSpec& ExecuteTransactionSpec() { return kExecuteTransactionSpec; }

DdbResult<json> HandleExecuteStatement(Store& store, Context& ctx, const json& request) {
  DdbResult<Prepared> p = Prepare(store, request, partiql::Mode::kSingle);
  if (!p.ok()) return p.take_error();
  json& r = p->lowered.request;
  if (request.contains("ReturnConsumedCapacity")) {
    r["ReturnConsumedCapacity"] = request.at("ReturnConsumedCapacity");
  }
  const std::string hash = Hash(request.at("Statement").get<std::string>());
  const bool read = IsRead(p->st);
  const size_t keys = p->lowered.hash_values.size();
  size_t first = 0;
  json start;
  if (read) {
    if (request.contains("ConsistentRead")) r["ConsistentRead"] = request.at("ConsistentRead");
    if (request.contains("Limit")) r["Limit"] = request.at("Limit");
    if (request.contains("NextToken")) {
      Result<std::string> raw = Base64Decode(request.at("NextToken").get<std::string>());
      std::string_view text = raw.ok() ? std::string_view(*raw) : std::string_view();
      // The dispatcher's parser (api/response_text.h ParseJson).
      json token = ParseJson(text, /*allow_exceptions=*/false);
      // {"h", "k"}, or {"h", "i", "k"?} for one Query per key value.
      const bool per_key = keys > 0 && token.is_object() && token.contains("i") &&
                           token.at("i").is_number_unsigned() && token.at("i").get<size_t>() < keys;
      if (!token.is_object() || !token.contains("h") || !token.at("h").is_string() ||
          (keys > 0 && !per_key) ||
          (!per_key && (!token.contains("k") || !token.at("k").is_object())) ||
          (per_key && token.contains("k") && !token.at("k").is_object())) {
        return DdbError::Validation(msg::kInvalidNextToken);
      }
      if (token.at("h").get<std::string>() != hash) {
        return DdbError::Validation("NextToken does not match request");
      }
      if (per_key) first = token.at("i").get<size_t>();
      start = token.value("k", json());
      if (!per_key) r["ExclusiveStartKey"] = start;
    }
    if (keys > 0) return RunPerKey(store, ctx, *p, request, hash, first, std::move(start));
  }
  DdbResult<json> out = RunPrepared(store, ctx, *p);
  if (!out.ok()) return out.take_error();
  json response = json::object();
  if (read) {
    response["Items"] = out->contains("Items") ? out->at("Items") : json::array();
    if (out->contains("LastEvaluatedKey")) {
      json token = {{"h", hash}, {"k", out->at("LastEvaluatedKey")}};
      response["NextToken"] = Base64Encode(token.dump());
      response["LastEvaluatedKey"] = out->at("LastEvaluatedKey");
    }
  } else {
    response["Items"] = WriteItems(*out);
  }
  if (out->contains("ConsumedCapacity")) response["ConsumedCapacity"] = out->at("ConsumedCapacity");
  return response;
}

DdbResult<json> HandleBatchExecuteStatement(Store& store, Context& ctx, const json& request) {
  const json& statements = request.at("Statements");
  std::vector<DdbResult<Prepared>> prepared;
  bool reads = false, writes = false;
  for (const json& s : statements) {
    prepared.push_back(Prepare(store, s, partiql::Mode::kBatch));
    if (prepared.back().ok()) (IsRead(prepared.back()->st) ? reads : writes) = true;
  }
  if (reads && writes) {
    return DdbError::Validation(std::string(msg::kUnsupportedOperation) +
                                ": A batch must contain either all read statements or all write "
                                "statements");
  }
  Pager* pager = store.catalog->pager();
  json responses = json::array();
  json capacity = json::array();
  for (size_t i = 0; i < prepared.size(); ++i) {
    json entry = json::object();
    DdbResult<Prepared>& p = prepared[i];
    std::optional<DdbError> error;
    if (!p.ok()) {
      error = p.error();
      if (!p.error().Is("ValidationException")) {
        std::variant<partiql::Statement, std::string> st =
            partiql::Parse(statements[i].at("Statement").get<std::string>());
        if (st.index() == 0) entry["TableName"] = std::get<0>(st).table;
      }
    } else {
      entry["TableName"] = p->st.table;
      json& r = p->lowered.request;
      if (request.contains("ReturnConsumedCapacity")) {
        r["ReturnConsumedCapacity"] = request.at("ReturnConsumedCapacity");
      }
      if (statements[i].contains("ConsistentRead") && IsRead(p->st)) {
        r["ConsistentRead"] = statements[i].at("ConsistentRead");
      }
      // Each write statement is its own pager operation: its failure undoes
      // only its own changes.
      const bool write = !IsRead(p->st);
      if (write) {
        pager->BeginOperation();
        store.change_log->BeginOperation();
      }
      DdbResult<json> out = DdbError::InternalServerError("not run");
      try {
        out = RunPrepared(store, ctx, *p);
      } catch (...) {
        if (write) {
          pager->RollbackOperation();
          store.change_log->RollbackOperation();
        }
        throw;
      }
      if (write) {
        if (out.ok()) {
          pager->EndOperation();
        } else {
          pager->RollbackOperation();
          store.change_log->RollbackOperation();
        }
      }
      if (!out.ok()) {
        error = out.error();
      } else {
        if (out->contains("Item")) entry["Item"] = out->at("Item");
        if (out->contains("ConsumedCapacity")) MergeCapacity(&capacity, out->at("ConsumedCapacity"));
      }
    }
    if (error) {
      json e = {{"Code", BatchErrorCode(*error)}, {"Message", error->message}};
      if (error->item) e["Item"] = *error->item;
      entry["Error"] = std::move(e);
    }
    responses.push_back(std::move(entry));
  }
  json response = {{"Responses", std::move(responses)}};
  if (!capacity.empty()) response["ConsumedCapacity"] = std::move(capacity);
  return response;
}

DdbResult<json> HandleExecuteTransaction(Store& store, Context& ctx, const json& request) {
  std::vector<Prepared> prepared;
  bool reads = false, writes = false;
  for (const json& s : request.at("TransactStatements")) {
    DdbResult<Prepared> p = Prepare(store, s, partiql::Mode::kTransaction);
    if (!p.ok()) return p.take_error();
    (IsRead(p->st) ? reads : writes) = true;
    if (!p->st.returning.empty()) {
      return DdbError::Validation("RETURNING is not supported in ExecuteTransaction");
    }
    prepared.push_back(std::move(p).value());
  }
  if (reads && writes) {
    return DdbError::Validation(
        "ExecuteTransaction API does not support both read and write operations in the same "
        "request.");
  }
  json tx = json::object();
  json items = json::array();
  for (Prepared& p : prepared) {
    json& r = p.lowered.request;
    const std::string& op = p.lowered.op;
    const char* action = op == "GetItem"      ? "Get"
                         : op == "PutItem"    ? "Put"
                         : op == "UpdateItem" ? "Update"
                         : op == "DeleteItem" ? "Delete"
                                              : "ConditionCheck";
    items.push_back(json{{action, std::move(r)}});
  }
  tx["TransactItems"] = std::move(items);
  if (request.contains("ReturnConsumedCapacity")) {
    tx["ReturnConsumedCapacity"] = request.at("ReturnConsumedCapacity");
  }
  if (reads) {
    DdbResult<json> checked = ValidateRequest(TransactGetItemsSpec(), tx);
    if (!checked.ok()) return checked.take_error();
    DdbResult<json> out = HandleTransactGetItems(store, ctx, *checked);
    if (out.ok() && IsResponseText(*out))
      out = ResponseDom(std::move(out).value());  // text -> object
    if (!out.ok()) return out.take_error();
    json response = {{"Responses", out->contains("Responses") ? out->at("Responses") : json::array()}};
    if (out->contains("ConsumedCapacity")) response["ConsumedCapacity"] = out->at("ConsumedCapacity");
    return response;
  }
  if (request.contains("ClientRequestToken")) tx["ClientRequestToken"] = request.at("ClientRequestToken");
  DdbResult<json> checked = ValidateRequest(TransactWriteItemsSpec(), tx);
  if (!checked.ok()) return checked.take_error();
  DdbResult<json> out = HandleTransactWriteItems(store, ctx, *checked);
  if (!out.ok()) {
    DdbError e = out.take_error();
    if (!e.cancellation_reasons) return e;
    std::vector<CancellationReason> reasons = *e.cancellation_reasons;
    for (size_t i = 0; i < reasons.size() && i < prepared.size(); ++i) {
      if (prepared[i].st.kind == partiql::Statement::kInsert &&
          reasons[i].code == "ConditionalCheckFailed") {
        reasons[i].code = "DuplicateItem";
        reasons[i].message = kDuplicate;
        reasons[i].item.reset();
      }
    }
    return DdbError::TransactionCanceled(std::move(reasons));
  }
  // Writes answer an empty Responses list, not one entry per statement (as
  // DynamoDB does: paritysuite/dynamodb-conformance, writeResponses.test.ts).
  json response = {{"Responses", json::array()}};
  if (out->contains("ConsumedCapacity")) response["ConsumedCapacity"] = out->at("ConsumedCapacity");
  return response;
}

}  // namespace api
}  // namespace pd

#if defined(__clang__)
#pragma clang attribute pop
#endif
