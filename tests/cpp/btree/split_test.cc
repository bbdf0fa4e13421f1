// Where full leaves split (BTree::Put's `run`): partitions that grow at their
// ends in the middle of the tree fill their pages, and other insert orders
// keep the fill of an even split. Keys are shaped like table keys
// (keys/key_codec.h): a 4-byte partition hash, the partition, the sort key.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "btree/btree.h"
#include "btree/btree_test_util.h"
#include "btree/check.h"

namespace pd {
namespace {

using testing::CheckOk;
using testing::Dump;
using testing::Filler;
using testing::NewPager;
using testing::NewTree;

constexpr uint32_t kRun = 4;  // the partition hash names a key's run

// hash(p) "user#<p>" 0x00 then the sort key: "item#<9 digits>".
std::string TableKey(uint32_t p, uint64_t sort) {
  char buf[48];
  int n = std::snprintf(buf, sizeof(buf), "user#%u", p);
  std::string part(buf, static_cast<size_t>(n));
  part.push_back('\0');
  uint32_t h = 0x811C9DC5;
  for (char c : part) h = (h ^ static_cast<uint8_t>(c)) * 0x01000193;
  std::string key{static_cast<char>(h >> 24), static_cast<char>(h >> 16), static_cast<char>(h >> 8),
                  static_cast<char>(h)};
  key += part;
  n = std::snprintf(buf, sizeof(buf), "item#%09llu", static_cast<unsigned long long>(sort));
  key.append(buf, static_cast<size_t>(n));
  return key;
}

using Keys = std::vector<std::string>;

struct Pattern {
  const char* name;
  const Keys& keys;
};

// Loads `keys` (values of 100 bytes) into a new tree on 4 KiB pages with the
// given run length; checks the tree and its contents; returns the leaf fill.
double LoadFill(const Keys& keys, uint32_t run) {
  auto pager = NewPager(4096);
  const uint32_t root = NewTree(pager.get());
  BTree tree(pager.get(), root);
  std::map<std::string, std::string> model;
  for (size_t i = 0; i < keys.size(); ++i) {
    std::string value = Filler(100, i);
    PD_REQUIRE_OK(tree.Put(keys[i], value, run));
    model[keys[i]] = std::move(value);
  }
  CheckReport r = CheckOk(*pager, {root});
  CHECK(r.entries == model.size());
  CHECK(Dump(*pager, root) == model);
  return static_cast<double>(r.node_bytes_used) / static_cast<double>(r.node_bytes_total);
}

// Partitions of 200 keys: each spans several leaves, as in a real table.
constexpr uint32_t kPartitions = 6;
constexpr uint64_t kKeys = 1200;

TEST_CASE("partitions growing at their ends fill their leaves") {
  std::mt19937 rng(7);
  Keys ascending, descending, random_partition;
  for (uint64_t i = 0; i < kKeys; ++i) {
    ascending.push_back(TableKey(i % kPartitions, i));
    descending.push_back(TableKey(i % kPartitions, kKeys - i));
    random_partition.push_back(TableKey(rng() % kPartitions, i));
  }
  for (const Pattern& p : {Pattern{"ascending", ascending}, Pattern{"descending", descending},
                           Pattern{"random partition", random_partition}}) {
    CAPTURE(p.name);
    const double even = LoadFill(p.keys, 0);
    const double runs = LoadFill(p.keys, kRun);
    CAPTURE(even);
    CAPTURE(runs);
    CHECK(even < 0.65);  // half-full left halves: what the run rule is for
    CHECK(runs > 0.78);
  }
}

TEST_CASE("one run ascending or descending fills leaves, with or without a run length") {
  Keys ascending, descending;
  for (uint64_t i = 0; i < kKeys; ++i) {
    ascending.push_back(TableKey(1, i));
    descending.push_back(TableKey(1, kKeys - i));
  }
  for (uint32_t run : {0u, kRun}) {
    CAPTURE(run);
    CHECK(LoadFill(ascending, run) > 0.95);
    CHECK(LoadFill(descending, run) > 0.95);
  }
}

TEST_CASE("random insert orders keep the fill of an even split") {
  std::mt19937 rng(11);
  Keys random_sort, one_per_partition, two_per_partition;
  for (uint64_t i = 0; i < kKeys; ++i) {
    random_sort.push_back(TableKey(rng() % (kPartitions * 10), rng() % 1000000000));
    one_per_partition.push_back(TableKey(static_cast<uint32_t>(i), 0));
    two_per_partition.push_back(TableKey(static_cast<uint32_t>(i % (kKeys / 2)), i));
  }
  for (const Pattern& p : {Pattern{"random sort keys", random_sort},
                           Pattern{"one key per partition", one_per_partition},
                           Pattern{"two keys per partition", two_per_partition}}) {
    CAPTURE(p.name);
    const double even = LoadFill(p.keys, 0);
    const double runs = LoadFill(p.keys, kRun);
    CAPTURE(even);
    CAPTURE(runs);
    // Boundary splits cost random sort keys a little where a leaf holds few
    // runs (here 0.65 against 0.72 for 20-key partitions; in 60,000 keys
    // over 1,000 partitions 2 % more leaves): far from a collapse to 0.5.
    CHECK(runs > even - 0.08);
    CHECK(runs > 0.6);
  }
}

}  // namespace
}  // namespace pd
