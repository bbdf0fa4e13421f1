// RestoreTableFromBackup: a new table holding exactly a backup's items.
//
// Checks, in this order: BackupNotFoundException "Backup not found: <arn>";
// TableAlreadyExistsException "Table already exists: <name>" when the target
// name is taken; the billing overrides against the backup's billing mode
// (CreateTable's messages). The spec (api/ops/backup_specs.cc) has already
// rejected the overrides pocketdynamo cannot honour.
//
// The new table is made through the normal catalog path (Catalog::Create)
// from the backup's description, and every item is written with Table::Put
// (Backups::RestoreInto), so the counts and whatever Table::Put maintains
// are rebuilt, all within this request's pager operation. As in DynamoDB the
// restored table has the backup's key schema, attribute definitions, billing
// mode and provisioned throughput (unless overridden), table class and
// secondary index definitions, but not its tags, deletion protection,
// stream or TTL settings (reset in RestoredDescription below). It gets a
// new TableId and
// CreationDateTime, and is ACTIVE at once. Its description keeps a
// RestoreSummary (table/table_description.h), so DescribeTable reports it
// as DynamoDB does.
//
// Response: {"TableDescription": <DescribeTable's shape>, with
// "RestoreSummary": {SourceBackupArn, SourceTableArn, RestoreDateTime,
// RestoreInProgress false}}.
#include "api/describe_text.h"
#include "api/messages.h"
#include "api/ops/backup_util.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

// The description of the table to create from `backup` under `target`,
// with the request's billing overrides applied.
DdbResult<TableDescription> RestoredDescription(const BackupEntry& backup,
                                                const std::string& target, const json& request,
                                                int64_t now_ms) {
  TableDescription d = backup.table;
  d.name = target;
  d.creation_time_ms = now_ms;
  d.item_count = 0;
  d.size_bytes = 0;
  d.tags.clear();
  d.deletion_protection = false;
  d.stream = StreamSettings();     // DynamoDB restores neither streams nor TTL settings:
  d.ttl = TimeToLiveSettings();    // they are set up again on the new table
  d.pitr = PointInTimeRecoverySettings();  // nor point-in-time recovery
  d.restore = RestoreSummary{backup.arn, backup.table.Arn(), now_ms};

  const std::string mode_override = StringMember(request, "BillingModeOverride");
  const json* throughput = nullptr;
  if (auto pt = request.find("ProvisionedThroughputOverride"); pt != request.end()) {
    throughput = &*pt;
  }
  if (!mode_override.empty()) {
    d.billing_mode_explicit = true;
    d.billing_mode = mode_override == "PAY_PER_REQUEST" ? BillingMode::kPayPerRequest
                                                        : BillingMode::kProvisioned;
  }
  if (d.billing_mode == BillingMode::kPayPerRequest) {
    if (throughput != nullptr) {
      return DdbError::Validation(msg::kThroughputWithOnDemand);
    }
    d.read_capacity_units = 0;
    d.write_capacity_units = 0;
    d.billing_mode_time_ms = now_ms;
  } else if (throughput != nullptr) {
    d.read_capacity_units = throughput->at("ReadCapacityUnits").get<int64_t>();
    d.write_capacity_units = throughput->at("WriteCapacityUnits").get<int64_t>();
  } else if (backup.table.billing_mode == BillingMode::kPayPerRequest) {
    return DdbError::Validation(msg::kThroughputMissing);
  }
  return d;
}

}  // namespace

DdbResult<json> HandleRestoreTableFromBackup(Store& store, Context& ctx, const json& request) {
  DdbResult<BackupEntry> backup = FindBackup(store, request.at("BackupArn").get<std::string>());
  if (!backup.ok()) return backup.take_error();
  const std::string target = request.at("TargetTableName").get<std::string>();
  Result<CatalogEntry> existing = store.catalog->Get(target);
  if (existing.ok()) return DdbError::TableAlreadyExists(msg::kTableExists + target);
  if (!existing.status().IsNotFound()) return StorageError(existing.status());

  const int64_t now = ctx.NowMs();
  DdbResult<TableDescription> d = RestoredDescription(*backup, target, request, now);
  if (!d.ok()) return d.take_error();
  d->table_id = MakeTableId(target, now, *store.catalog->pager());
  Result<CatalogEntry> created = store.catalog->Create(*d);
  if (!created.ok()) return StorageError(created.status());
  Result<Table> table = Table::Open(store.catalog, target);
  if (!table.ok()) return StorageError(table.status());
  Status s = Backups(store.catalog->pager()).RestoreInto(*backup, &*table);
  if (!s.ok()) return StorageError(s);

  return DescriptionResponse("TableDescription", TableDescriptionText(table->description()));
}

}  // namespace api
}  // namespace pd
