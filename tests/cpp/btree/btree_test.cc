// BTree: point operations, splits and merges, overflow values and keys,
// Create/Drop, many trees in one pager, operations rolled back.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "btree/btree.h"
#include "btree/btree_test_util.h"
#include "btree/check.h"
#include "btree/format.h"
#include "btree/node.h"
#include "btree/tree_internal.h"

namespace pd {
namespace {

using testing::CheckOk;
using testing::DdbKey;
using testing::Dump;
using testing::Filler;
using testing::NewPager;
using testing::NewTree;

const uint32_t kPageSizes[] = {4096, 8192, 16384, 32768, 65536};

TEST_CASE("empty tree: lookups miss, check passes, one page") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  CHECK(tree.Get("a").status().IsNotFound());
  CHECK(tree.Delete("a").IsNotFound());
  CheckReport r = CheckOk(*pager, {root});
  CHECK(r.entries == 0);
  CHECK(r.leaf_pages == 1);
  CHECK(r.interior_pages == 0);
  CHECK(pager->page_count() == 2);
}

TEST_CASE("single entry: put, get, overwrite, delete") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  PD_REQUIRE_OK(tree.Put("k", "v1"));
  CHECK(*tree.Get("k") == "v1");
  CHECK(tree.Get("j").status().IsNotFound());
  CHECK(tree.Get("kk").status().IsNotFound());
  PD_REQUIRE_OK(tree.Put("k", "value two"));
  CHECK(*tree.Get("k") == "value two");
  PD_REQUIRE_OK(tree.Put("k", ""));
  Result<std::string> empty = tree.Get("k");
  REQUIRE(empty.ok());
  CHECK(empty->empty());
  CHECK(CheckOk(*pager, {root}).entries == 1);
  PD_REQUIRE_OK(tree.Delete("k"));
  CHECK(tree.Get("k").status().IsNotFound());
  CHECK(tree.Delete("k").IsNotFound());
  CHECK(CheckOk(*pager, {root}).entries == 0);
}

TEST_CASE("key and value size limits") {
  auto pager = NewPager(4096);
  BTree tree(pager.get(), NewTree(pager.get()));
  CHECK(tree.Put("", "v").IsInvalidArgument());
  CHECK(tree.Put(std::string(8193, 'k'), "v").IsInvalidArgument());
  CHECK(tree.Put("k", std::string((1u << 20) + 1, 'v')).IsInvalidArgument());
  CHECK(tree.Get("").status().IsInvalidArgument());
  CHECK(tree.Delete(std::string(8193, 'k')).IsInvalidArgument());
  CHECK(tree.Put(std::string(8192, 'k'), std::string(1u << 20, 'v')).ok());
  CHECK(tree.Get(std::string(8192, 'k'))->size() == (1u << 20));
  CHECK(CheckOk(*pager, {tree.root()}).entries == 1);
}

TEST_CASE("keys order by bytes then length") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  std::vector<std::string> keys = {std::string("a"),      std::string("ab"),
                                   std::string("a\0", 2), std::string("\xff"),
                                   std::string("\x01"),   std::string("b")};
  for (const std::string& k : keys) PD_REQUIRE_OK(tree.Put(k, k));
  std::sort(keys.begin(), keys.end());
  auto dump = Dump(*pager, root);
  std::vector<std::string> got;
  for (const auto& [k, v] : dump) got.push_back(k);
  CHECK(got == keys);
}

TEST_CASE("random inserts split, root id stays, every key found, deletes merge back") {
  for (uint32_t ps : kPageSizes) {
    CAPTURE(ps);
    auto pager = NewPager(ps);
    uint32_t root = NewTree(pager.get());
    BTree tree(pager.get(), root);
    const int n = ps <= 8192 ? 12000 : 5000;
    std::vector<int> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::mt19937 rng(ps);
    std::shuffle(order.begin(), order.end(), rng);
    for (int i : order) PD_REQUIRE_OK(tree.Put(DdbKey(i), Filler(20 + i % 200, i)));
    CHECK(tree.root() == root);
    CheckReport r = CheckOk(*pager, {root});
    CHECK(r.entries == static_cast<uint64_t>(n));
    CHECK(r.max_levels >= 2);
    CHECK(r.interior_pages >= 1);
    std::string value;
    for (int i = 0; i < n; ++i) {
      REQUIRE(tree.Get(DdbKey(i), &value).ok());
      REQUIRE(value == Filler(20 + i % 200, i));
    }
    CHECK(tree.Get(DdbKey(n)).status().IsNotFound());

    // Delete every other key, then the rest: the tree shrinks to its root.
    std::shuffle(order.begin(), order.end(), rng);
    for (int j = 0; j < n; ++j) {
      PD_REQUIRE_OK(tree.Delete(DdbKey(order[j])));
      if (j == n / 2) {
        CheckReport half = CheckOk(*pager, {root});
        CHECK(half.entries == static_cast<uint64_t>(n - n / 2 - 1));
      }
    }
    r = CheckOk(*pager, {root});
    CHECK(r.entries == 0);
    CHECK(r.leaf_pages == 1);
    CHECK(r.interior_pages == 0);
    CHECK(r.max_levels == 1);
    // Everything but the meta page and the root is back on the free list.
    CHECK(pager->free_page_count() == pager->page_count() - 2);
  }
}

