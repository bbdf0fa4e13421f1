// Engine: THE public interface of the core. One database, in memory, owned by
// the caller; the wasm bindings and native tests use nothing else from core/.
//
//   auto engine = pd::Engine::Create().value();          // new empty database
//   std::string out = engine->Execute("PutItem", R"({"TableName":"T",...})");
//   if (engine->has_pending_commit()) {
//     pd::CommitBatch batch = engine->TakeCommit();       // hand to persistence
//     ... append batch.record (or write batch.images) to replicas ...
//     engine->MarkDurable(batch.lsn);                     // or RollbackToDurable()
//   }
//
// Execute
//   Takes a DynamoDB operation name ("PutItem") and its request as DynamoDB
//   JSON, and returns the response as DynamoDB JSON. It never throws: an error
//   is returned as {"__type":"com.amazonaws.dynamodb.v20120810#<Name>",
//   "message":"..."} (see api/error.h), and a request that fails changes
//   nothing. Every write operation (single item, batch, transaction, table
//   change) is applied as one unit: all of its page changes land in the same
//   commit.
//
// Commits
//   Writes apply at once to the in-memory pages and collect into the pending
//   commit. TakeCommit() seals them as the next CommitBatch (pager/pager.h);
//   several batches may be in flight. MarkDurable(lsn) records that a batch
//   reached a quorum of replicas; RollbackToDurable() undoes every batch not
//   yet durable plus the pending changes, so the engine is exactly as it was
//   at durable_lsn() (the persistence layer then rejects the operations that
//   were applied since).
//
// Change feed and time to live
//   With set_change_feed(true), every write operation that succeeds leaves
//   its item changes (stream record shape, NEW_AND_OLD_IMAGES, in commit
//   order; recorded by table/stream_log.h, rendered by api/stream_json.h)
//   for TakeChanges(); a failed operation leaves
//   none, and RollbackToDurable() drops those not yet taken. JS takes them
//   after each operation and delivers them once the commit is durable.
//   SweepExpired(max) is one bounded step of the time-to-live sweep: it
//   deletes at most `max` expired items (TTL attribute a number of epoch
//   seconds before now, at most five years before) through Table::Delete,
//   as service deletions in the stream, examines at most 16 * max items,
//   and trims stream records older than 24 hours; all as one write
//   operation (one unit in the next commit).
//
// Bounded cache (paged mode, pager/pager.h "Bounded cache")
//   With EngineOptions::cache_bytes > 0 pages may be evicted between calls.
//   A call that needs a page that is not resident is undone completely
//   (pages, change feed entries and eventID counter, TTL sweep cursor) and
//   reports the missing ids: Execute and SweepExpired return
//   {"__type":"pocketdynamo#PageFault","message":...,"ids":[...],"hints":[...]};
//   Check, DurableImages and SnapshotImages return a NotFound status whose
//   message starts "PageFault"; last_fault() holds the ids either way. The
//   caller installs the pages (InstallPage) and calls again. Chaos paging
//   (EngineOptions::chaos_paging): every evictable page is evicted after
//   every call; with native_backing, the engine keeps every evicted image
//   (the first one of each page, so later changes come back by per-page
//   replay) and resolves its own faults, so every call still answers.
//
// Thread safety: none. The engine is synchronous and deterministic; callers
// serialise access.
#ifndef PD_ENGINE_H_
#define PD_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pager/pager.h"
#include "util/status.h"

namespace pd {

struct EngineOptions {
  uint64_t cache_bytes = 0;     // 0: unbounded, every page stays resident
  bool chaos_paging = false;    // evict every evictable page after every call
  bool native_backing = false;  // resolve faults from the engine's own copies (tests)
};

class Engine {
 public:
  // What Create and Open apply (tests: the doctest main sets chaos paging
  // from the environment variable PD_CHAOS_PAGING=1).
  static void SetDefaultOptions(const EngineOptions& options);
  static EngineOptions DefaultOptions();
  // Pages installed from native backings so far, over every engine (tests).
  static uint64_t NativeFaultsResolved();

  // Milliseconds since the Unix epoch; injectable so tests control time
  // (CreationDateTime, idempotency windows, TTL).
  using Clock = std::function<int64_t()>;

