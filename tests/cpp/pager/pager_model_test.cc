// Randomised test of the pager against a simple model, over several seeds.
//
// The model is a vector of page contents (the type byte followed by the owner
// bytes 20..page_size-1; null for a free page, and for page 0; shared and
// copied on write so that keeping many states is cheap) plus page count and
// root slots, kept for every state that matters:
// the current one, the one at BeginOperation, the durable one, and one per
// batch in flight. Two simulated replicas check the exact bytes: `all` applies
// every batch as it is taken, `durable` applies a batch when it is marked
// durable. A failure prints the seed and the step.
#include "pager/pager.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "pager_test_util.h"

namespace pd {
namespace {

using Content = std::shared_ptr<const std::string>;  // type byte + owner bytes

struct ModelState {
  uint32_t page_count = 1;               // pages, including 0 and free pages
  std::vector<Content> pages{nullptr};   // per page; null = free (or page 0)
  uint32_t used = 0;                     // non-null entries of pages
  uint32_t roots[kRootSlots] = {};       // root slots, page ids
  std::set<uint32_t> dirty;              // pages the test changed since the last commit
};

class ModelTest {
 public:
  ModelTest(uint32_t seed, uint32_t page_size)
      : seed_(seed), ps_(page_size), max_pages_(page_size == 4096 ? 2500 : (4u << 20) / page_size),
        rng_(seed) {
    pager_ = test::NewPager(ps_);
    all_ = pager_->SnapshotImages();
    durable_replica_ = all_;
  }

  void Run(int steps) {
    for (step_ = 0; step_ < steps; ++step_) {
      INFO("seed=" << seed_ << " page_size=" << ps_ << " step=" << step_);
      Step();
      CheckCounts();
      if (step_ % 128 == 0) CheckAllPages();
    }
    INFO("seed=" << seed_ << " final");
    CheckAllPages();
  }

 private:
  uint32_t Rand(uint32_t n) { return static_cast<uint32_t>(rng_() % n); }

  std::vector<uint32_t> UsedIds() const {
    std::vector<uint32_t> ids;
    for (uint32_t id = 1; id < cur_.page_count; ++id) {
      if (cur_.pages[id]) ids.push_back(id);
    }
    return ids;
  }

  // A random allocated page, or 0 if there is none.
  uint32_t RandomUsed() {
    if (cur_.used == 0) return 0;
    for (int tries = 0; tries < 64; ++tries) {
      uint32_t id = 1 + Rand(cur_.page_count - 1);
      if (cur_.pages[id]) return id;
    }
    std::vector<uint32_t> used = UsedIds();
    return used[Rand(static_cast<uint32_t>(used.size()))];
  }

  void MarkFree(uint32_t id) {
    cur_.pages[id] = nullptr;
    cur_.used--;
    cur_.dirty.insert(id);
    cur_.dirty.insert(0);
  }

  // True iff the pager's page `id` has the model's type and owner bytes.
  bool SameContent(uint32_t id, const std::string& want) const {
    const uint8_t* p = pager_->Get(id);
    return p != nullptr && want.size() == ps_ - kHeaderOwnerOffset + 1 &&
           static_cast<char>(p[kHeaderTypeOffset]) == want[0] &&
           std::memcmp(p + kHeaderOwnerOffset, want.data() + 1, want.size() - 1) == 0;
  }

  void Step() {
    uint32_t r = Rand(1000);
    if (r < 200) {
      Allocate();
    } else if (r < 300) {
      FreeOne();
    } else if (r < 560) {
      Write();
    } else if (r < 600) {
      SetRoot();
    } else if (r < 660) {
      if (!pager_->in_operation()) {
        pager_->BeginOperation();
        op_start_ = cur_;
        op_images_.clear();
        if (Rand(8) == 0) op_images_ = pager_->SnapshotImages();  // exact bytes, sometimes
      }
    } else if (r < 720) {
      if (pager_->in_operation()) pager_->EndOperation();
    } else if (r < 770) {
      if (pager_->in_operation()) {
        pager_->RollbackOperation();
        cur_ = op_start_;
        CheckDirty();
        if (!op_images_.empty()) REQUIRE(pager_->SnapshotImages() == op_images_);
        if (Rand(4) == 0) CheckAllPages();
      }
    } else if (r < 850) {
      TakeCommit();
    } else if (r < 920) {
      MarkDurable();
    } else if (r < 950) {
      RollbackToDurable();
    } else if (r < 970) {
      AllocateBurst();
    } else if (r < 990) {
      FreeBurst();
    } else if (r < 995) {
      LoadLatest();
    } else {
      LoadDurable();
    }
  }

