// DescribeTable: a table's metadata and live counts.
//
// ResourceNotFoundException "Requested resource not found: Table: <name> not
// found" when there is no such table (the table operations' text).
// Response: {"Table": <TableDescription>} with TableStatus ACTIVE and the
// current ItemCount / TableSizeBytes (kept exact by every write, where
// DynamoDB refreshes them about every six hours).
#include "api/describe_text.h"
#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleDescribeTable(Store& store, Context& ctx, const json& request) {
  const std::string name = request.at("TableName").get<std::string>();
  Result<CatalogEntry> entry = store.catalog->Get(name);
  if (!entry.ok()) {
    if (entry.status().IsNotFound()) {
      return DdbError::ResourceNotFound(msg::TableNotFound(name));
    }
    return StorageError(entry.status());
  }
  return DescriptionResponse("Table", TableDescriptionText(entry->description));
}

}  // namespace api
}  // namespace pd
