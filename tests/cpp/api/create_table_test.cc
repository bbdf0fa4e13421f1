// CreateTable: serializations and validations (dynalite's test/createTable.js
// cases), then TableDescription: DescribeTable shape and the byte form.
#include <doctest/doctest.h>

#include "api/describe_text.h"
#include "api/ops/op_specs.h"
#include "api/table_request.h"
#include "api_test_util.h"
#include "table/table_description.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;
using testing::AssertType;
using testing::ExpectOk;
using testing::ExpectValidation;
using testing::ExpectValidationSet;

const OperationSpec& S() { return CreateTableSpec(); }

json Base() {
  return json::parse(R"({"TableName":"abc",
    "AttributeDefinitions":[{"AttributeName":"a","AttributeType":"S"}],
    "KeySchema":[{"KeyType":"HASH","AttributeName":"a"}],
    "ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})");
}

TEST_CASE("CreateTable serializations") {
  AssertType(S(), "TableName", "String");
  AssertType(S(), "AttributeDefinitions", "List");
  AssertType(S(), "KeySchema", "List");
  AssertType(S(), "LocalSecondaryIndexes", "List");
  AssertType(S(), "GlobalSecondaryIndexes", "List");
  AssertType(S(), "ProvisionedThroughput", "FieldStruct<ProvisionedThroughput>");
  AssertType(S(), "ProvisionedThroughput.WriteCapacityUnits", "Long");
  AssertType(S(), "ProvisionedThroughput.ReadCapacityUnits", "Long");
  AssertType(S(), "KeySchema.0", "ValueStruct<KeySchemaElement>");
  AssertType(S(), "KeySchema.0.KeyType", "String");
  AssertType(S(), "KeySchema.0.AttributeName", "String");
  AssertType(S(), "AttributeDefinitions.0", "ValueStruct<AttributeDefinition>");
  AssertType(S(), "AttributeDefinitions.0.AttributeName", "String");
  AssertType(S(), "AttributeDefinitions.0.AttributeType", "String");
  AssertType(S(), "LocalSecondaryIndexes.0", "ValueStruct<LocalSecondaryIndex>");
  AssertType(S(), "LocalSecondaryIndexes.0.IndexName", "String");
  AssertType(S(), "LocalSecondaryIndexes.0.KeySchema", "List");
  AssertType(S(), "LocalSecondaryIndexes.0.Projection", "FieldStruct<Projection>");
  AssertType(S(), "LocalSecondaryIndexes.0.KeySchema.0", "ValueStruct<KeySchemaElement>");
  AssertType(S(), "LocalSecondaryIndexes.0.Projection.NonKeyAttributes", "List");
  AssertType(S(), "LocalSecondaryIndexes.0.Projection.ProjectionType", "String");
  AssertType(S(), "LocalSecondaryIndexes.0.Projection.NonKeyAttributes.0", "String");
  AssertType(S(), "GlobalSecondaryIndexes.0", "ValueStruct<GlobalSecondaryIndex>");
  AssertType(S(), "GlobalSecondaryIndexes.0.ProvisionedThroughput",
             "FieldStruct<ProvisionedThroughput>");
  AssertType(S(), "GlobalSecondaryIndexes.0.ProvisionedThroughput.ReadCapacityUnits", "Long");
  AssertType(S(), "BillingMode", "String");
  AssertType(S(), "Tags", "List");
  AssertType(S(), "Tags.0", "ValueStruct<Tag>");
  AssertType(S(), "Tags.0.Key", "String");
  AssertType(S(), "StreamSpecification", "FieldStruct<StreamSpecification>");
  AssertType(S(), "StreamSpecification.StreamEnabled", "Boolean");
  AssertType(S(), "DeletionProtectionEnabled", "Boolean");
}

