// Specs of BatchGetItem and BatchWriteItem. Member order is the order
// DynamoDB reports validation errors in; custom checks follow dynalite's
// validations/batchGetItem.js and batchWriteItem.js. Tables are visited in
// name order.
#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/op_specs.h"
#include "table/limits.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

// RequestItems keys are table names.
constexpr ElementLengths kTableNameKeys{kMaxTableNameLength, kMinTableNameLength,
                                        &kTableNamePatternSpec};

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
          return DdbError::Validation(msg::kDuplicateKeys);
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
        return DdbError::Validation(msg::kManyTypes);
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

constexpr Param kKeyMap = Map("", kAttributeValueValue);
constexpr Param kKeysAndAttributesMembers[] = {
    List("Keys", kKeyMap).NotNull().Length(1, kMaxBatchGetKeys).UnechoedLength(),
    kAttributesToGetParam, kConsistentReadParam, kProjectionExpressionParam,
    kExpressionAttributeNamesParam};
constexpr Param kKeysAndAttributes = Struct("", "KeysAndAttributes", kKeysAndAttributesMembers);
constexpr Param kBatchGetItemMembers[] = {kReturnConsumedCapacityParam,
                                          Map("RequestItems", kKeysAndAttributes)
                                              .NotNull()
                                              .MinLength(1)
                                              .UnechoedLength()
                                              .Keys(kTableNameKeys)};
constexpr OperationSpec kBatchGetItem{
    "BatchGetItem", Struct("", "BatchGetItemInput", kBatchGetItemMembers), &BatchGetItemCustom};

constexpr Param kDeleteRequestMembers[] = {AttributeMapParam("Key").NotNull()};
constexpr Param kPutRequestMembers[] = {AttributeMapParam("Item").NotNull()};
constexpr Param kWriteRequestMembers[] = {
    Struct("DeleteRequest", "DeleteRequest", kDeleteRequestMembers),
    Struct("PutRequest", "PutRequest", kPutRequestMembers)};
constexpr Param kWriteRequest = Struct("", "WriteRequest", kWriteRequestMembers);
constexpr Param kWriteRequestList = List("", kWriteRequest);
constexpr ElementLengths kWriteRequestCount{kMaxBatchWriteRequests, 1, nullptr};
constexpr Param kBatchWriteItemMembers[] = {kReturnConsumedCapacityParam,
                                            kReturnItemCollectionMetricsParam,
                                            Map("RequestItems", kWriteRequestList)
                                                .NotNull()
                                                .MinLength(1)
                                                .UnechoedLength()
                                                .Keys(kTableNameKeys)
                                                .Values(kWriteRequestCount)};
constexpr OperationSpec kBatchWriteItem{"BatchWriteItem",
                                        Struct("", "BatchWriteItemInput", kBatchWriteItemMembers),
                                        &BatchWriteItemCustom};

}  // namespace

const OperationSpec& BatchGetItemSpec() { return kBatchGetItem; }
const OperationSpec& BatchWriteItemSpec() { return kBatchWriteItem; }

}  // namespace api
}  // namespace pd
