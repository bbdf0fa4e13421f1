// Paging property test: for random tables (random key types, item sizes from
// tiny to 350 KB so the 1 MB page limit bites) and random Query / Scan
// requests (key conditions, filters, projections, directions, Limits,
// parallel segments), following LastEvaluatedKey page by page must return
// exactly what a reference model says the unpaged request returns — and
// every page must be the next run of evaluated items, stopped exactly where
// DynamoDB's rules (api/paging.h) say.
//
// The model keeps the items as the engine returned them from GetItem and
// evaluates conditions itself (Decimal / byte comparisons); the Scan order
// is the table-key order of keys/key_codec.h (hash first), which is what
// Scan promises.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "keys/key_codec.h"
#include "support/test_util.h"
#include "util/base64.h"
#include "value/item.h"
#include "value/json_codec.h"

namespace pd {
namespace testing {
namespace {

constexpr uint64_t kPageBytes = 1048576;

AttributeValue Decode(const json& value) {
  AttributeValue v;
  REQUIRE(!AttributeValueFromJson(value, &v).has_value());
  return v;
}

uint64_t SizeOf(const json& item) {
  Item decoded;
  REQUIRE(!ItemFromJson(item, &decoded).has_value());
  return ItemSize(decoded);
}

// DynamoDB's order of two key values of one type.
int CompareKey(const AttributeValue& a, const AttributeValue& b) {
  if (a.is(AttributeType::kN)) return a.n().Compare(b.n());
  return a.bytes().compare(b.bytes());
}

class Gen {
 public:
  explicit Gen(uint64_t seed) : rng_(seed) {}
  int Uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  bool OneIn(int n) { return Uniform(0, n - 1) == 0; }

  // A key value of type t from a small domain (so prefixes and equal values recur).
  json KeyValue(const std::string& t) {
    if (t == "S") {
      static const char* const kParts[] = {"a", "b", "c", "A", "\xC3\xA9", "\xE2\x82\xAC"};
      std::string s;
      for (int i = Uniform(1, 3); i > 0; --i) s += kParts[Uniform(0, 5)];
      return S(s);
    }
    if (t == "N") {
      const int whole = Uniform(0, 12);
      const int tenth = OneIn(3) ? Uniform(1, 9) : 0;
      if (whole == 0 && tenth == 0) return N("0");
      std::string n = (OneIn(3) ? "-" : "") + std::to_string(whole);
      if (tenth != 0) n += "." + std::to_string(tenth);
      return N(n);
    }
    static const unsigned char kBytes[] = {0x00, 0x01, 0x7F, 0x80, 0xFF};
    std::string raw;
    for (int i = Uniform(1, 3); i > 0; --i) raw.push_back(static_cast<char>(kBytes[Uniform(0, 4)]));
    return B(Base64Encode(raw));
  }

  // Bytes of padding: mostly small, sometimes large enough to fill pages.
  size_t PadSize() {
    return OneIn(5) ? static_cast<size_t>(Uniform(100000, 350000)) : Uniform(0, 400);
  }

 private:
  std::mt19937_64 rng_;
};

struct Schema {
  std::string pk;  // partition key type: "S", "N" or "B"
  std::string sk;  // sort key type, "" for a hash-only table
};

// A sort-key condition of a Query.
struct SortCond {
  std::string op;  // "", "=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"
  json v1, v2;     // operands (v2 only for BETWEEN)
};

class PagingModel {
 public:
  PagingModel(uint64_t seed, Schema schema) : gen_(seed), schema_(std::move(schema)) {
    db_.CreateTable("Tbl", "pk", schema_.pk, schema_.sk.empty() ? "" : "sk",
                    schema_.sk.empty() ? "S" : schema_.sk);
  }

