// Query: the items of one partition, in sort-key order (or reversed), whose
// sort key satisfies the key condition; filtered, projected and paged.
//
// Order of checks (after the spec, which required KeyConditionExpression and
// checked Select against ProjectionExpression / IndexName), as DynamoDB and
// dynalite's actions/query.js report them:
//   1. expressions: KeyConditionExpression, FilterExpression,
//      ProjectionExpression (syntax, semantics, placeholders defined), then
//      the placeholders every one of them left unused, then the key
//      condition's shape (expr/check.h ExtractKeyCondition: one condition per
//      key, no OR/NOT/IN/<>, no nested paths, operand types);
//   2. the table (ResourceNotFoundException); IndexName (api/index_read.h):
//      "The table does not have the specified index: <name>", then
//      ConsistentRead on a GSI;
//   3. ExclusiveStartKey with the wrong number of attributes (an index's
//      start key holds the table's and the index's key attributes): "The
//      provided starting key is invalid";
//   4. per key attribute of the table or of the index queried, partition key
//      first: the start key's value
//      (missing: "The provided starting key is invalid"; another type: "The
//      provided key element does not match the schema"), then the key
//      condition on it: "Query key condition not supported" (a second
//      condition on a table without sort key, or a partition key condition
//      other than =), "Query condition missed key schema element: <k>",
//      "One or more parameter values were invalid: Condition parameter type
//      does not match schema type";
//   5. the start key's sizes and empty values (table/table.h messages; for an
//      index, the table key part, prefixed "The provided starting key is
//      invalid: "), then its position: without a sort key condition its partition must be the
//      queried one ("The provided starting key is outside query boundaries
//      based on provided conditions"); with one, its sort key must satisfy
//      it ("The provided starting key does not match the range key
//      predicate") and then its partition must match ("The query can return
//      at most one row and cannot be restarted");
//   6. ProjectionExpression paths into key attributes ("Key attributes must
//      be scalars; ..."), then FilterExpression on the queried key attributes
//      (the index's for an index): "Filter Expression can only contain
//      non-primary key attributes: Primary key attribute: <k>" (partition key
//      first); then, for an index, the Select / projection rules of
//      api/index_read.h.
//
// Execution: the key condition becomes a KeyRange over the table tree or the
// index tree (whose keys start like table keys: table/index_maintenance.h) (keys/key_codec.h
// PartitionRange / SortKeyRange), iterated forwards or, with
// ScanIndexForward false, backwards from after the ExclusiveStartKey; the
// page rules (Limit before the filter, 1 MB, LastEvaluatedKey, Count,
// ScannedCount, ConsumedCapacity) are api/paging.h's. ConsistentRead only
// changes the charge: there is one copy of the data.
#include <optional>
#include <string>
#include <utility>

#include "api/capacity.h"
#include "api/index_read.h"
#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/paging.h"
#include "keys/key_codec.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

// Where the key condition puts the query.
struct QueryKeys {
  const expr::KeyCondition::Part* hash = nullptr;   // partition key = value
  const expr::KeyCondition::Part* range = nullptr;  // sort key condition, if any
  std::optional<std::string> start;                 // ExclusiveStartKey's tree key, validated
};

const expr::KeyCondition::Part* FindPart(const expr::KeyCondition& kc, const std::string& name) {
  for (const expr::KeyCondition::Part& p : kc.parts) {
    if (p.attribute == name) return &p;
  }
  return nullptr;
}

bool ValuesOfType(const expr::KeyCondition::Part& part, AttributeType type) {
  for (const AttributeValue* v : {part.value, part.upper}) {
    if (v != nullptr && v->type() != type) return false;
  }
  return true;
}

SortKeyOp ToSortKeyOp(expr::KeyCondition::Op op) {
  switch (op) {
    case expr::KeyCondition::Op::kEq:
      return SortKeyOp::kEq;
    case expr::KeyCondition::Op::kLt:
      return SortKeyOp::kLt;
    case expr::KeyCondition::Op::kLe:
      return SortKeyOp::kLe;
    case expr::KeyCondition::Op::kGt:
      return SortKeyOp::kGt;
    case expr::KeyCondition::Op::kGe:
      return SortKeyOp::kGe;
    case expr::KeyCondition::Op::kBetween:
      return SortKeyOp::kBetween;
    case expr::KeyCondition::Op::kBeginsWith:
      return SortKeyOp::kBeginsWith;
    case expr::KeyCondition::Op::kNotIndexable:
      break;  // rejected by MatchKeys
  }
  return SortKeyOp::kEq;
}