  void Allocate() {
    const uint32_t free_pages = cur_.page_count - 1 - cur_.used;
    if (free_pages == 0 && cur_.page_count >= max_pages_) return;
    PageType type = static_cast<PageType>(3 + Rand(3));
    Result<uint32_t> r = pager_->Allocate(type);
    REQUIRE(r.ok());
    uint32_t id = *r;
    if (free_pages > 0) {
      REQUIRE(id < cur_.page_count);  // reuse before growth
      REQUIRE(cur_.pages[id].get() == nullptr);
    } else {
      REQUIRE(id == cur_.page_count);
      cur_.page_count++;
      cur_.pages.emplace_back();
    }
    std::string content(ps_ - kHeaderOwnerOffset + 1, '\0');
    content[0] = static_cast<char>(type);
    cur_.pages[id] = std::make_shared<const std::string>(std::move(content));
    cur_.used++;
    cur_.dirty.insert(id);
    cur_.dirty.insert(0);
  }

  void FreeOne() {
    uint32_t id = RandomUsed();
    if (id == 0) return;
    pager_->Free(id);
    MarkFree(id);
  }

  void Write() {
    uint32_t id = RandomUsed();
    if (id == 0) return;
    uint8_t* w = pager_->GetMutable(id);
    REQUIRE(w != nullptr);
    uint32_t len = 1 + Rand(Rand(4) == 0 ? ps_ - kHeaderOwnerOffset : 64);
    uint32_t off = kHeaderOwnerOffset + Rand(ps_ - kHeaderOwnerOffset - len + 1);
    uint8_t byte = static_cast<uint8_t>(rng_());
    std::string content = *cur_.pages[id];
    for (uint32_t i = 0; i < len; ++i) {
      w[off + i] = static_cast<uint8_t>(byte + i);
      content[1 + off - kHeaderOwnerOffset + i] = static_cast<char>(byte + i);
    }
    cur_.pages[id] = std::make_shared<const std::string>(std::move(content));
    cur_.dirty.insert(id);
  }

  void SetRoot() {
    int slot = static_cast<int>(Rand(kRootSlots));
    uint32_t id = Rand(4) == 0 ? 0 : RandomUsed();
    pager_->set_root(slot, id);
    if (cur_.roots[slot] != id) cur_.dirty.insert(0);
    cur_.roots[slot] = id;
  }

  void AllocateBurst() {
    uint32_t n = 1 + Rand(max_pages_ / 3);
    for (uint32_t i = 0; i < n; ++i) Allocate();
  }

  void FreeBurst() {
    std::vector<uint32_t> used = UsedIds();
    std::shuffle(used.begin(), used.end(), rng_);
    used.resize(used.size() * (1 + Rand(9)) / 10);
    for (uint32_t id : used) {
      pager_->Free(id);
      MarkFree(id);
    }
  }

  void TakeCommit() {
    if (pager_->in_operation()) return;
    if (!pager_->has_pending_changes()) {
      REQUIRE(cur_.dirty.empty());
      return;
    }
    CheckDirty();
    const uint64_t prev = pager_->lsn();
    CommitBatch b = pager_->TakeCommit();
    REQUIRE(b.lsn == prev + 1);
    REQUIRE(b.prev_lsn == prev);
    REQUIRE(b.page_count == cur_.page_count);
    REQUIRE(!b.page_ids.empty());
    REQUIRE(b.page_ids[0] == 0);
    REQUIRE(b.page_ids.size() == b.images.size());
    for (size_t i = 0; i < b.page_ids.size(); ++i) {
      if (i > 0) REQUIRE(b.page_ids[i - 1] < b.page_ids[i]);
      REQUIRE(test::LsnOf(b.images[i]) == b.lsn);
      Status s = VerifyPageImage(b.page_ids[i], b.images[i], ps_, b.lsn);
      REQUIRE_MESSAGE(s.ok(), s.ToString());
    }
    test::ApplyBatch(&all_, b);
    REQUIRE(pager_->lsn() == b.lsn);
    REQUIRE_FALSE(pager_->has_pending_changes());
    if (Rand(4) == 0) REQUIRE(pager_->SnapshotImages() == all_);
    cur_.dirty.clear();
    in_flight_.push_back(InFlight{b, cur_});
  }

  void MarkDurable() {
    if (in_flight_.empty()) return;
    // Usually the oldest batch; sometimes a later LSN, covering the ones before.
    size_t upto = Rand(3) == 0 ? Rand(static_cast<uint32_t>(in_flight_.size())) : 0;
    uint64_t lsn = in_flight_[upto].batch.lsn;
    pager_->MarkDurable(lsn);
    for (size_t i = 0; i <= upto; ++i) {
      test::ApplyBatch(&durable_replica_, in_flight_.front().batch);
      durable_ = in_flight_.front().state;
      in_flight_.pop_front();
    }
    REQUIRE(pager_->durable_lsn() == lsn);
  }

