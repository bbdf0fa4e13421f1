// Specs of BatchGetItem and BatchWriteItem. Member order is the order
// DynamoDB reports validation errors in; custom checks follow dynalite's
// validations/batchGetItem.js and batchWriteItem.js. Tables are visited in
// name order.
#include "api/ops/common_spec.h"
#include "api/ops/op_specs.h"
#include "table/limits.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

// RequestItems keys are table names.
ElementLengths TableNameKeys() {
  ElementLengths keys;
  keys.max_length = kMaxTableNameLength;
  keys.min_length = kMinTableNameLength;
  keys.pattern = &kTableNamePatternSpec;
  return keys;
}

std::optional<DdbError> BatchGetItemCustom(const json& request) {
  uint32_t keys_requested = 0;
  const json& tables = request.at("RequestItems");
  for (auto table = tables.begin(); table != tables.end(); ++table) {
    const json& entry = *table;
    PD_RETURN_IF_DDB_ERROR(
        CheckExpressionParams(entry, {"ProjectionExpression"}, {"AttributesToGet"}));
    PD_RETURN_IF_DDB_ERROR(CheckAttributesToGet(entry));
    std::vector<Item> seen;
    for (const json& key : entry.at("Keys")) {
      Item decoded;
      PD_RETURN_IF_DDB_ERROR(CheckAttributeMap(key));
      PD_RETURN_IF_DDB_ERROR(DecodeItem(key, &decoded));
      for (const Item& other : seen) {
        if (other == decoded) {
          return DdbError::Validation("Provided list of item keys contains duplicates");
        }
      }
      seen.push_back(std::move(decoded));
      if (++keys_requested > kMaxBatchGetKeys) {
        return DdbError::Validation("Too many items requested for the BatchGetItem call");
      }
    }
    PD_RETURN_IF_DDB_ERROR(CheckExpressionAttributes(entry));
  }
  return std::nullopt;
}

std::optional<DdbError> BatchWriteItemCustom(const json& request) {
  const json& tables = request.at("RequestItems");
  uint32_t writes = 0;
  for (auto table = tables.begin(); table != tables.end(); ++table) {
    for (const json& write : *table) {
      // A WriteRequest holds exactly one of PutRequest and DeleteRequest.
      if (Has(write, "PutRequest") == Has(write, "DeleteRequest")) {
        return DdbError::Validation(
            "Supplied AttributeValue has more than one datatypes set, must contain exactly one "
            "of the supported datatypes");
      }
    }
    for (const json& write : *table) {
      if (Has(write, "PutRequest")) {
        Item item;
        PD_RETURN_IF_DDB_ERROR(DecodeItem(write.at("PutRequest").at("Item"), &item));
        PD_RETURN_IF_DDB_ERROR(CheckItemSize(item));
      } else {
        PD_RETURN_IF_DDB_ERROR(CheckAttributeMap(write.at("DeleteRequest").at("Key")));
      }
      if (++writes > kMaxBatchWriteRequests) {
        return DdbError::Validation("Too many items requested for the BatchWriteItem call");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

const OperationSpec& BatchGetItemSpec() {
  static const OperationSpec* const kSpec = new OperationSpec{
      "BatchGetItem",
      Struct("", "BatchGetItemInput",
             {ReturnConsumedCapacityParam(),
              Map("RequestItems",
                  Struct("", "KeysAndAttributes",
                         {List("Keys", Map("", AttributeValueParam()))
                              .NotNull()
                              .Length(1, kMaxBatchGetKeys)
                              .UnechoedLength(),
                          AttributesToGetParam(), ConsistentReadParam(),
                          ProjectionExpressionParam(), ExpressionAttributeNamesParam()}))
                  .NotNull()
                  .MinLength(1)
                  .UnechoedLength()
                  .Keys(TableNameKeys())}),
      &BatchGetItemCustom};
  return *kSpec;
}

const OperationSpec& BatchWriteItemSpec() {
  static const OperationSpec* const kSpec = [] {
  ElementLengths values;
  values.max_length = kMaxBatchWriteRequests;
  values.min_length = 1;
  return new OperationSpec{
      "BatchWriteItem",
      Struct("", "BatchWriteItemInput",
             {ReturnConsumedCapacityParam(), ReturnItemCollectionMetricsParam(),
              Map("RequestItems", List("", Struct("", "WriteRequest",
                                                  {Struct("DeleteRequest", "DeleteRequest",
                                                          {AttributeMapParam("Key").NotNull()}),
                                                   Struct("PutRequest", "PutRequest",
                                                          {AttributeMapParam("Item").NotNull()})})))
                  .NotNull()
                  .MinLength(1)
                  .UnechoedLength()
                  .Keys(TableNameKeys())
                  .Values(values)}),
      &BatchWriteItemCustom};
  }();
  return *kSpec;
}

}  // namespace api
}  // namespace pd