  // A new empty database. REQUIRES: page_size as for Pager::Create.
  static Result<std::unique_ptr<Engine>> Create(uint32_t page_size = kDefaultPageSize);
  // A database from page images (images[i] is page i), as read from a replica.
  // Corruption (naming the page) if any page fails its checks.
  static Result<std::unique_ptr<Engine>> Open(std::vector<std::string> images);
  // A database from a checkpoint's page images plus the commit records
  // written since (Pager::Load with records: redo), as read from a replica
  // holding a checkpoint and a log. Validation runs after redo.
  static Result<std::unique_ptr<Engine>> Open(std::vector<std::string> images,
                                              const std::vector<std::string>& records);

  // Lazy open (paged mode): the checkpoint's meta page and the commit records
  // since (Pager::LoadLazy); no validation (it would read pages: Check does).
  static Result<std::unique_ptr<Engine>> OpenLazy(const std::string& meta,
                                                  const std::vector<std::string>& records,
                                                  const EngineOptions& options);

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs one DynamoDB operation. Returns the response JSON or an error JSON;
  // last_outcome() says which.
  std::string Execute(std::string_view operation, std::string_view request_json);

  // What the text the last Execute or SweepExpired returned is, so a caller
  // (the wasm bindings) never has to search it: kResponse, kError (a
  // DynamoDB error JSON, api/error.h) or kFault (the PageFault JSON: install
  // last_fault() and call again).
  enum class Outcome : uint8_t { kResponse = 0, kError = 1, kFault = 2 };
  Outcome last_outcome() const;

  bool has_pending_commit() const;
  // REQUIRES: has_pending_commit(). options: images and/or the commit
  // record (pager/pager.h CommitOptions; default images only).
  CommitBatch TakeCommit(CommitOptions options = CommitOptions());
  void MarkDurable(uint64_t lsn);
  void RollbackToDurable();
  uint64_t lsn() const;
  uint64_t durable_lsn() const;
  uint32_t page_size() const;
  uint32_t page_count() const;
  // Every page image as of lsn(). REQUIRES: !has_pending_commit().
  std::vector<std::string> SnapshotImages() const;
  // Sealed images of pages `ids` as of durable_lsn(), callable at any time
  // (batches in flight, pending changes): what a checkpoint writes
  // (Pager::DurableImages).
  Result<std::vector<std::string>> DurableImages(const std::vector<uint32_t>& ids) const;

  // Paging (above).
  void set_options(const EngineOptions& options);
  Status InstallPage(uint32_t id, const std::string& image);
  void ReleaseRecordsThrough(uint64_t lsn);
  CacheStats cache_stats() const;
  const std::vector<uint32_t>& last_fault() const;
  // Read-ahead that came with the last fault: pages it will probably need
  // next (not in last_fault(); may be empty). Install them too if cheap.
  const std::vector<uint32_t>& last_hints() const;

  // Runs the integrity checker over every tree and the free list.
  Status Check() const;

  // Paged mode: reads the catalog and every table's and index's B+tree
  // interior pages (roots included) into the cache, where interior pages stay
  // (they are pinned), so that a later point read faults at most on its leaf.
  // Level by level across all trees: each fault names one whole level (the
  // first missing page as last_fault(), the others as last_hints()), so the
  // caller needs one page read per tree level, not one per page. Stops, OK,
  // before a level that would take the interior pages read past `max_bytes`
  // (a share of the cache). OK at once when not paged. Faults like Check().
  Status WarmInterior(uint64_t max_bytes);

  // The ids of the pages an operation walks through before it reaches a leaf:
  // every table's and index's B+tree root and its interior levels, breadth
  // first, as far as they are resident now, at most `max_pages`. Reads only
  // resident pages and never faults: a page that is not resident is left out
  // with what lies below it ([] when the catalog itself is not resident). For
  // the replicas to read with their head at the next open (docs/formats.md,
  // the 'hot' hint).
  std::vector<uint32_t> HotPages(uint32_t max_pages) const;

  void set_clock(Clock clock);

  // The change feed (above). Off by default.
  void set_change_feed(bool on);
  // JSON array of {"TableName", "Record"}, oldest first; "[]" when none.
  std::string TakeChanges();

  // One step of the TTL sweep (above). Returns {"Deleted": n, "Trimmed": m,
  // "More": true|false} (More: call again, something may be left), or an
  // InternalServerError JSON when storage fails (nothing changed then).
  // REQUIRES: max_items >= 1.
  std::string SweepExpired(uint32_t max_items);

 private:
  class Impl;
  Status CheckNow() const;
  Status WarmInteriorNow(uint64_t max_bytes);
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace pd

#endif  // PD_ENGINE_H_
