// The embind surface of the core: pd::Engine for JavaScript (contract in
// README.md). Marshalling only, no logic. Bytes handed to JS are copied into
// new JS Uint8Arrays that JS owns; nothing returned points into wasm memory.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine.h"
#include "pager/log_record.h"
#include "util/coding.h"

namespace pd {
namespace {

using emscripten::val;

// Copies of `images` (each page_size bytes) laid end to end in one Uint8Array.
val ConcatenatedCopy(const std::vector<std::string>& images, uint32_t page_size) {
  val out = val::global("Uint8Array").new_(static_cast<double>(images.size()) * page_size);
  for (size_t i = 0; i < images.size(); i++) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(images[i].data());
    out.call<void>("set", emscripten::typed_memory_view(images[i].size(), bytes), i * page_size);
  }
  return out;
}

// Little-endian uint32 values laid end to end (a Uint32Array's bytes).
std::vector<uint32_t> Uint32s(const std::string& bytes) {
  std::vector<uint32_t> out(bytes.size() / 4);
  const auto* p = reinterpret_cast<const uint8_t*>(bytes.data());
  for (size_t i = 0; i < out.size(); ++i) out[i] = DecodeFixed32(p + 4 * i);
  return out;
}

val BytesCopy(const std::string& bytes) {
  return val::global("Uint8Array").new_(emscripten::typed_memory_view(
      bytes.size(), reinterpret_cast<const uint8_t*>(bytes.data())));
}

// Commit records laid end to end (`records`) cut at their byte lengths
// (`lengths`: a Uint32Array's bytes) into *out: "" or why they do not fit.
std::string SplitRecords(const std::string& records, const std::string& lengths,
                         std::vector<std::string>* out) {
  size_t at = 0;
  for (uint32_t length : Uint32s(lengths)) {
    if (length > records.size() - at) return "record lengths exceed the record bytes";
    out->push_back(records.substr(at, length));
    at += length;
  }
  return at == records.size() ? "" : "record bytes beyond the record lengths";
}

class WasmEngine {
 public:
  // Each returns "" on success, else why not (the engine stays unset).
  // page_size 0 means the core's default (kDefaultPageSize).
  std::string Create(uint32_t page_size) {
    return Adopt(Engine::Create(page_size == 0 ? kDefaultPageSize : page_size));
  }
  // records: commit records laid end to end; record_lengths: their byte
  // lengths (a Uint32Array's bytes), in order.
  std::string Open(const std::string& pages, uint32_t page_size, const std::string& records,
                   const std::string& record_lengths) {
    if (page_size == 0 || pages.size() % page_size != 0) return "page bytes are not whole pages";
    std::vector<std::string> images;
    for (size_t at = 0; at < pages.size(); at += page_size) images.push_back(pages.substr(at, page_size));
    std::vector<std::string> log;
    if (std::string problem = SplitRecords(records, record_lengths, &log); !problem.empty())
      return problem;
    return Adopt(Engine::Open(std::move(images), log));
  }
  // Lazy open (engine.h OpenLazy): the checkpoint's meta page + records.
  std::string OpenLazy(const std::string& meta, const std::string& records,
                       const std::string& record_lengths, double cache_bytes, bool chaos) {
    std::vector<std::string> log;
    if (std::string problem = SplitRecords(records, record_lengths, &log); !problem.empty())
      return problem;
    return Adopt(Engine::OpenLazy(meta, log, Options(cache_bytes, chaos)));
  }
  // Paging (engine.h "Bounded cache"): cache_bytes 0 = unbounded.
  void Configure(double cache_bytes, bool chaos) {
    engine_->set_options(Options(cache_bytes, chaos));
  }
  // ids: a Uint32Array's bytes; images: ids.size() pages end to end. One
  // string per page: "" installed, else the Status text.
  val InstallPages(const std::string& ids, const std::string& images) {
    const std::vector<uint32_t> list = Uint32s(ids);
    const uint32_t page_size = engine_->page_size();
    val out = val::array();
    for (size_t i = 0; i < list.size(); ++i) {
      const Status s =
          (i + 1) * page_size > images.size()
              ? Status::InvalidArgument("page " + std::to_string(list[i]) + ": no image")
              : engine_->InstallPage(list[i], images.substr(i * page_size, page_size));
      out.call<void>("push", s.ok() ? std::string() : s.ToString());
    }
    return out;
  }
  void ReleaseRecordsThrough(double lsn) {
    engine_->ReleaseRecordsThrough(static_cast<uint64_t>(lsn));
  }
  val CacheStatsOf() const {
    const CacheStats c = engine_->cache_stats();
    val out = val::object();
    out.set("residentBytes", static_cast<double>(c.resident_bytes));
    out.set("pinnedBytes", static_cast<double>(c.pinned_bytes));
    out.set("hits", static_cast<double>(c.hits));
    out.set("misses", static_cast<double>(c.misses));
    out.set("evictions", static_cast<double>(c.evictions));
    out.set("retainedRecordBytes", static_cast<double>(c.retained_record_bytes));
    out.set("undoBytes", static_cast<double>(c.undo_bytes));
    out.set("slotBytes", static_cast<double>(c.slot_bytes));
    return out;
  }
  // The ids the last Execute/SweepExpired/Check/DurableImages/Snapshot lacked.
  val LastFault() const {
    const std::vector<uint32_t>& ids = engine_->last_fault();
    return val::global("Uint32Array").new_(emscripten::typed_memory_view(ids.size(), ids.data()));
  }
  // Engine::HotPages: the resident interior pages, for the replicas' 'hot' hint.
  val HotPages(uint32_t max_pages) const {
    const std::vector<uint32_t> ids = engine_->HotPages(max_pages);
    return val::global("Uint32Array").new_(emscripten::typed_memory_view(ids.size(), ids.data()));
  }
  // Its read-ahead hints (engine.h last_hints()).
  val LastHints() const {
    const std::vector<uint32_t>& ids = engine_->last_hints();
    return val::global("Uint32Array").new_(emscripten::typed_memory_view(ids.size(), ids.data()));
  }

