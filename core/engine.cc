// Engine: wires the pager, the catalog and the operation dispatcher
// (contract in engine.h).
//
// Request path: Execute -> api::Dispatcher (JSON parse, operation lookup,
// spec check) -> the operation's handler (api/ops/handlers.h) bound to this
// database's Store. Every write operation runs inside one pager operation:
// Pager::BeginOperation() before the handler, EndOperation() when it
// succeeds, RollbackOperation() when it returns an error or throws, so a
// failed request leaves every page, the page count, the free list and the
// root slots exactly as they were. Reads run outside operations.
//
// Open = Pager::Load (every page image checked: CRC, id, type, LSN, free
// list; then redo of the commit records given, pager/log_record.h) +
// Catalog::Validate and Backups::Validate (every entry decodes, roots
// in range and distinct); it does not walk the table trees. Check() does
// (engine_check.cc):
// CheckDatabase over the catalog tree, every table tree, the request token
// tree, the backups tree and every backup's item tree (no page lost or
// shared), then each table's contents against its catalog counts and each
// secondary index tree against a rebuild from its table
// (Table::CheckContents), the tokens, and each backup's items against its
// entry (Backups::CheckContents).
//
// The operation table below is the one place that lists what the engine
// serves: name, spec, handler, and whether it writes.
#include "engine.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <unordered_map>
#include <utility>

#include "api/dispatch.h"
#include "api/ops/handlers.h"
#include "api/ops/op_specs.h"
#include "api/stream_json.h"
#include "btree/node.h"
#include "engine_check.h"
#include "table/backups.h"
#include "table/catalog.h"
#include "table/stream_log.h"
#include "table/table.h"
#include "table/ttl_sweep.h"

namespace pd {
namespace {

struct OperationDef {
  const char* name;                         // DynamoDB operation name
  const api::OperationSpec& (*spec)();      // request spec (api/ops/op_specs.h)
  api::StoreHandler handler;                // api/ops/<operation>.cc
  bool writes;                              // runs inside a pager operation
};

const OperationDef kOperations[] = {
    {"CreateTable", &api::CreateTableSpec, &api::HandleCreateTable, true},
    {"DescribeTable", &api::DescribeTableSpec, &api::HandleDescribeTable, false},
    {"ListTables", &api::ListTablesSpec, &api::HandleListTables, false},
    {"DeleteTable", &api::DeleteTableSpec, &api::HandleDeleteTable, true},
    {"UpdateTable", &api::UpdateTableSpec, &api::HandleUpdateTable, true},
    {"PutItem", &api::PutItemSpec, &api::HandlePutItem, true},
    {"GetItem", &api::GetItemSpec, &api::HandleGetItem, false},
    {"UpdateItem", &api::UpdateItemSpec, &api::HandleUpdateItem, true},
    {"DeleteItem", &api::DeleteItemSpec, &api::HandleDeleteItem, true},
    {"Query", &api::QuerySpec, &api::HandleQuery, false},
    {"Scan", &api::ScanSpec, &api::HandleScan, false},
    {"BatchGetItem", &api::BatchGetItemSpec, &api::HandleBatchGetItem, false},
    {"BatchWriteItem", &api::BatchWriteItemSpec, &api::HandleBatchWriteItem, true},
    {"TransactWriteItems", &api::TransactWriteItemsSpec, &api::HandleTransactWriteItems, true},
    {"TransactGetItems", &api::TransactGetItemsSpec, &api::HandleTransactGetItems, false},
    {"CreateBackup", &api::CreateBackupSpec, &api::HandleCreateBackup, true},
    {"DescribeBackup", &api::DescribeBackupSpec, &api::HandleDescribeBackup, false},
    {"ListBackups", &api::ListBackupsSpec, &api::HandleListBackups, false},
    {"DeleteBackup", &api::DeleteBackupSpec, &api::HandleDeleteBackup, true},
    {"RestoreTableFromBackup", &api::RestoreTableFromBackupSpec, &api::HandleRestoreTableFromBackup,
     true},
    {"UpdateTimeToLive", &api::UpdateTimeToLiveSpec, &api::HandleUpdateTimeToLive, true},
    {"DescribeTimeToLive", &api::DescribeTimeToLiveSpec, &api::HandleDescribeTimeToLive, false},
    // PartiQL (api/ops/execute_statement.cc); BatchExecuteStatement opens one
    // pager operation per write statement itself.
    {"ExecuteStatement", &api::ExecuteStatementSpec, &api::HandleExecuteStatement, true},
    {"BatchExecuteStatement", &api::BatchExecuteStatementSpec, &api::HandleBatchExecuteStatement,
     false},
    {"ExecuteTransaction", &api::ExecuteTransactionSpec, &api::HandleExecuteTransaction, true},
    {"TagResource", &api::TagResourceSpec, &api::HandleTagResource, true},
    {"UntagResource", &api::UntagResourceSpec, &api::HandleUntagResource, true},
    {"ListTagsOfResource", &api::ListTagsOfResourceSpec, &api::HandleListTagsOfResource, false},
    {"DescribeContinuousBackups", &api::DescribeContinuousBackupsSpec,
     &api::HandleDescribeContinuousBackups, false},
    {"UpdateContinuousBackups", &api::UpdateContinuousBackupsSpec,
     &api::HandleUpdateContinuousBackups, true},
    {"DescribeLimits", &api::DescribeLimitsSpec, &api::HandleDescribeLimits, false},
    {"DescribeEndpoints", &api::DescribeEndpointsSpec, &api::HandleDescribeEndpoints, false},
    // The DynamoDB Streams service's operations.
    {"ListStreams", &api::ListStreamsSpec, &api::HandleListStreams, false},
    {"DescribeStream", &api::DescribeStreamSpec, &api::HandleDescribeStream, false},
    {"GetShardIterator", &api::GetShardIteratorSpec, &api::HandleGetShardIterator, false},
    {"GetRecords", &api::GetRecordsSpec, &api::HandleGetRecords, false},
};

constexpr uint32_t kSweepExaminePerDelete = 16;  // items examined per item the sweep may delete

uint64_t native_faults_resolved = 0;  // pages installed from native backings, all engines

EngineOptions& DefaultOptionsRef() {
  static EngineOptions options;
  return options;
}

}  // namespace

class Engine::Impl {
 public:
  explicit Impl(std::unique_ptr<Pager> pager)
      : pager_(std::move(pager)),
        catalog_(pager_.get()),
        change_log_(pager_.get()),
        dispatcher_(Operations()) {
    catalog_.set_change_log(&change_log_);
    store_.catalog = &catalog_;
    store_.change_log = &change_log_;
  }

