// Engine open from a checkpoint + commit records (redo), and DurableImages
// with commits in flight: the checkpoint/log open path of persistence v2.
#include <doctest/doctest.h>

#include <deque>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

// Every page id of the durable database.
std::vector<uint32_t> AllIds(uint32_t count) {
  std::vector<uint32_t> ids;
  for (uint32_t id = 0; id < count; ++id) ids.push_back(id);
  return ids;
}

// Every page of the durable database, sealed (what a checkpoint writes).
std::vector<std::string> DurableAll(const Engine& engine) {
  Result<std::vector<std::string>> meta = engine.DurableImages({0});
  REQUIRE_MESSAGE(meta.ok(), meta.status().ToString());
  Result<MetaHead> head = ReadMetaHead((*meta)[0]);
  REQUIRE_MESSAGE(head.ok(), head.status().ToString());
  CHECK(head->lsn == engine.durable_lsn());
  Result<std::vector<std::string>> images = engine.DurableImages(AllIds(head->page_count));
  REQUIRE_MESSAGE(images.ok(), images.status().ToString());
  return *images;
}

TEST_CASE("Open from a checkpoint and the records since gives the same database") {
  TestDb db;
  const std::vector<std::string> initial = db.engine().SnapshotImages();
  std::vector<std::string> log;
  std::vector<std::string> checkpoint;
  uint64_t checkpoint_lsn = 0;
  auto commit = [&]() {
    CommitOptions both;
    both.images = true;
    both.record = true;
    CommitBatch batch = db.engine().TakeCommit(both);
    REQUIRE(!batch.record.empty());
    db.engine().MarkDurable(batch.lsn);
    log.push_back(batch.record);
  };
  db.CreateTable("Tbl", "pk", "S", "sk", "N");
  commit();
  for (int round = 0; round < 6; ++round) {
    for (int i = 0; i < 120; ++i) {
      db.Put("Tbl", {{"pk", S("p" + std::to_string(i % 17))},
                     {"sk", N(std::to_string(i))},
                     {"round", N(std::to_string(round))},
                     {"pad", S(std::string((i * 37 + round * 101) % 900, 'a' + i % 26))}});
      if (i % 40 == 39) commit();  // commits of several operations, as group commit makes
    }
    db.Ok("DeleteItem", {{"TableName", "Tbl"},
                         {"Key", {{"pk", S("p" + std::to_string(round))}, {"sk", N(std::to_string(round))}}}});
    commit();
    if (round == 2) {
      // A checkpoint: the durable images, taken while a write is pending.
      db.Put("Tbl", {{"pk", S("pending")}, {"sk", N("0")}});
      checkpoint = DurableAll(db.engine());
      checkpoint_lsn = db.engine().durable_lsn();
      commit();
    }
  }
  db.CreateTable("Second", "id", "S");
  db.Put("Second", {{"id", S("x")}});
  commit();
  const std::vector<std::string> want = db.engine().SnapshotImages();

  auto check_opened = [&](Result<std::unique_ptr<Engine>> opened) {
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    TestDb copy(std::move(opened).value());
    CHECK(copy.engine().SnapshotImages() == want);
    CHECK(copy.engine().lsn() == db.engine().lsn());
    CHECK(copy.engine().durable_lsn() == db.engine().lsn());
    CHECK(copy.CheckText() == "OK");
    CHECK(copy.Describe("Tbl") == db.Describe("Tbl"));
    CHECK(copy.Get("Tbl", {{"pk", S("pending")}, {"sk", N("0")}}) ==
          db.Get("Tbl", {{"pk", S("pending")}, {"sk", N("0")}}));
    CHECK(copy.Get("Second", {{"id", S("x")}}) == json{{"id", S("x")}});
  };
  SUBCASE("from the empty database and every record") { check_opened(Engine::Open(initial, log)); }
  SUBCASE("from the checkpoint, only the records after it") {
    std::vector<std::string> tail(log.begin() + static_cast<long>(checkpoint_lsn), log.end());
    check_opened(Engine::Open(checkpoint, tail));
  }
  SUBCASE("from the checkpoint and every record (older ones skipped)") {
    check_opened(Engine::Open(checkpoint, log));
  }
  SUBCASE("a record missing is Corruption, not a different database") {
    std::vector<std::string> gap = log;
    gap.erase(gap.begin() + 3);
    Result<std::unique_ptr<Engine>> opened = Engine::Open(initial, gap);
    REQUIRE(!opened.ok());
    CHECK(opened.status().code() == Status::Code::kCorruption);
  }
}

TEST_CASE("DurableImages is the durable state with commits in flight and changes pending") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  db.CommitAll();
  std::deque<CommitBatch> in_flight;
  for (int i = 0; i < 300; ++i) {
    db.Put("Tbl", {{"pk", S("k" + std::to_string(i))}, {"pad", S(std::string(200, 'q'))}});
    if (i % 50 == 49) in_flight.push_back(db.engine().TakeCommit());
  }
  db.Put("Tbl", {{"pk", S("pending")}});  // pending, not taken
  // Nothing durable since CommitAll: the durable images are the database at
  // that point (one empty table).
  std::vector<std::string> durable = DurableAll(db.engine());
  Result<std::unique_ptr<Engine>> opened = Engine::Open(durable);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  TestDb at_durable(std::move(opened).value());
  CHECK(at_durable.Describe("Tbl")["ItemCount"] == 0);
  CHECK(at_durable.CheckText() == "OK");
  // Now three of the six in flight become durable.
  for (int i = 0; i < 3; ++i) {
    db.engine().MarkDurable(in_flight.front().lsn);
    in_flight.pop_front();
  }
  durable = DurableAll(db.engine());
  CHECK(db.engine().DurableImages(AllIds(db.engine().page_count())).status().code() ==
        Status::Code::kInvalidArgument);  // pages added since are not durable
  opened = Engine::Open(durable);
  REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
  TestDb later(std::move(opened).value());
  CHECK(later.CheckText() == "OK");
  CHECK(later.Get("Tbl", {{"pk", S("k149")}}).contains("pad"));
  CHECK(later.Get("Tbl", {{"pk", S("k150")}}).is_null());
  // Rolling back to durable gives the same pages.
  db.engine().RollbackToDurable();
  CHECK(db.engine().SnapshotImages() == durable);
}

}  // namespace
}  // namespace testing
}  // namespace pd
