// Damaged pages: flipped bits, overwritten ranges, truncated (zero-filled)
// tails and misplaced images in random pages of a real database. Reads (Get,
// cursors in both directions), writes and the integrity checker must never
// crash (ASan/UBSan clean) and must report Corruption where the damage is
// hit: the checker finds every damaged node header, slot array and overflow
// page header, and a read that fails does so with Corruption.
//
// The pager's page CRCs catch damage on Load; these tests damage pages after
// loading, through GetMutable, as a writer bug or memory damage would.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "btree/btree.h"
#include "btree/btree_test_util.h"
#include "btree/check.h"
#include "btree/cursor.h"
#include "btree/format.h"
#include "util/coding.h"

namespace pd {
namespace {

using testing::DdbKey;
using testing::Filler;
using Model = std::map<std::string, std::string>;

// A database of three trees with small entries, overflow values and large
// keys, built by inserts only (so its nodes hold no garbage bytes), committed.
struct Database {
  std::vector<std::string> images;  // sealed page images
  std::vector<uint32_t> roots;      // tree roots
  std::vector<Model> models;        // contents per tree
};

Database BuildDatabase(uint32_t page_size, uint64_t seed) {
  Database db;
  auto pager = testing::NewPager(page_size);
  std::mt19937_64 rng(seed);
  db.models.resize(3);
  for (int t = 0; t < 3; ++t) db.roots.push_back(testing::NewTree(pager.get()));
  for (int i = 0; i < 1500; ++i) {
    int t = static_cast<int>(rng() % 3);
    std::string key = DdbKey(rng() % 100000);
    if (rng() % 40 == 0) key = std::string(1000 + rng() % 6000, 'K') + key;  // large keys
    size_t size = rng() % 25 == 0 ? rng() % 20000 : rng() % 120;           // some overflow
    std::string value = Filler(size, i);
    PD_REQUIRE_OK(BTree(pager.get(), db.roots[t]).Put(key, value));
    db.models[t][key] = value;
  }
  testing::CheckOk(*pager, db.roots);
  pager->TakeCommit();
  db.images = pager->SnapshotImages();
  return db;
}

std::unique_ptr<Pager> LoadDatabase(const Database& db) {
  Result<std::unique_ptr<Pager>> r = Pager::Load(db.images);
  REQUIRE(r.ok());
  return std::move(r.value());
}

bool Acceptable(const Status& s) { return s.ok() || s.IsNotFound() || s.IsCorruption(); }

// Reads everything every way. Returns true if some read reported Corruption.
// Fails the test on any status other than OK / NotFound / Corruption.
bool ReadEverything(const Pager& pager, const Database& db) {
  bool corruption = false;
  std::string unexpected;
  auto note = [&](const Status& s, const char* op) {
    if (!Acceptable(s) && unexpected.empty()) unexpected = std::string(op) + ": " + s.ToString();
    corruption |= s.IsCorruption();
  };
  std::string value;
  for (size_t t = 0; t < db.roots.size(); ++t) {
    BTree tree(const_cast<Pager*>(&pager), db.roots[t]);
    int i = 0;
    for (const auto& [key, v] : db.models[t]) {
      if (i++ % 3 == 0) note(tree.Get(key, &value), "Get");
    }
    Cursor c(&pager, db.roots[t]);
    int steps = 0;
    Status s = c.SeekToFirst();
    while (s.ok() && c.Valid() && steps++ < 100000) {
      note(c.value().status(), "value");
      s = c.Next();
    }
    note(s, "forward scan");
    steps = 0;
    s = c.SeekToLast();
    while (s.ok() && c.Valid() && steps++ < 100000) s = c.Prev();
    note(s, "backward scan");
    int probe = 0;
    for (const auto& [key, v] : db.models[t]) {
      if (probe++ % 50 != 0) continue;
      note(c.Seek(key), "Seek");
      note(c.SeekForPrev(key + "\x01"), "SeekForPrev");
    }
  }
  if (!unexpected.empty()) FAIL(unexpected);
  return corruption;
}

// Kinds of damage.
enum class Damage { kFlipBits, kOverwrite, kZeroTail, kCopyOtherPage };

void DamagePage(Pager* pager, uint32_t id, Damage kind, std::mt19937_64* rng) {
  const uint32_t ps = pager->page_size();
  uint8_t* p = pager->GetMutable(id);
  REQUIRE(p != nullptr);
  switch (kind) {
    case Damage::kFlipBits: {
      int n = 1 + static_cast<int>((*rng)() % 8);
      for (int i = 0; i < n; ++i) p[(*rng)() % ps] ^= static_cast<uint8_t>(1u << ((*rng)() % 8));
      break;
    }
    case Damage::kOverwrite: {
      uint32_t at = static_cast<uint32_t>((*rng)() % ps);
      uint32_t len = std::min<uint32_t>(ps - at, 1 + static_cast<uint32_t>((*rng)() % 64));
      for (uint32_t i = 0; i < len; ++i) p[at + i] = static_cast<uint8_t>((*rng)());
      break;
    }
    case Damage::kZeroTail: {
      uint32_t at = kPageHeaderSize + static_cast<uint32_t>((*rng)() % (ps - kPageHeaderSize));
      std::memset(p + at, 0, ps - at);
      break;
    }
    case Damage::kCopyOtherPage: {
      uint32_t other = 1 + static_cast<uint32_t>((*rng)() % (pager->page_count() - 1));
      std::string copy(reinterpret_cast<const char*>(pager->Get(other)), ps);
      p = pager->GetMutable(id);
      std::memcpy(p + kHeaderOwnerOffset, copy.data() + kHeaderOwnerOffset,
                  ps - kHeaderOwnerOffset);
      break;
    }
  }
}

TEST_CASE("random damage: no crash, Corruption or correct answers") {
  for (uint32_t ps : {4096u, 8192u}) {
    CAPTURE(ps);
    Database db = BuildDatabase(ps, ps);
    std::mt19937_64 rng(ps * 31);
    int detected = 0, trials = 0;
    for (int trial = 0; trial < 80; ++trial) {
      CAPTURE(trial);
      auto pager = LoadDatabase(db);
      uint32_t id = 1 + static_cast<uint32_t>(rng() % (pager->page_count() - 1));
      Damage kind = static_cast<Damage>(rng() % 4);
      CAPTURE(id);
      CAPTURE(static_cast<int>(kind));
      std::string before(reinterpret_cast<const char*>(pager->Get(id)), ps);
      const uint8_t type = static_cast<uint8_t>(before[kHeaderTypeOffset]);
      const bool node = type == static_cast<uint8_t>(PageType::kBtreeLeaf) ||
                        type == static_cast<uint8_t>(PageType::kBtreeInterior);
      DamagePage(pager.get(), id, kind, &rng);
      if (std::memcmp(before.data() + kHeaderOwnerOffset, pager->Get(id) + kHeaderOwnerOffset,
                      ps - kHeaderOwnerOffset) == 0 &&
          before[kHeaderTypeOffset] == pager->Get(id)[kHeaderTypeOffset]) {
        continue;  // the damage changed nothing the btree reads
      }
      ++trials;
      Result<CheckReport> check = CheckDatabase(*pager, db.roots);
      REQUIRE((check.ok() || check.status().IsCorruption()));
      if (!check.ok()) ++detected;
      // Another page's content never fits in a node's place: its keys fall
      // outside the node's bounds, its level or children are wrong, or its
      // bytes are no node at all.
      if (node && kind == Damage::kCopyOtherPage) {
        CHECK(check.status().IsCorruption());
      }
      // A read only fails on damage the checker also finds.
      bool read_corruption = ReadEverything(*pager, db);
      if (read_corruption) CHECK(check.status().IsCorruption());

      // Writes on the damaged database: no crash, only these outcomes.
      for (int w = 0; w < 20; ++w) {
        BTree tree(pager.get(), db.roots[w % 3]);
        std::string key = DdbKey(rng() % 100000);
        Status s = w % 2 ? tree.Put(key, Filler(rng() % 3000, w)) : tree.Delete(key);
        REQUIRE((s.ok() || s.IsNotFound() || s.IsCorruption() || s.IsOutOfSpace()));
      }
      Result<CheckReport> after = CheckDatabase(*pager, db.roots);  // must not crash either
      REQUIRE((after.ok() || after.status().IsCorruption()));
    }
    // Flips inside value bytes, in a node's free gap or in overflow data are
    // invisible to the tree (the pager's CRC catches them on load), so only
    // part of random damage is detectable.
    MESSAGE("page size " << ps << ": checker detected " << detected << " of " << trials
                         << " damaged pages");
    CHECK(detected > 0);
  }
}

// Byte ranges the checker must always notice.
TEST_CASE("damage to node headers, slot arrays and overflow headers is always found") {
  const uint32_t ps = 4096;
  Database db = BuildDatabase(ps, 99);
  auto probe = LoadDatabase(db);
  std::vector<uint32_t> nodes, overflow;
  for (uint32_t id = 1; id < probe->page_count(); ++id) {
    uint8_t type = probe->Get(id)[kHeaderTypeOffset];
    if (type == static_cast<uint8_t>(PageType::kBtreeLeaf) ||
        type == static_cast<uint8_t>(PageType::kBtreeInterior)) {
      nodes.push_back(id);
    } else if (type == static_cast<uint8_t>(PageType::kOverflow)) {
      overflow.push_back(id);
    }
  }
  REQUIRE(nodes.size() > 10);
  REQUIRE(overflow.size() > 10);
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 120; ++trial) {
    CAPTURE(trial);
    auto pager = LoadDatabase(db);
    bool node = trial % 3 != 0;
    uint32_t id = node ? nodes[rng() % nodes.size()] : overflow[rng() % overflow.size()];
    uint8_t* p = pager->GetMutable(id);
    uint32_t offset;
    if (node) {
      // A header field (count, level, content start, garbage, right child)
      // or a slot.
      uint32_t n = DecodeFixed16(p + btree::kNodeCountOffset);
      uint32_t span = btree::kNodeSlotsOffset - btree::kNodeCountOffset + btree::kSlotSize * n;
      offset = btree::kNodeCountOffset + static_cast<uint32_t>(rng() % span);
    } else {
      offset = btree::kOverflowNextOffset + static_cast<uint32_t>(rng() % 8);
    }
    uint8_t old = p[offset];
    p[offset] = static_cast<uint8_t>(old ^ (1u << (rng() % 8)));
    CAPTURE(id);
    CAPTURE(offset);
    Result<CheckReport> check = CheckDatabase(*pager, db.roots);
    CHECK(check.status().IsCorruption());
    ReadEverything(*pager, db);
  }
}

TEST_CASE("a cycle through child pointers is refused, not followed") {
  auto pager = testing::NewPager(4096);
  uint32_t root = testing::NewTree(pager.get());
  BTree tree(pager.get(), root);
  for (int i = 0; i < 3000; ++i) PD_REQUIRE_OK(tree.Put(DdbKey(i), std::string(50, 'v')));
  CheckReport report = testing::CheckOk(*pager, {root});
  REQUIRE(report.max_levels >= 2);
  // Point the root's right child back at the root.
  uint8_t* p = pager->GetMutable(root);
  EncodeFixed32(p + btree::kNodeRightChildOffset, root);
  CHECK(CheckDatabase(*pager, {root}).status().IsCorruption());
  CHECK(tree.Get(DdbKey(2999)).status().IsCorruption());
  Cursor c = tree.NewCursor();
  CHECK(c.SeekToLast().IsCorruption());
  CHECK_FALSE(c.Valid());
  CHECK(c.status().IsCorruption());
  CHECK(tree.Put(DdbKey(5999), "x").IsCorruption());
  CHECK(BTree::Drop(pager.get(), root).IsCorruption());
}

TEST_CASE("an overflow chain that loops or ends early is Corruption") {
  auto pager = testing::NewPager(4096);
  uint32_t root = testing::NewTree(pager.get());
  BTree tree(pager.get(), root);
  std::string big = Filler(20000, 1);
  PD_REQUIRE_OK(tree.Put("big", big));
  PD_REQUIRE_OK(tree.Put("small", "s"));
  std::vector<uint32_t> chain;
  for (uint32_t id = 1; id < pager->page_count(); ++id) {
    if (pager->Get(id)[kHeaderTypeOffset] == static_cast<uint8_t>(PageType::kOverflow)) {
      chain.push_back(id);
    }
  }
  REQUIRE(chain.size() >= 3);
  SUBCASE("loop") {
    // Find the last page of the chain and point it back at another page.
    for (uint32_t id : chain) {
      if (DecodeFixed32(pager->Get(id) + btree::kOverflowNextOffset) == 0) {
        EncodeFixed32(pager->GetMutable(id) + btree::kOverflowNextOffset, chain[0]);
      }
    }
  }
  SUBCASE("ends early") {
    for (uint32_t id : chain) {
      uint8_t* p = pager->GetMutable(id);
      if (DecodeFixed32(p + btree::kOverflowNextOffset) != 0) {
        EncodeFixed32(p + btree::kOverflowNextOffset, 0);
        break;
      }
    }
  }
  SUBCASE("wrong length on a chain page") {
    uint8_t* p = pager->GetMutable(chain[1]);
    EncodeFixed32(p + btree::kOverflowLengthOffset, 17);
  }
  CHECK(tree.Get("big").status().IsCorruption());
  CHECK(*tree.Get("small") == "s");
  Cursor c = tree.NewCursor();
  PD_REQUIRE_OK(c.SeekToFirst());
  REQUIRE(c.key() == "big");
  CHECK(c.value().status().IsCorruption());
  CHECK(CheckDatabase(*pager, {root}).status().IsCorruption());
  CHECK(tree.Delete("big").IsCorruption());
}

}  // namespace
}  // namespace pd