TEST_CASE("CreateTable validations: table name") {
  ExpectValidation(S(), json::object(),
                   "The parameter 'TableName' is required but was not present in the request");
  // Current DynamoDB: the table name's own errors, alone, in the aggregated
  // form ("1 validation error detected: Value 'ab' at 'tableName' ...").
  const std::string pattern =
      "failed to satisfy constraint: Member must satisfy regular expression pattern: "
      "[a-zA-Z0-9_.-]+";
  const std::string too_short =
      "failed to satisfy constraint: Member must have length greater than or equal to 3";
  ExpectValidation(S(), json{{"TableName", "ab"}},
                   "1 validation error detected: Value 'ab' at 'tableName' " + too_short);
  ExpectValidation(S(), json{{"TableName", "a;"}},
                   "2 validation errors detected: Value 'a;' at 'tableName' " + pattern +
                       "; Value 'a;' at 'tableName' " + too_short);
  ExpectValidation(S(), json{{"TableName", ""}},
                   "2 validation errors detected: Value '' at 'tableName' " + pattern +
                       "; Value '' at 'tableName' " + too_short);
  ExpectValidation(S(), json{{"TableName", std::string(256, 'a')}},
                   "1 validation error detected: Value '" + std::string(256, 'a') +
                       "' at 'tableName' failed to satisfy constraint: Member must have length "
                       "less than or equal to 255");
  ExpectValidation(S(), json{{"TableName", "abc;"}},
                   "1 validation error detected: Value 'abc;' at 'tableName' " + pattern);
}

TEST_CASE("CreateTable validations: GSI errors come before LSI errors, whatever the order") {
  // As current DynamoDB reports them (captured by the dynamodb-conformance
  // suite in two regions): the GSI's error first, even when the request
  // lists the LSI first or its name sorts first.
  auto index = [](const std::string& name, const char* range) {
    json keys = json::array({{{"AttributeName", "pk"}, {"KeyType", "HASH"}}});
    if (range != nullptr) keys.push_back({{"AttributeName", range}, {"KeyType", "RANGE"}});
    return json{
        {"IndexName", name}, {"KeySchema", keys}, {"Projection", {{"ProjectionType", "ALL"}}}};
  };
  auto too_short = [](const std::string& name, const std::string& member) {
    return "Value '" + name + "' at '" + member +
           ".1.member.indexName' failed to satisfy constraint: Member must have length greater "
           "than or equal to 3";
  };
  for (const auto& [lsi, gsi] : {std::pair<std::string, std::string>{"l1", "g1"}, {"aa", "zz"}}) {
    json request = {{"TableName", "abc"},
                    {"BillingMode", "PAY_PER_REQUEST"},
                    {"AttributeDefinitions", {{{"AttributeName", "pk"}, {"AttributeType", "S"}}}},
                    {"KeySchema", {{{"AttributeName", "pk"}, {"KeyType", "HASH"}}}},
                    {"LocalSecondaryIndexes", {index(lsi, "lr")}},
                    {"GlobalSecondaryIndexes", {index(gsi, nullptr)}}};
    ExpectValidation(S(), request,
                     "2 validation errors detected: " + too_short(gsi, "globalSecondaryIndexes") +
                         "; " + too_short(lsi, "localSecondaryIndexes"));
  }
}

