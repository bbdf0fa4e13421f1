// CreateTable: adds a table to the catalog with an empty B+tree.
//
// The spec (api/ops/table_specs.cc, TableDescription::FromCreateTableRequest)
// has validated the request; here: ResourceInUseException "Table already
// exists: <name>" if the name is taken, else the table is created and is
// ACTIVE at once (DynamoDB answers CREATING and becomes ACTIVE later; there
// is nothing to wait for here).
//
// The new table is stamped with the request time (Context clock) as
// CreationDateTime (and LastUpdateToPayPerRequestDateTime for on-demand
// tables), and a TableId in UUID v4 form derived deterministically from the
// name, the time and the database's page state (the core is deterministic;
// the id only has to differ between tables created over time).
//
// Response: {"TableDescription": <DescribeTable's shape>}.
#include <cstdio>
#include <string>

#include "api/ops/handler_util.h"
#include "api/ops/handlers.h"
#include "table/table_description.h"

namespace pd {
namespace api {
namespace {

using nlohmann::json;

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// 8-4-4-4-12 hex digits with the version nibble 4 and variant bits 10.
std::string MakeTableId(const std::string& name, int64_t now_ms, const Pager& pager) {
  uint64_t state = 0xCBF29CE484222325ULL;  // FNV-1a 64 of the name, then mixed
  for (unsigned char c : name) state = (state ^ c) * 0x100000001B3ULL;
  state ^= static_cast<uint64_t>(now_ms);
  state ^= (static_cast<uint64_t>(pager.page_count()) << 32) ^ pager.lsn();
  uint64_t hi = SplitMix64(&state);
  uint64_t lo = SplitMix64(&state);
  hi = (hi & ~0xF000ULL) | 0x4000ULL;                  // version 4
  lo = (lo & ~(0xC000ULL << 48)) | (0x8000ULL << 48);  // variant 10xx
  char buf[37];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return buf;
}

}  // namespace

DdbResult<json> HandleCreateTable(Store& store, Context& ctx, const json& request) {
  Result<TableDescription> d = TableDescription::FromCreateTableRequest(request);
  if (!d.ok()) return StorageError(d.status());
  Result<CatalogEntry> existing = store.catalog->Get(d->name);
  if (existing.ok()) return DdbError::ResourceInUse("Table already exists: " + d->name);
  if (!existing.status().IsNotFound()) return StorageError(existing.status());

  const int64_t now = ctx.NowMs();
  d->creation_time_ms = now;
  if (d->billing_mode == BillingMode::kPayPerRequest) d->billing_mode_time_ms = now;
  d->table_id = MakeTableId(d->name, now, *store.catalog->pager());
  Result<CatalogEntry> created = store.catalog->Create(*d);
  if (!created.ok()) return StorageError(created.status());
  return json{{"TableDescription", created->description.ToDescribeJson()}};
}

}  // namespace api
}  // namespace pd
