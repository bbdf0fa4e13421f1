// Pager: the database as fixed-size pages held in memory, plus the commit and
// rollback bookkeeping that the persistence layer (web/persistence) and the
// B+tree rely on. This is the interface btree/ and table/ may include.
//
// Pages
//   A database is pages 0 .. page_count()-1 of page_size() bytes each. Page 0
//   is the meta page (format in pager/format.h); every other page is owned by
//   a higher layer (btree node, overflow page) or is on the free list. The
//   first kPageHeaderSize bytes of every page are the common header (id, type,
//   LSN, CRC32C; pager/format.h); a page's owner may use the rest freely.
//   The in-memory image of a page IS its persisted form: there is no separate
//   serialisation step.
//
// Pointers
//   Get() and GetMutable() return pointers into pager-owned memory, valid
//   until the next call to Allocate(), Free(), Rollback*(), TakeCommit() or
//   destruction (callers re-fetch after those). Writes through a pointer from
//   Get() are forbidden; GetMutable() marks the page dirty and must be called
//   before the first write of a page in an operation.
//
// Three levels of "undo"
//   1. Operation: BeginOperation() .. EndOperation() brackets one logical
//      change (an item write, a whole transaction). RollbackOperation()
//      restores every page, the page count, the free list and the meta roots
//      to what they were at BeginOperation(). A failed operation changes
//      nothing.
//   2. Pending: changes since the last TakeCommit() form the next commit.
//   3. Durable: TakeCommit() hands out a CommitBatch (copies of every dirty
//      page, sealed with the batch's LSN and CRC, plus the new meta page) and
//      starts a new pending set. Several batches may be in flight at once.
//      MarkDurable(lsn) says the batch with that LSN reached a quorum of
//      replicas. RollbackToDurable() discards every in-flight batch and every
//      pending change, restoring the state of the last durable LSN.
//
// Loading
//   Load() rebuilds a pager from page images (typically read from a replica):
//   it checks the meta page (magic, version, CRC), every page's CRC, that each
//   page's id matches its slot, and that no page's LSN is newer than the
//   meta's. A bad page is reported as Corruption naming the page id, so the
//   caller can fetch that page from another replica.
//
// Thread safety: none; the core is single-threaded.
#ifndef PD_PAGER_PAGER_H_
#define PD_PAGER_PAGER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "pager/format.h"
#include "util/status.h"

namespace pd {

// One commit as handed to persistence: every page image that changed since the
// previous commit, and the meta page, all sealed (LSN and CRC set).
struct CommitBatch {
  uint64_t lsn = 0;                  // LSN of this commit (previous LSN + 1)
  uint64_t prev_lsn = 0;             // the head LSN a replica must have to apply it
  uint32_t page_count = 0;           // pages in the database after this commit
  std::vector<uint32_t> page_ids;    // ids of the changed pages, ascending; includes 0 (meta)
  std::vector<std::string> images;   // images[i] is page page_ids[i], page_size bytes each
};

class Pager {
 public:
  // A new empty database: the meta page only, LSN 0, nothing dirty.
  // REQUIRES: page_size is a power of two in [kMinPageSize, kMaxPageSize].
  static Result<std::unique_ptr<Pager>> Create(uint32_t page_size);

  // A database from page images. images[i] is the image of page i.
  // Returns Corruption (naming the page) on any bad page; InvalidArgument if
  // the images are not all of one supported page size.
  static Result<std::unique_ptr<Pager>> Load(std::vector<std::string> images);

  Pager(const Pager&) = delete;
  Pager& operator=(const Pager&) = delete;
  ~Pager();

  uint32_t page_size() const;
  uint32_t page_count() const;    // including the meta page and free pages
  uint64_t lsn() const;           // LSN of the last batch taken (or loaded)
  uint64_t durable_lsn() const;   // LSN of the last batch marked durable (or loaded)

  // The page's bytes, or nullptr if id >= page_count().
  const uint8_t* Get(uint32_t id) const;
  // Same, and marks the page dirty (saving what undo needs first).
  // REQUIRES: id != 0 (the meta page is written only through the root slots).
  uint8_t* GetMutable(uint32_t id);

  // A page for the caller: from the free list, else a new one at the end.
  // Its content is zeroed and its header says `type`. The page is dirty.
  // OutOfSpace if the database would exceed kMaxPageCount pages.
  Result<uint32_t> Allocate(PageType type);
  // Returns a page to the free list. REQUIRES: id is allocated and != 0.
  void Free(uint32_t id);
  uint32_t free_page_count() const;

  // Small fixed slots in the meta page where higher layers keep root page ids
  // (slot 0: the catalog tree). 0 means "none". Changes are transactional
  // like page writes.
  uint32_t root(int slot) const;            // REQUIRES: 0 <= slot < kRootSlots
  void set_root(int slot, uint32_t page_id);

  // --- operations (level 1) ---
  // REQUIRES: no operation open. Operations do not nest.
  void BeginOperation();
  void EndOperation();        // keeps the changes in the pending set
  void RollbackOperation();   // restores the state at BeginOperation()
  bool in_operation() const;

  // --- commits (levels 2 and 3) ---
  bool has_pending_changes() const;
  // Seals and copies the pending changes as the next commit.
  // REQUIRES: no operation open, and has_pending_changes().
  CommitBatch TakeCommit();
  // The batch with this LSN is on a quorum of replicas. Batches become
  // durable in LSN order. REQUIRES: lsn is that of the oldest batch taken
  // and not yet durable.
  void MarkDurable(uint64_t lsn);
  // Back to the state of durable_lsn(): drops in-flight batches and pending
  // changes. REQUIRES: no operation open.
  void RollbackToDurable();

  // Every page image, sealed, as of lsn(): what a replica holding every batch
  // taken so far holds. Used by tests and by full replica rebuilds.
  // REQUIRES: !has_pending_changes().
  std::vector<std::string> SnapshotImages() const;

 private:
  class Impl;
  explicit Pager(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pd

#endif  // PD_PAGER_PAGER_H_
