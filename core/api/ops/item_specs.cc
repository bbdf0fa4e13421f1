// Specs of the single-item operations: PutItem, GetItem, UpdateItem,
// DeleteItem. Member order is the order DynamoDB reports validation errors
// in; the custom checks run in DynamoDB's order (dynalite's
// validations/<op>.js), with the legacy parameters rejected where DynamoDB
// would start checking them.
#include "api/ops/common_spec.h"
#include "api/ops/op_specs.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr char kReturnValuesAllOldOrNone[] = "ReturnValues can only be ALL_OLD or NONE";

std::optional<DdbError> CheckReturnValuesAllOldOrNone(const json& request) {
  auto it = request.find("ReturnValues");
  if (it != request.end() && *it != "ALL_OLD" && *it != "NONE") {
    return DdbError::Validation(kReturnValuesAllOldOrNone);
  }
  return std::nullopt;
}

// Legacy parameters are checked where DynamoDB checks them (dynalite's
// validations/<op>.js order); the handlers translate them (expr/legacy.h).

std::optional<DdbError> PutItemCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(CheckExpressionParams(request, {"ConditionExpression"}, {"Expected"}));
  Item item;
  PD_RETURN_IF_DDB_ERROR(DecodeItem(request.at("Item"), &item));
  PD_RETURN_IF_DDB_ERROR(CheckReturnValuesAllOldOrNone(request));
  PD_RETURN_IF_DDB_ERROR(CheckItemSize(item));
  PD_RETURN_IF_DDB_ERROR(CheckExpected(request));
  return CheckExpressionAttributes(request);
}

std::optional<DdbError> GetItemCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(
      CheckExpressionParams(request, {"ProjectionExpression"}, {"AttributesToGet"}));
  PD_RETURN_IF_DDB_ERROR(CheckAttributeMap(request.at("Key")));
  PD_RETURN_IF_DDB_ERROR(CheckAttributesToGet(request));
  return CheckExpressionAttributes(request);
}

std::optional<DdbError> DeleteItemCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(CheckExpressionParams(request, {"ConditionExpression"}, {"Expected"}));
  PD_RETURN_IF_DDB_ERROR(CheckAttributeMap(request.at("Key")));
  PD_RETURN_IF_DDB_ERROR(CheckReturnValuesAllOldOrNone(request));
  PD_RETURN_IF_DDB_ERROR(CheckExpected(request));
  return CheckExpressionAttributes(request);
}

std::optional<DdbError> UpdateItemCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(CheckExpressionParams(request, {"UpdateExpression", "ConditionExpression"},
                                               {"AttributeUpdates", "Expected"}));
  PD_RETURN_IF_DDB_ERROR(CheckAttributeMap(request.at("Key")));
  PD_RETURN_IF_DDB_ERROR(CheckAttributeUpdates(request));
  PD_RETURN_IF_DDB_ERROR(CheckExpected(request));
  return CheckExpressionAttributes(request);
}

Param AttributeUpdatesParam() {
  return Map("AttributeUpdates",
             Struct("", "AttributeValueUpdate",
                    {String("Action").Enum({"ADD", "PUT", "DELETE"}),
                     AttributeValueParam("Value")}));
}

}  // namespace

const OperationSpec& PutItemSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "PutItem",
      Struct("", "PutItemInput",
             {ReturnConsumedCapacityParam(), ItemTableNameParam(),
              AttributeMapParam("Item").NotNull(), ConditionalOperatorParam(), ExpectedParam(),
              ReturnValuesParam(), ReturnItemCollectionMetricsParam(),
              ConditionExpressionParam(), ExpressionAttributeValuesParam(),
              ExpressionAttributeNamesParam(), ReturnValuesOnConditionCheckFailureParam()}),
      &PutItemCustom};
  return *kSpec;
}

const OperationSpec& GetItemSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "GetItem",
      Struct("", "GetItemInput",
             {ReturnConsumedCapacityParam(), AttributesToGetParam(), ItemTableNameParam(),
              AttributeMapParam("Key").NotNull(), ConsistentReadParam(),
              ProjectionExpressionParam(), ExpressionAttributeNamesParam()}),
      &GetItemCustom};
  return *kSpec;
}

const OperationSpec& DeleteItemSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "DeleteItem",
      Struct("", "DeleteItemInput",
             {ReturnConsumedCapacityParam(), ItemTableNameParam(), ReturnValuesParam(),
              ReturnItemCollectionMetricsParam(), AttributeMapParam("Key").NotNull(),
              ConditionalOperatorParam(), ExpectedParam(), ConditionExpressionParam(),
              ExpressionAttributeValuesParam(), ExpressionAttributeNamesParam(),
              ReturnValuesOnConditionCheckFailureParam()}),
      &DeleteItemCustom};
  return *kSpec;
}

const OperationSpec& UpdateItemSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "UpdateItem",
      Struct("", "UpdateItemInput",
             {ReturnConsumedCapacityParam(), ItemTableNameParam(),
              ReturnItemCollectionMetricsParam(), ReturnValuesParam(),
              AttributeMapParam("Key").NotNull(), ConditionalOperatorParam(), ExpectedParam(),
              AttributeUpdatesParam(), ConditionExpressionParam(), String("UpdateExpression"),
              ExpressionAttributeValuesParam(), ExpressionAttributeNamesParam(),
              ReturnValuesOnConditionCheckFailureParam()}),
      &UpdateItemCustom};
  return *kSpec;
}

}  // namespace api
}  // namespace pd
