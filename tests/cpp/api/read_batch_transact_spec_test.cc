// Query, Scan, BatchGetItem, BatchWriteItem, TransactWriteItems,
// TransactGetItems specs (dynalite's test/query.js, scan.js,
// batchGetItem.js, batchWriteItem.js, transactWriteItem.js; the API
// reference for TransactGetItems).
#include <doctest/doctest.h>

#include "api/ops/op_specs.h"
#include "api_test_util.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;
using testing::AssertType;
using testing::ExpectOk;
using testing::ExpectValidation;
using testing::ExpectValidationSet;

TEST_CASE("Query") {
  const OperationSpec& s = QuerySpec();
  AssertType(s, "TableName", "String");
  AssertType(s, "ExclusiveStartKey", "Map<AttributeValue>");
  AssertType(s, "ExclusiveStartKey.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "AttributesToGet", "List");
  AssertType(s, "ConsistentRead", "Boolean");
  AssertType(s, "ReturnConsumedCapacity", "String");
  AssertType(s, "QueryFilter", "Map<Condition>");
  AssertType(s, "QueryFilter.Attr", "ValueStruct<Condition>");
  AssertType(s, "QueryFilter.Attr.ComparisonOperator", "String");
  AssertType(s, "QueryFilter.Attr.AttributeValueList", "List");
  AssertType(s, "QueryFilter.Attr.AttributeValueList.0", "ValueStruct<AttributeValue>");
  AssertType(s, "IndexName", "String");
  AssertType(s, "ScanIndexForward", "Boolean");
  AssertType(s, "Select", "String");
  AssertType(s, "Limit", "Integer");
  AssertType(s, "ConditionalOperator", "String");
  AssertType(s, "KeyConditions", "Map<Condition>");
  AssertType(s, "KeyConditionExpression", "String");
  AssertType(s, "FilterExpression", "String");
  AssertType(s, "ProjectionExpression", "String");
  AssertType(s, "ExpressionAttributeValues.Attr", "AttrStruct<ValueStruct>");

  ExpectValidation(s, json::object(),
                   "1 validation error detected: Value null at 'tableName' failed to satisfy "
                   "constraint: Member must not be null");
  ExpectValidation(
      s,
      json{{"TableName", "abc;"},
           {"ReturnConsumedCapacity", "hi"},
           {"AttributesToGet", json::array()},
           {"IndexName", "abc;"},
           {"Select", "hi"},
           {"Limit", -1},
           {"KeyConditions", {{"a", json::object()}, {"b", {{"ComparisonOperator", ""}}}}},
           {"QueryFilter", {{"a", json::object()}, {"b", {{"ComparisonOperator", ""}}}}}},
      "10 validation errors detected: "
      "Value '-1' at 'limit' failed to satisfy constraint: Member must have value greater than "
      "or equal to 1; "
      "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy "
      "enum value set: [INDEXES, TOTAL, NONE]; "
      "Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length "
      "greater than or equal to 1; "
      "Value '' at 'queryFilter.b.member.comparisonOperator' failed to satisfy constraint: "
      "Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, "
      "NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]; "
      "Value null at 'queryFilter.a.member.comparisonOperator' failed to satisfy constraint: "
      "Member must not be null; "
      "Value 'hi' at 'select' failed to satisfy constraint: Member must satisfy enum value set: "
      "[SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]; "
      "Value '' at 'keyConditions.b.member.comparisonOperator' failed to satisfy constraint: "
      "Member must satisfy enum value set: [IN, NULL, BETWEEN, LT, NOT_CONTAINS, EQ, GT, "
      "NOT_NULL, NE, LE, BEGINS_WITH, GE, CONTAINS]; "
      "Value null at 'keyConditions.a.member.comparisonOperator' failed to satisfy constraint: "
      "Member must not be null; "
      "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular "
      "expression pattern: [a-zA-Z0-9_.-]+; "
      "Value 'abc;' at 'indexName' failed to satisfy constraint: Member must satisfy regular "
      "expression pattern: [a-zA-Z0-9_.-]+");

  json r = {{"TableName", "abc"}};
  ExpectValidation(s, r,
                   "Either the KeyConditions or KeyConditionExpression parameter must be "
                   "specified in the request.");
  r["KeyConditionExpression"] = "a = :a";
  r["ExpressionAttributeValues"] = {{":a", {{"S", "x"}}}};
  ExpectOk(s, r);
  r["QueryFilter"] = {{"b", {{"ComparisonOperator", "NULL"}}}};
  ExpectValidation(s, r,
                   "Can not use both expression and non-expression parameters in the same "
                   "request: Non-expression parameters: {QueryFilter} Expression parameters: "
                   "{KeyConditionExpression}");
  r.erase("QueryFilter");
  r["ExclusiveStartKey"] = {{"a", {{"N", "x"}}}};
  ExpectValidation(s, r,
                   "The provided starting key is invalid: The parameter cannot be converted to a "
                   "numeric value: x");
  r.erase("ExclusiveStartKey");
  r["Select"] = "SPECIFIC_ATTRIBUTES";
  ExpectValidation(s, r,
                   "Must specify the AttributesToGet or ProjectionExpression when choosing to get "
                   "SPECIFIC_ATTRIBUTES");
  r["Select"] = "ALL_PROJECTED_ATTRIBUTES";
  ExpectValidation(s, r,
                   "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
  r["Select"] = "COUNT";
  r["ProjectionExpression"] = "a";
  // Query's text carries the "1 validation error" prefix and names the
  // projection given (ExtendDB's tests, recorded from DynamoDB in 2026).
  ExpectValidation(s, r,
                   "1 validation error detected: Cannot specify the ProjectionExpression when "
                   "choosing to get only the Count");
  r["Select"] = "ALL_ATTRIBUTES";
  ExpectValidation(s, r,
                   "1 validation error detected: Cannot specify the ProjectionExpression when "
                   "choosing to get ALL_ATTRIBUTES");
  r["Select"] = "SPECIFIC_ATTRIBUTES";
  ExpectOk(s, r);

  // KeyConditions alone: DynamoDB's earlier checks first, then the rejection.
  json legacy = {{"TableName", "abc"},
                 {"KeyConditions", {{"a", {{"ComparisonOperator", "EQ"},
                                           {"AttributeValueList", {{{"S", "x"}}}}}}}},
                 {"FilterExpression", "b = :b"},
                 {"ExpressionAttributeValues", {{"b", {{"S", "x"}}}}}};
  ExpectValidation(s, legacy,
                   "ExpressionAttributeValues contains invalid key: Syntax error; key: \"b\"");
  legacy["ExpressionAttributeValues"] = {{":b", {{"S", "x"}}}};
  ExpectOk(s, legacy);  // KeyConditions may go with the other expressions
}

TEST_CASE("Scan") {
  const OperationSpec& s = ScanSpec();
  AssertType(s, "TableName", "String");
  AssertType(s, "ExclusiveStartKey", "Map<AttributeValue>");
  AssertType(s, "ExclusiveStartKey.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "AttributesToGet", "List");
  AssertType(s, "ReturnConsumedCapacity", "String");
  AssertType(s, "Select", "String");
  AssertType(s, "Limit", "Integer");
  AssertType(s, "Segment", "Integer");
  AssertType(s, "TotalSegments", "Integer");
  AssertType(s, "ConditionalOperator", "String");
  AssertType(s, "ScanFilter", "Map<Condition>");
  AssertType(s, "ScanFilter.Attr", "ValueStruct<Condition>");
  AssertType(s, "FilterExpression", "String");
  AssertType(s, "ConsistentRead", "Boolean");

  ExpectValidationSet(s,
                      json{{"TableName", "abc"}, {"Segment", -1}, {"TotalSegments", 1000001}},
                      {"Value '-1' at 'segment' failed to satisfy constraint: Member must have "
                       "value greater than or equal to 0",
                       "Value '1000001' at 'totalSegments' failed to satisfy constraint: Member "
                       "must have value less than or equal to 1000000"});
  ExpectValidation(s, json{{"TableName", "abc"}, {"Segment", 0}},
                   "The TotalSegments parameter is required but was not present in the request "
                   "when Segment parameter is present");
  ExpectValidation(s, json{{"TableName", "abc"}, {"TotalSegments", 2}},
                   "The Segment parameter is required but was not present in the request when "
                   "parameter TotalSegments is present");
  ExpectValidation(s, json{{"TableName", "abc"}, {"Segment", 2}, {"TotalSegments", 2}},
                   "The Segment parameter is zero-based and must be less than parameter "
                   "TotalSegments: Segment: 2 is not less than TotalSegments: 2");
  ExpectOk(s, json{{"TableName", "abc"}, {"Segment", 1}, {"TotalSegments", 2}});
  // Scan's Select/projection texts have no prefix; they name the projection
  // given (ExtendDB's tests, recorded from DynamoDB in 2026).
  ExpectValidation(s,
                   json{{"TableName", "abc"}, {"Select", "COUNT"}, {"ProjectionExpression", "a"}},
                   "Cannot specify the ProjectionExpression when choosing to get only the Count");
  ExpectValidation(s, json{{"TableName", "abc"}, {"Select", "COUNT"}, {"AttributesToGet", {"a"}}},
                   "Cannot specify the AttributesToGet when choosing to get only the Count");
  ExpectOk(s,
           json{{"TableName", "abc"}, {"ScanFilter", {{"a", {{"ComparisonOperator", "NULL"}}}}}});
  ExpectValidation(s,
                   json{{"TableName", "abc"},
                        {"ScanFilter", {{"a", {{"ComparisonOperator", "NULL"}}}}},
                        {"FilterExpression", "a = :a"}},
                   "Can not use both expression and non-expression parameters in the same "
                   "request: Non-expression parameters: {ScanFilter} Expression parameters: "
                   "{FilterExpression}");
  ExpectValidation(s, json{{"TableName", "abc"}, {"ExpressionAttributeValues", {{":a", {{"S", "x"}}}}}},
                   "ExpressionAttributeValues can only be specified when using expressions: "
                   "FilterExpression is null");
  ExpectOk(s, json{{"TableName", "abc"}, {"FilterExpression", "a = :a"},
                   {"ExpressionAttributeValues", {{":a", {{"S", "x"}}}}}, {"Limit", 5}});
}

TEST_CASE("BatchGetItem") {
  const OperationSpec& s = BatchGetItemSpec();
  AssertType(s, "RequestItems", "Map<KeysAndAttributes>");
  AssertType(s, "RequestItems.Attr", "ValueStruct<KeysAndAttributes>");
  AssertType(s, "RequestItems.Attr.Keys", "List");
  AssertType(s, "RequestItems.Attr.Keys.0", "ParameterizedMap");
  AssertType(s, "RequestItems.Attr.Keys.0.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "RequestItems.Attr.AttributesToGet", "List");
  AssertType(s, "RequestItems.Attr.ConsistentRead", "Boolean");
  AssertType(s, "RequestItems.Attr.ExpressionAttributeNames", "Map<java.lang.String>");
  AssertType(s, "RequestItems.Attr.ProjectionExpression", "String");
  AssertType(s, "ReturnConsumedCapacity", "String");

  ExpectValidation(s, json::object(),
                   "1 validation error detected: Value null at 'requestItems' failed to satisfy "
                   "constraint: Member must not be null");
  // Current DynamoDB words the RequestItems and Keys lengths without the
  // value and with the names as written.
  ExpectValidation(s, json{{"RequestItems", json::object()}},
                   "1 validation error detected: Value at 'RequestItems' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 1");
  ExpectValidation(s, json{{"RequestItems", {{"abc", {{"Keys", json::array()}}}}}},
                   "1 validation error detected: Value at 'RequestItems.abc.member.Keys' failed "
                   "to satisfy constraint: Member must have length greater than or equal to 1");
  ExpectValidation(s, json{{"RequestItems", {{"a", {{"Keys", json::array()}}}}}},
                   "2 validation errors detected: "
                   "Value '{\"a\":{\"Keys\":[]}}' at 'requestItems' failed to satisfy constraint: "
                   "Map keys must satisfy constraint: [Member must have length less than or equal "
                   "to 255, Member must have length greater than or equal to 3, Member must "
                   "satisfy regular expression pattern: [a-zA-Z0-9_.-]+]; "
                   "Value at 'RequestItems.a.member.Keys' failed to satisfy constraint: "
                   "Member must have length greater than or equal to 1");
  json key = {{"a", {{"S", "x"}}}};
  ExpectValidation(s, json{{"RequestItems", {{"abc", {{"Keys", {key, key}}}}}}},
                   "Provided list of item keys contains duplicates");
  json keys = json::array();
  for (int i = 0; i < 101; ++i) keys.push_back({{"a", {{"N", std::to_string(i)}}}});
  ExpectValidationSet(s, json{{"RequestItems", {{"abc", {{"Keys", keys}}}}}},
                      {"Value at 'RequestItems.abc.member.Keys' failed to satisfy constraint: "
                       "Member must have length less than or equal to 100"});
  json half1 = json::array(), half2 = json::array();
  for (int i = 0; i < 51; ++i) {
    half1.push_back({{"a", {{"N", std::to_string(i)}}}});
    half2.push_back({{"a", {{"N", std::to_string(i)}}}});
  }
  ExpectValidation(s, json{{"RequestItems", {{"abc", {{"Keys", half1}}}, {"abd", {{"Keys", half2}}}}}},
                   "Too many items requested for the BatchGetItem call");
  ExpectValidation(s, json{{"RequestItems", {{"abc", {{"Keys", {{{"a", {{"SS", json::array()}}}}}}}}}}},
                   "One or more parameter values were invalid: An string set  may not be empty");
  ExpectOk(s, json{{"RequestItems", {{"abc", {{"Keys", {key}}, {"AttributesToGet", {"a"}}}}}}});
  ExpectValidation(
      s, json{{"RequestItems", {{"abc", {{"Keys", {key}}, {"AttributesToGet", {"a", "a"}}}}}}},
      "One or more parameter values were invalid: Duplicate value in attribute name: "
      "a");
  ExpectValidation(s,
                   json{{"RequestItems",
                         {{"abc", {{"Keys", {key}}, {"ExpressionAttributeNames", {{"#a", "a"}}}}}}}},
                   "ExpressionAttributeNames can only be specified when using expressions");
  ExpectOk(s, json{{"RequestItems", {{"abc", {{"Keys", {key}}, {"ProjectionExpression", "a"}}}}}});
}

TEST_CASE("BatchWriteItem") {
  const OperationSpec& s = BatchWriteItemSpec();
  AssertType(s, "RequestItems", "Map<java.util.List<com.amazonaws.dynamodb.v20120810.WriteRequest>>");
  AssertType(s, "RequestItems.Attr", "ParameterizedList");
  AssertType(s, "RequestItems.Attr.0", "ValueStruct<WriteRequest>");
  AssertType(s, "RequestItems.Attr.0.DeleteRequest", "FieldStruct<DeleteRequest>");
  AssertType(s, "RequestItems.Attr.0.DeleteRequest.Key", "Map<AttributeValue>");
  AssertType(s, "RequestItems.Attr.0.DeleteRequest.Key.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "RequestItems.Attr.0.PutRequest", "FieldStruct<PutRequest>");
  AssertType(s, "RequestItems.Attr.0.PutRequest.Item", "Map<AttributeValue>");
  AssertType(s, "RequestItems.Attr.0.PutRequest.Item.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "ReturnConsumedCapacity", "String");
  AssertType(s, "ReturnItemCollectionMetrics", "String");

  ExpectValidation(s, json::object(),
                   "1 validation error detected: Value null at 'requestItems' failed to satisfy "
                   "constraint: Member must not be null");
  ExpectValidation(s, json{{"ReturnConsumedCapacity", "hi"}, {"ReturnItemCollectionMetrics", "hi"}},
                   "3 validation errors detected: "
                   "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member "
                   "must satisfy enum value set: [INDEXES, TOTAL, NONE]; "
                   "Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: "
                   "Member must satisfy enum value set: [SIZE, NONE]; "
                   "Value null at 'requestItems' failed to satisfy constraint: Member must not be "
                   "null");
  const std::string keys_constraint =
      "Map keys must satisfy constraint: [Member must have length less than or equal to 255, "
      "Member must have length greater than or equal to 3, Member must satisfy regular "
      "expression pattern: [a-zA-Z0-9_.-]+]";
  const std::string values_constraint =
      "Map value must satisfy constraint: [Member must have length less than or equal to 25, "
      "Member must have length greater than or equal to 1]";
  ExpectValidation(s, json{{"RequestItems", json::object()}},
                   "1 validation error detected: Value at 'RequestItems' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 1");
  ExpectValidationSet(s, json{{"RequestItems", {{"a", json::array()}}}},
                      {"Value '{\"a\":[]}' at 'requestItems' failed to satisfy constraint: " +
                           keys_constraint,
                       "Value '{\"a\":[]}' at 'requestItems' failed to satisfy constraint: " +
                           values_constraint});
  json both = {{"RequestItems", {{"aa;", {{{"PutRequest", json::object()}, {"DeleteRequest", json::object()}}}}}},
               {"ReturnConsumedCapacity", "hi"},
               {"ReturnItemCollectionMetrics", "hi"}};
  ExpectValidation(s, both,
                   "5 validation errors detected: "
                   "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member "
                   "must satisfy enum value set: [INDEXES, TOTAL, NONE]; "
                   "Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: "
                   "Member must satisfy enum value set: [SIZE, NONE]; "
                   "Value '{\"aa;\":[{\"DeleteRequest\":{},\"PutRequest\":{}}]}' at 'requestItems' "
                   "failed to satisfy constraint: " +
                       keys_constraint +
                       "; Value null at 'requestItems.aa;.member.1.member.deleteRequest.key' "
                       "failed to satisfy constraint: Member must not be null; "
                       "Value null at 'requestItems.aa;.member.1.member.putRequest.item' failed "
                       "to satisfy constraint: Member must not be null");
  ExpectValidation(s, json{{"RequestItems", {{"abc", {json::object()}}}}},
                   "Supplied AttributeValue has more than one datatypes set, must contain exactly "
                   "one of the supported datatypes");
  json put = {{"PutRequest", {{"Item", {{"a", {{"S", "x"}}}}}}}};
  json del = {{"DeleteRequest", {{"Key", {{"a", {{"S", "x"}}}}}}}};
  json both_ops = {{"PutRequest", put["PutRequest"]}, {"DeleteRequest", del["DeleteRequest"]}};
  ExpectValidation(s, json{{"RequestItems", {{"abc", {both_ops}}}}},
                   "Supplied AttributeValue has more than one datatypes set, must contain exactly "
                   "one of the supported datatypes");
  json many = json::array();
  for (int i = 0; i < 26; ++i) many.push_back(i % 2 ? del : put);
  ExpectValidation(s, json{{"RequestItems", {{"abc", many}}}},
                   "1 validation error detected: Value '" +
                       ValueToMessageString(json{{"abc", many}}) +
                       "' at 'requestItems' failed to satisfy constraint: " + values_constraint);
  json fifteen = json::array();
  for (int i = 0; i < 15; ++i) fifteen.push_back(put);
  ExpectValidation(s, json{{"RequestItems", {{"abc", fifteen}, {"abd", fifteen}}}},
                   "Too many items requested for the BatchWriteItem call");
  json big_put = {{"PutRequest",
                   {{"Item", {{"a", {{"S", "x"}}}, {"b", {{"S", std::string(409600, 'b')}}}}}}}};
  ExpectValidation(s, json{{"RequestItems", {{"abc", {big_put}}}}},
                   "Item size has exceeded the maximum allowed size");
  json bad_key = {{"DeleteRequest", {{"Key", {{"a", {{"NS", {"1", "1"}}}}}}}}};
  ExpectValidation(s, json{{"RequestItems", {{"abc", {put, bad_key}}}}},
                   "Input collection contains duplicates");
  ExpectOk(s, json{{"RequestItems", {{"abc", {put, del}}, {"abd", {put}}}}});
}

TEST_CASE("TransactWriteItems") {
  const OperationSpec& s = TransactWriteItemsSpec();
  AssertType(s, "TransactItems", "List");
  AssertType(s, "TransactItems.0", "ValueStruct<TransactWriteItem>");
  AssertType(s, "TransactItems.0.Delete", "FieldStruct<Delete>");
  AssertType(s, "TransactItems.0.Delete.Key", "Map<AttributeValue>");
  AssertType(s, "TransactItems.0.Delete.Key.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "TransactItems.0.Put", "FieldStruct<Put>");
  AssertType(s, "TransactItems.0.Put.Item", "Map<AttributeValue>");
  AssertType(s, "TransactItems.0.Put.Item.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "TransactItems.0.Update", "FieldStruct<Update>");
  AssertType(s, "TransactItems.0.Update.UpdateExpression", "String");
  AssertType(s, "TransactItems.0.ConditionCheck", "FieldStruct<ConditionCheck>");
  AssertType(s, "ReturnConsumedCapacity", "String");
  AssertType(s, "ReturnItemCollectionMetrics", "String");
  AssertType(s, "ClientRequestToken", "String");

  ExpectValidation(s, json::object(),
                   "1 validation error detected: Value null at 'transactItems' failed to satisfy "
                   "constraint: Member must not be null");
  ExpectValidation(s, json{{"TransactItems", json::array()}},
                   "1 validation error detected: Value '[]' at 'transactItems' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 1");
  ExpectValidationSet(s, json{{"TransactItems", {{{"Update", json::object()}}}}},
                      {"Value null at 'transactItems.1.member.update.key' failed to satisfy "
                       "constraint: Member must not be null",
                       "Value null at 'transactItems.1.member.update.tableName' failed to "
                       "satisfy constraint: Member must not be null",
                       "Value null at 'transactItems.1.member.update.updateExpression' failed to "
                       "satisfy constraint: Member must not be null"});
  ExpectValidationSet(s, json{{"TransactItems", {{{"ConditionCheck", json::object()}}}}},
                      {"Value null at 'transactItems.1.member.conditionCheck.key' failed to "
                       "satisfy constraint: Member must not be null",
                       "Value null at 'transactItems.1.member.conditionCheck.tableName' failed "
                       "to satisfy constraint: Member must not be null",
                       "Value null at 'transactItems.1.member.conditionCheck.conditionExpression' "
                       "failed to satisfy constraint: Member must not be null"});
  ExpectValidationSet(s,
                      json{{"TransactItems", {{{"Put", json::object()}}}},
                           {"ClientRequestToken", std::string(37, 'x')}},
                      {"Value '" + std::string(37, 'x') +
                           "' at 'clientRequestToken' failed to satisfy constraint: Member must "
                           "have length less than or equal to 36",
                       "Value null at 'transactItems.1.member.put.item' failed to satisfy "
                       "constraint: Member must not be null",
                       "Value null at 'transactItems.1.member.put.tableName' failed to satisfy "
                       "constraint: Member must not be null"});
  json put = {{"Put", {{"TableName", "abc"}, {"Item", {{"a", {{"S", "x"}}}}}}}};
  json del = {{"Delete", {{"TableName", "abc"}, {"Key", {{"a", {{"S", "y"}}}}}}}};
  json many = json::array();
  for (int i = 0; i < 101; ++i) many.push_back(put);
  ExpectValidation(s, json{{"TransactItems", many}},
                   "1 validation error detected: Value '" + ValueToMessageString(many) +
                       "' at 'transactItems' failed to satisfy constraint: Member must have "
                       "length less than or equal to 100");
  ExpectValidation(s, json{{"TransactItems", {{{"NotARealAction", put["Put"]}}, put}}},
                   "The action or operation requested is invalid. Verify that the action is "
                   "typed correctly.");
  ExpectValidation(s, json{{"TransactItems", {{{"Put", put["Put"]}, {"Delete", del["Delete"]}}}}},
                   "TransactItems can only contain one of Check, Put, Update or Delete");
  json bad_put = put;
  bad_put["Put"]["Item"]["b"] = {{"L", {json::object()}}};
  ExpectValidation(s, json{{"TransactItems", {bad_put}}},
                   "Supplied AttributeValue is empty, must contain exactly one of the supported "
                   "datatypes");
  json unused_values = del;
  unused_values["Delete"]["ExpressionAttributeValues"] = {{":a", {{"S", "x"}}}};
  ExpectValidation(s, json{{"TransactItems", {put, unused_values}}},
                   "ExpressionAttributeValues can only be specified when using expressions: "
                   "ConditionExpression is null");
  json update = {{"Update",
                  {{"TableName", "abc"},
                   {"Key", {{"a", {{"S", "z"}}}}},
                   {"UpdateExpression", "SET b = :b"},
                   {"ExpressionAttributeValues", {{":b", {{"S", "y"}}}}},
                   {"ReturnValuesOnConditionCheckFailure", "ALL_OLD"}}}};
  json check = {{"ConditionCheck",
                 {{"TableName", "abc"},
                  {"Key", {{"a", {{"S", "w"}}}}},
                  {"ConditionExpression", "attribute_exists(a)"}}}};
  ExpectOk(s, json{{"TransactItems", {put, del, update, check}}, {"ClientRequestToken", "tok"}});
}

TEST_CASE("TransactGetItems") {
  const OperationSpec& s = TransactGetItemsSpec();
  AssertType(s, "TransactItems", "List");
  AssertType(s, "TransactItems.0", "ValueStruct<TransactGetItem>");
  AssertType(s, "TransactItems.0.Get", "FieldStruct<Get>");
  AssertType(s, "TransactItems.0.Get.Key", "Map<AttributeValue>");
  AssertType(s, "TransactItems.0.Get.Key.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "TransactItems.0.Get.ProjectionExpression", "String");
  AssertType(s, "ReturnConsumedCapacity", "String");

  ExpectValidation(s, json::object(),
                   "1 validation error detected: Value null at 'transactItems' failed to satisfy "
                   "constraint: Member must not be null");
  ExpectValidation(s, json{{"TransactItems", {json::object()}}},
                   "1 validation error detected: Value null at 'transactItems.1.member.get' "
                   "failed to satisfy constraint: Member must not be null");
  ExpectValidationSet(s, json{{"TransactItems", {{{"Get", {{"TableName", "a;"}}}}}}},
                      {"Value null at 'transactItems.1.member.get.key' failed to satisfy "
                       "constraint: Member must not be null",
                       "Value 'a;' at 'transactItems.1.member.get.tableName' failed to satisfy "
                       "constraint: Member must satisfy regular expression pattern: "
                       "[a-zA-Z0-9_.-]+",
                       "Value 'a;' at 'transactItems.1.member.get.tableName' failed to satisfy "
                       "constraint: Member must have length greater than or equal to 3"});
  json get = {{"Get", {{"TableName", "abc"}, {"Key", {{"a", {{"B", "Yg=="}}}}}}}};
  ExpectOk(s, json{{"TransactItems", {get}}});
  json bad = get;
  bad["Get"]["ExpressionAttributeNames"] = {{"#a", "a"}};
  ExpectValidation(s, json{{"TransactItems", {get, bad}}},
                   "ExpressionAttributeNames can only be specified when using expressions");
  bad["Get"]["ProjectionExpression"] = "#a";
  ExpectOk(s, json{{"TransactItems", {get, bad}}});
}

}  // namespace
}  // namespace api
}  // namespace pd
