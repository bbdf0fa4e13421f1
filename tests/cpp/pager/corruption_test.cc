// Pager::Load and VerifyPageImage on damaged images: every kind of damage is
// a Corruption whose message names the page ("page <id>: ..."), never a crash.
#include "pager/pager.h"

#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "pager/freelist.h"
#include "pager_test_util.h"

namespace pd {
namespace {

using test::AllocOrDie;
using test::Bytes;
using test::Fill;
using test::NewPager;
using test::Reseal;
using test::StartsWith;

constexpr uint32_t kPageSize = 4096;

struct Db {
  std::vector<std::string> images;  // a valid snapshot, LSN 2
  std::vector<uint32_t> trunks;     // free-list trunk page ids
  std::vector<uint32_t> leaves;     // free-list leaf page ids
  std::vector<uint32_t> used;       // allocated page ids
};

// 30 allocated pages, 12 of them freed (one trunk, 11 leaves), two commits.
Db MakeDb() {
  Db db;
  auto p = NewPager(kPageSize);
  std::vector<uint32_t> ids;
  for (int i = 0; i < 30; ++i) {
    ids.push_back(AllocOrDie(p.get(), i % 3 ? PageType::kBtreeLeaf : PageType::kOverflow));
    Fill(p.get(), ids.back(), static_cast<uint8_t>(i * 7 + 1));
  }
  p->set_root(0, ids[0]);
  p->TakeCommit();
  for (int i = 1; i < 30; i += 2) {
    if (db.trunks.size() + db.leaves.size() == 12) break;
    p->Free(ids[i]);
    (db.trunks.empty() ? db.trunks : db.leaves).push_back(ids[i]);
  }
  Fill(p.get(), ids[2], 0xee);
  p->TakeCommit();
  for (uint32_t id : ids) {
    bool is_free = false;
    for (uint32_t f : db.trunks) is_free |= f == id;
    for (uint32_t f : db.leaves) is_free |= f == id;
    if (!is_free) db.used.push_back(id);
  }
  db.images = p->SnapshotImages();
  return db;
}

// Loads and requires Corruption naming `page`; returns the message.
std::string ExpectCorrupt(std::vector<std::string> images, uint32_t page) {
  Result<std::unique_ptr<Pager>> r = Pager::Load(std::move(images));
  REQUIRE_FALSE(r.ok());
  INFO(r.status().ToString());
  REQUIRE(r.status().IsCorruption());
  REQUIRE(StartsWith(r.status().message(), "page " + std::to_string(page) + ": "));
  return r.status().message();
}

TEST_CASE("the test database itself loads") {
  Db db = MakeDb();
  REQUIRE(db.trunks.size() == 1);
  REQUIRE(db.leaves.size() == 11);
  auto p = test::LoadOrDie(db.images);
  CHECK(p->free_page_count() == 12);
  CHECK(p->lsn() == 2);
}

TEST_CASE("a flipped byte anywhere in any page is Corruption naming that page") {
  Db db = MakeDb();
  std::mt19937 rng(99);
  for (uint32_t id = 0; id < db.images.size(); ++id) {
    std::vector<uint32_t> offsets;
    for (uint32_t o = 0; o < kPageHeaderSize; ++o) offsets.push_back(o);
    for (int i = 0; i < 12; ++i) offsets.push_back(kPageHeaderSize + rng() % (kPageSize - 24));
    offsets.push_back(kPageSize - 1);
    for (uint32_t off : offsets) {
      CAPTURE(id);
      CAPTURE(off);
      std::vector<std::string> images = db.images;
      images[id][off] = static_cast<char>(images[id][off] ^ (1 + rng() % 255));
      std::string msg = ExpectCorrupt(std::move(images), id);
      CHECK(msg == "page " + std::to_string(id) + ": checksum mismatch");
    }
  }
}

TEST_CASE("an image in the wrong slot") {
  Db db = MakeDb();
  std::vector<std::string> images = db.images;
  images[7] = images[5];
  CHECK(ExpectCorrupt(images, 7) == "page 7: image holds page 5");
  images = db.images;
  std::swap(images[3], images[9]);
  CHECK(ExpectCorrupt(images, 3) == "page 3: image holds page 9");
  CHECK(VerifyPageImage(4, db.images[5], kPageSize, 2).IsCorruption());
  CHECK(VerifyPageImage(5, db.images[5], kPageSize, 2).ok());
}

TEST_CASE("a page LSN newer than the meta's") {
  Db db = MakeDb();
  std::vector<std::string> images = db.images;
  uint32_t id = db.used[4];
  EncodeFixed64(Bytes(images[id]) + kHeaderLsnOffset, 3);
  Reseal(&images[id]);
  CHECK(ExpectCorrupt(images, id) ==
        "page " + std::to_string(id) + ": LSN 3 is newer than the database's LSN 2");
  CHECK(VerifyPageImage(id, images[id], kPageSize, 3).ok());
}

TEST_CASE("truncated, overlong and missing images") {
  Db db = MakeDb();
  std::vector<std::string> images = db.images;
  images[12].resize(100);
  CHECK(ExpectCorrupt(images, 12) == "page 12: image is 100 bytes, expected 4096");
  images = db.images;
  images[12].push_back('x');
  ExpectCorrupt(images, 12);
  images = db.images;
  images[12].clear();
  ExpectCorrupt(images, 12);

  images = db.images;
  images[0].resize(4000);  // not a page size at all
  ExpectCorrupt(images, 0);
  images = db.images;
  images[0].resize(8192);  // a page size, but not this database's
  ExpectCorrupt(images, 0);

  images = db.images;
  images.pop_back();
  CHECK(ExpectCorrupt(images, 0) == "page 0: page count 31 but 30 images");
  images = db.images;
  images.push_back(images.back());
  ExpectCorrupt(images, 0);

  CHECK(Pager::Load({}).status().IsInvalidArgument());
}

// Changes page `id` with `edit`, reseals it, and expects Corruption naming
// `named` whose message contains `what`.
template <typename Edit>
void ExpectFieldCorrupt(const Db& db, uint32_t id, Edit edit, uint32_t named,
                        const std::string& what) {
  std::vector<std::string> images = db.images;
  edit(Bytes(images[id]));
  Reseal(&images[id]);
  std::string msg = ExpectCorrupt(images, named);
  INFO(msg);
  CHECK(msg.find(what) != std::string::npos);
}

TEST_CASE("meta page field damage (CRC intact)") {
  Db db = MakeDb();
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { m[kMetaMagicOffset] = 'X'; }, 0, "bad magic");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { EncodeFixed32(m + kMetaVersionOffset, 2); }, 0,
                     "format version 2");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { EncodeFixed32(m + kMetaPageSizeOffset, 8192); }, 0,
                     "page size field 8192");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { EncodeFixed32(m + kMetaPageCountOffset, 32); }, 0,
                     "page count 32 but 31 images");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { EncodeFixed32(m + kMetaPageCountOffset, 0); }, 0,
                     "page count 0 out of range");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { EncodeFixed32(m + kMetaFreeHeadOffset, 31); }, 0,
                     "free list head 31");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { EncodeFixed32(m + kMetaFreeHeadOffset, 0); }, 0,
                     "free count");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { EncodeFixed32(m + kMetaFreeCountOffset, 11); }, 0,
                     "free count 11 but the free list holds 12 pages");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { EncodeFixed32(m + kMetaFreeCountOffset + 4, 1); }, 0,
                     "reserved");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { EncodeFixed32(m + kMetaRootsOffset + 8, 40); }, 0,
                     "root slot 2 holds page 40");
  ExpectFieldCorrupt(db, 0, [](uint8_t* m) { m[kHeaderTypeOffset] = 3; }, 0,
                     "not a meta page");
}

