// Engine commits and recovery: pending changes, TakeCommit / MarkDurable,
// RollbackToDurable restoring the durable state, Open from SnapshotImages
// and from the pages of applied commit batches, damaged images, Check,
// and the request-level guarantees (bad JSON, unknown operations).
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

TEST_CASE("A new engine has nothing pending; writes do, reads do not") {
  TestDb db;
  CHECK(!db.engine().has_pending_commit());
  CHECK(db.engine().lsn() == 0);
  db.Ok("ListTables", json::object());
  CHECK(!db.engine().has_pending_commit());
  db.CreateTable("Tbl", "pk", "S");
  CHECK(db.engine().has_pending_commit());
  CommitBatch batch = db.engine().TakeCommit();
  CHECK(batch.lsn == 1);
  CHECK(batch.prev_lsn == 0);
  CHECK(!db.engine().has_pending_commit());
  db.Get("Tbl", {{"pk", S("x")}});
  db.Describe("Tbl");
  CHECK(!db.engine().has_pending_commit());
  // A failed write leaves nothing pending either.
  db.ExpectError("PutItem", {{"TableName", "Tbl"}, {"Item", {{"pk", N("1")}}}},
                 "ValidationException",
                 "One or more parameter values were invalid: Type mismatch for key pk expected: S "
                 "actual: N");
  CHECK(!db.engine().has_pending_commit());
  db.engine().MarkDurable(batch.lsn);
  CHECK(db.engine().durable_lsn() == 1);
}

TEST_CASE("RollbackToDurable undoes every write since the durable LSN") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("kept")}});
  db.CommitAll();
  const std::vector<std::string> durable = db.engine().SnapshotImages();
  const uint64_t durable_lsn = db.engine().durable_lsn();

  // One batch in flight and more pending on top of it.
  db.Put("Tbl", {{"pk", S("lost1")}});
  db.Ok("UpdateItem", {{"TableName", "Tbl"},
                       {"Key", {{"pk", S("kept")}}},
                       {"UpdateExpression", "SET v = :v"},
                       {"ExpressionAttributeValues", {{":v", N("1")}}}});
  CommitBatch in_flight = db.engine().TakeCommit();
  CHECK(in_flight.lsn == durable_lsn + 1);
  db.CreateTable("Other", "id", "N");
  for (int i = 0; i < 200; ++i)
    db.Put("Other", {{"id", N(std::to_string(i))}, {"pad", S(std::string(100, 'p'))}});
  db.Ok("DeleteTable", {{"TableName", "Tbl"}});

  db.engine().RollbackToDurable();
  CHECK(db.engine().lsn() == durable_lsn);
  CHECK(!db.engine().has_pending_commit());
  CHECK(db.engine().SnapshotImages() == durable);
  CHECK(db.Ok("ListTables", json::object())["TableNames"] == json::array({"Tbl"}));
  CHECK(db.Get("Tbl", {{"pk", S("kept")}}) == json{{"pk", S("kept")}});
  CHECK(db.Get("Tbl", {{"pk", S("lost1")}}).is_null());
  CHECK(db.Describe("Tbl")["ItemCount"] == 1);
  CHECK(db.CheckText() == "OK");
  // Work continues normally after a rollback.
  db.Put("Tbl", {{"pk", S("after")}});
  CHECK(db.engine().TakeCommit().lsn == durable_lsn + 1);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("Open from SnapshotImages gives an identical, independent database") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  for (int i = 0; i < 500; ++i) {
    db.Put("Tbl", {{"pk", S("p" + std::to_string(i % 13))},
                   {"sk", N(std::to_string(i))},
                   {"pad", S(std::string(i % 700, 'a' + i % 26))}});
  }
  db.CreateTable("Second", "id", "B");
  db.Put("Second", {{"id", B("AAEC")}, {"v", {{"BOOL", false}}}});
  db.CommitAll();
  const json describe = db.Describe("Tbl");

  Result<std::unique_ptr<Engine>> opened = Engine::Open(db.engine().SnapshotImages());
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  TestDb copy(std::move(opened).value());
  CHECK(copy.CheckText() == "OK");
  CHECK(copy.Describe("Tbl") == describe);
  CHECK(copy.engine().lsn() == db.engine().lsn());
  CHECK(copy.engine().durable_lsn() == db.engine().lsn());
  for (int i = 0; i < 500; i += 37) {
    json got =
        copy.Get("Tbl", {{"pk", S("p" + std::to_string(i % 13))}, {"sk", N(std::to_string(i))}});
    CHECK(got["pad"]["S"].get<std::string>().size() == static_cast<size_t>(i % 700));
  }
  CHECK(copy.Get("Second", {{"id", B("AAEC")}}) ==
        json{{"id", B("AAEC")}, {"v", {{"BOOL", false}}}});
  // Independent: writes to one do not show in the other.
  copy.Put("Second", {{"id", B("AAEC")}, {"v", {{"BOOL", true}}}});
  CHECK(db.Get("Second", {{"id", B("AAEC")}})["v"] == json{{"BOOL", false}});
}