  // Paged mode: each attempt in an execute bracket (Bracketed below).
  std::string Execute(std::string_view operation, std::string_view request_json) {
    bool ok = false;
    if (!paged()) {
      last_fault_.clear();
      last_hints_.clear();
      std::string out = dispatcher_.ExecuteToText(ctx_, operation, request_json, &ok);
      last_outcome_ = ok ? Engine::Outcome::kResponse : Engine::Outcome::kError;
      return out;
    }
    return Bracketed([&] { return dispatcher_.ExecuteToText(ctx_, operation, request_json, &ok); },
                     &ok);
  }

  void set_options(const EngineOptions& options) {
    options_ = options;
    uint64_t bytes = options.cache_bytes;
    if (options.chaos_paging && bytes == 0) bytes = pager_->page_size();
    const bool begins = !paged() && bytes > 0;
    pager_->set_cache_bytes(bytes);
    if (begins && options.native_backing && pager_->lsn() > 0 && !pager_->has_pending_changes() &&
        pager_->lsn() == pager_->durable_lsn()) {
      // The pages so far are in no retained record: the native backing takes
      // them, as JS writes a loaded snapshot to the replicas, and says so.
      std::vector<std::string> images = pager_->SnapshotImages();
      for (uint32_t id = 1; id < images.size(); ++id) backing_.emplace(id, std::move(images[id]));
      pager_->ReleaseRecordsThrough(pager_->lsn());
    }
  }
  bool paged() const { return pager_->cache_bytes() > 0; }
  const std::vector<uint32_t>& last_fault() const { return last_fault_; }
  const std::vector<uint32_t>& last_hints() const { return last_hints_; }
  Engine::Outcome last_outcome() const { return last_outcome_; }

