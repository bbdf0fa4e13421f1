// Index maintenance: the entries a table's secondary indexes hold for an
// item, keeping them in step with every item write, filling a new index
// from the table, and checking that an index equals a rebuild from it.
//
// Entry form. For index X of a table with partition key P [and sort key R],
// an item that has X's key attributes (all of them: sparse indexes leave out
// items missing any) has exactly one entry in X's tree:
//   key   := EncodeTableKey(item[X.hash], item[X.range]?)   (keys/key_codec.h:
//            hash prefix of X's partition key, enc(X.hash) [enc(X.range)])
//            enc(item[P]) [enc(item[R])]                     the table key's
//            components, so entries of equal index keys stay distinct
//   value := EncodeItem(projection) (value/item_codec.h), where projection is
//            the item's X key attributes and table key attributes, plus:
//            ALL every other attribute, INCLUDE the NonKeyAttributes the item
//            has, KEYS_ONLY nothing else.
// Because key components are self-delimiting, the key ranges of
// keys/key_codec.h (PartitionRange, SortKeyRange, ScanSegmentRange) select
// index entries by their index key exactly as they select table items.
// An index's counts (catalog entry, table/catalog.h) are its number of
// entries and the sum of ItemSize(projection) over them.
//
// Index key rules (DynamoDB's messages; Validation carries the text):
//   "One or more parameter values were invalid: Type mismatch for Index Key
//    <attr> Expected: <T> Actual: <U> IndexName: <index>"
//   "One or more parameter values are not valid. A value specified for a
//    secondary index key is not supported. The AttributeValue for a key
//    attribute cannot contain an empty string value. IndexName: <index>,
//    IndexKey: <attr>"                                        (B: "binary")
//   and the table's key size messages (table/table.h) for an index partition
//   key over 2048 bytes or sort key over 1024 bytes.
// Indexes are checked in description order, partition key before sort key.
//
// Writes run inside the caller's pager operation: a failed call may have
// changed pages, and the caller rolls the operation back (table/table.h).
#ifndef PD_TABLE_INDEX_MAINTENANCE_H_
#define PD_TABLE_INDEX_MAINTENANCE_H_

#include <cstddef>
#include <optional>
#include <string>

#include "pager/pager.h"
#include "table/catalog.h"
#include "table/secondary_index.h"
#include "table/table_description.h"
#include "util/status.h"
#include "value/item.h"

namespace pd {

// One index entry: its tree key and its projected item.
struct IndexEntry {
  std::string key;  // index tree key (format above)
  Item value;       // the projected item stored under it
};

// The index key rules above for `item` against every index of `table`.
Status CheckIndexKeys(const TableDescription& table, const Item& item);

// The entry of `item` in `index`, or nullopt when the item lacks one of the
// index's key attributes or holds one that breaks the index key rules (only
// items stored before the index existed can: a backfill leaves such
// violations out, as DynamoDB's does). REQUIRES: the item has the table's
// key attributes.
std::optional<IndexEntry> MakeIndexEntry(const TableDescription& table, const SecondaryIndex& index,
                                         const Item& item);

// THE maintenance call of Table::Put / Table::Delete: the item `old`
// (nullptr: none) is replaced by `now` (nullptr: deleted). Checks `now`'s
// index keys first (nothing is written when they fail), then updates each
// index tree whose entry changes and the index counts in
// entry->description.indexes (the caller writes the entry back).
// REQUIRES: old and now, when both given, have the same table key.
Status UpdateIndexes(Pager* pager, CatalogEntry* entry, const Item* old, const Item* now);

// Fills index `position` of the entry (whose tree is empty) from every item
// of the table (those MakeIndexEntry gives an entry) and sets its counts.
Status BackfillIndex(Pager* pager, CatalogEntry* entry, size_t position);

// UpdateTable's index changes on the entry (the caller writes it back; a
// failure fails the whole operation, which the pager rolls back).
// AddIndex: `index` becomes the last of description.indexes, with a new
// tree filled by BackfillIndex. DropIndex: index `position`'s tree is
// freed and the index leaves description.indexes and index_roots.
Status AddIndex(Pager* pager, CatalogEntry* entry, SecondaryIndex index);
Status DropIndex(Pager* pager, CatalogEntry* entry, size_t position);

// Checks that every index tree holds exactly the entries MakeIndexEntry
// gives for the table's items (keys and projected values), and that the
// catalog's index counts equal its entries. Corruption describing the first
// difference.
Status CheckIndexContents(Pager* pager, const CatalogEntry& entry);

}  // namespace pd

#endif  // PD_TABLE_INDEX_MAINTENANCE_H_
