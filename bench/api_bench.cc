// api_bench: PutItem, GetItem and Query (100 items) through Engine::Execute,
// with the data and the request texts of the JS API benchmark
// (bench/api-cases.js), so that its figures divide by these: the ratio is
// what the wasm boundary, the JS layer and JSON handling in JS cost.
//
//   api_bench [--items 2000] [--seconds 1] [--op PutItem|GetItem|Query]
//
// Data (loaded through Execute, as the JS side loads it): table "Items", key
// pk (S, HASH) + sk (N, RANGE);
//   `items` items  pk "item#<i>", sk 0, name "name <i>", price i * 1.25,
//                  tags ["a", "b"]
//   100 items      pk "orders", sk 0..99, status "new", total <sk>
// Operations (op i of a case):
//   PutItem  replaces item#<i % items> with name "name <i>", price i * 1.25
//            (the table keeps its size), then TakeCommit + MarkDurable: what
//            the JS memory engine's commitInMemory() does after a write
//   GetItem  item#<i % items>
//   Query    "pk = :p" on "orders": all 100 items
// The request texts are byte for byte what JSON.stringify makes of the JS
// benchmark's send() inputs; the driver (bench/api-bench.mjs) checks that
// against the texts this prints.
//
// Each case runs whole batches of operations until `seconds` of process CPU
// time (CLOCK_PROCESS_CPUTIME_ID) have passed, after a short warm-up. Rates
// are per CPU second (other work on the machine does not count) and, for
// reference, per wall second. --op runs one case alone (for a profiler).
// Prints a readable table, then as its LAST line one JSON object:
//   {"items":..., "seconds":..., "cases":[{"op":..., "ops":..., "cpu_s":...,
//    "wall_s":..., "ops_s":..., "wall_ops_s":..., "us_per_op":...}, ...],
//    "requests":{"PutItem":text of op 1, "GetItem":..., "Query":...}}
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine.h"

namespace {

using nlohmann::json;

constexpr int kOrders = 100;      // items in the Query partition
constexpr int kBatch = 50;        // operations between clock readings
constexpr double kWarmUp = 0.15;  // CPU seconds of warm-up per case

double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

double WallNow() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "api_bench: %s\n", what.c_str());
  std::exit(1);
}

// String(i * 1.25) in JavaScript: exact for these quarter values.
std::string Price(int64_t i) {
  static const char* const kFraction[] = {"", ".25", ".5", ".75"};
  return std::to_string(i * 5 / 4) + kFraction[i * 5 % 4];
}

// The JSON text of a plain ASCII string without quotes or backslashes.
std::string S(const std::string& s) { return "{\"S\":\"" + s + "\"}"; }
std::string N(const std::string& n) { return "{\"N\":\"" + n + "\"}"; }

// The item attributes of item#<key> written by op i (i == key when loading).
std::string ItemText(int64_t key, int64_t i) {
  return "{\"pk\":" + S("item#" + std::to_string(key)) + ",\"sk\":" + N("0") +
         ",\"name\":" + S("name " + std::to_string(i)) + ",\"price\":" + N(Price(i)) +
         ",\"tags\":{\"L\":[" + S("a") + "," + S("b") + "]}}";
}

std::string PutText(int64_t i, int64_t items) {
  return "{\"TableName\":\"Items\",\"Item\":" + ItemText(i % items, i) + "}";
}

std::string GetText(int64_t i, int64_t items) {
  return "{\"TableName\":\"Items\",\"Key\":{\"pk\":" + S("item#" + std::to_string(i % items)) +
         ",\"sk\":" + N("0") + "}}";
}

std::string QueryText() {
  return "{\"TableName\":\"Items\",\"KeyConditionExpression\":\"pk = :p\","
         "\"ExpressionAttributeValues\":{\":p\":" +
         S("orders") + "}}";
}

bool IsError(const std::string& response) {
  return response.find("\"__type\":\"") != std::string::npos;
}

void Commit(pd::Engine* engine) {
  if (!engine->has_pending_commit()) return;
  engine->MarkDurable(engine->TakeCommit().lsn);
}

std::unique_ptr<pd::Engine> Load(int64_t items) {
  std::unique_ptr<pd::Engine> engine = pd::Engine::Create().value();
  const std::string created = engine->Execute(
      "CreateTable",
      R"({"TableName":"Items","KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},)"
      R"({"AttributeName":"sk","KeyType":"RANGE"}],"AttributeDefinitions":)"
      R"([{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],)"
      R"("BillingMode":"PAY_PER_REQUEST"})");
  if (IsError(created)) Die(created);
  Commit(engine.get());
  for (int64_t i = 0; i < items; ++i) {
    const std::string out =
        engine->Execute("PutItem", "{\"TableName\":\"Items\",\"Item\":" + ItemText(i, i) + "}");
    if (IsError(out)) Die(out);
    Commit(engine.get());
  }
  for (int k = 0; k < kOrders; ++k) {
    const std::string out = engine->Execute(
        "PutItem", "{\"TableName\":\"Items\",\"Item\":{\"pk\":" + S("orders") +
                       ",\"sk\":" + N(std::to_string(k)) + ",\"status\":" + S("new") +
                       ",\"total\":" + N(std::to_string(k)) + "}}");
    if (IsError(out)) Die(out);
    Commit(engine.get());
  }
  return engine;
}

