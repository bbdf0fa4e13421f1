// cache_load_bench: does a large load stay within the page cache? A native
// stand-in for the JS side of the bounded cache (engine.h "Bounded cache").
//
//   cache_load_bench [--items 1000000] [--cache-mib 16] [--checkpoint-commits 20]
//                    [--file /tmp/pd-cache-load.pages]
//
// One engine in paged mode (cache_bytes = cache-mib MiB) loads `items` items
// through Engine::Execute: BatchWriteItem of 25, one commit per 1,000 items
// (TakeCommit without images or record, made durable at once, as a quorum
// would). The page source is a file of page images at id * page size (a
// replica's checkpoint): every checkpoint-commits commits, the durable
// images of the pages changed since the last checkpoint are written there
// and the records through it released (Engine::ReleaseRecordsThrough). Every
// PageFault is resolved from the file (its ids and read-ahead hints; an
// id past the file's end reads as all zeros: "no such page", rebuilt from the
// retained records). Items: table "Items", pk "user#<r % 1000>" (S, HASH),
// sk "item#<i>" (S, RANGE), body 200 random letters. After the load: 200
// random GetItems and one partition's Query, checked.
// Reported: after every commit the engine's cache_stats() (resident, pinned,
// undo, retained record and slot bytes), their peaks against the budget,
// the fault rounds, and the process's peak RSS (VmHWM; meaningless under
// ASan). The last line of output is one JSON object with every figure.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine.h"

namespace {

using nlohmann::json;

struct Args {
  uint32_t items = 1000000;
  uint32_t cache_mib = 16;
  uint32_t checkpoint_commits = 20;
  std::string file = "/tmp/pd-cache-load.pages";
};

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "cache_load_bench: %s\n", what.c_str());
  std::exit(1);
}

// VmHWM of this process in KiB (0 if unknown).
uint64_t PeakRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

class Load {
 public:
  explicit Load(const Args& args) : args_(args), rng_(1) {
    fd_ = ::open(args.file.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd_ < 0) Die("cannot open " + args.file);
    engine_ = std::move(pd::Engine::Create().value());
    pd::EngineOptions options;
    options.cache_bytes = uint64_t{args.cache_mib} << 20;
    engine_->set_options(options);
    page_size_ = engine_->page_size();
  }
  ~Load() {
    ::close(fd_);
    ::unlink(args_.file.c_str());
  }