TEST_CASE("page header damage (CRC intact)") {
  Db db = MakeDb();
  uint32_t id = db.used[3];
  ExpectFieldCorrupt(db, id, [](uint8_t* p) { p[kHeaderTypeOffset] = 6; }, id,
                     "unknown page type 6");
  ExpectFieldCorrupt(db, id, [](uint8_t* p) { p[kHeaderTypeOffset] = 1; }, id,
                     "meta page type on a non-zero page");
  ExpectFieldCorrupt(db, id, [](uint8_t* p) { p[6] = 1; }, id, "reserved header bytes");
}

TEST_CASE("free list damage (CRC intact)") {
  Db db = MakeDb();
  const uint32_t trunk = db.trunks[0];
  ExpectFieldCorrupt(db, trunk,
                     [](uint8_t* t) { EncodeFixed32(t + freelist::kTrunkIdsOffset + 4, 31); },
                     trunk, "lists page 31 out of range");
  ExpectFieldCorrupt(db, trunk,
                     [](uint8_t* t) { EncodeFixed32(t + freelist::kTrunkIdsOffset + 4, 0); },
                     trunk, "lists page 0");
  ExpectFieldCorrupt(db, trunk,
                     [&](uint8_t* t) {
                       EncodeFixed32(t + freelist::kTrunkIdsOffset + 4, db.leaves[0]);
                     },
                     trunk, "twice");
  ExpectFieldCorrupt(db, trunk,
                     [](uint8_t* t) { EncodeFixed32(t + freelist::kTrunkCountOffset, 5000); },
                     trunk, "exceeds capacity");
  ExpectFieldCorrupt(db, trunk,
                     [&](uint8_t* t) { EncodeFixed32(t + freelist::kTrunkNextOffset, trunk); },
                     trunk, "seen before");  // a cycle
  ExpectFieldCorrupt(db, trunk,
                     [](uint8_t* t) { EncodeFixed32(t + freelist::kTrunkNextOffset, 77); },
                     trunk, "out of range");
  ExpectFieldCorrupt(db, trunk,
                     [](uint8_t* t) { EncodeFixed32(t + freelist::kTrunkCountOffset, 10); }, 0,
                     "free count 12 but the free list holds 11 pages");
  const uint32_t leaf = db.leaves[3];
  ExpectFieldCorrupt(db, leaf, [](uint8_t* p) { p[kHeaderTypeOffset] = 3; }, leaf,
                     "on the free list but not typed free");
  // The head names a page that is not a trunk.
  const uint32_t used = db.used[0];
  ExpectFieldCorrupt(db, 0, [&](uint8_t* m) { EncodeFixed32(m + kMetaFreeHeadOffset, used); },
                     used, "trunk has wrong type");
}

