// The shared page loop of Query and Scan (contract in api/paging.h).
#include "api/paging.h"

#include <string>
#include <utility>

#include "expr/evaluate.h"
#include "expr/projection.h"
#include "value/json_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

namespace {

void CollectOperandPaths(const expr::Operand& operand, std::vector<expr::Path>* out) {
  if (operand.kind == expr::Operand::Kind::kPath) {
    out->push_back(operand.path);
    return;
  }
  for (const expr::Operand& arg : operand.args) CollectOperandPaths(arg, out);
}

void CollectConditionPaths(const expr::Condition& condition, std::vector<expr::Path>* out) {
  for (const expr::Operand& operand : condition.operands) CollectOperandPaths(operand, out);
  for (const expr::Condition& child : condition.children) CollectConditionPaths(child, out);
}

}  // namespace

PageOptions PageOptionsOf(const json& request) {
  PageOptions options;
  auto limit = request.find("Limit");
  if (limit != request.end() && limit->is_number_integer()) {
    options.limit = limit->get<uint64_t>();  // the spec guarantees >= 1
  }
  auto select = request.find("Select");
  options.count_only = select != request.end() && select->is_string() && *select == "COUNT";
  return options;
}

Result<Page> ReadPage(const Table& table, TableIterator* it, const PageOptions& options) {
  Page page;
  while (it->Valid()) {
    Result<Item> item = it->item();
    if (!item.ok()) {
      return Status::Corruption("table '" + table.name() + "': " + item.status().message());
    }
    ++page.scanned_count;
    page.bytes_read += ItemSize(*item);
    if (options.filter == nullptr || expr::Evaluate(*options.filter, *item)) {
      ++page.count;
      if (!options.count_only) {
        page.items.push_back(ItemToJson(options.projection != nullptr
                                            ? expr::Project(*item, options.projection->paths)
                                            : *item));
      }
    }
    const bool full = (options.limit && page.scanned_count >= *options.limit) ||
                      page.bytes_read >= options.max_bytes;
    if (full) {
      // Look one item ahead: a LastEvaluatedKey only when something follows.
      std::string last(it->key());
      Status s = it->Next();
      if (!s.ok()) return s;
      if (it->Valid()) {
        Result<PrimaryKey> key = table.DecodeKey(last);
        if (!key.ok()) return key.status();
        page.last_evaluated = std::move(key).value();
      }
      return page;
    }
    Status s = it->Next();
    if (!s.ok()) return s;
  }
  return page;
}

json PageResponse(const Table& table, Page page, const PageOptions& options, CapacityReport report,
                  bool consistent) {
  json response = json::object();
  if (!options.count_only) response["Items"] = std::move(page.items);
  response["Count"] = page.count;
  response["ScannedCount"] = page.scanned_count;
  if (page.last_evaluated) {
    response["LastEvaluatedKey"] = ItemToJson(table.KeyItem(*page.last_evaluated));
  }
  if (auto cc = ConsumedCapacityJson(report, table.name(),
                                     ReadUnitsForBytes(page.bytes_read, consistent))) {
    response["ConsumedCapacity"] = *cc;
  }
  return response;
}

DdbResult<std::optional<AttributeMap>> DecodeStartKey(const json& request) {
  auto it = request.find("ExclusiveStartKey");
  if (it == request.end() || it->is_null()) return std::optional<AttributeMap>();
  AttributeMap key;
  if (auto err = ItemFromJson(*it, &key)) {
    if (err->kind == JsonError::Kind::kSerialization) return DdbError::Serialization(err->message);
    return DdbError::Validation("The provided starting key is invalid: " + err->message);
  }
  return std::optional<AttributeMap>(std::move(key));
}

bool BoolMember(const json& request, const char* member, bool fallback) {
  auto it = request.find(member);
  if (it == request.end() || !it->is_boolean()) return fallback;
  return it->get<bool>();
}

std::optional<DdbError> CheckNestedKeyPaths(const Table& table,
                                            const std::vector<expr::Path>& paths) {
  const KeyAttribute* keys[2] = {&table.hash_key(),
                                 table.range_key() ? &*table.range_key() : nullptr};
  for (const KeyAttribute* key : keys) {
    if (key == nullptr) continue;
    for (const expr::Path& path : paths) {
      if (path.elements.size() > 1 && path.elements.front().name == key->name) {
        return DdbError::Validation(
            "Key attributes must be scalars; list random access '[]' and map lookup '.' are not "
            "allowed: Key: " +
            key->name);
      }
    }
  }
  return std::nullopt;
}

std::vector<expr::Path> ConditionPaths(const expr::Condition& condition) {
  std::vector<expr::Path> paths;
  CollectConditionPaths(condition, &paths);
  return paths;
}

}  // namespace api
}  // namespace pd
