// Shared steps of the backup handlers (create_backup.cc, describe_backup.cc,
// list_backups.cc, delete_backup.cc, restore_table_from_backup.cc): finding
// a backup with DynamoDB's not-found error, resolving a TableName that may
// be a table ARN, and the response shapes built from a BackupEntry
// (table/backups.h).
//
// Response shapes (DynamoDB's API model; times are epoch seconds with the
// milliseconds as a fraction, as CreationDateTime elsewhere):
//   BackupDetails       {BackupArn, BackupName, BackupSizeBytes, BackupStatus,
//                        BackupType "USER", BackupCreationDateTime}
//   BackupSummary       {TableName, TableId, TableArn, BackupArn, BackupName,
//                        BackupCreationDateTime, BackupStatus, BackupType,
//                        BackupSizeBytes}
//   BackupDescription   {BackupDetails, SourceTableDetails {TableName, TableId,
//                        TableArn, TableSizeBytes, KeySchema,
//                        TableCreationDateTime, ProvisionedThroughput
//                        {ReadCapacityUnits, WriteCapacityUnits}, ItemCount,
//                        BillingMode}, SourceTableFeatureDetails (only when the
//                        source table had secondary indexes or a stream:
//                        LocalSecondaryIndexes, GlobalSecondaryIndexes,
//                        StreamDescription)}
// BackupSizeBytes is the source table's TableSizeBytes at backup time.
#ifndef PD_API_OPS_BACKUP_UTIL_H_
#define PD_API_OPS_BACKUP_UTIL_H_

#include <nlohmann/json.hpp>
#include <string>

#include "api/error.h"
#include "api/ops/handlers.h"
#include "table/backups.h"

namespace pd {
namespace api {

// The backup named by `arn`, or BackupNotFoundException "Backup not found:
// <arn>" (storage failures as StorageError).
DdbResult<BackupEntry> FindBackup(Store& store, const std::string& arn);

// A TableName member that may hold a table ARN
// ("arn:aws:dynamodb:local:000000000000:table/<name>"): the table name.
// Anything else is returned as is (and is then simply not found).
std::string TableNameFromNameOrArn(const std::string& name_or_arn);

nlohmann::json BackupDetailsJson(const BackupEntry& backup, const char* status = "AVAILABLE");
nlohmann::json BackupSummaryJson(const BackupEntry& backup);

}  // namespace api
}  // namespace pd

#endif  // PD_API_OPS_BACKUP_UTIL_H_
