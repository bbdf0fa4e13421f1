// Specs of TransactWriteItems and TransactGetItems, after the DynamoDB API
// reference (required members not null, 1-100 actions, ClientRequestToken
// 1-36 characters) and dynalite's validations/transactWriteItems.js for the
// custom checks.
#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/op_specs.h"
#include "table/limits.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

constexpr const char* kWriteActions[] = {"ConditionCheck", "Put", "Delete", "Update"};

std::optional<DdbError> TransactWriteItemsCustom(const json& request) {
  for (const json& action : request.at("TransactItems")) {
    int present = 0;
    for (const char* name : kWriteActions) present += Has(action, name) ? 1 : 0;
    if (present == 0) {
      return DdbError::Validation(msg::kInvalidAction);
    }
    if (present > 1) {
      return DdbError::Validation(
          "TransactItems can only contain one of Check, Put, Update or Delete");
    }
    if (Has(action, "Put")) {
      const json& put = action.at("Put");
      Item item;
      PD_RETURN_IF_DDB_ERROR(DecodeItem(put.at("Item"), &item));
      PD_RETURN_IF_DDB_ERROR(CheckItemSize(item));
      PD_RETURN_IF_DDB_ERROR(CheckExpressionParams(put, {"ConditionExpression"}, {}));
      PD_RETURN_IF_DDB_ERROR(CheckExpressionAttributes(put));
    } else if (Has(action, "Update")) {
      const json& update = action.at("Update");
      PD_RETURN_IF_DDB_ERROR(CheckAttributeMap(update.at("Key")));
      PD_RETURN_IF_DDB_ERROR(
          CheckExpressionParams(update, {"UpdateExpression", "ConditionExpression"}, {}));
      PD_RETURN_IF_DDB_ERROR(CheckExpressionAttributes(update));
    } else {
      const json& other = Has(action, "Delete") ? action.at("Delete") : action.at("ConditionCheck");
      PD_RETURN_IF_DDB_ERROR(CheckAttributeMap(other.at("Key")));
      PD_RETURN_IF_DDB_ERROR(CheckExpressionParams(other, {"ConditionExpression"}, {}));
      PD_RETURN_IF_DDB_ERROR(CheckExpressionAttributes(other));
    }
  }
  return std::nullopt;
}

std::optional<DdbError> TransactGetItemsCustom(const json& request) {
  for (const json& action : request.at("TransactItems")) {
    const json& get = action.at("Get");
    PD_RETURN_IF_DDB_ERROR(CheckAttributeMap(get.at("Key")));
    PD_RETURN_IF_DDB_ERROR(CheckExpressionParams(get, {"ProjectionExpression"}, {}));
    PD_RETURN_IF_DDB_ERROR(CheckExpressionAttributes(get));
  }
  return std::nullopt;
}

// Each write action's members, in DynamoDB's order: the key or item, the
// table, the action's own, then the expression maps.
constexpr Param kConditionCheckMembers[] = {
    AttributeMapParam("Key").NotNull(),  kItemTableNameParam,
    kConditionExpressionParam.NotNull(), kExpressionAttributeNamesParam,
    kExpressionAttributeValuesParam,     kReturnValuesOnConditionCheckFailureParam};
constexpr Param kPutMembers[] = {
    AttributeMapParam("Item").NotNull(), kItemTableNameParam,
    kConditionExpressionParam,           kExpressionAttributeNamesParam,
    kExpressionAttributeValuesParam,     kReturnValuesOnConditionCheckFailureParam};
constexpr Param kDeleteMembers[] = {
    AttributeMapParam("Key").NotNull(), kItemTableNameParam,
    kConditionExpressionParam,          kExpressionAttributeNamesParam,
    kExpressionAttributeValuesParam,    kReturnValuesOnConditionCheckFailureParam};
constexpr Param kUpdateMembers[] = {
    AttributeMapParam("Key").NotNull(),       kItemTableNameParam,
    String("UpdateExpression").NotNull(),     kConditionExpressionParam,
    kExpressionAttributeNamesParam,           kExpressionAttributeValuesParam,
    kReturnValuesOnConditionCheckFailureParam};
constexpr Param kTransactWriteItemMembers[] = {
    Struct("ConditionCheck", "ConditionCheck", kConditionCheckMembers),
    Struct("Put", "Put", kPutMembers), Struct("Delete", "Delete", kDeleteMembers),
    Struct("Update", "Update", kUpdateMembers)};
constexpr Param kTransactWriteItem = Struct("", "TransactWriteItem", kTransactWriteItemMembers);
constexpr Param kTransactWriteItemsMembers[] = {
    kReturnConsumedCapacityParam, kReturnItemCollectionMetricsParam,
    String("ClientRequestToken").Length(1, kMaxClientRequestTokenLength),
    List("TransactItems", kTransactWriteItem).NotNull().Length(1, kMaxTransactionItems)};
constexpr OperationSpec kTransactWriteItems{
    "TransactWriteItems", Struct("", "TransactWriteItemsInput", kTransactWriteItemsMembers),
    &TransactWriteItemsCustom};

constexpr Param kGetMembers[] = {AttributeMapParam("Key").NotNull(), kItemTableNameParam,
                                 kProjectionExpressionParam, kExpressionAttributeNamesParam};
constexpr Param kTransactGetItemMembers[] = {Struct("Get", "Get", kGetMembers).NotNull()};
constexpr Param kTransactGetItem = Struct("", "TransactGetItem", kTransactGetItemMembers);
constexpr Param kTransactGetItemsMembers[] = {
    kReturnConsumedCapacityParam,
    List("TransactItems", kTransactGetItem).NotNull().Length(1, kMaxTransactionItems)};
constexpr OperationSpec kTransactGetItems{
    "TransactGetItems", Struct("", "TransactGetItemsInput", kTransactGetItemsMembers),
    &TransactGetItemsCustom};

}  // namespace

const OperationSpec& TransactWriteItemsSpec() { return kTransactWriteItems; }
const OperationSpec& TransactGetItemsSpec() { return kTransactGetItems; }

}  // namespace api
}  // namespace pd
