// execute_bench: Query and Scan through Engine::Execute (DynamoDB JSON in and
// out), with the time split between the tree and JSON.
//
//   execute_bench [--n 1000000] [--partitions 1000] [--queries 20000] [--page-size 8192]
//
// Data (built through table/ directly, then handed to an Engine as page
// images, which is how a database is opened from replicas):
//   Spread  n items in `partitions` partitions: pk "user#<p>", sk
//           "item#<9 digits>", v (N), d (a 48-byte S); ~110 bytes per item
//   Hot     n items in ONE partition, same shape
//   Small   100 items in one partition, same shape
//
// Workloads:
//   query100   Query "pk = :p AND sk BETWEEN :a AND :b" selecting exactly 100
//              items, random partition and start, in Spread, Hot and Small
//   scan       Scan of all of Spread, 1 MB pages following LastEvaluatedKey
//
// Each is timed three ways on the same requests:
//   execute    Engine::Execute(op, request text) -> response text: everything
//   tree       the same reads through Table directly: seek the key range,
//              step the cursor, decode each item (keys/, btree/, value/)
//   json       JSON work alone: parse the request text, build the response
//              object from the decoded items (ItemToJson) and dump it
//   direct     the same JSON work with the response text written straight
//              from the decoded items (AppendItemJson, value/json_codec.h),
//              no nlohmann DOM: the same bytes (checked), to show what
//              "execute" would take with it (execute - json + direct)
// Times are CPU seconds of the process (CLOCK_PROCESS_CPUTIME_ID), not wall
// time, so other work on the machine does not count.
// "other" = execute - tree - json: spec validation, expression parsing and
// checking, key condition matching, paging bookkeeping. Timings are the best
// of kRounds (queries) / kScanRounds (scan) runs of the same requests; the
// three parts are timed in separate loops, so "other" carries their noise.
//
// Prints a readable table, then as its LAST line one JSON object with every
// number (ops/s, items/s, microseconds per operation, shares).
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine.h"
#include "keys/key_codec.h"
#include "pager/pager.h"
#include "table/catalog.h"
#include "table/table.h"
#include "value/item.h"
#include "value/json_codec.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr int kQueryItems = 100;  // items each query selects
constexpr int kRounds = 5;        // query timings: best of this many runs
constexpr int kScanRounds = 2;    // scan timings: best of this many runs

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// CPU seconds used by this (single-threaded) process. The benchmark times
// with it rather than the wall clock: on a shared machine the wall clock
// also counts the time other processes hold the CPU.
double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "execute_bench: %s\n", what.c_str());
  std::exit(1);
}

void Require(const pd::Status& s, const char* what) {
  if (!s.ok()) Die(std::string(what) + ": " + s.ToString());
}

std::string Pk(int p) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "user#%04d", p);
  return buf;
}

std::string Sk(int64_t i) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "item#%09lld", static_cast<long long>(i));
  return buf;
}

pd::Item MakeItem(const std::string& pk, int64_t i) {
  pd::Item item;
  item.Set("pk", pd::AttributeValue::S(pk));
  item.Set("sk", pd::AttributeValue::S(Sk(i)));
  item.Set("v", pd::AttributeValue::N(pd::Decimal::FromInt64(i * 7)));
  item.Set("d", pd::AttributeValue::S(std::string(48, static_cast<char>('a' + i % 26))));
  return item;
}

pd::TableDescription Description(const std::string& name) {
  pd::TableDescription d;
  d.name = name;
  d.table_id = "00000000-0000-4000-8000-000000000000";
  d.hash_key = {"pk", pd::AttributeType::kS};
  d.range_key = pd::KeyAttribute{"sk", pd::AttributeType::kS};
  d.attribute_definitions = {d.hash_key, *d.range_key};
  d.billing_mode = pd::BillingMode::kPayPerRequest;
  d.billing_mode_explicit = true;
  return d;
}

// Puts `count` items into partition `pk` starting at sort number 0.
void Load(pd::Table* table, const std::string& pk, int64_t count) {
  for (int64_t i = 0; i < count; ++i) {
    pd::Item item = MakeItem(pk, i);
    pd::Result<pd::PrimaryKey> key = table->KeyFromItem(item);
    if (!key.ok()) Die(key.status().ToString());
    Require(table->Put(*key, item, std::nullopt), "put");
  }
}

// One Query of the benchmark: a partition and the first sort number.
struct QuerySpec {
  std::string table;  // "Spread", "Hot" or "Small"
  std::string pk;     // partition
  int64_t first;      // first selected sort number; selects [first, first + 100)
};

