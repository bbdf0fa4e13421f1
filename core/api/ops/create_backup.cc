// CreateBackup: a consistent snapshot of one table, kept in the database
// (table/backups.h): every item of the table at this instant and its
// description, copied within this request's pager operation.
//
// TableName may be the table's name or its ARN. Errors:
// TableNotFoundException "Table not found: <name>" when there is no such
// table (CreateBackup's exception, not ResourceNotFoundException). The
// backup is complete when the call returns, so BackupStatus is AVAILABLE at
// once (DynamoDB answers CREATING and becomes AVAILABLE later).
// Response: {"BackupDetails": <BackupDetails>} (api/ops/backup_util.h).
#include "api/messages.h"
#include "api/ops/backup_util.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleCreateBackup(Store& store, Context& ctx, const json& request) {
  const std::string name = TableNameFromNameOrArn(request.at("TableName").get<std::string>());
  Result<BackupEntry> backup =
      Backups(store.catalog->pager())
          .Create(store.catalog, name, request.at("BackupName").get<std::string>(), ctx.NowMs());
  if (!backup.ok()) {
    if (backup.status().IsNotFound()) return DdbError::TableNotFound(msg::kNoSuchTable + name);
    return StorageError(backup.status());
  }
  return json{{"BackupDetails", BackupDetailsJson(*backup)}};
}

}  // namespace api
}  // namespace pd
