// Randomised test of backups against a simple model: random writes
// interleaved with CreateTable, CreateBackup, RestoreTableFromBackup,
// DeleteBackup and DeleteTable (and their error cases). The model holds every
// table's items and, per backup, a copy of its table's items taken at backup
// time; every restored table must equal that snapshot item by item. After
// every step the checker runs; every so often the database is committed and
// reopened from its page images, or the uncommitted steps are rolled back
// (RollbackToDurable) and the model returns to its durable copy, so a
// rolled-back backup or restore must leave nothing behind.
//
// Debug: PD_BACKUP_MODEL_STEPS=<n> changes the steps per seed.
#include <doctest/doctest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

using Items = std::map<std::string, json>;  // key attributes (dumped) -> item

struct ModelTable {
  bool has_sort_key = false;  // pk S [, sk N]
  Items items;                // the table's items
};

struct ModelBackup {
  std::string table;  // source table name
  ModelTable copy;    // the table as it was at backup time
};

struct Model {
  std::map<std::string, ModelTable> tables;    // by name
  std::map<std::string, ModelBackup> backups;  // by BackupArn
};

const char* const kTableNames[] = {"Alpha", "Beta", "Gamma", "Delta", "Eps"};

std::string KeyOf(const ModelTable& t, const json& item) {
  json key = {{"pk", item.at("pk")}};
  if (t.has_sort_key) key["sk"] = item.at("sk");
  return key.dump();
}

// Every item of `table`, through Scan pages.
Items ScanItems(TestDb& db, const std::string& table, const ModelTable& shape) {
  Items out;
  json request = {{"TableName", table}, {"ConsistentRead", true}};
  for (;;) {
    json r = db.Ok("Scan", request);
    for (const json& item : r["Items"]) out[KeyOf(shape, item)] = item;
    if (!r.contains("LastEvaluatedKey")) break;
    request["ExclusiveStartKey"] = r["LastEvaluatedKey"];
  }
  return out;
}

class Runner {
 public:
  explicit Runner(uint32_t seed) : rng_(seed) {}

  void Run(int steps) {
    for (int step = 0; step < steps; ++step) {
      CAPTURE(step);
      Step();
      REQUIRE(db_->CheckText() == "OK");
      if (Chance(4)) {  // commit, then maybe reopen
        db_->CommitAll();
        durable_ = model_;
        if (Chance(3)) Reopen();
      } else if (Chance(8)) {  // lose everything since the last commit
        db_->engine().RollbackToDurable();
        model_ = durable_;
        VerifyAll();
      }
    }
    VerifyAll();
    CHECK(restores_checked_ > 0);
  }

