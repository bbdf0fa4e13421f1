// CreateBackup, DescribeBackup, ListBackups, DeleteBackup and
// RestoreTableFromBackup through Engine::Execute: the shapes of DynamoDB's
// API reference, its errors and their types, validation of the parameters,
// and the storage side (backups survive DeleteTable, pages are freed,
// failed requests change nothing, reopen from page images).
#include <doctest/doctest.h>

#include <string>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

constexpr char kTablePrefix[] = "arn:aws:dynamodb:local:000000000000:table/";

json Backup(TestDb& db, const std::string& table, const std::string& name) {
  return db.Ok("CreateBackup", {{"TableName", table}, {"BackupName", name}})["BackupDetails"];
}

json ScanAll(TestDb& db, const std::string& table) {
  return db.Ok("Scan", {{"TableName", table}, {"ConsistentRead", true}})["Items"];
}

// Orders(pk S, sk N) with three items.
void MakeOrders(TestDb& db) {
  db.CreateTable("Orders", "pk", "S", "sk", "N");
  db.Put("Orders", {{"pk", S("a")}, {"sk", N("1")}, {"v", S("x")}});
  db.Put("Orders", {{"pk", S("a")}, {"sk", N("2")}, {"n", N("12.5")}});
  db.Put("Orders", {{"pk", S("b")}, {"sk", N("1")}, {"l", json{{"L", json::array({S("q")})}}}});
}

