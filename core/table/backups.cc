// Backups tree, backup item trees and the entry codec; the formats are
// documented in table/backups.h.
#include "table/backups.h"

#include <cstdio>
#include <cstring>
#include <set>
#include <utility>

#include "btree/btree.h"
#include "btree/cursor.h"
#include "keys/key_codec.h"
#include "table/limits.h"
#include "util/coding.h"
#include "value/item.h"
#include "value/item_codec.h"

namespace pd {
namespace {

constexpr size_t kEntryFixedSize = 15;  // bytes before the backup name
constexpr uint16_t kMinBackupNameBytes = 3;
constexpr uint16_t kMaxBackupNameBytes = 255;
constexpr char kBackupInfix[] = "/backup/";
// Attempts at a fresh ARN suffix before giving up (two backups of one table
// in the same millisecond differ in the suffix).
constexpr int kMaxArnAttempts = 64;

Status EntryCorruption(std::string_view arn, const std::string& what) {
  return Status::Corruption("backup '" + std::string(arn) + "': " + what);
}

std::string ArnTablePrefix(std::string_view table_name) {
  return std::string("arn:aws:dynamodb:") + kArnRegion + ":" + kArnAccount + ":table/" +
         std::string(table_name) + kBackupInfix;
}

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// Key attributes of `item` as a table key of `d`'s schema, or nullopt when
// an attribute is missing or of another type.
std::optional<std::string> ItemKey(const TableDescription& d, const Item& item) {
  const AttributeValue* pk = item.Find(d.hash_key.name);
  if (pk == nullptr || pk->type() != d.hash_key.type) return std::nullopt;
  const AttributeValue* sk = nullptr;
  if (d.range_key) {
    sk = item.Find(d.range_key->name);
    if (sk == nullptr || sk->type() != d.range_key->type) return std::nullopt;
  }
  return TableKey(*pk, sk);
}

}  // namespace

std::string Backups::MakeArn(std::string_view table_name, int64_t created_ms, uint32_t suffix) {
  char tail[40];
  std::snprintf(tail, sizeof(tail), "%014lld-%08x", static_cast<long long>(created_ms),
                static_cast<unsigned>(suffix));
  return ArnTablePrefix(table_name) + tail;
}

std::string Backups::EncodeEntry(const BackupEntry& entry) {
  std::string out(kEntryFixedSize, '\0');
  uint8_t* p = reinterpret_cast<uint8_t*>(&out[0]);
  p[0] = kBackupEntryVersion;
  EncodeFixed32(p + 1, entry.root);
  EncodeFixed64(p + 5, static_cast<uint64_t>(entry.created_ms));
  EncodeFixed16(p + 13, static_cast<uint16_t>(entry.name.size()));
  out += entry.name;
  out += entry.table.Encode();
  return out;
}

Result<BackupEntry> Backups::DecodeEntry(std::string_view arn, std::string_view bytes) {
  if (bytes.size() < kEntryFixedSize) return EntryCorruption(arn, "truncated header");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  if (p[0] != kBackupEntryVersion) {
    return EntryCorruption(arn, "unknown format version " + std::to_string(p[0]));
  }
  BackupEntry entry;
  entry.arn = std::string(arn);
  entry.root = DecodeFixed32(p + 1);
  if (entry.root == 0) return EntryCorruption(arn, "item tree root page is 0");
  uint64_t created = DecodeFixed64(p + 5);
  std::memcpy(&entry.created_ms, &created, sizeof(created));
  const uint16_t n = DecodeFixed16(p + 13);
  if (n < kMinBackupNameBytes || n > kMaxBackupNameBytes) {
    return EntryCorruption(arn, "bad backup name length");
  }
  if (bytes.size() < kEntryFixedSize + n) return EntryCorruption(arn, "truncated backup name");
  entry.name = std::string(bytes.substr(kEntryFixedSize, n));
  Result<TableDescription> d = TableDescription::Decode(bytes.substr(kEntryFixedSize + n));
  if (!d.ok()) return EntryCorruption(arn, d.status().message());
  entry.table = std::move(d).value();
  const std::string prefix = ArnTablePrefix(entry.table.name);
  if (arn.size() != prefix.size() + 23 || arn.substr(0, prefix.size()) != prefix) {
    return EntryCorruption(arn, "ARN does not name table '" + entry.table.name + "'");
  }
  if (entry.table.item_count == 0 && entry.table.size_bytes != 0) {
    return EntryCorruption(arn, "size without items");
  }
  return entry;
}

Result<BackupEntry> Backups::Get(std::string_view arn) const {
  if (root() == 0 || arn.empty() || arn.size() > BTree::kMaxKeySize) {
    return Status::NotFound("backup not found");
  }
  std::string value;
  Status s = BTree(pager_, root()).Get(arn, &value);
  if (!s.ok()) return s;
  return DecodeEntry(arn, value);
}

Result<BackupEntry> Backups::Create(Catalog* catalog, std::string_view table_name,
                                    std::string_view backup_name, int64_t now_ms) {
  Result<CatalogEntry> source = catalog->Get(table_name);
  if (!source.ok()) return source.status();
  if (root() == 0) {
    Result<uint32_t> r = BTree::Create(pager_);
    if (!r.ok()) return r.status();
    pager_->set_root(kBackupRootSlot, *r);
  }
  BTree tree(pager_, root());

  // A fresh ARN: the suffix is derived from the table, the time and the
  // database's state (the core is deterministic), re-drawn on a collision.
  BackupEntry entry;
  uint64_t state = 0xCBF29CE484222325ULL;
  for (unsigned char c : table_name) state = (state ^ c) * 0x100000001B3ULL;
  state ^= static_cast<uint64_t>(now_ms) ^ (pager_->lsn() << 20) ^ pager_->page_count();
  for (int attempt = 0;; ++attempt) {
    if (attempt == kMaxArnAttempts) return Status::Corruption("backups tree: no free ARN");
    entry.arn = MakeArn(table_name, now_ms, static_cast<uint32_t>(SplitMix64(&state)));
    std::string ignored;
    Status s = tree.Get(entry.arn, &ignored);
    if (s.IsNotFound()) break;
    if (!s.ok()) return s;
  }

  Result<uint32_t> copy = BTree::Create(pager_);
  if (!copy.ok()) return copy.status();
  BTree items(pager_, *copy);
  // Writes to `items` invalidate the cursor on the source tree: re-seek
  // after each one (the source itself does not change).
  Cursor c(pager_, source->root);
  std::string key;
  Status s = c.SeekToFirst();
  while (s.ok() && c.Valid()) {
    Result<std::string_view> v = c.value();
    if (!v.ok()) return v.status();
    key.assign(c.key());
    std::string value(*v);
    s = items.Put(key, value);
    if (!s.ok()) return s;
    s = c.Seek(key);
    if (s.ok() && c.Valid() && c.key() == key) s = c.Next();
  }
  if (!s.ok()) return s;

  entry.name = std::string(backup_name);
  entry.created_ms = now_ms;
  entry.root = *copy;
  entry.table = source->description;  // counts included: the copy holds exactly these
  s = tree.Put(entry.arn, EncodeEntry(entry));
  if (!s.ok()) return s;
  return entry;
}

Result<BackupEntry> Backups::Drop(std::string_view arn) {
  Result<BackupEntry> entry = Get(arn);
  if (!entry.ok()) return entry.status();
  Status s = BTree::Drop(pager_, entry->root);
  if (!s.ok()) return s;
  s = BTree(pager_, root()).Delete(arn);
  if (!s.ok()) return s;
  return entry;
}

Status Backups::RestoreInto(const BackupEntry& backup, Table* table) const {
  // Table::Put writes invalidate the cursor: re-seek after each item.
  Cursor c(pager_, backup.root);
  std::string key;
  Status s = c.SeekToFirst();
  while (s.ok() && c.Valid()) {
    key.assign(c.key());
    Result<std::string_view> v = c.value();
    if (!v.ok()) return v.status();
    Result<Item> item = DecodeItem(*v);
    if (!item.ok()) return EntryCorruption(backup.arn, item.status().message());
    Result<PrimaryKey> k = table->KeyFromItem(*item);
    if (!k.ok() || k->encoded != key) {
      return EntryCorruption(backup.arn, "stored item does not match its key");
    }
    s = table->Put(*k, *item, std::nullopt);
    if (!s.ok()) return s;
    s = c.Seek(key);
    if (s.ok() && c.Valid() && c.key() == key) s = c.Next();
  }
  return s;
}

Result<BackupPage> Backups::List(const BackupFilter& filter, std::string_view exclusive_start,
                                 uint32_t limit) const {
  BackupPage page;
  if (root() == 0) return page;
  Cursor c(pager_, root());
  Status s = exclusive_start.empty() ? c.SeekToFirst() : c.Seek(exclusive_start);
  if (s.ok() && c.Valid() && !exclusive_start.empty() && c.key() == exclusive_start) s = c.Next();
  for (; s.ok() && c.Valid(); s = c.Next()) {
    Result<std::string_view> v = c.value();
    if (!v.ok()) return v.status();
    Result<BackupEntry> e = DecodeEntry(c.key(), *v);
    if (!e.ok()) return e.status();
    if (filter.table_name && e->table.name != *filter.table_name) continue;
    if (filter.lower_ms && e->created_ms < *filter.lower_ms) continue;
    if (filter.upper_ms && e->created_ms >= *filter.upper_ms) continue;
    if (page.entries.size() == limit) {
      page.last_evaluated = page.entries.back().arn;
      break;
    }
    page.entries.push_back(std::move(e).value());
  }
  if (!s.ok()) return s;
  return page;
}

Result<std::vector<BackupEntry>> Backups::All() const {
  std::vector<BackupEntry> out;
  if (root() == 0) return out;
  Cursor c(pager_, root());
  Status s;
  for (s = c.SeekToFirst(); s.ok() && c.Valid(); s = c.Next()) {
    Result<std::string_view> v = c.value();
    if (!v.ok()) return v.status();
    Result<BackupEntry> e = DecodeEntry(c.key(), *v);
    if (!e.ok()) return e.status();
    out.push_back(std::move(e).value());
  }
  if (!s.ok()) return s;
  return out;
}

Result<std::vector<uint32_t>> Backups::AllRoots() const {
  std::vector<uint32_t> roots;
  if (root() == 0) return roots;
  roots.push_back(root());
  Result<std::vector<BackupEntry>> all = All();
  if (!all.ok()) return all.status();
  for (const BackupEntry& e : *all) roots.push_back(e.root);
  return roots;
}

Status Backups::Validate(const std::vector<uint32_t>& other_roots) const {
  const uint32_t r = root();
  if (r == 0) return Status::OK();
  if (r >= pager_->page_count()) {
    return Status::Corruption("backups root page " + std::to_string(r) + " is past the end");
  }
  std::set<uint32_t> seen(other_roots.begin(), other_roots.end());
  if (!seen.insert(r).second) {
    return Status::Corruption("backups root page " + std::to_string(r) + " is used twice");
  }
  Result<std::vector<BackupEntry>> all = All();
  if (!all.ok()) return all.status();
  for (const BackupEntry& e : *all) {
    if (e.root >= pager_->page_count()) {
      return EntryCorruption(e.arn, "root page " + std::to_string(e.root) + " is past the end");
    }
    if (!seen.insert(e.root).second) {
      return EntryCorruption(e.arn, "root page " + std::to_string(e.root) + " is used twice");
    }
  }
  return Status::OK();
}

Status Backups::CheckContents() const {
  Result<std::vector<BackupEntry>> all = All();
  if (!all.ok()) return all.status();
  for (const BackupEntry& e : *all) {
    const bool has_sort_key = e.table.range_key.has_value();
    uint64_t count = 0;
    uint64_t size = 0;
    Cursor c(pager_, e.root);
    Status s;
    for (s = c.SeekToFirst(); s.ok() && c.Valid(); s = c.Next()) {
      const std::string where = "item " + std::to_string(count) + ": ";
      Result<DecodedTableKey> key = DecodeTableKey(c.key(), has_sort_key);
      if (!key.ok()) return EntryCorruption(e.arn, where + key.status().message());
      Result<std::string_view> v = c.value();
      if (!v.ok()) return v.status();
      Result<Item> item = DecodeItem(*v);
      if (!item.ok()) return EntryCorruption(e.arn, where + item.status().message());
      std::optional<std::string> from_item = ItemKey(e.table, *item);
      if (!from_item || *from_item != c.key()) {
        return EntryCorruption(e.arn, where + "key attributes do not match the stored key");
      }
      ++count;
      size += ItemSize(*item);
    }
    if (!s.ok()) return s;
    if (count != e.table.item_count || size != e.table.size_bytes) {
      return EntryCorruption(e.arn, "entry counts " + std::to_string(e.table.item_count) +
                                        " items / " + std::to_string(e.table.size_bytes) +
                                        " bytes, tree holds " + std::to_string(count) + " / " +
                                        std::to_string(size));
    }
  }
  return Status::OK();
}

}  // namespace pd