 private:
  bool Chance(int one_in) { return Uniform(one_in) == 0; }
  int Uniform(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  json RandomValue(int depth) {
    switch (Uniform(depth > 1 ? 3 : 5)) {
      case 0:
        return S(std::string(Uniform(40), static_cast<char>('a' + Uniform(26))));
      case 1:
        return N(std::to_string(Uniform(2000000) - 1000000));
      case 2:
        return {{"BOOL", Chance(2)}};
      case 3:
        return {{"L", json::array({RandomValue(depth + 1), RandomValue(depth + 1)})}};
      default:
        return {{"M", {{"x", RandomValue(depth + 1)}, {"y", RandomValue(depth + 1)}}}};
    }
  }

  void Step() {
    const int op = Uniform(100);
    if (model_.tables.empty() || op < 8) return CreateTable();
    const std::string table = PickTable();
    if (op < 55) return PutItem(table);
    if (op < 68) return DeleteItem(table);
    if (op < 80) return CreateBackup(table);
    if (op < 90) return Restore();
    if (op < 96) return DeleteBackup();
    return DeleteTable(table);
  }

  std::string PickTable() {
    auto it = model_.tables.begin();
    std::advance(it, Uniform(static_cast<int>(model_.tables.size())));
    return it->first;
  }

  void CreateTable() {
    const std::string name = kTableNames[Uniform(5)];
    if (model_.tables.count(name)) return;
    ModelTable t;
    t.has_sort_key = Chance(2);
    if (t.has_sort_key) {
      db_->CreateTable(name, "pk", "S", "sk", "N");
    } else {
      db_->CreateTable(name, "pk", "S");
    }
    model_.tables[name] = t;
  }

  json RandomKey(const ModelTable& t) {
    json key = {{"pk", S("p" + std::to_string(Uniform(12)))}};
    if (t.has_sort_key) key["sk"] = N(std::to_string(Uniform(6)));
    return key;
  }

  void PutItem(const std::string& table) {
    ModelTable& t = model_.tables[table];
    json item = RandomKey(t);
    const int attributes = Uniform(4);
    for (int i = 0; i < attributes; ++i) item["a" + std::to_string(i)] = RandomValue(0);
    if (Chance(20)) item["big"] = S(std::string(20000 + Uniform(30000), 'z'));
    db_->Put(table, item);
    t.items[KeyOf(t, item)] = item;
  }

  void DeleteItem(const std::string& table) {
    ModelTable& t = model_.tables[table];
    json key = RandomKey(t);
    db_->Ok("DeleteItem", {{"TableName", table}, {"Key", key}});
    t.items.erase(key.dump());
  }

  void CreateBackup(const std::string& table) {
    const std::string name = "bk" + std::to_string(Uniform(1000));
    json d = db_->Ok("CreateBackup", {{"TableName", table}, {"BackupName", name}})["BackupDetails"];
    const std::string arn = d["BackupArn"];
    REQUIRE(model_.backups.count(arn) == 0);
    model_.backups[arn] = ModelBackup{table, model_.tables[table]};
    if (Chance(5)) {  // a backup of a table that does not exist
      db_->ExpectError("CreateBackup", {{"TableName", "Missing"}, {"BackupName", name}},
                       "TableNotFoundException", "Table not found: Missing");
    }
  }

  std::string PickBackup() {
    if (model_.backups.empty() || Chance(10)) {
      return "arn:aws:dynamodb:local:000000000000:table/Alpha/backup/01704164645678-0000abcd";
    }
    auto it = model_.backups.begin();
    std::advance(it, Uniform(static_cast<int>(model_.backups.size())));
    return it->first;
  }

  void Restore() {
    const std::string arn = PickBackup();
    const std::string target = kTableNames[Uniform(5)];
    json request = {{"TargetTableName", target}, {"BackupArn", arn}};
    auto backup = model_.backups.find(arn);
    if (backup == model_.backups.end()) {
      db_->ExpectError("RestoreTableFromBackup", request, "BackupNotFoundException",
                       "Backup not found: " + arn);
      return;
    }
    if (model_.tables.count(target)) {
      db_->ExpectError("RestoreTableFromBackup", request, "TableAlreadyExistsException",
                       "Table already exists: " + target);
      return;
    }
    json t = db_->Ok("RestoreTableFromBackup", request)["TableDescription"];
    CHECK(t["ItemCount"] == backup->second.copy.items.size());
    model_.tables[target] = backup->second.copy;
    REQUIRE(ScanItems(*db_, target, backup->second.copy) == backup->second.copy.items);
    ++restores_checked_;
  }

  void DeleteBackup() {
    const std::string arn = PickBackup();
    json request = {{"BackupArn", arn}};
    if (model_.backups.count(arn) == 0) {
      db_->ExpectError("DeleteBackup", request, "BackupNotFoundException",
                       "Backup not found: " + arn);
      return;
    }
    json d = db_->Ok("DeleteBackup", request)["BackupDescription"];
    CHECK(d["BackupDetails"]["BackupStatus"] == "DELETED");
    CHECK(d["SourceTableDetails"]["ItemCount"] == model_.backups[arn].copy.items.size());
    model_.backups.erase(arn);
  }

  void DeleteTable(const std::string& table) {
    db_->Ok("DeleteTable", {{"TableName", table}});
    model_.tables.erase(table);
  }

  void Reopen() {
    db_ = std::make_unique<TestDb>(Engine::Open(db_->engine().SnapshotImages()).value());
    VerifyAll();
  }

  // Every table and every backup listed as the model says (backup contents
  // are checked by restoring them, in Restore()).
  void VerifyAll() {
    json names = db_->Ok("ListTables", json::object())["TableNames"];
    std::vector<std::string> expected_names;
    for (const auto& [name, t] : model_.tables) {
      expected_names.push_back(name);
      REQUIRE(ScanItems(*db_, name, t) == t.items);
    }
    CHECK(names.get<std::vector<std::string>>() == expected_names);
    json listed = db_->Ok("ListBackups", json::object())["BackupSummaries"];
    REQUIRE(listed.size() == model_.backups.size());
    for (const json& s : listed) {
      auto it = model_.backups.find(s["BackupArn"].get<std::string>());
      REQUIRE(it != model_.backups.end());
      CHECK(s["TableName"] == it->second.table);
    }
    REQUIRE(db_->CheckText() == "OK");
  }

  std::mt19937 rng_;                                         // drives every choice
  std::unique_ptr<TestDb> db_ = std::make_unique<TestDb>();  // the database under test
  Model model_;                                              // what it must hold
  Model durable_;                                            // the model at the last commit
  int restores_checked_ = 0;                                 // restores compared item by item
};

TEST_CASE("backups against a model: random writes, backups, restores, deletes, reopen") {
  int steps = 400;
  if (const char* env = std::getenv("PD_BACKUP_MODEL_STEPS")) steps = std::atoi(env);
  for (uint32_t seed : {1u, 2u, 3u}) {
    CAPTURE(seed);
    Runner(seed).Run(steps);
  }
}

}  // namespace
}  // namespace testing
}  // namespace pd