TEST_CASE("ascending inserts fill leaves (append split)") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  for (int i = 0; i < 20000; ++i) PD_REQUIRE_OK(tree.Put(DdbKey(i * 1000), std::string(100, 'v')));
  CheckReport r = CheckOk(*pager, {root});
  double fill = static_cast<double>(r.node_bytes_used) / static_cast<double>(r.node_bytes_total);
  CAPTURE(fill);
  CHECK(fill > 0.9);
}

// The keys of each leaf, left to right (internal view, through descents).
std::vector<std::vector<std::string>> LeafKeys(const Pager& pager, uint32_t root) {
  std::vector<std::vector<std::string>> leaves;
  uint32_t last = 0;
  Cursor c(&pager, root);
  for (Status s = c.SeekToFirst(); c.Valid(); s = c.Next()) {
    PD_REQUIRE_OK(s);
    btree::Path path;
    bool exact;
    PD_REQUIRE_OK(btree::Descend(pager, root, c.key(), &path, &exact));
    uint32_t leaf = path.e[path.depth - 1].page;
    if (leaves.empty() || leaf != last) leaves.emplace_back();
    leaves.back().emplace_back(c.key());
    last = leaf;
  }
  return leaves;
}

TEST_CASE("an underfull leaf borrows from a full sibling, and merges with a sparse one") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  // Ascending inserts leave every leaf but the last full.
  for (int i = 0; i < 400; ++i) PD_REQUIRE_OK(tree.Put(DdbKey(i * 1000), std::string(100, 'v')));
  auto leaves = LeafKeys(*pager, root);
  REQUIRE(leaves.size() >= 8);
  const size_t full = leaves[1].size();
  REQUIRE(leaves[2].size() == full);

  // Empty the second leaf down to a few cells: each time it falls under a
  // third of a page its right sibling cannot take all of it, so the two
  // share their cells, and no page is freed.
  const uint32_t free_before = pager->free_page_count();
  const size_t keep = full / 6;
  for (size_t i = keep; i < full; ++i) PD_REQUIRE_OK(tree.Delete(leaves[1][i]));
  auto shared = LeafKeys(*pager, root);
  CHECK(shared.size() == leaves.size());
  CHECK(shared[1].size() + shared[2].size() == keep + full);
  CHECK(shared[1].size() > keep);
  CHECK(shared[1].size() * 3 >= full);  // no longer underfull
  CHECK(pager->free_page_count() == free_before);
  CheckOk(*pager, {root});

  // Empty it again: now its sibling is half full, so they merge and a page
  // returns to the free list.
  for (const std::string& key : shared[1]) PD_REQUIRE_OK(tree.Delete(key));
  auto merged = LeafKeys(*pager, root);
  CHECK(merged.size() == leaves.size() - 1);
  CHECK(merged[1] == shared[2]);
  CHECK(pager->free_page_count() == free_before + 1);
  CheckOk(*pager, {root});
}

TEST_CASE("values of every size around the local limits, on every page size") {
  for (uint32_t ps : kPageSizes) {
    CAPTURE(ps);
    auto pager = NewPager(ps);
    uint32_t root = NewTree(pager.get());
    BTree tree(pager.get(), root);
    const uint32_t max_local = btree::MaxLocal(ps);
    const uint32_t cap = btree::OverflowCapacity(ps);
    std::vector<uint32_t> sizes = {0,           1,           max_local - 4, max_local - 3,
                                   max_local - 2, max_local,  max_local + 1, cap,
                                   cap + 1,     2 * cap + 7, 100000,        (1u << 20)};
    std::map<std::string, std::string> model;
    for (size_t i = 0; i < sizes.size(); ++i) {
      std::string key = "key" + std::to_string(i);
      std::string value = Filler(sizes[i], i);
      PD_REQUIRE_OK(tree.Put(key, value));
      model[key] = value;
    }
    CheckReport r = CheckOk(*pager, {root});
    CHECK(r.overflow_pages > 0);
    CHECK(Dump(*pager, root) == model);
    // Overwrite each with a value of another size class, then delete all:
    // every overflow page comes back.
    for (size_t i = 0; i < sizes.size(); ++i) {
      std::string key = "key" + std::to_string(i);
      std::string value = Filler(sizes[sizes.size() - 1 - i], i + 100);
      PD_REQUIRE_OK(tree.Put(key, value));
      model[key] = value;
      CheckOk(*pager, {root});
    }
    CHECK(Dump(*pager, root) == model);
    for (const auto& [k, v] : model) PD_REQUIRE_OK(tree.Delete(k));
    r = CheckOk(*pager, {root});
    CHECK(r.overflow_pages == 0);
    CHECK(pager->free_page_count() == pager->page_count() - 2);
  }
}

