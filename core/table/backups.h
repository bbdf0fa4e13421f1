// Backups: DynamoDB's on-demand backups (CreateBackup and friends), kept in
// the database itself as consistent snapshots of one table each.
//
//   Backups backups(pager);
//   Result<BackupEntry> b = backups.Create(&catalog, "Orders", "nightly", now_ms);
//   Result<BackupEntry> same = backups.Get(b->arn);          // NotFound if absent
//   ... catalog.Create(restored description); Table::Open(...) ...
//   Status s = backups.RestoreInto(*same, &restored_table);  // items via Table::Put
//   Result<BackupEntry> gone = backups.Drop(b->arn);          // frees its pages
//
// Storage. A backups tree (root in pager root slot kBackupRootSlot, created
// by the first backup) maps each backup's ARN to its entry (below), and each
// backup owns one B+tree holding a copy of its table's tree at the instant
// of the backup: the same keys (EncodeTableKey, keys/key_codec.h) and the
// same values (EncodeItem, value/item_codec.h), byte for byte. Create copies
// every entry of the table tree and writes the backups-tree entry within
// the caller's pager operation, so a backup is all there or, after a
// rollback, not there at all. Backups are independent of the catalog: they
// survive DeleteTable of their source table, and a restore makes a new table
// through the normal catalog path and writes every item with Table::Put, so
// whatever Table::Put maintains (counts, secondary index trees) is rebuilt.
//
// Backups tree entry (the value stored under the ARN; integers little-endian,
// util/coding.h). This file owns the format.
//   OFFSET  SIZE  DESCRIPTION
//   0       1     entry format version (kBackupEntryVersion = 1)
//   1       4     root page id of the backup's copy of the items (never 0)
//   5       8     BackupCreationDateTime: ms since the Unix epoch (int64)
//   13      2     n: length of the backup name in bytes (3..255)
//   15      n     BackupName, [a-zA-Z0-9_.-]
//   15+n    ...   TableDescription::Encode() (table/table_description.h) of the
//                 source table at backup time, its item_count and size_bytes
//                 those of the copy (ItemCount / TableSizeBytes of the snapshot)
//   The key is the ARN: "arn:aws:dynamodb:local:000000000000:table/<table>/
//   backup/<created ms, 14 digits>-<8 hex digits>" (DynamoDB's form), and
//   must name the description's table. ARN order is table name, then time.
//
// Ownership and validity: Backups is a stateless handle on a pager it does
// not own (the pager must outlive it), valid across rollbacks. Entries are
// returned by value. Create, Drop and RestoreInto write pages: run them
// inside a pager operation and roll it back on any non-OK status.
//
// Errors: NotFound (no backup with that ARN; Create: no such table),
// Corruption (an entry or tree that does not decode; the message names the
// backup), OutOfSpace (pager full).
#ifndef PD_TABLE_BACKUPS_H_
#define PD_TABLE_BACKUPS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "pager/pager.h"
#include "table/catalog.h"
#include "table/root_slots.h"
#include "table/table.h"
#include "table/table_description.h"
#include "util/status.h"

namespace pd {

constexpr uint8_t kBackupEntryVersion = 1;  // entry format version (above)

struct BackupEntry {
  std::string arn;         // BackupArn; the key in the backups tree
  std::string name;        // BackupName, 3-255 of [a-zA-Z0-9_.-]
  int64_t created_ms = 0;  // BackupCreationDateTime, ms since the Unix epoch
  uint32_t root = 0;       // page id of the root of the backup's item tree
  TableDescription table;  // the source table as it was; counts are the snapshot's
};

// What ListBackups selects (every member optional).
struct BackupFilter {
  std::optional<std::string> table_name;  // only backups of this table
  std::optional<int64_t> lower_ms;        // created_ms >= lower_ms (inclusive)
  std::optional<int64_t> upper_ms;        // created_ms < upper_ms (exclusive)
};

// One page of ListBackups.
struct BackupPage {
  std::vector<BackupEntry> entries;           // in ARN order
  std::optional<std::string> last_evaluated;  // ARN of the last entry when more follow
};

class Backups {
 public:
  // REQUIRES: pager outlives the handle.
  explicit Backups(Pager* pager) : pager_(pager) {}

  // The backup with this ARN, or NotFound.
  Result<BackupEntry> Get(std::string_view arn) const;

  // Snapshots table `table_name` of `catalog` (same pager) as a backup named
  // `backup_name` created at now_ms: copies every item and the description.
  // NotFound if there is no such table. REQUIRES: inside a pager operation;
  // backup_name valid (the API checks it).
  Result<BackupEntry> Create(Catalog* catalog, std::string_view table_name,
                             std::string_view backup_name, int64_t now_ms);

  // Deletes the backup and frees every page of its item tree. Returns the
  // entry as it was. NotFound if absent.
  Result<BackupEntry> Drop(std::string_view arn);

  // Writes every item of `backup` into `table` with Table::Put, in key order.
  // REQUIRES: table is empty and has the backup's key schema. Corruption if
  // a stored item does not decode or does not match its key.
  Status RestoreInto(const BackupEntry& backup, Table* table) const;

  // Up to `limit` backups matching `filter` whose ARN is after
  // exclusive_start ("" = from the first), in ARN order; last_evaluated set
  // when more matching backups follow. REQUIRES: limit >= 1.
  Result<BackupPage> List(const BackupFilter& filter, std::string_view exclusive_start,
                          uint32_t limit) const;

  // Every backup, in ARN order.
  Result<std::vector<BackupEntry>> All() const;

  // Root page ids of the backups tree (if it exists) and of every backup's
  // item tree: what CheckDatabase needs besides the catalog's.
  Result<std::vector<uint32_t>> AllRoots() const;

  // Decodes every entry; checks the key matches the ARN form and the
  // description's table, and that root ids are in range and distinct (also
  // from `other_roots`, the catalog's). Does not walk the item trees.
  Status Validate(const std::vector<uint32_t>& other_roots) const;

  // Walks every backup's item tree: every key decodes for the backup's key
  // schema, every value decodes, the item's key attributes match its key,
  // and item count and size sum equal the entry's. Corruption otherwise.
  Status CheckContents() const;

  // Root page of the backups tree, 0 while no backup was ever made.
  uint32_t root() const { return pager_->root(kBackupRootSlot); }

  // "arn:aws:dynamodb:local:000000000000:table/<table>/backup/<ms>-<suffix>".
  static std::string MakeArn(std::string_view table_name, int64_t created_ms, uint32_t suffix);

  // The entry format above. Decode returns Corruption (naming the ARN) for
  // anything Encode cannot produce.
  static std::string EncodeEntry(const BackupEntry& entry);
  static Result<BackupEntry> DecodeEntry(std::string_view arn, std::string_view bytes);

 private:
  Pager* pager_;  // not owned
};

}  // namespace pd

#endif  // PD_TABLE_BACKUPS_H_
