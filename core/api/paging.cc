// The shared page loop of Query and Scan (contract in api/paging.h).
#include "api/paging.h"

#include <string>
#include <utility>

#include "api/index_read.h"
#include "api/messages.h"
#include "api/response_text.h"
#include "expr/evaluate.h"
#include "expr/projection.h"
#include "value/item_codec.h"
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
  // Whole items of the table, unfiltered: each item's text is written
  // straight from its stored bytes (value/item_codec.h), with no Item built.
  const bool direct = options.index == nullptr && options.filter == nullptr &&
                      options.projection == nullptr && !options.count_only;
  while (direct && it->Valid()) {
    Result<std::string_view> encoded = it->encoded_item();
    if (!encoded.ok()) {
      return Status::Corruption("table '" + table.name() + "': " + encoded.status().message());
    }
    const size_t before = page.items.size();
    if (page.scanned_count > 0) page.items.push_back(',');
    uint64_t size = 0;
    Status s = AppendItemJsonFromEncoded(*encoded, &page.items, &size);
    if (!s.ok()) {
      page.items.resize(before);
      return Status::Corruption("table '" + table.name() + "': " + s.message());
    }
    ++page.scanned_count;
    ++page.count;
    page.bytes_read += size;
    if ((options.limit && page.scanned_count >= *options.limit) ||
        page.bytes_read >= options.max_bytes) {
      Result<PrimaryKey> key = table.DecodeKey(it->key());
      if (!key.ok()) return key.status();
      page.last_evaluated = table.KeyItem(*key);
      return page;
    }
    s = it->Next();
    if (!s.ok()) return s;
  }
  while (it->Valid()) {
    Result<Item> item = it->item();
    if (!item.ok()) {
      return Status::Corruption("table '" + table.name() + "': " + item.status().message());
    }
    ++page.scanned_count;
    page.bytes_read += ItemSize(*item);
    const Item* visible = &*item;  // what the filter and projection see
    std::optional<Item> fetched;
    if (options.index != nullptr && options.fetch_from_table) {
      Result<PrimaryKey> key = table.KeyFromItem(*item);
      if (!key.ok()) return Status::Corruption("index entry without its table key");
      Result<std::optional<Item>> stored = table.Get(*key);
      if (!stored.ok()) return stored.status();
      if (!*stored) {
        return Status::Corruption("table '" + table.name() + "', index '" + options.index->name +
                                  "': entry of a missing item");
      }
      fetched = std::move(*stored);
      page.fetched_bytes += ItemSize(*fetched);
      visible = &*fetched;
    }
    if (options.filter == nullptr || expr::Evaluate(*options.filter, *visible)) {
      ++page.count;
      if (!options.count_only) {
        if (page.count > 1) page.items.push_back(',');
        if (options.projection != nullptr) {
          AppendItemJson(expr::Project(*visible, options.projection->paths), &page.items);
        } else {
          AppendItemJson(*visible, &page.items);
        }
      }
    }
    const bool full = (options.limit && page.scanned_count >= *options.limit) ||
                      page.bytes_read >= options.max_bytes;
    if (full) {
      // DynamoDB stops here without looking ahead: the key is returned even
      // when this was the range's last item (the next page is then empty).
      if (options.index != nullptr) {
        page.last_evaluated = IndexKeyItem(table, *options.index, *item);
      } else {
        Result<PrimaryKey> key = table.DecodeKey(it->key());
        if (!key.ok()) return key.status();
        page.last_evaluated = table.KeyItem(*key);
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
  ObjectText response;  // written as text (api/response_text.h)
  if (!options.count_only) {
    std::string items;  // one copy (an insert at the front moved the text, and ']' could grow it)
    items.reserve(page.items.size() + 2);
    items.push_back('[');
    items.append(page.items);
    items.push_back(']');
    response.Add("Items", std::move(items));
  }
  response.Add("Count", std::to_string(page.count));
  response.Add("ScannedCount", std::to_string(page.scanned_count));
  if (page.last_evaluated) {
    std::string key;
    AppendItemJson(*page.last_evaluated, &key);
    response.Add("LastEvaluatedKey", std::move(key));
  }
  std::optional<json> cc;
  if (options.index == nullptr) {
    cc = ConsumedCapacityJson(report, table.name(), ReadUnitsForBytes(page.bytes_read, consistent));
  } else {
    const double table_units =
        page.fetched_bytes > 0 ? ReadUnitsForBytes(page.fetched_bytes, consistent) : 0.0;
    cc = ConsumedCapacityJson(report, table.name(), table_units,
                              {{options.index->name, options.index->is_global(),
                                ReadUnitsForBytes(page.bytes_read, consistent)}});
  }
  if (cc) response.Add("ConsumedCapacity", cc->dump());
  return ResponseText(response.Finish());
}

DdbResult<std::optional<AttributeMap>> DecodeStartKey(const json& request) {
  auto it = request.find("ExclusiveStartKey");
  if (it == request.end() || it->is_null()) return std::optional<AttributeMap>();
  AttributeMap key;
  if (auto err = ItemFromJson(*it, &key)) {
    if (err->kind == JsonError::Kind::kSerialization) return DdbError::Serialization(err->message);
    return DdbError::Validation(std::string(msg::kStartKeyInvalid) + ": " + err->message);
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
        return DdbError::Validation(msg::kKeyPathNotScalar + key->name);
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