std::string QueryText(const QuerySpec& q) {
  json request = {{"TableName", q.table},
                  {"KeyConditionExpression", "pk = :p AND sk BETWEEN :a AND :b"},
                  {"ExpressionAttributeValues",
                   {{":p", {{"S", q.pk}}},
                    {":a", {{"S", Sk(q.first)}}},
                    {":b", {{"S", Sk(q.first + kQueryItems - 1)}}}}}};
  return request.dump();
}

// The tree part of one query: seek, step, decode. Returns the decoded items.
std::vector<pd::Item> TreeQuery(const pd::Table& table, const QuerySpec& q) {
  const pd::AttributeValue pk = pd::AttributeValue::S(q.pk);
  const pd::AttributeValue lo = pd::AttributeValue::S(Sk(q.first));
  const pd::AttributeValue hi = pd::AttributeValue::S(Sk(q.first + kQueryItems - 1));
  pd::TableIterator it =
      table.NewIterator(pd::SortKeyRange(pk, pd::SortKeyOp::kBetween, lo, &hi), true);
  std::vector<pd::Item> items;
  items.reserve(kQueryItems);
  pd::Status s;
  for (s = it.SeekToStart(); s.ok() && it.Valid(); s = it.Next()) {
    pd::Result<pd::Item> item = it.item();
    if (!item.ok()) Die(item.status().ToString());
    items.push_back(std::move(item).value());
  }
  Require(s, "iterate");
  if (items.size() != kQueryItems) Die("tree query returned " + std::to_string(items.size()));
  return items;
}

// The JSON part of one query: parse the request, serialise the response.
size_t JsonQuery(const std::string& text, const std::vector<pd::Item>& items) {
  json request = json::parse(text);
  json response = json::object();
  json list = json::array();
  for (const pd::Item& item : items) list.push_back(pd::ItemToJson(item));
  response["Items"] = std::move(list);
  response["Count"] = items.size();
  response["ScannedCount"] = items.size();
  return response.dump().size() + request.size();
}

// JsonQuery's response text, written directly from the items.
std::string DirectQueryText(const std::vector<pd::Item>& items) {
  std::string out = "{\"Count\":" + std::to_string(items.size()) + ",\"Items\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    pd::AppendItemJson(items[i], &out);
  }
  out += "],\"ScannedCount\":" + std::to_string(items.size()) + "}";
  return out;
}

// JsonQuery with the response written by DirectQueryText.
size_t DirectQuery(const std::string& text, const std::vector<pd::Item>& items) {
  json request = json::parse(text);
  return DirectQueryText(items).size() + request.size();
}

struct Timing {
  double execute_s = 0;  // wall seconds through Engine::Execute
  double tree_s = 0;     // wall seconds through Table
  double json_s = 0;     // wall seconds of JSON parse + serialise
  double direct_s = 0;   // wall seconds of JSON parse + direct response text (queries)
  uint64_t ops = 0;      // operations (queries or pages)
  uint64_t items = 0;    // items returned
};

json Report(const char* name, const Timing& t) {
  const double other = t.execute_s - t.tree_s - t.json_s;
  std::printf(
      "%-14s %9.0f ops/s %11.0f items/s | per op: execute %8.1f us, tree %8.1f us (%4.1f%%), "
      "json %8.1f us (%4.1f%%), other %8.1f us (%4.1f%%)\n",
      name, t.ops / t.execute_s, t.items / t.execute_s, 1e6 * t.execute_s / t.ops,
      1e6 * t.tree_s / t.ops, 100 * t.tree_s / t.execute_s, 1e6 * t.json_s / t.ops,
      100 * t.json_s / t.execute_s, 1e6 * other / t.ops, 100 * other / t.execute_s);
  if (t.direct_s > 0) {
    const double projected = t.execute_s - t.json_s + t.direct_s;
    std::printf(
        "%-14s direct response text: json %8.1f us -> %8.1f us (x%.2f); execute %8.1f us -> "
        "%8.1f us projected, %9.0f ops/s (x%.2f)\n",
        "", 1e6 * t.json_s / t.ops, 1e6 * t.direct_s / t.ops, t.json_s / t.direct_s,
        1e6 * t.execute_s / t.ops, 1e6 * projected / t.ops, t.ops / projected,
        t.execute_s / projected);
  }
  return {{"ops_s", t.ops / t.execute_s},
          {"items_s", t.items / t.execute_s},
          {"execute_us", 1e6 * t.execute_s / t.ops},
          {"tree_us", 1e6 * t.tree_s / t.ops},
          {"json_us", 1e6 * t.json_s / t.ops},
          {"direct_json_us", 1e6 * t.direct_s / t.ops},
          {"other_us", 1e6 * other / t.ops},
          {"tree_share", t.tree_s / t.execute_s},
          {"json_share", t.json_s / t.execute_s}};
}

}  // namespace

