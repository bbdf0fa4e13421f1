// Specs of Query and Scan. Member order is the order DynamoDB reports
// validation errors in; custom checks follow dynalite's validations/query.js
// and scan.js, legacy parameters rejected where DynamoDB would check them.
#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/op_specs.h"
#include "table/limits.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

std::optional<DdbError> CheckStartKey(const json& request) {
  auto it = request.find("ExclusiveStartKey");
  if (it == request.end()) return std::nullopt;
  return CheckAttributeMap(*it, std::string(msg::kStartKeyInvalid) + ": ");
}

// Legacy parameters are checked where DynamoDB checks them (QueryFilter /
// ScanFilter conditions early, KeyConditions after the expressions); the
// handlers translate them (expr/legacy.h).
std::optional<DdbError> QueryCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(CheckExpressionParams(
      request, {"ProjectionExpression", "FilterExpression", "KeyConditionExpression"},
      {"AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions"}));
  PD_RETURN_IF_DDB_ERROR(CheckConditionMap(request, "QueryFilter"));
  PD_RETURN_IF_DDB_ERROR(CheckAttributesToGet(request));
  PD_RETURN_IF_DDB_ERROR(CheckStartKey(request));
  if (!Has(request, "KeyConditionExpression") && !Has(request, "KeyConditions")) {
    return DdbError::Validation(msg::kKeyConditionRequired);
  }
  PD_RETURN_IF_DDB_ERROR(CheckExpressionAttributes(request));
  if (!Has(request, "KeyConditionExpression")) {
    PD_RETURN_IF_DDB_ERROR(CheckConditionMap(request, "KeyConditions"));
    const size_t n = request.at("KeyConditions").size();
    if (n != 1 && n != 2) return DdbError::Validation(msg::kKeyConditionCount);
  }
  return CheckSelect(request, /*query=*/true);
}

std::optional<DdbError> ScanCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(
      CheckExpressionParams(request, {"ProjectionExpression", "FilterExpression"},
                            {"AttributesToGet", "ScanFilter", "ConditionalOperator"}));
  PD_RETURN_IF_DDB_ERROR(CheckAttributesToGet(request));
  PD_RETURN_IF_DDB_ERROR(CheckConditionMap(request, "ScanFilter"));
  PD_RETURN_IF_DDB_ERROR(CheckStartKey(request));
  const bool has_segment = Has(request, "Segment");
  const bool has_total = Has(request, "TotalSegments");
  if (has_segment && !has_total) {
    return DdbError::Validation(
        "The TotalSegments parameter is required but was not present in the request when "
        "Segment parameter is present");
  }
  if (has_total) {
    if (!has_segment) {
      return DdbError::Validation(
          "The Segment parameter is required but was not present in the request when parameter "
          "TotalSegments is present");
    }
    int64_t segment = request.at("Segment").get<int64_t>();
    int64_t total = request.at("TotalSegments").get<int64_t>();
    if (segment >= total) {
      return DdbError::Validation(
          "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
          "Segment: " +
          std::to_string(segment) + " is not less than TotalSegments: " + std::to_string(total));
    }
  }
  PD_RETURN_IF_DDB_ERROR(CheckExpressionAttributes(request));
  return CheckSelect(request, /*query=*/false);
}

constexpr Param kSelectParam =
    String("Select").Enum("SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES");

}  // namespace

constexpr Param kQueryInput[] = {Integer("Limit").Min(1),
                                 AttributeMapParam("ExclusiveStartKey"),
                                 kReturnConsumedCapacityParam,
                                 kAttributesToGetParam,
                                 ConditionMapParam("QueryFilter"),
                                 kSelectParam,
                                 kConditionalOperatorParam,
                                 ConditionMapParam("KeyConditions"),
                                 kItemTableNameParam,
                                 kConsistentReadParam,
                                 kIndexNameParam,
                                 Boolean("ScanIndexForward"),
                                 String("KeyConditionExpression"),
                                 String("FilterExpression"),
                                 kProjectionExpressionParam,
                                 kExpressionAttributeValuesParam,
                                 kExpressionAttributeNamesParam};
constexpr OperationSpec kQuerySpec{"Query", Struct("", "QueryInput", kQueryInput), &QueryCustom};
const OperationSpec& QuerySpec() { return kQuerySpec; }

constexpr Param kScanInput[] = {Integer("Limit").Min(1),
                                kReturnConsumedCapacityParam,
                                kAttributesToGetParam,
                                Integer("Segment").Min(0).Max(kMaxScanTotalSegments - 1),
                                kSelectParam,
                                ConditionMapParam("ScanFilter"),
                                kConditionalOperatorParam,
                                Integer("TotalSegments").Min(1).Max(kMaxScanTotalSegments),
                                kItemTableNameParam,
                                AttributeMapParam("ExclusiveStartKey"),
                                kIndexNameParam,
                                String("FilterExpression"),
                                kProjectionExpressionParam,
                                kExpressionAttributeValuesParam,
                                kExpressionAttributeNamesParam,
                                kConsistentReadParam};
constexpr OperationSpec kScanSpec{"Scan", Struct("", "ScanInput", kScanInput), &ScanCustom};
const OperationSpec& ScanSpec() { return kScanSpec; }

}  // namespace api
}  // namespace pd