  void RollbackToDurable() {
    if (pager_->in_operation() && Rand(2) == 0) return;  // usually with no op open
    pager_->RollbackToDurable();
    cur_ = durable_;
    cur_.dirty.clear();
    in_flight_.clear();
    all_ = durable_replica_;
    REQUIRE_FALSE(pager_->in_operation());
    REQUIRE(pager_->lsn() == pager_->durable_lsn());
    REQUIRE(pager_->SnapshotImages() == durable_replica_);
    CheckAllPages();
  }

  // Reload from every batch taken (as after a clean restart).
  void LoadLatest() {
    if (pager_->in_operation()) pager_->EndOperation();
    if (pager_->has_pending_changes()) TakeCommit();
    std::vector<std::string> images = pager_->SnapshotImages();
    REQUIRE(images == all_);
    pager_ = test::LoadOrDie(std::move(images));
    durable_ = cur_;
    durable_replica_ = all_;
    in_flight_.clear();
    REQUIRE(pager_->durable_lsn() == pager_->lsn());
    CheckAllPages();
  }

  // Reload from the durable replica (as after a crash): later work is lost.
  void LoadDurable() {
    pager_ = test::LoadOrDie(durable_replica_);
    cur_ = durable_;
    cur_.dirty.clear();
    all_ = durable_replica_;
    in_flight_.clear();
    CheckAllPages();
  }

  // The pager's dirty set is the model's plus free-list trunk pages.
  void CheckDirty() {
    std::vector<uint32_t> dirty = pager_->DirtyPageIds();
    std::set<uint32_t> got(dirty.begin(), dirty.end());
    for (uint32_t id : cur_.dirty) REQUIRE(got.count(id) == 1);
    for (uint32_t id : got) {
      if (cur_.dirty.count(id)) continue;
      REQUIRE(id != 0);
      REQUIRE(static_cast<PageType>(pager_->Get(id)[kHeaderTypeOffset]) == PageType::kFreeTrunk);
    }
    REQUIRE(got.empty() == cur_.dirty.empty());
  }

  void CheckCounts() {
    REQUIRE(pager_->page_count() == cur_.page_count);
    REQUIRE(pager_->free_page_count() == cur_.page_count - 1 - cur_.used);
    for (int slot = 0; slot < kRootSlots; ++slot) REQUIRE(pager_->root(slot) == cur_.roots[slot]);
  }

  void CheckAllPages() {
    CheckCounts();
    REQUIRE(pager_->Get(cur_.page_count) == nullptr);
    for (uint32_t id = 1; id < cur_.page_count; ++id) {
      if (!cur_.pages[id]) {
        const uint8_t* page = pager_->Get(id);
        PageType t = static_cast<PageType>(page[kHeaderTypeOffset]);
        REQUIRE((t == PageType::kFree || t == PageType::kFreeTrunk));
        if (t == PageType::kFree) {  // free leaves hold nothing: all zero
          REQUIRE(page[kHeaderOwnerOffset] == 0);
          REQUIRE(std::memcmp(page + kHeaderOwnerOffset, page + kHeaderOwnerOffset + 1,
                              ps_ - kHeaderOwnerOffset - 1) == 0);
        }
      } else {
        INFO("page " << id);
        REQUIRE(SameContent(id, *cur_.pages[id]));
      }
    }
  }

  struct InFlight {
    CommitBatch batch;  // as taken
    ModelState state;   // the model after this batch
  };

  const uint32_t seed_;  // printed on failure
  const uint32_t ps_;    // page size, bytes
  const uint32_t max_pages_;  // growth stops here (keeps the model's memory bounded)
  std::mt19937 rng_;
  int step_ = 0;
  std::unique_ptr<Pager> pager_;
  ModelState cur_;       // now
  ModelState op_start_;  // at BeginOperation
  std::vector<std::string> op_images_;  // every page image at BeginOperation, or empty
  ModelState durable_;   // at durable_lsn()
  std::deque<InFlight> in_flight_;  // batches taken, not yet durable
  std::vector<std::string> all_;              // replica applying every batch taken
  std::vector<std::string> durable_replica_;  // replica applying durable batches
};

TEST_CASE("pager against a model, several seeds and page sizes") {
  const uint32_t kSizes[] = {4096, 8192, 16384, 65536, 4096, 4096, 8192, 32768};
  for (uint32_t seed = 1; seed <= 8; ++seed) {
    ModelTest t(seed, kSizes[seed - 1]);
    t.Run(3000);
  }
}

}  // namespace
}  // namespace pd
