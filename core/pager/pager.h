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
//   serialisation step, except that a page committed without images
//   (CommitOptions) gets its CRC only when an image of it leaves the pager
//   (SnapshotImages, DurableImages): CRC32C of every dirty page at every
//   commit was the largest single cost of a write.
//
// Pointers
//   Get() and GetMutable() return pointers into pager-owned memory, valid
//   until the next call to Allocate(), Free(), Rollback*(), TakeCommit() or
//   destruction (callers re-fetch after those). Writes through a pointer from
//   Get() are forbidden; GetMutable() marks the page dirty and must be called
//   before the first write of a page in an operation (and again after any
//   TakeCommit(), which starts a new pending set). The pager owns header
//   bytes 0..19 of every page (id, type, LSN, CRC): owners write only from
//   kHeaderOwnerOffset on; the page type is set by Allocate().
//
// Three levels of "undo"
//   1. Operation: BeginOperation() .. EndOperation() brackets one logical
//      change (an item write, a whole transaction). RollbackOperation()
//      restores every page, the page count, the free list and the meta roots
//      to what they were at BeginOperation(). A failed operation changes
//      nothing.
//   2. Pending: changes since the last TakeCommit() form the next commit.
//   3. Durable: TakeCommit() hands out a CommitBatch (copies of every dirty
//      page, sealed with the batch's LSN and CRC, plus the new meta page,
//      and/or one commit record of their byte changes) and
//      starts a new pending set. Several batches may be in flight at once.
//      MarkDurable(lsn) says the batch with that LSN reached a quorum of
//      replicas. RollbackToDurable() discards every in-flight batch and every
//      pending change, restoring the state of the last durable LSN.
//
// Loading
//   Load() rebuilds a pager from page images (typically read from a replica):
//   it checks the meta page (size, magic, version, page size, CRC, fields),
//   that the meta's page count equals the number of images, and for every
//   page its size, CRC, that its id matches its slot, its type, and that its
//   LSN is not newer than the meta's; then it walks the free list. A bad page
//   is reported as Corruption whose message starts "page <id>: ", so the
//   caller can fetch that page from another replica (VerifyPageImage below
//   checks the replacement on its own). Load(images, records) then redoes
//   commit records (pager/log_record.h) written since those images: the
//   checkpoint + log open path.
//
// Running out of memory
//   Page memory comes from a non-throwing allocation: Allocate() returns
//   OutOfSpace when a page cannot be had. The bookkeeping (undo images,
//   batch copies) may throw std::bad_alloc; a call that throws has changed no
//   page, page count, free list, root or LSN (at most it left an unchanged
//   page in the dirty set), so the caller can still RollbackOperation().
//
// Bounded cache (paged mode)
//   With set_cache_bytes(n > 0) the pager holds at most about n bytes of
//   pages between operations: Evict() drops resident pages that are not
//   pinned, least recently used first. Pinned: page 0, B+tree interior
//   pages, pages in the pending set or an in-flight batch, pages touched by
//   the open operation or execute bracket, and pages whose image no page
//   source may hold yet: when paging begins on a pager that was loaded from
//   images or has taken commits (whose records were not retained), every
//   page it has then stays pinned until ReleaseRecordsThrough(lsn) with lsn
//   >= the LSN paging began at (the caller wrote a checkpoint at least that
//   new everywhere it reads pages from). Any access to a page that is not
//   resident (Get, GetMutable, Allocate and Free through the free list,
//   DurableImages, SnapshotImages) throws PageFault naming it, and the id is
//   also remembered until TakeFaults(), so a caller that swallowed the
//   exception still sees it. The caller rolls back (RollbackExecute), has the
//   page read, InstallPage()s it and runs the operation again. Per-page
//   replay: in paged mode every TakeCommit also builds the commit record and
//   retains it (until ReleaseRecordsThrough), and InstallPage applies every
//   retained entry of that page newer than the image, so any durable page can
//   be evicted and its checkpoint image + the log tail rebuild it.
//
// Thread safety: none; the core is single-threaded.
#ifndef PD_PAGER_PAGER_H_
#define PD_PAGER_PAGER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "pager/format.h"
#include "util/status.h"