// The keys of partition `pk` the sort key condition (if any) selects.
KeyRange RangeFor(const AttributeValue& pk, const expr::KeyCondition::Part* range) {
  if (range == nullptr) return PartitionRange(pk);
  return SortKeyRange(pk, ToSortKeyOp(range->op), *range->value, range->upper);
}

bool SamePartition(const AttributeValue& a, const AttributeValue& b) {
  std::string ea;
  std::string eb;
  EncodeKeyValue(a, &ea);
  EncodeKeyValue(b, &eb);
  return ea == eb;
}

// Steps 3-5 of the order above, for the table (index == nullptr) or an index.
std::optional<DdbError> MatchKeys(const Table& table, const SecondaryIndex* index,
                                  const expr::KeyCondition& kc,
                                  const std::optional<AttributeMap>& start, QueryKeys* out) {
  const KeyAttribute hash_key = index ? IndexHashKey(*index) : table.hash_key();
  const std::optional<KeyAttribute> range_key = index ? IndexRangeKey(*index) : table.range_key();
  size_t key_count = table.has_sort_key() ? 2 : 1;
  if (index != nullptr) {
    for (const std::optional<KeyAttribute>& k :
         {std::optional<KeyAttribute>(hash_key), range_key}) {
      if (k && !table.IsKeyAttribute(k->name)) ++key_count;
    }
  }
  if (start && start->size() != key_count) return DdbError::Validation(msg::kStartKeyInvalid);
  const KeyAttribute* keys[2] = {&hash_key, range_key ? &*range_key : nullptr};
  for (int i = 0; i < 2 && keys[i] != nullptr; ++i) {
    const KeyAttribute& key = *keys[i];
    const bool is_hash = i == 0;
    if (start) {
      const AttributeValue* v = start->Find(key.name);
      if (v == nullptr) return DdbError::Validation(msg::kStartKeyInvalid);
      if (v->type() != key.type) {
        return DdbError::Validation(msg::kKeySchemaMismatch);
      }
    }
    if (is_hash && !range_key && kc.parts.size() > 1) {
      return DdbError::Validation(msg::kKeyConditionNotSupported);
    }
    const expr::KeyCondition::Part* part = FindPart(kc, key.name);
    if (part == nullptr) {
      if (is_hash || kc.parts.size() > 1) {
        return DdbError::Validation(msg::kKeyConditionMissedKey + key.name);
      }
      continue;
    }
    if (part->op == expr::KeyCondition::Op::kNotIndexable) {  // legacy KeyConditions only
      return DdbError::Validation("Attempted conditional constraint is not an indexable operation");
    }
    if (!ValuesOfType(*part, key.type)) {
      return DdbError::Validation(msg::kConditionTypeMismatch);
    }
    if (is_hash && part->op != expr::KeyCondition::Op::kEq) {
      return DdbError::Validation(msg::kKeyConditionNotSupported);
    }
    (is_hash ? out->hash : out->range) = part;
  }
  if (!start) return std::nullopt;
  AttributeMap table_start;
  for (const KeyAttribute* k :
       {&table.hash_key(), table.range_key() ? &*table.range_key() : nullptr}) {
    if (k == nullptr) continue;
    const AttributeValue* v = start->Find(k->name);
    if (v == nullptr) return DdbError::Validation(msg::kStartKeyInvalid);
    table_start.Set(k->name, *v);
  }
  Result<PrimaryKey> key = table.KeyFromKeyMap(table_start);
  if (!key.ok()) {
    DdbError e = StorageError(key.status());
    if (index != nullptr && e.Is("ValidationException")) {
      e.message = std::string(msg::kStartKeyInvalid) + ": " + e.message;
    }
    return e;
  }
  const AttributeValue& start_pk = index ? *start->Find(hash_key.name) : key->pk;
  const std::string encoded = index ? IndexStartKey(table, *index, *start) : key->encoded;
  const bool same_partition = SamePartition(start_pk, *out->hash->value);
  if (out->range == nullptr) {
    if (!same_partition) {
      return DdbError::Validation(
          "The provided starting key is outside query boundaries based on provided conditions");
    }
  } else {
    // The start key's own partition with the sort key condition: does its
    // sort key satisfy the condition?
    if (!KeyRangeContains(RangeFor(start_pk, out->range), encoded)) {
      return DdbError::Validation(
          "The provided starting key does not match the range key predicate");
    }
    if (!same_partition) {
      return DdbError::Validation("The query can return at most one row and cannot be restarted");
    }
  }
  out->start = encoded;
  return std::nullopt;
}