TEST_CASE("Replaying commit batches onto a replica reproduces the database") {
  TestDb db;
  std::map<uint32_t, std::string> replica;  // page id -> image, as a page store keeps them
  for (const std::string& image : db.engine().SnapshotImages()) {
    replica[static_cast<uint32_t>(replica.size())] = image;
  }
  uint32_t page_count = db.engine().page_count();
  auto apply = [&](const CommitBatch& batch) {
    for (size_t i = 0; i < batch.page_ids.size(); ++i) replica[batch.page_ids[i]] = batch.images[i];
    page_count = batch.page_count;
  };
  db.CreateTable("Tbl", "pk", "S");
  apply(db.engine().TakeCommit());
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 60; ++i) {
      db.Put("Tbl", {{"pk", S("k" + std::to_string(i))},
                     {"round", N(std::to_string(round))},
                     {"pad", S(std::string(50 * round, 'z'))}});
    }
    if (round == 4) db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", {{"pk", S("k7")}}}});
    CommitBatch batch = db.engine().TakeCommit();
    apply(batch);
    db.engine().MarkDurable(batch.lsn);
  }
  std::vector<std::string> images;
  for (uint32_t id = 0; id < page_count; ++id) images.push_back(replica[id]);
  Result<std::unique_ptr<Engine>> opened = Engine::Open(images);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  TestDb copy(std::move(opened).value());
  CHECK(copy.CheckText() == "OK");
  CHECK(copy.Describe("Tbl") == db.Describe("Tbl"));
  CHECK(copy.Describe("Tbl")["ItemCount"] == 59);
  CHECK(copy.Get("Tbl", {{"pk", S("k3")}})["round"] == N("4"));
  CHECK(copy.Get("Tbl", {{"pk", S("k7")}}).is_null());
}

TEST_CASE("Open rejects damaged images") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.Put("Tbl", {{"pk", S("a")}});
  db.CommitAll();
  std::vector<std::string> images = db.engine().SnapshotImages();
  REQUIRE(images.size() >= 3);
  std::vector<std::string> damaged = images;
  damaged[1][100] ^= 0x5A;
  Result<std::unique_ptr<Engine>> r = Engine::Open(damaged);
  CHECK(!r.ok());
  CHECK(r.status().IsCorruption());
  damaged = images;
  damaged.pop_back();
  CHECK(!Engine::Open(damaged).ok());
  CHECK(!Engine::Open({}).ok());
  CHECK(Engine::Open(images).ok());
}

TEST_CASE("Execute never throws: bad JSON, unknown operations, wrong shapes") {
  TestDb db;
  json r = db.ExecRaw("PutItem", "{not json");
  CHECK(ErrorType(r) == "SerializationException");
  r = db.ExecRaw("MakeCoffee", "{}");
  CHECK(ErrorType(r) == "UnknownOperationException");
  r = db.ExecRaw("PutItem", "[1,2]");
  CHECK(ErrorType(r) == "SerializationException");
  r = db.ExecRaw("PutItem", "");
  CHECK(ErrorType(r) == "SerializationException");
  r = db.Exec("PutItem", {{"TableName", "Tbl"}, {"Item", {{"pk", {{"S", 5}}}}}});
  CHECK(ErrorType(r) == "SerializationException");
  CHECK(!db.engine().has_pending_commit());
}

TEST_CASE("Pages of different sizes work the same") {
  for (uint32_t page_size : {4096u, 16384u, 65536u}) {
    CAPTURE(page_size);
    TestDb db(Engine::Create(page_size).value());
    CHECK(db.engine().page_size() == page_size);
    db.CreateTable("Tbl", "pk", "S");
    for (int i = 0; i < 120; ++i) {
      db.Put("Tbl", {{"pk", S("k" + std::to_string(i))}, {"pad", S(std::string(1500, 'q'))}});
    }
    // A value larger than a page goes to overflow pages.
    db.Put("Tbl", {{"pk", S("huge")}, {"pad", S(std::string(300000, 'h'))}});
    CHECK(db.Get("Tbl", {{"pk", S("huge")}})["pad"]["S"].get<std::string>().size() == 300000);
    CHECK(db.Describe("Tbl")["ItemCount"] == 121);
    CHECK(db.CheckText() == "OK");
  }
}

}  // namespace
}  // namespace testing
}  // namespace pd
