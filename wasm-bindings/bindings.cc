// The boundary of the core for JavaScript: pd::Engine as plain C exports
// (contract in README.md). Marshalling only, no logic. JS passes bytes as
// (address, size) ranges of wasm memory it allocated with pd_alloc and frees
// with pd_free; results come back in the Reply (pd_reply()): addresses and
// sizes of bytes the bindings own until the next call that sets them, which
// JS decodes or copies out at once.
#include <emscripten/emscripten.h>
#include <malloc.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine.h"
#include "pager/log_record.h"

namespace pd {
namespace {

// What a call returned besides its return value (web/core/engine.js reads it
// through HEAPU32 / HEAPF64 at pd_reply()). Each call sets only the fields
// README.md lists for it; what they point at stays valid until the next call
// that sets them (or pd_reply_clear()).
struct Reply {
  uint32_t text = 0;        // address of the result's bytes (UTF-8 text, or a commit record)
  uint32_t text_size = 0;   // their length
  uint32_t ids = 0;         // address of a uint32 list (page ids)
  uint32_t id_count = 0;    // its length
  uint32_t parts = 0;       // address of (address, size) uint32 pairs: pages or texts
  uint32_t part_count = 0;  // how many pairs
  double numbers[8] = {};   // LSNs, counts, cache statistics
};
static_assert(offsetof(Reply, numbers) == 24, "engine.js reads numbers at byte 24");

Reply reply;
// What the reply points at, when the bindings own it.
std::string text_store;
std::vector<uint32_t> id_store;
std::vector<std::string> part_store;
std::vector<uint32_t> part_ranges;

uint32_t Address(const void* p) { return static_cast<uint32_t>(reinterpret_cast<uintptr_t>(p)); }

// Sets the reply's text to `text` (kept until the next text); returns its size.
uint32_t SetText(std::string text) {
  text_store = std::move(text);
  reply.text = Address(text_store.data());
  reply.text_size = static_cast<uint32_t>(text_store.size());
  return reply.text_size;
}
// "" (0) when ok, else the Status text (its size).
uint32_t SetStatus(const Status& s) { return SetText(s.ok() ? std::string() : s.ToString()); }

// Ids the caller keeps alive until the next call (the engine's own lists).
void PointIds(const std::vector<uint32_t>& ids) {
  reply.ids = Address(ids.data());
  reply.id_count = static_cast<uint32_t>(ids.size());
}
void SetIds(std::vector<uint32_t> ids) {
  id_store = std::move(ids);
  PointIds(id_store);
}

void SetParts(std::vector<std::string> parts) {
  part_store = std::move(parts);
  part_ranges.resize(2 * part_store.size());
  for (size_t i = 0; i < part_store.size(); ++i) {
    part_ranges[2 * i] = Address(part_store[i].data());
    part_ranges[2 * i + 1] = static_cast<uint32_t>(part_store[i].size());
  }
  reply.parts = Address(part_ranges.data());
  reply.part_count = static_cast<uint32_t>(part_store.size());
}

template <typename T>
void Release(T* store) {
  T().swap(*store);
}

std::string_view View(const uint8_t* bytes, uint32_t size) {
  return std::string_view(reinterpret_cast<const char*>(bytes), size);
}

// Commit records laid end to end (`records`) cut at their byte lengths
// (`lengths`, `count` of them) into *out: "" or why they do not fit.
std::string SplitRecords(std::string_view records, const uint32_t* lengths, uint32_t count,
                         std::vector<std::string>* out) {
  size_t at = 0;
  out->reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    if (lengths[i] > records.size() - at) return "record lengths exceed the record bytes";
    out->emplace_back(records.substr(at, lengths[i]));
    at += lengths[i];
  }
  return at == records.size() ? "" : "record bytes beyond the record lengths";
}

EngineOptions Options(double cache_bytes, int chaos) {
  EngineOptions options;
  options.cache_bytes = cache_bytes > 0 ? static_cast<uint64_t>(cache_bytes) : 0;
  options.chaos_paging = chaos != 0;
  return options;
}

}  // namespace

// An engine as JS holds it (the handle: its address).
struct Handle {
  std::unique_ptr<Engine> engine;
  double now_ms = -1;  // the clock pd_set_now installed (ms since the epoch)
};

namespace {

// The handle of an opened engine, or nullptr with the Status text as the reply's text.
Handle* Adopt(Result<std::unique_ptr<Engine>> result) {
  if (!result.ok()) {
    SetText(result.status().ToString());
    return nullptr;
  }
  SetText(std::string());
  return new Handle{std::move(result).value()};
}

Handle* Refuse(std::string problem) {
  SetText(std::move(problem));
  return nullptr;
}

}  // namespace
}  // namespace pd