  json Run() {
    const auto start = std::chrono::steady_clock::now();
    Exec("CreateTable",
         {{"TableName", "Items"},
          {"BillingMode", "PAY_PER_REQUEST"},
          {"KeySchema", json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                                     {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}})},
          {"AttributeDefinitions",
           json::array({{{"AttributeName", "pk"}, {"AttributeType", "S"}},
                        {{"AttributeName", "sk"}, {"AttributeType", "S"}}})}});
    Commit();
    uint32_t commits = 0;
    for (uint32_t i = 0; i < args_.items;) {
      for (int batch = 0; batch < 40 && i < args_.items; ++batch) {
        json puts = json::array();
        for (int k = 0; k < 25 && i < args_.items; ++k, ++i) {
          puts.push_back({{"PutRequest", {{"Item", Item(i)}}}});
        }
        Exec("BatchWriteItem", {{"RequestItems", {{"Items", puts}}}});
      }
      Commit();
      if (++commits % args_.checkpoint_commits == 0) Checkpoint();
      if (commits % 100 == 0) {
        std::fprintf(stderr, "%u items, resident %.1f MiB, retained %.1f MiB\n", i,
                     Mib(engine_->cache_stats().resident_bytes),
                     Mib(engine_->cache_stats().retained_record_bytes));
      }
    }
    Checkpoint();
    const double load_s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const uint64_t load_rounds = rounds_;
    Verify();
    const pd::CacheStats end = engine_->cache_stats();
    return {{"items", args_.items},
            {"cache_bytes", uint64_t{args_.cache_mib} << 20},
            {"page_size", page_size_},
            {"page_count", engine_->page_count()},
            {"database_bytes", uint64_t{engine_->page_count()} * page_size_},
            {"load_seconds", load_s},
            {"load_fault_rounds", load_rounds},
            {"pages_installed", installed_},
            {"peak",
             {{"resident_bytes", peak_.resident_bytes},
              {"pinned_bytes", peak_.pinned_bytes},
              {"undo_bytes", peak_.undo_bytes},
              {"retained_record_bytes", peak_.retained_record_bytes},
              {"slot_bytes", peak_.slot_bytes},
              {"total_bytes", peak_total_}}},
            {"end",
             {{"resident_bytes", end.resident_bytes},
              {"retained_record_bytes", end.retained_record_bytes},
              {"evictions", end.evictions},
              {"misses", end.misses}}},
            {"peak_rss_kib", PeakRssKib()}};
  }

 private:
  static double Mib(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

  json Item(uint32_t i) {
    std::string body(200, 'a');
    for (char& c : body) c = static_cast<char>('a' + rng_() % 26);
    return {{"pk", {{"S", "user#" + std::to_string(i % 1000)}}},
            {"sk", {{"S", "item#" + std::to_string(i)}}},
            {"body", {{"S", body}}}};
  }

  std::string ReadPage(uint32_t id) {
    std::string image(page_size_, '\0');
    const ssize_t n = ::pread(fd_, &image[0], page_size_, off_t{id} * page_size_);
    if (n < 0) Die("pread failed");
    if (static_cast<uint32_t>(n) != page_size_) image.assign(page_size_, '\0');
    return image;
  }

  void Install(const std::vector<uint32_t>& ids) {
    for (uint32_t id : ids) {
      pd::Status s = engine_->InstallPage(id, ReadPage(id));
      if (!s.ok()) Die(s.ToString());
      ++installed_;
    }
  }

  json Exec(const std::string& op, const json& request) {
    const std::string body = request.dump();
    for (;;) {
      json r = json::parse(engine_->Execute(op, body));
      const std::string type = r.value("__type", "");
      if (type == "pocketdynamo#PageFault") {
        ++rounds_;
        Install(r["ids"].get<std::vector<uint32_t>>());
        Install(r["hints"].get<std::vector<uint32_t>>());
        continue;
      }
      if (!type.empty()) Die(op + ": " + r.dump());
      Sample();
      return r;
    }
  }

  void Sample() {
    const pd::CacheStats s = engine_->cache_stats();
    peak_.resident_bytes = std::max(peak_.resident_bytes, s.resident_bytes);
    peak_.pinned_bytes = std::max(peak_.pinned_bytes, s.pinned_bytes);
    peak_.undo_bytes = std::max(peak_.undo_bytes, s.undo_bytes);
    peak_.retained_record_bytes = std::max(peak_.retained_record_bytes, s.retained_record_bytes);
    peak_.slot_bytes = std::max(peak_.slot_bytes, s.slot_bytes);
    peak_total_ = std::max(
        peak_total_, s.resident_bytes + s.undo_bytes + s.retained_record_bytes + s.slot_bytes);
  }

  void Commit() {
    if (!engine_->has_pending_commit()) return;
    pd::CommitOptions options;
    options.images = false;
    pd::CommitBatch batch = engine_->TakeCommit(options);
    engine_->MarkDurable(batch.lsn);
    changed_.insert(batch.page_ids.begin(), batch.page_ids.end());
    Sample();
  }

  // Writes the durable images of the pages changed since the last
  // checkpoint to the file, then releases the records through it.
  void Checkpoint() {
    const std::vector<uint32_t> ids(changed_.begin(), changed_.end());
    for (;;) {
      pd::Result<std::vector<std::string>> images = engine_->DurableImages(ids);
      if (!images.ok()) {
        if (engine_->last_fault().empty()) Die(images.status().ToString());
        ++rounds_;
        Install(engine_->last_fault());
        continue;
      }
      for (size_t k = 0; k < ids.size(); ++k) {
        if (::pwrite(fd_, (*images)[k].data(), page_size_, off_t{ids[k]} * page_size_) !=
            static_cast<ssize_t>(page_size_)) {
          Die("pwrite failed");
        }
      }
      break;
    }
    changed_.clear();
    engine_->ReleaseRecordsThrough(engine_->durable_lsn());
  }

  void Verify() {
    std::mt19937 pick(7);
    for (int k = 0; k < 200; ++k) {
      const uint32_t i = pick() % args_.items;
      json r = Exec("GetItem", {{"TableName", "Items"},
                                {"Key",
                                 {{"pk", {{"S", "user#" + std::to_string(i % 1000)}}},
                                  {"sk", {{"S", "item#" + std::to_string(i)}}}}}});
      if (!r.contains("Item")) Die("item " + std::to_string(i) + " is missing");
    }
    const uint32_t want = args_.items / 1000 + (args_.items % 1000 > 42 ? 1 : 0);
    json q = Exec("Query", {{"TableName", "Items"},
                            {"KeyConditionExpression", "pk = :p"},
                            {"ExpressionAttributeValues", {{":p", {{"S", "user#42"}}}}}});
    if (q["Count"] != want) Die("Query of user#42: " + q["Count"].dump() + " items");
  }

  Args args_;
  std::mt19937 rng_;
  int fd_ = -1;
  std::unique_ptr<pd::Engine> engine_;
  uint32_t page_size_ = 0;
  std::set<uint32_t> changed_;  // pages changed since the last checkpoint
  pd::CacheStats peak_;
  uint64_t peak_total_ = 0;
  uint64_t rounds_ = 0;
  uint64_t installed_ = 0;
};

uint32_t Arg(const char* value) { return static_cast<uint32_t>(std::strtoul(value, nullptr, 10)); }

}  // namespace

int main(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--items")) {
      args.items = Arg(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--cache-mib")) {
      args.cache_mib = Arg(argv[i + 1]);
    } else if (!std::strcmp(argv[i], "--checkpoint-commits")) {
      args.checkpoint_commits = std::max(1u, Arg(argv[i + 1]));
    } else if (!std::strcmp(argv[i], "--file")) {
      args.file = argv[i + 1];
    } else {
      std::fprintf(stderr,
                   "usage: cache_load_bench [--items N] [--cache-mib N] "
                   "[--checkpoint-commits N] [--file PATH]\n");
      return 2;
    }
  }
  Load load(args);
  const json out = load.Run();
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