TEST_CASE("Allocate reports a free list damaged after load, changing nothing") {
  Db db = MakeDb();
  auto p = test::LoadOrDie(db.images);
  // A writer bug scribbles over the head trunk's count.
  EncodeFixed32(p->GetMutable(db.trunks[0]) + freelist::kTrunkCountOffset, 99999);
  p->TakeCommit();
  std::vector<std::string> before = p->SnapshotImages();
  Result<uint32_t> r = p->Allocate(PageType::kBtreeLeaf);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().IsCorruption());
  CHECK(StartsWith(r.status().message(), "page " + std::to_string(db.trunks[0]) + ": "));
  CHECK_FALSE(p->has_pending_changes());
  CHECK(p->SnapshotImages() == before);
}

TEST_CASE("random resealed damage: Load never crashes, and a loaded pager works") {
  Db db = MakeDb();
  std::mt19937 rng(2024);
  int loaded = 0, corrupt = 0;
  for (int iter = 0; iter < 1500; ++iter) {
    std::vector<std::string> images = db.images;
    uint32_t id = rng() % images.size();
    int edits = 1 + rng() % 6;
    for (int e = 0; e < edits; ++e) {
      uint32_t off = rng() % 4 == 0 ? rng() % kPageSize : rng() % 96;  // mostly headers/fields
      images[id][off] = static_cast<char>(rng());
    }
    if (rng() % 8 != 0) Reseal(&images[id]);
    Result<std::unique_ptr<Pager>> r = Pager::Load(std::move(images));
    if (!r.ok()) {
      REQUIRE(r.status().IsCorruption());
      REQUIRE(StartsWith(r.status().message(), "page "));
      ++corrupt;
      continue;
    }
    ++loaded;
    Pager* p = r->get();
    for (int i = 0; i < 20; ++i) {
      Result<uint32_t> a = p->Allocate(PageType::kBtreeLeaf);
      REQUIRE(a.ok());
      if (i % 3 == 0) p->Free(*a);
    }
    CommitBatch b = p->TakeCommit();
    for (size_t i = 0; i < b.page_ids.size(); ++i) {
      REQUIRE(VerifyPageImage(b.page_ids[i], b.images[i], kPageSize, b.lsn).ok());
    }
    REQUIRE(Pager::Load(p->SnapshotImages()).ok());
  }
  CHECK(corrupt > 0);
  CHECK(loaded > 0);  // owner bytes of used pages carry no checked structure
}

}  // namespace
}  // namespace pd
