// Specs of the table operations: CreateTable, DescribeTable, ListTables,
// DeleteTable, UpdateTable. Member order is the order DynamoDB reports
// validation errors in (as recorded by dynalite's validations/*.js).
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

constexpr char kInvalidPrefix[] = "One or more parameter values were invalid: ";

Param TableClassParam() {
  return String("TableClass").Enum({"STANDARD", "STANDARD_INFREQUENT_ACCESS"});
}

Param DeletionProtectionParam() { return Boolean("DeletionProtectionEnabled"); }

Param LocalSecondaryIndexesParam() {
  return List("LocalSecondaryIndexes",
              Struct("", "LocalSecondaryIndex",
                     {String("IndexName")
                          .NotNull()
                          .Matches(kTableNamePatternSpec)
                          .Length(kMinIndexNameLength, kMaxIndexNameLength),
                      KeySchemaParam(false), ProjectionParam().NotNull()}));
}

Param GlobalSecondaryIndexesParam() {
  return List(
      "GlobalSecondaryIndexes",
      Struct("", "GlobalSecondaryIndex",
             {String("IndexName")
                  .NotNull()
                  .Matches(kTableNamePatternSpec)
                  .Length(kMinIndexNameLength, kMaxIndexNameLength),
              KeySchemaParam(false), ProjectionParam().NotNull(), ProvisionedThroughputParam()}));
}

// Checked by CheckTagList (tags.cc) with DynamoDB's texts, after the rest.
Param TagsParam() { return List("Tags", Struct("", "Tag", {String("Key"), String("Value")})); }

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
        return DdbError::Validation("Given value " + std::to_string(v->get<int64_t>()) + " for " +
                                    member + " is out of bounds");
      }
    }
    auto mode = request.find("BillingMode");
    if (mode != request.end() && *mode == "PAY_PER_REQUEST") {
      return DdbError::Validation(std::string(kInvalidPrefix) +
                                  "Neither ReadCapacityUnits nor WriteCapacityUnits can be "
                                  "specified when BillingMode is PAY_PER_REQUEST");
    }
  }
  if (has_indexes) PD_RETURN_IF_DDB_ERROR(CheckIndexUpdatesRequest(request));
  if (auto stream = request.find("StreamSpecification"); stream != request.end()) {
    auto enabled = stream->find("StreamEnabled");
    const bool on = enabled != stream->end() && enabled->is_boolean() && enabled->get<bool>();
    const bool has_view = stream->find("StreamViewType") != stream->end();
    if (on && !has_view) {
      return DdbError::Validation(std::string(kInvalidPrefix) +
                                  "If stream is being enabled then UpdateViewType is required");
    }
    if (!on && has_view) {
      return DdbError::Validation(std::string(kInvalidPrefix) +
                                  "If stream is being disabled, then UpdateViewType must not be "
                                  "specified");
    }
  }
  return std::nullopt;
}

Param GlobalSecondaryIndexUpdatesParam() {
  Param index_name = String("IndexName")
                         .NotNull()
                         .Matches(kTableNamePatternSpec)
                         .Length(kMinIndexNameLength, kMaxIndexNameLength);
  return List("GlobalSecondaryIndexUpdates",
              Struct("", "GlobalSecondaryIndexUpdate",
                     {Struct("Update", "UpdateGlobalSecondaryIndexAction",
                             {Param(index_name), ProvisionedThroughputParam().NotNull()}),
                      Struct("Create", "CreateGlobalSecondaryIndexAction",
                             {ProjectionParam().NotNull(), Param(index_name),
                              ProvisionedThroughputParam(), KeySchemaParam(false)}),
                      Struct("Delete", "DeleteGlobalSecondaryIndexAction", {Param(index_name)})}));
}

}  // namespace

const OperationSpec& CreateTableSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "CreateTable",
      Struct(
          "", "CreateTableInput",
          {AttributeDefinitionsParam().NotNull(), TableTableNameParam(), BillingModeParam(),
           ProvisionedThroughputParam(), KeySchemaParam(true),
           // Current DynamoDB reports GSI errors before LSI errors.
           GlobalSecondaryIndexesParam(), LocalSecondaryIndexesParam(), StreamSpecificationParam(),
           TagsParam(), TableClassParam(), DeletionProtectionParam()}),
      &CreateTableCustom};
  return *kSpec;
}

const OperationSpec& DescribeTableSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "DescribeTable", Struct("", "DescribeTableInput", {TableTableNameParam()}), nullptr};
  return *kSpec;
}

const OperationSpec& DeleteTableSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "DeleteTable", Struct("", "DeleteTableInput", {TableTableNameParam()}), nullptr};
  return *kSpec;
}

const OperationSpec& ListTablesSpec() {
  static const OperationSpec* const kSpec =
      new OperationSpec{"ListTables",
                        Struct("", "ListTablesInput",
                               {Integer("Limit").Min(1).Max(kMaxListTablesLimit),
                                String("ExclusiveStartTableName")
                                    .Matches(kTableNamePatternSpec)
                                    .Length(kMinTableNameLength, kMaxTableNameLength)}),
                        nullptr};
  return *kSpec;
}

const OperationSpec& UpdateTableSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "UpdateTable",
      Struct("", "UpdateTableInput",
             {AttributeDefinitionsParam(), TableTableNameParam(), BillingModeParam(),
              ProvisionedThroughputParam(), GlobalSecondaryIndexUpdatesParam(),
              StreamSpecificationParam(), TableClassParam(), DeletionProtectionParam()}),
      &UpdateTableCustom};
  return *kSpec;
}

}  // namespace api
}  // namespace pd
