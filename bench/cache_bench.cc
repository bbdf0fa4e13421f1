// cache_bench: what the pager's bounded cache costs per call with many pages
// cached (pager/pager.h "Bounded cache"), natively.
//
//   cache_bench [--pages 120000] [--cache-pages 100000] [--calls 200000] [--seed 1]
//
// A pager of 4 KiB pages, paged with a budget of cache-pages pages, grows to
// `pages` overflow pages (commits of 1,000, each made durable and its record
// released, as a checkpointing JS side would), every evicted image kept in a
// map (the page source). Then two workloads, `calls` calls each, time per
// call (steady clock) as mean, p99 and max, the same for Evict alone and
// for the eviction passes (the Evict calls that evicted), and the pass time
// per page evicted:
//   read   one Get of a random page per call (fault -> install from the map
//          -> Get again), then Evict(): the cache stays at its budget, so
//          every eighth of the budget faulted in brings one eviction pass
//   write  one GetMutable of a random page per call (faulted in as above),
//          a commit every 20,000 calls made durable at once: eviction
//          passes meet the pending pages (pinned, up to 20,000)
// The last line of output is one JSON object with every figure.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "pager/pager.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kPageSize = 4096;

struct Args {
  uint32_t pages = 120000;
  uint32_t cache_pages = 100000;
  uint32_t calls = 200000;
  uint32_t seed = 1;
};

// Mean, p99 and max of a set of durations in microseconds.
json Summary(std::vector<double> us) {
  std::sort(us.begin(), us.end());
  double sum = 0;
  for (double u : us) sum += u;
  const size_t n = us.size();
  return {{"mean_us", n ? sum / static_cast<double>(n) : 0.0},
          {"p99_us", n ? us[std::min(n - 1, n * 99 / 100)] : 0.0},
          {"max_us", n ? us.back() : 0.0}};
}

class Bench {
 public:
  explicit Bench(const Args& args) : args_(args), rng_(args.seed) {
    pager_ = std::move(pd::Pager::Create(kPageSize).value());
    pager_->set_cache_bytes(uint64_t{args.cache_pages} * kPageSize);
    sink_ = [this](uint32_t id, const uint8_t* p) {
      source_[id].assign(reinterpret_cast<const char*>(p), kPageSize);
    };

    for (uint32_t i = 1; i < args.pages; ++i) {
      pd::Result<uint32_t> id = pager_->Allocate(pd::PageType::kOverflow);
      if (!id.ok()) Die(id.status().ToString());
      pager_->GetMutable(*id)[100] = static_cast<uint8_t>(i);
      if (i % 1000 == 0) Commit();
    }
    Commit();
    pager_->Evict(true, sink_);  // the source has every page; the cache fills again
  }

  // Runs one workload; returns its figures.
  json Run(bool write) {
    std::vector<double> call_us, evict_us, pass_us;
    call_us.reserve(args_.calls);
    evict_us.reserve(args_.calls);
    const pd::CacheStats before = pager_->cache_stats();
    for (uint32_t c = 0; c < args_.calls; ++c) {
      const uint32_t id = 1 + static_cast<uint32_t>(rng_() % (pager_->page_count() - 1));
      const Clock::time_point start = Clock::now();
      for (;;) {
        try {
          if (write) {
            pager_->GetMutable(id)[200] ^= 1;
          } else {
            checksum_ += pager_->Get(id)[100];
          }
          break;
        } catch (const pd::PageFault& fault) {
          pager_->TakeFaults();
          for (uint32_t f : fault.ids) Install(f);
        }
      }
      const Clock::time_point mid = Clock::now();
      // Reads change no page: the source has them all (the constructor).
      const size_t evicted = pager_->Evict(false, write ? sink_ : nullptr);
      const Clock::time_point end = Clock::now();
      if (write && (c + 1) % 20000 == 0) Commit();
      call_us.push_back(std::chrono::duration<double, std::micro>(end - start).count());
      evict_us.push_back(std::chrono::duration<double, std::micro>(end - mid).count());
      if (evicted > 0) {
        pass_us.push_back(evict_us.back());
        pass_pages_ += evicted;
      }
    }
    if (write) Commit();
    const pd::CacheStats after = pager_->cache_stats();
    double pass_total = 0;
    for (double u : pass_us) pass_total += u;
    json out = {
        {"call", Summary(call_us)},
        {"evict", Summary(evict_us)},
        {"passes", pass_us.size()},
        {"pass", Summary(pass_us)},
        {"us_per_evicted_page", pass_pages_ ? pass_total / static_cast<double>(pass_pages_) : 0.0},
        {"misses", after.misses - before.misses},
        {"evictions", after.evictions - before.evictions},
        {"resident_pages", after.resident_bytes / kPageSize},
        {"pinned_pages", after.pinned_bytes / kPageSize}};
    pass_pages_ = 0;
    return out;
  }
  uint64_t checksum() const { return checksum_; }

 private:
  [[noreturn]] static void Die(const std::string& what) {
    std::fprintf(stderr, "cache_bench: %s\n", what.c_str());
    std::exit(1);
  }
  void Install(uint32_t id) {
    auto it = source_.find(id);
    if (it == source_.end()) Die("page " + std::to_string(id) + " is in no source");
    pd::Status s = pager_->InstallPage(id, it->second);
    if (!s.ok()) Die(s.ToString());
  }
  void Commit() {
    if (!pager_->has_pending_changes()) return;
    pd::CommitOptions options;
    options.images = false;
    const uint64_t lsn = pager_->TakeCommit(options).lsn;
    pager_->MarkDurable(lsn);
    pager_->Evict(false, sink_);
    pager_->ReleaseRecordsThrough(lsn);  // the source holds every evicted page's image
  }

  Args args_;
  std::mt19937_64 rng_;
  std::unique_ptr<pd::Pager> pager_;
  std::unordered_map<uint32_t, std::string> source_;    // the latest evicted image of each page
  std::function<void(uint32_t, const uint8_t*)> sink_;  // keeps every evicted image
  uint64_t checksum_ = 0;                               // keeps the reads
  uint64_t pass_pages_ = 0;  // pages evicted by the passes of the running workload
};

uint32_t Arg(const char* value) { return static_cast<uint32_t>(std::strtoul(value, nullptr, 10)); }

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--pages")) {
      args.pages = Arg(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--cache-pages")) {
      args.cache_pages = Arg(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--calls")) {
      args.calls = Arg(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--seed")) {
      args.seed = Arg(argv[i + 1]);
    } else {
      std::fprintf(stderr,
                   "usage: cache_bench [--pages N] [--cache-pages N] [--calls N] [--seed N]\n");
      return 2;
    }
  }
  Bench bench(args);
  json out = {{"pages", args.pages}, {"cache_pages", args.cache_pages}, {"calls", args.calls}};
  out["read"] = bench.Run(false);
  std::printf("read : %s\n", out["read"].dump().c_str());
  out["write"] = bench.Run(true);
  std::printf("write: %s\n", out["write"].dump().c_str());
  out["checksum"] = bench.checksum();
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
