// Table::CheckContents (contract in table/table.h): the table tree against
// its catalog counts, then CheckIndexContents (table/index_maintenance.h): a
// rebuild of every secondary index from its table, compared with the index
// trees. In their own file so that the wasm build compiles them for size
// (core/CMakeLists.txt's cold list): Engine::Check() runs them, no request does.
#include <optional>
#include <string>

#include "btree/btree.h"
#include "btree/cursor.h"
#include "keys/key_codec.h"
#include "table/index_maintenance.h"
#include "table/table.h"
#include "value/item_codec.h"

namespace pd {
namespace {

Status CountsCorruption(const TableDescription& table, const SecondaryIndex& index,
                        const std::string& what) {
  return Status::Corruption("table '" + table.name + "', index '" + index.name + "': " + what);
}

}  // namespace

Status Table::CheckContents() const {
  TableIterator it = NewIterator(KeyRange{}, true);
  uint64_t count = 0;
  uint64_t size = 0;
  Status s;
  for (s = it.SeekToStart(); s.ok() && it.Valid(); s = it.Next()) {
    const std::string where = "table '" + name() + "', item " + std::to_string(count) + ": ";
    Result<PrimaryKey> key = DecodeKey(it.key());
    if (!key.ok()) return Status::Corruption(where + key.status().message());
    Result<Item> item = it.item();
    if (!item.ok()) return Status::Corruption(where + item.status().message());
    Result<PrimaryKey> from_item = KeyFromItem(*item);
    if (!from_item.ok() || from_item->encoded != key->encoded) {
      return Status::Corruption(where + "key attributes do not match the stored key");
    }
    ++count;
    size += ItemSize(*item);
  }
  if (!s.ok()) return s;
  if (count != entry_.description.item_count || size != entry_.description.size_bytes) {
    return Status::Corruption(
        "table '" + name() + "': catalog counts " + std::to_string(entry_.description.item_count) +
        " items / " + std::to_string(entry_.description.size_bytes) + " bytes, tree holds " +
        std::to_string(count) + " / " + std::to_string(size));
  }
  return CheckIndexContents(catalog_->pager(), entry_);
}

Status CheckIndexContents(Pager* pager, const CatalogEntry& entry) {
  const TableDescription& table = entry.description;
  if (entry.index_roots.size() != table.indexes.size()) {
    return Status::Corruption("table '" + table.name + "': index trees do not match indexes");
  }
  for (size_t i = 0; i < table.indexes.size(); ++i) {
    const SecondaryIndex& index = table.indexes[i];
    // Every table item with an entry: how many, and their size.
    uint64_t expected_count = 0;
    uint64_t expected_size = 0;
    Cursor t(pager, entry.root);
    Status s;
    for (s = t.SeekToFirst(); s.ok() && t.Valid(); s = t.Next()) {
      Result<std::string_view> v = t.value();
      if (!v.ok()) return v.status();
      Result<Item> item = DecodeItem(*v);
      if (!item.ok()) return CountsCorruption(table, index, item.status().message());
      if (std::optional<IndexEntry> e = MakeIndexEntry(table, index, *item)) {
        ++expected_count;
        expected_size += ItemSize(e->value);
      }
    }
    if (!s.ok()) return s;
    // Every entry is the one its table item gives.
    uint64_t count = 0;
    uint64_t size = 0;
    Cursor x(pager, entry.index_roots[i]);
    BTree items(pager, entry.root);
    for (s = x.SeekToFirst(); s.ok() && x.Valid(); s = x.Next()) {
      const std::string where = "entry " + std::to_string(count) + ": ";
      std::string_view rest = x.key();
      if (rest.size() < kTableKeyHashSize)
        return CountsCorruption(table, index, where + "short key");
      rest.remove_prefix(kTableKeyHashSize);
      const int index_parts = index.range_name ? 2 : 1;
      for (int p = 0; p < index_parts; ++p) {
        Result<AttributeValue> part = DecodeKeyValue(&rest);
        if (!part.ok()) return CountsCorruption(table, index, where + part.status().message());
      }
      Result<AttributeValue> tpk = DecodeKeyValue(&rest);
      if (!tpk.ok()) return CountsCorruption(table, index, where + tpk.status().message());
      std::optional<AttributeValue> tsk;
      if (table.range_key) {
        Result<AttributeValue> sk = DecodeKeyValue(&rest);
        if (!sk.ok()) return CountsCorruption(table, index, where + sk.status().message());
        tsk = std::move(sk).value();
      }
      if (!rest.empty()) return CountsCorruption(table, index, where + "trailing key bytes");
      std::string stored_item;
      s = items.Get(TableKey(*tpk, tsk ? &*tsk : nullptr), &stored_item);
      if (s.IsNotFound()) return CountsCorruption(table, index, where + "no such table item");
      if (!s.ok()) return s;
      Result<Item> item = DecodeItem(stored_item);
      if (!item.ok()) return CountsCorruption(table, index, where + item.status().message());
      std::optional<IndexEntry> e = MakeIndexEntry(table, index, *item);
      if (!e || e->key != x.key()) {
        return CountsCorruption(table, index, where + "key differs from the table item's");
      }
      Result<std::string_view> value = x.value();
      if (!value.ok()) return value.status();
      std::string encoded;
      EncodeItem(e->value, &encoded);
      if (encoded != *value) {
        return CountsCorruption(table, index, where + "projection differs from the table item's");
      }
      ++count;
      size += ItemSize(e->value);
    }
    if (!s.ok()) return s;
    if (count != expected_count || size != expected_size || count != index.item_count ||
        size != index.size_bytes) {
      return CountsCorruption(table, index,
                              "catalog counts " + std::to_string(index.item_count) + " / " +
                                  std::to_string(index.size_bytes) + ", tree " +
                                  std::to_string(count) + " / " + std::to_string(size) +
                                  ", rebuild " + std::to_string(expected_count) + " / " +
                                  std::to_string(expected_size));
    }
  }
  return Status::OK();
}

}  // namespace pd
