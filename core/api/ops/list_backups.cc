// ListBackups: backup summaries in ARN order (by table name, then creation
// time), a page of at most Limit (1-100; the spec checks the range) after
// ExclusiveStartBackupArn (which need not name an existing backup).
//
// Filters: TableName (a name or a table ARN), TimeRangeLowerBound
// (inclusive) and TimeRangeUpperBound (exclusive) on BackupCreationDateTime,
// in epoch seconds; BackupType USER (the default) and ALL list every backup
// (all of pocketdynamo's are on-demand user backups), SYSTEM and AWS_BACKUP
// list none. Without Limit every matching backup is returned in one page.
// Response: {"BackupSummaries": [...]} plus "LastEvaluatedBackupArn" only
// when more matching backups follow.
#include <cmath>
#include <cstdint>

#include "api/ops/backup_util.h"
#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

// Epoch seconds (with fraction) as milliseconds, rounded up: a bound that
// falls inside a millisecond admits what the exact comparison admits. The
// seconds are first rounded to whole microseconds, so that 1704164645.678
// (not exact in binary) means 1704164645678 ms.
int64_t BoundMs(const json& seconds) {
  constexpr double kMaxMicros = 9.0e18;
  const double micros = std::round(seconds.get<double>() * 1e6);
  if (!(micros > -kMaxMicros)) return INT64_MIN / 1000;  // also NaN
  if (micros > kMaxMicros) return INT64_MAX / 1000;
  const int64_t us = static_cast<int64_t>(micros);
  return us / 1000 + (us % 1000 > 0 ? 1 : 0);
}

}  // namespace

DdbResult<json> HandleListBackups(Store& store, Context& ctx, const json& request) {
  json response = {{"BackupSummaries", json::array()}};
  const std::string type = StringMember(request, "BackupType", "USER");
  if (type == "SYSTEM" || type == "AWS_BACKUP") return response;

  BackupFilter filter;
  if (auto t = request.find("TableName"); t != request.end()) {
    filter.table_name = TableNameFromNameOrArn(t->get<std::string>());
  }
  if (auto b = request.find("TimeRangeLowerBound"); b != request.end()) {
    filter.lower_ms = BoundMs(*b);
  }
  if (auto b = request.find("TimeRangeUpperBound"); b != request.end()) {
    filter.upper_ms = BoundMs(*b);
  }
  uint32_t limit = UINT32_MAX;
  if (auto l = request.find("Limit"); l != request.end()) {
    limit = static_cast<uint32_t>(l->get<int64_t>());
  }
  Result<BackupPage> page =
      Backups(store.catalog->pager())
          .List(filter, StringMember(request, "ExclusiveStartBackupArn"), limit);
  if (!page.ok()) return StorageError(page.status());
  for (const BackupEntry& e : page->entries) {
    response["BackupSummaries"].push_back(BackupSummaryJson(e));
  }
  if (page->last_evaluated) response["LastEvaluatedBackupArn"] = *page->last_evaluated;
  return response;
}

}  // namespace api
}  // namespace pd
