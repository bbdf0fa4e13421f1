// Pager: creation, allocation and the free list, dirty set, commit batches
// and sealing, snapshot/Load round trips.
#include "pager/pager.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "pager_test_util.h"

namespace pd {
namespace {

using test::AllocOrDie;
using test::Bytes;
using test::Fill;
using test::FillOf;
using test::LoadOrDie;
using test::NewPager;

PageType TypeOf(const Pager& p, uint32_t id) { return static_cast<PageType>(p.Get(id)[kHeaderTypeOffset]); }

TEST_CASE("Create: an empty database is a sealed meta page") {
  for (uint32_t ps : {4096u, 8192u, 16384u, 32768u, 65536u}) {
    auto p = NewPager(ps);
    CHECK(p->page_size() == ps);
    CHECK(p->page_count() == 1);
    CHECK(p->lsn() == 0);
    CHECK(p->durable_lsn() == 0);
    CHECK(p->free_page_count() == 0);
    CHECK_FALSE(p->has_pending_changes());
    CHECK(p->DirtyPageIds().empty());
    CHECK_FALSE(p->in_operation());
    CHECK(p->Get(0) != nullptr);
    CHECK(p->Get(1) == nullptr);
    CHECK(p->GetMutable(0) == nullptr);
    CHECK(p->GetMutable(1) == nullptr);
    for (int slot = 0; slot < kRootSlots; ++slot) CHECK(p->root(slot) == 0);

    std::vector<std::string> images = p->SnapshotImages();
    REQUIRE(images.size() == 1);
    CHECK(VerifyPageImage(0, images[0], ps, 0).ok());
    CHECK(std::memcmp(Bytes(images[0]) + kMetaMagicOffset, "PDYNAMO\0", 8) == 0);
    Result<MetaHead> head = ReadMetaHead(images[0]);
    REQUIRE(head.ok());
    CHECK(head->lsn == 0);
    CHECK(head->page_size == ps);
    CHECK(head->page_count == 1);
    CHECK(head->free_page_count == 0);
  }
  for (uint32_t bad : {0u, 1u, 2048u, 4095u, 4097u, 12288u, 131072u}) {
    Result<std::unique_ptr<Pager>> r = Pager::Create(bad);
    CHECK(r.status().IsInvalidArgument());
  }
}

TEST_CASE("Allocate zeroes and types pages; Free returns them; reuse before growth") {
  auto p = NewPager();
  uint32_t a = AllocOrDie(p.get(), PageType::kBtreeLeaf);
  uint32_t b = AllocOrDie(p.get(), PageType::kBtreeInterior);
  uint32_t c = AllocOrDie(p.get(), PageType::kOverflow);
  CHECK(a == 1);
  CHECK(b == 2);
  CHECK(c == 3);
  CHECK(p->page_count() == 4);
  CHECK(TypeOf(*p, a) == PageType::kBtreeLeaf);
  CHECK(TypeOf(*p, b) == PageType::kBtreeInterior);
  CHECK(TypeOf(*p, c) == PageType::kOverflow);
  CHECK(DecodeFixed32(p->Get(b) + kHeaderIdOffset) == b);
  CHECK(FillOf(*p, a) == 0);
  Fill(p.get(), b, 0xab);
  CHECK(FillOf(*p, b) == 0xab);

  p->Free(b);
  CHECK(p->free_page_count() == 1);
  CHECK(TypeOf(*p, b) == PageType::kFreeTrunk);  // first free page becomes the trunk
  p->Free(b);                                    // already free: ignored
  p->Free(0);                                    // the meta page: ignored
  p->Free(99);                                   // out of range: ignored
  CHECK(p->free_page_count() == 1);

  uint32_t d = AllocOrDie(p.get(), PageType::kOverflow);
  CHECK(d == b);
  CHECK(p->page_count() == 4);
  CHECK(p->free_page_count() == 0);
  CHECK(TypeOf(*p, d) == PageType::kOverflow);
  CHECK(FillOf(*p, d) == 0);  // zeroed on reuse
  CHECK(AllocOrDie(p.get()) == 4);  // empty free list: grow
}

TEST_CASE("free list: LIFO order, leaves typed kFree, the trunk itself is reused last") {
  auto p = NewPager();
  std::vector<uint32_t> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(AllocOrDie(p.get()));
    Fill(p.get(), ids.back(), 0x5a);
  }
  p->Free(ids[0]);  // becomes the trunk
  p->Free(ids[2]);
  p->Free(ids[4]);
  CHECK(p->free_page_count() == 3);
  CHECK(TypeOf(*p, ids[0]) == PageType::kFreeTrunk);
  CHECK(TypeOf(*p, ids[2]) == PageType::kFree);
  CHECK(TypeOf(*p, ids[4]) == PageType::kFree);
  CHECK(FillOf(*p, ids[2]) == 0);
  CHECK(AllocOrDie(p.get()) == ids[4]);
  CHECK(AllocOrDie(p.get()) == ids[2]);
  CHECK(AllocOrDie(p.get()) == ids[0]);
  CHECK(p->free_page_count() == 0);
  CHECK(AllocOrDie(p.get()) == 6);
}

TEST_CASE("free list across many trunk pages: 100k pages freed in random order") {
  const uint32_t kN = 100000;
  const uint32_t kPageSize = 4096;  // 1016 ids per trunk: about 99 trunk pages
  auto p = NewPager(kPageSize);
  for (uint32_t i = 1; i <= kN; ++i) REQUIRE(AllocOrDie(p.get()) == i);
  CHECK(p->page_count() == kN + 1);

  std::vector<uint32_t> order(kN);
  std::iota(order.begin(), order.end(), 1u);
  std::mt19937 rng(42);
  std::shuffle(order.begin(), order.end(), rng);
  for (uint32_t id : order) p->Free(id);
  CHECK(p->free_page_count() == kN);
  CHECK(p->page_count() == kN + 1);
  uint32_t trunks = 0;
  for (uint32_t id = 1; id <= kN; ++id) {
    PageType t = TypeOf(*p, id);
    REQUIRE((t == PageType::kFree || t == PageType::kFreeTrunk));
    if (t == PageType::kFreeTrunk) ++trunks;
  }
  CHECK(trunks == (kN + 1016) / 1017);  // each trunk page holds itself + 1016 ids

  // The whole list survives a commit and a Load (which walks and checks it).
  CommitBatch batch = p->TakeCommit();
  CHECK(batch.page_ids.size() == kN + 1);
  batch = CommitBatch();
  p->MarkDurable(1);
  {
    std::vector<std::string> images = p->SnapshotImages();
    p.reset();
    p = LoadOrDie(std::move(images));
  }
  CHECK(p->free_page_count() == kN);

  std::vector<bool> got(kN + 1, false);
  for (uint32_t i = 0; i < kN; ++i) {
    uint32_t id = AllocOrDie(p.get());
    REQUIRE(id >= 1);
    REQUIRE(id <= kN);  // reuse, never growth
    REQUIRE_FALSE(got[id]);
    got[id] = true;
  }
  CHECK(p->free_page_count() == 0);
  CHECK(p->page_count() == kN + 1);
  CHECK(AllocOrDie(p.get()) == kN + 1);

  // Rolling back to the durable state brings the 100k-page free list back.
  p->RollbackToDurable();
  CHECK(p->free_page_count() == kN);
  CHECK(p->page_count() == kN + 1);
  CHECK_FALSE(p->has_pending_changes());
}

TEST_CASE("dirty set contents") {
  auto p = NewPager();
  CHECK(p->DirtyPageIds().empty());
  uint32_t a = AllocOrDie(p.get());
  CHECK(p->DirtyPageIds() == std::vector<uint32_t>{0, a});
  uint32_t b = AllocOrDie(p.get());
  uint32_t c = AllocOrDie(p.get());
  CHECK(p->DirtyPageIds() == std::vector<uint32_t>{0, a, b, c});
  CHECK(p->has_pending_changes());
  p->TakeCommit();
  CHECK(p->DirtyPageIds().empty());
  CHECK_FALSE(p->has_pending_changes());

  (void)p->Get(b);  // reading does not dirty
  CHECK(p->DirtyPageIds().empty());
  Fill(p.get(), c, 1);
  CHECK(p->DirtyPageIds() == std::vector<uint32_t>{c});
  Fill(p.get(), c, 2);  // again: still one entry
  CHECK(p->DirtyPageIds() == std::vector<uint32_t>{c});
  p->set_root(0, a);
  CHECK(p->DirtyPageIds() == std::vector<uint32_t>{0, c});
  p->TakeCommit();
  p->set_root(0, a);  // unchanged value: no-op
  CHECK(p->DirtyPageIds().empty());

  p->Free(b);  // free list was empty: b becomes the trunk
  CHECK(p->DirtyPageIds() == std::vector<uint32_t>{0, b});
  p->TakeCommit();
  p->Free(a);  // a is listed in trunk b: a, b and the meta page change
  CHECK(p->DirtyPageIds() == std::vector<uint32_t>{0, a, b});
  p->TakeCommit();
  CHECK(AllocOrDie(p.get()) == a);  // taken from trunk b
  CHECK(p->DirtyPageIds() == std::vector<uint32_t>{0, a, b});
}

TEST_CASE("TakeCommit: contents, sealing and LSNs") {
  auto p = NewPager(8192);
  uint32_t a = AllocOrDie(p.get());
  uint32_t b = AllocOrDie(p.get());
  uint32_t c = AllocOrDie(p.get());
  Fill(p.get(), a, 0x11);
  Fill(p.get(), b, 0x22);
  p->set_root(0, a);
  p->set_root(3, c);

  CommitBatch b1 = p->TakeCommit();
  CHECK(b1.lsn == 1);
  CHECK(b1.prev_lsn == 0);
  CHECK(b1.page_count == 4);
  REQUIRE(b1.page_ids == std::vector<uint32_t>{0, a, b, c});
  REQUIRE(b1.images.size() == 4);
  CHECK(p->lsn() == 1);
  CHECK(p->durable_lsn() == 0);
  for (size_t i = 0; i < b1.page_ids.size(); ++i) {
    const std::string& img = b1.images[i];
    REQUIRE(img.size() == 8192);
    CHECK(test::LsnOf(img) == 1);
    CHECK(DecodeFixed32(Bytes(img) + kHeaderCrcOffset) == test::FormatCrc(img));
    CHECK(DecodeFixed32(Bytes(img) + kHeaderIdOffset) == b1.page_ids[i]);
    CHECK(VerifyPageImage(b1.page_ids[i], img, 8192, 1).ok());
    // The in-memory page is the persisted form: sealed too.
    CHECK(std::memcmp(p->Get(b1.page_ids[i]), img.data(), 8192) == 0);
  }
  Result<MetaHead> head = ReadMetaHead(b1.images[0]);
  REQUIRE(head.ok());
  CHECK(head->lsn == 1);
  CHECK(head->page_count == 4);
  CHECK(head->roots[0] == a);
  CHECK(head->roots[3] == c);
  CHECK(head->roots[1] == 0);
  CHECK(std::string(b1.images[1], kHeaderOwnerOffset) == std::string(8192 - 20, '\x11'));

  // The batch is a copy: later writes do not change it.
  Fill(p.get(), b, 0x33);
  CHECK(static_cast<uint8_t>(b1.images[2][100]) == 0x22);

  CommitBatch b2 = p->TakeCommit();
  CHECK(b2.lsn == 2);
  CHECK(b2.prev_lsn == 1);
  REQUIRE(b2.page_ids == std::vector<uint32_t>{0, b});  // meta always, plus what changed
  REQUIRE(b2.images.size() == 2);
  CHECK(test::LsnOf(b2.images[1]) == 2);
  // Pages not in the batch keep the LSN of the commit that last wrote them.
  CHECK(DecodeFixed64(p->Get(a) + kHeaderLsnOffset) == 1);
  CHECK(DecodeFixed64(p->Get(c) + kHeaderLsnOffset) == 1);

  // A replica applying every batch holds exactly the snapshot.
  std::vector<std::string> replica = {std::string()};
  test::ApplyBatch(&replica, b1);
  test::ApplyBatch(&replica, b2);
  CHECK(replica == p->SnapshotImages());

  // The pager keeps owner header bytes 20..23 as written.
  EncodeFixed32(p->GetMutable(c) + kHeaderOwnerOffset, 0xdeadbeef);
  CommitBatch b3 = p->TakeCommit();
  REQUIRE(b3.page_ids == std::vector<uint32_t>{0, c});
  CHECK(DecodeFixed32(Bytes(b3.images[1]) + kHeaderOwnerOffset) == 0xdeadbeef);
}

TEST_CASE("Load of a snapshot round-trips on every page size") {
  for (uint32_t ps : {4096u, 8192u, 16384u, 32768u, 65536u}) {
    CAPTURE(ps);
    auto p = NewPager(ps);
    std::vector<uint32_t> ids;
    for (int i = 0; i < 40; ++i) {
      ids.push_back(AllocOrDie(p.get(), i % 2 ? PageType::kBtreeLeaf : PageType::kOverflow));
      Fill(p.get(), ids.back(), static_cast<uint8_t>(i + 1));
    }
    for (int i = 0; i < 40; i += 3) p->Free(ids[i]);
    p->set_root(0, ids[1]);
    p->set_root(7, ids[5]);
    p->TakeCommit();
    Fill(p.get(), ids[7], 0x77);
    p->TakeCommit();
    p->MarkDurable(1);  // Load does not care what was durable: the images are

    std::vector<std::string> images = p->SnapshotImages();
    auto q = LoadOrDie(images);
    CHECK(q->page_size() == ps);
    CHECK(q->page_count() == p->page_count());
    CHECK(q->free_page_count() == p->free_page_count());
    CHECK(q->lsn() == 2);
    CHECK(q->durable_lsn() == 2);
    CHECK_FALSE(q->has_pending_changes());
    for (int slot = 0; slot < kRootSlots; ++slot) CHECK(q->root(slot) == p->root(slot));
    CHECK(q->SnapshotImages() == images);
    CHECK(FillOf(*q, ids[7]) == 0x77);

    // The loaded pager continues: free pages first, LSNs follow on.
    uint32_t r = AllocOrDie(q.get());
    CHECK(r < q->page_count());
    CHECK(q->free_page_count() == p->free_page_count() - 1);
    CommitBatch next = q->TakeCommit();
    CHECK(next.lsn == 3);
    CHECK(next.prev_lsn == 2);
  }
}

TEST_CASE("VerifyPageImage and ReadMetaHead on single images") {
  auto p = NewPager();
  uint32_t a = AllocOrDie(p.get());
  CommitBatch b = p->TakeCommit();
  CHECK(VerifyPageImage(a, b.images[1], 4096, 1).ok());
  CHECK(VerifyPageImage(a, b.images[1], 4096, 0).IsCorruption());  // LSN 1 > 0
  CHECK(VerifyPageImage(a + 1, b.images[1], 4096, 1).IsCorruption());
  CHECK(VerifyPageImage(a, b.images[1], 8192, 1).IsCorruption());  // wrong size
  CHECK(VerifyPageImage(a, b.images[1], 3000, 1).IsInvalidArgument());
  CHECK(VerifyPageImage(0, b.images[0], 4096, 1).ok());
  CHECK(ReadMetaHead(b.images[1]).status().IsCorruption());  // not a meta page
  CHECK(ReadMetaHead(std::string(100, '\0')).status().IsCorruption());
  CHECK(ReadMetaHead(std::string(4096, '\0')).status().IsCorruption());
}

}  // namespace
}  // namespace pd
