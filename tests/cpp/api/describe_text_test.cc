// api/describe_text.h against the nlohmann DOMs the descriptions were built
// as before they were written as text (the reference writers below are those
// DOM builders, kept here): the text must be their dump() byte for byte, for
// a spread of tables (keys, billing modes, classes, LSIs and GSIs of every
// projection, streams, restores, names that need escaping, odd times).
#include "api/describe_text.h"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace pd {
namespace api {
namespace {

using nlohmann::json;

// ---- Reference: the DOM writers before the text writers --------------------

json RefIndex(const SecondaryIndex& index, const std::string& table_arn) {
  json out = json::object();
  out["IndexName"] = index.name;
  json schema = json::array();
  schema.push_back({{"AttributeName", index.hash_name}, {"KeyType", "HASH"}});
  if (index.range_name) {
    schema.push_back({{"AttributeName", *index.range_name}, {"KeyType", "RANGE"}});
  }
  out["KeySchema"] = std::move(schema);
  json projection = {{"ProjectionType", ProjectionTypeName(index.projection)}};
  if (index.projection == ProjectionType::kInclude) {
    projection["NonKeyAttributes"] = index.non_key_attributes;
  }
  out["Projection"] = std::move(projection);
  if (index.is_global()) {
    out["IndexStatus"] = "ACTIVE";
    out["ProvisionedThroughput"] = {{"NumberOfDecreasesToday", 0},
                                    {"ReadCapacityUnits", index.read_capacity_units},
                                    {"WriteCapacityUnits", index.write_capacity_units}};
  }
  out["IndexSizeBytes"] = index.size_bytes;
  out["ItemCount"] = index.item_count;
  out["IndexArn"] = index.Arn(table_arn);
  return out;
}

json RefTable(const TableDescription& t) {
  json out = json::object();
  out["TableName"] = t.name;
  out["TableStatus"] = "ACTIVE";
  out["CreationDateTime"] = static_cast<double>(t.creation_time_ms) / 1000.0;
  json definitions = json::array();
  for (const KeyAttribute& a : t.attribute_definitions) {
    definitions.push_back(
        {{"AttributeName", a.name}, {"AttributeType", AttributeTypeName(a.type)}});
  }
  out["AttributeDefinitions"] = std::move(definitions);
  json schema = json::array();
  schema.push_back({{"AttributeName", t.hash_key.name}, {"KeyType", "HASH"}});
  if (t.range_key) schema.push_back({{"AttributeName", t.range_key->name}, {"KeyType", "RANGE"}});
  out["KeySchema"] = std::move(schema);
  out["ProvisionedThroughput"] = {{"NumberOfDecreasesToday", 0},
                                  {"ReadCapacityUnits", t.read_capacity_units},
                                  {"WriteCapacityUnits", t.write_capacity_units}};
  if (t.billing_mode == BillingMode::kPayPerRequest) {
    out["BillingModeSummary"] = {{"BillingMode", "PAY_PER_REQUEST"},
                                 {"LastUpdateToPayPerRequestDateTime",
                                  static_cast<double>(t.billing_mode_time_ms) / 1000.0}};
  } else if (t.billing_mode_explicit) {
    out["BillingModeSummary"] = {{"BillingMode", "PROVISIONED"}};
  }
  out["TableSizeBytes"] = t.size_bytes;
  out["ItemCount"] = t.item_count;
  out["TableArn"] = t.Arn();
  out["TableId"] = t.table_id;
  out["DeletionProtectionEnabled"] = t.deletion_protection;
  if (!t.table_class.empty()) out["TableClassSummary"] = {{"TableClass", t.table_class}};
  json lsis = json::array();
  json gsis = json::array();
  for (const SecondaryIndex& index : t.indexes) {
    (index.is_global() ? gsis : lsis).push_back(RefIndex(index, t.Arn()));
  }
  if (!lsis.empty()) out["LocalSecondaryIndexes"] = std::move(lsis);
  if (!gsis.empty()) out["GlobalSecondaryIndexes"] = std::move(gsis);
  if (t.restore) {
    out["RestoreSummary"] = {
        {"SourceBackupArn", t.restore->source_backup_arn},
        {"SourceTableArn", t.restore->source_table_arn},
        {"RestoreDateTime", static_cast<double>(t.restore->restore_time_ms) / 1000.0},
        {"RestoreInProgress", false}};
  }
  if (t.stream.enabled) {
    out["StreamSpecification"] = {{"StreamEnabled", true},
                                  {"StreamViewType", StreamViewTypeName(t.stream.view_type)}};
  }
  if (t.stream.label_ms != 0) {
    out["LatestStreamArn"] = t.StreamArn();
    out["LatestStreamLabel"] = StreamLabel(t.stream.label_ms);
  }
  return out;
}

double Seconds(int64_t ms) { return static_cast<double>(ms) / 1000.0; }

json RefBackup(const BackupEntry& backup, const char* status) {
  const TableDescription& t = backup.table;
  const json described = RefTable(t);
  json details = {{"BackupArn", backup.arn},
                  {"BackupName", backup.name},
                  {"BackupSizeBytes", backup.table.size_bytes},
                  {"BackupStatus", status},
                  {"BackupType", "USER"},
                  {"BackupCreationDateTime", Seconds(backup.created_ms)}};
  json source = {{"TableName", t.name},
                 {"TableId", t.table_id},
                 {"TableArn", t.Arn()},
                 {"TableSizeBytes", t.size_bytes},
                 {"KeySchema", described.at("KeySchema")},
                 {"TableCreationDateTime", Seconds(t.creation_time_ms)},
                 {"ProvisionedThroughput",
                  {{"ReadCapacityUnits", t.read_capacity_units},
                   {"WriteCapacityUnits", t.write_capacity_units}}},
                 {"ItemCount", t.item_count},
                 {"BillingMode", t.billing_mode == BillingMode::kPayPerRequest ? "PAY_PER_REQUEST"
                                                                               : "PROVISIONED"}};
  json out = {{"BackupDetails", std::move(details)}, {"SourceTableDetails", std::move(source)}};
  json features = json::object();
  if (auto lsis = described.find("LocalSecondaryIndexes"); lsis != described.end()) {
    json list = json::array();
    for (const json& i : *lsis) {
      json info = json::object();
      for (const char* m : {"IndexName", "KeySchema", "Projection"}) {
        if (i.contains(m)) info[m] = i.at(m);
      }
      list.push_back(std::move(info));
    }
    features["LocalSecondaryIndexes"] = std::move(list);
  }
  if (auto gsis = described.find("GlobalSecondaryIndexes"); gsis != described.end()) {
    json list = json::array();
    for (const json& i : *gsis) {
      json info = json::object();
      for (const char* m : {"IndexName", "KeySchema", "Projection"}) {
        if (i.contains(m)) info[m] = i.at(m);
      }
      if (auto pt = i.find("ProvisionedThroughput"); pt != i.end()) {
        info["ProvisionedThroughput"] = {
            {"ReadCapacityUnits", pt->value("ReadCapacityUnits", 0)},
            {"WriteCapacityUnits", pt->value("WriteCapacityUnits", 0)}};
      }
      list.push_back(std::move(info));
    }
    features["GlobalSecondaryIndexes"] = std::move(list);
  }
  if (auto stream = described.find("StreamSpecification"); stream != described.end()) {
    features["StreamDescription"] = *stream;
  }
  if (!features.empty()) out["SourceTableFeatureDetails"] = std::move(features);
  return out;
}

// ---- A spread of tables --------------------------------------------------------

TableDescription Minimal() {
  TableDescription t;
  t.name = "abc";
  t.table_id = "4f8a1c2e-0b7d-4e3a-9c5f-2a6b8d0e1f3c";
  t.creation_time_ms = 1700000000123;
  t.hash_key = {"id", AttributeType::kS};
  t.attribute_definitions = {t.hash_key};
  t.read_capacity_units = 5;
  t.write_capacity_units = 7;
  return t;
}

SecondaryIndex Index(const char* name, IndexKind kind, const char* hash, const char* range,
                     ProjectionType projection) {
  SecondaryIndex i;
  i.name = name;
  i.kind = kind;
  i.hash_name = hash;
  if (range != nullptr) i.range_name = range;
  i.projection = projection;
  return i;
}

std::vector<TableDescription> Tables() {
  std::vector<TableDescription> out;
  out.push_back(Minimal());

  TableDescription ranged = Minimal();  // hash + range, explicit PROVISIONED, tags
  ranged.name = "Orders.v2-x_y";
  ranged.range_key = KeyAttribute{"n", AttributeType::kN};
  ranged.attribute_definitions = {
      {"id", AttributeType::kS}, {"n", AttributeType::kN}, {"b", AttributeType::kB}};
  ranged.billing_mode_explicit = true;
  ranged.tags = {{"env", ""}, {"team", "db"}};
  ranged.item_count = 1ULL << 40;
  ranged.size_bytes = ~0ULL;
  ranged.read_capacity_units = 1000000000000;
  out.push_back(ranged);

  TableDescription ppr = Minimal();  // on demand, class, deletion protection
  ppr.billing_mode = BillingMode::kPayPerRequest;
  ppr.billing_mode_explicit = true;
  ppr.billing_mode_time_ms = 1000;
  ppr.read_capacity_units = 0;
  ppr.write_capacity_units = 0;
  ppr.table_class = "STANDARD_INFREQUENT_ACCESS";
  ppr.deletion_protection = true;
  ppr.creation_time_ms = 0;
  out.push_back(ppr);

  TableDescription indexed = ranged;  // LSIs and GSIs of every projection
  indexed.attribute_definitions.push_back({"g", AttributeType::kS});
  indexed.indexes.push_back(
      Index("lsi_keys", IndexKind::kLocal, "id", "b", ProjectionType::kKeysOnly));
  SecondaryIndex include =
      Index("lsi.include", IndexKind::kLocal, "id", "g", ProjectionType::kInclude);
  include.non_key_attributes = {"x", "y\"q", "z\\w", "\xc3\xa9t\xc3\xa9", "ctl\x01\n"};
  include.item_count = 12;
  include.size_bytes = 3400;
  indexed.indexes.push_back(include);
  SecondaryIndex gsi = Index("gsi-all", IndexKind::kGlobal, "g", nullptr, ProjectionType::kAll);
  gsi.read_capacity_units = 3;
  gsi.write_capacity_units = 4;
  gsi.item_count = 9;
  gsi.size_bytes = 1;
  indexed.indexes.push_back(gsi);
  SecondaryIndex gsi2 = Index("gsi2", IndexKind::kGlobal, "n", "id", ProjectionType::kInclude);
  gsi2.non_key_attributes = {"only"};
  indexed.indexes.push_back(gsi2);
  out.push_back(indexed);

  TableDescription on_demand_gsi = ppr;  // a GSI of an on-demand table
  on_demand_gsi.attribute_definitions.push_back({"g", AttributeType::kN});
  on_demand_gsi.indexes.push_back(
      Index("by_g", IndexKind::kGlobal, "g", "id", ProjectionType::kKeysOnly));
  out.push_back(on_demand_gsi);

  for (StreamViewType view : {StreamViewType::kKeysOnly, StreamViewType::kNewImage,
                              StreamViewType::kOldImage, StreamViewType::kNewAndOldImages}) {
    TableDescription streamed = Minimal();
    streamed.stream.enabled = true;
    streamed.stream.view_type = view;
    streamed.stream.label_ms = 1764143949123;
    out.push_back(streamed);
  }
  TableDescription disabled = Minimal();  // the stream was disabled: its ARN stays
  disabled.stream.label_ms = 1764143949000;
  disabled.ttl = {true, "expires"};
  disabled.pitr = {true, 7, 1764143949000};
  out.push_back(disabled);

  TableDescription restored = indexed;
  restored.restore = RestoreSummary{"arn:aws:dynamodb:local:000000000000:table/T/backup/1-2",
                                    "arn:aws:dynamodb:local:000000000000:table/T", -7};
  restored.creation_time_ms = -5;
  restored.stream.enabled = true;
  restored.stream.view_type = StreamViewType::kNewAndOldImages;
  restored.stream.label_ms = 1;
  out.push_back(restored);

  TableDescription odd_names = Minimal();  // key names that need escaping
  odd_names.hash_key = {"a\"b\\c", AttributeType::kB};
  odd_names.range_key = KeyAttribute{"\t\xe2\x82\xac\x7f", AttributeType::kS};
  odd_names.attribute_definitions = {odd_names.hash_key, *odd_names.range_key};
  odd_names.creation_time_ms = 1234567890001;
  out.push_back(odd_names);
  return out;
}

TEST_CASE("TableDescriptionText is the old DOM's dump() for a spread of tables") {
  int n = 0;
  for (const TableDescription& t : Tables()) {
    CAPTURE(n);
    CHECK(TableDescriptionText(t) == RefTable(t).dump());
    json deleting = RefTable(t);
    deleting["TableStatus"] = "DELETING";
    CHECK(TableDescriptionText(t, "DELETING") == deleting.dump());
    for (const SecondaryIndex& index : t.indexes) {
      CHECK(IndexDescriptionText(index, t.Arn()) == RefIndex(index, t.Arn()).dump());
    }
    ++n;
  }
  CHECK(n == 12);
}

TEST_CASE("BackupDescriptionText is the old DOM's dump() for a spread of tables") {
  int64_t created = 1764143949456;
  for (const TableDescription& t : Tables()) {
    BackupEntry backup;
    backup.arn = t.Arn() + "/backup/01764143949456-abcdef01";
    backup.name = "nightly";
    backup.created_ms = created++;
    backup.table = t;
    for (const char* status : {"AVAILABLE", "DELETED"}) {
      CHECK(BackupDescriptionText(backup, status) == RefBackup(backup, status).dump());
    }
  }
}

}  // namespace
}  // namespace api
}  // namespace pd
