// Specs of the table operations: CreateTable, DescribeTable, ListTables,
// DeleteTable, UpdateTable. Member order is the order DynamoDB reports
// validation errors in (as recorded by dynalite's validations/*.js).
#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/index_updates.h"
#include "api/ops/op_specs.h"
#include "api/table_request.h"
#include "table/limits.h"
#include "table/table_description.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr Param kTableClassParam =
    String("TableClass").Enum("STANDARD, STANDARD_INFREQUENT_ACCESS");

constexpr Param kDeletionProtectionParam = Boolean("DeletionProtectionEnabled");

constexpr Param kIndexNameMember = String("IndexName")
                                       .NotNull()
                                       .Matches(kTableNamePatternSpec)
                                       .Length(kMinIndexNameLength, kMaxIndexNameLength);

constexpr Param kLocalSecondaryIndexMembers[] = {kIndexNameMember, kIndexKeySchemaParam,
                                                 kProjectionParam.NotNull()};
constexpr Param kLocalSecondaryIndex =
    Struct("", "LocalSecondaryIndex", kLocalSecondaryIndexMembers);
constexpr Param kLocalSecondaryIndexesParam = List("LocalSecondaryIndexes", kLocalSecondaryIndex);

constexpr Param kGlobalSecondaryIndexMembers[] = {kIndexNameMember, kIndexKeySchemaParam,
                                                  kProjectionParam.NotNull(),
                                                  kProvisionedThroughputParam};
constexpr Param kGlobalSecondaryIndex =
    Struct("", "GlobalSecondaryIndex", kGlobalSecondaryIndexMembers);
constexpr Param kGlobalSecondaryIndexesParam =
    List("GlobalSecondaryIndexes", kGlobalSecondaryIndex);

// ---- CreateTable ----------------------------------------------------------------

std::optional<DdbError> CreateTableCustom(const json& request) {
  Result<TableDescription> d = FromCreateTableRequest(request);
  if (!d.ok()) return DdbError::Validation(d.status().message());
  if (Has(request, "Tags")) return CheckTagList(request.at("Tags"), "Tags");
  return std::nullopt;
}

// ---- UpdateTable ----------------------------------------------------------------

std::optional<DdbError> UpdateTableCustom(const json& request) {
  bool has_indexes = false;
  if (auto it = request.find("GlobalSecondaryIndexUpdates"); it != request.end()) {
    has_indexes = it->is_array() && !it->empty();
  }
  if (!Has(request, "ProvisionedThroughput") && !Has(request, "BillingMode") &&
      !Has(request, "StreamSpecification") && !has_indexes && !Has(request, "TableClass") &&
      !Has(request, "DeletionProtectionEnabled")) {
    return DdbError::Validation(
        "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
        "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  }
  if (auto pt = request.find("ProvisionedThroughput"); pt != request.end()) {
    for (const char* member : {"ReadCapacityUnits", "WriteCapacityUnits"}) {
      auto v = pt->find(member);
      if (v != pt->end() && v->is_number_integer() && v->get<int64_t>() > kMaxCapacityUnits) {
        return DdbError::Validation(msg::CapacityOutOfBounds(v->get<int64_t>(), member));
      }
    }
    auto mode = request.find("BillingMode");
    if (mode != request.end() && *mode == "PAY_PER_REQUEST") {
      return DdbError::Validation(msg::kThroughputWithOnDemand);
    }
  }
  if (has_indexes) PD_RETURN_IF_DDB_ERROR(CheckIndexUpdatesRequest(request));
  if (auto stream = request.find("StreamSpecification"); stream != request.end()) {
    auto enabled = stream->find("StreamEnabled");
    const bool on = enabled != stream->end() && enabled->is_boolean() && enabled->get<bool>();
    const bool has_view = stream->find("StreamViewType") != stream->end();
    if (on && !has_view) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "If stream is being enabled then UpdateViewType is required");
    }
    if (!on && has_view) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "If stream is being disabled, then UpdateViewType must not be "
                                  "specified");
    }
  }
  return std::nullopt;
}

