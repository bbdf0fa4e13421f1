// Cursor: both directions, seeks at / between / before / after keys, empty
// and single-entry trees, overflow keys and values, re-seek after writes.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "btree/btree.h"
#include "btree/btree_test_util.h"
#include "btree/cursor.h"

namespace pd {
namespace {

using testing::CheckOk;
using testing::Filler;
using testing::NewPager;
using testing::NewTree;

// Keys "k0000", "k0002", ... (even numbers) so odd ones fall between.
std::string EvenKey(int i) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "k%04d", 2 * i);
  return buf;
}

std::string KeyOf(const Cursor& c) { return std::string(c.key()); }

TEST_CASE("cursor on an empty tree is never valid") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  Cursor c(pager.get(), root);
  CHECK_FALSE(c.Valid());
  PD_REQUIRE_OK(c.SeekToFirst());
  CHECK_FALSE(c.Valid());
  PD_REQUIRE_OK(c.SeekToLast());
  CHECK_FALSE(c.Valid());
  PD_REQUIRE_OK(c.Seek("a"));
  CHECK_FALSE(c.Valid());
  PD_REQUIRE_OK(c.SeekForPrev("a"));
  CHECK_FALSE(c.Valid());
  CHECK(c.Next().IsInvalidArgument());
  CHECK(c.Prev().IsInvalidArgument());
}

TEST_CASE("cursor on a single-entry tree") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  PD_REQUIRE_OK(tree.Put("m", "value"));
  Cursor c = tree.NewCursor();
  PD_REQUIRE_OK(c.SeekToFirst());
  REQUIRE(c.Valid());
  CHECK(c.key() == "m");
  CHECK(*c.value() == "value");
  CHECK(c.value_size() == 5);
  PD_REQUIRE_OK(c.Next());
  CHECK_FALSE(c.Valid());
  PD_REQUIRE_OK(c.SeekToLast());
  CHECK(c.key() == "m");
  PD_REQUIRE_OK(c.Prev());
  CHECK_FALSE(c.Valid());
  // Seek: before, at, after.
  PD_REQUIRE_OK(c.Seek("a"));
  CHECK(KeyOf(c) == "m");
  PD_REQUIRE_OK(c.Seek("m"));
  CHECK(KeyOf(c) == "m");
  PD_REQUIRE_OK(c.Seek("m\x01"));
  CHECK_FALSE(c.Valid());
  PD_REQUIRE_OK(c.SeekForPrev("z"));
  CHECK(KeyOf(c) == "m");
  PD_REQUIRE_OK(c.SeekForPrev("m"));
  CHECK(KeyOf(c) == "m");
  PD_REQUIRE_OK(c.SeekForPrev("l\xff"));
  CHECK_FALSE(c.Valid());
}

TEST_CASE("full scans both ways and seeks everywhere, on a multi-level tree") {
  for (uint32_t ps : {4096u, 16384u}) {
    CAPTURE(ps);
    auto pager = NewPager(ps);
    uint32_t root = NewTree(pager.get());
    BTree tree(pager.get(), root);
    const int n = 5000;
    for (int i = 0; i < n; ++i) PD_REQUIRE_OK(tree.Put(EvenKey(i), Filler(i % 300, i)));
    REQUIRE(CheckOk(*pager, {root}).max_levels >= 2);

    Cursor c = tree.NewCursor();
    int i = 0;
    for (Status s = c.SeekToFirst(); c.Valid(); s = c.Next(), ++i) {
      PD_REQUIRE_OK(s);
      REQUIRE(KeyOf(c) == EvenKey(i));
      REQUIRE(*c.value() == Filler(i % 300, i));
    }
    CHECK(i == n);
    CHECK(c.status().ok());
    i = n - 1;
    for (Status s = c.SeekToLast(); c.Valid(); s = c.Prev(), --i) {
      PD_REQUIRE_OK(s);
      REQUIRE(KeyOf(c) == EvenKey(i));
    }
    CHECK(i == -1);

    for (int j = 0; j < n; ++j) {
      char between[16];
      std::snprintf(between, sizeof(between), "k%04d", 2 * j + 1);
      PD_REQUIRE_OK(c.Seek(EvenKey(j)));  // at
      REQUIRE(KeyOf(c) == EvenKey(j));
      PD_REQUIRE_OK(c.Seek(between));  // between: the next key
      if (j + 1 < n) {
        REQUIRE(KeyOf(c) == EvenKey(j + 1));
      } else {
        REQUIRE_FALSE(c.Valid());
      }
      PD_REQUIRE_OK(c.SeekForPrev(EvenKey(j)));  // at
      REQUIRE(KeyOf(c) == EvenKey(j));
      PD_REQUIRE_OK(c.SeekForPrev(between));  // between: the previous key
      REQUIRE(KeyOf(c) == EvenKey(j));
      // Step across leaf boundaries in both directions from here.
      if (j > 0) {
        PD_REQUIRE_OK(c.Prev());
        REQUIRE(KeyOf(c) == EvenKey(j - 1));
        PD_REQUIRE_OK(c.Next());
        REQUIRE(KeyOf(c) == EvenKey(j));
      }
    }
    PD_REQUIRE_OK(c.Seek("a"));  // before everything
    CHECK(KeyOf(c) == EvenKey(0));
    PD_REQUIRE_OK(c.SeekForPrev("a"));
    CHECK_FALSE(c.Valid());
    PD_REQUIRE_OK(c.Seek("z"));  // after everything
    CHECK_FALSE(c.Valid());
    PD_REQUIRE_OK(c.SeekForPrev("z"));
    CHECK(KeyOf(c) == EvenKey(n - 1));
    // A prefix of existing keys sorts before them.
    PD_REQUIRE_OK(c.Seek("k"));
    CHECK(KeyOf(c) == EvenKey(0));
    PD_REQUIRE_OK(c.SeekForPrev("k"));
    CHECK_FALSE(c.Valid());
  }
}

