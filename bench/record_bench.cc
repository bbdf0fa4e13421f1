// record_bench: what a commit costs as a commit record (pager/log_record.h)
// against the whole 8 KiB pages commits hand out today, in bytes and CPU.
//
//   record_bench [--items 100000] [--puts 2000] [--bulk-rounds 5] [--seed 1]
//
// Data, loaded through Engine::Execute (BatchWriteItem of 25, one commit per
// 1,000 items, nothing encoded): table "Items", pk "user#<r % 1000>" (S,
// HASH), sk "item#<r>" (S, RANGE), body: 200 random letters (not compressible
// to nothing), n: a number; r random. Then, on that database, each of three
// runs replays the same workload (same seed, so the same pages change) and
// takes every commit with one CommitOptions setting: record only, images
// only, or neither:
//   put   `puts` PutItems of new random items, one commit each (what an
//         awaited durable PutItem costs); split commits (the page count grew)
//         are counted apart
//   bulk  `bulk-rounds` times 1,000 new random items as 40 BatchWriteItem of
//         25, one commit each (a bulk load's group commit)
// Bytes: record bytes vs dirty pages x page size, per commit (put) and per
// item (bulk). CPU: thread CPU time (wasm: wall time) inside TakeCommit per
// commit, per setting (the difference to "neither" is what encoding or
// copying costs; "neither" still seals lazily).
// The last line of output is one JSON object with every figure.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "engine.h"

namespace {

using nlohmann::json;

// Thread CPU time natively; under Emscripten (node, for the wasm figures)
// the monotonic clock, as wasm has no CPU clock.
double CpuNow() {
  timespec ts;
#ifdef __EMSCRIPTEN__
  clock_gettime(CLOCK_MONOTONIC, &ts);
#else
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
#endif
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

struct Args {
  uint32_t items = 100000;
  uint32_t puts = 2000;
  uint32_t bulk_rounds = 5;
  uint32_t seed = 1;
};

class Workload {
 public:
  explicit Workload(uint32_t seed) : rng_(seed) {}

  json Item() {
    const uint64_t r = rng_();
    std::string body(200, 'a');
    for (char& c : body) c = static_cast<char>('a' + rng_() % 26);
    return {{"pk", {{"S", "user#" + std::to_string(r % 1000)}}},
            {"sk", {{"S", "item#" + std::to_string(r)}}},
            {"body", {{"S", body}}},
            {"n", {{"N", std::to_string(r % 100000)}}}};
  }

  std::string Batch(int count) {
    json puts = json::array();
    for (int i = 0; i < count; ++i) puts.push_back({{"PutRequest", {{"Item", Item()}}}});
    return json{{"RequestItems", {{"Items", puts}}}}.dump();
  }

  std::string Put() { return json{{"TableName", "Items"}, {"Item", Item()}}.dump(); }

 private:
  std::mt19937_64 rng_;
};

void Must(const std::string& response) {
  if (response.find("__type") != std::string::npos) {
    std::fprintf(stderr, "record_bench: request failed: %s\n", response.c_str());
    std::exit(1);
  }
}

std::unique_ptr<pd::Engine> Load(const Args& args) {
  auto engine = pd::Engine::Create().value();
  engine->set_clock([] { return int64_t{1704164645678}; });
  Must(engine->Execute("CreateTable", R"({"TableName":"Items","BillingMode":"PAY_PER_REQUEST",
    "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
    "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},
                            {"AttributeName":"sk","AttributeType":"S"}]})"));
  Workload load(args.seed * 7919 + 1);
  pd::CommitOptions nothing;
  nothing.images = false;
  nothing.record = false;
  for (uint32_t done = 0; done < args.items; done += 25) {
    Must(engine->Execute("BatchWriteItem", load.Batch(25)));
    if (done % 1000 == 975) engine->MarkDurable(engine->TakeCommit(nothing).lsn);
  }
  if (engine->has_pending_commit()) engine->MarkDurable(engine->TakeCommit(nothing).lsn);
  return engine;
}

struct Figures {
  // put
  std::vector<double> put_record_bytes;  // commits without a split
  std::vector<double> put_page_bytes;
  uint32_t put_splits = 0;
  double put_split_record_bytes = 0;  // sum over split commits
  double put_split_page_bytes = 0;
  double put_commit_cpu = 0;          // seconds in TakeCommit, all put commits
  // bulk
  double bulk_record_bytes = 0;  // sum
  double bulk_page_bytes = 0;
  double bulk_pages = 0;
  double bulk_commit_cpu = 0;
};

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

Figures Run(const Args& args, pd::CommitOptions options) {
  std::unique_ptr<pd::Engine> engine = Load(args);
  const double page_size = engine->page_size();
  Figures f;
  Workload work(args.seed);
  for (uint32_t i = 0; i < args.puts; ++i) {
    const uint32_t pages_before = engine->page_count();
    Must(engine->Execute("PutItem", work.Put()));
    const double t0 = CpuNow();
    pd::CommitBatch batch = engine->TakeCommit(options);
    f.put_commit_cpu += CpuNow() - t0;
    engine->MarkDurable(batch.lsn);
    const double pages = static_cast<double>(batch.page_ids.size()) * page_size;
    if (batch.page_count != pages_before) {
      ++f.put_splits;
      f.put_split_record_bytes += static_cast<double>(batch.record.size());
      f.put_split_page_bytes += pages;
    } else {
      f.put_record_bytes.push_back(static_cast<double>(batch.record.size()));
      f.put_page_bytes.push_back(pages);
    }
  }
  for (uint32_t round = 0; round < args.bulk_rounds; ++round) {
    for (int b = 0; b < 40; ++b) Must(engine->Execute("BatchWriteItem", work.Batch(25)));
    const double t0 = CpuNow();
    pd::CommitBatch batch = engine->TakeCommit(options);
    f.bulk_commit_cpu += CpuNow() - t0;
    engine->MarkDurable(batch.lsn);
    f.bulk_record_bytes += static_cast<double>(batch.record.size());
    f.bulk_pages += static_cast<double>(batch.page_ids.size());
    f.bulk_page_bytes += static_cast<double>(batch.page_ids.size()) * page_size;
  }
  return f;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const uint32_t v = static_cast<uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
    if (flag == "--items") {
      args.items = v;
    } else if (flag == "--puts") {
      args.puts = v;
    } else if (flag == "--bulk-rounds") {
      args.bulk_rounds = v;
    } else if (flag == "--seed") {
      args.seed = v;
    } else {
      std::fprintf(stderr, "usage: record_bench [--items N] [--puts N] [--bulk-rounds N] [--seed S]\n");
      return 2;
    }
  }
  pd::CommitOptions record_only{false, true};
  pd::CommitOptions images_only{true, false};
  pd::CommitOptions neither{false, false};
  const Figures rec = Run(args, record_only);
  const Figures img = Run(args, images_only);
  const Figures none = Run(args, neither);

