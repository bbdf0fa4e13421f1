// UpdateTable's GlobalSecondaryIndexUpdates: request checks (spec step) and
// their application to a table's catalog entry (handler step). The
// UpdateTable handler (api/ops/update_table.cc) calls these; the rules and
// DynamoDB's messages are in index_updates.cc's header comment.
#ifndef PD_API_OPS_INDEX_UPDATES_H_
#define PD_API_OPS_INDEX_UPDATES_H_

#include <nlohmann/json.hpp>
#include <optional>

#include "api/error.h"
#include "api/ops/handlers.h"
#include "table/catalog.h"

namespace pd {
namespace api {

// Request-only checks of GlobalSecondaryIndexUpdates (after the parameter
// spec): one action per element, one action per index name.
std::optional<DdbError> CheckIndexUpdatesRequest(const nlohmann::json& request);

// Applies the request's GlobalSecondaryIndexUpdates to `entry` (whose
// billing mode, after this UpdateTable, is entry->description.billing_mode;
// `was_pay_per_request` is the mode before it): Update sets a GSI's
// throughput, Delete drops a GSI and its tree, Create adds a GSI with a new
// tree filled from the table's items. Also zeroes the GSIs' throughput when
// the table switched to PAY_PER_REQUEST and requires it for every GSI when
// it switched to PROVISIONED. Pages change only through the pager operation
// the caller runs in; the caller writes the entry back.
std::optional<DdbError> ApplyIndexUpdates(Store& store, const nlohmann::json& request,
                                          bool was_pay_per_request, CatalogEntry* entry);

}  // namespace api
}  // namespace pd

#endif  // PD_API_OPS_INDEX_UPDATES_H_