  // A call that only reads pages (Check, DurableImages, SnapshotImages):
  // run `read` until it completes without a fault; false when a fault could
  // not be resolved here (last_fault_ and *status say so).
  template <typename F>
  bool Reading(F read, Status* status) {
    last_fault_.clear();
    last_hints_.clear();
    for (;;) {
      try {
        read();
      } catch (const PageFault&) {
      }
      std::vector<uint32_t> faults = pager_->TakeFaults();
      std::vector<uint32_t> hints = pager_->TakeHints();
      if (faults.empty()) {
        AfterCall();
        return true;
      }
      if (!Resolve(std::move(faults), std::move(hints))) {
        *status = resolve_error_.ok() ? FaultStatus() : resolve_error_;
        return false;
      }
    }
  }

  Pager& pager() { return *pager_; }
  const Pager& pager() const { return *pager_; }
  Catalog& catalog() { return catalog_; }
  ChangeLog& change_log() { return change_log_; }
  void set_clock(Clock clock) {
    ctx_.clock = clock;
    change_log_.set_clock(std::move(clock));
  }

  std::string SweepExpired(uint32_t max_items) {
    bool ok = false;
    return Bracketed([&] { return SweepOnce(max_items, &ok); }, &ok);
  }

  // Runs `attempt` (a call that may write) in an execute bracket until it
  // completes without a page fault: a fault undoes the attempt (pages, the
  // change log's memory, the TTL sweep cursor) and is resolved natively, or
  // reported as FaultJson() when it cannot be resolved here. `attempt` sets
  // *ok (true: its text is a response); last_outcome_ says what was returned.
  template <typename F>
  std::string Bracketed(F attempt, const bool* ok) {
    last_fault_.clear();
    last_hints_.clear();
    for (;;) {
      const ChangeLog::Mark mark = change_log_.mark();
      const SweepCursor cursor = sweep_cursor_;
      pager_->BeginExecute();
      std::string out;
      try {
        out = attempt();
      } catch (const PageFault&) {
      }
      std::vector<uint32_t> faults = pager_->TakeFaults();
      std::vector<uint32_t> hints = pager_->TakeHints();
      if (faults.empty()) {
        pager_->EndExecute();
        AfterCall();
        last_outcome_ = *ok ? Engine::Outcome::kResponse : Engine::Outcome::kError;
        return out;
      }
      pager_->RollbackExecute();
      change_log_.RollbackTo(mark);
      sweep_cursor_ = cursor;
      if (!Resolve(std::move(faults), std::move(hints))) {
        last_outcome_ = resolve_error_.ok() ? Engine::Outcome::kFault : Engine::Outcome::kError;
        return FaultJson();
      }
    }
  }

  std::string SweepOnce(uint32_t max_items, bool* ok) {
    *ok = false;
    const int64_t now = ctx_.NowMs();
    pager_->BeginOperation();
    change_log_.BeginOperation();
    SweepResult swept;
    uint32_t trimmed = 0;
    bool more_trim = false;
    Status s = SweepExpiredItems(&catalog_, &change_log_, now, max_items,
                                 max_items * kSweepExaminePerDelete, &sweep_cursor_, &swept);
    if (s.ok()) s = change_log_.Trim(now, max_items, &trimmed, &more_trim);
    if (!s.ok()) {
      pager_->RollbackOperation();
      change_log_.RollbackOperation();
      sweep_cursor_ = SweepCursor();
      return api::DdbError::InternalServerError(s.ToString()).ToJson().dump();
    }
    pager_->EndOperation();
    *ok = true;
    return nlohmann::json{{"Deleted", swept.deleted},
                          {"Trimmed", trimmed},
                          {"More", swept.more || more_trim}}
        .dump();
  }

 private:
  // Runs a handler as one pager operation: all of its changes or none.
  api::DdbResult<nlohmann::json> RunWrite(api::StoreHandler handler, api::Context& ctx,
                                          const nlohmann::json& request) {
    pager_->BeginOperation();
    change_log_.BeginOperation();
    try {
      api::DdbResult<nlohmann::json> result = handler(store_, ctx, request);
      if (result.ok()) {
        pager_->EndOperation();
      } else {
        pager_->RollbackOperation();
        change_log_.RollbackOperation();
      }
      return result;
    } catch (...) {
      pager_->RollbackOperation();
      change_log_.RollbackOperation();
      throw;  // the dispatcher turns it into InternalServerError
    }
  }

