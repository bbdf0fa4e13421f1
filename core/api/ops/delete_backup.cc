// DeleteBackup: removes a backup and frees every page of its copy.
//
// BackupNotFoundException "Backup not found: <arn>" when there is no such
// backup. Response: {"BackupDescription": <BackupDescription>} as the backup
// was, with BackupStatus DELETED (api/ops/backup_util.h).
#include "api/describe_text.h"
#include "api/messages.h"
#include "api/ops/backup_util.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleDeleteBackup(Store& store, Context& ctx, const json& request) {
  const std::string arn = request.at("BackupArn").get<std::string>();
  Result<BackupEntry> dropped = Backups(store.catalog->pager()).Drop(arn);
  if (!dropped.ok()) {
    if (dropped.status().IsNotFound()) return DdbError::BackupNotFound(msg::kNoSuchBackup + arn);
    return StorageError(dropped.status());
  }
  return DescriptionResponse("BackupDescription", BackupDescriptionText(*dropped, "DELETED"));
}

}  // namespace api
}  // namespace pd
