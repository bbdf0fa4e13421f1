// The legacy parameters' own rules, checked before any table is read, with
// DynamoDB's messages (dynalite's validateAttributeConditions /
// validateConditions and the operations' custom checks).
#include <doctest/doctest.h>

#include "api/ops/op_specs.h"
#include "api_test_util.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;
using testing::ExpectOk;
using testing::ExpectValidation;

const char kInvalid[] = "One or more parameter values were invalid: ";

json Put(json expected) {
  return {{"TableName", "abc"}, {"Item", {{"a", {{"S", "x"}}}}}, {"Expected", std::move(expected)}};
}

TEST_CASE("Expected: Value, Exists, ComparisonOperator and AttributeValueList rules") {
  const OperationSpec& s = PutItemSpec();
  const json x = {{"S", "x"}};
  ExpectOk(s, Put({{"a", {{"Value", x}}}}));
  ExpectOk(s, Put({{"a", {{"Exists", false}}}}));
  ExpectOk(s, Put({{"a", {{"ComparisonOperator", "NULL"}}}}));
  ExpectOk(s, Put({{"a", {{"ComparisonOperator", "IN"}, {"AttributeValueList", {x, x}}}}}));
  ExpectValidation(s, Put({{"a", {{"Value", x}, {"AttributeValueList", {x}}}}}),
                   std::string(kInvalid) +
                       "Value and AttributeValueList cannot be used together for Attribute: a");
  ExpectValidation(s, Put({{"a", {{"ComparisonOperator", "EQ"}, {"Exists", true}, {"Value", x}}}}),
                   std::string(kInvalid) +
                       "Exists and ComparisonOperator cannot be used together for Attribute: a");
  ExpectValidation(s, Put({{"a", {{"ComparisonOperator", "EQ"}}}}),
                   std::string(kInvalid) +
                       "Value or AttributeValueList must be used with ComparisonOperator: EQ for "
                       "Attribute: a");
  ExpectValidation(
      s, Put({{"a", {{"ComparisonOperator", "BETWEEN"}, {"Value", x}}}}),
      std::string(kInvalid) + "Invalid number of argument(s) for the BETWEEN ComparisonOperator");
  ExpectValidation(
      s, Put({{"a", {{"ComparisonOperator", "NULL"}, {"AttributeValueList", {x}}}}}),
      std::string(kInvalid) + "Invalid number of argument(s) for the NULL ComparisonOperator");
  ExpectValidation(
      s, Put({{"a", {{"ComparisonOperator", "IN"}, {"AttributeValueList", {x, {{"N", "1"}}}}}}}),
      std::string(kInvalid) + "AttributeValues inside AttributeValueList must be of same type");
  ExpectValidation(s,
                   Put({{"a",
                         {{"ComparisonOperator", "BETWEEN"},
                          {"AttributeValueList", {{{"N", "5"}}, {{"N", "1"}}}}}}}),
                   "The BETWEEN condition was provided a range where the lower bound is greater "
                   "than the upper bound");
  ExpectValidation(s, Put({{"a", {{"AttributeValueList", {x}}}}}),
                   std::string(kInvalid) +
                       "AttributeValueList can only be used with a ComparisonOperator for "
                       "Attribute: a");
  ExpectValidation(
      s, Put({{"a", json::object()}}),
      std::string(kInvalid) + "Value must be provided when Exists is null for Attribute: a");
  ExpectValidation(
      s, Put({{"a", {{"Exists", true}}}}),
      std::string(kInvalid) + "Value must be provided when Exists is true for Attribute: a");
  ExpectValidation(
      s, Put({{"a", {{"Exists", false}, {"Value", x}}}}),
      std::string(kInvalid) + "Value cannot be used when Exists is false for Attribute: a");
  // A value's own errors.
  ExpectValidation(s, Put({{"a", {{"Value", {{"SS", json::array()}}}}}}),
                   std::string(kInvalid) + "An string set  may not be empty");
  // The same rules on DeleteItem and UpdateItem.
  ExpectValidation(
      DeleteItemSpec(),
      {{"TableName", "abc"}, {"Key", {{"a", x}}}, {"Expected", {{"a", {{"Exists", true}}}}}},
      std::string(kInvalid) + "Value must be provided when Exists is true for Attribute: a");
  ExpectValidation(
      UpdateItemSpec(),
      {{"TableName", "abc"}, {"Key", {{"a", x}}}, {"Expected", {{"a", {{"Exists", true}}}}}},
      std::string(kInvalid) + "Value must be provided when Exists is true for Attribute: a");
}