struct CaseResult {
  std::string op;  // "PutItem", "GetItem" or "Query"
  uint64_t ops;    // operations timed
  double cpu_s;    // process CPU seconds they took
  double wall_s;   // wall seconds they took
};

// Runs op(i) for i = 0, 1, ...: warm-up, then whole batches until `seconds`
// of CPU time have passed.
CaseResult Measure(const std::string& name, double seconds,
                   const std::function<void(int64_t)>& op) {
  int64_t i = 0;
  const double warm_end = CpuNow() + kWarmUp;
  while (CpuNow() < warm_end) {
    for (int k = 0; k < kBatch; ++k) op(i++);
  }
  uint64_t ops = 0;
  const double cpu0 = CpuNow();
  const double wall0 = WallNow();
  double cpu1 = cpu0;
  while (cpu1 - cpu0 < seconds) {
    for (int k = 0; k < kBatch; ++k) op(i++);
    ops += kBatch;
    cpu1 = CpuNow();
  }
  return {name, ops, cpu1 - cpu0, WallNow() - wall0};
}

}  // namespace

int main(int argc, char** argv) {
  int64_t items = 2000;
  double seconds = 1.0;
  std::string only;  // --op: the one case to run; empty: all
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--items") == 0)
      items = std::atoll(argv[i + 1]);
    else if (std::strcmp(argv[i], "--seconds") == 0)
      seconds = std::atof(argv[i + 1]);
    else if (std::strcmp(argv[i], "--op") == 0)
      only = argv[i + 1];
    else
      Die(std::string("unknown flag ") + argv[i]);
  }
  if (items < 1 || seconds <= 0) Die("--items and --seconds must be positive");
  if (!only.empty() && only != "PutItem" && only != "GetItem" && only != "Query") {
    Die("--op must be PutItem, GetItem or Query");
  }
  const auto wanted = [&](const char* op) { return only.empty() || only == op; };

  size_t sink = 0;  // response bytes, so that no work is optimised away
  std::vector<CaseResult> results;
  if (wanted("PutItem")) {
    std::unique_ptr<pd::Engine> engine = Load(items);
    results.push_back(Measure("PutItem", seconds, [&](int64_t i) {
      const std::string out = engine->Execute("PutItem", PutText(i, items));
      if (IsError(out)) Die(out);
      Commit(engine.get());
      sink += out.size();
    }));
  }
  if (wanted("GetItem")) {
    std::unique_ptr<pd::Engine> engine = Load(items);
    results.push_back(Measure("GetItem", seconds, [&](int64_t i) {
      const std::string out = engine->Execute("GetItem", GetText(i, items));
      if (out.size() < 20 || IsError(out)) Die("GetItem: " + out);
      sink += out.size();
    }));
  }
  if (wanted("Query")) {
    std::unique_ptr<pd::Engine> engine = Load(items);
    const std::string text = QueryText();
    const std::string first = engine->Execute("Query", text);
    if (json::parse(first)["Count"] != kOrders) Die("Query: " + first.substr(0, 300));
    results.push_back(Measure("Query", seconds, [&](int64_t) {
      const std::string out = engine->Execute("Query", text);
      if (IsError(out)) Die(out);
      sink += out.size();
    }));
  }

  std::printf("pocketdynamo native Engine::Execute, %lld items, %.1f CPU s per case\n\n",
              static_cast<long long>(items), seconds);
  json cases = json::array();
  for (const CaseResult& r : results) {
    const double ops_s = r.ops / r.cpu_s;
    std::printf("%-8s %10.0f ops/s %8.2f us/op (CPU)   %10.0f ops/s (wall)\n", r.op.c_str(), ops_s,
                1e6 * r.cpu_s / r.ops, r.ops / r.wall_s);
    cases.push_back({{"op", r.op},
                     {"ops", r.ops},
                     {"cpu_s", r.cpu_s},
                     {"wall_s", r.wall_s},
                     {"ops_s", ops_s},
                     {"wall_ops_s", r.ops / r.wall_s},
                     {"us_per_op", 1e6 * r.cpu_s / r.ops}});
  }
  const json out = {
      {"items", items},
      {"seconds", seconds},
      {"cases", cases},
      {"requests",
       {{"PutItem", PutText(1, items)}, {"GetItem", GetText(1, items)}, {"Query", QueryText()}}},
      {"sink", sink % 2}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
