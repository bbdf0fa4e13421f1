// Pager undo: RollbackOperation, RollbackToDurable with several batches in
// flight plus pending changes, and MarkDurable progression. Expected states
// come from a replica that applies batches (test::ApplyBatch), never from the
// pager itself.
#include "pager/pager.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "pager_test_util.h"

namespace pd {
namespace {

using test::AllocOrDie;
using test::Fill;
using test::FillOf;
using test::NewPager;

TEST_CASE("RollbackOperation restores pages, page count, free list and roots") {
  auto p = NewPager();
  uint32_t a = AllocOrDie(p.get());
  uint32_t b = AllocOrDie(p.get());
  uint32_t c = AllocOrDie(p.get());
  Fill(p.get(), a, 1);
  Fill(p.get(), b, 2);
  Fill(p.get(), c, 3);
  p->set_root(0, a);
  p->Free(c);
  p->TakeCommit();

  // Some pending changes before the operation: they must survive its rollback.
  Fill(p.get(), a, 4);
  const std::vector<uint32_t> dirty_before = p->DirtyPageIds();
  const std::vector<std::string> images_before = p->SnapshotImages();
  const uint32_t count_before = p->page_count();
  const uint32_t free_before = p->free_page_count();

  p->BeginOperation();
  CHECK(p->in_operation());
  Fill(p.get(), a, 5);                 // pending before the op
  Fill(p.get(), b, 6);                 // first dirtied in the op
  uint32_t reused = AllocOrDie(p.get());  // takes c off the free list
  CHECK(reused == c);
  Fill(p.get(), reused, 7);
  uint32_t grown = AllocOrDie(p.get());   // grows the file
  CHECK(grown == count_before);
  Fill(p.get(), grown, 8);
  p->Free(b);
  p->set_root(0, grown);
  p->set_root(5, reused);
  p->RollbackOperation();

  CHECK_FALSE(p->in_operation());
  CHECK(p->page_count() == count_before);
  CHECK(p->Get(grown) == nullptr);  // pages allocated in the operation vanish
  CHECK(p->free_page_count() == free_before);
  CHECK(p->root(0) == a);
  CHECK(p->root(5) == 0);
  CHECK(FillOf(*p, a) == 4);
  CHECK(FillOf(*p, b) == 2);
  CHECK(p->DirtyPageIds() == dirty_before);
  CHECK(p->SnapshotImages() == images_before);

  // The free list still works: c comes back first, then growth.
  CHECK(AllocOrDie(p.get()) == c);
  CHECK(AllocOrDie(p.get()) == count_before);
}

TEST_CASE("RollbackOperation of an operation that was the only change leaves nothing pending") {
  auto p = NewPager();
  uint32_t a = AllocOrDie(p.get());
  CommitBatch b = p->TakeCommit();
  p->BeginOperation();
  Fill(p.get(), a, 9);
  AllocOrDie(p.get());
  p->set_root(1, a);
  p->RollbackOperation();
  CHECK_FALSE(p->has_pending_changes());
  CHECK(p->DirtyPageIds().empty());
  std::vector<std::string> replica = {std::string()};
  test::ApplyBatch(&replica, b);
  CHECK(p->SnapshotImages() == replica);  // byte-exact, CRCs included
}

TEST_CASE("EndOperation keeps changes; a later operation rolls back only its own") {
  auto p = NewPager();
  uint32_t a = AllocOrDie(p.get());
  p->BeginOperation();
  Fill(p.get(), a, 1);
  p->EndOperation();
  p->BeginOperation();
  Fill(p.get(), a, 2);
  p->BeginOperation();  // nested: ignored, the outer operation stays open
  uint32_t b = AllocOrDie(p.get());
  p->RollbackOperation();
  CHECK(FillOf(*p, a) == 1);
  CHECK(p->page_count() == b);
  p->RollbackOperation();  // no operation open: nothing happens
  CHECK(FillOf(*p, a) == 1);
  // Writes outside any operation are kept too.
  Fill(p.get(), a, 3);
  CHECK(FillOf(*p, a) == 3);
}

// Builds a durable base, then `in_flight` batches each changing the same page
// again, plus pending changes; returns the pager and the replica images of
// every state: states[k] is the database after batch k (states[0] = durable).
struct Scenario {
  std::unique_ptr<Pager> pager;
  std::vector<std::vector<std::string>> states;
  std::vector<uint64_t> lsns;  // lsns[k] = LSN of batch k (lsns[0] = durable LSN)
};

Scenario Build(int in_flight) {
  Scenario s;
  s.pager = NewPager();
  Pager* p = s.pager.get();
  std::vector<std::string> replica = p->SnapshotImages();
  uint32_t a = AllocOrDie(p);
  uint32_t b = AllocOrDie(p);
  uint32_t c = AllocOrDie(p);
  uint32_t d = AllocOrDie(p);
  Fill(p, a, 1);
  Fill(p, b, 1);
  Fill(p, c, 1);
  p->Free(d);
  p->set_root(0, a);
  CommitBatch base = p->TakeCommit();
  test::ApplyBatch(&replica, base);
  p->MarkDurable(base.lsn);
  s.states.push_back(replica);
  s.lsns.push_back(base.lsn);

  for (int k = 1; k <= in_flight; ++k) {
    Fill(p, a, static_cast<uint8_t>(10 + k));  // the same page in every batch
    if (k == 1) p->Free(b);
    if (k == 2) Fill(p, AllocOrDie(p), 0x22);  // reuses a free page
    Fill(p, AllocOrDie(p), static_cast<uint8_t>(0x30 + k));  // maybe grows
    p->set_root(1, static_cast<uint32_t>(k));
    CommitBatch batch = p->TakeCommit();
    test::ApplyBatch(&replica, batch);
    s.states.push_back(replica);
    s.lsns.push_back(batch.lsn);
  }
  // Pending changes on top: rewrite, free, allocate, grow, roots.
  Fill(p, a, 99);
  Fill(p, c, 98);
  p->Free(c);
  AllocOrDie(p);
  AllocOrDie(p);
  AllocOrDie(p);
  p->set_root(0, 0);
  p->set_root(7, 2);
  return s;
}

TEST_CASE("RollbackToDurable with 1, 2 and 3 batches in flight plus pending changes") {
  for (int in_flight = 1; in_flight <= 3; ++in_flight) {
    CAPTURE(in_flight);
    Scenario s = Build(in_flight);
    Pager* p = s.pager.get();
    CHECK(p->lsn() == s.lsns.back());
    CHECK(p->durable_lsn() == s.lsns[0]);
    p->RollbackToDurable();
    CHECK(p->lsn() == s.lsns[0]);
    CHECK(p->durable_lsn() == s.lsns[0]);
    CHECK_FALSE(p->has_pending_changes());
    CHECK(p->SnapshotImages() == s.states[0]);
    CHECK(FillOf(*p, 1) == 1);
    CHECK(p->root(0) == 1);

    // Work continues from the durable state, LSNs reused from there.
    Fill(p, 2, 0x44);
    CommitBatch next = p->TakeCommit();
    CHECK(next.prev_lsn == s.lsns[0]);
    CHECK(next.lsn == s.lsns[0] + 1);
    std::vector<std::string> replica = s.states[0];
    test::ApplyBatch(&replica, next);
    CHECK(p->SnapshotImages() == replica);
  }
}

TEST_CASE("RollbackToDurable after some batches became durable: pages dirtied again") {
  // Page a is written in every batch and in pending. Once batch k is durable,
  // rollback must bring back batch k's version of a, not the older one.
  for (int in_flight = 1; in_flight <= 3; ++in_flight) {
    for (int durable = 1; durable <= in_flight; ++durable) {
      CAPTURE(in_flight);
      CAPTURE(durable);
      Scenario s = Build(in_flight);
      Pager* p = s.pager.get();
      for (int k = 1; k <= durable; ++k) p->MarkDurable(s.lsns[k]);
      CHECK(p->durable_lsn() == s.lsns[durable]);
      p->RollbackToDurable();
      CHECK(p->lsn() == s.lsns[durable]);
      CHECK(p->SnapshotImages() == s.states[durable]);
      CHECK(FillOf(*p, 1) == 10 + durable);
    }
  }
}

TEST_CASE("RollbackToDurable with an operation open discards it too") {
  Scenario s = Build(2);
  Pager* p = s.pager.get();
  p->BeginOperation();
  Fill(p, 1, 0x55);
  AllocOrDie(p);
  p->RollbackToDurable();
  CHECK_FALSE(p->in_operation());
  CHECK(p->SnapshotImages() == s.states[0]);
}

TEST_CASE("RollbackToDurable with nothing in flight drops only pending changes") {
  auto p = NewPager();
  uint32_t a = AllocOrDie(p.get());
  Fill(p.get(), a, 3);
  p->RollbackToDurable();  // durable is the empty database
  CHECK(p->page_count() == 1);
  CHECK(p->lsn() == 0);
  CHECK_FALSE(p->has_pending_changes());
  p->RollbackToDurable();  // idempotent
  CHECK(p->page_count() == 1);
}

TEST_CASE("MarkDurable progression") {
  Scenario s = Build(3);
  Pager* p = s.pager.get();
  const uint64_t base = s.lsns[0];
  CHECK(p->durable_lsn() == base);
  p->MarkDurable(base);  // already durable: nothing changes
  CHECK(p->durable_lsn() == base);
  p->MarkDurable(s.lsns[1]);
  CHECK(p->durable_lsn() == s.lsns[1]);
  CHECK(p->lsn() == s.lsns[3]);
  p->MarkDurable(s.lsns[1]);  // repeated: no change
  CHECK(p->durable_lsn() == s.lsns[1]);
  p->MarkDurable(s.lsns[3]);  // a later LSN covers every batch before it
  CHECK(p->durable_lsn() == s.lsns[3]);
  p->MarkDurable(s.lsns[3] + 10);  // nothing in flight beyond: no change
  CHECK(p->durable_lsn() == s.lsns[3]);
  // Pending changes were never in a batch: rollback drops only them.
  p->RollbackToDurable();
  CHECK(p->SnapshotImages() == s.states[3]);

  // Taking a batch and marking it durable at once.
  Fill(p, 1, 0x66);
  CommitBatch b = p->TakeCommit();
  p->MarkDurable(b.lsn);
  CHECK(p->durable_lsn() == b.lsn);
  p->RollbackToDurable();
  CHECK(FillOf(*p, 1) == 0x66);
}

}  // namespace
}  // namespace pd