constexpr Param kUpdateIndexActionMembers[] = {kIndexNameMember,
                                               kProvisionedThroughputParam.NotNull()};
constexpr Param kCreateIndexActionMembers[] = {kProjectionParam.NotNull(), kIndexNameMember,
                                               kProvisionedThroughputParam, kIndexKeySchemaParam};
constexpr Param kDeleteIndexActionMembers[] = {kIndexNameMember};
constexpr Param kGlobalSecondaryIndexUpdateMembers[] = {
    Struct("Update", "UpdateGlobalSecondaryIndexAction", kUpdateIndexActionMembers),
    Struct("Create", "CreateGlobalSecondaryIndexAction", kCreateIndexActionMembers),
    Struct("Delete", "DeleteGlobalSecondaryIndexAction", kDeleteIndexActionMembers)};
constexpr Param kGlobalSecondaryIndexUpdate =
    Struct("", "GlobalSecondaryIndexUpdate", kGlobalSecondaryIndexUpdateMembers);
constexpr Param kGlobalSecondaryIndexUpdatesParam =
    List("GlobalSecondaryIndexUpdates", kGlobalSecondaryIndexUpdate);

}  // namespace

constexpr Param kCreateTableInput[] = {
    kAttributeDefinitionsParam.NotNull(), kTableTableNameParam, kBillingModeParam,
    kProvisionedThroughputParam, kTableKeySchemaParam,
    // Current DynamoDB reports GSI errors before LSI errors.
    kGlobalSecondaryIndexesParam, kLocalSecondaryIndexesParam, kStreamSpecificationParam,
    kTagListParam, kTableClassParam, kDeletionProtectionParam};
constexpr OperationSpec kCreateTableSpec{
    "CreateTable", Struct("", "CreateTableInput", kCreateTableInput), &CreateTableCustom};
const OperationSpec& CreateTableSpec() { return kCreateTableSpec; }

constexpr Param kDescribeTableInput[] = {kTableTableNameParam};
constexpr OperationSpec kDescribeTableSpec{
    "DescribeTable", Struct("", "DescribeTableInput", kDescribeTableInput), nullptr};
const OperationSpec& DescribeTableSpec() { return kDescribeTableSpec; }

constexpr Param kDeleteTableInput[] = {kTableTableNameParam};
constexpr OperationSpec kDeleteTableSpec{
    "DeleteTable", Struct("", "DeleteTableInput", kDeleteTableInput), nullptr};
const OperationSpec& DeleteTableSpec() { return kDeleteTableSpec; }

constexpr Param kListTablesInput[] = {Integer("Limit").Min(1).Max(kMaxListTablesLimit),
                                      String("ExclusiveStartTableName")
                                          .Matches(kTableNamePatternSpec)
                                          .Length(kMinTableNameLength, kMaxTableNameLength)};
constexpr OperationSpec kListTablesSpec{"ListTables",
                                        Struct("", "ListTablesInput", kListTablesInput), nullptr};
const OperationSpec& ListTablesSpec() { return kListTablesSpec; }

constexpr Param kUpdateTableInput[] = {kAttributeDefinitionsParam,
                                       kTableTableNameParam,
                                       kBillingModeParam,
                                       kProvisionedThroughputParam,
                                       kGlobalSecondaryIndexUpdatesParam,
                                       kStreamSpecificationParam,
                                       kTableClassParam,
                                       kDeletionProtectionParam};
constexpr OperationSpec kUpdateTableSpec{
    "UpdateTable", Struct("", "UpdateTableInput", kUpdateTableInput), &UpdateTableCustom};
const OperationSpec& UpdateTableSpec() { return kUpdateTableSpec; }

}  // namespace api
}  // namespace pd