using pd::Handle;

extern "C" {

// ---- memory and the reply

EMSCRIPTEN_KEEPALIVE void* pd_alloc(uint32_t size) { return std::malloc(size == 0 ? 1 : size); }
EMSCRIPTEN_KEEPALIVE void pd_free(void* p) { std::free(p); }
EMSCRIPTEN_KEEPALIVE pd::Reply* pd_reply() { return &pd::reply; }
// Bytes malloc has handed out and not taken back (engine.js heapBytes: leak checks).
EMSCRIPTEN_KEEPALIVE uint32_t pd_heap_used() { return static_cast<uint32_t>(mallinfo().uordblks); }
// Frees what the reply holds (after JS copied a large result out).
EMSCRIPTEN_KEEPALIVE void pd_reply_clear() {
  pd::Release(&pd::text_store);
  pd::Release(&pd::id_store);
  pd::Release(&pd::part_store);
  pd::Release(&pd::part_ranges);
  pd::reply = pd::Reply();
}

// ---- opening (each: the handle, or 0 with the Status text as the reply's text)

// page_size 0: the core's default (kDefaultPageSize).
EMSCRIPTEN_KEEPALIVE Handle* pd_create(uint32_t page_size) {
  return pd::Adopt(pd::Engine::Create(page_size == 0 ? pd::kDefaultPageSize : page_size));
}
// pages: whole pages, page 0 first; records: commit records end to end, cut
// at `lengths` (record_count uint32 byte lengths, in order).
EMSCRIPTEN_KEEPALIVE Handle* pd_open(const uint8_t* pages, uint32_t pages_size, uint32_t page_size,
                                     const uint8_t* records, uint32_t records_size,
                                     const uint32_t* lengths, uint32_t record_count) {
  if (page_size == 0 || pages_size % page_size != 0)
    return pd::Refuse("page bytes are not whole pages");
  std::vector<std::string> images;
  images.reserve(pages_size / page_size);
  for (uint32_t at = 0; at < pages_size; at += page_size)
    images.emplace_back(pd::View(pages + at, page_size));
  std::vector<std::string> log;
  std::string problem =
      pd::SplitRecords(pd::View(records, records_size), lengths, record_count, &log);
  if (!problem.empty()) return pd::Refuse(std::move(problem));
  return pd::Adopt(pd::Engine::Open(std::move(images), log));
}
// Lazy open (engine.h OpenLazy): the checkpoint's meta page + records.
EMSCRIPTEN_KEEPALIVE Handle* pd_open_lazy(const uint8_t* meta, uint32_t meta_size,
                                          const uint8_t* records, uint32_t records_size,
                                          const uint32_t* lengths, uint32_t record_count,
                                          double cache_bytes, int chaos) {
  std::vector<std::string> log;
  std::string problem =
      pd::SplitRecords(pd::View(records, records_size), lengths, record_count, &log);
  if (!problem.empty()) return pd::Refuse(std::move(problem));
  return pd::Adopt(pd::Engine::OpenLazy(std::string(pd::View(meta, meta_size)), log,
                                        pd::Options(cache_bytes, chaos)));
}
EMSCRIPTEN_KEEPALIVE void pd_delete(Handle* h) { delete h; }

// ---- operations

// Runs `operation` on the request JSON; returns the Outcome (engine.h: 0
// response, 1 DynamoDB error JSON, 2 PageFault JSON); the text is the reply's.
EMSCRIPTEN_KEEPALIVE uint32_t pd_execute(Handle* h, const uint8_t* operation,
                                         uint32_t operation_size, const uint8_t* request,
                                         uint32_t request_size) {
  pd::SetText(
      h->engine->Execute(pd::View(operation, operation_size), pd::View(request, request_size)));
  return static_cast<uint32_t>(h->engine->last_outcome());
}
// One TTL sweep step: returns its Outcome, the JSON text is the reply's.
EMSCRIPTEN_KEEPALIVE uint32_t pd_sweep_expired(Handle* h, uint32_t max_items) {
  pd::SetText(h->engine->SweepExpired(max_items));
  return static_cast<uint32_t>(h->engine->last_outcome());
}
EMSCRIPTEN_KEEPALIVE void pd_set_change_feed(Handle* h, int on) {
  h->engine->set_change_feed(on != 0);
}
// The changes JSON as the reply's text; returns its size.
EMSCRIPTEN_KEEPALIVE uint32_t pd_take_changes(Handle* h) {
  return pd::SetText(h->engine->TakeChanges());
}
// The engine's clock reads now_ms from here; negative: the system clock.
EMSCRIPTEN_KEEPALIVE void pd_set_now(Handle* h, double now_ms) {
  h->now_ms = now_ms;
  if (now_ms < 0) {
    h->engine->set_clock(nullptr);
  } else {
    h->engine->set_clock([h] { return static_cast<int64_t>(h->now_ms); });
  }
}

// ---- commits

EMSCRIPTEN_KEEPALIVE int pd_has_pending_commit(Handle* h) {
  return h->engine->has_pending_commit();
}
// numbers: lsn, prevLsn, pageCount, pageSize; ids: the page ids; parts: the
// images (when `images`); text: the commit record (when `record`).
EMSCRIPTEN_KEEPALIVE void pd_take_commit(Handle* h, int images, int record) {
  pd::CommitOptions options;
  options.images = images != 0;
  options.record = record != 0;
  pd::CommitBatch batch = h->engine->TakeCommit(options);
  pd::reply.numbers[0] = static_cast<double>(batch.lsn);
  pd::reply.numbers[1] = static_cast<double>(batch.prev_lsn);
  pd::reply.numbers[2] = batch.page_count;
  pd::reply.numbers[3] = h->engine->page_size();
  pd::SetIds(std::move(batch.page_ids));
  pd::SetParts(std::move(batch.images));
  pd::SetText(std::move(batch.record));
}
// TakeCommit + MarkDurable without copying pages out (storage 'memory'); the LSN.
EMSCRIPTEN_KEEPALIVE double pd_commit_in_memory(Handle* h) {
  pd::CommitOptions nothing;
  nothing.images = false;
  nothing.record = false;
  const uint64_t lsn = h->engine->TakeCommit(nothing).lsn;
  h->engine->MarkDurable(lsn);
  return static_cast<double>(lsn);
}
EMSCRIPTEN_KEEPALIVE void pd_mark_durable(Handle* h, double lsn) {
  h->engine->MarkDurable(static_cast<uint64_t>(lsn));
}
EMSCRIPTEN_KEEPALIVE void pd_rollback_to_durable(Handle* h) { h->engine->RollbackToDurable(); }
EMSCRIPTEN_KEEPALIVE double pd_lsn(Handle* h) { return static_cast<double>(h->engine->lsn()); }
EMSCRIPTEN_KEEPALIVE double pd_durable_lsn(Handle* h) {
  return static_cast<double>(h->engine->durable_lsn());
}
EMSCRIPTEN_KEEPALIVE uint32_t pd_page_size(Handle* h) { return h->engine->page_size(); }
EMSCRIPTEN_KEEPALIVE uint32_t pd_page_count(Handle* h) { return h->engine->page_count(); }

// ---- pages

// Every page as of lsn() as the reply's parts.
EMSCRIPTEN_KEEPALIVE void pd_snapshot(Handle* h) { pd::SetParts(h->engine->SnapshotImages()); }
// The sealed images of `ids` as of durable_lsn() as the reply's parts (returns
// 0), or the Status text (returns its size).
EMSCRIPTEN_KEEPALIVE uint32_t pd_durable_images(Handle* h, const uint32_t* ids, uint32_t count) {
  pd::Result<std::vector<std::string>> images =
      h->engine->DurableImages(std::vector<uint32_t>(ids, ids + count));
  if (!images.ok()) return pd::SetStatus(images.status());
  pd::SetParts(std::move(images).value());
  return 0;
}
// The page count of the durable database (its meta page as of durable_lsn()).
EMSCRIPTEN_KEEPALIVE uint32_t pd_durable_page_count(Handle* h) {
  pd::Result<std::vector<std::string>> meta = h->engine->DurableImages({0});
  if (!meta.ok()) return 0;
  pd::Result<pd::MetaHead> head = pd::ReadMetaHead((*meta)[0]);
  return head.ok() ? head->page_count : 0;
}
// Installs `count` pages (ids, images: count pages end to end); the reply's
// parts: one text per page, "" installed, else the Status text.
EMSCRIPTEN_KEEPALIVE void pd_install_pages(Handle* h, const uint32_t* ids, uint32_t count,
                                           const uint8_t* images, uint32_t images_size) {
  const uint32_t page_size = h->engine->page_size();
  std::vector<std::string> out(count);
  for (uint32_t i = 0; i < count; ++i) {
    const pd::Status s =
        (static_cast<uint64_t>(i) + 1) * page_size > images_size
            ? pd::Status::InvalidArgument("page " + std::to_string(ids[i]) + ": no image")
            : h->engine->InstallPage(ids[i],
                                     std::string(pd::View(images + i * page_size, page_size)));
    if (!s.ok()) out[i] = s.ToString();
  }
  pd::SetParts(std::move(out));
}
// Paging (engine.h "Bounded cache"): cache_bytes 0 = unbounded.
EMSCRIPTEN_KEEPALIVE void pd_configure(Handle* h, double cache_bytes, int chaos) {
  h->engine->set_options(pd::Options(cache_bytes, chaos));
}
EMSCRIPTEN_KEEPALIVE void pd_release_records_through(Handle* h, double lsn) {
  h->engine->ReleaseRecordsThrough(static_cast<uint64_t>(lsn));
}
// numbers: residentBytes, pinnedBytes, hits, misses, evictions,
// retainedRecordBytes, undoBytes, slotBytes.
EMSCRIPTEN_KEEPALIVE void pd_cache_stats(Handle* h) {
  const pd::CacheStats c = h->engine->cache_stats();
  const uint64_t values[] = {c.resident_bytes, c.pinned_bytes,          c.hits,       c.misses,
                             c.evictions,      c.retained_record_bytes, c.undo_bytes, c.slot_bytes};
  for (int i = 0; i < 8; ++i) pd::reply.numbers[i] = static_cast<double>(values[i]);
}
// The reply's ids: what the last Execute/SweepExpired/Check/DurableImages/
// Snapshot lacked (pd_last_fault), its read-ahead hints (pd_last_hints), the
// resident interior pages (pd_hot_pages, Engine::HotPages). Each returns the count.
EMSCRIPTEN_KEEPALIVE uint32_t pd_last_fault(Handle* h) {
  pd::PointIds(h->engine->last_fault());
  return pd::reply.id_count;
}
EMSCRIPTEN_KEEPALIVE uint32_t pd_last_hints(Handle* h) {
  pd::PointIds(h->engine->last_hints());
  return pd::reply.id_count;
}
EMSCRIPTEN_KEEPALIVE uint32_t pd_hot_pages(Handle* h, uint32_t max_pages) {
  pd::SetIds(h->engine->HotPages(max_pages));
  return pd::reply.id_count;
}
// Each: 0 when OK, else the size of the Status text (the reply's text).
EMSCRIPTEN_KEEPALIVE uint32_t pd_check(Handle* h) { return pd::SetStatus(h->engine->Check()); }
EMSCRIPTEN_KEEPALIVE uint32_t pd_warm_interior(Handle* h, double max_bytes) {
  return pd::SetStatus(h->engine->WarmInterior(static_cast<uint64_t>(max_bytes)));
}

// ---- recovery's page checks (pager.h), usable before any engine exists

// 0 when the image is a sound page `id` of a database whose LSN is at most
// max_lsn (negative: no limit), else the size of the Status text.
EMSCRIPTEN_KEEPALIVE uint32_t pd_verify_page(uint32_t id, const uint8_t* image, uint32_t size,
                                             uint32_t page_size, double max_lsn) {
  const uint64_t limit = max_lsn < 0 ? UINT64_MAX : static_cast<uint64_t>(max_lsn);
  return pd::SetStatus(
      pd::VerifyPageImage(id, std::string(pd::View(image, size)), page_size, limit));
}
// A meta page's head as numbers (lsn, pageSize, pageCount, freePageCount):
// 0, else the size of the Status text.
EMSCRIPTEN_KEEPALIVE uint32_t pd_read_meta_head(const uint8_t* image, uint32_t size) {
  pd::Result<pd::MetaHead> head = pd::ReadMetaHead(std::string(pd::View(image, size)));
  if (!head.ok()) return pd::SetStatus(head.status());
  pd::reply.numbers[0] = static_cast<double>(head->lsn);
  pd::reply.numbers[1] = head->page_size;
  pd::reply.numbers[2] = head->page_count;
  pd::reply.numbers[3] = head->free_page_count;
  return 0;
}
// A whole commit record's header (every check of DecodeRecord): numbers lsn,
// prevLsn, pageCount, pageSize, byteLength and the page ids: 0, else the size
// of the Status text.
EMSCRIPTEN_KEEPALIVE uint32_t pd_read_record_header(const uint8_t* bytes, uint32_t size) {
  pd::Result<pd::RecordHeader> header = pd::ReadRecordHeader(pd::View(bytes, size));
  if (!header.ok()) return pd::SetStatus(header.status());
  pd::reply.numbers[0] = static_cast<double>(header->lsn);
  pd::reply.numbers[1] = static_cast<double>(header->prev_lsn);
  pd::reply.numbers[2] = header->page_count;
  pd::reply.numbers[3] = header->page_size;
  pd::reply.numbers[4] = header->byte_length;
  pd::SetIds(std::move(header->page_ids));
  return 0;
}

}  // extern "C"