  const double puts_plain = static_cast<double>(rec.put_record_bytes.size());
  const double bulk_items = 1000.0 * args.bulk_rounds;
  const double us = 1e6;
  std::printf("record_bench: %u items loaded, %u PutItem commits, %u bulk commits of 1,000 items\n",
              args.items, args.puts, args.bulk_rounds);
  std::printf("PutItem, no split (%.0f commits):   record median %.0f B (mean %.0f)   pages %.0f B"
              " (median)   ratio %.1fx\n",
              puts_plain, Median(rec.put_record_bytes), Mean(rec.put_record_bytes),
              Median(rec.put_page_bytes), Median(rec.put_page_bytes) / Median(rec.put_record_bytes));
  if (rec.put_splits > 0) {
    std::printf("PutItem with a split (%u commits): record mean %.0f B   pages mean %.0f B\n",
                rec.put_splits, rec.put_split_record_bytes / rec.put_splits,
                rec.put_split_page_bytes / rec.put_splits);
  }
  std::printf("bulk, per item:                    record %.0f B   pages %.0f B (%.0f pages/commit)"
              "   ratio %.1fx\n",
              rec.bulk_record_bytes / bulk_items, rec.bulk_page_bytes / bulk_items,
              rec.bulk_pages / args.bulk_rounds, rec.bulk_page_bytes / rec.bulk_record_bytes);
  std::printf("TakeCommit CPU per PutItem commit:  record %.1f us   images %.1f us   neither %.1f us\n",
              us * rec.put_commit_cpu / args.puts, us * img.put_commit_cpu / args.puts,
              us * none.put_commit_cpu / args.puts);
  std::printf("TakeCommit CPU per bulk commit:     record %.0f us   images %.0f us   neither %.0f us\n",
              us * rec.bulk_commit_cpu / args.bulk_rounds, us * img.bulk_commit_cpu / args.bulk_rounds,
              us * none.bulk_commit_cpu / args.bulk_rounds);
  json out = {
      {"items", args.items},
      {"puts", args.puts},
      {"bulk_rounds", args.bulk_rounds},
      {"put", {{"record_bytes_median", Median(rec.put_record_bytes)},
               {"record_bytes_mean", Mean(rec.put_record_bytes)},
               {"page_bytes_median", Median(rec.put_page_bytes)},
               {"splits", rec.put_splits},
               {"split_record_bytes_mean", rec.put_splits ? rec.put_split_record_bytes / rec.put_splits : 0},
               {"split_page_bytes_mean", rec.put_splits ? rec.put_split_page_bytes / rec.put_splits : 0},
               {"commit_us", {{"record", us * rec.put_commit_cpu / args.puts},
                              {"images", us * img.put_commit_cpu / args.puts},
                              {"neither", us * none.put_commit_cpu / args.puts}}}}},
      {"bulk", {{"record_bytes_per_item", rec.bulk_record_bytes / bulk_items},
                {"page_bytes_per_item", rec.bulk_page_bytes / bulk_items},
                {"pages_per_commit", rec.bulk_pages / args.bulk_rounds},
                {"commit_us", {{"record", us * rec.bulk_commit_cpu / args.bulk_rounds},
                               {"images", us * img.bulk_commit_cpu / args.bulk_rounds},
                               {"neither", us * none.bulk_commit_cpu / args.bulk_rounds}}}}},
  };
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