TEST_CASE("large keys sharing long prefixes spill separators to overflow pages") {
  for (uint32_t ps : kPageSizes) {
    CAPTURE(ps);
    auto pager = NewPager(ps);
    uint32_t root = NewTree(pager.get());
    BTree tree(pager.get(), root);
    std::map<std::string, std::string> model;
    std::mt19937 rng(ps);
    const std::string prefix = Filler(6000, 7);
    for (int i = 0; i < 300; ++i) {
      // Keys differ only near their end, so separators are long too.
      std::string key = prefix + Filler(rng() % 2000, i);
      if (key.size() > 8192) key.resize(8192);
      std::string value = Filler(rng() % 3000, i);
      PD_REQUIRE_OK(tree.Put(key, value));
      model[key] = value;
    }
    CheckReport r = CheckOk(*pager, {root});
    CHECK(r.entries == model.size());
    CHECK(r.interior_pages >= 1);
    CHECK(Dump(*pager, root) == model);
    for (const auto& [k, v] : model) {
      Result<std::string> got = tree.Get(k);
      REQUIRE(got.ok());
      REQUIRE(*got == v);
    }
    CHECK(tree.Get(prefix).status().IsNotFound());
    int i = 0;
    for (const auto& [k, v] : model) {
      if (i++ % 3 != 0) PD_REQUIRE_OK(tree.Delete(k));
    }
    CheckOk(*pager, {root});
    for (auto it = model.begin(); it != model.end();) it = tree.Delete(it->first).ok() ? model.erase(it) : std::next(it);
    r = CheckOk(*pager, {root});
    CHECK(r.entries == 0);
    CHECK(pager->free_page_count() == pager->page_count() - 2);
  }
}

TEST_CASE("Drop frees every page, overflow pages included") {
  auto pager = NewPager(4096);
  uint32_t keep = NewTree(pager.get());
  uint32_t drop = NewTree(pager.get());
  BTree a(pager.get(), keep), b(pager.get(), drop);
  for (int i = 0; i < 3000; ++i) {
    PD_REQUIRE_OK(a.Put(DdbKey(i), "a"));
    PD_REQUIRE_OK(b.Put(DdbKey(i), Filler(i % 7 == 0 ? 5000 : 50, i)));
  }
  uint32_t free_before = pager->free_page_count();
  CheckOk(*pager, {keep, drop});
  REQUIRE(BTree::Drop(pager.get(), drop).ok());
  CheckReport r = CheckOk(*pager, {keep});
  CHECK(r.overflow_pages == 0);
  CHECK(pager->free_page_count() > free_before);
  CHECK(r.free_pages + r.leaf_pages + r.interior_pages + 1 == pager->page_count());
  REQUIRE(BTree::Drop(pager.get(), keep).ok());
  CHECK(pager->free_page_count() == pager->page_count() - 1);
  CheckOk(*pager, {});
}

TEST_CASE("many trees in one pager, interleaved") {
  auto pager = NewPager(4096);
  const int kTrees = 6;
  std::vector<uint32_t> roots;
  std::vector<std::map<std::string, std::string>> models(kTrees);
  for (int t = 0; t < kTrees; ++t) roots.push_back(NewTree(pager.get()));
  std::mt19937 rng(42);
  for (int step = 0; step < 30000; ++step) {
    int t = static_cast<int>(rng() % kTrees);
    BTree tree(pager.get(), roots[t]);
    std::string key = DdbKey(rng() % 2000);
    if (rng() % 3 == 0) {
      Status s = tree.Delete(key);
      CHECK(s.IsNotFound() == (models[t].count(key) == 0));
      models[t].erase(key);
    } else {
      std::string value = Filler(rng() % 7 == 0 ? 3000 : rng() % 100, step);
      PD_REQUIRE_OK(tree.Put(key, value));
      models[t][key] = value;
    }
    if (step % 5000 == 0) CheckOk(*pager, roots);
  }
  CheckOk(*pager, roots);
  for (int t = 0; t < kTrees; ++t) CHECK(Dump(*pager, roots[t]) == models[t]);
}

TEST_CASE("a rolled-back operation leaves the tree as it was") {
  auto pager = NewPager(4096);
  uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  for (int i = 0; i < 2000; ++i) PD_REQUIRE_OK(tree.Put(DdbKey(i), Filler(60, i)));
  auto before = Dump(*pager, root);
  uint32_t pages_before = pager->page_count();
  pager->BeginOperation();
  for (int i = 0; i < 2000; i += 2) PD_REQUIRE_OK(tree.Delete(DdbKey(i)));
  for (int i = 5000; i < 7000; ++i) PD_REQUIRE_OK(tree.Put(DdbKey(i), Filler(3000, i)));
  pager->RollbackOperation();
  CHECK(pager->page_count() == pages_before);
  CheckOk(*pager, {root});
  CHECK(Dump(*pager, root) == before);
}

}  // namespace
}  // namespace pd
