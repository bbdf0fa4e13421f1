// The engine's bounded cache (engine.h "Bounded cache") driven like the JS
// fault loop drives it: a page source holding a checkpoint's images, and a
// loop that installs what each PageFault names (its ids, and its read-ahead
// hints when asked) and calls again. Pages loaded from a snapshot stay until
// the records are released; a range scan on a cold cache names the next
// leaves of its range, so it needs far fewer fault rounds.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "support/require_ok.h"
#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

constexpr int kItems = 2000;

// The JS side of fault-and-retry: checkpoint images by page id.
struct Source {
  std::vector<std::string> images;
  bool use_hints = true;
  int rounds = 0;  // PageFault results seen
  int hinted = 0;  // pages installed because they were hints
  bool hints_seen = false;

  // Engine::Check through the same loop (it reports faults as last_fault()).
  Status Check(Engine* engine) {
    for (;;) {
      Status s = engine->Check();
      if (s.ok() || engine->last_fault().empty()) return s;
      ++rounds;
      REQUIRE(rounds < 10000);
      for (uint32_t id : engine->last_fault()) PD_REQUIRE_OK(engine->InstallPage(id, images[id]));
    }
  }

  // Engine::WarmInterior through the same loop, installing each fault's ids
  // and hints (one level per round).
  Status Warm(Engine* engine, uint64_t max_bytes) {
    for (;;) {
      Status s = engine->WarmInterior(max_bytes);
      if (s.ok() || engine->last_fault().empty()) return s;
      ++rounds;
      REQUIRE(rounds < 100);
      std::vector<uint32_t> ids = engine->last_fault();
      ids.insert(ids.end(), engine->last_hints().begin(), engine->last_hints().end());
      for (uint32_t id : ids) PD_REQUIRE_OK(engine->InstallPage(id, images[id]));
    }
  }

  json Run(Engine* engine, const std::string& op, const json& request) {
    for (;;) {
      const std::string out = engine->Execute(op, request.dump());
      json r = json::parse(out);
      const bool fault = r.value("__type", "") == "pocketdynamo#PageFault";
      CHECK((engine->last_outcome() == Engine::Outcome::kFault) == fault);
      if (!fault) {
        CHECK((engine->last_outcome() == Engine::Outcome::kError) == r.contains("__type"));
        return r;
      }
      ++rounds;
      REQUIRE(rounds < 10000);
      std::vector<uint32_t> ids = r["ids"].get<std::vector<uint32_t>>();
      REQUIRE(!ids.empty());
      const std::vector<uint32_t> hints = r["hints"].get<std::vector<uint32_t>>();
      hints_seen = hints_seen || !hints.empty();
      if (use_hints) {
        ids.insert(ids.end(), hints.begin(), hints.end());
        hinted += static_cast<int>(hints.size());
      }
      for (uint32_t id : ids) {
        REQUIRE(id < images.size());
        PD_REQUIRE_OK(engine->InstallPage(id, images[id]));
      }
    }
  }
};

// A table "Tbl" (p HASH, s RANGE) with kItems items of ~300 bytes in one
// partition, committed, on an unpaged engine.
std::unique_ptr<Engine> Written() {
  std::unique_ptr<Engine> engine = Engine::Create().value();
  engine->set_options(EngineOptions());  // unpaged, whatever the test main chose
  TestDb db(std::move(engine));
  db.CreateTable("Tbl", "p", "S", "s", "S");
  for (int i = 0; i < kItems; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%05d", i);
    db.Put("Tbl", {{"p", S("a")}, {"s", S(key)}, {"body", S(std::string(280, 'a' + i % 26))}});
  }
  db.CommitAll();
  std::unique_ptr<Engine> out = Engine::Open(db.engine().SnapshotImages()).value();
  out->set_options(EngineOptions());
  return out;
}

json QueryAll(bool forward) {
  return {
      {"TableName", "Tbl"},
      {"KeyConditionExpression", "p = :p AND s BETWEEN :lo AND :hi"},
      {"ExpressionAttributeValues", {{":p", S("a")}, {":lo", S("k00100")}, {":hi", S("k01899")}}},
      {"ScanIndexForward", forward}};
}

TEST_CASE("engine: last_outcome says what Execute and SweepExpired returned") {
  std::unique_ptr<Engine> engine = Engine::Create().value();
  engine->set_options(EngineOptions());
  const json get = {{"TableName", "Nope"}, {"Key", {{"p", S("a")}}}};
  json r = json::parse(engine->Execute("GetItem", get.dump()));
  CHECK(r.value("__type", "").find("#ResourceNotFoundException") != std::string::npos);
  CHECK(engine->last_outcome() == Engine::Outcome::kError);
  CHECK(json::parse(engine->Execute("ListTables", "{}")).contains("TableNames"));
  CHECK(engine->last_outcome() == Engine::Outcome::kResponse);
  CHECK(json::parse(engine->Execute("GetItem", "not json")).contains("__type"));
  CHECK(engine->last_outcome() == Engine::Outcome::kError);
  CHECK(json::parse(engine->SweepExpired(10)).contains("Deleted"));
  CHECK(engine->last_outcome() == Engine::Outcome::kResponse);
}