TEST_CASE("CreateTable validations: aggregated member errors") {
  ExpectValidationSet(S(), json{{"TableName", "abc"}},
                      {"Value null at 'attributeDefinitions' failed to satisfy constraint: "
                       "Member must not be null",
                       "Value null at 'keySchema' failed to satisfy constraint: Member must not "
                       "be null"});
  ExpectValidationSet(S(), json{{"TableName", "abc"}, {"AttributeDefinitions", json::array()}},
                      {"Value null at 'keySchema' failed to satisfy constraint: Member must not "
                       "be null"});
  ExpectValidationSet(
      S(),
      json{{"TableName", "abc"},
           {"AttributeDefinitions", json::array()},
           {"ProvisionedThroughput", json::object()}},
      {"Value null at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: "
       "Member must not be null",
       "Value null at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
       "Member must not be null",
       "Value null at 'keySchema' failed to satisfy constraint: Member must not be null"});
  ExpectValidationSet(
      S(), json::parse(R"({"TableName":"abc","AttributeDefinitions":[],"KeySchema":[],
        "ProvisionedThroughput":{"ReadCapacityUnits":-1,"WriteCapacityUnits":-1}})"),
      {"Value '-1' at 'provisionedThroughput.writeCapacityUnits' failed to satisfy constraint: "
       "Member must have value greater than or equal to 1",
       "Value '-1' at 'provisionedThroughput.readCapacityUnits' failed to satisfy constraint: "
       "Member must have value greater than or equal to 1",
       "Value '[]' at 'keySchema' failed to satisfy constraint: Member must have length greater "
       "than or equal to 1"});
  ExpectValidationSet(
      S(), json::parse(R"({"TableName":"abc","AttributeDefinitions":[],
        "KeySchema":[{"KeyType":"HASH"},{"AttributeName":"a"},{"KeyType":"Woop","AttributeName":"a"}],
        "ProvisionedThroughput":{"ReadCapacityUnits":1000000000001,"WriteCapacityUnits":1000000000001}})"),
      {"Value '[{\"KeyType\":\"HASH\"}, {\"AttributeName\":\"a\"}, "
       "{\"AttributeName\":\"a\",\"KeyType\":\"Woop\"}]' at 'keySchema' failed to satisfy "
       "constraint: Member must have length less than or equal to 2",
       "Value null at 'keySchema.1.member.attributeName' failed to satisfy constraint: Member "
       "must not be null",
       "Value null at 'keySchema.2.member.keyType' failed to satisfy constraint: Member must not "
       "be null",
       "Value 'Woop' at 'keySchema.3.member.keyType' failed to satisfy constraint: Member must "
       "satisfy enum value set: [HASH, RANGE]"});
  ExpectValidationSet(
      S(), json::parse(R"({"TableName":"abc","AttributeDefinitions":[{}],
        "KeySchema":[{"KeyType":"HASH","AttributeName":"a"},{"KeyType":"HASH","AttributeName":"a"}],
        "ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})"),
      {"Value null at 'attributeDefinitions.1.member.attributeName' failed to satisfy "
       "constraint: Member must not be null",
       "Value null at 'attributeDefinitions.1.member.attributeType' failed to satisfy "
       "constraint: Member must not be null"});
  ExpectValidation(
      S(),
      json::parse(
          R"({"TableName":"abc","AttributeDefinitions":[{"AttributeName":"b","AttributeType":"SS"}],
        "KeySchema":[{"KeyType":"HASH","AttributeName":"a"}],
        "ProvisionedThroughput":{"ReadCapacityUnits":1,"WriteCapacityUnits":1}})"),
      "1 validation error detected: Value 'SS' at 'attributeDefinitions.1.member.attributeType' "
      "failed to satisfy constraint: Member must satisfy enum value set: [B, N, S]");
}

