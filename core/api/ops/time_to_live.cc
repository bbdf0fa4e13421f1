// UpdateTimeToLive and DescribeTimeToLive: a table's TTL attribute (the
// settings live in the table description, table/table_description.h; the
// sweep that deletes expired items is Engine's, engine.cc).
//
// UpdateTimeToLive, after the spec (TableName; TimeToLiveSpecification with
// AttributeName 1-255 characters and Enabled, both required):
//   ResourceNotFoundException "Requested resource not found: Table: <name> not found"
//   ValidationException, DynamoDB's texts for requests that change nothing:
//     "TimeToLive is already enabled"      (enabled, same attribute)
//     "TimeToLive is active on a different AttributeName: current
//      AttributeName is <name>"            (enabled, another attribute)
//     "TimeToLive is already disabled"     (disabling a table without TTL)
//   The change applies at once (DynamoDB takes up to an hour and refuses
//   further changes meanwhile; nothing here needs that wait).
//   Response: {"TimeToLiveSpecification": {"AttributeName", "Enabled"}}.
// DescribeTimeToLive: {"TimeToLiveDescription": {"TimeToLiveStatus":
//   "ENABLED", "AttributeName": <name>}} or {"TimeToLiveStatus": "DISABLED"}.
#include <string>

#include "api/messages.h"
#include "api/ops/common_spec.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/ops/op_specs.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

DdbResult<CatalogEntry> FindTable(Store& store, const std::string& name) {
  Result<CatalogEntry> entry = store.catalog->Get(name);
  if (entry.ok()) return std::move(entry).value();
  if (entry.status().IsNotFound()) {
    return DdbError::ResourceNotFound(msg::TableNotFound(name));
  }
  return StorageError(entry.status());
}

}  // namespace

constexpr Param kTimeToLiveSpecificationMembers[] = {
    String("AttributeName").NotNull().Length(1, 255), Boolean("Enabled").NotNull()};

constexpr Param kUpdateTimeToLiveInput[] = {
    kTableTableNameParam,
    Struct("TimeToLiveSpecification", "TimeToLiveSpecification", kTimeToLiveSpecificationMembers)
        .NotNull()};
constexpr OperationSpec kUpdateTimeToLiveSpec{
    "UpdateTimeToLive", Struct("", "UpdateTimeToLiveInput", kUpdateTimeToLiveInput), nullptr};
const OperationSpec& UpdateTimeToLiveSpec() { return kUpdateTimeToLiveSpec; }

constexpr Param kDescribeTimeToLiveInput[] = {kTableTableNameParam};
constexpr OperationSpec kDescribeTimeToLiveSpec{
    "DescribeTimeToLive", Struct("", "DescribeTimeToLiveInput", kDescribeTimeToLiveInput), nullptr};
const OperationSpec& DescribeTimeToLiveSpec() { return kDescribeTimeToLiveSpec; }

DdbResult<json> HandleUpdateTimeToLive(Store& store, Context& ctx, const json& request) {
  (void)ctx;
  DdbResult<CatalogEntry> entry = FindTable(store, request.at("TableName").get<std::string>());
  if (!entry.ok()) return entry.take_error();
  const json& spec = request.at("TimeToLiveSpecification");
  const std::string attribute = spec.at("AttributeName").get<std::string>();
  const bool enable = spec.at("Enabled").get<bool>();
  TimeToLiveSettings& ttl = entry->description.ttl;
  if (ttl.enabled && ttl.attribute_name != attribute) {
    return DdbError::Validation(
        "TimeToLive is active on a different AttributeName: current AttributeName is " +
        ttl.attribute_name);
  }
  if (enable && ttl.enabled) return DdbError::Validation("TimeToLive is already enabled");
  if (!enable && !ttl.enabled) return DdbError::Validation("TimeToLive is already disabled");
  ttl.enabled = enable;
  ttl.attribute_name = enable ? attribute : std::string();
  Status s = store.catalog->Update(*entry);
  if (!s.ok()) return StorageError(s);
  return json{{"TimeToLiveSpecification", {{"AttributeName", attribute}, {"Enabled", enable}}}};
}

DdbResult<json> HandleDescribeTimeToLive(Store& store, Context& ctx, const json& request) {
  (void)ctx;
  DdbResult<CatalogEntry> entry = FindTable(store, request.at("TableName").get<std::string>());
  if (!entry.ok()) return entry.take_error();
  const TimeToLiveSettings& ttl = entry->description.ttl;
  json description = {{"TimeToLiveStatus", ttl.enabled ? "ENABLED" : "DISABLED"}};
  if (ttl.enabled) description["AttributeName"] = ttl.attribute_name;
  return json{{"TimeToLiveDescription", std::move(description)}};
}

}  // namespace api
}  // namespace pd
