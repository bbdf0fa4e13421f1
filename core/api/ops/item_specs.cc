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
  KeepCheckedMap(request.at("Item"), std::move(item));  // for HandlePutItem
  PD_RETURN_IF_DDB_ERROR(CheckExpected(request));
  return CheckExpressionAttributes(request);
}

std::optional<DdbError> GetItemCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(
      CheckExpressionParams(request, {"ProjectionExpression"}, {"AttributesToGet"}));
  PD_RETURN_IF_DDB_ERROR(CheckKeyMap(request.at("Key")));
  PD_RETURN_IF_DDB_ERROR(CheckAttributesToGet(request));
  return CheckExpressionAttributes(request);
}

std::optional<DdbError> DeleteItemCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(CheckExpressionParams(request, {"ConditionExpression"}, {"Expected"}));
  PD_RETURN_IF_DDB_ERROR(CheckKeyMap(request.at("Key")));
  PD_RETURN_IF_DDB_ERROR(CheckReturnValuesAllOldOrNone(request));
  PD_RETURN_IF_DDB_ERROR(CheckExpected(request));
  return CheckExpressionAttributes(request);
}

std::optional<DdbError> UpdateItemCustom(const json& request) {
  PD_RETURN_IF_DDB_ERROR(CheckExpressionParams(request, {"UpdateExpression", "ConditionExpression"},
                                               {"AttributeUpdates", "Expected"}));
  PD_RETURN_IF_DDB_ERROR(CheckKeyMap(request.at("Key")));
  PD_RETURN_IF_DDB_ERROR(CheckAttributeUpdates(request));
  PD_RETURN_IF_DDB_ERROR(CheckExpected(request));
  return CheckExpressionAttributes(request);
}

constexpr Param kAttributeValueUpdateMembers[] = {String("Action").Enum("ADD, PUT, DELETE"),
                                                  AttributeValueParam("Value")};
constexpr Param kAttributeValueUpdate =
    Struct("", "AttributeValueUpdate", kAttributeValueUpdateMembers);
constexpr Param kAttributeUpdatesParam = Map("AttributeUpdates", kAttributeValueUpdate);

}  // namespace

constexpr Param kPutItemInput[] = {kReturnConsumedCapacityParam,
                                   kItemTableNameParam,
                                   AttributeMapParam("Item").NotNull(),
                                   kConditionalOperatorParam,
                                   kExpectedParam,
                                   kReturnValuesParam,
                                   kReturnItemCollectionMetricsParam,
                                   kConditionExpressionParam,
                                   kExpressionAttributeValuesParam,
                                   kExpressionAttributeNamesParam,
                                   kReturnValuesOnConditionCheckFailureParam};
constexpr OperationSpec kPutItemSpec{"PutItem", Struct("", "PutItemInput", kPutItemInput),
                                     &PutItemCustom};
const OperationSpec& PutItemSpec() { return kPutItemSpec; }

constexpr Param kGetItemInput[] = {
    kReturnConsumedCapacityParam,       kAttributesToGetParam, kItemTableNameParam,
    AttributeMapParam("Key").NotNull(), kConsistentReadParam,  kProjectionExpressionParam,
    kExpressionAttributeNamesParam};
constexpr OperationSpec kGetItemSpec{"GetItem", Struct("", "GetItemInput", kGetItemInput),
                                     &GetItemCustom};
const OperationSpec& GetItemSpec() { return kGetItemSpec; }

constexpr Param kDeleteItemInput[] = {kReturnConsumedCapacityParam,
                                      kItemTableNameParam,
                                      kReturnValuesParam,
                                      kReturnItemCollectionMetricsParam,
                                      AttributeMapParam("Key").NotNull(),
                                      kConditionalOperatorParam,
                                      kExpectedParam,
                                      kConditionExpressionParam,
                                      kExpressionAttributeValuesParam,
                                      kExpressionAttributeNamesParam,
                                      kReturnValuesOnConditionCheckFailureParam};
constexpr OperationSpec kDeleteItemSpec{
    "DeleteItem", Struct("", "DeleteItemInput", kDeleteItemInput), &DeleteItemCustom};
const OperationSpec& DeleteItemSpec() { return kDeleteItemSpec; }

constexpr Param kUpdateItemInput[] = {kReturnConsumedCapacityParam,
                                      kItemTableNameParam,
                                      kReturnItemCollectionMetricsParam,
                                      kReturnValuesParam,
                                      AttributeMapParam("Key").NotNull(),
                                      kConditionalOperatorParam,
                                      kExpectedParam,
                                      kAttributeUpdatesParam,
                                      kConditionExpressionParam,
                                      String("UpdateExpression"),
                                      kExpressionAttributeValuesParam,
                                      kExpressionAttributeNamesParam,
                                      kReturnValuesOnConditionCheckFailureParam};
constexpr OperationSpec kUpdateItemSpec{
    "UpdateItem", Struct("", "UpdateItemInput", kUpdateItemInput), &UpdateItemCustom};
const OperationSpec& UpdateItemSpec() { return kUpdateItemSpec; }

}  // namespace api
}  // namespace pd
