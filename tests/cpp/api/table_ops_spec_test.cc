// DescribeTable, DeleteTable, ListTables, UpdateTable specs (dynalite's
// test/describeTable.js, deleteTable.js, listTables.js, updateTable.js).
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

TEST_CASE("DescribeTable and DeleteTable") {
  for (const OperationSpec* s : {&DescribeTableSpec(), &DeleteTableSpec()}) {
    AssertType(*s, "TableName", "String");
    ExpectValidation(*s, json::object(),
                     "The parameter 'TableName' is required but was not present in the request");
    // Current DynamoDB reports the table name's constraints alone, in the
    // aggregated form.
    ExpectValidation(*s, json{{"TableName", ""}},
                     "2 validation errors detected: Value '' at 'tableName' failed to satisfy "
                     "constraint: Member must satisfy regular expression pattern: "
                     "[a-zA-Z0-9_.-]+; Value '' at 'tableName' failed to satisfy constraint: "
                     "Member must have length greater than or equal to 3");
    ExpectValidation(*s, json{{"TableName", "a;"}},
                     "2 validation errors detected: Value 'a;' at 'tableName' failed to satisfy "
                     "constraint: Member must satisfy regular expression pattern: "
                     "[a-zA-Z0-9_.-]+; Value 'a;' at 'tableName' failed to satisfy constraint: "
                     "Member must have length greater than or equal to 3");
    ExpectValidation(*s, json{{"TableName", std::string(256, 'a')}},
                     "1 validation error detected: Value '" + std::string(256, 'a') +
                         "' at 'tableName' failed to satisfy constraint: Member must have length "
                         "less than or equal to 255");
    ExpectValidation(*s, json{{"TableName", "abc;"}},
                     "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy "
                     "constraint: Member must satisfy regular expression pattern: "
                     "[a-zA-Z0-9_.-]+");
    ExpectOk(*s, json{{"TableName", "a.b-c_1"}});
    ExpectOk(*s, json{{"TableName", std::string(255, 'z')}});
  }
}

TEST_CASE("ListTables") {
  const OperationSpec& s = ListTablesSpec();
  AssertType(s, "ExclusiveStartTableName", "String");
  AssertType(s, "Limit", "Integer");
  ExpectValidation(s, json{{"ExclusiveStartTableName", "a;"}, {"Limit", 500}},
                   "3 validation errors detected: "
                   "Value '500' at 'limit' failed to satisfy constraint: Member must have value "
                   "less than or equal to 100; "
                   "Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member "
                   "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
                   "Value 'a;' at 'exclusiveStartTableName' failed to satisfy constraint: Member "
                   "must have length greater than or equal to 3");
  ExpectValidation(s, json{{"ExclusiveStartTableName", ""}},
                   "2 validation errors detected: "
                   "Value '' at 'exclusiveStartTableName' failed to satisfy constraint: Member "
                   "must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; "
                   "Value '' at 'exclusiveStartTableName' failed to satisfy constraint: Member "
                   "must have length greater than or equal to 3");
  const std::string long_name(256, 'a');
  ExpectValidation(s, json{{"ExclusiveStartTableName", long_name}},
                   "1 validation error detected: Value '" + long_name +
                       "' at 'exclusiveStartTableName' failed to satisfy constraint: Member must "
                       "have length less than or equal to 255");
  ExpectValidation(s, json{{"Limit", 0}},
                   "1 validation error detected: Value '0' at 'limit' failed to satisfy "
                   "constraint: Member must have value greater than or equal to 1");
  ExpectValidation(s, json{{"Limit", 101}},
                   "1 validation error detected: Value '101' at 'limit' failed to satisfy "
                   "constraint: Member must have value less than or equal to 100");
  ExpectOk(s, json::object());
  ExpectOk(s, json{{"hi", "yo"}, {"stuff", "things"}});
  ExpectOk(s, json{{"ExclusiveStartTableName", nullptr}, {"Limit", nullptr}});
  ExpectOk(s, json{{"ExclusiveStartTableName", "aaa"}, {"Limit", 100}});
}

