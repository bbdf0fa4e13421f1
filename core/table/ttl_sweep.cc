// The TTL sweep (contract in table/ttl_sweep.h).
#include "table/ttl_sweep.h"

#include <utility>
#include <vector>

#include "table/table.h"
#include "value/decimal.h"

namespace pd {
namespace {

constexpr int64_t kFiveYearsS = 5LL * 365 * 86400;  // DynamoDB leaves older TTLs alone

bool Expired(const Item& item, const std::string& attribute, const Decimal& now_s,
             const Decimal& oldest_s) {
  const AttributeValue* v = item.Find(attribute);
  if (v == nullptr || !v->is(AttributeType::kN)) return false;
  return v->n() < now_s && v->n() >= oldest_s;
}

}  // namespace

Status SweepExpiredItems(Catalog* catalog, ChangeLog* log, int64_t now_ms, uint32_t max_deletes,
                         uint32_t max_examined, SweepCursor* cursor, SweepResult* result) {
  *result = SweepResult();
  Result<std::vector<CatalogEntry>> entries = catalog->All();
  if (!entries.ok()) return entries.status();
  std::vector<std::string> tables;  // TTL tables in name order
  for (const CatalogEntry& e : *entries) {
    if (e.description.ttl.enabled) tables.push_back(e.description.name);
  }
  const int64_t now_s = now_ms >= 0 ? now_ms / 1000 : -((-now_ms + 999) / 1000);
  const Decimal now_dec = Decimal::FromInt64(now_s);
  const Decimal oldest_dec = Decimal::FromInt64(now_s - kFiveYearsS);
  size_t i = 0;
  while (i < tables.size() && tables[i] < cursor->table) ++i;
  if (i < tables.size() && tables[i] != cursor->table) cursor->last_key.clear();
  for (; i < tables.size(); ++i) {
    cursor->table = tables[i];
    Result<Table> table = Table::Open(catalog, tables[i]);
    if (!table.ok()) return table.status();
    const std::string& attribute = table->description().ttl.attribute_name;
    // Collect first: deleting invalidates the iterator.
    std::vector<std::pair<PrimaryKey, Item>> doomed;
    bool finished = true;
    TableIterator it = table->NewIterator(KeyRange{}, true);
    Status s = cursor->last_key.empty() ? it.SeekToStart() : it.SeekAfter(cursor->last_key);
    for (; s.ok() && it.Valid(); s = it.Next()) {
      if (result->examined >= max_examined || result->deleted + doomed.size() >= max_deletes) {
        finished = false;
        break;
      }
      ++result->examined;
      cursor->last_key = std::string(it.key());
      Result<Item> item = it.item();
      if (!item.ok()) return item.status();
      if (!Expired(*item, attribute, now_dec, oldest_dec)) continue;
      Result<PrimaryKey> key = it.primary_key();
      if (!key.ok()) return key.status();
      doomed.emplace_back(std::move(key).value(), std::move(item).value());
    }
    if (!s.ok()) return s;
    log->set_service_deletes(true);
    for (const auto& [key, item] : doomed) {
      s = table->Delete(key, item);
      if (!s.ok()) break;
      ++result->deleted;
    }
    log->set_service_deletes(false);
    if (!s.ok()) return s;
    if (!finished) {
      result->more = true;
      return Status::OK();
    }
    cursor->last_key.clear();
  }
  cursor->table.clear();  // the round is over; the next step starts again
  return Status::OK();
}

}  // namespace pd
