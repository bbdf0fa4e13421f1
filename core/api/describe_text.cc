#include "api/describe_text.h"

#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "api/response_text.h"
#include "value/json_codec.h"

namespace pd {
namespace api {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

// Epoch seconds with the fraction, as nlohmann writes the double.
std::string Seconds(int64_t ms) { return nlohmann::json(static_cast<double>(ms) / 1000.0).dump(); }

// "[a,b]" of JSON texts.
std::string ArrayText(const std::vector<std::string>& elements) {
  std::string out = "[";
  for (size_t i = 0; i < elements.size(); ++i) {
    if (i > 0) out += ',';
    out += elements[i];
  }
  return out + "]";
}

std::string KeySchemaText(const std::string& hash, const std::string* range) {
  std::string out = "[{\"AttributeName\":" + Quoted(hash) + ",\"KeyType\":\"HASH\"}";
  if (range != nullptr) out += ",{\"AttributeName\":" + Quoted(*range) + ",\"KeyType\":\"RANGE\"}";
  return out + "]";
}

std::string IndexKeySchemaText(const SecondaryIndex& index) {
  return KeySchemaText(index.hash_name, index.range_name ? &*index.range_name : nullptr);
}

std::string ProjectionText(const SecondaryIndex& index) {
  ObjectText projection;
  projection.Add("ProjectionType", Quoted(ProjectionTypeName(index.projection)));
  if (index.projection == ProjectionType::kInclude) {
    std::vector<std::string> names;
    for (const std::string& n : index.non_key_attributes) names.push_back(Quoted(n));
    projection.Add("NonKeyAttributes", ArrayText(names));
  }
  return projection.Finish();
}

// {NumberOfDecreasesToday 0, ReadCapacityUnits, WriteCapacityUnits}, or without
// the first member.
std::string ThroughputText(int64_t read, int64_t write, bool decreases) {
  return std::string(decreases ? "{\"NumberOfDecreasesToday\":0," : "{") +
         "\"ReadCapacityUnits\":" + std::to_string(read) +
         ",\"WriteCapacityUnits\":" + std::to_string(write) + "}";
}

std::string StreamSpecificationText(const StreamSettings& stream) {
  return std::string("{\"StreamEnabled\":true,\"StreamViewType\":") +
         Quoted(StreamViewTypeName(stream.view_type)) + "}";
}

}  // namespace

nlohmann::json DescriptionResponse(const char* member, const std::string& value_text) {
  std::string out = "{";
  AppendJsonString(member, &out);
  out += ':';
  out += value_text;
  out += '}';
  return ResponseText(std::move(out));
}

std::string IndexDescriptionText(const SecondaryIndex& index, const std::string& table_arn) {
  ObjectText out;
  out.Add("IndexName", Quoted(index.name));
  out.Add("KeySchema", IndexKeySchemaText(index));
  out.Add("Projection", ProjectionText(index));
  if (index.is_global()) {
    out.Add("IndexStatus", "\"ACTIVE\"");
    out.Add("ProvisionedThroughput",
            ThroughputText(index.read_capacity_units, index.write_capacity_units, true));
  }
  out.Add("IndexSizeBytes", std::to_string(index.size_bytes));
  out.Add("ItemCount", std::to_string(index.item_count));
  out.Add("IndexArn", Quoted(index.Arn(table_arn)));
  return out.Finish();
}

std::string TableDescriptionText(const TableDescription& t, const char* status) {
  ObjectText out;
  out.Add("TableName", Quoted(t.name));
  out.Add("TableStatus", Quoted(status));
  out.Add("CreationDateTime", Seconds(t.creation_time_ms));
  std::vector<std::string> definitions;
  for (const KeyAttribute& a : t.attribute_definitions) {
    definitions.push_back("{\"AttributeName\":" + Quoted(a.name) +
                          ",\"AttributeType\":" + Quoted(AttributeTypeName(a.type)) + "}");
  }
  out.Add("AttributeDefinitions", ArrayText(definitions));
  out.Add("KeySchema", KeySchemaText(t.hash_key.name, t.range_key ? &t.range_key->name : nullptr));
  out.Add("ProvisionedThroughput",
          ThroughputText(t.read_capacity_units, t.write_capacity_units, true));
  if (t.billing_mode == BillingMode::kPayPerRequest) {
    out.Add("BillingModeSummary",
            "{\"BillingMode\":\"PAY_PER_REQUEST\",\"LastUpdateToPayPerRequestDateTime\":" +
                Seconds(t.billing_mode_time_ms) + "}");
  } else if (t.billing_mode_explicit) {
    out.Add("BillingModeSummary", "{\"BillingMode\":\"PROVISIONED\"}");
  }
  out.Add("TableSizeBytes", std::to_string(t.size_bytes));
  out.Add("ItemCount", std::to_string(t.item_count));
  const std::string arn = t.Arn();
  out.Add("TableArn", Quoted(arn));
  out.Add("TableId", Quoted(t.table_id));
  out.Add("DeletionProtectionEnabled", t.deletion_protection ? "true" : "false");
  if (!t.table_class.empty()) {
    out.Add("TableClassSummary", "{\"TableClass\":" + Quoted(t.table_class) + "}");
  }
  std::vector<std::string> lsis;
  std::vector<std::string> gsis;
  for (const SecondaryIndex& index : t.indexes) {
    (index.is_global() ? gsis : lsis).push_back(IndexDescriptionText(index, arn));
  }
  if (!lsis.empty()) out.Add("LocalSecondaryIndexes", ArrayText(lsis));
  if (!gsis.empty()) out.Add("GlobalSecondaryIndexes", ArrayText(gsis));
  if (t.restore) {
    out.Add("RestoreSummary", "{\"RestoreDateTime\":" + Seconds(t.restore->restore_time_ms) +
                                  ",\"RestoreInProgress\":false,\"SourceBackupArn\":" +
                                  Quoted(t.restore->source_backup_arn) + ",\"SourceTableArn\":" +
                                  Quoted(t.restore->source_table_arn) + "}");
  }
  if (t.stream.enabled) out.Add("StreamSpecification", StreamSpecificationText(t.stream));
  if (t.stream.label_ms != 0) {
    out.Add("LatestStreamArn", Quoted(t.StreamArn()));
    out.Add("LatestStreamLabel", Quoted(StreamLabel(t.stream.label_ms)));
  }
  return out.Finish();
}

std::string BackupDescriptionText(const BackupEntry& backup, const char* status) {
  const TableDescription& t = backup.table;
  ObjectText details;
  details.Add("BackupArn", Quoted(backup.arn));
  details.Add("BackupName", Quoted(backup.name));
  details.Add("BackupSizeBytes", std::to_string(t.size_bytes));
  details.Add("BackupStatus", Quoted(status));
  details.Add("BackupType", "\"USER\"");
  details.Add("BackupCreationDateTime", Seconds(backup.created_ms));

  ObjectText source;
  source.Add("TableName", Quoted(t.name));
  source.Add("TableId", Quoted(t.table_id));
  source.Add("TableArn", Quoted(t.Arn()));
  source.Add("TableSizeBytes", std::to_string(t.size_bytes));
  source.Add("KeySchema",
             KeySchemaText(t.hash_key.name, t.range_key ? &t.range_key->name : nullptr));
  source.Add("TableCreationDateTime", Seconds(t.creation_time_ms));
  source.Add("ProvisionedThroughput",
             ThroughputText(t.read_capacity_units, t.write_capacity_units, false));
  source.Add("ItemCount", std::to_string(t.item_count));
  source.Add("BillingMode", t.billing_mode == BillingMode::kPayPerRequest ? "\"PAY_PER_REQUEST\""
                                                                          : "\"PROVISIONED\"");

  ObjectText out;
  out.Add("BackupDetails", details.Finish());
  out.Add("SourceTableDetails", source.Finish());
  // Whatever the table's description shows of indexes and streams, in the
  // SourceTableFeatureDetails shapes.
  std::vector<std::string> lsis;
  std::vector<std::string> gsis;
  for (const SecondaryIndex& index : t.indexes) {
    ObjectText info;
    info.Add("IndexName", Quoted(index.name));
    info.Add("KeySchema", IndexKeySchemaText(index));
    info.Add("Projection", ProjectionText(index));
    if (index.is_global()) {
      info.Add("ProvisionedThroughput",
               ThroughputText(index.read_capacity_units, index.write_capacity_units, false));
    }
    (index.is_global() ? gsis : lsis).push_back(info.Finish());
  }
  ObjectText features;
  if (!lsis.empty()) features.Add("LocalSecondaryIndexes", ArrayText(lsis));
  if (!gsis.empty()) features.Add("GlobalSecondaryIndexes", ArrayText(gsis));
  if (t.stream.enabled) features.Add("StreamDescription", StreamSpecificationText(t.stream));
  if (!features.empty()) out.Add("SourceTableFeatureDetails", features.Finish());
  return out.Finish();
}

}  // namespace api
}  // namespace pd