TEST_CASE("AttributeUpdates: actions and value types") {
  const OperationSpec& s = UpdateItemSpec();
  auto update = [](json updates) {
    return json{
        {"TableName", "abc"}, {"Key", {{"a", {{"S", "x"}}}}}, {"AttributeUpdates", updates}};
  };
  ExpectOk(s, update({{"b", {{"Value", {{"S", "y"}}}}}}));
  ExpectOk(s, update({{"b", {{"Action", "DELETE"}}}}));
  ExpectOk(s, update({{"b", {{"Action", "ADD"}, {"Value", {{"L", json::array()}}}}}}));
  ExpectOk(s, update({{"b", {{"Action", "DELETE"}, {"Value", {{"NS", {"1"}}}}}}}));
  ExpectValidation(
      s, update({{"b", {{"Action", "PUT"}}}}),
      std::string(kInvalid) + "Only DELETE action is allowed when no attribute value is specified");
  ExpectValidation(
      s, update({{"b", json::object()}}),
      std::string(kInvalid) + "Only DELETE action is allowed when no attribute value is specified");
  ExpectValidation(
      s, update({{"b", {{"Action", "DELETE"}, {"Value", {{"S", "y"}}}}}}),
      std::string(kInvalid) + "DELETE action with value is not supported for the type S");
  ExpectValidation(s, update({{"b", {{"Action", "ADD"}, {"Value", {{"BOOL", true}}}}}}),
                   std::string(kInvalid) + "ADD action is not supported for the type BOOL");
  // AttributeUpdates come before Expected.
  json both = update({{"b", {{"Action", "PUT"}}}});
  both["Expected"] = {{"a", {{"Exists", true}}}};
  ExpectValidation(
      s, both,
      std::string(kInvalid) + "Only DELETE action is allowed when no attribute value is specified");
}

TEST_CASE("QueryFilter, ScanFilter and KeyConditions: value counts and types per operator") {
  const json x = {{"S", "x"}};
  auto scan = [](json filter) { return json{{"TableName", "abc"}, {"ScanFilter", filter}}; };
  ExpectOk(ScanSpec(), scan({{"a", {{"ComparisonOperator", "NOT_NULL"}}}}));
  ExpectOk(
      ScanSpec(),
      scan({{"a", {{"ComparisonOperator", "EQ"}, {"AttributeValueList", {{{"SS", {"p"}}}}}}}}));
  ExpectValidation(
      ScanSpec(), scan({{"a", {{"ComparisonOperator", "EQ"}}}}),
      std::string(kInvalid) + "Invalid number of argument(s) for the EQ ComparisonOperator");
  ExpectValidation(
      ScanSpec(),
      scan({{"a", {{"ComparisonOperator", "LT"}, {"AttributeValueList", {{{"BOOL", true}}}}}}}),
      std::string(kInvalid) +
          "ComparisonOperator LT is not valid for BOOL "
          "AttributeValue type");
  ExpectValidation(
      ScanSpec(),
      scan(
          {{"a", {{"ComparisonOperator", "BEGINS_WITH"}, {"AttributeValueList", {{{"N", "1"}}}}}}}),
      std::string(kInvalid) +
          "ComparisonOperator BEGINS_WITH is not valid for N "
          "AttributeValue type");
  ExpectValidation(
      ScanSpec(),
      scan({{"a", {{"ComparisonOperator", "IN"}, {"AttributeValueList", {x, {{"B", "AQ=="}}}}}}}),
      std::string(kInvalid) + "AttributeValues inside AttributeValueList must be of same type");
  ExpectValidation(ScanSpec(), json{{"TableName", "abc"}, {"AttributesToGet", {"a", "b", "a"}}},
                   std::string(kInvalid) + "Duplicate value in attribute name: a");
  // Query: QueryFilter first, KeyConditions after the expression attributes.
  json q = {
      {"TableName", "abc"},
      {"KeyConditions", {{"a", {{"ComparisonOperator", "EQ"}, {"AttributeValueList", {x}}}}}},
      {"QueryFilter", {{"b", {{"ComparisonOperator", "GT"}, {"AttributeValueList", {x, x}}}}}}};
  ExpectValidation(
      QuerySpec(), q,
      std::string(kInvalid) + "Invalid number of argument(s) for the GT ComparisonOperator");
  q.erase("QueryFilter");
  ExpectOk(QuerySpec(), q);
  q["KeyConditions"]["a"]["AttributeValueList"] = json::array();
  ExpectValidation(
      QuerySpec(), q,
      std::string(kInvalid) + "Invalid number of argument(s) for the EQ ComparisonOperator");
  q["KeyConditions"] = json::object();
  ExpectValidation(QuerySpec(), q, "Conditions can be of length 1 or 2 only");
  json three;
  for (const char* k : {"a", "b", "c"}) {
    three[k] = {{"ComparisonOperator", "EQ"}, {"AttributeValueList", {x}}};
  }
  q["KeyConditions"] = three;
  ExpectValidation(QuerySpec(), q, "Conditions can be of length 1 or 2 only");
}

}  // namespace
}  // namespace api
}  // namespace pd
