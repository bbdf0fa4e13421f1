// The pager's bounded cache (pager.h "Bounded cache"): faults on every kind
// of page access, InstallPage's checks and per-page replay, pinning, the
// execute bracket, lazy open, and a model test: random page operations on a
// pager with a tiny cache, run through fault-and-retry against a backing map
// of evicted images, give byte-identical pages to an unbounded pager.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "pager/page.h"
#include "pager/pager.h"
#include "pager_test_util.h"
#include "support/require_ok.h"

namespace pd {
namespace {

constexpr uint32_t kCachePageSize = 4096;

using test::NewPager;

// The ids of the PageFault `f` throws (empty if it throws none).
template <typename F>
std::vector<uint32_t> FaultOf(F f) {
  try {
    f();
  } catch (const PageFault& fault) {
    return fault.ids;
  }
  return {};
}

// A page source for tests: the first image of each page the pager evicted
// (later changes come back by per-page replay).
struct Backing {
  std::map<uint32_t, std::string> images;
  std::function<void(uint32_t, const uint8_t*)> Sink() {
    return [this](uint32_t id, const uint8_t* p) {
      images.emplace(id, std::string(reinterpret_cast<const char*>(p), kCachePageSize));
    };
  }
  // Runs f in an execute bracket until it completes without a fault.
  template <typename F>
  int Run(Pager* pager, F f) {
    int faults = 0;
    for (;;) {
      pager->BeginExecute();
      bool faulted = false;
      try {
        f();
      } catch (const PageFault&) {
        faulted = true;
      }
      std::vector<uint32_t> ids = pager->TakeFaults();
      REQUIRE(faulted == !ids.empty());
      if (ids.empty()) {
        pager->EndExecute();
        return faults;
      }
      pager->RollbackExecute();
      for (uint32_t id : ids) {
        ++faults;
        REQUIRE(!pager->resident(id));
        auto it = images.find(id);
        const std::string image =
            it == images.end() ? std::string(kCachePageSize, '\0') : it->second;
        PD_REQUIRE_OK(pager->InstallPage(id, image));
      }
    }
  }
};

// A pager with pages 1..n of type overflow, each page i's byte 100 = i,
// committed and durable.
std::unique_ptr<Pager> Filled(uint32_t n, bool paged) {
  auto pager = NewPager();
  if (paged) pager->set_cache_bytes(kCachePageSize);
  for (uint32_t i = 1; i <= n; ++i) {
    Result<uint32_t> id = pager->Allocate(PageType::kOverflow);
    REQUIRE(id.ok());
    pager->GetMutable(*id)[100] = static_cast<uint8_t>(i);
  }
  pager->MarkDurable(pager->TakeCommit().lsn);
  return pager;
}

// Commits what `pager` has pending as a record alone (no page images),
// durable at once, and appends the record to `records`.
void CommitRecord(Pager* pager, std::vector<std::string>* records) {
  CommitOptions options;
  options.images = false;
  options.record = true;
  CommitBatch batch = pager->TakeCommit(options);
  pager->MarkDurable(batch.lsn);
  records->push_back(batch.record);
}

TEST_CASE("page cache: every kind of page access faults on a page that is not resident") {
  auto pager = Filled(6, true);
  pager->Free(5);  // a free-list trunk page (5) ...
  pager->MarkDurable(pager->TakeCommit().lsn);
  Backing backing;
  CHECK(pager->Evict(true, backing.Sink()) == 6);  // pages 1..6 (meta is pinned)
  for (uint32_t id = 1; id <= 6; ++id) CHECK(!pager->resident(id));
  CHECK(pager->resident(0));
  CHECK(FaultOf([&] { pager->Get(2); }) == std::vector<uint32_t>{2});
  CHECK(FaultOf([&] { pager->GetMutable(3); }) == std::vector<uint32_t>{3});
  CHECK(FaultOf([&] { pager->Free(4); }) == std::vector<uint32_t>{4});
  CHECK(FaultOf([&] { (void)pager->Allocate(PageType::kOverflow); }) ==
        std::vector<uint32_t>{5});  // the trunk
  CHECK(FaultOf([&] { (void)pager->DurableImages({1}); }) == std::vector<uint32_t>{1});
  CHECK(FaultOf([&] { (void)pager->SnapshotImages(); }) == std::vector<uint32_t>{1});
  CHECK(pager->TakeFaults() == std::vector<uint32_t>{1, 2, 3, 4, 5});
  CHECK(pager->TakeFaults().empty());
  CHECK(pager->cache_stats().misses == 6);
  CHECK(!pager->has_pending_changes());  // nothing half-done survived the faults
  // Installed from the source, each page answers again.
  for (const auto& [id, image] : backing.images) PD_REQUIRE_OK(pager->InstallPage(id, image));
  CHECK(pager->Get(2)[100] == 2);
  CHECK(pager->free_page_count() == 1);
}

TEST_CASE("page cache: eviction never drops a pinned page") {
  auto pager = Filled(6, true);
  Result<uint32_t> interior = pager->Allocate(PageType::kBtreeInterior);
  REQUIRE(interior.ok());
  pager->MarkDurable(pager->TakeCommit().lsn);
  pager->GetMutable(1)[200] = 1;
  CommitBatch in_flight = pager->TakeCommit();  // page 1 in flight
  pager->GetMutable(2)[200] = 1;                // page 2 pending
  pager->Evict(true);
  CHECK(pager->resident(0));
  CHECK(pager->resident(1));
  CHECK(pager->resident(2));
  CHECK(pager->resident(*interior));
  for (uint32_t id = 3; id <= 6; ++id) CHECK(!pager->resident(id));
  CacheStats stats = pager->cache_stats();
  CHECK(stats.resident_bytes == 4 * kCachePageSize);
  CHECK(stats.pinned_bytes == 4 * kCachePageSize);
  pager->MarkDurable(in_flight.lsn);
  pager->MarkDurable(pager->TakeCommit().lsn);
  pager->Evict(true);
  CHECK(!pager->resident(1));
  CHECK(!pager->resident(2));
  CHECK(pager->resident(*interior));
  // Within an operation nothing is evicted.
  pager->BeginOperation();
  CHECK(pager->Evict(true) == 0);
  pager->EndOperation();
}

TEST_CASE("page cache: pages no source holds yet are pinned until records are released") {
  // A database loaded from images (open({ snapshot }) in JS), then paged:
  // until the caller says a checkpoint at the load's LSN is on its page
  // sources, evicting a loaded page would lose it.
  auto writer = Filled(20, false);
  writer->GetMutable(3)[300] = 7;
  writer->MarkDurable(writer->TakeCommit().lsn);
  const std::vector<std::string> snapshot = writer->SnapshotImages();
  Result<std::unique_ptr<Pager>> loaded = Pager::Load(snapshot);
  Result<std::unique_ptr<Pager>> model = Pager::Load(snapshot);  // unpaged, same changes
  PD_REQUIRE_OK(loaded.status());
  PD_REQUIRE_OK(model.status());
  Pager& p = **loaded;
  p.set_cache_bytes(kCachePageSize);
  const uint64_t at = p.lsn();
  CHECK(p.Evict(true) == 0);
  CHECK(p.cache_stats().pinned_bytes == 21 * kCachePageSize);
  // Changes after the load: the retained records hold them, but the pages
  // they apply to are still on no source; a page grown since is evictable
  // (its record creates it).
  for (Pager* q : {&p, model->get()}) {
    q->GetMutable(5)[400] = 1;
    Result<uint32_t> grown = q->Allocate(PageType::kOverflow);
    REQUIRE(grown.ok());
    CHECK(*grown == 21);
    q->GetMutable(21)[500] = 2;
    q->MarkDurable(q->TakeCommit().lsn);
  }
  Backing source;
  for (uint32_t id = 1; id < snapshot.size(); ++id) source.images.emplace(id, snapshot[id]);
  CHECK(p.Evict(true, source.Sink()) == 1);
  CHECK(!p.resident(21));
  p.ReleaseRecordsThrough(at - 1);  // an older checkpoint: still nowhere
  CHECK(p.Evict(true) == 0);
  // The snapshot is on the sources: every page may go, and comes back from
  // the snapshot's image plus the records retained after it.
  p.ReleaseRecordsThrough(at);
  CHECK(p.cache_stats().retained_record_bytes > 0);
  CHECK(p.Evict(true, source.Sink()) == 20);
  CHECK(p.cache_stats().resident_bytes == kCachePageSize);
  std::vector<std::string> back;
  CHECK(source.Run(&p, [&] { back = p.SnapshotImages(); }) == 21);
  CHECK(back == (*model)->SnapshotImages());
  // Paging turned on after commits whose records were not kept: the same.
  auto late = Filled(4, false);
  late->set_cache_bytes(kCachePageSize);
  CHECK(late->Evict(true) == 0);
  late->ReleaseRecordsThrough(late->lsn());
  CHECK(late->Evict(true) == 4);
}

TEST_CASE("page cache: least recently used pages go first, down to the budget") {
  auto pager = Filled(8, true);
  pager->set_cache_bytes(4 * kCachePageSize);
  for (uint32_t id : {5, 1, 7, 2, 3, 4, 6, 8}) pager->Get(id);
  pager->Evict();
  // 9 resident (meta + 8) > 4 pages: evicted down to 7/8 of the budget, oldest use first.
  CHECK(pager->cache_stats().resident_bytes <= 4 * kCachePageSize);
  CHECK(!pager->resident(5));
  CHECK(!pager->resident(1));
  CHECK(pager->resident(8));
  CHECK(pager->resident(6));
}

TEST_CASE("page cache: InstallPage rejects bad images and replays retained records") {
  auto pager = Filled(4, true);
  Backing backing;
  pager->Evict(true, backing.Sink());
  const std::string good = backing.images.at(2);
  std::string bad_crc = good;
  bad_crc[300] ^= 1;
  Status s = pager->InstallPage(2, bad_crc);
  CHECK(s.IsCorruption());
  CHECK(s.message().rfind("page 2: ", 0) == 0);
  s = pager->InstallPage(3, good);  // page 2's image offered as page 3
  CHECK(s.IsCorruption());
  CHECK(s.message().rfind("page 3: ", 0) == 0);
  CHECK(pager->InstallPage(2, good.substr(0, 100)).IsCorruption());
  CHECK(pager->InstallPage(99, good).IsInvalidArgument());
  CHECK(!pager->resident(2));
  CHECK(!pager->resident(3));
  // An image newer than the database.
  std::string newer = good;
  page::Seal(reinterpret_cast<uint8_t*>(&newer[0]), kCachePageSize, 2, pager->lsn() + 1);
  CHECK(pager->InstallPage(2, newer).IsCorruption());
  // Change page 2 twice (durable), evict it: the old image + the records rebuild it.
  PD_REQUIRE_OK(pager->InstallPage(2, good));
  for (int round = 0; round < 2; ++round) {
    pager->GetMutable(2)[500 + round] = 0x5a;
    pager->MarkDurable(pager->TakeCommit().lsn);
  }
  const std::string now = pager->DurableImages({2}).value()[0];
  pager->Evict(true, backing.Sink());  // backing keeps the first (older) image
  CHECK(!pager->resident(2));
  PD_REQUIRE_OK(pager->InstallPage(2, good));
  CHECK(pager->DurableImages({2}).value()[0] == now);
  // Once the records are released, the old image is stale: rejected.
  pager->ReleaseRecordsThrough(pager->lsn());
  CHECK(pager->cache_stats().retained_record_bytes == 0);
  pager->Evict(true);
  s = pager->InstallPage(2, good);
  CHECK(s.IsCorruption());
  CHECK(s.message().find("after replay, expected") != std::string::npos);
  s = pager->InstallPage(2, std::string(kCachePageSize, '\0'));  // no record creates it now
  CHECK(s.IsCorruption());
  CHECK(s.message().find("no retained record") != std::string::npos);
  CHECK(!pager->resident(2));
}

TEST_CASE("page cache: the execute bracket undoes operations ended inside it") {
  auto pager = Filled(3, true);
  const std::vector<std::string> before = pager->SnapshotImages();
  pager->GetMutable(1)[400] = 9;  // pending before the bracket
  const std::string page1 = pager->SnapshotImages()[1];
  pager->BeginExecute();
  pager->BeginOperation();
  pager->GetMutable(1)[401] = 9;
  Result<uint32_t> grown = pager->Allocate(PageType::kOverflow);
  REQUIRE(grown.ok());
  pager->EndOperation();
  pager->BeginOperation();
  pager->GetMutable(2)[400] = 9;
  pager->set_root(1, 3);
  pager->RollbackExecute();  // also rolls back the open operation
  CHECK(!pager->in_operation());
  CHECK(pager->page_count() == 4);
  CHECK(pager->root(1) == 0);
  std::vector<std::string> after = pager->SnapshotImages();
  CHECK(after[1] == page1);
  CHECK(after[2] == before[2]);
  CHECK(pager->DirtyPageIds() == std::vector<uint32_t>{1});
}

TEST_CASE("page cache: lazy open from the meta page and records") {
  auto pager = Filled(5, false);
  const std::vector<std::string> checkpoint = pager->SnapshotImages();
  std::vector<std::string> records;
  std::vector<std::string> later;  // a later checkpoint (after 10 commits)
  std::mt19937 rng(7);
  for (int commit = 0; commit < 20; ++commit) {
    if (commit == 10) later = pager->SnapshotImages();
    if (commit % 4 == 3) {
      Result<uint32_t> id = pager->Allocate(PageType::kOverflow);
      REQUIRE(id.ok());
    }
    uint32_t id = 1 + rng() % (pager->page_count() - 1);
    pager->GetMutable(id)[64 + rng() % 4000] = static_cast<uint8_t>(rng());
    CommitRecord(pager.get(), &records);
  }
  const std::vector<std::string> want = pager->SnapshotImages();
  Result<std::unique_ptr<Pager>> lazy = Pager::LoadLazy(checkpoint[0], records);
  PD_REQUIRE_OK(lazy.status());
  Pager& p = **lazy;
  CHECK(p.lsn() == pager->lsn());
  CHECK(p.page_count() == pager->page_count());
  CHECK(p.cache_bytes() == Pager::kDefaultCacheBytes);
  for (uint32_t id = 1; id < p.page_count(); ++id) {
    CHECK(!p.resident(id));
    // Pages past the checkpoint's page count come from the records alone.
    const std::string image =
        id < checkpoint.size() ? checkpoint[id] : std::string(kCachePageSize, '\0');
    PD_REQUIRE_OK(p.InstallPage(id, image));
  }
  CHECK(p.SnapshotImages() == want);
  // The meta page of the later checkpoint, pages from the older one: the
  // records before the meta page's LSN are kept for replay.
  Result<std::unique_ptr<Pager>> mixed = Pager::LoadLazy(later[0], records);
  PD_REQUIRE_OK(mixed.status());
  CHECK((*mixed)->lsn() == pager->lsn());
  for (uint32_t id = 1; id < (*mixed)->page_count(); ++id) {
    const std::string image =
        id < checkpoint.size() ? checkpoint[id] : std::string(kCachePageSize, '\0');
    PD_REQUIRE_OK((*mixed)->InstallPage(id, image));
  }
  CHECK((*mixed)->SnapshotImages() == want);
  // A record out of order is refused.
  std::vector<std::string> gap = records;
  gap.erase(gap.begin() + 3);
  CHECK(Pager::LoadLazy(checkpoint[0], gap).status().IsCorruption());
}

// Records from before the meta page (an older checkpoint's pages brought
// forward, web/persistence/recovery.js lazyFrom) are checked against it, and
// an image whose LSN names a retained commit that did not write the page is
// refused: it would be brought forward from the wrong bytes.
TEST_CASE("page cache: lazy open with records older than the meta page, and what it refuses") {
  auto pager = Filled(5, false);
  const std::vector<std::string> older = pager->SnapshotImages();  // checkpoint A, LSN 1
  std::vector<std::string> records;
  auto commit = [&]() { CommitRecord(pager.get(), &records); };
  // LSN 2: page 1; 3: page 2; 4: page 1 again and a new page 6; 5: page 3 freed.
  pager->GetMutable(1)[200] = 21;
  commit();
  pager->GetMutable(2)[200] = 22;
  commit();
  pager->GetMutable(1)[201] = 23;
  REQUIRE(pager->Allocate(PageType::kOverflow).ok());
  commit();
  pager->Free(3);
  commit();
  const std::vector<std::string> newer = pager->SnapshotImages();  // checkpoint B, LSN 5
  // LSN 6: page 2 again.
  pager->GetMutable(2)[202] = 24;
  commit();
  const std::vector<std::string> want = pager->SnapshotImages();
  REQUIRE(pager->lsn() == 6);
  auto from_older = [&](uint32_t id) {
    return id < older.size() ? older[id] : std::string(kCachePageSize, '\0');
  };

  // B's meta page, every page from A: the records 2..5 bring them forward.
  Result<std::unique_ptr<Pager>> lazy = Pager::LoadLazy(newer[0], records);
  PD_REQUIRE_OK(lazy.status());
  for (uint32_t id = 1; id < (*lazy)->page_count(); ++id) {
    PD_REQUIRE_OK((*lazy)->InstallPage(id, from_older(id)));
  }
  CHECK((*lazy)->SnapshotImages() == want);

  // Page 1 as A holds it, but claiming LSN 3 (a commit that wrote page 2):
  // replayed from there it would miss LSN 2's change, and still end at LSN 4.
  std::string forged = older[1];
  page::Seal(reinterpret_cast<uint8_t*>(&forged[0]), kCachePageSize, 1, 3);
  lazy = Pager::LoadLazy(newer[0], records);
  PD_REQUIRE_OK(lazy.status());
  Status refused = (*lazy)->InstallPage(1, forged);
  CHECK(refused.IsCorruption());
  CHECK(refused.message().find("did not write the page") != std::string::npos);
  CHECK(!(*lazy)->resident(1));
  PD_REQUIRE_OK((*lazy)->InstallPage(1, older[1]));  // the true image still goes in
  // B's page 2 carries the LSN of the commit that wrote it (3): accepted.
  PD_REQUIRE_OK((*lazy)->InstallPage(2, newer[2]));
  // A damaged image is refused.
  std::string damaged = older[4];
  damaged[300] ^= 1;
  CHECK((*lazy)->InstallPage(4, damaged).IsCorruption());

  // Records older than the meta page that stop short of it: refused, since
  // a page brought forward by them would miss the commits in between.
  std::vector<std::string> short_of(records.begin(), records.begin() + 3);  // LSN 2..4
  Result<std::unique_ptr<Pager>> gap = Pager::LoadLazy(newer[0], short_of);
  CHECK(gap.status().IsCorruption());
  CHECK(gap.status().message().find("before the meta page's LSN 5") != std::string::npos);
  // Records of another history up to the meta page's LSN that name more
  // pages than the meta page has: refused.
  auto other = Filled(5, false);
  std::vector<std::string> theirs;
  for (int i = 0; i < 4; ++i) {
    REQUIRE(other->Allocate(PageType::kOverflow).ok());
    CommitRecord(other.get(), &theirs);
  }
  REQUIRE(other->lsn() == 5);
  Result<std::unique_ptr<Pager>> wrong = Pager::LoadLazy(newer[0], theirs);
  CHECK(wrong.status().IsCorruption());
  CHECK(wrong.status().message().find("page count") != std::string::npos);
}

// One random step on the pager (the same on both pagers for the same rng).
void RandomStep(Pager* pager, std::mt19937* rng) {
  const uint32_t count = pager->page_count();
  switch ((*rng)() % 8) {
    case 0: {  // allocate
      PageType type = (*rng)() % 5 == 0 ? PageType::kBtreeInterior : PageType::kOverflow;
      Result<uint32_t> id = pager->Allocate(type);
      REQUIRE(id.ok());
      break;
    }
    case 1: {  // free
      if (count < 2) break;
      uint32_t id = 1 + (*rng)() % (count - 1);
      PageType t = page::Type(pager->Get(id));
      if (t == PageType::kOverflow || t == PageType::kBtreeInterior) pager->Free(id);
      break;
    }
    default: {  // read a few pages, write one
      if (count < 2) break;
      uint32_t sum = 0;
      for (int i = 0; i < 3; ++i) sum += pager->Get(1 + (*rng)() % (count - 1))[200];
      uint32_t id = 1 + (*rng)() % (count - 1);
      PageType t = page::Type(pager->Get(id));
      if (t != PageType::kOverflow && t != PageType::kBtreeInterior) break;
      uint8_t* p = pager->GetMutable(id);
      p[64 + (*rng)() % (kCachePageSize - 64)] = static_cast<uint8_t>(sum + (*rng)());
      break;
    }
  }
}

TEST_CASE(
    "page cache: model test, a tiny cache through fault-and-retry matches an unbounded pager") {
  for (uint32_t seed = 1; seed <= 6; ++seed) {
    CAPTURE(seed);
    auto model = NewPager();
    auto paged = NewPager();
    paged->set_cache_bytes((seed % 3 + 1) * kCachePageSize);
    Backing backing;
    std::mt19937 rng(seed), model_rng(seed);
    int faults = 0;
    for (int step = 0; step < 600; ++step) {
      const uint32_t what = rng() % 20;
      model_rng();
      if (what < 14) {  // an operation, sometimes rolled back
        const bool rollback = what == 0;
        std::mt19937 at = rng;
        model->BeginOperation();
        RandomStep(model.get(), &model_rng);
        if (rollback) {
          model->RollbackOperation();
        } else {
          model->EndOperation();
        }
        faults += backing.Run(paged.get(), [&] {
          rng = at;
          paged->BeginOperation();
          RandomStep(paged.get(), &rng);
          if (rollback) {
            paged->RollbackOperation();
          } else {
            paged->EndOperation();
          }
        });
      } else if (what < 18) {  // a commit, usually made durable
        if (!model->has_pending_changes()) continue;
        CommitOptions options;
        options.images = what % 2 == 0;
        options.record = what == 16;
        CommitBatch a = model->TakeCommit(options);
        CommitBatch b = paged->TakeCommit(options);
        REQUIRE(a.page_ids == b.page_ids);
        REQUIRE(a.images == b.images);
        REQUIRE(a.record == b.record);
        if (what != 17) {
          model->MarkDurable(a.lsn);
          paged->MarkDurable(b.lsn);
        }
      } else if (what == 18) {  // a failed quorum
        model->RollbackToDurable();
        paged->RollbackToDurable();
      } else {  // durable images of a few pages
        std::vector<uint32_t> ids = {0, 1 + static_cast<uint32_t>(rng() % 3)};
        model_rng();
        Result<std::vector<std::string>> a = model->DurableImages(ids);
        Result<std::vector<std::string>> b = Status::OK();
        faults += backing.Run(paged.get(), [&] { b = paged->DurableImages(ids); });
        REQUIRE(a.ok() == b.ok());
        if (a.ok()) REQUIRE(*a == *b);
      }
      paged->Evict(step % 50 == 0, backing.Sink());
      CacheStats stats = paged->cache_stats();
      REQUIRE(stats.resident_bytes - stats.pinned_bytes <= paged->cache_bytes());
    }
    // Byte-identical pages (SnapshotImages needs no pending changes).
    model->MarkDurable(model->TakeCommit().lsn);
    paged->MarkDurable(paged->TakeCommit().lsn);
    std::vector<std::string> a = model->SnapshotImages();
    std::vector<std::string> b;
    faults += backing.Run(paged.get(), [&] { b = paged->SnapshotImages(); });
    CHECK(a == b);
    CHECK(faults > 50);  // the cache really was too small
    CHECK(paged->cache_stats().misses == static_cast<uint64_t>(faults));
  }
}

}  // namespace
}  // namespace pd
