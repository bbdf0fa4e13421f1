// Specs of the backup operations: CreateBackup, DescribeBackup, ListBackups,
// DeleteBackup, RestoreTableFromBackup. Members and constraints are those of
// DynamoDB's API model (CreateBackupInput, ...), in the model's member
// order; dynalite has no backup operations, so the order of aggregated
// validation errors follows the model.
//
// TableName of CreateBackup and ListBackups is the model's TableArn shape
// (1-1024 characters, a table name or a table ARN); the handlers resolve it.
// RestoreTableFromBackup's overrides that pocketdynamo cannot honour are
// rejected here with a ValidationException saying so, never ignored:
// GlobalSecondaryIndexOverride / LocalSecondaryIndexOverride (a restored
// table has exactly the backup's indexes), OnDemandThroughputOverride (no request
// throttling), SSESpecificationOverride with Enabled true (no KMS keys).
#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/op_specs.h"
#include "table/limits.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr Param BackupArnParam(std::string_view name) {
  return String(name).Length(kMinBackupArnLength, kMaxBackupArnLength);
}

constexpr Param ThroughputOverrideParam() {
  Param p = kProvisionedThroughputParam;
  p.name = "ProvisionedThroughputOverride";
  return p;
}

constexpr Param kTableNameOrArnParam = String("TableName").Length(1, kMaxTableNameOrArnLength);

constexpr Param kOnDemandThroughputMembers[] = {Long("MaxReadRequestUnits"),
                                                Long("MaxWriteRequestUnits")};
constexpr Param kSSESpecificationMembers[] = {
    Boolean("Enabled"), String("SSEType").Enum("AES256, KMS"), String("KMSMasterKeyId")};
constexpr Param kGlobalSecondaryIndexOverride = Struct("", "GlobalSecondaryIndex");
constexpr Param kLocalSecondaryIndexOverride = Struct("", "LocalSecondaryIndex");

std::optional<DdbError> RestoreCustom(const json& request) {
  if (Has(request, "GlobalSecondaryIndexOverride")) {
    return DdbError::Validation(
        "GlobalSecondaryIndexOverride is not supported by pocketdynamo yet: a restored "
        "table has the backup's indexes");
  }
  if (Has(request, "LocalSecondaryIndexOverride")) {
    return DdbError::Validation(
        "LocalSecondaryIndexOverride is not supported by pocketdynamo yet: a restored "
        "table has the backup's indexes");
  }
  if (Has(request, "OnDemandThroughputOverride")) {
    return DdbError::Validation(
        "OnDemandThroughputOverride is not supported by pocketdynamo: it does not throttle "
        "requests");
  }
  if (auto sse = request.find("SSESpecificationOverride"); sse != request.end()) {
    auto enabled = sse->find("Enabled");
    if (enabled != sse->end() && enabled->is_boolean() && enabled->get<bool>()) {
      return DdbError::Validation(
          "SSESpecificationOverride with Enabled true is not supported by pocketdynamo: there "
          "are no KMS keys");
    }
  }
  if (auto pt = request.find("ProvisionedThroughputOverride"); pt != request.end()) {
    for (const char* member : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
      auto v = pt->find(member);
      if (v != pt->end() && v->is_number_integer() && v->get<int64_t>() > kMaxCapacityUnits) {
        return DdbError::Validation(msg::CapacityOutOfBounds(v->get<int64_t>(), member));
      }
    }
    auto mode = request.find("BillingModeOverride");
    if (mode != request.end() && *mode == "PAY_PER_REQUEST") {
      return DdbError::Validation(msg::kThroughputWithOnDemand);
    }
  }
  return std::nullopt;
}

}  // namespace

constexpr Param kCreateBackupInput[] = {kTableNameOrArnParam.NotNull(),
                                        String("BackupName")
                                            .NotNull()
                                            .Matches(kTableNamePatternSpec)
                                            .Length(kMinBackupNameLength, kMaxBackupNameLength)};
constexpr OperationSpec kCreateBackupSpec{
    "CreateBackup", Struct("", "CreateBackupInput", kCreateBackupInput), nullptr};
const OperationSpec& CreateBackupSpec() { return kCreateBackupSpec; }

constexpr Param kDescribeBackupInput[] = {BackupArnParam("BackupArn").NotNull()};
constexpr OperationSpec kDescribeBackupSpec{
    "DescribeBackup", Struct("", "DescribeBackupInput", kDescribeBackupInput), nullptr};
const OperationSpec& DescribeBackupSpec() { return kDescribeBackupSpec; }

constexpr Param kDeleteBackupInput[] = {BackupArnParam("BackupArn").NotNull()};
constexpr OperationSpec kDeleteBackupSpec{
    "DeleteBackup", Struct("", "DeleteBackupInput", kDeleteBackupInput), nullptr};
const OperationSpec& DeleteBackupSpec() { return kDeleteBackupSpec; }

constexpr Param kListBackupsInput[] = {kTableNameOrArnParam,
                                       Integer("Limit").Min(1).Max(kMaxListBackupsLimit),
                                       Timestamp("TimeRangeLowerBound"),
                                       Timestamp("TimeRangeUpperBound"),
                                       BackupArnParam("ExclusiveStartBackupArn"),
                                       String("BackupType").Enum("USER, SYSTEM, AWS_BACKUP, ALL")};
constexpr OperationSpec kListBackupsSpec{
    "ListBackups", Struct("", "ListBackupsInput", kListBackupsInput), nullptr};
const OperationSpec& ListBackupsSpec() { return kListBackupsSpec; }

constexpr Param kRestoreTableFromBackupInput[] = {
    String("TargetTableName")
        .NotNull()
        .Matches(kTableNamePatternSpec)
        .Length(kMinTableNameLength, kMaxTableNameLength),
    BackupArnParam("BackupArn").NotNull(),
    String("BillingModeOverride").Enum(kBillingModes),
    List("GlobalSecondaryIndexOverride", kGlobalSecondaryIndexOverride),
    List("LocalSecondaryIndexOverride", kLocalSecondaryIndexOverride),
    ThroughputOverrideParam(),
    Struct("OnDemandThroughputOverride", "OnDemandThroughput", kOnDemandThroughputMembers),
    Struct("SSESpecificationOverride", "SSESpecification", kSSESpecificationMembers)};
constexpr OperationSpec kRestoreTableFromBackupSpec{
    "RestoreTableFromBackup",
    Struct("", "RestoreTableFromBackupInput", kRestoreTableFromBackupInput), &RestoreCustom};
const OperationSpec& RestoreTableFromBackupSpec() { return kRestoreTableFromBackupSpec; }

}  // namespace api
}  // namespace pd
