// Helpers shared by the btree suites (tests/cpp/btree/*_test.cc).
#ifndef PD_TESTS_BTREE_BTREE_TEST_UTIL_H_
#define PD_TESTS_BTREE_BTREE_TEST_UTIL_H_

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "btree/btree.h"
#include "btree/check.h"
#include "pager/pager.h"
#include "support/require_ok.h"

namespace pd {
namespace testing {

inline std::unique_ptr<Pager> NewPager(uint32_t page_size) {
  Result<std::unique_ptr<Pager>> r = Pager::Create(page_size);
  REQUIRE(r.ok());
  return std::move(r.value());
}

inline uint32_t NewTree(Pager* pager) {
  Result<uint32_t> root = BTree::Create(pager);
  REQUIRE(root.ok());
  return *root;
}

// A DynamoDB-shaped key: "user#<i % 1000>" 0x00 "item#<9-digit i>".
inline std::string DdbKey(uint64_t i) {
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "user#%llu", static_cast<unsigned long long>(i % 1000));
  std::string key(buf, static_cast<size_t>(n));
  key.push_back('\0');
  n = std::snprintf(buf, sizeof(buf), "item#%09llu", static_cast<unsigned long long>(i));
  key.append(buf, static_cast<size_t>(n));
  return key;
}

// Deterministic filler: `n` bytes derived from `seed`.
inline std::string Filler(size_t n, uint64_t seed) {
  std::string s(n, '\0');
  uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s[i] = static_cast<char>(x);
  }
  return s;
}

// Runs the whole-database checker and fails the test with its message.
inline CheckReport CheckOk(const Pager& pager, const std::vector<uint32_t>& roots) {
  Result<CheckReport> r = CheckDatabase(pager, roots);
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return *r;
}

// Every entry of the tree, in order, through a forward cursor. Fails the
// test on a cursor error or keys out of order (one assertion, not one per
// entry: the model test calls this on large trees).
inline std::map<std::string, std::string> Dump(const Pager& pager, uint32_t root) {
  std::map<std::string, std::string> out;
  Cursor c(&pager, root);
  Status s = c.SeekToFirst();
  std::string error;
  while (s.ok() && c.Valid()) {
    if (!out.empty() && !(out.rbegin()->first < c.key())) {
      error = "cursor keys out of order";
      break;
    }
    Result<std::string_view> v = c.value();
    if (!v.ok()) {
      error = "value: " + v.status().ToString();
      break;
    }
    out.emplace_hint(out.end(), std::string(c.key()), std::string(*v));
    s = c.Next();
  }
  if (!s.ok()) error = "cursor: " + s.ToString();
  if (!error.empty()) FAIL(error);
  return out;
}

}  // namespace testing
}  // namespace pd

#endif  // PD_TESTS_BTREE_BTREE_TEST_UTIL_H_