  std::vector<api::Operation> Operations() {
    std::vector<api::Operation> ops;
    for (const OperationDef& def : kOperations) {
      api::Operation op;
      op.name = def.name;
      op.spec = def.spec;
      api::StoreHandler handler = def.handler;
      if (def.writes) {
        op.handler = [this, handler](api::Context& ctx, const nlohmann::json& request) {
          return RunWrite(handler, ctx, request);
        };
      } else {
        op.handler = [this, handler](api::Context& ctx, const nlohmann::json& request) {
          return handler(store_, ctx, request);
        };
      }
      ops.push_back(std::move(op));
    }
    return ops;
  }

  // Eviction, between calls (paged mode only).
  void AfterCall() {
    if (!paged()) return;
    if (!options_.native_backing) {
      pager_->Evict(options_.chaos_paging);
      return;
    }
    pager_->Evict(options_.chaos_paging, [this](uint32_t id, const uint8_t* image) {
      backing_.emplace(id, std::string(reinterpret_cast<const char*>(image), pager_->page_size()));
    });
  }

  // After a fault was undone: installs the pages (and the read-ahead hints
  // it can) from the native backing (true: call again), else records the
  // fault (false).
  bool Resolve(std::vector<uint32_t> ids, std::vector<uint32_t> hints) {
    resolve_error_ = Status::OK();
    hints.erase(std::remove_if(
                    hints.begin(), hints.end(),
                    [&ids](uint32_t id) { return std::binary_search(ids.begin(), ids.end(), id); }),
                hints.end());
    if (options_.native_backing) {
      for (uint32_t id : ids) {
        auto it = backing_.find(id);
        Status s =
            pager_->resident(id)
                ? Status::Corruption("page " + std::to_string(id) + ": faulted while resident")
                : pager_->InstallPage(id, it != backing_.end()
                                              ? it->second
                                              : std::string(pager_->page_size(), '\0'));
        if (!s.ok()) {
          resolve_error_ = s;
          break;
        }
        ++native_faults_resolved;
      }
      for (uint32_t id : hints) {  // only hints: a page the backing lacks stays out
        auto it = backing_.find(id);
        if (it != backing_.end() && !pager_->resident(id))
          (void)pager_->InstallPage(id, it->second);
      }
      if (resolve_error_.ok()) return true;
    }
    last_fault_ = std::move(ids);
    last_hints_ = std::move(hints);
    return false;
  }

  std::string FaultJson() const {
    if (!resolve_error_.ok()) {
      return api::DdbError::InternalServerError(resolve_error_.ToString()).ToJson().dump();
    }
    return nlohmann::json{{"__type", "pocketdynamo#PageFault"},
                          {"message", "pages not in the cache: install them and call again"},
                          {"ids", last_fault_},
                          {"hints", last_hints_}}
        .dump();
  }

  Status FaultStatus() const {
    std::string ids;
    for (uint32_t id : last_fault_) ids += (ids.empty() ? "" : ", ") + std::to_string(id);
    return Status::NotFound("PageFault: pages not in the cache: " + ids);
  }