  // Execute, and what it returned is (engine.h Engine::Outcome: 0 response,
  // 1 DynamoDB error JSON, 2 PageFault JSON) by LastOutcome(), so JS never
  // searches the text for it. SweepExpired sets it too.
  std::string Execute(const std::string& op, const std::string& json) { return engine_->Execute(op, json); }
  uint32_t LastOutcome() const { return static_cast<uint32_t>(engine_->last_outcome()); }
  // Execute without embind's per-byte string marshalling (web/core/engine.js):
  // JS writes the request's UTF-8 into RequestBuffer(capacity) (TextEncoder
  // encodeInto on HEAPU8), ExecuteBuffered(op, length) runs it, keeps the
  // response text until the next call and returns its Outcome; the reply
  // words at ReplyAt() (two uint32 in wasm memory, read from HEAPU32) then
  // hold the text's address and byte length, which JS decodes from HEAPU8
  // with TextDecoder. The addresses stay valid until the next call of the
  // same function.
  uint32_t RequestBuffer(uint32_t capacity) {
    if (request_.size() < capacity) request_.resize(capacity);
    return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(request_.data()));
  }
  uint32_t ReplyAt() const { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(reply_)); }
  uint32_t ExecuteBuffered(const std::string& op, uint32_t length) {
    response_ = engine_->Execute(op, std::string_view(request_.data(), length));
    reply_[0] = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(response_.data()));
    reply_[1] = static_cast<uint32_t>(response_.size());
    return LastOutcome();
  }
  bool HasPendingCommit() const { return engine_->has_pending_commit(); }
  val TakeCommit(bool images, bool record) {
    CommitOptions options;
    options.images = images;
    options.record = record;
    CommitBatch batch = engine_->TakeCommit(options);
    val out = val::object();
    out.set("lsn", static_cast<double>(batch.lsn));
    out.set("prevLsn", static_cast<double>(batch.prev_lsn));
    out.set("pageCount", batch.page_count);
    out.set("pageSize", engine_->page_size());
    out.set("pageIds", val::global("Uint32Array").new_(
        emscripten::typed_memory_view(batch.page_ids.size(), batch.page_ids.data())));
    if (images) out.set("images", ConcatenatedCopy(batch.images, engine_->page_size()));
    if (record) out.set("record", BytesCopy(batch.record));
    return out;
  }
  // TakeCommit + MarkDurable without copying pages out (storage 'memory').
  double CommitInMemory() {
    CommitOptions nothing;
    nothing.images = false;
    nothing.record = false;
    const uint64_t lsn = engine_->TakeCommit(nothing).lsn;
    engine_->MarkDurable(lsn);
    return static_cast<double>(lsn);
  }
  void MarkDurable(double lsn) { engine_->MarkDurable(static_cast<uint64_t>(lsn)); }
  void RollbackToDurable() { engine_->RollbackToDurable(); }
  double Lsn() const { return static_cast<double>(engine_->lsn()); }
  double DurableLsn() const { return static_cast<double>(engine_->durable_lsn()); }
  uint32_t PageSize() const { return engine_->page_size(); }
  uint32_t PageCount() const { return engine_->page_count(); }
  val Snapshot() const { return ConcatenatedCopy(engine_->SnapshotImages(), engine_->page_size()); }
  // The page count of the durable database (its meta page as of
  // durable_lsn()).
  uint32_t DurablePageCount() const {
    Result<std::vector<std::string>> meta = engine_->DurableImages({0});
    if (!meta.ok()) return 0;
    Result<MetaHead> head = ReadMetaHead((*meta)[0]);
    return head.ok() ? head->page_count : 0;
  }
  // ids: a Uint32Array's bytes. The images laid end to end, or the Status
  // text (a string) when an id is not a page of the durable database.
  val DurableImages(const std::string& ids) const {
    Result<std::vector<std::string>> images = engine_->DurableImages(Uint32s(ids));
    if (!images.ok()) return val(images.status().ToString());
    return ConcatenatedCopy(*images, engine_->page_size());
  }
  std::string Check() const {
    const Status s = engine_->Check();
    return s.ok() ? "" : s.ToString();
  }
  // Engine::WarmInterior: "" or the Status text (a fault: lastFault/lastHints say which pages).
  std::string WarmInterior(double max_bytes) {
    const Status s = engine_->WarmInterior(static_cast<uint64_t>(max_bytes));
    return s.ok() ? "" : s.ToString();
  }
  // Change feed, TTL sweep step and clock (engine.h).
  void SetChangeFeed(bool on) { engine_->set_change_feed(on); }
  std::string TakeChanges() { return engine_->TakeChanges(); }
  std::string SweepExpired(uint32_t max_items) { return engine_->SweepExpired(max_items); }
  // The engine's clock reads now_ms from here; negative: the system clock.
  void SetNow(double now_ms) {
    now_ms_ = now_ms;
    if (now_ms < 0) {
      engine_->set_clock(nullptr);
    } else {
      engine_->set_clock([this] { return static_cast<int64_t>(now_ms_); });
    }
  }

 private:
  static EngineOptions Options(double cache_bytes, bool chaos) {
    EngineOptions options;
    options.cache_bytes = cache_bytes > 0 ? static_cast<uint64_t>(cache_bytes) : 0;
    options.chaos_paging = chaos;
    return options;
  }
  std::string Adopt(Result<std::unique_ptr<Engine>> result) {
    if (!result.ok()) return result.status().ToString();
    engine_ = std::move(result).value();
    return "";
  }
  std::unique_ptr<Engine> engine_;  // null until Create/Open succeeds
  std::string request_;             // RequestBuffer: the last request's bytes (ExecuteBuffered)
  std::string response_;            // the last ExecuteBuffered response
  uint32_t reply_[2] = {0, 0};      // ReplyAt(): response_'s address and size
  double now_ms_ = -1;              // the clock SetNow installed (ms since the epoch)
};

