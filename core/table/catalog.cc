// Catalog tree and entry codec; the entry format is documented in
// table/catalog.h.
#include "table/catalog.h"

#include <algorithm>
#include <set>
#include <utility>

#include "btree/btree.h"
#include "btree/cursor.h"
#include "util/coding.h"

namespace pd {
namespace {

constexpr size_t kEntryFixedSize = 23;   // bytes before the index records
constexpr size_t kIndexRecordSize = 20;  // root u32, item count u64, size u64
constexpr uint16_t kMaxIndexTrees = 64;  // sanity bound on n (DynamoDB allows 5 LSI + 20 GSI)

Status EntryCorruption(std::string_view name, const std::string& what) {
  return Status::Corruption("catalog entry of table '" + std::string(name) + "': " + what);
}

}  // namespace

std::string Catalog::EncodeEntry(const CatalogEntry& entry) {
  TableDescription d = entry.description;
  d.item_count = 0;
  d.size_bytes = 0;
  for (SecondaryIndex& index : d.indexes) index.item_count = index.size_bytes = 0;
  std::string out(kEntryFixedSize + kIndexRecordSize * entry.index_roots.size(), '\0');
  uint8_t* p = reinterpret_cast<uint8_t*>(&out[0]);
  p[0] = kCatalogEntryVersion;
  EncodeFixed32(p + 1, entry.root);
  EncodeFixed64(p + 5, entry.description.item_count);
  EncodeFixed64(p + 13, entry.description.size_bytes);
  EncodeFixed16(p + 21, static_cast<uint16_t>(entry.index_roots.size()));
  for (size_t i = 0; i < entry.index_roots.size(); ++i) {
    uint8_t* record = p + kEntryFixedSize + kIndexRecordSize * i;
    EncodeFixed32(record, entry.index_roots[i]);
    const bool defined = i < entry.description.indexes.size();  // else Decode rejects it
    EncodeFixed64(record + 4, defined ? entry.description.indexes[i].item_count : 0);
    EncodeFixed64(record + 12, defined ? entry.description.indexes[i].size_bytes : 0);
  }
  out += d.Encode();
  return out;
}

Result<CatalogEntry> Catalog::DecodeEntry(std::string_view name, std::string_view bytes) {
  return DecodeEntryWith(name, bytes, nullptr);
}

Result<CatalogEntry> Catalog::DecodeEntryWith(std::string_view name, std::string_view bytes,
                                              DecodedDescription* memo) {
  if (bytes.size() < kEntryFixedSize) return EntryCorruption(name, "truncated header");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  if (p[0] != kCatalogEntryVersion) {
    return EntryCorruption(name, "unknown format version " + std::to_string(p[0]));
  }
  CatalogEntry entry;
  entry.root = DecodeFixed32(p + 1);
  if (entry.root == 0) return EntryCorruption(name, "table root page is 0");
  const uint64_t item_count = DecodeFixed64(p + 5);
  const uint64_t size_bytes = DecodeFixed64(p + 13);
  const uint16_t n = DecodeFixed16(p + 21);
  if (n > kMaxIndexTrees) return EntryCorruption(name, "too many index trees");
  const size_t records_end = kEntryFixedSize + kIndexRecordSize * n;
  if (bytes.size() < records_end) return EntryCorruption(name, "truncated index records");
  std::vector<std::pair<uint64_t, uint64_t>> index_counts;  // (items, bytes) per record
  for (uint16_t i = 0; i < n; ++i) {
    const uint8_t* record = p + kEntryFixedSize + kIndexRecordSize * i;
    uint32_t r = DecodeFixed32(record);
    if (r == 0) return EntryCorruption(name, "index root page is 0");
    entry.index_roots.push_back(r);
    index_counts.emplace_back(DecodeFixed64(record + 4), DecodeFixed64(record + 12));
    if (index_counts.back().first == 0 && index_counts.back().second != 0) {
      return EntryCorruption(name, "index size without items");
    }
  }
  const std::string_view description_bytes = bytes.substr(records_end);
  if (memo != nullptr && memo->valid && memo->bytes == description_bytes) {
    entry.description = memo->description;  // decoded and checked below before
  } else {
    Result<TableDescription> d = TableDescription::Decode(description_bytes);
    if (!d.ok()) return EntryCorruption(name, d.status().message());
    if (d->name != name) return EntryCorruption(name, "description names table '" + d->name + "'");
    if (d->item_count != 0 || d->size_bytes != 0) {
      return EntryCorruption(name, "description carries counts");
    }
    entry.description = std::move(d).value();
    if (memo != nullptr) {
      memo->bytes.assign(description_bytes);
      memo->description = entry.description;
      memo->valid = true;
    }
  }
  if (entry.description.indexes.size() != n) {
    return EntryCorruption(name, std::to_string(n) + " index trees for " +
                                     std::to_string(entry.description.indexes.size()) + " indexes");
  }
  for (uint16_t i = 0; i < n; ++i) {
    entry.description.indexes[i].item_count = index_counts[i].first;
    entry.description.indexes[i].size_bytes = index_counts[i].second;
  }
  entry.description.item_count = item_count;
  entry.description.size_bytes = size_bytes;
  if (item_count == 0 && size_bytes != 0) return EntryCorruption(name, "size without items");
  return entry;
}

Result<CatalogEntry> Catalog::Get(std::string_view name) const {
  if (root() == 0 || name.empty() || name.size() > BTree::kMaxKeySize) {
    return Status::NotFound("table not found");
  }
  std::string value;
  Status s = BTree(pager_, root()).Get(name, &value);
  if (!s.ok()) return s;
  auto memo = decoded_.find(name);
  if (memo == decoded_.end()) {
    if (decoded_.size() >= kMaxDecodedDescriptions) decoded_.clear();
    memo = decoded_.emplace(std::string(name), DecodedDescription()).first;
  }
  return DecodeEntryWith(name, value, &memo->second);
}

Result<CatalogEntry> Catalog::Create(const TableDescription& description) {
  if (description.name.empty() || description.name.size() > BTree::kMaxKeySize) {
    return Status::InvalidArgument("bad table name");
  }
  if (root() == 0) {
    Result<uint32_t> r = BTree::Create(pager_);
    if (!r.ok()) return r.status();
    pager_->set_root(kCatalogRootSlot, *r);
  } else {
    std::string ignored;
    Status s = BTree(pager_, root()).Get(description.name, &ignored);
    if (s.ok()) return Status::InvalidArgument("table exists: " + description.name);
    if (!s.IsNotFound()) return s;
  }
  Result<uint32_t> table_root = BTree::Create(pager_);
  if (!table_root.ok()) return table_root.status();
  CatalogEntry entry;
  entry.description = description;
  entry.description.item_count = 0;
  entry.description.size_bytes = 0;
  entry.root = *table_root;
  for (SecondaryIndex& index : entry.description.indexes) {
    index.item_count = index.size_bytes = 0;
    Result<uint32_t> index_root = BTree::Create(pager_);
    if (!index_root.ok()) return index_root.status();
    entry.index_roots.push_back(*index_root);
  }
  Status s = BTree(pager_, root()).Put(entry.description.name, EncodeEntry(entry));
  if (!s.ok()) return s;
  return entry;
}

Status Catalog::Update(const CatalogEntry& entry) {
  const std::string& name = entry.description.name;
  if (root() == 0) return Status::NotFound("table not found");
  BTree tree(pager_, root());
  std::string ignored;
  Status s = tree.Get(name, &ignored);
  if (!s.ok()) return s;
  return tree.Put(name, EncodeEntry(entry));
}

Status Catalog::UpdateCounts(const CatalogEntry& entry) {
  const std::string& name = entry.description.name;
  if (root() == 0) return Status::NotFound("table not found");
  BTree tree(pager_, root());
  std::string value;
  Status s = tree.Get(name, &value);
  if (!s.ok()) return s;
  const size_t n = entry.index_roots.size();
  if (value.size() < kEntryFixedSize + kIndexRecordSize * n ||
      size_t{DecodeFixed16(reinterpret_cast<const uint8_t*>(value.data()) + 21)} != n ||
      entry.description.indexes.size() != n) {
    return EntryCorruption(name, "index trees differ from the entry being counted");
  }
  uint8_t* p = reinterpret_cast<uint8_t*>(&value[0]);
  EncodeFixed64(p + 5, entry.description.item_count);
  EncodeFixed64(p + 13, entry.description.size_bytes);
  for (size_t i = 0; i < n; ++i) {
    uint8_t* record = p + kEntryFixedSize + kIndexRecordSize * i;
    EncodeFixed64(record + 4, entry.description.indexes[i].item_count);
    EncodeFixed64(record + 12, entry.description.indexes[i].size_bytes);
  }
  return tree.Put(name, value);
}

Result<CatalogEntry> Catalog::Drop(std::string_view name) {
  Result<CatalogEntry> entry = Get(name);
  if (!entry.ok()) return entry.status();
  for (uint32_t r : entry->index_roots) {
    Status s = BTree::Drop(pager_, r);
    if (!s.ok()) return s;
  }
  Status s = BTree::Drop(pager_, entry->root);
  if (!s.ok()) return s;
  s = BTree(pager_, root()).Delete(name);
  if (!s.ok()) return s;
  auto memo = decoded_.find(name);
  if (memo != decoded_.end()) decoded_.erase(memo);
  return entry;
}

Result<TableNamePage> Catalog::List(std::string_view exclusive_start, uint32_t limit) const {
  TableNamePage page;
  if (root() == 0) return page;
  Cursor c(pager_, root());
  Status s = exclusive_start.empty() ? c.SeekToFirst() : c.Seek(exclusive_start);
  if (s.ok() && c.Valid() && !exclusive_start.empty() && c.key() == exclusive_start) s = c.Next();
  for (; s.ok() && c.Valid(); s = c.Next()) {
    if (page.names.size() == limit) {
      page.last_evaluated = page.names.back();
      break;
    }
    page.names.emplace_back(c.key());
  }
  if (!s.ok()) return s;
  return page;
}

Result<std::vector<CatalogEntry>> Catalog::All() const {
  std::vector<CatalogEntry> out;
  if (root() == 0) return out;
  Cursor c(pager_, root());
  Status s;
  for (s = c.SeekToFirst(); s.ok() && c.Valid(); s = c.Next()) {
    Result<std::string_view> v = c.value();
    if (!v.ok()) return v.status();
    Result<CatalogEntry> e = DecodeEntry(c.key(), *v);
    if (!e.ok()) return e.status();
    out.push_back(std::move(e).value());
  }
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<uint32_t>> Catalog::AllRoots() const {
  std::vector<uint32_t> roots;
  if (root() == 0) return roots;
  roots.push_back(root());
  Result<std::vector<CatalogEntry>> all = All();
  if (!all.ok()) return all.status();
  for (const CatalogEntry& e : *all) {
    roots.push_back(e.root);
    roots.insert(roots.end(), e.index_roots.begin(), e.index_roots.end());
  }
  return roots;
}

Status Catalog::Validate() const {
  const uint32_t r = root();
  if (r == 0) return Status::OK();
  if (r >= pager_->page_count()) {
    return Status::Corruption("catalog root page " + std::to_string(r) + " is past the end");
  }
  Result<std::vector<CatalogEntry>> all = All();
  if (!all.ok()) return all.status();
  std::set<uint32_t> seen = {r};
  for (const CatalogEntry& e : *all) {
    std::vector<uint32_t> roots = {e.root};
    roots.insert(roots.end(), e.index_roots.begin(), e.index_roots.end());
    for (uint32_t id : roots) {
      if (id >= pager_->page_count()) {
        return EntryCorruption(e.description.name,
                               "root page " + std::to_string(id) + " is past the end");
      }
      if (!seen.insert(id).second) {
        return EntryCorruption(e.description.name,
                               "root page " + std::to_string(id) + " is used twice");
      }
    }
  }
  return Status::OK();
}

}  // namespace pd