TEST_CASE("engine page cache: snapshot pages stay until records are released") {
  std::unique_ptr<Engine> writer = Written();
  Source source{writer->SnapshotImages()};
  const json scan = {{"TableName", "Tbl"}};
  const json want = source.Run(writer.get(), "Scan", scan);
  REQUIRE(want["Count"] == kItems);
  // Opened from the snapshot (open({ snapshot }) in JS) and paged: no
  // replica has these pages until JS says so.
  std::unique_ptr<Engine> engine = Engine::Open(source.images).value();
  engine->set_options(EngineOptions());
  EngineOptions chaos;
  chaos.chaos_paging = true;
  engine->set_options(chaos);
  for (int round = 0; round < 2; ++round) CHECK(source.Run(engine.get(), "Scan", scan) == want);
  CHECK(source.rounds == 0);
  CHECK(engine->cache_stats().evictions == 0);
  engine->ReleaseRecordsThrough(engine->lsn() - 1);  // an older checkpoint
  CHECK(source.Run(engine.get(), "Scan", scan) == want);
  CHECK(engine->cache_stats().evictions == 0);
  // A checkpoint at the snapshot's LSN everywhere: the pages may go now,
  // and come back from the source.
  engine->ReleaseRecordsThrough(engine->lsn());
  CHECK(source.Run(engine.get(), "Scan", scan) == want);  // evicts after the call
  CHECK(engine->cache_stats().evictions > 0);
  CHECK(source.Run(engine.get(), "Scan", scan) == want);
  CHECK(source.rounds > 0);
  PD_REQUIRE_OK(source.Check(engine.get()));
}

TEST_CASE("engine page cache: a cold range scan fetches the next leaves with each fault") {
  std::unique_ptr<Engine> writer = Written();
  const std::vector<std::string> images = writer->SnapshotImages();
  for (bool forward : {true, false}) {
    CAPTURE(forward);
    const json query = QueryAll(forward);
    Source warm{images};
    const json want = warm.Run(writer.get(), "Query", query);
    REQUIRE(want["Count"] == 1800);
    int rounds[2] = {0, 0};
    uint64_t misses[2] = {0, 0};
    for (bool hints : {false, true}) {
      // Cold: opened lazily from the meta page, every other page faults in.
      EngineOptions options;
      options.cache_bytes = 64 << 20;
      std::unique_ptr<Engine> engine = Engine::OpenLazy(images[0], {}, options).value();
      Source source{images};
      source.use_hints = hints;
      CHECK(source.Run(engine.get(), "Query", query) == want);
      CHECK(source.hints_seen);
      rounds[hints] = source.rounds;
      misses[hints] = engine->cache_stats().misses;
      if (hints) CHECK(source.hinted > 0);
    }
    // Each round faults once; with the hints 16 leaves come per round.
    CHECK(misses[0] == static_cast<uint64_t>(rounds[0]));
    CHECK(misses[1] == static_cast<uint64_t>(rounds[1]));
    CHECK(rounds[0] > 40);
    CHECK(rounds[1] * 5 < rounds[0]);
    MESSAGE("fault rounds of a cold 1,800-item Query: " << rounds[0] << " without hints, "
                                                        << rounds[1] << " with");
  }
  // A point read names no read-ahead.
  EngineOptions options;
  options.cache_bytes = 64 << 20;
  std::unique_ptr<Engine> engine = Engine::OpenLazy(images[0], {}, options).value();
  Source source{images};
  json got = source.Run(engine.get(), "GetItem",
                        {{"TableName", "Tbl"}, {"Key", {{"p", S("a")}, {"s", S("k01000")}}}});
  CHECK(got.contains("Item"));
  CHECK(source.rounds > 0);
  CHECK(!source.hints_seen);
}

