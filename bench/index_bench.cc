// index_bench: what secondary indexes cost, through Engine::Execute
// (DynamoDB JSON in and out, as every caller of the core pays).
//
//   index_bench [--puts 20000] [--items 100000] [--queries 5000]
//
// Workloads:
//   put/<k>   PutItem of `puts` new items into a table with k = 0, 1, 5, 20
//             global secondary indexes (each keyed on its own S attribute
//             g<i>, projection ALL; every item has every g<i>, so each put
//             writes 1 + k trees). Items: pk "user#<8 digits>", g0..g19
//             (12-byte S), d (48-byte S): ~400 bytes with their names.
//             A commit (TakeCommit + MarkDurable) every 1,000 puts, as group
//             commit does.
//   query/table  Query "pk = :p" returning 100 items (a 100-item partition
//             of a table of `items` items, pk "p#<5 digits>", sk N)
//   query/gsi    Query "g = :g" on a GSI returning 100 items (the same table:
//             g "g#<i % (items / 100)>", projection ALL), random partitions
// Times are CPU seconds of the process (CLOCK_PROCESS_CPUTIME_ID), best of 3
// rounds for the queries; puts are timed once per table (each round would
// need a fresh table).
//
// Prints a readable table, then as its LAST line one JSON object with every
// number and the ratios: put/<k> against put/0, query/gsi against
// query/table.
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

constexpr int kQueryItems = 100;  // items each query returns
constexpr int kRounds = 3;        // query timings: best of this many runs

double CpuNow() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "index_bench: %s\n", what.c_str());
  std::exit(1);
}

std::unique_ptr<pd::Engine> NewEngine() {
  pd::Result<std::unique_ptr<pd::Engine>> e = pd::Engine::Create();
  if (!e.ok()) Die(e.status().ToString());
  return std::move(e).value();
}

// Runs one request; dies on an error response.
std::string Run(pd::Engine& engine, const char* op, const std::string& body) {
  std::string out = engine.Execute(op, body);
  if (out.find("__type") != std::string::npos) Die(std::string(op) + ": " + out);
  return out;
}

void Commit(pd::Engine& engine) {
  if (engine.has_pending_commit()) engine.MarkDurable(engine.TakeCommit().lsn);
}

std::string Padded(const char* prefix, long long v, int width) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s%0*lld", prefix, width, v);
  return buf;
}

// PutItem ops/s into a fresh table with `gsis` GSIs.
double PutRate(int gsis, int puts) {
  std::unique_ptr<pd::Engine> engine = NewEngine();
  json create = {{"TableName", "Bench"},
                 {"BillingMode", "PAY_PER_REQUEST"},
                 {"KeySchema", json::array({json{{"AttributeName", "pk"}, {"KeyType", "HASH"}}})},
                 {"AttributeDefinitions",
                  json::array({json{{"AttributeName", "pk"}, {"AttributeType", "S"}}})}};
  if (gsis > 0) create["GlobalSecondaryIndexes"] = json::array();
  for (int i = 0; i < gsis; ++i) {
    const std::string g = "g" + std::to_string(i);
    create["AttributeDefinitions"].push_back({{"AttributeName", g}, {"AttributeType", "S"}});
    create["GlobalSecondaryIndexes"].push_back(
        {{"IndexName", "idx" + std::to_string(i)},
         {"KeySchema", json::array({json{{"AttributeName", g}, {"KeyType", "HASH"}}})},
         {"Projection", {{"ProjectionType", "ALL"}}}});
  }
  Run(*engine, "CreateTable", create.dump());
  Commit(*engine);
  std::vector<std::string> bodies;
  bodies.reserve(puts);
  std::mt19937_64 g(7);
  for (int n = 0; n < puts; ++n) {
    json item = {{"pk", {{"S", Padded("user#", n, 8)}}},
                 {"d", {{"S", std::string(48, static_cast<char>('a' + n % 26))}}}};
    for (int i = 0; i < 20; ++i) {
      item["g" + std::to_string(i)] = {
          {"S", Padded("v#", static_cast<long long>(g() % 100000000), 8)}};
    }
    bodies.push_back(json{{"TableName", "Bench"}, {"Item", item}}.dump());
  }
  const double start = CpuNow();
  for (int n = 0; n < puts; ++n) {
    Run(*engine, "PutItem", bodies[n]);
    if (n % 1000 == 999) Commit(*engine);
  }
  Commit(*engine);
  const double seconds = CpuNow() - start;
  return puts / seconds;
}