  void Populate(int count) {
    std::vector<json> partitions;
    for (int i = 0; i < 5; ++i) partitions.push_back(gen_.KeyValue(schema_.pk));
    for (int i = 0; i < count; ++i) {
      json item = {{"pk", partitions[gen_.Uniform(0, 4)]},
                   {"v", N(std::to_string(gen_.Uniform(0, 99)))},
                   {"padding", S(std::string(gen_.PadSize(), 'p'))}};
      if (!schema_.sk.empty()) item["sk"] = gen_.KeyValue(schema_.sk);
      if (gen_.OneIn(2)) item["f"] = {{"BOOL", true}};
      db_.Put("Tbl", item);
      json key = KeyOf(item);
      json stored = db_.Get("Tbl", key);  // canonical form, as the engine returns it
      REQUIRE(!stored.is_null());
      items_[TableKeyOf(stored)] = stored;
    }
    CHECK(db_.Describe("Tbl")["ItemCount"] == items_.size());
    partitions_ = partitions;
  }

  void RandomQuery() {
    const json pk = gen_.OneIn(8) ? gen_.KeyValue(schema_.pk) : partitions_[gen_.Uniform(0, 4)];
    SortCond cond = RandomSortCond();
    const bool forward = !gen_.OneIn(2);
    json values = {{":p", pk}};
    std::string kc = "pk = :p";
    if (!cond.op.empty()) {
      values[":a"] = cond.v1;
      if (cond.op == "BETWEEN") {
        values[":b"] = cond.v2;
        kc += " AND sk BETWEEN :a AND :b";
      } else if (cond.op == "begins_with") {
        kc += " AND begins_with(sk, :a)";
      } else {
        kc += " AND sk " + cond.op + " :a";
      }
    }
    json request = {
        {"TableName", "Tbl"}, {"KeyConditionExpression", kc}, {"ScanIndexForward", forward}};
    // The unfiltered sequence the query evaluates, in order.
    std::vector<const json*> seq;
    const AttributeValue p = Decode(pk);
    for (const auto& [key, item] : items_) {
      if (CompareKey(Decode(item["pk"]), p) != 0) continue;
      if (!cond.op.empty() && !SortMatches(Decode(item["sk"]), cond)) continue;
      seq.push_back(&item);
    }
    std::sort(seq.begin(), seq.end(), [&](const json* a, const json* b) {
      if (schema_.sk.empty()) return false;
      return CompareKey(Decode((*a)["sk"]), Decode((*b)["sk"])) < 0;
    });
    if (!forward) std::reverse(seq.begin(), seq.end());
    CAPTURE(kc);
    CAPTURE(values.dump());
    RunPages("Query", std::move(request), std::move(values), seq);
  }

  void RandomScan() {
    json request = {{"TableName", "Tbl"}};
    std::optional<std::pair<uint32_t, uint32_t>> segment;
    if (gen_.OneIn(2)) {
      static const int kTotals[] = {1, 2, 3, 5, 8, 100};
      const uint32_t total = static_cast<uint32_t>(kTotals[gen_.Uniform(0, 5)]);
      segment = std::make_pair(static_cast<uint32_t>(gen_.Uniform(0, static_cast<int>(total) - 1)),
                               total);
      request["Segment"] = segment->first;
      request["TotalSegments"] = segment->second;
    }
    std::vector<const json*> seq;  // items_ is ordered by table key: the scan order
    for (const auto& [key, item] : items_) {
      if (segment) {
        const uint64_t h = PartitionHash(Decode(item["pk"]));
        const uint64_t lo = (uint64_t{segment->first} << 32) / segment->second;
        const uint64_t hi = ((uint64_t{segment->first} + 1) << 32) / segment->second;
        if (h < lo || h >= hi) continue;
      }
      seq.push_back(&item);
    }
    CAPTURE(request.dump());
    RunPages("Scan", std::move(request), json::object(), seq);
  }

  // Every segment of one TotalSegments, all pages: each item exactly once.
  void AllSegments(uint32_t total) {
    std::map<std::string, int> seen;
    for (uint32_t s = 0; s < total; ++s) {
      json request = {{"TableName", "Tbl"}, {"Segment", s}, {"TotalSegments", total}, {"Limit", 7}};
      for (;;) {
        json r = db_.Ok("Scan", request);
        for (const json& item : r["Items"]) ++seen[item.dump()];
        if (!r.contains("LastEvaluatedKey")) break;
        request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
      }
    }
    CHECK(seen.size() == items_.size());
    for (const auto& [key, item] : items_) CHECK(seen[item.dump()] == 1);
  }