TEST_CASE("CreateTable validations: throughput and billing mode") {
  json r = Base();
  r.erase("ProvisionedThroughput");
  ExpectValidation(S(), r,
                   "One or more parameter values were invalid: ReadCapacityUnits and "
                   "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
  r["BillingMode"] = "PROVISIONED";
  ExpectValidation(S(), r,
                   "One or more parameter values were invalid: ReadCapacityUnits and "
                   "WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
  r["BillingMode"] = "PAY_PER_REQUEST";
  ExpectOk(S(), r);
  r["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1}, {"WriteCapacityUnits", 1}};
  ExpectValidation(S(), r,
                   "One or more parameter values were invalid: Neither ReadCapacityUnits nor "
                   "WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
  r["BillingMode"] = "FREE";
  ExpectValidation(S(), r,
                   "1 validation error detected: Value 'FREE' at 'billingMode' failed to satisfy "
                   "constraint: Member must satisfy enum value set: [PROVISIONED, "
                   "PAY_PER_REQUEST]");

  r = Base();
  r["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1000000000001}, {"WriteCapacityUnits", -1}};
  ExpectValidationSet(S(), r,
                      {"Value '-1' at 'provisionedThroughput.writeCapacityUnits' failed to "
                       "satisfy constraint: Member must have value greater than or equal to 1"});
  r["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1000000000001},
                                {"WriteCapacityUnits", 1000000000001}};
  ExpectValidation(S(), r, "Given value 1000000000001 for ReadCapacityUnits is out of bounds");
  r["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1000000000000},
                                {"WriteCapacityUnits", 1000000000001}};
  ExpectValidation(S(), r, "Given value 1000000000001 for WriteCapacityUnits is out of bounds");
  r["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1000000000000},
                                {"WriteCapacityUnits", 1000000000000}};
  ExpectOk(S(), r);
}

// Vectors, not json, so that a one-element list is a list under every
// compiler (nlohmann's single-element brace initialization is ambiguous).
json WithKeys(std::vector<json> defs, std::vector<json> keys) {
  json r = Base();
  r["AttributeDefinitions"] = json(std::move(defs));
  r["KeySchema"] = json(std::move(keys));
  return r;
}

json Def(const char* name, const char* type = "S") {
  return {{"AttributeName", name}, {"AttributeType", type}};
}
json Key(const char* name, const char* type) {
  return {{"AttributeName", name}, {"KeyType", type}};
}

TEST_CASE("CreateTable validations: key schema against attribute definitions") {
  const char* no_definition = "Invalid KeySchema: Some index key attribute have no definition";
  ExpectValidation(S(), WithKeys({}, {Key("a", "HASH"), Key("a", "HASH")}), no_definition);
  ExpectValidation(S(), WithKeys({Def("b")}, {Key("a", "HASH"), Key("a", "HASH")}), no_definition);
  ExpectValidation(S(), WithKeys({Def("b")}, {Key("a", "HASH"), Key("b", "RANGE")}), no_definition);
  ExpectValidation(S(), WithKeys({Def("a")}, {Key("a", "HASH"), Key("a", "HASH")}), no_definition);
  ExpectValidation(S(), WithKeys({}, {Key("a", "HASH")}), no_definition);
  ExpectValidation(S(), WithKeys({Def("b")}, {Key("a", "HASH")}),
                   "One or more parameter values were invalid: Some index key attributes are not "
                   "defined in AttributeDefinitions. Keys: [a], AttributeDefinitions: [b]");
  ExpectValidation(S(), WithKeys({Def("a"), Def("b")}, {Key("a", "HASH"), Key("a", "HASH")}),
                   "Both the Hash Key and the Range Key element in the KeySchema have the same "
                   "name");
  ExpectValidation(S(), WithKeys({Def("a"), Def("b")}, {Key("a", "HASH"), Key("b", "HASH")}),
                   "Invalid KeySchema: The second KeySchemaElement is not a RANGE key type");
  ExpectValidation(S(), WithKeys({Def("a"), Def("b")}, {Key("a", "RANGE"), Key("b", "HASH")}),
                   "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  ExpectValidation(S(), WithKeys({Def("a"), Def("b")}, {Key("a", "RANGE"), Key("b", "RANGE")}),
                   "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  ExpectValidation(S(), WithKeys({Def("a")}, {Key("a", "RANGE")}),
                   "Invalid KeySchema: The first KeySchemaElement is not a HASH key type");
  const char* count_mismatch =
      "One or more parameter values were invalid: Number of attributes in KeySchema does not "
      "exactly match number of attributes defined in AttributeDefinitions";
  ExpectValidation(S(),
                   WithKeys({Def("a"), Def("c"), Def("b")}, {Key("a", "HASH"), Key("b", "RANGE")}),
                   count_mismatch);
  ExpectValidation(S(), WithKeys({Def("a"), Def("b")}, {Key("a", "HASH")}), count_mismatch);
  ExpectOk(S(), WithKeys({Def("b", "N"), Def("a", "B")}, {Key("a", "HASH"), Key("b", "RANGE")}));
}

TEST_CASE("CreateTable: secondary index parameter checks") {
  json r = WithKeys({Def("a"), Def("b")}, {Key("a", "HASH"), Key("b", "RANGE")});
  r["LocalSecondaryIndexes"] = json::array(
      {{{"IndexName", "h;"}, {"KeySchema", json::array()}, {"Projection", json::object()}}});
  ExpectValidationSet(S(), r,
                      {"Value 'h;' at 'localSecondaryIndexes.1.member.indexName' failed to "
                       "satisfy constraint: Member must satisfy regular expression pattern: "
                       "[a-zA-Z0-9_.-]+",
                       "Value 'h;' at 'localSecondaryIndexes.1.member.indexName' failed to "
                       "satisfy constraint: Member must have length greater than or equal to 3",
                       "Value '[]' at 'localSecondaryIndexes.1.member.keySchema' failed to "
                       "satisfy constraint: Member must have length greater than or equal to 1"});
  r["LocalSecondaryIndexes"] = json::array({{{"IndexName", "abc"},
                                             {"KeySchema", {Key("a", "HASH"), Key("b", "RANGE")}},
                                             {"Projection", {{"ProjectionType", "ALL"}}}}});
  ExpectOk(S(), r);  // index validations: tests/cpp/index/create_index_test.cc
  r.erase("LocalSecondaryIndexes");
  r["GlobalSecondaryIndexes"] = json::array(
      {{{"IndexName", "abc"},
        {"KeySchema", {Key("b", "HASH")}},
        {"Projection", {{"ProjectionType", "ALL"}}},
        {"ProvisionedThroughput", {{"ReadCapacityUnits", 0}, {"WriteCapacityUnits", 1}}}}});
  ExpectValidationSet(S(), r,
                      {"Value '0' at "
                       "'globalSecondaryIndexes.1.member.provisionedThroughput.readCapacityUnits'"
                       " failed to satisfy constraint: Member must have value greater than or "
                       "equal to 1"});
  r["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["ReadCapacityUnits"] = 1;
  r["AttributeDefinitions"] = json::array({Def("a"), Def("b")});
  ExpectOk(S(), r);
}

TEST_CASE("CreateTable: streams, tags, table class") {
  json r = Base();
  r["StreamSpecification"] = {{"StreamEnabled", false}};
  ExpectOk(S(), r);
  r["StreamSpecification"] = {{"StreamEnabled", true}, {"StreamViewType", "NEW_IMAGE"}};
  ExpectOk(S(), r);
  r["StreamSpecification"] = {{"StreamEnabled", true}};
  ExpectValidation(S(), r,
                   "One or more parameter values were invalid: Table is being created with a "
                   "stream enabled, UpdateViewType is required");
  // Tags are checked after the rest, with TagResource's texts (tags.cc; the
  // texts DynamoDB gave in 2026, ack-api-quirks DDB-TABLE-110); [] is fine.
  r = Base();
  r["Tags"] = json::array();
  ExpectOk(S(), r);
  r["Tags"] = json::array({{{"Key", ""}, {"Value", "v"}}});
  ExpectValidation(S(), r, "The Tag Key provided is invalid, Key: ");
  r["Tags"] = json::array({{{"Key", "bad#char"}, {"Value", "v"}}});
  ExpectValidation(S(), r, "The Tag Key provided is invalid, Key: bad#char");
  r["Tags"] = json::array({{{"Key", "k"}}});
  ExpectValidation(S(), r, "The Tag Value provided is invalid, Value: null");
  r["Tags"] = json::array({{{"Key", "aws:foo"}, {"Value", "v"}}});
  ExpectValidation(S(), r, "Tag Key cannot be prefixed with aws:, Key: aws:foo");
  r["Tags"] = json::array({{{"Key", "k"}, {"Value", "1"}}, {{"Key", "k"}, {"Value", "2"}}});
  ExpectValidation(S(), r, "Duplicate Tag Keys provided as input: Duplicate Tag Key found k");
  r["Tags"] = json::array();
  for (int i = 0; i < 51; ++i) r["Tags"].push_back({{"Key", std::to_string(i)}, {"Value", ""}});
  ExpectValidation(S(), r, "Number of Tags exceed the current limit for the provided ResourceArn");
  r["Tags"].erase(50);
  ExpectOk(S(), r);
  r["Tags"] = json::array({{{"Key", ""}, {"Value", "v"}}});
  r["BillingMode"] = "FREE";  // the spec's errors first
  ExpectValidationSet(S(), r,
                      {"Value 'FREE' at 'billingMode' failed to satisfy constraint: Member must "
                       "satisfy enum value set: [PROVISIONED, PAY_PER_REQUEST]"});
  r = Base();
  r["TableClass"] = "GOLD";
  r["Tags"] = json::array({{{"Key", "k"}, {"Value", ""}}});
  ExpectValidationSet(S(), r,
                      {"Value 'GOLD' at 'tableClass' failed to satisfy constraint: Member must "
                       "satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]"});
}

TableDescription Describe(const json& request) {
  Result<TableDescription> d =
      FromCreateTableRequest(ValidateRequest(CreateTableSpec(), request).value());
  REQUIRE(d.ok());
  return d.value();
}

// DescribeTable's shape of `d` (api/describe_text.h), parsed.
json Described(const TableDescription& d) { return json::parse(TableDescriptionText(d)); }

TEST_CASE("TableDescription from CreateTable and DescribeTable's shape") {
  json r = WithKeys({Def("id"), Def("n", "N")}, {Key("id", "HASH"), Key("n", "RANGE")});
  r["ProvisionedThroughput"] = {{"ReadCapacityUnits", 5}, {"WriteCapacityUnits", 7}};
  TableDescription d = Describe(r);
  d.table_id = "4f8a1c2e-0b7d-4e3a-9c5f-2a6b8d0e1f3c";
  d.creation_time_ms = 1700000000123;
  d.item_count = 3;
  d.size_bytes = 99;
  CHECK(d.Arn() == "arn:aws:dynamodb:local:000000000000:table/abc");
  json expected = json::parse(R"({
    "TableName": "abc", "TableStatus": "ACTIVE", "CreationDateTime": 1700000000.123,
    "AttributeDefinitions": [{"AttributeName":"id","AttributeType":"S"},
                             {"AttributeName":"n","AttributeType":"N"}],
    "KeySchema": [{"AttributeName":"id","KeyType":"HASH"},{"AttributeName":"n","KeyType":"RANGE"}],
    "ProvisionedThroughput": {"NumberOfDecreasesToday":0,"ReadCapacityUnits":5,"WriteCapacityUnits":7},
    "TableSizeBytes": 99, "ItemCount": 3,
    "TableArn": "arn:aws:dynamodb:local:000000000000:table/abc",
    "TableId": "4f8a1c2e-0b7d-4e3a-9c5f-2a6b8d0e1f3c",
    "DeletionProtectionEnabled": false})");
  CHECK(Described(d) == expected);

  json p = Base();
  p.erase("ProvisionedThroughput");
  p["BillingMode"] = "PAY_PER_REQUEST";
  p["TableClass"] = "STANDARD_INFREQUENT_ACCESS";
  p["DeletionProtectionEnabled"] = true;
  TableDescription ppr = Describe(p);
  ppr.creation_time_ms = 1000;
  ppr.billing_mode_time_ms = 1000;
  json out = Described(ppr);
  CHECK(out["ProvisionedThroughput"] ==
        json{{"NumberOfDecreasesToday", 0}, {"ReadCapacityUnits", 0}, {"WriteCapacityUnits", 0}});
  CHECK(out["BillingModeSummary"] ==
        json{{"BillingMode", "PAY_PER_REQUEST"}, {"LastUpdateToPayPerRequestDateTime", 1.0}});
  CHECK(out["TableClassSummary"] == json{{"TableClass", "STANDARD_INFREQUENT_ACCESS"}});
  CHECK(out["DeletionProtectionEnabled"] == true);
  CHECK(out["KeySchema"] == json::array({Key("a", "HASH")}));

  json explicit_provisioned = Base();
  explicit_provisioned["BillingMode"] = "PROVISIONED";
  CHECK(Described(Describe(explicit_provisioned))["BillingModeSummary"] ==
        json{{"BillingMode", "PROVISIONED"}});
  CHECK(!Described(Describe(Base())).contains("BillingModeSummary"));
}

TableDescription FullDescription() {
  json r = WithKeys({Def("pk", "B"), Def("sk", "N")}, {Key("pk", "HASH"), Key("sk", "RANGE")});
  r["BillingMode"] = "PROVISIONED";
  r["ProvisionedThroughput"] = {{"ReadCapacityUnits", 1000000000000}, {"WriteCapacityUnits", 3}};
  r["Tags"] = json::array({{{"Key", "env"}, {"Value", ""}}, {{"Key", "team"}, {"Value", "db"}}});
  r["TableClass"] = "STANDARD";
  r["DeletionProtectionEnabled"] = true;
  TableDescription d = Describe(r);
  d.table_id = "00000000-0000-4000-8000-000000000000";
  d.creation_time_ms = -5;  // before the epoch still round-trips
  d.billing_mode_time_ms = 42;
  d.item_count = 1ULL << 40;
  d.size_bytes = ~0ULL;
  return d;
}

TEST_CASE("TableDescription byte form round-trips") {
  TableDescription d = FullDescription();
  std::string bytes = d.Encode();
  Result<TableDescription> back = TableDescription::Decode(bytes);
  REQUIRE(back.ok());
  CHECK(back.value() == d);
  CHECK(back->Encode() == bytes);

  TableDescription minimal = Describe(Base());
  Result<TableDescription> back2 = TableDescription::Decode(minimal.Encode());
  REQUIRE(back2.ok());
  CHECK(back2.value() == minimal);
  CHECK(!back2->range_key.has_value());
  CHECK(!back2->restore.has_value());
}

TEST_CASE("TableDescription restore summary section round-trips and is checked") {
  TableDescription d = FullDescription();
  const std::string without = d.Encode();
  d.restore = RestoreSummary{"arn:aws:dynamodb:local:000000000000:table/T/backup/1-2",
                             "arn:aws:dynamodb:local:000000000000:table/T", -7};
  const std::string bytes = d.Encode();
  Result<TableDescription> back = TableDescription::Decode(bytes);
  REQUIRE(back.ok());
  CHECK(back.value() == d);
  CHECK(back->Encode() == bytes);
  CHECK(Described(*back)["RestoreSummary"] ==
        json{{"SourceBackupArn", d.restore->source_backup_arn},
             {"SourceTableArn", d.restore->source_table_arn},
             {"RestoreDateTime", -0.007},
             {"RestoreInProgress", false}});
  CHECK(!Described(FullDescription()).contains("RestoreSummary"));
  // Every truncation inside the section, and a section with a byte too many.
  for (size_t n = without.size() + 1; n < bytes.size(); ++n) {
    Result<TableDescription> r = TableDescription::Decode(bytes.substr(0, n));
    CHECK_MESSAGE(r.status().IsCorruption(), n);
  }
  std::string longer = bytes;
  longer[without.size() + 1] = static_cast<char>(longer[without.size() + 1] + 1);  // section_len
  CHECK(TableDescription::Decode(longer + "x").status().IsCorruption());
}

TEST_CASE("TableDescription decode rejects damaged bytes as Corruption") {
  const std::string bytes = FullDescription().Encode();
  // Every truncation.
  for (size_t n = 0; n < bytes.size(); ++n) {
    Result<TableDescription> r = TableDescription::Decode(bytes.substr(0, n));
    CHECK_MESSAGE(!r.ok(), n);
    if (!r.ok()) CHECK(r.status().IsCorruption());
  }
  // Trailing garbage.
  CHECK(TableDescription::Decode(bytes + "x").status().IsCorruption());
  // Bad version.
  std::string v = bytes;
  v[0] = 2;
  CHECK(TableDescription::Decode(v).status().IsCorruption());
  // Every single-byte change either decodes to a valid description or is
  // Corruption; it never crashes (run under ASan/UBSan).
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int delta : {1, 0x40, 0x80, 0xff}) {
      std::string m = bytes;
      m[i] = static_cast<char>(static_cast<uint8_t>(m[i]) + delta);
      Result<TableDescription> r = TableDescription::Decode(m);
      if (!r.ok()) CHECK(r.status().IsCorruption());
    }
  }
  // A key type byte that is not S, N or B.
  TableDescription d = Describe(Base());
  std::string k = d.Encode();
  size_t type_at =
      k.find(std::string("S\x01"
                         "a",
                         3));
  REQUIRE(type_at != std::string::npos);
  k[type_at] = 'Q';
  CHECK(TableDescription::Decode(k).status().IsCorruption());
}

}  // namespace
}  // namespace api
}  // namespace pd
