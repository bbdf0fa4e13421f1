// Engine::Check()'s walk (engine_check.h; what it covers: engine.cc's header).
#include "engine_check.h"

#include <vector>

#include "btree/check.h"
#include "table/backups.h"
#include "table/request_tokens.h"
#include "table/table.h"

namespace pd {

Status CheckDatabaseContents(Catalog* catalog_ptr, Pager* pager, ChangeLog* change_log) {
  Catalog& catalog = *catalog_ptr;  // Check only reads through it
  Status s = catalog.Validate();
  if (!s.ok()) return s;
  Result<std::vector<uint32_t>> roots = catalog.AllRoots();
  if (!roots.ok()) return roots.status();
  RequestTokens tokens(pager);  // TransactWriteItems' ClientRequestToken tree
  if (tokens.root() != 0) roots->push_back(tokens.root());
  if (change_log->root() != 0) roots->push_back(change_log->root());
  Backups backups(pager);  // the backups tree and every backup's item tree
  s = backups.Validate(*roots);
  if (!s.ok()) return s;
  Result<std::vector<uint32_t>> backup_roots = backups.AllRoots();
  if (!backup_roots.ok()) return backup_roots.status();
  roots->insert(roots->end(), backup_roots->begin(), backup_roots->end());
  Result<CheckReport> report = CheckDatabase(*pager, *roots);
  if (!report.ok()) return report.status();
  Result<std::vector<CatalogEntry>> entries = catalog.All();
  if (!entries.ok()) return entries.status();
  for (const CatalogEntry& e : *entries) {
    Result<Table> table = Table::Open(&catalog, e.description.name);
    if (!table.ok()) return table.status();
    s = table->CheckContents();
    if (!s.ok()) return s;
  }
  s = tokens.CheckContents();
  if (!s.ok()) return s;
  s = change_log->CheckContents();
  if (!s.ok()) return s;
  return backups.CheckContents();
}

}  // namespace pd