namespace pd {

// The head of a database as recorded in its meta page image.
struct MetaHead {
  uint64_t lsn = 0;              // the database's LSN (meta page LSN)
  uint32_t page_size = 0;        // bytes per page
  uint32_t page_count = 0;       // pages, including page 0 and free pages
  uint32_t free_page_count = 0;  // pages on the free list, trunks included
  uint32_t roots[kRootSlots] = {};  // root slots, page ids, 0 = none
};

// Checks one page image on its own, e.g. a page fetched from another replica
// to replace a bad one: size == page_size, CRC, id field == id, reserved
// header bytes zero, a known type (kMeta iff id == 0), LSN <= max_lsn, and
// for page 0 the meta fields. OK, Corruption("page <id>: <what>"), or
// InvalidArgument if page_size itself is unsupported.
Status VerifyPageImage(uint32_t id, const std::string& image, uint32_t page_size,
                       uint64_t max_lsn);

// Verifies a meta page image (as VerifyPageImage(0, image, image.size(),
// UINT64_MAX)) and decodes its head: what recovery compares across replicas.
// Corruption("page 0: ...") if it is not a valid meta page.
Result<MetaHead> ReadMetaHead(const std::string& image);

// One commit as handed to persistence: the pages that changed since the
// previous commit, and the meta page, either as sealed images (LSN and CRC
// set) or as one commit record of their byte changes (pager/log_record.h),
// or both (CommitOptions).
struct CommitBatch {
  uint64_t lsn = 0;                  // LSN of this commit (previous LSN + 1)
  uint64_t prev_lsn = 0;             // the head LSN a replica must have to apply it
  uint32_t page_count = 0;           // pages in the database after this commit
  std::vector<uint32_t> page_ids;    // ids of the changed pages, ascending; includes 0 (meta)
  std::vector<std::string> images;   // images[i] is page page_ids[i], page_size bytes each
                                     // (empty unless CommitOptions::images)
  std::string record;                // the commit record (empty unless CommitOptions::record)
};

// What TakeCommit hands out besides the ids: the sealed images of the
// changed pages, the commit record, both, or neither (an in-memory database
// that only needs the commit to happen). The default is what TakeCommit
// always handed out: images.
struct CommitOptions {
  bool images = true;
  bool record = false;
};

// Thrown when a page is not resident (paged mode). Not a std::exception, so
// that handlers catching those do not mistake it for a failure; the pager
// also records the ids (Pager::TakeFaults) in case a catch (...) swallows it.
struct PageFault {
  std::vector<uint32_t> ids;    // pages the operation lacked
  std::vector<uint32_t> hints;  // pages it will probably need next (read-ahead), may be empty
};

// Cache figures (Pager::cache_stats). The pager's memory is resident_bytes
// + undo_bytes + retained_record_bytes + slot_bytes (plus allocator
// overhead): the cache bounds the first between calls, the commit flow
// (pending and in-flight changes, records until released) the next two.
struct CacheStats {
  uint64_t resident_bytes = 0;         // page memory held
  uint64_t pinned_bytes = 0;           // of which cannot be evicted now
  uint64_t undo_bytes = 0;             // before-images kept for rollback (pending, in flight)
  uint64_t slot_bytes = 0;             // per-page bookkeeping, resident or not
  uint64_t hits = 0;                   // accesses to resident pages (Get/GetMutable)
  uint64_t misses = 0;                 // faults raised
  uint64_t evictions = 0;              // pages evicted
  uint64_t retained_record_bytes = 0;  // commit records kept for per-page replay
};

class Pager {
 public:
  // A new empty database: the meta page only (sealed), LSN 0, nothing dirty.
  // InvalidArgument unless page_size is a power of two in
  // [kMinPageSize, kMaxPageSize].
  static Result<std::unique_ptr<Pager>> Create(uint32_t page_size);