int main(int argc, char** argv) {
  int64_t n = 1000000;
  int partitions = 1000;
  int queries = 20000;
  uint32_t page_size = pd::kDefaultPageSize;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--n") == 0)
      n = std::atoll(argv[i + 1]);
    else if (std::strcmp(argv[i], "--partitions") == 0)
      partitions = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--queries") == 0)
      queries = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--page-size") == 0)
      page_size = static_cast<uint32_t>(std::atoi(argv[i + 1]));
    else
      Die(std::string("unknown flag ") + argv[i]);
  }
  const int64_t per_partition = n / partitions;
  if (per_partition < kQueryItems) Die("--n / --partitions must be at least 100");

  // ---- Build the database through table/ --------------------------------------
  auto t0 = Clock::now();
  std::unique_ptr<pd::Pager> pager = pd::Pager::Create(page_size).value();
  pd::Catalog catalog(pager.get());
  for (const char* name : {"Spread", "Hot", "Small"}) {
    pd::Result<pd::CatalogEntry> e = catalog.Create(Description(name));
    if (!e.ok()) Die(e.status().ToString());
  }
  {
    pd::Table spread = pd::Table::Open(&catalog, "Spread").value();
    for (int p = 0; p < partitions; ++p) Load(&spread, Pk(p), per_partition);
    pd::Table hot = pd::Table::Open(&catalog, "Hot").value();
    Load(&hot, Pk(0), n);
    pd::Table small = pd::Table::Open(&catalog, "Small").value();
    Load(&small, Pk(0), kQueryItems);
  }
  pager->MarkDurable(pager->TakeCommit().lsn);
  auto t1 = Clock::now();
  std::printf("loaded %lld + %lld + %d items (%u pages of %u bytes) in %.1f s\n",
              static_cast<long long>(per_partition * partitions), static_cast<long long>(n),
              kQueryItems, pager->page_count(), page_size, Seconds(t0, t1));

  // ---- The requests --------------------------------------------------------------
  std::mt19937_64 rng(42);
  auto make_queries = [&](const std::string& table, int parts, int64_t items_per_part) {
    std::vector<QuerySpec> out;
    for (int i = 0; i < queries; ++i) {
      QuerySpec q;
      q.table = table;
      q.pk = Pk(static_cast<int>(rng() % parts));
      q.first =
          static_cast<int64_t>(rng() % static_cast<uint64_t>(items_per_part - kQueryItems + 1));
      out.push_back(q);
    }
    return out;
  };
  struct Workload {
    const char* name;                // report key
    std::vector<QuerySpec> specs;    // the queries, in order
    std::vector<std::string> texts;  // their request JSON, built before timing
    Timing timing;                   // best times of the three parts
  };
  std::vector<Workload> workloads;
  workloads.push_back({"query100", make_queries("Spread", partitions, per_partition), {}, {}});
  workloads.push_back({"query100_hot", make_queries("Hot", 1, n), {}, {}});
  workloads.push_back({"query100_small", make_queries("Small", 1, kQueryItems), {}, {}});
  for (Workload& w : workloads) {
    for (const QuerySpec& q : w.specs) w.texts.push_back(QueryText(q));
  }

  // ---- Timing ---------------------------------------------------------------------------
  // The engine gets a copy of the pages (as from a replica); the pager stays
  // for the direct reads. Each round times, per workload, the tree part, the
  // JSON part and Execute back to back, so load on the machine affects all
  // three alike; each number is the best over the rounds.
  std::unique_ptr<pd::Engine> engine = pd::Engine::Open(pager->SnapshotImages()).value();
  size_t sink = 0;
  for (Workload& w : workloads) {
    w.timing.tree_s = w.timing.json_s = w.timing.direct_s = w.timing.execute_s = 1e300;
    w.timing.ops = w.specs.size();
    w.timing.items = w.specs.size() * kQueryItems;
  }
  Timing scan;
  scan.tree_s = scan.json_s = scan.execute_s = 1e300;
  for (int round = 0; round < kRounds; ++round) {
    for (Workload& w : workloads) {
      pd::Table table = pd::Table::Open(&catalog, w.specs[0].table).value();
      std::vector<std::vector<pd::Item>> results;
      results.reserve(w.specs.size());
      const double a = CpuNow();
      for (const QuerySpec& q : w.specs) results.push_back(TreeQuery(table, q));
      const double b = CpuNow();
      for (size_t i = 0; i < w.specs.size(); ++i) sink += JsonQuery(w.texts[i], results[i]);
      const double c = CpuNow();
      for (size_t i = 0; i < w.specs.size(); ++i) sink += DirectQuery(w.texts[i], results[i]);
      const double c2 = CpuNow();
      for (const std::string& text : w.texts) {
        std::string out = engine->Execute("Query", text);
        sink += out.size();
        if (out.size() < 1000) Die("query failed: " + out);
      }
      const double d = CpuNow();
      w.timing.tree_s = std::min(w.timing.tree_s, b - a);
      w.timing.json_s = std::min(w.timing.json_s, c - b);
      w.timing.direct_s = std::min(w.timing.direct_s, c2 - c);
      w.timing.execute_s = std::min(w.timing.execute_s, d - c2);
    }
    if (round >= kScanRounds) continue;
    // Scan: the tree part is a full ordered walk with decoding, cut into
    // 1 MB pages; the JSON part serialises those pages; Execute pages
    // through the table following LastEvaluatedKey (only the Execute calls
    // are timed: reading a page to find its LastEvaluatedKey is the client's
    // work).
    pd::Table table = pd::Table::Open(&catalog, "Spread").value();
    pd::TableIterator it = table.NewIterator(pd::KeyRange{}, true);
    std::vector<pd::Item> page;
    std::vector<std::vector<pd::Item>> pages;
    uint64_t bytes = 0;
    const double a = CpuNow();
    pd::Status s;
    for (s = it.SeekToStart(); s.ok() && it.Valid(); s = it.Next()) {
      pd::Result<pd::Item> item = it.item();
      if (!item.ok()) Die(item.status().ToString());
      bytes += pd::ItemSize(*item);
      page.push_back(std::move(item).value());
      if (bytes >= 1048576) {
        pages.push_back(std::move(page));
        page.clear();
        bytes = 0;
      }
    }
    Require(s, "scan");
    if (!page.empty()) pages.push_back(std::move(page));
    const double b = CpuNow();
    scan.items = 0;
    for (const std::vector<pd::Item>& p : pages) {
      json request = json::parse(
          R"({"TableName":"Spread","ExclusiveStartKey":{"pk":{"S":"user#0001"},"sk":{"S":"item#000000001"}}})");
      json list = json::array();
      for (const pd::Item& item : p) list.push_back(pd::ItemToJson(item));
      json response = {{"Items", std::move(list)},
                       {"Count", p.size()},
                       {"ScannedCount", p.size()},
                       {"LastEvaluatedKey", request["ExclusiveStartKey"]}};
      sink += response.dump().size();
      scan.items += p.size();
    }
    const double c = CpuNow();
    scan.tree_s = std::min(scan.tree_s, b - a);
    scan.json_s = std::min(scan.json_s, c - b);
    scan.ops = pages.size();
    json request = {{"TableName", "Spread"}};
    uint64_t items = 0;
    uint64_t execute_pages = 0;
    double execute_s = 0;
    for (;;) {
      const std::string text = request.dump();
      const double e = CpuNow();
      std::string out = engine->Execute("Scan", text);
      execute_s += CpuNow() - e;
      json r = json::parse(out);
      if (!r.contains("Count")) Die("scan failed: " + r.dump().substr(0, 300));
      items += r["Count"].get<uint64_t>();
      ++execute_pages;
      if (!r.contains("LastEvaluatedKey")) break;
      request["ExclusiveStartKey"] = std::move(r["LastEvaluatedKey"]);
    }
    scan.execute_s = std::min(scan.execute_s, execute_s);
    if (items != static_cast<uint64_t>(per_partition * partitions))
      Die("scan saw " + std::to_string(items));
    if (execute_pages != scan.ops) Die("scan pages differ: " + std::to_string(execute_pages));
  }
  for (const Workload& w : workloads) {  // spot-check one answer of each in full
    const std::string text = engine->Execute("Query", w.texts[0]);
    pd::Table table = pd::Table::Open(&catalog, w.specs[0].table).value();
    if (DirectQueryText(TreeQuery(table, w.specs[0])) != text) {
      Die("direct response text differs from Execute's: " + text.substr(0, 300));
    }
    json r = json::parse(text);
    if (r["Count"] != kQueryItems || r["Items"][0]["sk"]["S"] != Sk(w.specs[0].first)) {
      Die("wrong answer: " + r.dump().substr(0, 300));
    }
  }

  std::printf("\n");
  json out = {{"n", n}, {"partitions", partitions}, {"queries", queries}, {"page_size", page_size}};
  for (const Workload& w : workloads) out[w.name] = Report(w.name, w.timing);
  out["scan"] = Report("scan (pages)", scan);
  std::printf(
      "\nquery100 in a %lld-item partition: %.0f ops/s; in a 100-item partition: %.0f ops/s "
      "(ratio %.2f)\n",
      static_cast<long long>(n), workloads[1].timing.ops / workloads[1].timing.execute_s,
      workloads[2].timing.ops / workloads[2].timing.execute_s,
      (workloads[2].timing.ops / workloads[2].timing.execute_s) /
          (workloads[1].timing.ops / workloads[1].timing.execute_s));
  out["sink"] = sink % 2;  // keeps the JSON work from being optimised away
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
