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
#include "api/ops/common_spec.h"
#include "api/ops/op_specs.h"
#include "table/limits.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr char kInvalidPrefix[] = "One or more parameter values were invalid: ";

Param BackupArnParam(const char* name) {
  return String(name).Length(kMinBackupArnLength, kMaxBackupArnLength);
}

Param ThroughputOverrideParam() {
  Param p = ProvisionedThroughputParam();
  p.name = "ProvisionedThroughputOverride";
  return p;
}

Param TableNameOrArnParam() { return String("TableName").Length(1, kMaxTableNameOrArnLength); }

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
        return DdbError::Validation("Given value " + std::to_string(v->get<int64_t>()) + " for " +
                                    member + " is out of bounds");
      }
    }
    auto mode = request.find("BillingModeOverride");
    if (mode != request.end() && *mode == "PAY_PER_REQUEST") {
      return DdbError::Validation(std::string(kInvalidPrefix) +
                                  "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                                  "specified when BillingMode is PAY_PER_REQUEST");
    }
  }
  return std::nullopt;
}

}  // namespace

const OperationSpec& CreateBackupSpec() {
  static const OperationSpec* const kSpec =
      new OperationSpec{"CreateBackup",
                        Struct("", "CreateBackupInput",
                               {TableNameOrArnParam().NotNull(),
                                String("BackupName")
                                    .NotNull()
                                    .Matches(kTableNamePatternSpec)
                                    .Length(kMinBackupNameLength, kMaxBackupNameLength)}),
                        nullptr};
  return *kSpec;
}

const OperationSpec& DescribeBackupSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "DescribeBackup", Struct("", "DescribeBackupInput", {BackupArnParam("BackupArn").NotNull()}),
      nullptr};
  return *kSpec;
}

const OperationSpec& DeleteBackupSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "DeleteBackup", Struct("", "DeleteBackupInput", {BackupArnParam("BackupArn").NotNull()}),
      nullptr};
  return *kSpec;
}

const OperationSpec& ListBackupsSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "ListBackups",
      Struct("", "ListBackupsInput",
             {TableNameOrArnParam(), Integer("Limit").Min(1).Max(kMaxListBackupsLimit),
              Timestamp("TimeRangeLowerBound"), Timestamp("TimeRangeUpperBound"),
              BackupArnParam("ExclusiveStartBackupArn"),
              String("BackupType").Enum({"USER", "SYSTEM", "AWS_BACKUP", "ALL"})}),
      nullptr};
  return *kSpec;
}

const OperationSpec& RestoreTableFromBackupSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "RestoreTableFromBackup",
      Struct("", "RestoreTableFromBackupInput",
             {String("TargetTableName")
                  .NotNull()
                  .Matches(kTableNamePatternSpec)
                  .Length(kMinTableNameLength, kMaxTableNameLength),
              BackupArnParam("BackupArn").NotNull(),
              String("BillingModeOverride").Enum({"PROVISIONED", "PAY_PER_REQUEST"}),
              List("GlobalSecondaryIndexOverride", Struct("", "GlobalSecondaryIndex", {})),
              List("LocalSecondaryIndexOverride", Struct("", "LocalSecondaryIndex", {})),
              ThroughputOverrideParam(),
              Struct("OnDemandThroughputOverride", "OnDemandThroughput",
                     {Long("MaxReadRequestUnits"), Long("MaxWriteRequestUnits")}),
              Struct("SSESpecificationOverride", "SSESpecification",
                     {Boolean("Enabled"), String("SSEType").Enum({"AES256", "KMS"}),
                      String("KMSMasterKeyId")})}),
      &RestoreCustom};
  return *kSpec;
}

}  // namespace api
}  // namespace pd
