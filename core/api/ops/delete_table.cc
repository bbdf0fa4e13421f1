// DeleteTable: removes a table and frees every page of its tree.
//
// Errors: ResourceNotFoundException "Requested resource not found: Table:
// <name> not found"; ValidationException "Resource cannot be deleted as it is
// currently protected against deletion. Disable deletion protection first."
// when DeletionProtectionEnabled is set. The table's enabled stream becomes
// DISABLED and stays readable for 24 hours (table/stream_log.h).
// Response: {"TableDescription": ...} as the table was, with TableStatus
// DELETING (DynamoDB's answer; here the table is already gone).
#include "api/describe_text.h"
#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleDeleteTable(Store& store, Context& ctx, const json& request) {
  const std::string name = request.at("TableName").get<std::string>();
  Result<CatalogEntry> entry = store.catalog->Get(name);
  if (!entry.ok()) {
    if (entry.status().IsNotFound()) {
      return DdbError::ResourceNotFound(msg::TableNotFound(name));
    }
    return StorageError(entry.status());
  }
  if (entry->description.deletion_protection) {
    return DdbError::Validation(
        "Resource cannot be deleted as it is currently protected against deletion. Disable "
        "deletion protection first.");
  }
  Result<CatalogEntry> dropped = store.catalog->Drop(name);
  if (!dropped.ok()) return StorageError(dropped.status());
  if (dropped->description.stream.enabled) {  // the stream stays readable, DISABLED, for 24 h
    Status s = store.change_log->DisableStream(dropped->description.StreamArn(), ctx.NowMs());
    if (!s.ok()) return StorageError(s);
  }
  return DescriptionResponse("TableDescription",
                             TableDescriptionText(dropped->description, "DELETING"));
}

}  // namespace api
}  // namespace pd
