// Secondary index entries and their maintenance (contract and entry format
// in table/index_maintenance.h).
#include "table/index_maintenance.h"

#include <utility>

#include "api/messages.h"
#include "btree/btree.h"
#include "btree/cursor.h"
#include "keys/key_codec.h"
#include "table/limits.h"
#include "value/item_codec.h"

namespace pd {
namespace {

using api::msg::kInvalidParameter;

Status CheckIndexKeyValue(const SecondaryIndex& index, const std::string& attribute,
                          AttributeType expected, const AttributeValue& value, bool is_hash) {
  if (value.type() != expected) {
    return Status::Validation(std::string(kInvalidParameter) + "Type mismatch for Index Key " +
                              attribute + " Expected: " + AttributeTypeName(expected) +
                              " Actual: " + AttributeTypeName(value.type()) +
                              " IndexName: " + index.name);
  }
  if (value.is(AttributeType::kN)) return Status::OK();
  const size_t size = value.bytes().size();
  if (size == 0) {
    return Status::Validation(
        std::string("One or more parameter values are not valid. A value specified for a "
                    "secondary index key is not supported. The AttributeValue for a key "
                    "attribute cannot contain an empty ") +
        (value.is(AttributeType::kS) ? "string" : "binary") + " value. IndexName: " + index.name +
        ", IndexKey: " + attribute);
  }
  if (is_hash && size > kMaxPartitionKeyBytes) {
    return Status::Validation(api::msg::HashKeyTooLarge(kMaxPartitionKeyBytes));
  }
  if (!is_hash && size > kMaxSortKeyBytes) {
    return Status::Validation(api::msg::RangeKeyTooLarge(kMaxSortKeyBytes));
  }
  return Status::OK();
}

void CopyAttribute(const Item& from, const std::string& name, Item* to) {
  if (const AttributeValue* v = from.Find(name)) to->Set(name, *v);
}

// The entry of `item` in index `i` and the size it counts for.
struct Slot {
  std::optional<IndexEntry> entry;  // nullopt: the item is not in the index
  std::string encoded;              // EncodeItem(entry->value) when present
};

Slot MakeSlot(const TableDescription& table, const SecondaryIndex& index, const Item* item) {
  Slot slot;
  if (item == nullptr) return slot;
  slot.entry = MakeIndexEntry(table, index, *item);
  if (slot.entry) EncodeItem(slot.entry->value, &slot.encoded);
  return slot;
}

Status CountsCorruption(const TableDescription& table, const SecondaryIndex& index,
                        const std::string& what) {
  return Status::Corruption("table '" + table.name + "', index '" + index.name + "': " + what);
}

}  // namespace

Status CheckIndexKeys(const TableDescription& table, const Item& item) {
  for (const SecondaryIndex& index : table.indexes) {
    if (const AttributeValue* v = item.Find(index.hash_name)) {
      Status s = CheckIndexKeyValue(index, index.hash_name, index.hash_type, *v, true);
      if (!s.ok()) return s;
    }
    if (index.range_name) {
      if (const AttributeValue* v = item.Find(*index.range_name)) {
        Status s = CheckIndexKeyValue(index, *index.range_name, index.range_type, *v, false);
        if (!s.ok()) return s;
      }
    }
  }
  return Status::OK();
}

std::optional<IndexEntry> MakeIndexEntry(const TableDescription& table, const SecondaryIndex& index,
                                         const Item& item) {
  const AttributeValue* ipk = item.Find(index.hash_name);
  const AttributeValue* isk = index.range_name ? item.Find(*index.range_name) : nullptr;
  if (ipk == nullptr || (index.range_name && isk == nullptr)) return std::nullopt;
  if (!CheckIndexKeyValue(index, index.hash_name, index.hash_type, *ipk, true).ok()) {
    return std::nullopt;  // a violation left by a backfill: not indexed
  }
  if (isk != nullptr &&
      !CheckIndexKeyValue(index, *index.range_name, index.range_type, *isk, false).ok()) {
    return std::nullopt;
  }
  const AttributeValue* tpk = item.Find(table.hash_key.name);
  const AttributeValue* tsk = table.range_key ? item.Find(table.range_key->name) : nullptr;
  IndexEntry entry;
  EncodeTableKey(*ipk, isk, &entry.key);
  if (tpk != nullptr) EncodeKeyValue(*tpk, &entry.key);
  if (tsk != nullptr) EncodeKeyValue(*tsk, &entry.key);
  if (index.projection == ProjectionType::kAll) {
    entry.value = item;
    return entry;
  }
  CopyAttribute(item, table.hash_key.name, &entry.value);
  if (table.range_key) CopyAttribute(item, table.range_key->name, &entry.value);
  CopyAttribute(item, index.hash_name, &entry.value);
  if (index.range_name) CopyAttribute(item, *index.range_name, &entry.value);
  for (const std::string& a : index.non_key_attributes) CopyAttribute(item, a, &entry.value);
  return entry;
}

Status UpdateIndexes(Pager* pager, CatalogEntry* entry, const Item* old, const Item* now) {
  TableDescription& table = entry->description;
  if (table.indexes.empty()) return Status::OK();
  if (now != nullptr) {
    Status s = CheckIndexKeys(table, *now);
    if (!s.ok()) return s;
  }
  for (size_t i = 0; i < table.indexes.size(); ++i) {
    SecondaryIndex& index = table.indexes[i];
    Slot before = MakeSlot(table, index, old);
    Slot after = MakeSlot(table, index, now);
    const bool same = before.entry.has_value() == after.entry.has_value() &&
                      (!before.entry ||
                       (before.entry->key == after.entry->key && before.encoded == after.encoded));
    if (same) continue;
    BTree tree(pager, entry->index_roots[i]);
    if (before.entry) {
      const uint64_t size = ItemSize(before.entry->value);
      if (index.item_count == 0 || index.size_bytes < size) {
        return CountsCorruption(table, index, "counts below the replaced entry");
      }
      if (!after.entry || after.entry->key != before.entry->key) {
        Status s = tree.Delete(before.entry->key);
        if (s.IsNotFound()) return CountsCorruption(table, index, "entry of a stored item missing");
        if (!s.ok()) return s;
      }
      index.item_count -= 1;
      index.size_bytes -= size;
    }
    if (after.entry) {
      // The index partition's hash names the key's run (as in Table::Put).
      Status s = tree.Put(after.entry->key, after.encoded, kTableKeyHashSize);
      if (!s.ok()) return s;
      index.item_count += 1;
      index.size_bytes += ItemSize(after.entry->value);
    }
  }
  return Status::OK();
}

Status BackfillIndex(Pager* pager, CatalogEntry* entry, size_t position) {
  TableDescription& table = entry->description;
  SecondaryIndex& index = table.indexes[position];
  // Collect first: writes to the pager invalidate cursors.
  std::vector<std::pair<std::string, std::string>> entries;  // (key, encoded projection)
  uint64_t size = 0;
  Cursor c(pager, entry->root);
  Status s;
  for (s = c.SeekToFirst(); s.ok() && c.Valid(); s = c.Next()) {
    Result<std::string_view> v = c.value();
    if (!v.ok()) return v.status();
    Result<Item> item = DecodeItem(*v);
    if (!item.ok())
      return Status::Corruption("table '" + table.name + "': " + item.status().message());
    std::optional<IndexEntry> e = MakeIndexEntry(table, index, *item);
    if (!e) continue;
    size += ItemSize(e->value);
    std::string encoded;
    EncodeItem(e->value, &encoded);
    entries.emplace_back(std::move(e->key), std::move(encoded));
  }
  if (!s.ok()) return s;
  BTree tree(pager, entry->index_roots[position]);
  for (const auto& [key, value] : entries) {
    s = tree.Put(key, value, kTableKeyHashSize);
    if (!s.ok()) return s;
  }
  index.item_count = entries.size();
  index.size_bytes = size;
  return Status::OK();
}

Status AddIndex(Pager* pager, CatalogEntry* entry, SecondaryIndex index) {
  Result<uint32_t> root = BTree::Create(pager);
  if (!root.ok()) return root.status();
  entry->description.indexes.push_back(std::move(index));
  entry->index_roots.push_back(*root);
  return BackfillIndex(pager, entry, entry->description.indexes.size() - 1);
}

Status DropIndex(Pager* pager, CatalogEntry* entry, size_t position) {
  Status s = BTree::Drop(pager, entry->index_roots[position]);
  if (!s.ok()) return s;
  entry->description.indexes.erase(entry->description.indexes.begin() + position);
  entry->index_roots.erase(entry->index_roots.begin() + position);
  return Status::OK();
}

}  // namespace pd