// Recovery's page checks (pager.h), usable before any engine exists.
// VerifyPage: "" when the image is a sound page `id` of a database whose LSN
// is at most max_lsn (negative: no limit), else the Status text.
std::string VerifyPage(uint32_t id, const std::string& image, uint32_t page_size, double max_lsn) {
  const uint64_t limit = max_lsn < 0 ? UINT64_MAX : static_cast<uint64_t>(max_lsn);
  const Status s = VerifyPageImage(id, image, page_size, limit);
  return s.ok() ? "" : s.ToString();
}
// MetaHeadOf: {lsn, pageSize, pageCount, freePageCount} of a meta page image,
// or {error: Status text} when it is not a valid meta page.
val MetaHeadOf(const std::string& image) {
  val out = val::object();
  Result<MetaHead> head = ReadMetaHead(image);
  if (!head.ok()) {
    out.set("error", head.status().ToString());
    return out;
  }
  out.set("lsn", static_cast<double>(head->lsn));
  out.set("pageSize", head->page_size);
  out.set("pageCount", head->page_count);
  out.set("freePageCount", head->free_page_count);
  return out;
}

// RecordHeaderOf: {lsn, prevLsn, pageCount, pageSize, pageIds: Uint32Array,
// byteLength} of a whole commit record (every check of DecodeRecord), or
// {error: Status text}.
val RecordHeaderOf(const std::string& bytes) {
  val out = val::object();
  Result<RecordHeader> header = ReadRecordHeader(bytes);
  if (!header.ok()) {
    out.set("error", header.status().ToString());
    return out;
  }
  out.set("lsn", static_cast<double>(header->lsn));
  out.set("prevLsn", static_cast<double>(header->prev_lsn));
  out.set("pageCount", header->page_count);
  out.set("pageSize", header->page_size);
  out.set("pageIds", val::global("Uint32Array").new_(
      emscripten::typed_memory_view(header->page_ids.size(), header->page_ids.data())));
  out.set("byteLength", header->byte_length);
  return out;
}

}  // namespace
}  // namespace pd