TEST_CASE("range scan: seek then a fixed number of nexts matches the model") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  std::map<std::string, std::string> model;
  std::mt19937 rng(7);
  for (int i = 0; i < 4000; ++i) {
    std::string k = Filler(1 + rng() % 12, rng());
    std::string v = Filler(rng() % 50, i);
    PD_REQUIRE_OK(tree.Put(k, v));
    model[k] = v;
  }
  Cursor c = tree.NewCursor();
  for (int q = 0; q < 500; ++q) {
    std::string target = Filler(1 + rng() % 12, rng());
    PD_REQUIRE_OK(c.Seek(target));
    auto it = model.lower_bound(target);
    for (int step = 0; step < 20; ++step) {
      if (it == model.end()) {
        REQUIRE_FALSE(c.Valid());
        break;
      }
      REQUIRE(c.Valid());
      REQUIRE(KeyOf(c) == it->first);
      REQUIRE(*c.value() == it->second);
      ++it;
      PD_REQUIRE_OK(c.Next());
    }
    PD_REQUIRE_OK(c.SeekForPrev(target));
    auto rit = model.upper_bound(target);
    for (int step = 0; step < 20; ++step) {
      if (rit == model.begin()) {
        REQUIRE_FALSE(c.Valid());
        break;
      }
      --rit;
      REQUIRE(c.Valid());
      REQUIRE(KeyOf(c) == rit->first);
      PD_REQUIRE_OK(c.Prev());
    }
  }
}

TEST_CASE("cursor reads overflow keys and values") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  std::map<std::string, std::string> model;
  for (int i = 0; i < 60; ++i) {
    std::string k = std::string(5000, 'p') + Filler(1 + i % 9, i);
    std::string v = Filler(i % 2 ? 50000 : 10, i);
    PD_REQUIRE_OK(tree.Put(k, v));
    model[k] = v;
  }
  Cursor c = tree.NewCursor();
  auto it = model.begin();
  for (Status s = c.SeekToFirst(); c.Valid(); s = c.Next(), ++it) {
    PD_REQUIRE_OK(s);
    REQUIRE(it != model.end());
    REQUIRE(KeyOf(c) == it->first);
    REQUIRE(c.value_size() == it->second.size());
    REQUIRE(*c.value() == it->second);
  }
  CHECK(it == model.end());
  auto rit = model.rbegin();
  for (Status s = c.SeekToLast(); c.Valid(); s = c.Prev(), ++rit) {
    PD_REQUIRE_OK(s);
    REQUIRE(KeyOf(c) == rit->first);
  }
  CHECK(rit == model.rend());
}

TEST_CASE("after writes, a saved key re-seeks to the same place") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  for (int i = 0; i < 3000; ++i) PD_REQUIRE_OK(tree.Put(EvenKey(i), "v"));
  // Delete every key while scanning: save the key, write, re-seek.
  Cursor c = tree.NewCursor();
  int seen = 0;
  PD_REQUIRE_OK(c.SeekToFirst());
  while (c.Valid()) {
    std::string key(c.key());
    REQUIRE(key == EvenKey(seen));
    PD_REQUIRE_OK(tree.Delete(key));
    ++seen;
    PD_REQUIRE_OK(c.Seek(key));
  }
  CHECK(seen == 3000);
  CHECK(CheckOk(*pager, {root}).entries == 0);
}

}  // namespace
}  // namespace pd
