// TagResource / UntagResource / ListTagsOfResource, the continuous-backups
// setting (DescribeContinuousBackups / UpdateContinuousBackups),
// DescribeLimits and DescribeEndpoints through Engine::Execute, with
// DynamoDB's errors, and the settings surviving a reopen.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support/test_util.h"

namespace pd {
namespace testing {
namespace {

const std::string kArn = "arn:aws:dynamodb:local:000000000000:table/Tbl";

json Tags(std::initializer_list<std::pair<const char*, const char*>> tags) {
  json out = json::array();
  for (const auto& [k, val] : tags) out.push_back({{"Key", k}, {"Value", val}});
  return out;
}

json List(TestDb& db, const std::string& arn = kArn) {
  return db.Ok("ListTagsOfResource", {{"ResourceArn", arn}})["Tags"];
}

TEST_CASE("tags: CreateTable's tags read back; TagResource sets, UntagResource removes") {
  TestDb db;
  json create = {{"TableName", "Tbl"},
                 {"BillingMode", "PAY_PER_REQUEST"},
                 {"KeySchema", {{{"AttributeName", "pk"}, {"KeyType", "HASH"}}}},
                 {"AttributeDefinitions", {{{"AttributeName", "pk"}, {"AttributeType", "S"}}}},
                 {"Tags", Tags({{"team", "core"}, {"env", "test"}})}};
  const json arn = db.Ok("CreateTable", create)["TableDescription"]["TableArn"];
  CHECK(arn == kArn);
  CHECK(List(db) == Tags({{"team", "core"}, {"env", "test"}}));
  CHECK(db.Ok("TagResource", {{"ResourceArn", kArn},
                              {"Tags", Tags({{"env", "prod"}, {"owner", ""}})}}) == json::object());
  CHECK(List(db) == Tags({{"team", "core"}, {"env", "prod"}, {"owner", ""}}));
  CHECK(db.Ok("UntagResource", {{"ResourceArn", kArn}, {"TagKeys", {"team", "nope"}}}) ==
        json::object());
  CHECK(List(db) == Tags({{"env", "prod"}, {"owner", ""}}));
  // The tags are in the catalog entry: they survive a reopen.
  db.CommitAll();
  TestDb reopened(Engine::Open(db.engine().SnapshotImages()).value());
  CHECK(List(reopened) == Tags({{"env", "prod"}, {"owner", ""}}));
  CHECK(reopened.CheckText() == "OK");
}

TEST_CASE("continuous backups: the point-in-time recovery setting is stored and reported") {
  TestDb db;
  db.CreateTable("Tbl", "pk", "S");
  const json disabled = {
      {"ContinuousBackupsDescription",
       {{"ContinuousBackupsStatus", "ENABLED"},
        {"PointInTimeRecoveryDescription", {{"PointInTimeRecoveryStatus", "DISABLED"}}}}}};
  CHECK(db.Ok("DescribeContinuousBackups", {{"TableName", "Tbl"}}) == disabled);
  json r = db.Ok("UpdateContinuousBackups",
                 {{"TableName", "Tbl"},
                  {"PointInTimeRecoverySpecification", {{"PointInTimeRecoveryEnabled", true}}}});
  const double now = static_cast<double>(kTestNowMs) / 1000.0;
  const json enabled = {{"ContinuousBackupsDescription",
                         {{"ContinuousBackupsStatus", "ENABLED"},
                          {"PointInTimeRecoveryDescription",
                           {{"PointInTimeRecoveryStatus", "ENABLED"},
                            {"RecoveryPeriodInDays", 35},
                            {"EarliestRestorableDateTime", now},
                            {"LatestRestorableDateTime", now}}}}}};
  CHECK(r == enabled);
  CHECK(db.Ok("DescribeContinuousBackups", {{"TableName", "Tbl"}}) == enabled);
  r = db.Ok("UpdateContinuousBackups",
            {{"TableName", "Tbl"},
             {"PointInTimeRecoverySpecification",
              {{"PointInTimeRecoveryEnabled", true}, {"RecoveryPeriodInDays", 7}}}});
  CHECK(
      r["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"] ==
      7);
  db.CommitAll();
  TestDb reopened(Engine::Open(db.engine().SnapshotImages()).value());
  CHECK(reopened.Ok(
            "DescribeContinuousBackups",
            {{"TableName", "Tbl"}})["ContinuousBackupsDescription"]
                                   ["PointInTimeRecoveryDescription"]["RecoveryPeriodInDays"] == 7);
  CHECK(reopened.CheckText() == "OK");
  db.Ok("UpdateContinuousBackups",
        {{"TableName", "Tbl"},
         {"PointInTimeRecoverySpecification", {{"PointInTimeRecoveryEnabled", false}}}});
  CHECK(db.Ok("DescribeContinuousBackups", {{"TableName", "Tbl"}}) == disabled);
  // Errors.
  db.ExpectError("DescribeContinuousBackups", {{"TableName", "Nope"}}, "TableNotFoundException",
                 "Table not found: Nope");
  db.ExpectError("UpdateContinuousBackups",
                 {{"TableName", "Nope"},
                  {"PointInTimeRecoverySpecification", {{"PointInTimeRecoveryEnabled", true}}}},
                 "TableNotFoundException", "Table not found: Nope");
  db.ExpectError("UpdateContinuousBackups", {{"TableName", "Tbl"}}, kValidationException,
                 "1 validation error detected: Value null at 'pointInTimeRecoverySpecification' "
                 "failed to satisfy constraint: Member must not be null");
  db.ExpectError("UpdateContinuousBackups",
                 {{"TableName", "Tbl"},
                  {"PointInTimeRecoverySpecification",
                   {{"PointInTimeRecoveryEnabled", true}, {"RecoveryPeriodInDays", 36}}}},
                 kValidationException,
                 "1 validation error detected: Value '36' at "
                 "'pointInTimeRecoverySpecification.recoveryPeriodInDays' failed to satisfy "
                 "constraint: Member must have value less than or equal to 35");
  db.ExpectError("RestoreTableToPointInTime", {{"SourceTableName", "Tbl"}},
                 "UnknownOperationException", "");
}

TEST_CASE("DescribeLimits and DescribeEndpoints") {
  TestDb db;
  CHECK(db.Ok("DescribeLimits", json::object()) == json{{"AccountMaxReadCapacityUnits", 80000},
                                                        {"AccountMaxWriteCapacityUnits", 80000},
                                                        {"TableMaxReadCapacityUnits", 40000},
                                                        {"TableMaxWriteCapacityUnits", 40000}});
  CHECK(db.Ok("DescribeEndpoints", json::object()) ==
        json{{"Endpoints",
              json::array({{{"Address", "localhost"}, {"CachePeriodInMinutes", 1440}}})}});
}

}  // namespace
}  // namespace testing
}  // namespace pd
