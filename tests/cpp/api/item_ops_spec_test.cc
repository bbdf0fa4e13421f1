// PutItem, GetItem, UpdateItem, DeleteItem specs (dynalite's test/putItem.js,
// getItem.js, updateItem.js, deleteItem.js: serializations and the
// validations that need no table).
#include <doctest/doctest.h>

#include "api/ops/op_specs.h"
#include "api_test_util.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;
using testing::AssertType;
using testing::ExpectOk;
using testing::ExpectSerialization;
using testing::ExpectValidation;
using testing::ExpectValidationSet;

const std::string kEmptyValue =
    "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes";

// The AttributeValue problems DynamoDB reports for a value in `member`.
void CheckBadValues(const OperationSpec& s, json base, const std::string& member) {
  for (const json& v : {json::object(), json{{"a", ""}}, json{{"M", {{"a", json::object()}}}},
                        json{{"L", json::array({json::object()})}},
                        json{{"L", json::array({{{"a", json::object()}}})}}}) {
    base[member] = {{"a", v}};
    ExpectValidation(s, base, kEmptyValue);
  }
  const std::vector<std::pair<json, std::string>> invalid = {
      {{{"NULL", "no"}}, "Null attribute value types must have the value of true"},
      {{{"SS", json::array()}}, "An string set  may not be empty"},
      {{{"NS", json::array()}}, "An number set  may not be empty"},
      {{{"BS", json::array()}}, "Binary sets should not be empty"},
      {{{"SS", {"a", "a"}}}, "Input collection [a, a] contains duplicates."},
      {{{"BS", {"Yg==", "Yg=="}}}, "Input collection [Yg==, Yg==]of type BS contains duplicates."}};
  for (const auto& c : invalid) {
    base[member] = {{"a", c.first}};
    ExpectValidation(s, base, "One or more parameter values were invalid: " + c.second);
  }
  const std::vector<std::pair<json, std::string>> numbers = {
      {{{"S", ""}, {"N", ""}}, "The parameter cannot be converted to a numeric value"},
      {{{"S", "a"}, {"N", "b"}}, "The parameter cannot be converted to a numeric value: b"},
      {{{"NS", {"1", ""}}}, "The parameter cannot be converted to a numeric value"},
      {{{"NS", {"1", "b"}}}, "The parameter cannot be converted to a numeric value: b"},
      {{{"NS", {"1", "1"}}}, "Input collection contains duplicates"},
      {{{"N", "123456789012345678901234567890123456789"}},
       "Attempting to store more than 38 significant digits in a Number"},
      {{{"N", "1e126"}},
       "Number overflow. Attempting to store a number with magnitude larger than supported range"},
      {{{"N", "-1e-131"}},
       "Number underflow. Attempting to store a number with magnitude smaller than supported "
       "range"}};
  for (const auto& c : numbers) {
    base[member] = {{"a", c.first}};
    ExpectValidation(s, base, c.second);
  }
  base[member] = {{"a", {{"S", "a"}, {"N", "1"}}}};
  ExpectValidation(s, base,
                   "Supplied AttributeValue has more than one datatypes set, must contain "
                   "exactly one of the supported datatypes");
}

