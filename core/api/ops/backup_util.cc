// Shared steps of the backup handlers (contract in api/ops/backup_util.h).
#include "api/ops/backup_util.h"

#include "api/messages.h"
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
  if (entry.status().IsNotFound()) return DdbError::BackupNotFound(msg::kNoSuchBackup + arn);
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

}  // namespace api
}  // namespace pd
