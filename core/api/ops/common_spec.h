// Building blocks shared by the operation specs in api/ops/*_spec.cc: the
// parameters several operations declare the same way, and the storage-free
// custom checks several operations run (expression parameter rules, legacy
// parameter rejection, AttributeValue and item validation).
//
// The parameters are constants (api/spec.h). Every check takes a normalized request (api/spec.h
// phase 1) and returns the first error in DynamoDB's wording, or nullopt.
#ifndef PD_API_OPS_COMMON_SPEC_H_
#define PD_API_OPS_COMMON_SPEC_H_

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/error.h"
#include "api/spec.h"
#include "table/limits.h"
#include "value/item.h"

namespace pd {
namespace api {

// ---- Parameters ---------------------------------------------------------------
// Constants (api/spec.h): the functions taking a name build a literal in the
// constexpr definitions that call them.

// TableName of the item operations: aggregated not-null, pattern, 3-255.
inline constexpr Param kItemTableNameParam =
    String("TableName").NotNull().Matches(kTableNamePatternSpec).Length(3, 255);
// TableName of the table operations: "required" and "table_name" (fail at
// once) plus the pattern.
inline constexpr Param kTableTableNameParam =
    String("TableName").Required().TableName().Matches(kTableNamePatternSpec);
// IndexName of Query/Scan and of index definitions: pattern, 3-255.
inline constexpr Param kIndexNameParam =
    String("IndexName").Matches(kTableNamePatternSpec).Length(3, 255);
inline constexpr Param kReturnConsumedCapacityParam =
    String("ReturnConsumedCapacity").Enum("INDEXES, TOTAL, NONE");
inline constexpr Param kReturnItemCollectionMetricsParam =
    String("ReturnItemCollectionMetrics").Enum("SIZE, NONE");
inline constexpr Param kReturnValuesParam =
    String("ReturnValues").Enum("ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW");
inline constexpr Param kReturnValuesOnConditionCheckFailureParam =
    String("ReturnValuesOnConditionCheckFailure").Enum("ALL_OLD, NONE");
// Map<AttributeValue> named `name` (Item, Key, ExclusiveStartKey, ...).
constexpr Param AttributeMapParam(std::string_view name) { return Map(name, kAttributeValueValue); }
inline constexpr Param kExpressionAttributeNamesParam =
    Map("ExpressionAttributeNames", kStringValue);
inline constexpr Param kExpressionAttributeValuesParam =
    Map("ExpressionAttributeValues", kAttributeValueValue);
inline constexpr Param kConditionExpressionParam = String("ConditionExpression");
inline constexpr Param kProjectionExpressionParam = String("ProjectionExpression");
inline constexpr Param kConsistentReadParam = Boolean("ConsistentRead");

// Legacy (non-expression) parameters, declared so their types are checked
// like DynamoDB's before they are rejected.
inline constexpr char kComparisonOperators[] =
    "IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS";
inline constexpr Param kExpectedAttributeValueMembers[] = {
    List("AttributeValueList", kAttributeValueValue),
    String("ComparisonOperator").Enum(kComparisonOperators), Boolean("Exists"),
    AttributeValueParam("Value")};
inline constexpr Param kExpectedAttributeValue =
    Struct("", "ExpectedAttributeValue", kExpectedAttributeValueMembers);
inline constexpr Param kExpectedParam =
    Map("Expected", kExpectedAttributeValue);  // Map<ExpectedAttributeValue>
inline constexpr Param kConditionalOperatorParam = String("ConditionalOperator").Enum("OR, AND");
inline constexpr Param kAttributesToGetParam =  // List<String>, 1-255
    List("AttributesToGet", kStringValue).Length(1, kMaxAttributesToGet);
// QueryFilter, ScanFilter, KeyConditions: Map<Condition>.
inline constexpr Param kConditionMembers[] = {
    List("AttributeValueList", kAttributeValueValue),
    String("ComparisonOperator").Enum(kComparisonOperators).NotNull()};
inline constexpr Param kCondition = Struct("", "Condition", kConditionMembers);
constexpr Param ConditionMapParam(std::string_view name) { return Map(name, kCondition); }
// ProvisionedThroughput {ReadCapacityUnits, WriteCapacityUnits >= 1}.
inline constexpr Param kProvisionedThroughputMembers[] = {
    Long("WriteCapacityUnits").NotNull().Min(kMinCapacityUnits),
    Long("ReadCapacityUnits").NotNull().Min(kMinCapacityUnits)};
inline constexpr Param kProvisionedThroughputParam =
    Struct("ProvisionedThroughput", "ProvisionedThroughput", kProvisionedThroughputMembers);
// KeySchema: List<KeySchemaElement>, 1-2 elements. The table's key schema
// has the HASH|RANGE enum (kTableKeySchemaParam), index key schemas do not.
inline constexpr Param kKeySchemaAttributeName =
    String("AttributeName").NotNull().Length(1, kMaxIndexedAttributeNameBytes);
inline constexpr Param kTableKeySchemaElementMembers[] = {
    kKeySchemaAttributeName, String("KeyType").NotNull().Enum("HASH, RANGE")};
inline constexpr Param kIndexKeySchemaElementMembers[] = {kKeySchemaAttributeName,
                                                          String("KeyType").NotNull()};
inline constexpr Param kTableKeySchemaElement =
    Struct("", "KeySchemaElement", kTableKeySchemaElementMembers);
inline constexpr Param kIndexKeySchemaElement =
    Struct("", "KeySchemaElement", kIndexKeySchemaElementMembers);
inline constexpr Param kTableKeySchemaParam =
    List("KeySchema", kTableKeySchemaElement)
        .NotNull()
        .Length(kMinKeySchemaElements, kMaxKeySchemaElements);
inline constexpr Param kIndexKeySchemaParam =
    List("KeySchema", kIndexKeySchemaElement)
        .NotNull()
        .Length(kMinKeySchemaElements, kMaxKeySchemaElements);
// AttributeDefinitions: List<AttributeDefinition> with AttributeType S|N|B.
inline constexpr Param kAttributeDefinitionMembers[] = {
    kKeySchemaAttributeName, String("AttributeType").Enum("B, N, S").NotNull()};
inline constexpr Param kAttributeDefinition =
    Struct("", "AttributeDefinition", kAttributeDefinitionMembers);
inline constexpr Param kAttributeDefinitionsParam =
    List("AttributeDefinitions", kAttributeDefinition);
// Projection {ProjectionType ALL|INCLUDE|KEYS_ONLY, NonKeyAttributes}.
inline constexpr Param kProjectionMembers[] = {
    String("ProjectionType").Enum("ALL, INCLUDE, KEYS_ONLY"),
    List("NonKeyAttributes", kStringValue).MinLength(1)};
inline constexpr Param kProjectionParam = Struct("Projection", "Projection", kProjectionMembers);
inline constexpr char kBillingModes[] = "PROVISIONED, PAY_PER_REQUEST";  // the enum, as printed
inline constexpr Param kBillingModeParam = String("BillingMode").Enum(kBillingModes);
// StreamSpecification {StreamEnabled (not null), StreamViewType}.
inline constexpr Param kStreamSpecificationMembers[] = {
    Boolean("StreamEnabled").NotNull(),
    String("StreamViewType").Enum("NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES, KEYS_ONLY")};
inline constexpr Param kStreamSpecificationParam =
    Struct("StreamSpecification", "StreamSpecification", kStreamSpecificationMembers);
// Tags of TagResource and CreateTable: List<Tag {Key, Value}>, checked by
// CheckTagList (tags.cc) with DynamoDB's texts after the rest.
inline constexpr Param kTagMembers[] = {String("Key"), String("Value")};
inline constexpr Param kTag = Struct("", "Tag", kTagMembers);
inline constexpr Param kTagListParam = List("Tags", kTag);

// ---- Checks -------------------------------------------------------------------

// DynamoDB's rules for mixing expression and legacy parameters (dynalite's
// validateExpressionParams), in its order:
//   "Can not use both expression and non-expression parameters in the same
//    request: Non-expression parameters: {A, B} Expression parameters: {C}"
//   "ExpressionAttributeNames can only be specified when using expressions"
//   "ExpressionAttributeValues can only be specified when using expressions:
//    X and Y are null"   (ProjectionExpression does not count for values)
// For Query, KeyConditions without KeyConditionExpression may be combined
// with the other expressions, as in DynamoDB.
std::optional<DdbError> CheckExpressionParams(const nlohmann::json& request,
                                              std::initializer_list<const char*> expressions,
                                              std::initializer_list<const char*> legacy);

// The legacy (pre-expression) parameters' rules, as DynamoDB reports them
// (dynalite's validateAttributeConditions / validateConditions); the handlers
// then translate them into expression trees (expr/legacy.h). Defined in
// api/ops/legacy_spec.cc (a cold source: core/CMakeLists.txt).
//
// Expected, per attribute in name order:
//   "One or more parameter values were invalid: Value and AttributeValueList
//    cannot be used together for Attribute: a"
//   "... Exists and ComparisonOperator cannot be used together for Attribute: a"
//   "... Value or AttributeValueList must be used with ComparisonOperator: EQ
//    for Attribute: a"
//   "... Invalid number of argument(s) for the EQ ComparisonOperator"
//   "... AttributeValues inside AttributeValueList must be of same type"
//   "The BETWEEN condition was provided a range where the lower bound is
//    greater than the upper bound"
//   "... AttributeValueList can only be used with a ComparisonOperator for
//    Attribute: a"
//   "... Value must be provided when Exists is true|null for Attribute: a"
//   "... Value cannot be used when Exists is false for Attribute: a"
//   and every value's own AttributeValue errors.
std::optional<DdbError> CheckExpected(const nlohmann::json& request);
// QueryFilter, ScanFilter or KeyConditions (request[member], if present),
// per attribute in name order: the values' own errors, the number of values
// per ComparisonOperator, one type among them, the types each operator takes
//   "One or more parameter values were invalid: ComparisonOperator LT is not
//    valid for BOOL AttributeValue type"
// and BETWEEN's bounds in order.
std::optional<DdbError> CheckConditionMap(const nlohmann::json& request, const char* member);
// AttributeUpdates, per attribute in name order:
//   the value's own errors;
//   "One or more parameter values were invalid: Only DELETE action is allowed
//    when no attribute value is specified"
//   "... DELETE action with value is not supported for the type S"
//   "... ADD action is not supported for the type S"
std::optional<DdbError> CheckAttributeUpdates(const nlohmann::json& request);
// AttributesToGet naming an attribute twice:
//   "One or more parameter values were invalid: Duplicate value in attribute
//    name: a"
std::optional<DdbError> CheckAttributesToGet(const nlohmann::json& request);

// Decodes one AttributeValue (value/json_codec.h) and applies the document
// depth limit. The error message gets `prefix` in front ("" for none).
std::optional<DdbError> CheckAttributeValue(const nlohmann::json& value,
                                            const std::string& prefix = "");
// Every value of an attribute map (Key, ExclusiveStartKey, ...), in name order.
std::optional<DdbError> CheckAttributeMap(const nlohmann::json& map,
                                          const std::string& prefix = "");
// CheckAttributeMap, also keeping the decoded map for the handler
// (KeepCheckedMap): for a request's Key.
std::optional<DdbError> CheckKeyMap(const nlohmann::json& key);
// An item to write: decodes its values (with the depth limit) into *out.
std::optional<DdbError> DecodeItem(const nlohmann::json& item, Item* out);

// Attribute maps a custom check decoded, kept for the handler of the same
// request to take instead of decoding the same JSON again: keyed by the
// address of the JSON object they came from, which is the handler's own as
// the dispatcher checks a request in place (CheckRequest). Keep only maps of
// nodes of the request being dispatched (they live until it ends); the
// dispatcher forgets every kept map before and after each request, and
// ValidateRequest (which hands out a copy) after its checks. At most a few
// are kept; more are dropped (the handler then decodes). Not thread-safe
// beyond one request per thread (thread_local).
void KeepCheckedMap(const nlohmann::json& source, AttributeMap map);
// Moves the map kept for `source` into *out; false if none was kept.
bool TakeCheckedMap(const nlohmann::json& source, AttributeMap* out);
void ForgetCheckedMaps();
// "Item size has exceeded the maximum allowed size" beyond table/limits.h's
// kMaxItemSizeBytes (value/item.h's size rules).
std::optional<DdbError> CheckItemSize(const Item& item);

// The storage-free part of DynamoDB's expression checks (dynalite's
// validateExpressions before any expression is parsed):
//   "ExpressionAttributeNames must not be empty"
//   "ExpressionAttributeNames contains invalid key: Syntax error; key: \"k\""
//   "ExpressionAttributeValues must not be empty"
//   "ExpressionAttributeValues contains invalid key: Syntax error; key: \"k\""
//   "ExpressionAttributeValues contains invalid value: <why> for key <k>"
// Parsing the expressions themselves (and "unused" placeholders) is expr/'s
// work and comes after this.
std::optional<DdbError> CheckExpressionAttributes(const nlohmann::json& request);

// Query/Scan Select against the projection: DynamoDB's texts
//   "Cannot specify the ProjectionExpression when choosing to get
//   ALL_ATTRIBUTES" (ALL_PROJECTED_ATTRIBUTES; "only the Count" for COUNT;
//   "AttributesToGet" when that is the projection; Query's with the prefix
//   "1 validation error detected: ", as ExtendDB's tests recorded them from
//   DynamoDB in 2026),
//   "Must specify the AttributesToGet or ProjectionExpression when choosing
//    to get SPECIFIC_ATTRIBUTES",
//   "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName".
std::optional<DdbError> CheckSelect(const nlohmann::json& request, bool query);

// True if `request` has a non-null member `name`.
bool Has(const nlohmann::json& request, const char* name);

}  // namespace api
}  // namespace pd

#endif  // PD_API_OPS_COMMON_SPEC_H_