TEST_CASE("PutItem serializations") {
  const OperationSpec& s = PutItemSpec();
  AssertType(s, "TableName", "String");
  AssertType(s, "Item", "Map<AttributeValue>");
  AssertType(s, "Item.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "Expected", "Map<ExpectedAttributeValue>");
  AssertType(s, "Expected.Attr", "ValueStruct<ExpectedAttributeValue>");
  AssertType(s, "Expected.Attr.Exists", "Boolean");
  AssertType(s, "Expected.Attr.Value", "AttrStruct<FieldStruct>");
  AssertType(s, "ReturnConsumedCapacity", "String");
  AssertType(s, "ReturnItemCollectionMetrics", "String");
  AssertType(s, "ReturnValues", "String");
  AssertType(s, "ConditionExpression", "String");
  AssertType(s, "ExpressionAttributeValues", "Map<AttributeValue>");
  AssertType(s, "ExpressionAttributeValues.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "ExpressionAttributeNames", "Map<java.lang.String>");
  AssertType(s, "ExpressionAttributeNames.Attr", "String");
}

TEST_CASE("PutItem validations") {
  const OperationSpec& s = PutItemSpec();
  const std::string null_item =
      "Value null at 'item' failed to satisfy constraint: Member must not be null";
  ExpectValidationSet(s, json::object(),
                      {"Value null at 'tableName' failed to satisfy constraint: Member must not "
                       "be null",
                       null_item});
  ExpectValidationSet(s, json{{"TableName", ""}},
                      {"Value '' at 'tableName' failed to satisfy constraint: Member must "
                       "satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
                       "Value '' at 'tableName' failed to satisfy constraint: Member must have "
                       "length greater than or equal to 3",
                       null_item});
  const std::string name(256, 'a');
  ExpectValidationSet(s, json{{"TableName", name}},
                      {"Value '" + name +
                           "' at 'tableName' failed to satisfy constraint: Member must have "
                           "length less than or equal to 255",
                       null_item});
  // Exact order, as DynamoDB lists them.
  ExpectValidation(
      s,
      json{{"TableName", "abc;"},
           {"ReturnConsumedCapacity", "hi"},
           {"ReturnItemCollectionMetrics", "hi"},
           {"ReturnValues", "hi"}},
      "5 validation errors detected: "
      "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy "
      "enum value set: [INDEXES, TOTAL, NONE]; "
      "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular "
      "expression pattern: [a-zA-Z0-9_.-]+; " +
          null_item +
          "; Value 'hi' at 'returnValues' failed to satisfy constraint: Member must satisfy enum "
          "value set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; "
          "Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must "
          "satisfy enum value set: [SIZE, NONE]");

  json mixed = {{"TableName", "abc"},
                {"Item", {{"a", json::object()}}},
                {"Expected", {{"a", json::object()}}},
                {"ExpressionAttributeNames", json::object()},
                {"ExpressionAttributeValues", json::object()},
                {"ConditionExpression", ""}};
  ExpectValidation(s, mixed,
                   "Can not use both expression and non-expression parameters in the same "
                   "request: Non-expression parameters: {Expected} Expression parameters: "
                   "{ConditionExpression}");
  mixed.erase("ConditionExpression");
  ExpectValidation(s, mixed,
                   "ExpressionAttributeNames can only be specified when using expressions");
  mixed.erase("ExpressionAttributeNames");
  ExpectValidation(s, mixed,
                   "ExpressionAttributeValues can only be specified when using expressions: "
                   "ConditionExpression is null");

  // Values are checked before the legacy Expected is looked at.
  json base = {{"TableName", "abc"}, {"Expected", {{"a", json::object()}}}};
  CheckBadValues(s, base, "Item");

  ExpectValidation(s, json{{"TableName", "abc"}, {"Item", {{"a", {{"S", "x"}}}}}, {"ReturnValues", "ALL_NEW"}},
                   "ReturnValues can only be ALL_OLD or NONE");
}

TEST_CASE("PutItem item size limit") {
  const OperationSpec& s = PutItemSpec();
  const std::string key = "0123456789";
  // 409600 bytes exactly is allowed, one more is not (name bytes count).
  json ok = {{"TableName", "aaa"},
             {"Item", {{"a", {{"S", key}}}, {"b", {{"S", std::string(409600 - 10 - 2, 'a')}}}}}};
  ExpectOk(s, ok);
  json big = {{"TableName", "aaa"},
              {"Item", {{"a", {{"S", key}}}, {"b", {{"S", std::string(409600 - 10 - 1, 'a')}}}}},
              {"Expected", {{"a", json::object()}}}};
  ExpectValidation(s, big, "Item size has exceeded the maximum allowed size");
}

TEST_CASE("PutItem legacy parameters and expression attributes") {
  const OperationSpec& s = PutItemSpec();
  json r = {{"TableName", "abc"}, {"Item", {{"a", {{"S", "x"}}}}}};
  ExpectOk(s, r);
  // The legacy forms are accepted (translated by the handler; their own
  // rules: legacy_spec_test.cc).
  r["Expected"] = {{"a", {{"Exists", false}}}};
  ExpectOk(s, r);
  r["ConditionalOperator"] = "OR";
  ExpectOk(s, r);
  r.erase("Expected");
  ExpectOk(s, r);
  r.erase("ConditionalOperator");
  r["ConditionExpression"] = "attribute_not_exists(a)";
  r["ExpressionAttributeNames"] = json::object();
  ExpectValidation(s, r, "ExpressionAttributeNames must not be empty");
  r["ExpressionAttributeNames"] = {{"a", "a"}};
  ExpectValidation(s, r, "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\"");
  r["ExpressionAttributeNames"] = {{"#a", "a"}};
  r["ExpressionAttributeValues"] = json::object();
  ExpectValidation(s, r, "ExpressionAttributeValues must not be empty");
  r["ExpressionAttributeValues"] = {{"b", {{"S", "x"}}}};
  ExpectValidation(s, r,
                   "ExpressionAttributeValues contains invalid key: Syntax error; key: \"b\"");
  r["ExpressionAttributeValues"] = {{":b", {{"SS", json::array()}}}};
  ExpectValidation(s, r,
                   "ExpressionAttributeValues contains invalid value: One or more parameter "
                   "values were invalid: An string set  may not be empty for key :b");
  r["ExpressionAttributeValues"] = {{":b", {{"S", "x"}}}};
  ExpectOk(s, r);
  // BOOL/NULL accept DynamoDB's boolean strings, normalized to JSON booleans.
  r["Item"]["c"] = {{"BOOL", "Yes"}};
  DdbResult<json> n = ValidateRequest(s, r);
  REQUIRE(n.ok());
  CHECK(n->at("Item").at("c") == json{{"BOOL", true}});
  r["Item"]["c"] = {{"BOOL", "maybe"}};
  ExpectSerialization(s, r, "Unexpected token received from parser");
}

TEST_CASE("GetItem") {
  const OperationSpec& s = GetItemSpec();
  AssertType(s, "TableName", "String");
  AssertType(s, "Key", "Map<AttributeValue>");
  AssertType(s, "Key.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "AttributesToGet", "List");
  AssertType(s, "ConsistentRead", "Boolean");
  AssertType(s, "ReturnConsumedCapacity", "String");
  AssertType(s, "ExpressionAttributeNames", "Map<java.lang.String>");
  AssertType(s, "ExpressionAttributeNames.Attr", "String");
  AssertType(s, "ProjectionExpression", "String");

  ExpectValidationSet(s, json::object(),
                      {"Value null at 'key' failed to satisfy constraint: Member must not be null",
                       "Value null at 'tableName' failed to satisfy constraint: Member must not "
                       "be null"});
  ExpectValidationSet(
      s, json{{"TableName", "abc;"}, {"ReturnConsumedCapacity", "hi"}, {"AttributesToGet", json::array()}},
      {"Value '[]' at 'attributesToGet' failed to satisfy constraint: Member must have length "
       "greater than or equal to 1",
       "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy "
       "enum value set: [INDEXES, TOTAL, NONE]",
       "Value null at 'key' failed to satisfy constraint: Member must not be null",
       "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular "
       "expression pattern: [a-zA-Z0-9_.-]+"});
  ExpectValidation(s,
                   json{{"TableName", "abc"},
                        {"Key", {{"a", json::object()}}},
                        {"AttributesToGet", {"a"}},
                        {"ExpressionAttributeNames", json::object()},
                        {"ProjectionExpression", ""}},
                   "Can not use both expression and non-expression parameters in the same "
                   "request: Non-expression parameters: {AttributesToGet} Expression parameters: "
                   "{ProjectionExpression}");
  ExpectValidation(s,
                   json{{"TableName", "abc"},
                        {"Key", {{"a", json::object()}}},
                        {"AttributesToGet", {"a"}},
                        {"ExpressionAttributeNames", json::object()}},
                   "ExpressionAttributeNames can only be specified when using expressions");
  CheckBadValues(s, json{{"TableName", "abc"}, {"AttributesToGet", {"a", "a"}}}, "Key");
  ExpectOk(s, json{{"TableName", "abc"}, {"Key", json::object()}, {"AttributesToGet", {"a"}}});
  ExpectValidation(
      s, json{{"TableName", "abc"}, {"Key", json::object()}, {"AttributesToGet", {"a", "a"}}},
      "One or more parameter values were invalid: Duplicate value in attribute name: "
      "a");
  ExpectValidation(s,
                   json{{"TableName", "abc"},
                        {"Key", json::object()},
                        {"ExpressionAttributeNames", json::object()},
                        {"ProjectionExpression", ""}},
                   "ExpressionAttributeNames must not be empty");
  ExpectValidation(s,
                   json{{"TableName", "abc"},
                        {"Key", json::object()},
                        {"ExpressionAttributeNames", {{"a", "a"}}},
                        {"ProjectionExpression", ""}},
                   "ExpressionAttributeNames contains invalid key: Syntax error; key: \"a\"");
  ExpectOk(s, json{{"TableName", "abc"}, {"Key", {{"a", {{"S", "x"}}}}}, {"ConsistentRead", true}});
}

TEST_CASE("DeleteItem") {
  const OperationSpec& s = DeleteItemSpec();
  AssertType(s, "TableName", "String");
  AssertType(s, "Key", "Map<AttributeValue>");
  AssertType(s, "Key.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "Expected", "Map<ExpectedAttributeValue>");
  AssertType(s, "Expected.Attr.Value", "AttrStruct<FieldStruct>");
  AssertType(s, "ReturnValues", "String");
  AssertType(s, "ConditionExpression", "String");
  AssertType(s, "ExpressionAttributeValues.Attr", "AttrStruct<ValueStruct>");

  ExpectValidation(
      s,
      json{{"TableName", "abc;"}, {"ReturnConsumedCapacity", "hi"}, {"ReturnItemCollectionMetrics", "hi"}, {"ReturnValues", "hi"}},
      "5 validation errors detected: "
      "Value 'hi' at 'returnConsumedCapacity' failed to satisfy constraint: Member must satisfy "
      "enum value set: [INDEXES, TOTAL, NONE]; "
      "Value 'abc;' at 'tableName' failed to satisfy constraint: Member must satisfy regular "
      "expression pattern: [a-zA-Z0-9_.-]+; "
      "Value 'hi' at 'returnValues' failed to satisfy constraint: Member must satisfy enum value "
      "set: [ALL_NEW, UPDATED_OLD, ALL_OLD, NONE, UPDATED_NEW]; "
      "Value 'hi' at 'returnItemCollectionMetrics' failed to satisfy constraint: Member must "
      "satisfy enum value set: [SIZE, NONE]; "
      "Value null at 'key' failed to satisfy constraint: Member must not be null");
  CheckBadValues(s, json{{"TableName", "abc"}}, "Key");
  json r = {{"TableName", "abc"}, {"Key", {{"a", {{"S", "x"}}}}}};
  ExpectOk(s, r);
  r["ReturnValues"] = "UPDATED_NEW";
  ExpectValidation(s, r, "ReturnValues can only be ALL_OLD or NONE");
  r["ReturnValues"] = "ALL_OLD";
  r["Expected"] = {{"a", {{"Exists", true}, {"Value", {{"S", "x"}}}}}};
  ExpectOk(s, r);
  r["Expected"] = {{"a", {{"Exists", true}}}};
  ExpectValidation(s, r,
                   "One or more parameter values were invalid: Value must be provided when Exists "
                   "is true for Attribute: a");
}

TEST_CASE("UpdateItem") {
  const OperationSpec& s = UpdateItemSpec();
  AssertType(s, "TableName", "String");
  AssertType(s, "Key", "Map<AttributeValue>");
  AssertType(s, "Key.Attr", "AttrStruct<ValueStruct>");
  AssertType(s, "AttributeUpdates", "Map<AttributeValueUpdate>");
  AssertType(s, "AttributeUpdates.Attr", "ValueStruct<AttributeValueUpdate>");
  AssertType(s, "AttributeUpdates.Attr.Action", "String");
  AssertType(s, "AttributeUpdates.Attr.Value", "AttrStruct<FieldStruct>");
  AssertType(s, "UpdateExpression", "String");
  AssertType(s, "ReturnValuesOnConditionCheckFailure", "String");

  ExpectValidationSet(s, json{{"TableName", "abc"}, {"ReturnValuesOnConditionCheckFailure", "X"}},
                      {"Value null at 'key' failed to satisfy constraint: Member must not be null",
                       "Value 'X' at 'returnValuesOnConditionCheckFailure' failed to satisfy "
                       "constraint: Member must satisfy enum value set: [ALL_OLD, NONE]"});
  json r = {{"TableName", "abc"},
            {"Key", {{"a", {{"S", "x"}}}}},
            {"AttributeUpdates", {{"b", {{"Action", "PUT"}, {"Value", {{"S", "y"}}}}}}},
            {"UpdateExpression", "SET b = :b"}};
  ExpectValidation(s, r,
                   "Can not use both expression and non-expression parameters in the same "
                   "request: Non-expression parameters: {AttributeUpdates} Expression "
                   "parameters: {UpdateExpression}");
  r.erase("UpdateExpression");
  ExpectOk(s, r);
  r.erase("AttributeUpdates");
  r["ExpressionAttributeValues"] = {{":b", {{"S", "y"}}}};
  ExpectValidation(s, r,
                   "ExpressionAttributeValues can only be specified when using expressions: "
                   "UpdateExpression and ConditionExpression are null");
  r["UpdateExpression"] = "SET b = :b";
  r["ReturnValues"] = "UPDATED_NEW";
  ExpectOk(s, r);
  CheckBadValues(s, json{{"TableName", "abc"}}, "Key");
}

}  // namespace
}  // namespace api
}  // namespace pd
