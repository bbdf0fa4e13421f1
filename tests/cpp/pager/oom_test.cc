// Out of memory: the pager's calls either succeed, return OutOfSpace, or throw
// std::bad_alloc having changed nothing, so RollbackOperation() (what the
// engine does when a handler throws) restores the state at BeginOperation.
//
// This file replaces the global operator new/delete for the whole pager_test
// binary. They forward to malloc/free unless a test arms g_fail_in: then the
// g_fail_in-th allocation from now fails (once), and the nothrow forms return
// nullptr as the standard ones do.
#include <doctest/doctest.h>

#include <cstdlib>
#include <functional>
#include <new>
#include <cstring>
#include <string>
#include <vector>

#include "pager/pager.h"
#include "pager_test_util.h"

namespace {
long g_fail_in = -1;   // allocations left before the injected failure; -1 = never
bool g_fired = false;  // the injected failure happened

void* Allocate(std::size_t n) {
  if (g_fail_in == 0) {
    g_fail_in = -1;
    g_fired = true;
    throw std::bad_alloc();
  }
  if (g_fail_in > 0) --g_fail_in;
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void* AllocateNoThrow(std::size_t n) noexcept {
  try {
    return Allocate(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
}  // namespace

void* operator new(std::size_t n) { return Allocate(n); }
void* operator new[](std::size_t n) { return Allocate(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return AllocateNoThrow(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return AllocateNoThrow(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace pd {
namespace {

using test::AllocOrDie;
using test::Fill;

// A database with used pages 1..12, free pages (one trunk with room, leaves),
// a committed batch, and pending changes.
std::unique_ptr<Pager> Setup() {
  auto p = test::NewPager(4096);
  for (int i = 0; i < 12; ++i) Fill(p.get(), AllocOrDie(p.get()), static_cast<uint8_t>(i + 1));
  p->Free(3);
  p->Free(5);
  p->Free(7);
  p->set_root(0, 1);
  p->TakeCommit();
  Fill(p.get(), 2, 0x42);  // pending before any operation
  return p;
}

struct Outcome {
  bool threw = false;  // the action threw std::bad_alloc
  bool fired = false;  // the injected failure happened (thrown, or seen as nullptr)
};

// Runs `action` with the n-th allocation failing.
Outcome RunFailing(long n, const std::function<void()>& action) {
  Outcome o;
  g_fail_in = n;
  g_fired = false;
  try {
    action();
  } catch (const std::bad_alloc&) {
    o.threw = true;
  }
  o.fired = g_fired;
  g_fail_in = -1;
  g_fired = false;
  return o;
}

void ExpectUsable(Pager* p) {
  AllocOrDie(p);
  CommitBatch b = p->TakeCommit();
  for (size_t i = 0; i < b.page_ids.size(); ++i) {
    REQUIRE(VerifyPageImage(b.page_ids[i], b.images[i], p->page_size(), b.lsn).ok());
  }
  REQUIRE(Pager::Load(p->SnapshotImages()).ok());
}

// Runs `prepare` (no failures) and then, inside an operation, fails each
// allocation that `action` (one pager call) makes in turn, checking that the
// throwing call changed nothing and that RollbackOperation restores the
// state at BeginOperation.
void CheckAction(const std::string& name, const std::function<void(Pager*)>& prepare,
                 const std::function<void(Pager*)>& action) {
  CAPTURE(name);
  bool any_threw = false;
  for (long n = 0;; ++n) {
    CAPTURE(n);
    auto p = Setup();
    prepare(p.get());
    const std::vector<std::string> at_begin_op = p->SnapshotImages();
    p->BeginOperation();
    Fill(p.get(), 4, 0x44);  // some change inside the operation already
    const std::vector<std::string> before = p->SnapshotImages();
    const uint32_t free_before = p->free_page_count();
    Outcome o = RunFailing(n, [&] { action(p.get()); });
    if (o.threw) {
      any_threw = true;
      REQUIRE(p->SnapshotImages() == before);  // the throwing call changed nothing
      REQUIRE(p->free_page_count() == free_before);
    }
    p->RollbackOperation();
    REQUIRE(p->SnapshotImages() == at_begin_op);
    ExpectUsable(p.get());
    if (!o.fired) break;  // no allocation left to fail
  }
  CHECK(any_threw);  // the action does allocate, so failures were injected
}

TEST_CASE("a call that runs out of memory changes nothing; the operation rolls back") {
  auto nothing = [](Pager*) {};
  auto allocate = [](Pager* p) {
    Result<uint32_t> r = p->Allocate(PageType::kOverflow);
    if (r.ok()) {
      std::memset(p->GetMutable(*r) + kHeaderOwnerOffset, 9, 100);
    } else {
      REQUIRE(r.status().IsOutOfSpace());  // the page memory itself
    }
  };
  // Free list at Setup: trunk 3 listing 5 and 7.
  auto take = [](int n) {
    return [n](Pager* p) {
      for (int i = 0; i < n; ++i) AllocOrDie(p);
    };
  };
  CheckAction("Allocate: a leaf of the trunk", nothing, allocate);
  CheckAction("Allocate: the trunk itself", take(2), allocate);
  CheckAction("Allocate: grow", take(3), allocate);
  CheckAction("Free into the trunk", nothing, [](Pager* p) { p->Free(9); });
  CheckAction("Free into an empty list (becomes a trunk)", take(3),
              [](Pager* p) { p->Free(9); });
  CheckAction("GetMutable, pending before the operation", nothing,
              [](Pager* p) { p->GetMutable(2)[100] = 1; });
  CheckAction("GetMutable, clean page", nothing, [](Pager* p) { p->GetMutable(10)[100] = 1; });
  CheckAction("set_root", nothing, [](Pager* p) { p->set_root(3, 8); });
}

TEST_CASE("TakeCommit that runs out of memory changes nothing and can be retried") {
  bool any_threw = false;
  for (long n = 0;; ++n) {
    CAPTURE(n);
    auto p = Setup();
    const std::vector<std::string> before = p->SnapshotImages();
    const uint64_t lsn = p->lsn();
    CommitBatch batch;
    Outcome o = RunFailing(n, [&] { batch = p->TakeCommit(); });
    if (o.threw) {
      any_threw = true;
      REQUIRE(p->SnapshotImages() == before);
      REQUIRE(p->lsn() == lsn);
      REQUIRE(p->has_pending_changes());
      batch = p->TakeCommit();
    }
    REQUIRE(batch.lsn == lsn + 1);
    REQUIRE(batch.page_ids == std::vector<uint32_t>{0, 2});
    REQUIRE(Pager::Load(p->SnapshotImages()).ok());
    p->RollbackToDurable();  // durable is LSN 0: the empty database
    REQUIRE(p->page_count() == 1);
    if (!o.fired) break;
  }
  CHECK(any_threw);
}

}  // namespace
}  // namespace pd
