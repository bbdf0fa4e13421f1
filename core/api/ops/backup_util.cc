// Shared steps of the backup handlers (contract in api/ops/backup_util.h).
#include "api/ops/backup_util.h"

#include "api/ops/handler_util.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

}  // namespace

DdbResult<BackupEntry> FindBackup(Store& store, const std::string& arn) {
  Result<BackupEntry> entry = Backups(store.catalog->pager()).Get(arn);
  if (entry.ok()) return std::move(entry).value();
  if (entry.status().IsNotFound()) return DdbError::BackupNotFound("Backup not found: " + arn);
  return StorageError(entry.status());
}

std::string TableNameFromNameOrArn(const std::string& name_or_arn) {
  const std::string prefix =
      std::string("arn:aws:dynamodb:") + kArnRegion + ":" + kArnAccount + ":table/";
  if (name_or_arn.size() > prefix.size() && name_or_arn.compare(0, prefix.size(), prefix) == 0) {
    return name_or_arn.substr(prefix.size());
  }
  return name_or_arn;
}

json BackupDetailsJson(const BackupEntry& backup, const char* status) {
  return {{"BackupArn", backup.arn},
          {"BackupName", backup.name},
          {"BackupSizeBytes", backup.table.size_bytes},
          {"BackupStatus", status},
          {"BackupType", "USER"},
          {"BackupCreationDateTime", Seconds(backup.created_ms)}};
}

json BackupSummaryJson(const BackupEntry& backup) {
  return {{"TableName", backup.table.name},
          {"TableId", backup.table.table_id},
          {"TableArn", backup.table.Arn()},
          {"BackupArn", backup.arn},
          {"BackupName", backup.name},
          {"BackupCreationDateTime", Seconds(backup.created_ms)},
          {"BackupStatus", "AVAILABLE"},
          {"BackupType", "USER"},
          {"BackupSizeBytes", backup.table.size_bytes}};
}

json BackupDescriptionJson(const BackupEntry& backup, const char* status) {
  const TableDescription& t = backup.table;
  const json described = t.ToDescribeJson();
  json source = {{"TableName", t.name},
                 {"TableId", t.table_id},
                 {"TableArn", t.Arn()},
                 {"TableSizeBytes", t.size_bytes},
                 {"KeySchema", described.at("KeySchema")},
                 {"TableCreationDateTime", Seconds(t.creation_time_ms)},
                 {"ProvisionedThroughput",
                  {{"ReadCapacityUnits", t.read_capacity_units},
                   {"WriteCapacityUnits", t.write_capacity_units}}},
                 {"ItemCount", t.item_count},
                 {"BillingMode", t.billing_mode == BillingMode::kPayPerRequest ? "PAY_PER_REQUEST"
                                                                               : "PROVISIONED"}};
  json out = {{"BackupDetails", BackupDetailsJson(backup, status)},
              {"SourceTableDetails", std::move(source)}};
  // Whatever TableDescription describes of indexes and streams, in the
  // SourceTableFeatureDetails shapes.
  json features = json::object();
  if (auto lsis = described.find("LocalSecondaryIndexes"); lsis != described.end()) {
    json list = json::array();
    for (const json& i : *lsis) {
      json info = json::object();
      for (const char* m : {"IndexName", "KeySchema", "Projection"}) {
        if (i.contains(m)) info[m] = i.at(m);
      }
      list.push_back(std::move(info));
    }
    features["LocalSecondaryIndexes"] = std::move(list);
  }
  if (auto gsis = described.find("GlobalSecondaryIndexes"); gsis != described.end()) {
    json list = json::array();
    for (const json& i : *gsis) {
      json info = json::object();
      for (const char* m : {"IndexName", "KeySchema", "Projection"}) {
        if (i.contains(m)) info[m] = i.at(m);
      }
      if (auto pt = i.find("ProvisionedThroughput"); pt != i.end()) {
        info["ProvisionedThroughput"] = {
            {"ReadCapacityUnits", pt->value("ReadCapacityUnits", 0)},
            {"WriteCapacityUnits", pt->value("WriteCapacityUnits", 0)}};
      }
      list.push_back(std::move(info));
    }
    features["GlobalSecondaryIndexes"] = std::move(list);
  }
  if (auto stream = described.find("StreamSpecification"); stream != described.end()) {
    features["StreamDescription"] = *stream;
  }
  if (!features.empty()) out["SourceTableFeatureDetails"] = std::move(features);
  return out;
}

}  // namespace api
}  // namespace pd