  TestDb& db() { return db_; }

  // Pages that stopped with a LastEvaluatedKey because of Limit / because of
  // the 1 MB mark, so the test can tell it exercised both.
  int limit_stops() const { return limit_stops_; }
  int byte_stops() const { return byte_stops_; }

 private:
  json KeyOf(const json& item) const {
    json key = {{"pk", item["pk"]}};
    if (!schema_.sk.empty()) key["sk"] = item["sk"];
    return key;
  }

  std::string TableKeyOf(const json& item) const {
    const AttributeValue pk = Decode(item["pk"]);
    if (schema_.sk.empty()) return TableKey(pk, nullptr);
    const AttributeValue sk = Decode(item["sk"]);
    return TableKey(pk, &sk);
  }

  SortCond RandomSortCond() {
    SortCond c;
    if (schema_.sk.empty() || gen_.OneIn(4)) return c;
    static const char* const kOps[] = {"=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"};
    c.op = kOps[gen_.Uniform(0, schema_.sk == "N" ? 5 : 6)];
    c.v1 = gen_.KeyValue(schema_.sk);
    if (c.op == "BETWEEN") {
      c.v2 = gen_.KeyValue(schema_.sk);
      if (CompareKey(Decode(c.v1), Decode(c.v2)) > 0) std::swap(c.v1, c.v2);
    }
    return c;
  }

  static bool SortMatches(const AttributeValue& sk, const SortCond& c) {
    const AttributeValue a = Decode(c.v1);
    const int cmp = CompareKey(sk, a);
    if (c.op == "=") return cmp == 0;
    if (c.op == "<") return cmp < 0;
    if (c.op == "<=") return cmp <= 0;
    if (c.op == ">") return cmp > 0;
    if (c.op == ">=") return cmp >= 0;
    if (c.op == "BETWEEN") return cmp >= 0 && CompareKey(sk, Decode(c.v2)) <= 0;
    return sk.bytes().compare(0, a.bytes().size(), a.bytes()) == 0;  // begins_with
  }

