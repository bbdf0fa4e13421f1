// Scan through Engine::Execute: filters (key attributes allowed), projections,
// Select, Limit / ExclusiveStartKey / LastEvaluatedKey, the 1 MB page,
// parallel segments, ConsumedCapacity and the validation messages.
#include <doctest/doctest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

// Table "Tbl" (pk S, sk N): partitions p0..p9, sk 1..3, v = 10 * partition + sk.
void FillScan(TestDb& db) {
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  for (int p = 0; p < 10; ++p) {
    for (int s = 1; s <= 3; ++s) {
      db.Put("Tbl", {{"pk", S("p" + std::to_string(p))},
                     {"sk", N(std::to_string(s))},
                     {"v", N(std::to_string(10 * p + s))}});
    }
  }
}

// "pk/sk" of each item of a response.
std::vector<std::string> Ids(const json& response) {
  std::vector<std::string> out;
  for (const json& item : response["Items"]) {
    out.push_back(item["pk"]["S"].get<std::string>() + "/" + item["sk"]["N"].get<std::string>());
  }
  return out;
}

// Every item of a scan, following LastEvaluatedKey; checks each page's shape.
std::vector<std::string> ScanAll(TestDb& db, json request, int* pages = nullptr) {
  std::vector<std::string> all;
  int n = 0;
  for (;;) {
    json r = db.Ok("Scan", request);
    ++n;
    REQUIRE(n < 1000);
    std::vector<std::string> ids = Ids(r);
    CHECK(r["Count"] == ids.size());
    all.insert(all.end(), ids.begin(), ids.end());
    if (!r.contains("LastEvaluatedKey")) break;
    request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  }
  if (pages != nullptr) *pages = n;
  return all;
}

TEST_CASE("Scan returns every item once, in key order") {
  TestDb db;
  FillScan(db);
  json r = db.Ok("Scan", {{"TableName", "Tbl"}});
  CHECK(r["Count"] == 30);
  CHECK(r["ScannedCount"] == 30);
  CHECK(!r.contains("LastEvaluatedKey"));
  std::vector<std::string> ids = Ids(r);
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 30);
  // Within a partition the sort keys are in order; the partitions come in
  // hash order, the same on every scan.
  for (size_t i = 0; i + 1 < ids.size(); ++i) {
    if (ids[i].substr(0, 2) == ids[i + 1].substr(0, 2)) CHECK(ids[i] < ids[i + 1]);
  }
  CHECK(Ids(db.Ok("Scan", {{"TableName", "Tbl"}})) == ids);
  // Paging with Limit gives the same sequence.
  int pages = 0;
  CHECK(ScanAll(db, {{"TableName", "Tbl"}, {"Limit", 7}}, &pages) == ids);
  CHECK(pages == 5);
  // A page that ends on the last item at Limit still has a key: one empty
  // page follows (DynamoDB does not look ahead).
  CHECK(ScanAll(db, {{"TableName", "Tbl"}, {"Limit", 1}}, &pages) == ids);
  CHECK(pages == 31);
  CHECK(ScanAll(db, {{"TableName", "Tbl"}, {"Limit", 30}}, &pages) == ids);
  CHECK(pages == 2);
  CHECK(db.Ok("Scan", {{"TableName", "Tbl"}, {"Select", "COUNT"}}) ==
        json{{"Count", 30}, {"ScannedCount", 30}});

  TestDb empty;
  empty.CreateTable("Empty", "id", "B");
  CHECK(empty.Ok("Scan", {{"TableName", "Empty"}}) ==
        json{{"Items", json::array()}, {"Count", 0}, {"ScannedCount", 0}});
}

TEST_CASE("Scan Limit ending on the last item returns LastEvaluatedKey; the next page is empty") {
  TestDb db;
  FillScan(db);
  json request = {{"TableName", "Tbl"}, {"Limit", 30}};
  json r = db.Ok("Scan", request);
  CHECK(r["Count"] == 30);
  REQUIRE(r.contains("LastEvaluatedKey"));
  CHECK(r["LastEvaluatedKey"] == json{{"pk", r["Items"][29]["pk"]}, {"sk", r["Items"][29]["sk"]}});
  request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  CHECK(db.Ok("Scan", request) ==
        json{{"Items", json::array()}, {"Count", 0}, {"ScannedCount", 0}});
  // A Limit above the item count reads to the end: no key.
  CHECK(!db.Ok("Scan", {{"TableName", "Tbl"}, {"Limit", 31}}).contains("LastEvaluatedKey"));
}

