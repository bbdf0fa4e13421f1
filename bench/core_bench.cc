// core_bench: the B+tree (btree/btree.h over pager/pager.h) against
// std::map<std::string, std::string> on the same DynamoDB-shaped data, in one
// run.
//
//   core_bench [--n N] [--page-size P] [--seed S]
//
// Data: N keys "user#<i % 1000>" 0x00 "item#<i, 9 digits zero-padded>" (a
// partition key and a sort key joined by a separator byte that sorts low)
// with 200-byte values. Phases, each timed separately for both structures:
//   insert      all N keys in a random order
//   insert_txn  (btree only) the same, each Put inside Pager::BeginOperation /
//               EndOperation with TakeCommit + MarkDurable every 1000 Puts:
//               the cost table/ pays for undo and commit batches
//   get         all N keys in another random order, value copied out into a
//               reused std::string (BTree::Get(key, &value); map find + assign)
//   scan_items  one full ordered scan reading every key and value
//   range100    N / 100 range reads: seek to a random existing key, then 99
//               nexts, reading every key and value
// Rates are per second of thread CPU time (see Clock below).
// The last line of output is one JSON object:
//   {"n":..., "page_size":..., "btree":{"insert":ops_s, "insert_txn":ops_s,
//    "get":ops_s, "scan_items":items_s, "range100":ops_s},
//    "map":{"insert":..., "get":..., "scan_items":..., "range100":...}}
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "btree/btree.h"
#include "btree/check.h"
#include "btree/cursor.h"
#include "pager/format.h"
#include "pager/pager.h"

namespace {

// Phases are timed in CPU time of this thread (CLOCK_THREAD_CPUTIME_ID), not
// wall time: the machines this runs on are often shared, and CPU time is what
// the structure costs. On an idle machine the two agree.
struct Clock {
  using time_point = double;  // seconds
  static time_point now() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  }
};

double Seconds(Clock::time_point start) { return Clock::now() - start; }

std::string MakeKey(uint64_t i) {
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "user#%llu", static_cast<unsigned long long>(i % 1000));
  std::string key(buf, static_cast<size_t>(n));
  key.push_back('\0');
  n = std::snprintf(buf, sizeof(buf), "item#%09llu", static_cast<unsigned long long>(i));
  key.append(buf, static_cast<size_t>(n));
  return key;
}

std::string MakeValue(uint64_t i) {
  std::string v(200, '\0');
  uint64_t x = i * 0x9E3779B97F4A7C15ull + 1;
  for (size_t j = 0; j < v.size(); j += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    std::memcpy(&v[j], &x, std::min<size_t>(8, v.size() - j));
  }
  return v;
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "core_bench: %s\n", what.c_str());
  std::exit(1);
}

void Ok(const pd::Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

std::unique_ptr<pd::Pager> NewPager(uint32_t page_size) {
  pd::Result<std::unique_ptr<pd::Pager>> r = pd::Pager::Create(page_size);
  if (!r.ok()) Die("Pager::Create: " + r.status().ToString());
  return std::move(r.value());
}

struct Rates {
  double insert = 0;      // ops/s
  double insert_txn = 0;  // ops/s (btree only)
  double get = 0;         // ops/s
  double scan_items = 0;  // items/s
  double range100 = 0;    // range reads/s
};

}  // namespace

