// ListTables: table names in byte order, a page of at most Limit (1-100,
// default 100; the spec checks the range) after ExclusiveStartTableName
// (which need not name an existing table).
//
// Response: {"TableNames": [...]} plus "LastEvaluatedTableName" (the last
// name of the page) only when more names follow, so a client pages until it
// is absent.
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "table/limits.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleListTables(Store& store, Context& ctx, const json& request) {
  uint32_t limit = kMaxListTablesLimit;
  auto it = request.find("Limit");
  if (it != request.end() && it->is_number_integer()) {
    const int64_t v = it->get<int64_t>();
    if (v >= 1 && v < kMaxListTablesLimit) limit = static_cast<uint32_t>(v);
  }
  Result<TableNamePage> page =
      store.catalog->List(StringMember(request, "ExclusiveStartTableName"), limit);
  if (!page.ok()) return StorageError(page.status());
  json response = {{"TableNames", page->names}};
  if (page->last_evaluated) response["LastEvaluatedTableName"] = *page->last_evaluated;
  return response;
}

}  // namespace api
}  // namespace pd