  // A database from page images. images[i] is the image of page i; the page
  // size is that of images[0]. The loaded state is durable: lsn() ==
  // durable_lsn() == the meta page's LSN, nothing pending or in flight.
  // Returns Corruption ("page <id>: <what>") on any bad page, an image of the
  // wrong size (a truncated page) included; InvalidArgument if images is
  // empty; OutOfSpace if memory for the pages cannot be had.
  static Result<std::unique_ptr<Pager>> Load(std::vector<std::string> images);
  // A database from a checkpoint's page images, then redo of commit records
  // (pager/log_record.h) in order: a record whose lsn is <= the database's
  // LSN at that point is skipped (already in the images); any other must
  // follow it (prev_lsn == the current LSN) or Load fails. Each record is
  // checked whole before it applies, and every page it writes is checked
  // afterwards as Load checks images; the free list is checked at the end.
  // The result is durable at the last record's LSN: byte for byte the pages
  // of the pager that took those commits. Corruption "record ..." names the
  // record (its position and LSN) when one is bad, out of order or does not
  // fit the pages.
  static Result<std::unique_ptr<Pager>> Load(std::vector<std::string> images,
                                             const std::vector<std::string>& records);

  // Lazy open (paged mode): only the checkpoint's meta page and the commit records since an
  // older checkpoint or itself; every other page is installed on demand (InstallPage). Records
  // are checked whole and must follow one another; those newer than the meta page are applied to
  // page 0 in order; all are retained for per-page replay (those older, told apart by their LSNs,
  // bring forward pages read from an older checkpoint: they must have its page size, name no page
  // beyond its page count and reach its LSN). Corruption as for Load. The pager starts
  // with cache_bytes = kDefaultCacheBytes (set_cache_bytes to change).
  static Result<std::unique_ptr<Pager>> LoadLazy(const std::string& meta,
                                                 const std::vector<std::string>& records);

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
  // REQUIRES: id != 0 (the meta page is written only through the root slots);
  // returns nullptr for id 0 or id >= page_count().
  uint8_t* GetMutable(uint32_t id);

  // A page for the caller: from the free list, else a new one at the end.
  // Its content is zeroed and its header says `type`. The page is dirty.
  // OutOfSpace if the database would exceed kMaxPageCount pages.
  Result<uint32_t> Allocate(PageType type);
  // Returns a page to the free list (the page is zeroed, or becomes a
  // free-list trunk page; either way it is dirty). REQUIRES: id is allocated
  // and != 0; Free of page 0, of an id >= page_count() or of a page already
  // free is ignored. Allocation may fail with Corruption if the free list in
  // the pages was damaged (Load checks it, so only a writer bug can do that).
  void Free(uint32_t id);
  // Pages on the free list, trunk pages included.
  uint32_t free_page_count() const;

  // Small fixed slots in the meta page where higher layers keep root page ids
  // (slot 0: the catalog tree). 0 means "none". Changes are transactional
  // like page writes.
  uint32_t root(int slot) const;            // REQUIRES: 0 <= slot < kRootSlots
  void set_root(int slot, uint32_t page_id);  // same; setting the current value is a no-op

  // --- operations (level 1) ---
  // Page writes outside an operation are allowed: they join the pending set
  // directly. REQUIRES: no operation open (operations do not nest; a nested
  // BeginOperation() is ignored and the outer operation stays open).
  void BeginOperation();
  void EndOperation();        // keeps the changes in the pending set
  void RollbackOperation();   // restores the state at BeginOperation()
  bool in_operation() const;

  // --- commits (levels 2 and 3) ---
  bool has_pending_changes() const;
  // The pending (dirty) set: ids of pages changed since the last TakeCommit()
  // (or Rollback), ascending. Includes 0 if the meta page changed (page
  // count, free list, roots).
  std::vector<uint32_t> DirtyPageIds() const;
  // Seals the pending pages in place (page LSN = lsn() + 1, CRC) together
  // with the meta page, and returns copies as the next commit; the pending
  // set becomes an in-flight batch and a new, empty pending set starts.
  // REQUIRES: no operation open (an open one is ended, keeping its changes),
  // and has_pending_changes() (otherwise the batch holds only the meta page).
  // The record, when asked for, is the byte changes of every page in the
  // batch against its image at the previous commit (pager/log_record.h);
  // images and record describe the same pages. Without images the pages get
  // their id and LSN now and their CRC when exported (above).
  CommitBatch TakeCommit(CommitOptions options = CommitOptions());
  // The batch with this LSN is on a quorum of replicas. Batches become
  // durable in LSN order. REQUIRES: lsn is that of the oldest batch taken
  // and not yet durable. (Every in-flight batch with an LSN <= lsn becomes
  // durable; an LSN older than every in-flight batch changes nothing.)
  void MarkDurable(uint64_t lsn);
  // Back to the state of durable_lsn(): drops in-flight batches and pending
  // changes; afterwards lsn() == durable_lsn() and every page (page count,
  // free list and roots included) is as it was then. Cost: proportional to
  // the pages changed since then. REQUIRES: no operation open (an open one
  // is discarded along with everything else).
  void RollbackToDurable();