TEST_CASE("CreateBackup returns BackupDetails; the backup is a snapshot") {
  TestDb db;
  MakeOrders(db);
  const json before = ScanAll(db, "Orders");
  const json table = db.Describe("Orders");
  json details = Backup(db, "Orders", "nightly_1");
  const std::string arn = details["BackupArn"].get<std::string>();
  // arn:...:table/Orders/backup/<14 digits>-<8 hex>
  const std::string prefix = std::string(kTablePrefix) + "Orders/backup/";
  REQUIRE(arn.size() == prefix.size() + 23);
  CHECK(arn.compare(0, prefix.size(), prefix) == 0);
  CHECK(arn.substr(prefix.size(), 14) == "0" + std::to_string(kTestNowMs));
  CHECK(arn[prefix.size() + 14] == '-');
  CHECK(details["BackupName"] == "nightly_1");
  CHECK(details["BackupStatus"] == "AVAILABLE");
  CHECK(details["BackupType"] == "USER");
  CHECK(details["BackupSizeBytes"] == table["TableSizeBytes"]);
  CHECK(details["BackupCreationDateTime"].get<double>() == doctest::Approx(kTestNowMs / 1000.0));

  // Later writes do not reach the backup; DescribeTable is unchanged by it.
  CHECK(db.Describe("Orders") == table);
  db.Put("Orders", {{"pk", S("c")}, {"sk", N("9")}});
  db.Ok("DeleteItem", {{"TableName", "Orders"}, {"Key", {{"pk", S("a")}, {"sk", N("1")}}}});
  json restored = db.Ok("RestoreTableFromBackup",
                        {{"TargetTableName", "Orders2"}, {"BackupArn", arn}})["TableDescription"];
  CHECK(ScanAll(db, "Orders2") == before);
  CHECK(restored["ItemCount"] == 3);
  CHECK(restored["TableSizeBytes"] == table["TableSizeBytes"]);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("Two backups of one table in the same millisecond get distinct ARNs") {
  TestDb db;
  MakeOrders(db);
  json a = Backup(db, "Orders", "same");
  json b = Backup(db, "Orders", "same");
  CHECK(a["BackupArn"] != b["BackupArn"]);
  CHECK(db.Ok("ListBackups", json::object())["BackupSummaries"].size() == 2);
}

TEST_CASE("CreateBackup accepts the table's ARN") {
  TestDb db;
  MakeOrders(db);
  json d = Backup(db, std::string(kTablePrefix) + "Orders", "by_arn");
  CHECK(d["BackupArn"].get<std::string>().find("table/Orders/backup/") != std::string::npos);
}

TEST_CASE("CreateBackup errors") {
  TestDb db;
  MakeOrders(db);
  db.ExpectError("CreateBackup", {{"TableName", "Nope"}, {"BackupName", "bk1"}},
                 "TableNotFoundException", "Table not found: Nope");
  db.ExpectError("CreateBackup", {{"TableName", "Orders"}, {"BackupName", "ab"}},
                 "ValidationException",
                 "1 validation error detected: Value 'ab' at 'backupName' failed to satisfy "
                 "constraint: Member must have length greater than or equal to 3");
  db.ExpectError("CreateBackup", {{"TableName", "Orders"}, {"BackupName", "a b"}},
                 "ValidationException",
                 "1 validation error detected: Value 'a b' at 'backupName' failed to satisfy "
                 "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  db.ExpectError("CreateBackup", {{"TableName", "Orders"}, {"BackupName", std::string(256, 'x')}},
                 "ValidationException",
                 "1 validation error detected: Value '" + std::string(256, 'x') +
                     "' at 'backupName' failed to satisfy constraint: Member must have length "
                     "less than or equal to 255");
  db.ExpectError("CreateBackup", json::object(), "ValidationException",
                 "2 validation errors detected: Value null at 'tableName' failed to satisfy "
                 "constraint: Member must not be null; Value null at 'backupName' failed to "
                 "satisfy constraint: Member must not be null");
  db.ExpectError("CreateBackup", {{"TableName", "Orders"}, {"BackupName", 5}},
                 "SerializationException", "NUMBER_VALUE cannot be converted to String");
  // Nothing was made.
  CHECK(db.Ok("ListBackups", json::object())["BackupSummaries"].empty());
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("DescribeBackup returns the backup and its source table") {
  TestDb db;
  json create = {
      {"TableName", "Prov"},
      {"KeySchema", json::array({{{"AttributeName", "id"}, {"KeyType", "HASH"}}})},
      {"AttributeDefinitions", json::array({{{"AttributeName", "id"}, {"AttributeType", "N"}}})},
      {"ProvisionedThroughput", {{"ReadCapacityUnits", 7}, {"WriteCapacityUnits", 3}}}};
  db.Ok("CreateTable", create);
  db.Put("Prov", {{"id", N("1")}, {"s", S("hello")}});
  const json table = db.Describe("Prov");
  json details = Backup(db, "Prov", "b.1-x");
  json d = db.Ok("DescribeBackup", {{"BackupArn", details["BackupArn"]}})["BackupDescription"];
  CHECK(d["BackupDetails"] == details);
  json src = d["SourceTableDetails"];
  CHECK(src["TableName"] == "Prov");
  CHECK(src["TableId"] == table["TableId"]);
  CHECK(src["TableArn"] == table["TableArn"]);
  CHECK(src["TableSizeBytes"] == table["TableSizeBytes"]);
  CHECK(src["ItemCount"] == 1);
  CHECK(src["KeySchema"] == table["KeySchema"]);
  CHECK(src["TableCreationDateTime"] == table["CreationDateTime"]);
  CHECK(src["ProvisionedThroughput"] == json{{"ReadCapacityUnits", 7}, {"WriteCapacityUnits", 3}});
  CHECK(src["BillingMode"] == "PROVISIONED");
  CHECK_FALSE(d.contains("SourceTableFeatureDetails"));  // no indexes, no stream

  const std::string missing = std::string(kTablePrefix) + "Prov/backup/01704164645678-00000000";
  db.ExpectError("DescribeBackup", {{"BackupArn", missing}}, "BackupNotFoundException",
                 "Backup not found: " + missing);
  db.ExpectError("DescribeBackup", {{"BackupArn", "short"}}, "ValidationException",
                 "1 validation error detected: Value 'short' at 'backupArn' failed to satisfy "
                 "constraint: Member must have length greater than or equal to 37");
  db.ExpectError("DescribeBackup", json::object(), "ValidationException",
                 "1 validation error detected: Value null at 'backupArn' failed to satisfy "
                 "constraint: Member must not be null");
}

TEST_CASE("Backups survive DeleteTable of their source, and restore it") {
  TestDb db;
  MakeOrders(db);
  const json before = ScanAll(db, "Orders");
  const std::string arn = Backup(db, "Orders", "keep")["BackupArn"];
  db.Ok("DeleteTable", {{"TableName", "Orders"}});
  CHECK(db.CheckText() == "OK");
  json d = db.Ok("DescribeBackup", {{"BackupArn", arn}})["BackupDescription"];
  CHECK(d["SourceTableDetails"]["ItemCount"] == 3);
  db.Ok("RestoreTableFromBackup", {{"TargetTableName", "Orders"}, {"BackupArn", arn}});
  CHECK(ScanAll(db, "Orders") == before);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("RestoreTableFromBackup: description, RestoreSummary, overrides") {
  TestDb db;
  MakeOrders(db);
  db.Ok("UpdateTable", {{"TableName", "Orders"}, {"DeletionProtectionEnabled", true}});
  const json source = db.Describe("Orders");
  const std::string arn = Backup(db, "Orders", "bk1")["BackupArn"];
  db.engine().set_clock([] { return kTestNowMs + 5000; });
  json t = db.Ok("RestoreTableFromBackup",
                 {{"TargetTableName", "Copy"}, {"BackupArn", arn}})["TableDescription"];
  CHECK(t["TableName"] == "Copy");
  CHECK(t["TableStatus"] == "ACTIVE");
  CHECK(t["KeySchema"] == source["KeySchema"]);
  CHECK(t["AttributeDefinitions"] == source["AttributeDefinitions"]);
  CHECK(t["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST");
  CHECK(t["TableId"] != source["TableId"]);
  CHECK(t["TableArn"] == std::string(kTablePrefix) + "Copy");
  CHECK(t["DeletionProtectionEnabled"] == false);  // not restored, as in DynamoDB
  CHECK(t["CreationDateTime"].get<double>() == doctest::Approx((kTestNowMs + 5000) / 1000.0));
  CHECK(t["RestoreSummary"] == json{{"SourceBackupArn", arn},
                                    {"SourceTableArn", source["TableArn"]},
                                    {"RestoreDateTime", (kTestNowMs + 5000) / 1000.0},
                                    {"RestoreInProgress", false}});
  json described = db.Describe("Copy");
  CHECK(described == t);  // RestoreSummary included
  CHECK(described["ItemCount"] == 3);
  CHECK(described["TableSizeBytes"] == source["TableSizeBytes"]);

  // Billing overrides.
  json p = db.Ok("RestoreTableFromBackup",
                 {{"TargetTableName", "Prov"},
                  {"BackupArn", arn},
                  {"BillingModeOverride", "PROVISIONED"},
                  {"ProvisionedThroughputOverride",
                   {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 6}}}})["TableDescription"];
  CHECK(p["BillingModeSummary"]["BillingMode"] == "PROVISIONED");
  CHECK(p["ProvisionedThroughput"]["ReadCapacityUnits"] == 5);
  CHECK(p["ProvisionedThroughput"]["WriteCapacityUnits"] == 6);
  const std::string prov_arn = Backup(db, "Prov", "prov")["BackupArn"];
  json back = db.Ok("RestoreTableFromBackup",
                    {{"TargetTableName", "Ppr"},
                     {"BackupArn", prov_arn},
                     {"BillingModeOverride", "PAY_PER_REQUEST"}})["TableDescription"];
  CHECK(back["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST");
  CHECK(back["ProvisionedThroughput"]["ReadCapacityUnits"] == 0);
  json kept = db.Ok("RestoreTableFromBackup",
                    {{"TargetTableName", "Prov2"}, {"BackupArn", prov_arn}})["TableDescription"];
  CHECK(kept["ProvisionedThroughput"]["ReadCapacityUnits"] == 5);
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("A restored table has the backup's secondary indexes, filled by Table::Put") {
  TestDb db;
  json create = {
      {"TableName", "Idx"},
      {"BillingMode", "PAY_PER_REQUEST"},
      {"KeySchema", json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                                 {{"AttributeName", "sk"}, {"KeyType", "RANGE"}}})},
      {"AttributeDefinitions", json::array({{{"AttributeName", "pk"}, {"AttributeType", "S"}},
                                            {{"AttributeName", "sk"}, {"AttributeType", "N"}},
                                            {{"AttributeName", "g"}, {"AttributeType", "S"}},
                                            {{"AttributeName", "l"}, {"AttributeType", "N"}}})},
      {"GlobalSecondaryIndexes",
       json::array({{{"IndexName", "ByG"},
                     {"KeySchema", json::array({{{"AttributeName", "g"}, {"KeyType", "HASH"}}})},
                     {"Projection", {{"ProjectionType", "ALL"}}}}})},
      {"LocalSecondaryIndexes",
       json::array({{{"IndexName", "ByL"},
                     {"KeySchema", json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}},
                                                {{"AttributeName", "l"}, {"KeyType", "RANGE"}}})},
                     {"Projection", {{"ProjectionType", "KEYS_ONLY"}}}}})}};
  db.Ok("CreateTable", create);
  for (int i = 0; i < 30; ++i) {
    json item = {{"pk", S("p" + std::to_string(i % 3))}, {"sk", N(std::to_string(i))}};
    if (i % 2 == 0) item["g"] = S("g" + std::to_string(i % 4));  // sparse GSI
    if (i % 3 == 0) item["l"] = N(std::to_string(100 - i));      // sparse LSI
    db.Put("Idx", item);
  }
  const std::string arn = Backup(db, "Idx", "with_indexes")["BackupArn"];
  json d = db.Ok("DescribeBackup", {{"BackupArn", arn}})["BackupDescription"];
  json features = d["SourceTableFeatureDetails"];
  REQUIRE(features["GlobalSecondaryIndexes"].size() == 1);
  CHECK(features["GlobalSecondaryIndexes"][0]["IndexName"] == "ByG");
  CHECK(features["GlobalSecondaryIndexes"][0]["Projection"] == json{{"ProjectionType", "ALL"}});
  REQUIRE(features["LocalSecondaryIndexes"].size() == 1);
  CHECK(features["LocalSecondaryIndexes"][0]["IndexName"] == "ByL");

  json t = db.Ok("RestoreTableFromBackup",
                 {{"TargetTableName", "Idx2"}, {"BackupArn", arn}})["TableDescription"];
  REQUIRE(t["GlobalSecondaryIndexes"].size() == 1);
  REQUIRE(t["LocalSecondaryIndexes"].size() == 1);
  CHECK(t["GlobalSecondaryIndexes"][0]["IndexArn"] == std::string(kTablePrefix) + "Idx2/index/ByG");
  const json source = db.Describe("Idx");
  CHECK(t["GlobalSecondaryIndexes"][0]["ItemCount"] ==
        source["GlobalSecondaryIndexes"][0]["ItemCount"]);
  CHECK(t["LocalSecondaryIndexes"][0]["ItemCount"] ==
        source["LocalSecondaryIndexes"][0]["ItemCount"]);
  for (const char* table : {"Idx", "Idx2"}) {
    json q = db.Ok("Query", {{"TableName", table},
                             {"IndexName", "ByG"},
                             {"KeyConditionExpression", "g = :g"},
                             {"ExpressionAttributeValues", {{":g", S("g2")}}}});
    CHECK(q["Count"] == 7);  // i = 2, 6, 10, ..., 26
    json l = db.Ok("Query", {{"TableName", table},
                             {"IndexName", "ByL"},
                             {"KeyConditionExpression", "pk = :p"},
                             {"ExpressionAttributeValues", {{":p", S("p0")}}}});
    CHECK(l["Count"] == 10);  // i = 0, 3, ..., 27
  }
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("RestoreTableFromBackup errors change nothing") {
  TestDb db;
  MakeOrders(db);
  db.CreateTable("Other", "id", "S");
  const std::string arn = Backup(db, "Orders", "bk1")["BackupArn"];
  db.CommitAll();
  const uint32_t pages = db.engine().page_count();
  const std::string missing = std::string(kTablePrefix) + "Orders/backup/01704164645678-0000beef";

  db.ExpectError("RestoreTableFromBackup", {{"TargetTableName", "New"}, {"BackupArn", missing}},
                 "BackupNotFoundException", "Backup not found: " + missing);
  db.ExpectError("RestoreTableFromBackup", {{"TargetTableName", "Other"}, {"BackupArn", arn}},
                 "TableAlreadyExistsException", "Table already exists: Other");
  db.ExpectError("RestoreTableFromBackup", {{"TargetTableName", "Orders"}, {"BackupArn", arn}},
                 "TableAlreadyExistsException", "Table already exists: Orders");
  db.ExpectError(
      "RestoreTableFromBackup",
      {{"TargetTableName", "New"}, {"BackupArn", arn}, {"BillingModeOverride", "PROVISIONED"}},
      "ValidationException",
      "One or more parameter values were invalid: ReadCapacityUnits and "
      "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
  db.ExpectError(
      "RestoreTableFromBackup",
      {{"TargetTableName", "New"},
       {"BackupArn", arn},
       {"ProvisionedThroughputOverride", {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}}}},
      "ValidationException",
      "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
      "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  db.ExpectError(
      "RestoreTableFromBackup",
      {{"TargetTableName", "New"},
       {"BackupArn", arn},
       {"BillingModeOverride", "PAY_PER_REQUEST"},
       {"ProvisionedThroughputOverride", {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}}}},
      "ValidationException",
      "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
      "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  // Overrides pocketdynamo cannot honour are refused, not ignored.
  db.ExpectError("RestoreTableFromBackup",
                 {{"TargetTableName", "New"},
                  {"BackupArn", arn},
                  {"GlobalSecondaryIndexOverride", json::array()}},
                 "ValidationException",
                 "GlobalSecondaryIndexOverride is not supported by pocketdynamo yet: a "
                 "restored table has the backup's indexes");
  db.ExpectError("RestoreTableFromBackup",
                 {{"TargetTableName", "New"},
                  {"BackupArn", arn},
                  {"LocalSecondaryIndexOverride", json::array()}},
                 "ValidationException",
                 "LocalSecondaryIndexOverride is not supported by pocketdynamo yet: a "
                 "restored table has the backup's indexes");
  db.ExpectError("RestoreTableFromBackup",
                 {{"TargetTableName", "New"},
                  {"BackupArn", arn},
                  {"SSESpecificationOverride", {{"Enabled", true}}}},
                 "ValidationException",
                 "SSESpecificationOverride with Enabled true is not supported by pocketdynamo: "
                 "there are no KMS keys");
  db.ExpectError("RestoreTableFromBackup",
                 {{"TargetTableName", "New"},
                  {"BackupArn", arn},
                  {"OnDemandThroughputOverride", {{"MaxReadRequestUnits", 5}}}},
                 "ValidationException",
                 "OnDemandThroughputOverride is not supported by pocketdynamo: it does not "
                 "throttle requests");
  db.ExpectError("RestoreTableFromBackup", {{"TargetTableName", "x"}, {"BackupArn", arn}},
                 "ValidationException",
                 "1 validation error detected: Value 'x' at 'targetTableName' failed to satisfy "
                 "constraint: Member must have length greater than or equal to 3");
  db.ExpectError("RestoreTableFromBackup",
                 {{"TargetTableName", "New"}, {"BackupArn", arn}, {"BillingModeOverride", "X"}},
                 "ValidationException",
                 "1 validation error detected: Value 'X' at 'billingModeOverride' failed to "
                 "satisfy constraint: Member must satisfy enum value set: [PROVISIONED, "
                 "PAY_PER_REQUEST]");
  CHECK_FALSE(db.engine().has_pending_commit());
  CHECK(db.engine().page_count() == pages);
  CHECK(db.Ok("ListTables", json::object())["TableNames"] == json::array({"Orders", "Other"}));
  // SSESpecificationOverride with Enabled false is the default encryption: fine.
  db.Ok("RestoreTableFromBackup", {{"TargetTableName", "New"},
                                   {"BackupArn", arn},
                                   {"SSESpecificationOverride", {{"Enabled", false}}}});
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("ListBackups: filters, paging, validation") {
  TestDb db;
  MakeOrders(db);
  db.CreateTable("Zeta", "id", "S");
  int64_t now = kTestNowMs;
  db.engine().set_clock([&now] { return now; });
  std::vector<std::string> orders_arns;
  for (int i = 0; i < 5; ++i) {
    now = kTestNowMs + 1000 * i;
    orders_arns.push_back(Backup(db, "Orders", "bk_o" + std::to_string(i))["BackupArn"]);
  }
  now = kTestNowMs + 500;
  const std::string zeta_arn = Backup(db, "Zeta", "bk_z0")["BackupArn"];

  json all = db.Ok("ListBackups", json::object());
  REQUIRE(all["BackupSummaries"].size() == 6);
  CHECK_FALSE(all.contains("LastEvaluatedBackupArn"));
  json first = all["BackupSummaries"][0];
  CHECK(first["BackupArn"] == orders_arns[0]);
  CHECK(first["TableName"] == "Orders");
  CHECK(first["TableArn"] == std::string(kTablePrefix) + "Orders");
  CHECK(first["TableId"] == db.Describe("Orders")["TableId"]);
  CHECK(first["BackupName"] == "bk_o0");
  CHECK(first["BackupStatus"] == "AVAILABLE");
  CHECK(first["BackupType"] == "USER");
  CHECK(first["BackupSizeBytes"] == db.Describe("Orders")["TableSizeBytes"]);
  CHECK(first["BackupCreationDateTime"].get<double>() == doctest::Approx(kTestNowMs / 1000.0));

  // TableName (name or ARN).
  CHECK(db.Ok("ListBackups", {{"TableName", "Zeta"}})["BackupSummaries"].size() == 1);
  CHECK(
      db.Ok("ListBackups", {{"TableName", std::string(kTablePrefix) + "Orders"}})["BackupSummaries"]
          .size() == 5);
  CHECK(db.Ok("ListBackups", {{"TableName", "Nope"}})["BackupSummaries"].empty());
  // Time range: lower inclusive, upper exclusive, epoch seconds.
  json range = db.Ok("ListBackups", {{"TableName", "Orders"},
                                     {"TimeRangeLowerBound", (kTestNowMs + 1000) / 1000.0},
                                     {"TimeRangeUpperBound", (kTestNowMs + 3000) / 1000.0}});
  REQUIRE(range["BackupSummaries"].size() == 2);
  CHECK(range["BackupSummaries"][0]["BackupArn"] == orders_arns[1]);
  CHECK(range["BackupSummaries"][1]["BackupArn"] == orders_arns[2]);
  // BackupType.
  CHECK(db.Ok("ListBackups", {{"BackupType", "ALL"}})["BackupSummaries"].size() == 6);
  CHECK(db.Ok("ListBackups", {{"BackupType", "SYSTEM"}})["BackupSummaries"].empty());
  CHECK(db.Ok("ListBackups", {{"BackupType", "AWS_BACKUP"}})["BackupSummaries"].empty());
  // Paging: Limit 2 over 6 backups.
  std::vector<std::string> paged;
  json request = {{"Limit", 2}};
  for (int page = 0; page < 10; ++page) {
    json r = db.Ok("ListBackups", request);
    for (const json& s : r["BackupSummaries"]) paged.push_back(s["BackupArn"]);
    if (!r.contains("LastEvaluatedBackupArn")) break;
    CHECK(r["LastEvaluatedBackupArn"] == paged.back());
    request["ExclusiveStartBackupArn"] = r["LastEvaluatedBackupArn"];
  }
  std::vector<std::string> expected = orders_arns;
  expected.push_back(zeta_arn);
  CHECK(paged == expected);

  db.ExpectError("ListBackups", {{"Limit", 0}}, "ValidationException",
                 "1 validation error detected: Value '0' at 'limit' failed to satisfy "
                 "constraint: Member must have value greater than or equal to 1");
  db.ExpectError("ListBackups", {{"Limit", 101}}, "ValidationException",
                 "1 validation error detected: Value '101' at 'limit' failed to satisfy "
                 "constraint: Member must have value less than or equal to 100");
  db.ExpectError("ListBackups", {{"BackupType", "MINE"}}, "ValidationException",
                 "1 validation error detected: Value 'MINE' at 'backupType' failed to satisfy "
                 "constraint: Member must satisfy enum value set: [USER, SYSTEM, AWS_BACKUP, "
                 "ALL]");
  db.ExpectError("ListBackups", {{"ExclusiveStartBackupArn", "abc"}}, "ValidationException",
                 "1 validation error detected: Value 'abc' at 'exclusiveStartBackupArn' failed "
                 "to satisfy constraint: Member must have length greater than or equal to 37");
  db.ExpectError("ListBackups", {{"TimeRangeLowerBound", "yesterday"}}, "SerializationException",
                 "STRING_VALUE cannot be converted to Date");
}

TEST_CASE("DeleteBackup returns the description as DELETED and frees the pages") {
  TestDb db;
  MakeOrders(db);
  for (int i = 0; i < 300; ++i) {
    db.Put("Orders",
           {{"pk", S("p" + std::to_string(i))}, {"sk", N("1")}, {"pad", S(std::string(500, 'x'))}});
  }
  db.CommitAll();
  const uint32_t pages_before = db.engine().page_count();
  json details = Backup(db, "Orders", "big");
  db.CommitAll();
  const uint32_t pages_with_backup = db.engine().page_count();
  CHECK(pages_with_backup > pages_before + 10);  // backups count in the database size
  json d = db.Ok("DeleteBackup", {{"BackupArn", details["BackupArn"]}})["BackupDescription"];
  CHECK(d["BackupDetails"]["BackupStatus"] == "DELETED");
  CHECK(d["BackupDetails"]["BackupArn"] == details["BackupArn"]);
  CHECK(d["SourceTableDetails"]["ItemCount"] == 303);
  CHECK(db.CheckText() == "OK");
  // The freed pages are reused by the next backup: the file does not grow.
  Backup(db, "Orders", "big2");
  db.CommitAll();
  CHECK(db.engine().page_count() == pages_with_backup);
  db.ExpectError("DeleteBackup", {{"BackupArn", details["BackupArn"]}}, "BackupNotFoundException",
                 "Backup not found: " + details["BackupArn"].get<std::string>());
  db.ExpectError("DescribeBackup", {{"BackupArn", details["BackupArn"]}}, "BackupNotFoundException",
                 "Backup not found: " + details["BackupArn"].get<std::string>());
  CHECK(db.CheckText() == "OK");
}

TEST_CASE("Backups persist across reopening from page images; rollback leaves no half backup") {
  TestDb db;
  MakeOrders(db);
  const json before = ScanAll(db, "Orders");
  const std::string arn = Backup(db, "Orders", "durable")["BackupArn"];
  db.CommitAll();
  // An uncommitted backup and restore are rolled back entirely.
  const uint32_t pages = db.engine().page_count();
  const std::string lost = Backup(db, "Orders", "lost")["BackupArn"];
  db.Ok("RestoreTableFromBackup", {{"TargetTableName", "Lost"}, {"BackupArn", arn}});
  db.engine().RollbackToDurable();
  CHECK(db.engine().page_count() == pages);
  db.ExpectError("DescribeBackup", {{"BackupArn", lost}}, "BackupNotFoundException",
                 "Backup not found: " + lost);
  CHECK(db.Ok("ListTables", json::object())["TableNames"] == json::array({"Orders"}));
  CHECK(db.CheckText() == "OK");

  TestDb reopened(Engine::Open(db.engine().SnapshotImages()).value());
  CHECK(reopened.CheckText() == "OK");
  json listed = reopened.Ok("ListBackups", json::object())["BackupSummaries"];
  REQUIRE(listed.size() == 1);
  CHECK(listed[0]["BackupArn"] == arn);
  reopened.Ok("RestoreTableFromBackup", {{"TargetTableName", "Again"}, {"BackupArn", arn}});
  CHECK(ScanAll(reopened, "Again") == before);
  CHECK(reopened.CheckText() == "OK");
}

}  // namespace
}  // namespace testing
}  // namespace pd