TEST_CASE("engine page cache: warmed interior pages leave a cold point read one fault") {
  std::unique_ptr<Engine> writer = Written();
  const std::vector<std::string> images = writer->SnapshotImages();
  auto get = [](int i) {
    char key[16];
    std::snprintf(key, sizeof key, "k%05d", i);
    return json{{"TableName", "Tbl"}, {"Key", {{"p", S("a")}, {"s", S(key)}}}};
  };
  EngineOptions options;
  options.cache_bytes = 64 << 20;
  // Not warmed: the first read faults on the catalog, the table's root and its leaf.
  {
    std::unique_ptr<Engine> engine = Engine::OpenLazy(images[0], {}, options).value();
    Source source{images};
    CHECK(source.Run(engine.get(), "GetItem", get(1000)).contains("Item"));
    CHECK(source.rounds >= 3);
  }
  // No room for even the roots: nothing beyond the catalog is read.
  {
    std::unique_ptr<Engine> engine = Engine::OpenLazy(images[0], {}, options).value();
    Source source{images};
    PD_REQUIRE_OK(source.Warm(engine.get(), 0));
    const int warm_rounds = source.rounds;
    CHECK(source.Run(engine.get(), "GetItem", get(1000)).contains("Item"));
    CHECK(source.rounds - warm_rounds >= 2);
  }
  std::unique_ptr<Engine> engine = Engine::OpenLazy(images[0], {}, options).value();
  Source source{images};
  PD_REQUIRE_OK(source.Warm(engine.get(), 64 << 20));
  // The catalog, then every root in one round (this tree has two levels).
  CHECK(source.rounds >= 1);
  CHECK(source.rounds <= 3);
  const uint64_t pinned = engine->cache_stats().pinned_bytes;
  CHECK(pinned > 0);
  const int warm_rounds = source.rounds;
  PD_REQUIRE_OK(source.Warm(engine.get(), 64 << 20));  // again: all resident, no round
  CHECK(source.rounds == warm_rounds);
  for (int i = 0; i < kItems; i += 97) {
    const int before = source.rounds;
    const json got = source.Run(engine.get(), "GetItem", get(i));
    REQUIRE(got.contains("Item"));
    CHECK(got["Item"]["body"]["S"].get<std::string>() == std::string(280, 'a' + i % 26));
    CHECK(source.rounds - before <= 1);  // its leaf at most
  }
  CHECK(source.rounds > warm_rounds);
  PD_REQUIRE_OK(source.Check(engine.get()));
}

TEST_CASE(
    "engine page cache: HotPages names the resident roots, which leave a cold read its leaf") {
  std::unique_ptr<Engine> writer = Written();
  const std::vector<std::string> images = writer->SnapshotImages();
  EngineOptions options;
  options.cache_bytes = 64 << 20;
  std::unique_ptr<Engine> engine = Engine::OpenLazy(images[0], {}, options).value();
  CHECK(engine->HotPages(100).empty());  // the catalog is not resident: nothing, and no fault
  CHECK(engine->last_fault().empty());
  Source source{images};
  PD_REQUIRE_OK(source.Warm(engine.get(), 64 << 20));
  const std::vector<uint32_t> hot = engine->HotPages(100);
  REQUIRE(!hot.empty());
  CHECK(engine->HotPages(1) == std::vector<uint32_t>{hot[0]});
  CHECK(engine->HotPages(0).empty());
  // A new engine given those pages (and the catalog, which the replicas read with their head)
  // faults on the leaf only.
  std::unique_ptr<Engine> cold = Engine::OpenLazy(images[0], {}, options).value();
  Source fresh{images};
  PD_REQUIRE_OK(fresh.Warm(cold.get(), 0));  // the catalog only
  const int catalog_rounds = fresh.rounds;
  for (uint32_t id : hot) PD_REQUIRE_OK(cold->InstallPage(id, images[id]));
  const json got = fresh.Run(cold.get(), "GetItem",
                             {{"TableName", "Tbl"}, {"Key", {{"p", S("a")}, {"s", S("k01000")}}}});
  CHECK(got.contains("Item"));
  CHECK(fresh.rounds - catalog_rounds == 1);
}