  // --- bounded cache (paged mode, above) ---
  static constexpr uint64_t kDefaultCacheBytes = 64ull << 20;
  // 0 (the default after Create/Load) = unbounded: nothing is evicted and no
  // record is retained. Any other value turns paged mode on; turned on at an
  // LSN > 0 (after Load, or after commits), the pages then held are pinned
  // until ReleaseRecordsThrough reaches that LSN (above).
  void set_cache_bytes(uint64_t bytes);
  uint64_t cache_bytes() const;
  bool resident(uint32_t id) const;  // false for ids >= page_count()
  // Puts page id in the cache from `image`: checked (size, CRC, id, type, LSN <= lsn(), and an
  // LSN among the retained records' names one that wrote it), then every retained entry newer than
  // the image applied, and the result checked against the LSN the pager last
  // knew for that page. An all-zero image means the page source has no such
  // page: it is rebuilt from the retained records alone. Already resident:
  // OK, nothing changes. Corruption("page <id>: ...") when the image is
  // rejected (nothing changes then); InvalidArgument for an id out of range.
  Status InstallPage(uint32_t id, const std::string& image);
  // Between operations (REQUIRES: none open): evicts unpinned pages, least
  // recently used first, until resident bytes <= cache_bytes() (all of them
  // when `all`). `sink`, when set, sees each evicted page's sealed image.
  // Returns the number of pages evicted. No-op unless in paged mode.
  size_t Evict(bool all = false,
               const std::function<void(uint32_t, const uint8_t*)>& sink = nullptr);
  // Retained records with lsn <= lsn are dropped: the caller's page sources
  // all hold a checkpoint at or after lsn. That also unpins the pages that
  // were pinned for want of a source when paging began at an LSN <= lsn.
  void ReleaseRecordsThrough(uint64_t lsn);
  CacheStats cache_stats() const;
  // Ids of the pages that faulted since the last call, ascending, distinct.
  std::vector<uint32_t> TakeFaults();
  // Read-ahead: a reader that faulted (or is about to) names pages it will
  // probably need next (a B+tree cursor: the next leaves of its range), for
  // the caller to fetch together with the faulted ones. TakeHints returns
  // those named since the last call, ascending, distinct, none resident.
  void HintPages(const std::vector<uint32_t>& ids) const;
  std::vector<uint32_t> TakeHints();
  // An execute bracket around operations (REQUIRES: none open): after
  // BeginExecute, RollbackExecute undoes every page change since, even of
  // operations ended inside it (BatchExecuteStatement's statements), and an
  // open operation; EndExecute keeps them. Brackets do not nest.
  void BeginExecute();
  void EndExecute();
  void RollbackExecute();

  // Every page image as held in memory. When !has_pending_changes() these
  // are all sealed, as of lsn(): what a replica holding every batch taken so
  // far holds. Used by tests and by full replica rebuilds (which need
  // !has_pending_changes(); pending pages are not sealed yet).
  std::vector<std::string> SnapshotImages() const;

  // Sealed images (LSN and CRC set) of pages `ids` as of durable_lsn(): what
  // a replica holding exactly the durable commits holds, whatever is in
  // flight or pending (what a checkpoint writes back). InvalidArgument if an
  // id is not a page of the durable state (>= its page count).
  Result<std::vector<std::string>> DurableImages(const std::vector<uint32_t>& ids) const;

 private:
  class Impl;
  explicit Pager(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pd

#endif  // PD_PAGER_PAGER_H_
