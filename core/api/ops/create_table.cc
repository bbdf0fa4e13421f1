// CreateTable: adds a table to the catalog with an empty B+tree.
//
// The spec (api/ops/table_specs.cc, FromCreateTableRequest in api/table_request.h)
// has validated the request; here: ResourceInUseException "Table already
// exists: <name>" if the name is taken, else the table is created and is
// ACTIVE at once (DynamoDB answers CREATING and becomes ACTIVE later; there
// is nothing to wait for here). A StreamSpecification with StreamEnabled
// creates the table's stream, labelled with the creation time.
//
// The new table is stamped with the request time (Context clock) as
// CreationDateTime (and LastUpdateToPayPerRequestDateTime for on-demand
// tables), and a TableId in UUID v4 form (MakeTableId, handler_util.h).
//
// Response: {"TableDescription": <DescribeTable's shape>}.
#include <string>

#include "api/describe_text.h"
#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/table_request.h"
#include "table/table_description.h"

namespace pd {
namespace api {

using nlohmann::json;

DdbResult<json> HandleCreateTable(Store& store, Context& ctx, const json& request) {
  Result<TableDescription> d = FromCreateTableRequest(request);
  if (!d.ok()) return StorageError(d.status());
  Result<CatalogEntry> existing = store.catalog->Get(d->name);
  if (existing.ok()) return DdbError::ResourceInUse(msg::kTableExists + d->name);
  if (!existing.status().IsNotFound()) return StorageError(existing.status());

  const int64_t now = ctx.NowMs();
  d->creation_time_ms = now;
  if (d->billing_mode == BillingMode::kPayPerRequest) d->billing_mode_time_ms = now;
  d->table_id = MakeTableId(d->name, now, *store.catalog->pager());
  if (d->stream.enabled) d->stream.label_ms = now;
  Result<CatalogEntry> created = store.catalog->Create(*d);
  if (!created.ok()) return StorageError(created.status());
  if (d->stream.enabled) {
    Status s = store.change_log->CreateStream(created->description);
    if (!s.ok()) return StorageError(s);
  }
  return DescriptionResponse("TableDescription", TableDescriptionText(created->description));
}

}  // namespace api
}  // namespace pd
