// DescribeBackup: a backup's details and what it holds of its source table.
//
// BackupNotFoundException "Backup not found: <arn>" when there is no such
// backup. Response: {"BackupDescription": <BackupDescription>}
// (api/ops/backup_util.h), BackupStatus AVAILABLE.
#include "api/describe_text.h"
#include "api/ops/backup_util.h"
#include "api/ops/handlers.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleDescribeBackup(Store& store, Context& ctx, const json& request) {
  DdbResult<BackupEntry> backup = FindBackup(store, request.at("BackupArn").get<std::string>());
  if (!backup.ok()) return backup.take_error();
  return DescriptionResponse("BackupDescription", BackupDescriptionText(*backup));
}

}  // namespace api
}  // namespace pd