EMSCRIPTEN_BINDINGS(pocketdynamo) {
  emscripten::class_<pd::WasmEngine>("Engine")
      .constructor<>()
      .function("create", &pd::WasmEngine::Create)
      .function("open", &pd::WasmEngine::Open)
      .function("openLazy", &pd::WasmEngine::OpenLazy)
      .function("configure", &pd::WasmEngine::Configure)
      .function("installPages", &pd::WasmEngine::InstallPages)
      .function("releaseRecordsThrough", &pd::WasmEngine::ReleaseRecordsThrough)
      .function("cacheStats", &pd::WasmEngine::CacheStatsOf)
      .function("lastFault", &pd::WasmEngine::LastFault)
      .function("lastHints", &pd::WasmEngine::LastHints)
      .function("execute", &pd::WasmEngine::Execute)
      .function("requestBuffer", &pd::WasmEngine::RequestBuffer)
      .function("executeBuffered", &pd::WasmEngine::ExecuteBuffered)
      .function("replyAt", &pd::WasmEngine::ReplyAt)
      .function("lastOutcome", &pd::WasmEngine::LastOutcome)
      .function("hasPendingCommit", &pd::WasmEngine::HasPendingCommit)
      .function("takeCommit", &pd::WasmEngine::TakeCommit)
      .function("commitInMemory", &pd::WasmEngine::CommitInMemory)
      .function("markDurable", &pd::WasmEngine::MarkDurable)
      .function("rollbackToDurable", &pd::WasmEngine::RollbackToDurable)
      .function("lsn", &pd::WasmEngine::Lsn)
      .function("durableLsn", &pd::WasmEngine::DurableLsn)
      .function("pageSize", &pd::WasmEngine::PageSize)
      .function("pageCount", &pd::WasmEngine::PageCount)
      .function("snapshot", &pd::WasmEngine::Snapshot)
      .function("durableImages", &pd::WasmEngine::DurableImages)
      .function("durablePageCount", &pd::WasmEngine::DurablePageCount)
      .function("check", &pd::WasmEngine::Check)
      .function("warmInterior", &pd::WasmEngine::WarmInterior)
      .function("hotPages", &pd::WasmEngine::HotPages)
      .function("setChangeFeed", &pd::WasmEngine::SetChangeFeed)
      .function("takeChanges", &pd::WasmEngine::TakeChanges)
      .function("sweepExpired", &pd::WasmEngine::SweepExpired)
      .function("setNow", &pd::WasmEngine::SetNow);
  emscripten::function("verifyPageImage", &pd::VerifyPage);
  emscripten::function("readMetaHead", &pd::MetaHeadOf);
  emscripten::function("readRecordHeader", &pd::RecordHeaderOf);
}
