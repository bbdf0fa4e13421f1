// Index reads for Query and Scan (contract in api/index_read.h).
#include "api/index_read.h"

#include <utility>

#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "keys/key_codec.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<const SecondaryIndex*> FindReadIndex(const Table& table, const json& request,
                                               const char* unknown_message) {
  const std::string name = StringMember(request, "IndexName");
  if (name.empty()) return static_cast<const SecondaryIndex*>(nullptr);
  const SecondaryIndex* index = table.description().FindIndex(name);
  if (index == nullptr) {
    if (unknown_message != nullptr) return DdbError::Validation(unknown_message);
    return DdbError::Validation(msg::kNoSuchIndex + name);
  }
  auto consistent = request.find("ConsistentRead");
  if (index->is_global() && consistent != request.end() && consistent->is_boolean() &&
      consistent->get<bool>()) {
    return DdbError::Validation("Consistent reads are not supported on global secondary indexes");
  }
  return index;
}

std::optional<DdbError> CheckIndexAttributes(const Table& table, const SecondaryIndex& index,
                                             const json& request,
                                             const std::vector<expr::Path>& projection,
                                             const std::vector<expr::Path>& filter,
                                             bool* fetch_from_table) {
  *fetch_from_table = false;
  if (index.projects_all()) return std::nullopt;
  if (StringMember(request, "Select") == "ALL_ATTRIBUTES") {
    if (index.is_global()) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "Select type ALL_ATTRIBUTES is not "
                                  "supported for global secondary index " +
                                  index.name + " because its projection type is not ALL");
    }
    *fetch_from_table = true;
    return std::nullopt;
  }
  const std::optional<std::string> table_range =
      table.range_key() ? std::optional<std::string>(table.range_key()->name) : std::nullopt;
  std::vector<std::string> missing;
  for (const std::vector<expr::Path>* paths : {&projection, &filter}) {
    for (const expr::Path& path : *paths) {
      const std::string& name = path.elements.front().name;
      if (index.Projects(name, table.hash_key().name, table_range)) continue;
      bool listed = false;
      for (const std::string& m : missing) listed = listed || m == name;
      if (!listed) missing.push_back(name);
    }
  }
  if (missing.empty()) return std::nullopt;
  if (!index.is_global()) {
    *fetch_from_table = true;
    return std::nullopt;
  }
  std::string list;
  for (size_t i = 0; i < missing.size(); ++i) list += (i > 0 ? ", " : "") + missing[i];
  return DdbError::Validation(std::string(msg::kInvalidParameter) + "Global secondary index " +
                              index.name + " does not project [" + list + "]");
}

std::string IndexStartKey(const Table& table, const SecondaryIndex& index,
                          const AttributeMap& start) {
  std::string key;
  const AttributeValue* isk = index.range_name ? start.Find(*index.range_name) : nullptr;
  EncodeTableKey(*start.Find(index.hash_name), isk, &key);
  EncodeKeyValue(*start.Find(table.hash_key().name), &key);
  if (table.range_key()) EncodeKeyValue(*start.Find(table.range_key()->name), &key);
  return key;
}

Item IndexKeyItem(const Table& table, const SecondaryIndex& index, const Item& entry) {
  Item key;
  for (const std::string* name :
       {&table.hash_key().name, table.range_key() ? &table.range_key()->name : nullptr,
        &index.hash_name, index.range_name ? &*index.range_name : nullptr}) {
    if (name == nullptr) continue;
    if (const AttributeValue* v = entry.Find(*name)) key.Set(*name, *v);
  }
  return key;
}

TableIterator NewIndexIterator(const Table& table, const SecondaryIndex& index, KeyRange range,
                               bool forward) {
  const CatalogEntry& entry = table.entry();
  uint32_t root = 0;
  for (size_t i = 0; i < entry.description.indexes.size(); ++i) {
    if (entry.description.indexes[i].name == index.name) root = entry.index_roots[i];
  }
  return TableIterator(table.catalog()->pager(), root, std::move(range), forward,
                       index.range_name.has_value());
}

KeyAttribute IndexHashKey(const SecondaryIndex& index) {
  return KeyAttribute{index.hash_name, index.hash_type};
}

std::optional<KeyAttribute> IndexRangeKey(const SecondaryIndex& index) {
  if (!index.range_name) return std::nullopt;
  return KeyAttribute{*index.range_name, index.range_type};
}

}  // namespace api
}  // namespace pd
