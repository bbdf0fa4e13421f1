// DescribeContinuousBackups / UpdateContinuousBackups (the point-in-time
// recovery setting, which infrastructure tools read on every refresh) and the
// account-level DescribeLimits / DescribeEndpoints.
//
// Continuous backups. The setting is stored in the table's catalog entry
// (table/table_description.h PointInTimeRecoverySettings) and reported as
// it stands; point-in-time restore itself (RestoreTableToPointInTime) is not
// implemented and is answered as an unknown operation.
//   Describe: {"ContinuousBackupsDescription": {"ContinuousBackupsStatus":
//     "ENABLED", "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus":
//     "ENABLED"|"DISABLED", and while enabled "RecoveryPeriodInDays",
//     "EarliestRestorableDateTime" (when it was enabled), "LatestRestorableDateTime"
//     (now)}}} — DynamoDB keeps continuous backups ENABLED on every table.
//   Update (PointInTimeRecoverySpecification {PointInTimeRecoveryEnabled,
//     RecoveryPeriodInDays 1-35, default 35}): sets it and answers the same
//     description. Enabling an enabled table keeps its earliest time.
//   A table that does not exist: TableNotFoundException "Table not found:
//   <name>".
//
// DescribeLimits: the default quotas DynamoDB documents ("Service, account,
// and table quotas"): 80,000 read and write units per account, 40,000 per
// table. pocketdynamo enforces none of them (it does not throttle).
// DescribeEndpoints: one endpoint, "localhost", cached 1440 minutes:
// the database runs in the calling process and has no regional address; a
// server in front of it (web/server) answers with its own.
#include <string>

#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/ops/op_specs.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr int64_t kDefaultRecoveryPeriodDays = 35;
constexpr int64_t kAccountMaxCapacityUnits = 80000;
constexpr int64_t kTableMaxCapacityUnits = 40000;
constexpr int64_t kEndpointCacheMinutes = 1440;

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

DdbResult<CatalogEntry> FindTable(Store& store, const std::string& name) {
  Result<CatalogEntry> entry = store.catalog->Get(name);
  if (entry.ok()) return std::move(entry).value();
  if (entry.status().IsNotFound()) return DdbError::TableNotFound(msg::kNoSuchTable + name);
  return StorageError(entry.status());
}

json Description(const PointInTimeRecoverySettings& pitr, int64_t now_ms) {
  json recovery = {{"PointInTimeRecoveryStatus", pitr.enabled ? "ENABLED" : "DISABLED"}};
  if (pitr.enabled) {
    recovery["RecoveryPeriodInDays"] = pitr.recovery_period_days;
    recovery["EarliestRestorableDateTime"] = Seconds(pitr.enabled_time_ms);
    recovery["LatestRestorableDateTime"] = Seconds(now_ms);
  }
  return json{{"ContinuousBackupsDescription",
               {{"ContinuousBackupsStatus", "ENABLED"},
                {"PointInTimeRecoveryDescription", std::move(recovery)}}}};
}

}  // namespace

constexpr Param kPointInTimeRecoverySpecificationMembers[] = {
    Boolean("PointInTimeRecoveryEnabled").NotNull(),
    Integer("RecoveryPeriodInDays").Min(1).Max(kDefaultRecoveryPeriodDays)};

constexpr Param kDescribeContinuousBackupsInput[] = {kTableTableNameParam};
constexpr OperationSpec kDescribeContinuousBackupsSpec{
    "DescribeContinuousBackups",
    Struct("", "DescribeContinuousBackupsInput", kDescribeContinuousBackupsInput), nullptr};
const OperationSpec& DescribeContinuousBackupsSpec() { return kDescribeContinuousBackupsSpec; }

constexpr Param kUpdateContinuousBackupsInput[] = {
    kTableTableNameParam,
    Struct("PointInTimeRecoverySpecification", "PointInTimeRecoverySpecification",
           kPointInTimeRecoverySpecificationMembers)
        .NotNull()};
constexpr OperationSpec kUpdateContinuousBackupsSpec{
    "UpdateContinuousBackups",
    Struct("", "UpdateContinuousBackupsInput", kUpdateContinuousBackupsInput), nullptr};
const OperationSpec& UpdateContinuousBackupsSpec() { return kUpdateContinuousBackupsSpec; }

constexpr OperationSpec kDescribeLimitsSpec{"DescribeLimits", Struct("", "DescribeLimitsInput"),
                                            nullptr};
const OperationSpec& DescribeLimitsSpec() { return kDescribeLimitsSpec; }

constexpr OperationSpec kDescribeEndpointsSpec{"DescribeEndpoints",
                                               Struct("", "DescribeEndpointsRequest"), nullptr};
const OperationSpec& DescribeEndpointsSpec() { return kDescribeEndpointsSpec; }

DdbResult<json> HandleDescribeContinuousBackups(Store& store, Context& ctx, const json& request) {
  DdbResult<CatalogEntry> entry = FindTable(store, request.at("TableName").get<std::string>());
  if (!entry.ok()) return entry.take_error();
  return Description(entry->description.pitr, ctx.NowMs());
}

DdbResult<json> HandleUpdateContinuousBackups(Store& store, Context& ctx, const json& request) {
  DdbResult<CatalogEntry> entry = FindTable(store, request.at("TableName").get<std::string>());
  if (!entry.ok()) return entry.take_error();
  const json& spec = request.at("PointInTimeRecoverySpecification");
  const bool enable = spec.at("PointInTimeRecoveryEnabled").get<bool>();
  const int64_t now = ctx.NowMs();
  PointInTimeRecoverySettings& pitr = entry->description.pitr;
  if (enable) {
    if (!pitr.enabled) pitr.enabled_time_ms = now > 0 ? now : 1;
    pitr.enabled = true;
    pitr.recovery_period_days = spec.value("RecoveryPeriodInDays", kDefaultRecoveryPeriodDays);
  } else {
    pitr = PointInTimeRecoverySettings();
  }
  Status s = store.catalog->Update(*entry);
  if (!s.ok()) return StorageError(s);
  return Description(pitr, now);
}

DdbResult<json> HandleDescribeLimits(Store& store, Context& ctx, const json& request) {
  (void)store;
  (void)ctx;
  (void)request;
  return json{{"AccountMaxReadCapacityUnits", kAccountMaxCapacityUnits},
              {"AccountMaxWriteCapacityUnits", kAccountMaxCapacityUnits},
              {"TableMaxReadCapacityUnits", kTableMaxCapacityUnits},
              {"TableMaxWriteCapacityUnits", kTableMaxCapacityUnits}};
}

DdbResult<json> HandleDescribeEndpoints(Store& store, Context& ctx, const json& request) {
  (void)store;
  (void)ctx;
  (void)request;
  return json{{"Endpoints", json::array({{{"Address", "localhost"},
                                          {"CachePeriodInMinutes", kEndpointCacheMinutes}}})}};
}

}  // namespace api
}  // namespace pd
