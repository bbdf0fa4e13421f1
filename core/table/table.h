// Table: one DynamoDB table over its B+tree — the mapping between items and
// primary keys (with DynamoDB's key rules and messages), item reads and
// writes that keep ItemCount / TableSizeBytes exact, and ordered iteration
// for Query and Scan. Used by every item operation (single item, batch,
// transaction, Query, Scan).
//
//   Result<Table> t = Table::Open(&catalog, "Orders");       // NotFound if absent
//   Result<PrimaryKey> k = t->KeyFromItem(item);             // PutItem's Item
//   Result<std::optional<Item>> old = t->Get(*k);
//   Status s = t->Put(*k, item, *old);                        // counts kept exact
//
//   TableIterator it = t->NewIterator(PartitionRange(pk), /*forward=*/true);
//   for (Status s = it.SeekToStart(); s.ok() && it.Valid(); s = it.Next()) {
//     Result<Item> item = it.item();  ...
//   }
//
// Stored form: the table tree maps EncodeTableKey(pk[, sk]) (keys/key_codec.h:
// a partition-hash prefix, then order-preserving key values) to
// EncodeItem(item) (value/item_codec.h). The whole item, key attributes
// included, is stored. The catalog entry (table/catalog.h) holds the item
// count and the sum of ItemSize() over the items; every Put/Delete rewrites it
// in the same pager operation, so the counts are exact at every commit.
//
// Key errors are Validation whose message is DynamoDB's complete
// ValidationException text, checked per key attribute (partition key first)
// in this order:
//   item (PutItem, transaction Put, BatchWrite PutRequest) — KeyFromItem:
//     "One or more parameter values were invalid: Missing the key <k> in the item"
//     "One or more parameter values were invalid: Type mismatch for key <k>
//      expected: <T> actual: <U>"
//   key map (GetItem, DeleteItem, UpdateItem, ... Key) — KeyFromKeyMap:
//     "The provided key element does not match the schema"  (attribute count
//      differs from the key schema, a key attribute missing or of another type)
//   both:
//     "One or more parameter values are not valid. The AttributeValue for a key
//      attribute cannot contain an empty string value. Key: <k>"   (B: "binary")
//     "One or more parameter values were invalid: Size of hashkey has exceeded
//      the maximum size limit of2048 bytes"                        (sic, DynamoDB's text)
//     "One or more parameter values were invalid: Aggregated size of all range
//      keys has exceeded the size limit of 1024 bytes"
// The rules fall in two groups, which operations word or place differently
// (BatchWriteItem, transactions: api/ops/handler_util.h), so both functions
// also say which group failed (KeyFault): kShape, the first three (the key's
// attributes: one missing, of another type, other attributes than the key
// schema's), or kValue, the last three (a key attribute's value).
//
// Handles and validity: Table is a value holding a copy of the table's
// catalog entry and a pointer to the Catalog (hence the pager), which must
// outlive it. It is valid for the duration of one request: another request
// may drop or change the table. Writes through one Table handle keep its
// copy of the counts current; do not write one table through two handles in
// the same request (the counts of the second would be stale).
//
// Secondary indexes: Put and Delete keep every index tree of the table and
// its counts in step, in the same pager operation, through the one call
// UpdateIndexes (table/index_maintenance.h); Put first checks the new item's
// index keys (DynamoDB's messages there) and writes nothing when they fail.
//
// Change records: Put and Delete each make one call to RecordItemChange
// (table/stream_log.h), which writes the table's stream record (if it has
// an enabled stream) in the same pager operation and feeds the JS change
// feed.
//
// Writes (Put, Delete) must run inside a pager operation and be rolled back
// on failure (btree/btree.h). Any write invalidates every TableIterator (and
// btree Cursor) on the pager.
#ifndef PD_TABLE_TABLE_H_
#define PD_TABLE_TABLE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "btree/cursor.h"
#include "keys/key_codec.h"
#include "table/catalog.h"
#include "table/table_description.h"
#include "util/status.h"
#include "value/attribute_value.h"
#include "value/item.h"

namespace pd {

// The primary key of one item: its values and its table-tree key.
struct PrimaryKey {
  AttributeValue pk;                 // partition key value (S, N or B)
  std::optional<AttributeValue> sk;  // sort key value, iff the table has a sort key
  std::string encoded;               // EncodeTableKey(pk, sk): the B+tree key
};

// Ordered iteration over the items whose table keys lie in a KeyRange
// (keys/key_codec.h: PartitionRange for a partition, SortKeyRange for a
// Query's key condition, ScanSegmentRange for a parallel Scan segment,
// KeyRange{} for the whole table), forwards or backwards.
//
// Seek* / Next return OK (then Valid() says whether an item is under the
// iterator) or Corruption. key() and value views are valid until the
// iterator moves or the pager changes; any write to the pager invalidates
// the iterator (save std::string(key()) and re-seek with SeekAfter).
class TableIterator {
 public:
  TableIterator(const Pager* pager, uint32_t root, KeyRange range, bool forward, bool has_sort_key)
      : cursor_(pager, root),
        range_(std::move(range)),
        forward_(forward),
        has_sort_key_(has_sort_key) {
    // Paged mode: a fault on a leaf also fetches the next leaves of the range.
    cursor_.set_read_ahead(forward, forward ? range_.limit : range_.start);
  }

  // First entry of the range in iteration order (smallest key forwards,
  // largest backwards).
  Status SeekToStart();
  // First entry of the range strictly after `key` in iteration order: where
  // a Query/Scan continues from ExclusiveStartKey (encoded). `key` need not
  // exist or lie in the range.
  Status SeekAfter(std::string_view key);
  // REQUIRES: Valid().
  Status Next();