int main(int argc, char** argv) {
  uint64_t n = 1000000;
  uint32_t page_size = pd::kDefaultPageSize;
  uint64_t seed = 42;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--n" || arg == "--page-size" || arg == "--seed") && i + 1 < argc) {
      uint64_t v = std::strtoull(argv[++i], nullptr, 10);
      if (arg == "--n") n = v;
      if (arg == "--page-size") page_size = static_cast<uint32_t>(v);
      if (arg == "--seed") seed = v;
    } else {
      Die("usage: core_bench [--n N] [--page-size P] [--seed S]");
    }
  }
  if (n < 100) Die("--n must be at least 100");

  std::fprintf(stderr, "core_bench: n=%llu page_size=%u: generating data\n",
               static_cast<unsigned long long>(n), page_size);
  std::vector<std::string> keys(n), values(n);
  for (uint64_t i = 0; i < n; ++i) {
    keys[i] = MakeKey(i);
    values[i] = MakeValue(i);
  }
  std::mt19937_64 rng(seed);
  std::vector<uint32_t> insert_order(n), get_order(n), range_starts(n / 100);
  for (uint64_t i = 0; i < n; ++i) insert_order[i] = static_cast<uint32_t>(i);
  get_order = insert_order;
  std::shuffle(insert_order.begin(), insert_order.end(), rng);
  std::shuffle(get_order.begin(), get_order.end(), rng);
  for (uint32_t& s : range_starts) s = static_cast<uint32_t>(rng() % n);

  Rates bt, mp;
  uint64_t sink = 0;  // results folded in so no phase is optimised away

  // --- B+tree ---
  auto pager = NewPager(page_size);
  pd::Result<uint32_t> root = pd::BTree::Create(pager.get());
  if (!root.ok()) Die("BTree::Create: " + root.status().ToString());
  pd::BTree tree(pager.get(), *root);
  Clock::time_point t = Clock::now();
  for (uint32_t i : insert_order) Ok(tree.Put(keys[i], values[i]), "Put");
  bt.insert = n / Seconds(t);

  std::string value;
  t = Clock::now();
  for (uint32_t i : get_order) {
    Ok(tree.Get(keys[i], &value), "Get");
    sink += static_cast<unsigned char>(value[i % 200]);
  }
  bt.get = n / Seconds(t);

  uint64_t items = 0;
  pd::Cursor c = tree.NewCursor();
  t = Clock::now();
  for (pd::Status s = c.SeekToFirst(); c.Valid(); s = c.Next()) {
    Ok(s, "Next");
    pd::Result<std::string_view> v = c.value();
    if (!v.ok()) Die("value: " + v.status().ToString());
    sink += c.key().size() + static_cast<unsigned char>((*v)[0]);
    ++items;
  }
  Ok(c.status(), "scan");
  bt.scan_items = items / Seconds(t);
  if (items != n) Die("scan saw " + std::to_string(items) + " entries");

  t = Clock::now();
  for (uint32_t start : range_starts) {
    Ok(c.Seek(keys[start]), "Seek");
    for (int j = 0; j < 100 && c.Valid(); ++j) {
      pd::Result<std::string_view> v = c.value();
      sink += c.key().size() + static_cast<unsigned char>((*v)[0]);
      if (j < 99) Ok(c.Next(), "Next");
    }
  }
  bt.range100 = range_starts.size() / Seconds(t);

  pd::Result<pd::CheckReport> report = pd::CheckTree(*pager, *root);
  if (!report.ok()) Die("check: " + report.status().ToString());
  const pd::CheckReport& rep = *report;
  double fill = static_cast<double>(rep.node_bytes_used) / rep.node_bytes_total;
  uint32_t pages = pager->page_count();
  pager.reset();

  // --- B+tree, each Put a pager operation, a commit batch per 1000 ---
  {
    auto txn_pager = NewPager(page_size);
    pd::Result<uint32_t> txn_root = pd::BTree::Create(txn_pager.get());
    if (!txn_root.ok()) Die("BTree::Create: " + txn_root.status().ToString());
    pd::BTree txn_tree(txn_pager.get(), *txn_root);
    uint64_t done = 0;
    t = Clock::now();
    for (uint32_t i : insert_order) {
      txn_pager->BeginOperation();
      Ok(txn_tree.Put(keys[i], values[i]), "Put");
      txn_pager->EndOperation();
      if (++done % 1000 == 0) {
        pd::CommitBatch batch = txn_pager->TakeCommit();
        sink += batch.images.size();
        txn_pager->MarkDurable(batch.lsn);
      }
    }
    bt.insert_txn = n / Seconds(t);
  }

  // --- std::map ---
  {
    std::map<std::string, std::string> map;
    t = Clock::now();
    for (uint32_t i : insert_order) map[keys[i]] = values[i];
    mp.insert = n / Seconds(t);

    t = Clock::now();
    for (uint32_t i : get_order) {
      auto it = map.find(keys[i]);
      if (it == map.end()) Die("map find");
      value.assign(it->second);
      sink += static_cast<unsigned char>(value[i % 200]);
    }
    mp.get = n / Seconds(t);

    items = 0;
    t = Clock::now();
    for (const auto& [k, v] : map) {
      sink += k.size() + static_cast<unsigned char>(v[0]);
      ++items;
    }
    mp.scan_items = items / Seconds(t);

    t = Clock::now();
    for (uint32_t start : range_starts) {
      auto it = map.lower_bound(keys[start]);
      for (int j = 0; j < 100 && it != map.end(); ++j, ++it) {
        sink += it->first.size() + static_cast<unsigned char>(it->second[0]);
      }
    }
    mp.range100 = range_starts.size() / Seconds(t);
  }

  std::printf("core_bench  n=%llu  page_size=%u  tree: %u pages, %u levels, fill %.0f%%  (rates per CPU second)\n",
              static_cast<unsigned long long>(n), page_size, pages, rep.max_levels, 100 * fill);
  std::printf("%-12s %16s %16s %10s\n", "phase", "btree", "std::map", "btree/map");
  auto row = [](const char* name, double b, double m, const char* unit) {
    if (m > 0) {
      std::printf("%-12s %12.0f %-3s %12.0f %-3s %9.2fx\n", name, b, unit, m, unit, b / m);
    } else {
      std::printf("%-12s %12.0f %-3s %16s %10s\n", name, b, unit, "-", "-");
    }
  };
  row("insert", bt.insert, mp.insert, "/s");
  row("insert_txn", bt.insert_txn, 0, "/s");
  row("get", bt.get, mp.get, "/s");
  row("scan_items", bt.scan_items, mp.scan_items, "/s");
  row("range100", bt.range100, mp.range100, "/s");
  std::fprintf(stderr, "(checksum %llu)\n", static_cast<unsigned long long>(sink));
  std::printf(
      "{\"n\":%llu,\"page_size\":%u,\"btree\":{\"insert\":%.0f,\"insert_txn\":%.0f,\"get\":%.0f,"
      "\"scan_items\":%.0f,\"range100\":%.0f},\"map\":{\"insert\":%.0f,\"get\":%.0f,"
      "\"scan_items\":%.0f,\"range100\":%.0f}}\n",
      static_cast<unsigned long long>(n), page_size, bt.insert, bt.insert_txn, bt.get,
      bt.scan_items, bt.range100, mp.insert, mp.get, mp.scan_items, mp.range100);
  return 0;
}
