// The storage-facing operation handlers: one function per DynamoDB
// operation, in core/api/ops/<operation>.cc. The engine (core/engine.cc)
// binds each to the database's Store and lists it in its Dispatcher together
// with the operation's spec (api/ops/op_specs.h).
//
// Contract of every handler
//   - `request` has passed the operation's spec (api/spec.h phases 1-3): it
//     holds only declared members with the declared JSON types, and the
//     storage-free checks have been made. The handler does the rest in
//     DynamoDB's order: expressions (syntax, placeholders defined and used),
//     table existence, key schema, conditions, limits on the result.
//   - It returns the response object (DynamoDB JSON) or the DdbError to send.
//   - Write handlers may leave partial page changes behind when they return
//     an error: the engine runs every write operation inside a pager
//     operation and rolls it back on error, so a failed request changes
//     nothing. Handlers never open or close pager operations themselves.
//   - Storage failures (Corruption, OutOfSpace) come back as
//     InternalServerError carrying the storage message.
//   - Handlers keep no pointers into the request or the store after they
//     return.
#ifndef PD_API_OPS_HANDLERS_H_
#define PD_API_OPS_HANDLERS_H_

#include <nlohmann/json.hpp>

#include "api/dispatch.h"
#include "api/error.h"
#include "table/catalog.h"
#include "table/stream_log.h"

namespace pd {
namespace api {

// What a storage handler works on: the open database. Owned by the engine.
struct Store {
  Catalog* catalog = nullptr;        // the database's catalog (and through it, the pager); not owned
  ChangeLog* change_log = nullptr;   // streams and the change feed (table/stream_log.h); not owned
};

using StoreHandler = DdbResult<nlohmann::json> (*)(Store& store, Context& ctx,
                                                   const nlohmann::json& request);

// Tables.
DdbResult<nlohmann::json> HandleCreateTable(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleDescribeTable(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleListTables(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleDeleteTable(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleUpdateTable(Store& store, Context& ctx, const nlohmann::json& request);
// Single items.
DdbResult<nlohmann::json> HandlePutItem(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleGetItem(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleUpdateItem(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleDeleteItem(Store& store, Context& ctx, const nlohmann::json& request);
// Many items (reads: query.cc, scan.cc, batch_get_item.cc; writes:
// batch_write_item.cc, transact_write_items.cc; transact_get_items.cc).
DdbResult<nlohmann::json> HandleQuery(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleScan(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleBatchGetItem(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleBatchWriteItem(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleTransactWriteItems(Store& store, Context& ctx,
                                                   const nlohmann::json& request);
DdbResult<nlohmann::json> HandleTransactGetItems(Store& store, Context& ctx,
                                                 const nlohmann::json& request);
// PartiQL (execute_statement.cc): statements lowered onto the handlers above.
// BatchExecuteStatement runs each write statement as its own pager operation
// (a failed statement changes nothing, the others stay): the engine lists it
// as a read so that it is not wrapped in one operation.
DdbResult<nlohmann::json> HandleExecuteStatement(Store& store, Context& ctx,
                                                 const nlohmann::json& request);
DdbResult<nlohmann::json> HandleBatchExecuteStatement(Store& store, Context& ctx,
                                                      const nlohmann::json& request);
DdbResult<nlohmann::json> HandleExecuteTransaction(Store& store, Context& ctx,
                                                   const nlohmann::json& request);
// Backups (create_backup.cc, describe_backup.cc, list_backups.cc,
// delete_backup.cc, restore_table_from_backup.cc; table/backups.h).
DdbResult<nlohmann::json> HandleCreateBackup(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleDescribeBackup(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleListBackups(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleDeleteBackup(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleRestoreTableFromBackup(Store& store, Context& ctx,
                                                       const nlohmann::json& request);
// Time to live (time_to_live.cc).
DdbResult<nlohmann::json> HandleUpdateTimeToLive(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleDescribeTimeToLive(Store& store, Context& ctx, const nlohmann::json& request);
// Tags (tags.cc).
DdbResult<nlohmann::json> HandleTagResource(Store& store, Context& ctx,
                                            const nlohmann::json& request);
DdbResult<nlohmann::json> HandleUntagResource(Store& store, Context& ctx,
                                              const nlohmann::json& request);
DdbResult<nlohmann::json> HandleListTagsOfResource(Store& store, Context& ctx,
                                                   const nlohmann::json& request);
// Continuous backups, limits, endpoints (continuous_backups.cc).
DdbResult<nlohmann::json> HandleDescribeContinuousBackups(Store& store, Context& ctx,
                                                          const nlohmann::json& request);
DdbResult<nlohmann::json> HandleUpdateContinuousBackups(Store& store, Context& ctx,
                                                        const nlohmann::json& request);
DdbResult<nlohmann::json> HandleDescribeLimits(Store& store, Context& ctx,
                                               const nlohmann::json& request);
DdbResult<nlohmann::json> HandleDescribeEndpoints(Store& store, Context& ctx,
                                                  const nlohmann::json& request);
// DynamoDB Streams (streams.cc).
DdbResult<nlohmann::json> HandleListStreams(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleDescribeStream(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleGetShardIterator(Store& store, Context& ctx, const nlohmann::json& request);
DdbResult<nlohmann::json> HandleGetRecords(Store& store, Context& ctx, const nlohmann::json& request);

}  // namespace api
}  // namespace pd

#endif  // PD_API_OPS_HANDLERS_H_