TEST_CASE("Scan filters may use key attributes; projections") {
  TestDb db;
  FillScan(db);
  json r = db.Ok("Scan", {{"TableName", "Tbl"},
                          {"FilterExpression", "pk = :p AND sk >= :s"},
                          {"ExpressionAttributeValues", {{":p", S("p3")}, {":s", N("2")}}}});
  CHECK(Ids(r) == std::vector<std::string>{"p3/2", "p3/3"});
  CHECK(r["ScannedCount"] == 30);
  r = db.Ok("Scan", {{"TableName", "Tbl"},
                     {"FilterExpression", "v > :x"},
                     {"ProjectionExpression", "v"},
                     {"ExpressionAttributeValues", {{":x", N("92")}}}});
  CHECK(r["Items"] == json::array({{{"v", N("93")}}}));
  // Limit counts items read before the filter.
  r = db.Ok("Scan", {{"TableName", "Tbl"},
                     {"Limit", 4},
                     {"FilterExpression", "v < :x"},
                     {"ExpressionAttributeValues", {{":x", N("0")}}}});
  CHECK(r["Count"] == 0);
  CHECK(r["ScannedCount"] == 4);
  CHECK(r.contains("LastEvaluatedKey"));
  const std::string v = "ValidationException";
  db.ExpectError("Scan", {{"TableName", "Tbl"}, {"ProjectionExpression", "pk.x"}}, v,
                 "Key attributes must be scalars; list random access '[]' and map lookup '.' are "
                 "not allowed: Key: pk");
  db.ExpectError("Scan", {{"TableName", "Tbl"}, {"FilterExpression", "attribute_exists(sk[1])"}}, v,
                 "Key attributes must be scalars; list random access '[]' and map lookup '.' are "
                 "not allowed: Key: sk");
  db.ExpectError("Scan", {{"TableName", "Tbl"}, {"Select", "SPECIFIC_ATTRIBUTES"}}, v,
                 "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                 "SPECIFIC_ATTRIBUTES");
  db.ExpectError("Scan",
                 {{"TableName", "Tbl"},
                  {"FilterExpression", "v > :x"},
                  {"ExpressionAttributeValues", {{":x", N("1")}, {":y", N("1")}}}},
                 v,
                 "Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}");
  db.ExpectError("Scan", {{"TableName", "Nope"}}, "ResourceNotFoundException",
                 "Requested resource not found");
  db.ExpectError("Scan", {{"TableName", "Tbl"}, {"IndexName", "idx"}}, v,
                 "The table does not have the specified index: idx");
  db.ExpectError("Scan",
                 {{"TableName", "Tbl"},
                  {"IndexName", "idx"},
                  {"ExclusiveStartKey", {{"pk", S("p1")}, {"sk", N("1")}}}},
                 v, "The provided starting key is invalid");
}

TEST_CASE("Scan ExclusiveStartKey validation and continuation") {
  TestDb db;
  FillScan(db);
  const std::string v = "ValidationException";
  const std::string mismatch =
      "The provided starting key is invalid: The provided key element does not match the schema";
  auto start = [](json key) { return json{{"TableName", "Tbl"}, {"ExclusiveStartKey", key}}; };
  db.ExpectError("Scan", start({{"pk", S("p1")}}), v, mismatch);
  db.ExpectError("Scan", start({{"pk", S("p1")}, {"sk", S("1")}}), v, mismatch);
  db.ExpectError("Scan", start({{"pk", S("p1")}, {"sk", N("1")}, {"x", N("1")}}), v, mismatch);
  db.ExpectError("Scan", start({{"pk", S("")}, {"sk", N("1")}}), v,
                 "The provided starting key is invalid: One or more parameter values are not "
                 "valid. The AttributeValue for a key attribute cannot contain an empty string "
                 "value. Key: pk");
  // Any key continues the scan right after where it would be, existing or not.
  std::vector<std::string> all = Ids(db.Ok("Scan", {{"TableName", "Tbl"}}));
  for (size_t i = 0; i < all.size(); ++i) {
    const std::string pk = all[i].substr(0, all[i].find('/'));
    const std::string sk = all[i].substr(all[i].find('/') + 1);
    json r = db.Ok("Scan", start({{"pk", S(pk)}, {"sk", N(sk)}}));
    CHECK(Ids(r) == std::vector<std::string>(all.begin() + static_cast<long>(i) + 1, all.end()));
  }
  json r = db.Ok("Scan", start({{"pk", S("p4")}, {"sk", N("2.5")}}));
  std::vector<std::string> after = Ids(r);
  auto p4_3 = std::find(all.begin(), all.end(), "p4/3");
  CHECK(after == std::vector<std::string>(p4_3, all.end()));
}

TEST_CASE("Parallel scan segments partition the table") {
  TestDb db;
  db.CreateTable("Big", "id", "N");
  for (int i = 0; i < 200; ++i) db.Put("Big", {{"id", N(std::to_string(i))}});
  for (int total : {1, 2, 3, 7, 16, 1000}) {
    CAPTURE(total);
    std::multiset<std::string> seen;
    for (int segment = 0; segment < total; ++segment) {
      json request = {
          {"TableName", "Big"}, {"Segment", segment}, {"TotalSegments", total}, {"Limit", 9}};
      json r = db.Ok("Scan", request);
      for (const json& item : r["Items"]) seen.insert(item["id"]["N"].get<std::string>());
      while (r.contains("LastEvaluatedKey")) {
        request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
        r = db.Ok("Scan", request);
        for (const json& item : r["Items"]) seen.insert(item["id"]["N"].get<std::string>());
      }
    }
    CHECK(seen.size() == 200);
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 200);
  }
  // A start key from another segment is rejected.
  json first =
      db.Ok("Scan", {{"TableName", "Big"}, {"Segment", 0}, {"TotalSegments", 4}, {"Limit", 1}});
  REQUIRE(first.contains("LastEvaluatedKey"));
  db.ExpectError("Scan",
                 {{"TableName", "Big"},
                  {"Segment", 1},
                  {"TotalSegments", 4},
                  {"ExclusiveStartKey", first["LastEvaluatedKey"]}},
                 "ValidationException",
                 "The provided starting key is invalid: Invalid ExclusiveStartKey. Please use "
                 "ExclusiveStartKey with correct Segment. TotalSegments: 4 Segment: 1");
  CHECK(db.Ok("Scan", {{"TableName", "Big"},
                       {"Segment", 0},
                       {"TotalSegments", 1},
                       {"ExclusiveStartKey", first["LastEvaluatedKey"]}})["Count"] > 0);
  // Segment / TotalSegments checks (the spec's).
  const std::string v = "ValidationException";
  db.ExpectError("Scan", {{"TableName", "Big"}, {"Segment", 1}}, v,
                 "The TotalSegments parameter is required but was not present in the request when "
                 "Segment parameter is present");
  db.ExpectError("Scan", {{"TableName", "Big"}, {"TotalSegments", 2}}, v,
                 "The Segment parameter is required but was not present in the request when "
                 "parameter TotalSegments is present");
  db.ExpectError("Scan", {{"TableName", "Big"}, {"Segment", 2}, {"TotalSegments", 2}}, v,
                 "The Segment parameter is zero-based and must be less than parameter "
                 "TotalSegments: Segment: 2 is not less than TotalSegments: 2");
  json r = db.Exec("Scan", {{"TableName", "Big"}, {"Segment", 0}, {"TotalSegments", 1000001}});
  CHECK(ErrorType(r) == v);
  CHECK(ErrorMessage(r).find("Member must have value less than or equal to 1000000") !=
        std::string::npos);
  r = db.Exec("Scan", {{"TableName", "Big"}, {"Segment", 0}, {"TotalSegments", 0}});
  CHECK(ErrorType(r) == v);
  CHECK(ErrorMessage(r).find("Member must have value greater than or equal to 1") !=
        std::string::npos);
  CHECK(db.Ok("Scan", {{"TableName", "Big"},
                       {"Segment", 999999},
                       {"TotalSegments", 1000000}})["ScannedCount"] <= 1);
}

