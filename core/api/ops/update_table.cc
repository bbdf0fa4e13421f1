// UpdateTable: changes a table's billing mode, provisioned throughput,
// deletion protection, table class or stream, and creates, deletes or re-provisions
// global secondary indexes (api/ops/index_updates.h). Changes apply at once;
// the response shows them with TableStatus ACTIVE (DynamoDB answers UPDATING
// first) and a created index ACTIVE, already backfilled.
//
// The spec (api/ops/table_specs.cc) has rejected requests that change
// nothing, capacity out of bounds, ProvisionedThroughput together with
// BillingMode PAY_PER_REQUEST, malformed GlobalSecondaryIndexUpdates and
// StreamViewType given without StreamEnabled true or missing with it. Here,
// in order:
//   ResourceNotFoundException "Requested resource not found: Table: <name> not found"
//   "Table already has an enabled stream: TableName: <name>" (enabling, or
//    changing the view type of, an enabled stream)
//   "Table has no stream to disable: TableName: <name>"
//   "One or more parameter values were invalid: ProvisionedThroughput must be
//    specified when BillingMode is PROVISIONED"  (switching an on-demand
//    table to PROVISIONED without capacities)
//   "One or more parameter values were invalid: Neither ReadCapacityUnits nor
//    WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
//    (capacities for a table that stays on demand)
//   "The provisioned throughput for the table will not change. ..." (the
//    capacities given equal the current ones)
//   the GlobalSecondaryIndexUpdates rules (api/ops/index_updates.cc)
// Switching to PAY_PER_REQUEST records the time
// (BillingModeSummary.LastUpdateToPayPerRequestDateTime) and zeroes the
// capacities.
//
// Response: {"TableDescription": ...}.
#include <algorithm>
#include <string>

#include "api/describe_text.h"
#include "api/messages.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "api/ops/index_updates.h"

namespace pd {
namespace api {

using nlohmann::json;

namespace {

std::string WillNotChange(int64_t rcu, int64_t wcu) {
  const std::string r = std::to_string(rcu);
  const std::string w = std::to_string(wcu);
  return "The provisioned throughput for the table will not change. The requested value equals "
         "the current value. Current ReadCapacityUnits provisioned for the table: " +
         r + ". Requested ReadCapacityUnits: " + r +
         ". Current WriteCapacityUnits provisioned for the table: " + w +
         ". Requested WriteCapacityUnits: " + w +
         ". Refer to the Amazon DynamoDB Developer Guide for current limits and how to request "
         "higher limits.";
}

}  // namespace

DdbResult<json> HandleUpdateTable(Store& store, Context& ctx, const json& request) {
  const std::string name = request.at("TableName").get<std::string>();
  Result<CatalogEntry> entry = store.catalog->Get(name);
  if (!entry.ok()) {
    if (entry.status().IsNotFound()) {
      return DdbError::ResourceNotFound(msg::TableNotFound(name));
    }
    return StorageError(entry.status());
  }
  TableDescription& d = entry->description;

  // Streams: enabling needs no stream, disabling needs one (the spec checked
  // that StreamViewType comes exactly with StreamEnabled true).
  std::optional<bool> stream_enable;
  if (auto stream = request.find("StreamSpecification"); stream != request.end()) {
    stream_enable = stream->at("StreamEnabled").get<bool>();
    if (*stream_enable && d.stream.enabled) {
      return DdbError::Validation("Table already has an enabled stream: TableName: " + name);
    }
    if (!*stream_enable && !d.stream.enabled) {
      return DdbError::Validation("Table has no stream to disable: TableName: " + name);
    }
  }

  const std::string mode_member = StringMember(request, "BillingMode");
  BillingMode mode = d.billing_mode;
  if (mode_member == "PROVISIONED") mode = BillingMode::kProvisioned;
  if (mode_member == "PAY_PER_REQUEST") mode = BillingMode::kPayPerRequest;
  auto pt = request.find("ProvisionedThroughput");
  const bool has_pt = pt != request.end() && pt->is_object();

  if (mode == BillingMode::kProvisioned) {
    if (has_pt) {
      const int64_t rcu = pt->at("ReadCapacityUnits").get<int64_t>();
      const int64_t wcu = pt->at("WriteCapacityUnits").get<int64_t>();
      if (d.billing_mode == BillingMode::kProvisioned && rcu == d.read_capacity_units &&
          wcu == d.write_capacity_units) {
        return DdbError::Validation(WillNotChange(rcu, wcu));
      }
      d.read_capacity_units = rcu;
      d.write_capacity_units = wcu;
    } else if (d.billing_mode == BillingMode::kPayPerRequest) {
      return DdbError::Validation(std::string(msg::kInvalidParameter) +
                                  "ProvisionedThroughput must be specified when BillingMode is "
                                  "PROVISIONED");
    }
  } else {
    if (has_pt) {
      return DdbError::Validation(msg::kThroughputWithOnDemand);
    }
    if (d.billing_mode == BillingMode::kProvisioned) {
      d.billing_mode_time_ms = ctx.NowMs();
      d.read_capacity_units = 0;
      d.write_capacity_units = 0;
    }
  }
  const bool was_pay_per_request = d.billing_mode == BillingMode::kPayPerRequest;
  d.billing_mode = mode;
  if (!mode_member.empty()) d.billing_mode_explicit = true;
  PD_RETURN_IF_DDB_ERROR(ApplyIndexUpdates(store, request, was_pay_per_request, &*entry));
  if (auto dp = request.find("DeletionProtectionEnabled");
      dp != request.end() && dp->is_boolean()) {
    d.deletion_protection = dp->get<bool>();
  }
  const std::string table_class = StringMember(request, "TableClass");
  if (!table_class.empty()) d.table_class = table_class;

  if (stream_enable && *stream_enable) {
    // A new stream, labelled with the time (kept after the previous one's label).
    d.stream.enabled = true;
    d.stream.view_type =
        *StreamViewTypeFromName(request.at("StreamSpecification").at("StreamViewType").get<std::string>());
    d.stream.label_ms = std::max(ctx.NowMs(), d.stream.label_ms + 1);
    Status s = store.change_log->CreateStream(d);
    if (!s.ok()) return StorageError(s);
  } else if (stream_enable) {
    Status s = store.change_log->DisableStream(d.StreamArn(), ctx.NowMs());
    if (!s.ok()) return StorageError(s);
    d.stream.enabled = false;
  }

  Status s = store.catalog->Update(*entry);
  if (!s.ok()) return StorageError(s);
  return DescriptionResponse("TableDescription", TableDescriptionText(d));
}

}  // namespace api
}  // namespace pd