// Step 6 of the order above.
std::optional<DdbError> CheckPaths(const Table& table, const SecondaryIndex* index,
                                   const std::optional<expr::ProjectionExpression>& projection,
                                   const std::optional<expr::Condition>& filter,
                                   const char* filter_name) {
  if (projection) PD_RETURN_IF_DDB_ERROR(CheckNestedKeyPaths(table, projection->paths));
  if (!filter) return std::nullopt;
  const std::vector<expr::Path> paths = ConditionPaths(*filter);
  const std::string* keys[2] = {index ? &index->hash_name : &table.hash_key().name,
                                index ? (index->range_name ? &*index->range_name : nullptr)
                                      : (table.range_key() ? &table.range_key()->name : nullptr)};
  for (const std::string* key : keys) {
    if (key == nullptr) continue;
    for (const expr::Path& path : paths) {
      if (path.elements.front().name == *key) {
        return DdbError::Validation(std::string(filter_name) +
                                    " can only contain non-primary key attributes: Primary key "
                                    "attribute: " +
                                    *key);
      }
    }
  }
  return std::nullopt;
}

}  // namespace

DdbResult<json> HandleQuery(Store& store, Context& ctx, const json& request) {
  RequestExpressions exprs;
  PD_RETURN_IF_DDB_ERROR(exprs.Load(request));
  std::optional<expr::Condition> key_condition;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseCondition(request, "KeyConditionExpression", &key_condition));
  std::optional<expr::Condition> filter;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseCondition(request, "FilterExpression", &filter));
  std::optional<expr::ProjectionExpression> projection;
  PD_RETURN_IF_DDB_ERROR(exprs.ParseProjection(request, &projection));
  PD_RETURN_IF_DDB_ERROR(exprs.CheckAllUsed());
  Result<expr::KeyCondition> kc = expr::KeyCondition();
  if (key_condition) {
    kc = expr::ExtractKeyCondition(*key_condition);
    if (!kc.ok()) return DdbError::Validation(kc.status().message());
  } else if (request.contains("KeyConditions")) {  // legacy, validated by the spec
    PD_RETURN_IF_DDB_ERROR(exprs.LegacyKeyCondition(request, &*kc));
  } else {  // the spec requires one; kept for handlers called without one
    return DdbError::Validation(msg::kKeyConditionRequired);
  }

  DdbResult<Table> table = OpenTableForItems(store, request.at("TableName").get<std::string>());
  if (!table.ok()) return table.take_error();
  DdbResult<const SecondaryIndex*> index = FindReadIndex(*table, request);
  if (!index.ok()) return index.take_error();
  DdbResult<std::optional<AttributeMap>> start = DecodeStartKey(request);
  if (!start.ok()) return start.take_error();
  QueryKeys keys;
  PD_RETURN_IF_DDB_ERROR(MatchKeys(*table, *index, *kc, *start, &keys));
  PD_RETURN_IF_DDB_ERROR(
      CheckPaths(*table, *index, projection, filter,
                 request.contains("QueryFilter") ? "QueryFilter" : "Filter Expression"));

  PageOptions options = PageOptionsOf(request);
  options.filter = filter ? &*filter : nullptr;
  options.projection = projection ? &*projection : nullptr;
  options.index = *index;
  if (*index != nullptr) {
    PD_RETURN_IF_DDB_ERROR(CheckIndexAttributes(
        *table, **index, request, projection ? projection->paths : std::vector<expr::Path>(),
        filter ? ConditionPaths(*filter) : std::vector<expr::Path>(), &options.fetch_from_table));
  }
  const KeyRange range = RangeFor(*keys.hash->value, keys.range);
  const bool forward = BoolMember(request, "ScanIndexForward", true);
  TableIterator it = *index != nullptr ? NewIndexIterator(*table, **index, range, forward)
                                       : table->NewIterator(range, forward);
  Status s = keys.start ? it.SeekAfter(*keys.start) : it.SeekToStart();
  if (!s.ok()) return StorageError(s);
  Result<Page> page = ReadPage(*table, &it, options);
  if (!page.ok()) return StorageError(page.status());
  return PageResponse(*table, std::move(page).value(), options, CapacityReportOf(request),
                      BoolMember(request, "ConsistentRead", false));
}

}  // namespace api
}  // namespace pd