TEST_CASE("Scan pages stop at 1 MB; ConsumedCapacity") {
  TestDb db;
  db.CreateTable("Tbl", "id", "N");
  // {id: i, d: <n x's>} is 2 + 2 + 1 + n bytes for one- and two-digit ids.
  for (int i = 0; i < 25; ++i) {
    db.Put("Tbl", {{"id", N(std::to_string(i))}, {"d", S(std::string(200000 - 5, 'x'))}});
  }
  int pages = 0;
  json request = {
      {"TableName", "Tbl"}, {"ReturnConsumedCapacity", "TOTAL"}, {"ConsistentRead", true}};
  json r = db.Ok("Scan", request);
  // 5 items are 1,000,000 bytes; the 6th reaches 1 MB.
  CHECK(r["ScannedCount"] == 6);
  CHECK(r["ConsumedCapacity"] ==
        json{{"TableName", "Tbl"}, {"CapacityUnits", 293.0}});  // ceil(1.2e6/4096)
  std::vector<std::string> ids;
  for (;;) {
    r = db.Ok("Scan", request);
    ++pages;
    for (const json& item : r["Items"]) ids.push_back(item["id"]["N"].get<std::string>());
    if (!r.contains("LastEvaluatedKey")) break;
    request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  }
  CHECK(pages == 5);  // 6 + 6 + 6 + 6 + 1
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == 25);
  // A page that reaches 1 MB on the table's last item still returns its key
  // (DynamoDB does not look ahead); the page after it is empty.
  db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", {{"id", N(ids.back())}}}});
  request.erase("ExclusiveStartKey");
  ids.clear();
  for (pages = 0;; ++pages) {
    r = db.Ok("Scan", request);
    REQUIRE(pages < 10);
    if (!r.contains("LastEvaluatedKey")) break;
    CHECK(r["ScannedCount"] == 6);
    request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  }
  CHECK(pages == 4);  // 6 + 6 + 6 + 6, then an empty page
  CHECK(r["ScannedCount"] == 0);
  CHECK(r["Items"] == json::array());

  TestDb small;
  small.CreateTable("Small", "id", "S");
  small.Put("Small", {{"id", S("a")}});
  CHECK(small.Ok("Scan", {{"TableName", "Small"},
                          {"ReturnConsumedCapacity", "INDEXES"}})["ConsumedCapacity"] ==
        json{{"TableName", "Small"}, {"CapacityUnits", 0.5}, {"Table", {{"CapacityUnits", 0.5}}}});
}

}  // namespace
}  // namespace testing
}  // namespace pd
