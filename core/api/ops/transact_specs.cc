// Specs of TransactWriteItems and TransactGetItems, after the DynamoDB API
// reference (required members not null, 1-100 actions, ClientRequestToken
// 1-36 characters) and dynalite's validations/transactWriteItems.js for the
// custom checks.
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
      return DdbError::Validation(
          "The action or operation requested is invalid. Verify that the action is typed "
          "correctly.");
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

// The members every write action has, in DynamoDB's order.
std::vector<Param> ActionMembers(Param key_or_item, std::vector<Param> extra) {
  std::vector<Param> members;
  members.push_back(std::move(key_or_item));
  members.push_back(ItemTableNameParam());
  for (Param& p : extra) members.push_back(std::move(p));
  members.push_back(ExpressionAttributeNamesParam());
  members.push_back(ExpressionAttributeValuesParam());
  members.push_back(ReturnValuesOnConditionCheckFailureParam());
  return members;
}

}  // namespace

const OperationSpec& TransactWriteItemsSpec() {
  static const OperationSpec* const kSpec = [] {
  std::vector<Param> cc_extra;
  cc_extra.push_back(ConditionExpressionParam().NotNull());
  std::vector<Param> put_extra;
  put_extra.push_back(ConditionExpressionParam());
  std::vector<Param> delete_extra;
  delete_extra.push_back(ConditionExpressionParam());
  std::vector<Param> update_extra;
  update_extra.push_back(String("UpdateExpression").NotNull());
  update_extra.push_back(ConditionExpressionParam());
  return new OperationSpec{
      "TransactWriteItems",
      Struct(
          "", "TransactWriteItemsInput",
          {ReturnConsumedCapacityParam(), ReturnItemCollectionMetricsParam(),
           String("ClientRequestToken").Length(1, kMaxClientRequestTokenLength),
           List("TransactItems",
                Struct("", "TransactWriteItem",
                       {Struct("ConditionCheck", "ConditionCheck",
                               ActionMembers(AttributeMapParam("Key").NotNull(),
                                             std::move(cc_extra))),
                        Struct("Put", "Put",
                               ActionMembers(AttributeMapParam("Item").NotNull(),
                                             std::move(put_extra))),
                        Struct("Delete", "Delete",
                               ActionMembers(AttributeMapParam("Key").NotNull(),
                                             std::move(delete_extra))),
                        Struct("Update", "Update",
                               ActionMembers(AttributeMapParam("Key").NotNull(),
                                             std::move(update_extra)))}))
               .NotNull()
               .Length(1, kMaxTransactionItems)}),
      &TransactWriteItemsCustom};
  }();
  return *kSpec;
}

const OperationSpec& TransactGetItemsSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "TransactGetItems",
      Struct("", "TransactGetItemsInput",
             {ReturnConsumedCapacityParam(),
              List("TransactItems",
                   Struct("", "TransactGetItem",
                          {Struct("Get", "Get",
                                  {AttributeMapParam("Key").NotNull(), ItemTableNameParam(),
                                   ProjectionExpressionParam(), ExpressionAttributeNamesParam()})
                               .NotNull()}))
                  .NotNull()
                  .Length(1, kMaxTransactionItems)}),
      &TransactGetItemsCustom};
  return *kSpec;
}

}  // namespace api
}  // namespace pd