  std::unique_ptr<Pager> pager_;  // the database's pages
  Catalog catalog_;               // handle on pager_'s catalog tree
  ChangeLog change_log_;          // streams tree + change feed (table/stream_log.h)
  SweepCursor sweep_cursor_;      // where the next TTL sweep step goes on (memory only)
  api::Store store_;              // what handlers work on (points at catalog_, change_log_)
  api::Context ctx_;              // clock for handlers
  api::Dispatcher dispatcher_;    // operation name -> spec + handler (bound to this)
  EngineOptions options_;         // paging options (set_options)
  std::unordered_map<uint32_t, std::string> backing_;  // native_backing: first evicted images
  std::vector<uint32_t> last_fault_;                   // ids the last call lacked
  std::vector<uint32_t> last_hints_;                   // its read-ahead (not in last_fault_)
  Status resolve_error_;                               // why native resolution failed
  // What the last Execute or SweepExpired returned (Engine::last_outcome()).
  Engine::Outcome last_outcome_ = Engine::Outcome::kResponse;
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::Create(uint32_t page_size) {
  Result<std::unique_ptr<Pager>> pager = Pager::Create(page_size);
  if (!pager.ok()) return pager.status();
  auto engine =
      std::unique_ptr<Engine>(new Engine(std::make_unique<Impl>(std::move(pager).value())));
  engine->set_options(DefaultOptions());
  return Result<std::unique_ptr<Engine>>(std::move(engine));
}

void Engine::SetDefaultOptions(const EngineOptions& options) { DefaultOptionsRef() = options; }
EngineOptions Engine::DefaultOptions() { return DefaultOptionsRef(); }
uint64_t Engine::NativeFaultsResolved() { return native_faults_resolved; }

Result<std::unique_ptr<Engine>> Engine::OpenLazy(const std::string& meta,
                                                 const std::vector<std::string>& records,
                                                 const EngineOptions& options) {
  Result<std::unique_ptr<Pager>> pager = Pager::LoadLazy(meta, records);
  if (!pager.ok()) return pager.status();
  auto engine =
      std::unique_ptr<Engine>(new Engine(std::make_unique<Impl>(std::move(pager).value())));
  EngineOptions paged = options;
  if (paged.cache_bytes == 0) paged.cache_bytes = Pager::kDefaultCacheBytes;
  engine->set_options(paged);
  return Result<std::unique_ptr<Engine>>(std::move(engine));
}

Result<std::unique_ptr<Engine>> Engine::Open(std::vector<std::string> images) {
  return Open(std::move(images), {});
}

Result<std::unique_ptr<Engine>> Engine::Open(std::vector<std::string> images,
                                             const std::vector<std::string>& records) {
  Result<std::unique_ptr<Pager>> pager = Pager::Load(std::move(images), records);
  if (!pager.ok()) return pager.status();
  auto impl = std::make_unique<Impl>(std::move(pager).value());
  Status s = impl->catalog().Validate();
  if (!s.ok()) return s;
  Result<std::vector<uint32_t>> catalog_roots = impl->catalog().AllRoots();
  if (!catalog_roots.ok()) return catalog_roots.status();
  s = Backups(&impl->pager()).Validate(*catalog_roots);
  if (!s.ok()) return s;
  auto engine = std::unique_ptr<Engine>(new Engine(std::move(impl)));
  engine->set_options(DefaultOptions());
  return Result<std::unique_ptr<Engine>>(std::move(engine));
}

void Engine::set_options(const EngineOptions& options) { impl_->set_options(options); }
Status Engine::InstallPage(uint32_t id, const std::string& image) {
  return impl_->pager().InstallPage(id, image);
}
void Engine::ReleaseRecordsThrough(uint64_t lsn) { impl_->pager().ReleaseRecordsThrough(lsn); }
CacheStats Engine::cache_stats() const { return impl_->pager().cache_stats(); }
const std::vector<uint32_t>& Engine::last_fault() const { return impl_->last_fault(); }
const std::vector<uint32_t>& Engine::last_hints() const { return impl_->last_hints(); }
Engine::Outcome Engine::last_outcome() const { return impl_->last_outcome(); }

std::string Engine::Execute(std::string_view operation, std::string_view request_json) {
  return impl_->Execute(operation, request_json);
}

bool Engine::has_pending_commit() const { return impl_->pager().has_pending_changes(); }
CommitBatch Engine::TakeCommit(CommitOptions options) {
  return impl_->pager().TakeCommit(options);
}
void Engine::MarkDurable(uint64_t lsn) { impl_->pager().MarkDurable(lsn); }
void Engine::RollbackToDurable() {
  impl_->pager().RollbackToDurable();
  impl_->change_log().TakeFeed();  // changes not taken yet were undone with their commits
}
uint64_t Engine::lsn() const { return impl_->pager().lsn(); }
uint64_t Engine::durable_lsn() const { return impl_->pager().durable_lsn(); }
uint32_t Engine::page_size() const { return impl_->pager().page_size(); }
uint32_t Engine::page_count() const { return impl_->pager().page_count(); }
std::vector<std::string> Engine::SnapshotImages() const {
  std::vector<std::string> images;
  Status s;
  impl_->Reading([&] { images = impl_->pager().SnapshotImages(); }, &s);
  return images;  // empty after an unresolved fault (last_fault())
}
Result<std::vector<std::string>> Engine::DurableImages(const std::vector<uint32_t>& ids) const {
  std::optional<Result<std::vector<std::string>>> images;
  Status s;
  if (!impl_->Reading([&] { images = impl_->pager().DurableImages(ids); }, &s)) return s;
  return std::move(*images);
}

Status Engine::Check() const {
  Status result;
  Status s;
  if (!impl_->Reading([&] { result = CheckNow(); }, &s)) return s;
  return result;
}

Status Engine::WarmInterior(uint64_t max_bytes) {
  if (!impl_->paged()) return Status::OK();
  Status result;
  Status s;
  if (!impl_->Reading([&] { result = WarmInteriorNow(max_bytes); }, &s)) return s;
  return result;
}

Status Engine::WarmInteriorNow(uint64_t max_bytes) {
  Pager& pager = impl_->pager();
  Result<std::vector<uint32_t>> roots = impl_->catalog().AllRoots();
  if (!roots.ok()) return roots.status();
  const uint32_t page_size = pager.page_size();
  std::vector<uint32_t> level = std::move(roots).value();
  uint64_t bytes = 0;
  while (!level.empty()) {
    bytes += static_cast<uint64_t>(level.size()) * page_size;
    if (bytes > max_bytes) return Status::OK();
    std::vector<uint32_t> missing;
    for (uint32_t id : level) {
      if (!pager.resident(id)) missing.push_back(id);
    }
    if (!missing.empty()) {
      pager.HintPages(std::vector<uint32_t>(missing.begin() + 1, missing.end()));
      pager.Get(missing.front());  // throws PageFault: the level comes in one read
    }
    std::vector<uint32_t> next;
    for (uint32_t id : level) {
      const btree::NodeView node(pager.Get(id), page_size);
      Status s = node.Check(id, -1);
      if (!s.ok()) return s;
      if (node.level() < 2) continue;  // a leaf, or its children are leaves
      for (uint32_t pos = 0; pos <= node.count(); ++pos) {
        const uint32_t child = node.ChildAt(pos);
        if (child == 0) return Status::Corruption("page " + std::to_string(id) + ": a child is 0");
        next.push_back(child);
      }
    }
    level = std::move(next);
  }
  return Status::OK();
}

std::vector<uint32_t> Engine::HotPages(uint32_t max_pages) const {
  Pager& pager = impl_->pager();
  std::vector<uint32_t> hot;
  std::vector<uint32_t> level;
  try {
    Result<std::vector<uint32_t>> roots = impl_->catalog().AllRoots();
    if (!roots.ok()) return hot;
    level = std::move(roots).value();
  } catch (const PageFault&) {
    pager.TakeFaults();  // a catalog page is not resident: no list, nothing to fetch
    pager.TakeHints();
    return hot;
  }
  const uint32_t page_size = pager.page_size();
  while (!level.empty()) {
    std::vector<uint32_t> next;
    for (uint32_t id : level) {
      if (hot.size() >= max_pages) return hot;
      if (!pager.resident(id)) continue;
      hot.push_back(id);
      const btree::NodeView node(pager.Get(id), page_size);
      if (!node.Check(id, -1).ok() || node.level() < 2)
        continue;  // a leaf, or its children are leaves
      for (uint32_t pos = 0; pos <= node.count(); ++pos) next.push_back(node.ChildAt(pos));
    }
    level = std::move(next);
  }
  return hot;
}

Status Engine::CheckNow() const {
  return CheckDatabaseContents(&impl_->catalog(), &impl_->pager(), &impl_->change_log());
}

void Engine::set_clock(Clock clock) { impl_->set_clock(std::move(clock)); }
void Engine::set_change_feed(bool on) { impl_->change_log().set_feed_enabled(on); }
std::string Engine::TakeChanges() { return api::FeedJson(impl_->change_log().TakeFeed()); }
std::string Engine::SweepExpired(uint32_t max_items) {
  return impl_->SweepExpired(max_items == 0 ? 1 : max_items);
}

}  // namespace pd
