// Item <-> key mapping, item storage and iteration (contract in
// table/table.h). The stored form is documented there and in the codecs it
// uses (keys/key_codec.h, value/item_codec.h).
#include "table/table.h"

#include <utility>

#include "api/messages.h"
#include "btree/btree.h"
#include "table/index_maintenance.h"
#include "table/limits.h"
#include "table/stream_log.h"
#include "value/item_codec.h"

namespace pd {
namespace {

using api::msg::kInvalidParameter;
using api::msg::kKeySchemaMismatch;

Status Invalid(std::string message) { return Status::Validation(std::move(message)); }

}  // namespace

// ---- TableIterator ------------------------------------------------------------

Status TableIterator::Settle(Status s) {
  valid_ = false;
  if (!s.ok()) return s;
  if (!cursor_.Valid()) return Status::OK();
  if (forward_) {
    valid_ = range_.limit.empty() || cursor_.key() < std::string_view(range_.limit);
  } else {
    valid_ = cursor_.key() >= std::string_view(range_.start);
  }
  return Status::OK();
}

Status TableIterator::SeekToStart() {
  if (forward_) {
    return Settle(range_.start.empty() ? cursor_.SeekToFirst() : cursor_.Seek(range_.start));
  }
  if (range_.limit.empty()) return Settle(cursor_.SeekToLast());
  Status s = cursor_.SeekForPrev(range_.limit);
  if (s.ok() && cursor_.Valid() && cursor_.key() == std::string_view(range_.limit)) {
    s = cursor_.Prev();
  }
  return Settle(s);
}

Status TableIterator::SeekAfter(std::string_view key) {
  if (forward_) {
    if (key < std::string_view(range_.start)) return SeekToStart();
    Status s = cursor_.Seek(key);
    if (s.ok() && cursor_.Valid() && cursor_.key() == key) s = cursor_.Next();
    return Settle(s);
  }
  if (!range_.limit.empty() && key >= std::string_view(range_.limit)) return SeekToStart();
  Status s = cursor_.SeekForPrev(key);
  if (s.ok() && cursor_.Valid() && cursor_.key() == key) s = cursor_.Prev();
  return Settle(s);
}

Status TableIterator::Next() { return Settle(forward_ ? cursor_.Next() : cursor_.Prev()); }

Result<Item> TableIterator::item() {
  Result<std::string_view> v = cursor_.value();
  if (!v.ok()) return v.status();
  return DecodeItem(*v);
}

Result<PrimaryKey> TableIterator::primary_key() const {
  Result<DecodedTableKey> d = DecodeTableKey(cursor_.key(), has_sort_key_);
  if (!d.ok()) return d.status();
  PrimaryKey key;
  key.pk = std::move(d->pk);
  key.sk = std::move(d->sk);
  key.encoded = std::string(cursor_.key());
  return key;
}

// ---- Table ----------------------------------------------------------------------

Result<Table> Table::Open(Catalog* catalog, std::string_view name) {
  Result<CatalogEntry> entry = catalog->Get(name);
  if (!entry.ok()) return entry.status();
  return Table(catalog, std::move(entry).value());
}

bool Table::IsKeyAttribute(std::string_view attribute) const {
  return attribute == hash_key().name || (range_key() && attribute == range_key()->name);
}

Status Table::CheckKeyValue(const KeyAttribute& attribute, const AttributeValue& value,
                            bool is_hash) const {
  if (value.is(AttributeType::kN)) return Status::OK();  // numbers are always small enough
  const std::string& bytes = value.bytes();
  if (bytes.empty()) {
    return Invalid(
        std::string("One or more parameter values are not valid. The AttributeValue for a key "
                    "attribute cannot contain an empty ") +
        (value.is(AttributeType::kS) ? "string" : "binary") + " value. Key: " + attribute.name);
  }
  if (is_hash && bytes.size() > kMaxPartitionKeyBytes) {
    return Invalid(api::msg::HashKeyTooLarge(kMaxPartitionKeyBytes));
  }
  if (!is_hash && bytes.size() > kMaxSortKeyBytes) {
    return Invalid(api::msg::RangeKeyTooLarge(kMaxSortKeyBytes));
  }
  return Status::OK();
}

PrimaryKey Table::MakeKey(const AttributeValue& pk, const AttributeValue* sk) const {
  PrimaryKey key;
  key.pk = pk;
  if (sk != nullptr) key.sk = *sk;
  EncodeTableKey(pk, sk, &key.encoded);
  return key;
}

Result<PrimaryKey> Table::KeyFromItem(const Item& item, KeyFault* fault) const {
  KeyFault unused = KeyFault::kValue;
  if (fault == nullptr) fault = &unused;
  const AttributeValue* values[2] = {nullptr, nullptr};
  const KeyAttribute* attributes[2] = {&hash_key(), range_key() ? &*range_key() : nullptr};
  for (int i = 0; i < 2 && attributes[i] != nullptr; ++i) {
    const KeyAttribute& a = *attributes[i];
    const AttributeValue* v = item.Find(a.name);
    if (v == nullptr) {
      *fault = KeyFault::kShape;
      return Invalid(std::string(kInvalidParameter) + api::msg::kMissingKey + a.name +
                     " in the item");
    }
    if (v->type() != a.type) {
      *fault = KeyFault::kShape;
      return Invalid(std::string(kInvalidParameter) + api::msg::kKeyTypeMismatch + a.name +
                     " expected: " + AttributeTypeName(a.type) +
                     " actual: " + AttributeTypeName(v->type()));
    }
    Status s = CheckKeyValue(a, *v, i == 0);
    if (!s.ok()) {
      *fault = KeyFault::kValue;
      return s;
    }
    values[i] = v;
  }
  return MakeKey(*values[0], values[1]);
}

Result<PrimaryKey> Table::KeyFromKeyMap(const AttributeMap& key, KeyFault* fault) const {
  KeyFault unused = KeyFault::kValue;
  if (fault == nullptr) fault = &unused;
  const size_t expected = has_sort_key() ? 2 : 1;
  if (key.size() != expected) {
    *fault = KeyFault::kShape;
    return Invalid(kKeySchemaMismatch);
  }
  const AttributeValue* values[2] = {nullptr, nullptr};
  const KeyAttribute* attributes[2] = {&hash_key(), range_key() ? &*range_key() : nullptr};
  for (int i = 0; i < 2 && attributes[i] != nullptr; ++i) {
    const KeyAttribute& a = *attributes[i];
    const AttributeValue* v = key.Find(a.name);
    if (v == nullptr || v->type() != a.type) {
      *fault = KeyFault::kShape;
      return Invalid(kKeySchemaMismatch);
    }
    Status s = CheckKeyValue(a, *v, i == 0);
    if (!s.ok()) {
      *fault = KeyFault::kValue;
      return s;
    }
    values[i] = v;
  }
  return MakeKey(*values[0], values[1]);
}

Item Table::KeyItem(const PrimaryKey& key) const {
  Item item;
  item.Set(hash_key().name, key.pk);
  if (range_key() && key.sk) item.Set(range_key()->name, *key.sk);
  return item;
}

Result<PrimaryKey> Table::DecodeKey(std::string_view encoded) const {
  Result<DecodedTableKey> d = DecodeTableKey(encoded, has_sort_key());
  if (!d.ok()) return d.status();
  if (d->pk.type() != hash_key().type || (d->sk && d->sk->type() != range_key()->type)) {
    return Status::Corruption("table '" + name() + "': stored key of the wrong type");
  }
  PrimaryKey key;
  key.pk = std::move(d->pk);
  key.sk = std::move(d->sk);
  key.encoded = std::string(encoded);
  return key;
}

Result<std::optional<Item>> Table::Get(const PrimaryKey& key) const {
  std::string value;
  Status s = BTree(catalog_->pager(), entry_.root).Get(key.encoded, &value);
  if (s.IsNotFound()) return std::optional<Item>();
  if (!s.ok()) return s;
  Result<Item> item = DecodeItem(value);
  if (!item.ok()) {
    return Status::Corruption("table '" + name() + "': " + item.status().message());
  }
  return std::optional<Item>(std::move(item).value());
}

Result<bool> Table::GetEncoded(const PrimaryKey& key, std::string* encoded) const {
  Status s = BTree(catalog_->pager(), entry_.root).Get(key.encoded, encoded);
  if (s.IsNotFound()) return false;
  if (!s.ok()) return s;
  return true;
}

Status Table::WriteCounts(uint64_t item_count, uint64_t size_bytes) {
  const uint64_t old_count = entry_.description.item_count;
  const uint64_t old_size = entry_.description.size_bytes;
  entry_.description.item_count = item_count;
  entry_.description.size_bytes = size_bytes;
  Status s = catalog_->UpdateCounts(entry_);
  if (!s.ok()) {
    entry_.description.item_count = old_count;
    entry_.description.size_bytes = old_size;
  }
  return s;
}

Status Table::Put(const PrimaryKey& key, const Item& item, const std::optional<Item>& old) {
  Status s = UpdateIndexes(catalog_->pager(), &entry_, old ? &*old : nullptr, &item);
  if (!s.ok()) return s;
  std::string value;
  EncodeItem(item, &value);
  // The partition hash names the key's run: partitions grow at their ends.
  s = BTree(catalog_->pager(), entry_.root).Put(key.encoded, value, kTableKeyHashSize);
  if (!s.ok()) return s;
  s = RecordItemChange(catalog_, entry_.description, old, &item);
  if (!s.ok()) return s;
  uint64_t count = entry_.description.item_count;
  uint64_t size = entry_.description.size_bytes;
  if (old) {
    const uint64_t old_size = ItemSize(*old);
    if (old_size > size || count == 0) {
      return Status::Corruption("table '" + name() + "': counts below the replaced item");
    }
    size -= old_size;
  } else {
    ++count;
  }
  return WriteCounts(count, size + ItemSize(item));
}

Status Table::Delete(const PrimaryKey& key, const std::optional<Item>& old) {
  if (!old) return Status::OK();
  Status s = UpdateIndexes(catalog_->pager(), &entry_, &*old, nullptr);
  if (!s.ok()) return s;
  s = BTree(catalog_->pager(), entry_.root).Delete(key.encoded);
  if (s.IsNotFound()) {
    return Status::InvalidArgument("table '" + name() + "': deleting an item that is not stored");
  }
  if (!s.ok()) return s;
  s = RecordItemChange(catalog_, entry_.description, old, nullptr);
  if (!s.ok()) return s;
  const uint64_t old_size = ItemSize(*old);
  if (entry_.description.item_count == 0 || old_size > entry_.description.size_bytes) {
    return Status::Corruption("table '" + name() + "': counts below the deleted item");
  }
  return WriteCounts(entry_.description.item_count - 1, entry_.description.size_bytes - old_size);
}

TableIterator Table::NewIterator(KeyRange range, bool forward) const {
  return TableIterator(catalog_->pager(), entry_.root, std::move(range), forward, has_sort_key());
}

Status Table::CheckIndexKeys(const Item& item) const {
  return pd::CheckIndexKeys(entry_.description, item);
}

}  // namespace pd
