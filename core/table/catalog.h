// Catalog: the list of tables of one database, kept as a B+tree in the pager
// (root slot kCatalogRootSlot, i.e. slot 0): table name -> CatalogEntry.
//
//   Catalog catalog(pager);
//   Result<CatalogEntry> e = catalog.Create(description);   // new table + its tree
//   Result<CatalogEntry> t = catalog.Get("Orders");         // NotFound if absent
//   t->description.item_count += 1; ...; catalog.Update(*t);
//   Result<CatalogEntry> gone = catalog.Drop("Orders");     // frees the table's pages
//
// The catalog tree is created lazily by the first Create(): a new database has
// root slot 0 == 0 and no tables, so creating an engine dirties nothing.
//
// Entry byte format (the value stored under the table name; format version 1,
// integers little-endian, util/coding.h). This file owns it.
//   OFFSET   SIZE  DESCRIPTION
//   0        1     entry format version (kCatalogEntryVersion = 1)
//   1        4     table tree root page id (never 0)
//   5        8     item count: items in the table tree
//   13       8     table size: sum of ItemSize() of the items, bytes (value/item.h)
//   21       2     n: number of secondary index trees
//   23       20*n  one record per secondary index, in the order of the
//                  description's indexes (record i is description.indexes[i]):
//                    +0   4  index tree root page id (never 0)
//                    +4   8  index item count: entries in the index tree
//                    +12  8  index size: sum of ItemSize() of the entries, bytes
//   23+20n   ...   TableDescription::Encode() (table/table_description.h), with its
//                  item_count and size_bytes fields 0: the counts above are the
//                  authoritative ones (they change on every write; the description
//                  bytes change only with table metadata)
//   The key is the table name's bytes and must equal the description's name;
//   n must equal the number of indexes the description defines.
//
// Ownership and validity: Catalog is a small handle on a pager it does not own
// (the pager must outlive it). It keeps no state besides the pager pointer,
// the engine's change log (table/stream_log.h; null in tools and tests
// that need no stream records) and a memo of decoded descriptions keyed by
// their bytes (Get decodes a table's description only when its stored bytes
// differ from the last ones it decoded: on every call but the first after a
// table-management change), so it stays correct across pager rollbacks and
// whatever else rewrites the pages. Entries are returned by value. Get is
// const but fills the memo: a Catalog is not for concurrent use.
//
// Writes (Create, Update, Drop) change pages: run them inside a pager
// operation (Pager::BeginOperation) and roll it back on any non-OK status,
// as the engine does for every request.
//
// Errors: NotFound (no such table), InvalidArgument (Create of an existing
// name), Corruption (an entry or tree that does not decode; the message says
// which table), OutOfSpace (pager full).
#ifndef PD_TABLE_CATALOG_H_
#define PD_TABLE_CATALOG_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pager/pager.h"
#include "table/root_slots.h"
#include "table/table_description.h"
#include "util/status.h"

namespace pd {

class ChangeLog;

constexpr uint8_t kCatalogEntryVersion = 1;  // entry format version (above)

struct CatalogEntry {
  TableDescription description;       // metadata; item_count/size_bytes (the table's and
                                      // each index's) are the live counts
  uint32_t root = 0;                  // page id of the table's B+tree root
  std::vector<uint32_t> index_roots;  // root page id of description.indexes[i]'s tree
};

// One page of ListTables.
struct TableNamePage {
  std::vector<std::string> names;             // in byte order of the names
  std::optional<std::string> last_evaluated;  // set when more names follow
};

class Catalog {
 public:
  // REQUIRES: pager outlives the catalog.
  explicit Catalog(Pager* pager) : pager_(pager) {}

  Pager* pager() const { return pager_; }

  // Where Table::Put / Table::Delete record item changes; null = nowhere.
  // REQUIRES: log outlives the catalog.
  void set_change_log(ChangeLog* log) { change_log_ = log; }
  ChangeLog* change_log() const { return change_log_; }

  // The entry of table `name`, or NotFound.
  Result<CatalogEntry> Get(std::string_view name) const;

  // Creates an empty table tree and one empty tree per secondary index of the
  // description, and stores its entry (counts 0), creating the catalog tree
  // first if needed. Returns the new entry. InvalidArgument if a table named
  // description.name exists.
  Result<CatalogEntry> Create(const TableDescription& description);

  // Rewrites the entry of entry.description.name (metadata, counts, roots).
  // NotFound if no such table.
  Status Update(const CatalogEntry& entry);

  // Rewrites only the counts of entry.description.name's entry (the table's
  // and each index's item count and size) from `entry`, keeping the stored
  // description and roots: what a write of items changes, without encoding
  // the description again. NotFound if no such table; Corruption if the
  // stored entry has another number of index trees than entry.index_roots.
  Status UpdateCounts(const CatalogEntry& entry);

  // Removes table `name`: frees every page of its trees and deletes its entry.
  // Returns the entry as it was. NotFound if no such table.
  Result<CatalogEntry> Drop(std::string_view name);

  // Up to `limit` table names after `exclusive_start` ("" = from the first),
  // in byte order, with last_evaluated set when more names follow.
  // REQUIRES: limit >= 1.
  Result<TableNamePage> List(std::string_view exclusive_start, uint32_t limit) const;

  // Every entry, in name order.
  Result<std::vector<CatalogEntry>> All() const;

  // Root page ids of every tree of the database: the catalog tree (if it
  // exists) and each table's trees. What CheckDatabase needs.
  Result<std::vector<uint32_t>> AllRoots() const;

  // Decodes every entry and checks what can be checked without walking the
  // table trees: entry format, key == description name, root ids in range
  // and distinct, nothing after the description. Corruption otherwise.
  Status Validate() const;

  // The entry format above. Decode returns Corruption for anything Encode
  // cannot produce (the message names the table).
  static std::string EncodeEntry(const CatalogEntry& entry);
  static Result<CatalogEntry> DecodeEntry(std::string_view name, std::string_view bytes);

 private:
  // A table's description as last decoded, and the bytes it was decoded from.
  struct DecodedDescription {
    bool valid = false;
    std::string bytes;
    TableDescription description;  // counts 0, as stored
  };
  static constexpr size_t kMaxDecodedDescriptions = 64;  // the memo is cleared beyond

  // DecodeEntry, reusing `memo` (when given) if the description bytes are
  // memo->bytes, and refilling it otherwise.
  static Result<CatalogEntry> DecodeEntryWith(std::string_view name, std::string_view bytes,
                                              DecodedDescription* memo);
  uint32_t root() const { return pager_->root(kCatalogRootSlot); }

  Pager* pager_;                     // not owned
  ChangeLog* change_log_ = nullptr;  // not owned; null = changes are not recorded
  mutable std::map<std::string, DecodedDescription, std::less<>> decoded_;  // by table name
};

}  // namespace pd

#endif  // PD_TABLE_CATALOG_H_