  bool Valid() const { return valid_; }
  // REQUIRES: Valid(). The table key (EncodeTableKey form).
  std::string_view key() const { return cursor_.key(); }
  // REQUIRES: Valid(). The stored item, decoded (Corruption if it does not decode).
  Result<Item> item();
  // REQUIRES: Valid(). The stored item's bytes (value/item_codec.h), not
  // checked; valid until the iterator moves.
  Result<std::string_view> encoded_item() { return cursor_.value(); }
  // REQUIRES: Valid(). The current key decoded into values (Corruption if malformed).
  Result<PrimaryKey> primary_key() const;

 private:
  // Sets valid_ from the cursor position and the range bound.
  Status Settle(Status s);

  Cursor cursor_;       // over the table tree
  KeyRange range_;      // [start, limit) in table-key order; limit "" = unbounded
  bool forward_;        // ascending key order if true
  bool has_sort_key_;   // the table's keys carry a sort component
  bool valid_ = false;  // positioned on an entry inside range_
};

// Which group of the key rules above a key broke.
enum class KeyFault {
  kShape,  // "Missing the key", "Type mismatch for key", "does not match the schema"
  kValue,  // an empty key value, a key value over its size limit
};

class Table {
 public:
  // The table named `name`. NotFound if there is none; Corruption if its
  // catalog entry does not decode. REQUIRES: catalog outlives the Table.
  static Result<Table> Open(Catalog* catalog, std::string_view name);

  // Metadata; item_count and size_bytes are current (including this
  // handle's own writes).
  const TableDescription& description() const { return entry_.description; }
  const std::string& name() const { return entry_.description.name; }
  const KeyAttribute& hash_key() const { return entry_.description.hash_key; }
  const std::optional<KeyAttribute>& range_key() const { return entry_.description.range_key; }
  bool has_sort_key() const { return entry_.description.range_key.has_value(); }
  uint32_t root() const { return entry_.root; }

  // True if `attribute` is the partition or the sort key attribute.
  bool IsKeyAttribute(std::string_view attribute) const;

  // The primary key of an item to be written (messages above). On an error,
  // *fault (if given) says which group of rules failed.
  Result<PrimaryKey> KeyFromItem(const Item& item, KeyFault* fault = nullptr) const;
  // The primary key named by a Key map (messages above; *fault as above).
  Result<PrimaryKey> KeyFromKeyMap(const AttributeMap& key, KeyFault* fault = nullptr) const;
  // The key attributes alone, as an item: {pk: v[, sk: v]}.
  Item KeyItem(const PrimaryKey& key) const;
  // Decodes a table-tree key of this table. Corruption if malformed.
  Result<PrimaryKey> DecodeKey(std::string_view encoded) const;

  // The item stored under key, or nullopt. Corruption if it does not decode.
  Result<std::optional<Item>> Get(const PrimaryKey& key) const;
  // The bytes stored under key (value/item_codec.h, not checked): true and
  // *encoded set, or false when there is no such item.
  Result<bool> GetEncoded(const PrimaryKey& key, std::string* encoded) const;

  // Inserts or replaces the item under key and updates the counts in the
  // catalog. `old` must be what Get(key) returns at this point of the
  // operation (the caller has read it for conditions / ReturnValues); it
  // tells whether the item count grows and by how much the size changes.
  // REQUIRES: key == KeyFromItem(item); item within DynamoDB's limits (the
  // caller checks the 400 KB size, api/ uses the exact DynamoDB messages).
  Status Put(const PrimaryKey& key, const Item& item, const std::optional<Item>& old);

  // Removes the item under key (nothing to do when old is nullopt) and
  // updates the counts. `old` as for Put. InvalidArgument if old says an
  // item exists but the tree has none (a caller bug, reported not hidden).
  Status Delete(const PrimaryKey& key, const std::optional<Item>& old);

  // The secondary index key rules (table/index_maintenance.h) for an item to
  // be written: Validation with DynamoDB's message. Put checks them
  // too; handlers call this early to report them before conditions.
  Status CheckIndexKeys(const Item& item) const;

  // The catalog entry (index tree roots, live counts).
  const CatalogEntry& entry() const { return entry_; }
  Catalog* catalog() const { return catalog_; }

  // Iteration over `range` (see TableIterator). Not positioned yet.
  TableIterator NewIterator(KeyRange range, bool forward) const;

  // Walks the whole table tree and checks that every key decodes for this
  // table's key schema, every value decodes, the item's key attributes match
  // its tree key, and that the item count and size sum equal the catalog's;
  // then that every secondary index equals a rebuild from the table
  // (CheckIndexContents). Corruption describing the first mismatch.
  Status CheckContents() const;

 private:
  Table(Catalog* catalog, CatalogEntry entry) : catalog_(catalog), entry_(std::move(entry)) {}

  // Validates one key attribute value found in an item or a key map.
  Status CheckKeyValue(const KeyAttribute& attribute, const AttributeValue& value,
                       bool is_hash) const;
  PrimaryKey MakeKey(const AttributeValue& pk, const AttributeValue* sk) const;
  Status WriteCounts(uint64_t item_count, uint64_t size_bytes);

  Catalog* catalog_;    // not owned
  CatalogEntry entry_;  // copy of the table's entry; counts kept current by Put/Delete
};

}  // namespace pd

#endif  // PD_TABLE_TABLE_H_