// web/persistence/recovery.js opens lazily from the newest checkpoint's meta
// page with the records since the OLDEST checkpoint a replica holds, so that
// a page may fault in from any replica: an older checkpoint's image is
// brought forward by the records after its LSN (Pager::InstallPage), pages
// created since it (past its page count) come from the records alone, and
// pages freed and reused since it follow the records too.
TEST_CASE("engine page cache: a lazy open brings an older checkpoint's pages forward") {
  std::unique_ptr<Engine> created = Engine::Create().value();
  created->set_options(EngineOptions());  // unpaged, whatever the test main chose
  TestDb db(std::move(created));
  std::vector<std::string> log;  // log[i]: the record of LSN i + 1
  auto commit = [&]() {
    if (!db.engine().has_pending_commit()) return;
    CommitOptions options;
    options.images = false;
    options.record = true;
    CommitBatch batch = db.engine().TakeCommit(options);
    REQUIRE(batch.lsn == log.size() + 1);
    db.engine().MarkDurable(batch.lsn);
    log.push_back(batch.record);
  };
  auto key = [](int i) {
    char k[16];
    std::snprintf(k, sizeof k, "k%05d", i);
    return std::string(k);
  };
  auto item_key = [&](int i) { return json{{"p", S("a")}, {"s", S(key(i))}}; };
  db.CreateTable("Tbl", "p", "S", "s", "S");
  commit();
  for (int i = 0; i < 600; ++i) {
    db.Put("Tbl", {{"p", S("a")}, {"s", S(key(i))}, {"body", S(std::string(200, 'a' + i % 26))}});
    if (i % 50 == 49) commit();
  }
  const std::vector<std::string> older = db.engine().SnapshotImages();  // checkpoint A
  const uint64_t older_lsn = db.engine().lsn();
  // Between A and B: a table filled and deleted (pages grown past A's page
  // count, then freed), items rewritten larger (leaves split) and deleted.
  db.CreateTable("Gone", "id", "S");
  for (int i = 0; i < 200; ++i) {
    db.Put("Gone", {{"id", S(key(i))}, {"pad", S(std::string(300, 'g'))}});
  }
  commit();
  for (int i = 0; i < 600; i += 3) {
    db.Put("Tbl", {{"p", S("a")}, {"s", S(key(i))}, {"body", S(std::string(500, 'A' + i % 26))}});
    if (i % 60 == 57) commit();
  }
  for (int i = 1; i < 600; i += 7) {
    db.Ok("DeleteItem", {{"TableName", "Tbl"}, {"Key", item_key(i)}});
  }
  commit();
  db.Ok("DeleteTable", {{"TableName", "Gone"}});
  commit();
  const std::vector<std::string> newer = db.engine().SnapshotImages();  // checkpoint B
  const uint64_t newer_lsn = db.engine().lsn();
  REQUIRE(newer.size() > older.size());
  Result<MetaHead> newer_head = ReadMetaHead(newer[0]);
  PD_REQUIRE_OK(newer_head.status());
  CHECK(newer_head->free_page_count > 0);
  // After B: the freed pages reused.
  db.CreateTable("Next", "id", "S");
  for (int i = 0; i < 150; ++i) {
    db.Put("Next", {{"id", S(key(i))}, {"pad", S(std::string(250, 'n'))}});
  }
  commit();
  const std::vector<std::string> want = db.engine().SnapshotImages();
  const std::vector<std::string> since_older(log.begin() + static_cast<long>(older_lsn), log.end());
  const std::string zero(older[0].size(), '\0');

  const std::vector<std::pair<std::string, json>> reads = {
      {"Scan", {{"TableName", "Tbl"}}},
      {"Query", QueryAll(false)},
      {"GetItem", {{"TableName", "Tbl"}, {"Key", item_key(3)}}},
      {"GetItem", {{"TableName", "Tbl"}, {"Key", item_key(8)}}},
      {"Scan", {{"TableName", "Next"}}},
      {"ListTables", json::object()},
  };
  Source writer{want};
  EngineOptions options;
  options.cache_bytes = 64 << 20;
  for (bool mixed : {false, true}) {
    CAPTURE(mixed);
    // Every page from A (all-zero past its page count: created since), or
    // odd pages from A and even ones from B, as two replicas would serve.
    Source source{std::vector<std::string>(want.size(), zero)};
    for (uint32_t id = 0; id < want.size(); ++id) {
      if (mixed && id % 2 == 0 && id < newer.size()) {
        source.images[id] = newer[id];
      } else if (id < older.size()) {
        source.images[id] = older[id];
      }
    }
    Result<std::unique_ptr<Engine>> opened = Engine::OpenLazy(newer[0], since_older, options);
    PD_REQUIRE_OK(opened.status());
    Engine& engine = **opened;
    CHECK(engine.lsn() == db.engine().lsn());
    CHECK(engine.page_count() == want.size());
    for (const auto& [op, request] : reads) {
      CAPTURE(op);
      CHECK(source.Run(&engine, op, request) == writer.Run(&db.engine(), op, request));
    }
    CHECK(source.rounds > 0);
    PD_REQUIRE_OK(source.Check(&engine));
    // Byte for byte the writer's pages.
    for (uint32_t id = 1; id < want.size(); ++id) {
      PD_REQUIRE_OK(engine.InstallPage(id, source.images[id]));
    }
    CHECK(engine.SnapshotImages() == want);
  }
  // Records since A that stop short of B's meta page: refused at open (a page
  // brought forward by them would miss the commits in between).
  const std::vector<std::string> short_of(log.begin() + static_cast<long>(older_lsn),
                                          log.begin() + static_cast<long>(newer_lsn) - 1);
  Result<std::unique_ptr<Engine>> gap = Engine::OpenLazy(newer[0], short_of, options);
  CHECK(gap.status().IsCorruption());
}

}  // namespace
}  // namespace testing
}  // namespace pd