struct QueryRates {
  double table;  // Query ops/s on the table
  double gsi;    // Query ops/s on the GSI
};

QueryRates QueryRate(int items, int queries) {
  std::unique_ptr<pd::Engine> engine = NewEngine();
  Run(*engine, "CreateTable", R"({"TableName":"Bench","BillingMode":"PAY_PER_REQUEST",
    "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
    "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"},
      {"AttributeName":"g","AttributeType":"S"}],
    "GlobalSecondaryIndexes":[{"IndexName":"byG","KeySchema":[{"AttributeName":"g","KeyType":"HASH"}],
      "Projection":{"ProjectionType":"ALL"}}]})");
  const int partitions = items / kQueryItems;
  for (int i = 0; i < items; ++i) {
    json item = {{"pk", {{"S", Padded("p#", i / kQueryItems, 5)}}},
                 {"sk", {{"N", std::to_string(i % kQueryItems)}}},
                 {"g", {{"S", Padded("g#", i % partitions, 5)}}},
                 {"d", {{"S", std::string(48, static_cast<char>('a' + i % 26))}}}};
    Run(*engine, "PutItem", json{{"TableName", "Bench"}, {"Item", item}}.dump());
    if (i % 5000 == 4999) Commit(*engine);
  }
  Commit(*engine);
  std::mt19937_64 g(11);
  std::vector<std::string> table_queries;
  std::vector<std::string> gsi_queries;
  for (int q = 0; q < queries; ++q) {
    const long long p = static_cast<long long>(g() % partitions);
    table_queries.push_back(
        json{{"TableName", "Bench"},
             {"KeyConditionExpression", "pk = :p"},
             {"ExpressionAttributeValues", {{":p", {{"S", Padded("p#", p, 5)}}}}}}
            .dump());
    gsi_queries.push_back(json{{"TableName", "Bench"},
                               {"IndexName", "byG"},
                               {"KeyConditionExpression", "g = :g"},
                               {"ExpressionAttributeValues", {{":g", {{"S", Padded("g#", p, 5)}}}}}}
                              .dump());
  }
  auto best = [&](const std::vector<std::string>& bodies) {
    double best_seconds = 1e30;
    for (int round = 0; round < kRounds; ++round) {
      const double start = CpuNow();
      for (const std::string& body : bodies) {
        std::string out = Run(*engine, "Query", body);
        if (out.find("\"Count\":100") == std::string::npos)
          Die("query returned " + out.substr(0, 200));
      }
      best_seconds = std::min(best_seconds, CpuNow() - start);
    }
    return bodies.size() / best_seconds;
  };
  return QueryRates{best(table_queries), best(gsi_queries)};
}

int Arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const int puts = Arg(argc, argv, "--puts", 20000);
  const int items = Arg(argc, argv, "--items", 100000);
  const int queries = Arg(argc, argv, "--queries", 5000);
  json result = {{"puts", puts}, {"items", items}, {"queries", queries}};
  std::printf("PutItem through Engine::Execute, %d items (~400 bytes), commit every 1,000\n", puts);
  std::printf("  %-6s %12s %10s\n", "GSIs", "puts/s", "vs 0 GSIs");
  double base = 0;
  for (int k : {0, 1, 5, 20}) {
    const double rate = PutRate(k, puts);
    if (k == 0) base = rate;
    std::printf("  %-6d %12.0f %9.2fx\n", k, rate, rate / base);
    result["put_ops_per_s"][std::to_string(k)] = rate;
    result["put_ratio_vs_0"][std::to_string(k)] = rate / base;
  }
  const QueryRates q = QueryRate(items, queries);
  std::printf("Query of 100 items (ALL projection) in %d items, %d queries, best of %d\n", items,
              queries, kRounds);
  std::printf("  table  %10.0f queries/s\n  gsi    %10.0f queries/s  (%.2fx the table)\n", q.table,
              q.gsi, q.gsi / q.table);
  result["query_table_ops_per_s"] = q.table;
  result["query_gsi_ops_per_s"] = q.gsi;
  result["query_gsi_vs_table"] = q.gsi / q.table;
  std::printf("%s\n", result.dump().c_str());
  return 0;
}