  // Random filter / projection / Select / Limit / ConsistentRead, then every
  // page checked against `seq`, the unfiltered evaluation order.
  void RunPages(const std::string& op, json request, json values,
                const std::vector<const json*>& seq) {
    const int filter = gen_.Uniform(0, 3);
    const int threshold = gen_.Uniform(0, 99);
    const uint64_t min_pad = static_cast<uint64_t>(gen_.Uniform(0, 300));
    if (filter == 1) request["FilterExpression"] = "attribute_exists(f)";
    if (filter == 2) {
      request["FilterExpression"] = "v < :t";
      values[":t"] = N(std::to_string(threshold));
    }
    if (filter == 3) {
      request["FilterExpression"] = "size(padding) > :z";
      values[":z"] = N(std::to_string(min_pad));
    }
    if (!values.empty()) request["ExpressionAttributeValues"] = values;
    const bool project = gen_.OneIn(4);
    const bool count_only = !project && gen_.OneIn(6);
    if (project) request["ProjectionExpression"] = "v, f";
    if (count_only) request["Select"] = "COUNT";
    std::optional<int> limit;
    if (!gen_.OneIn(3)) {
      limit = gen_.OneIn(3) ? gen_.Uniform(1, 3) : gen_.Uniform(1, 40);
      request["Limit"] = *limit;
    }
    const bool consistent = gen_.OneIn(2);
    request["ConsistentRead"] = consistent;
    request["ReturnConsumedCapacity"] = "TOTAL";
    CAPTURE(request.dump());

    auto keep = [&](const json& item) {
      if (filter == 1) return item.contains("f");
      if (filter == 2) return std::stoi(item["v"]["N"].get<std::string>()) < threshold;
      if (filter == 3) return item["padding"]["S"].get<std::string>().size() > min_pad;
      return true;
    };
    auto shape = [&](const json& item) {
      if (!project) return item;
      json out = json::object();
      for (const char* name : {"v", "f"}) {
        if (item.contains(name)) out[name] = item[name];
      }
      return out;
    };

    size_t pos = 0;
    for (int pages = 0;; ++pages) {
      REQUIRE(pages <= static_cast<int>(seq.size()) + 1);
      const json r = db_.Ok(op, request);
      const size_t k = r["ScannedCount"].get<size_t>();
      REQUIRE(pos + k <= seq.size());
      json expected = json::array();
      uint64_t bytes = 0;
      uint64_t bytes_before_last = 0;
      for (size_t i = pos; i < pos + k; ++i) {
        bytes_before_last = bytes;
        bytes += SizeOf(*seq[i]);
        if (keep(*seq[i])) expected.push_back(shape(*seq[i]));
      }
      CHECK(r["Count"] == expected.size());
      if (count_only) {
        CHECK(!r.contains("Items"));
      } else {
        CHECK(r["Items"] == expected);
      }
      // Capacity: the evaluated bytes rounded up to 4 KB once.
      const double units = static_cast<double>(std::max<uint64_t>(1, (bytes + 4095) / 4096));
      CHECK(r["ConsumedCapacity"]["CapacityUnits"] == (consistent ? units : units / 2));
      if (limit) CHECK(k <= static_cast<size_t>(*limit));
      if (k > 0) CHECK(bytes_before_last < kPageBytes);  // never read past the 1 MB mark
      const bool stopped = (limit && k == static_cast<size_t>(*limit)) || bytes >= kPageBytes;
      // DynamoDB returns the key exactly when Limit or 1 MB stopped the page,
      // even on the range's last item (no look-ahead).
      CHECK(r.contains("LastEvaluatedKey") == (k > 0 && stopped));
      if (r.contains("LastEvaluatedKey")) {
        REQUIRE(k > 0);
        if (bytes >= kPageBytes)
          ++byte_stops_;
        else
          ++limit_stops_;
        CHECK(pos + k <= seq.size());
        CHECK(r["LastEvaluatedKey"] == KeyOf(*seq[pos + k - 1]));
        request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
        pos += k;
        continue;
      }
      // The last page: it ends at the end.
      CHECK(pos + k == seq.size());
      pos += k;
      break;
    }
    CHECK(pos == seq.size());
  }

  Gen gen_;                            // randomness for the whole model
  Schema schema_;                      // the table's key types
  TestDb db_;                          // the engine under test
  std::map<std::string, json> items_;  // table key -> item (engine's canonical JSON)
  std::vector<json> partitions_;       // the partition key values items were put under
  int limit_stops_ = 0;                // pages stopped by Limit with items left
  int byte_stops_ = 0;                 // pages stopped by the 1 MB mark with items left
};

TEST_CASE("Query and Scan pages add up to the unpaged result") {
  const Schema schemas[] = {{"S", "N"}, {"N", "S"}, {"B", "B"}, {"S", ""},
                            {"N", "N"}, {"B", "S"}, {"S", "B"}, {"N", ""}};
  uint64_t seed = 20240101;
  int limit_stops = 0;
  int byte_stops = 0;
  for (const Schema& schema : schemas) {
    CAPTURE(schema.pk);
    CAPTURE(schema.sk);
    CAPTURE(seed);
    PagingModel model(seed++, schema);
    model.Populate(60);
    for (int i = 0; i < 24; ++i) model.RandomQuery();
    for (int i = 0; i < 8; ++i) model.RandomScan();
    for (uint32_t total : {1u, 3u, 16u}) model.AllSegments(total);
    CHECK(model.db().CheckText() == "OK");
    limit_stops += model.limit_stops();
    byte_stops += model.byte_stops();
  }
  MESSAGE("pages stopped by Limit: " << limit_stops << ", by 1 MB: " << byte_stops);
  CHECK(limit_stops >= 50);
  CHECK(byte_stops >= 20);
}

}  // namespace
}  // namespace testing
}  // namespace pd