TEST_CASE("UpdateTable") {
  const OperationSpec& s = UpdateTableSpec();
  AssertType(s, "TableName", "String");
  AssertType(s, "ProvisionedThroughput", "FieldStruct<ProvisionedThroughput>");
  AssertType(s, "ProvisionedThroughput.WriteCapacityUnits", "Long");
  AssertType(s, "GlobalSecondaryIndexUpdates", "List");
  AssertType(s, "GlobalSecondaryIndexUpdates.0", "ValueStruct<GlobalSecondaryIndexUpdate>");
  AssertType(s, "GlobalSecondaryIndexUpdates.0.Update",
             "FieldStruct<UpdateGlobalSecondaryIndexAction>");
  AssertType(s, "GlobalSecondaryIndexUpdates.0.Create.KeySchema.0",
             "ValueStruct<KeySchemaElement>");
  AssertType(s, "BillingMode", "String");

  ExpectValidation(s, json::object(),
                   "The parameter 'TableName' is required but was not present in the request");
  ExpectValidation(s, json{{"TableName", "ab"}},
                   "1 validation error detected: Value 'ab' at 'tableName' failed to satisfy "
                   "constraint: Member must have length greater than or equal to 3");
  // The table name's errors come alone, before any other member's.
  ExpectValidation(s, json{{"TableName", "abc;"}, {"ProvisionedThroughput", json::object()}},
                   "1 validation error detected: Value 'abc;' at 'tableName' failed to satisfy "
                   "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  ExpectValidationSet(
      s, json{{"TableName", "abc"}, {"ProvisionedThroughput", json::object()}},
      {"Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: "
       "Member must not be null",
       "Value null at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
       "Member must not be null"});
  ExpectValidationSet(
      s,
      json{{"TableName", "abc"},
           {"ProvisionedThroughput", {{"ReadCapacityUnits", -1}, {"WriteCapacityUnits", -1}}}},
      {"Value '-1' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: "
       "Member must have value greater than or equal to 1",
       "Value '-1' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
       "Member must have value greater than or equal to 1"});
  ExpectValidation(s, json{{"TableName", "abc"}},
                   "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                   "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  ExpectValidation(s, json{{"TableName", "abc"}, {"GlobalSecondaryIndexUpdates", json::array()}},
                   "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, "
                   "GlobalSecondaryIndexUpdates or SSESpecification or ReplicaUpdates is required");
  ExpectValidation(s,
                   json{{"TableName", "abc"},
                        {"ProvisionedThroughput",
                         {{"ReadCapacityUnits", 1000000000001}, {"WriteCapacityUnits", 1}}}},
                   "Given value 1000000000001 for ReadCapacityUnits is out of bounds");
  ExpectValidation(s,
                   json{{"TableName", "abc"},
                        {"ProvisionedThroughput",
                         {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1000000000001}}}},
                   "Given value 1000000000001 for WriteCapacityUnits is out of bounds");
  ExpectValidation(
      s,
      json{{"TableName", "abc"},
           {"BillingMode", "PAY_PER_REQUEST"},
           {"ProvisionedThroughput", {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}}}},
      "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
      "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  ExpectValidationSet(
      s,
      json{{"TableName", "abc"},
           {"GlobalSecondaryIndexUpdates", json::array({{{"Delete", {{"IndexName", "a;"}}}}})}},
      {"Value 'a;' at 'globalSecondaryIndexUpdates.1.member.delete.indexName' failed to satisfy "
       "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
       "Value 'a;' at 'globalSecondaryIndexUpdates.1.member.delete.indexName' failed to satisfy "
       "constraint: Member must have length greater than or equal to 3"});
  ExpectOk(s, json{{"TableName", "abc"},
                   {"GlobalSecondaryIndexUpdates",
                    json::array({{{"Delete", {{"IndexName", "abc"}}}}})}});
  ExpectValidation(
      s,
      json{{"TableName", "abc"},
           {"GlobalSecondaryIndexUpdates", json::array({{{"Delete", {{"IndexName", "abc"}}}},
                                                        {{"Delete", {{"IndexName", "abc"}}}}})}},
      "One or more parameter values were invalid: Only one global secondary index "
      "update per index is allowed simultaneously. Index: abc");
  ExpectValidation(
      s, json{{"TableName", "abc"}, {"GlobalSecondaryIndexUpdates", json::array({json::object()})}},
      "One or more parameter values were invalid: One of "
      "GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
      "GlobalSecondaryIndexUpdate.Delete must not be null");
  ExpectValidation(s, json{{"TableName", "abc"}, {"StreamSpecification", {{"StreamEnabled", true}}}},
                   "One or more parameter values were invalid: If stream is being enabled then "
                   "UpdateViewType is required");
  ExpectOk(s, json{{"TableName", "abc"},
                   {"StreamSpecification", {{"StreamEnabled", true}, {"StreamViewType", "KEYS_ONLY"}}}});
  ExpectOk(s, json{{"TableName", "abc"}, {"BillingMode", "PAY_PER_REQUEST"}});
  ExpectOk(s,
           json{{"TableName", "abc"},
                {"ProvisionedThroughput", {{"ReadCapacityUnits", 2}, {"WriteCapacityUnits", 3}}}});
  ExpectOk(s, json{{"TableName", "abc"}, {"DeletionProtectionEnabled", false}});
}

}  // namespace
}  // namespace api
}  // namespace pd
