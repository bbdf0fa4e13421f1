// Pager: page memory, dirty tracking, undo layers and commit batches.
//
// Undo design. Every change to any page (page 0 and free-list pages included)
// goes through Touch(id), which records the page's image as it was before the
// change in the innermost undo layer that has not seen the page yet:
//
//   in-flight batches B1 .. Bk   one layer per batch taken and not yet durable:
//                                before-images as of the state before that
//                                batch (i.e. after the previous one)
//   pending                      before-images as of the last TakeCommit; its
//                                key set IS the dirty set
//   operation                    before-images as of BeginOperation, kept only
//                                for pages already pending at BeginOperation;
//                                pages first dirtied inside the operation are
//                                listed in op_new_ and restored from their
//                                pending before-image (one copy, not two)
//
// A page that did not exist at a layer's start (grown at the end of the file
// inside it) has an empty before-image: restoring the layer removes it, by
// truncating the page vector to the restored meta page's page count. Page
// count only grows outside rollbacks, so every id a layer mentions exists
// while layers are being restored newest to oldest.
//
//   RollbackOperation: restore op images and op_new_ pages, drop op_new_ from
//                      the pending layer. Cost: pages touched in the op.
//   RollbackToDurable: restore pending, then Bk .. B1. A page dirtied again
//                      after B1 was taken ends with B1's before-image, i.e.
//                      its durable image. Cost: pages touched since durable.
//   RollbackExecute:   the execute bracket is a second operation layer
//                      (exec_undo_, exec_new_) that survives EndOperation.
//   MarkDurable(B1):   drop B1's layer; the durable state is now B1's, and
//                      B2's before-images (taken after B1) are exactly the
//                      images as of B1. Cost: O(1) plus freeing memory.
//
// Per-page epochs make Touch O(1) on the hot path: slot.pending_epoch ==
// pending_epoch_ means "already in the pending layer", slot.op_epoch ==
// op_epoch_ means "already covered by the open operation".
//
// Paged mode (pager.h "Bounded cache"): a slot whose data is null is not
// resident; Page() and Touch() throw PageFault for it. Pages in an undo layer
// are pinned, so restores only ever write resident pages. Eviction walks an
// intrusive LRU list (Slot::lru_*, head in slot 0) from its cold end and
// costs O(pages it looks at), not O(resident pages): a use moves a page to
// the hot end (linking it if it was not linked); a pinned page met by
// Evict is unlinked, and linked again by the event that unpins it (its
// batch durable or rolled back, its bracket rolled back, the release of
// the pages pinned for want of a source) or by its next use. Retained records
// (retained_, oldest first) are the commits since the last release, decoded
// in place, for per-page replay in InstallPage.
#include "pager/pager.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <new>
#include <unordered_map>
#include <utility>

#include "pager/freelist.h"
#include "pager/log_record.h"
#include "pager/meta.h"
#include "pager/page.h"

namespace pd {

namespace {

using UndoLayer = std::unordered_map<uint32_t, std::string>;  // page id -> before-image ("" = new)

struct Slot {
  std::unique_ptr<uint8_t[]> data;  // page_size bytes, owned; null = not resident
  uint64_t pending_epoch = 0;       // == Impl::pending_epoch_ iff in the pending layer
  uint64_t op_epoch = 0;            // == Impl::op_epoch_ iff covered by the open operation
  uint64_t exec_epoch = 0;          // == Impl::exec_epoch_ iff covered by the execute bracket
  uint64_t inflight_lsn = 0;  // newest in-flight batch holding the page (pinned while > durable)
  uint64_t known_lsn = 0;     // page LSN when last evicted or per the records; 0 = unknown
  // The LRU list (paged mode): resident pages that may be evictable, least
  // recently used first; slot 0 (the meta page, never in it) is its head.
  mutable uint32_t lru_prev = 0;
  mutable uint32_t lru_next = 0;
  mutable bool linked = false;
  bool crc_stale = false;           // the CRC field may not match: compute it before export
};

// A commit record kept for per-page replay; rec points into bytes.
struct Retained {
  std::string bytes;
  DecodedRecord rec;
};

struct InFlight {
  uint64_t lsn = 0;  // LSN of the batch
  UndoLayer undo;    // before-images as of the state before this batch
};

}  // namespace

class Pager::Impl : public freelist::PageAccess {
 public:
  explicit Impl(uint32_t page_size) : page_size_(page_size) {}

  // --- PageAccess ---
  uint32_t page_size() const override { return page_size_; }
  uint32_t page_count() const override { return static_cast<uint32_t>(slots_.size()); }
  const uint8_t* Page(uint32_t id) const override {
    const uint8_t* p = slots_[id].data.get();
    if (p == nullptr) Fault(id);
    return p;
  }
  [[noreturn]] void Fault(uint32_t id) const {
    faults_.push_back(id);
    ++misses_;
    throw PageFault{{id}, {}};
  }
  bool Pinned(uint32_t id) const {
    const Slot& s = slots_[id];
    return id == 0 || id < unbacked_count_ || s.pending_epoch == pending_epoch_ ||
           s.inflight_lsn > durable_lsn_ || page::Type(s.data.get()) == PageType::kBtreeInterior;
  }
  // LRU list (paged mode only; page 0 is the head and never a member).
  void Unlink(uint32_t id) const {
    const Slot& s = slots_[id];
    if (!s.linked) return;
    slots_[s.lru_prev].lru_next = s.lru_next;
    slots_[s.lru_next].lru_prev = s.lru_prev;
    s.linked = false;
  }
  void LinkHot(uint32_t id) const {
    const Slot& s = slots_[id];
    const Slot& head = slots_[0];
    s.lru_prev = head.lru_prev;
    s.lru_next = 0;
    slots_[head.lru_prev].lru_next = id;
    head.lru_prev = id;
    s.linked = true;
  }
  // A use of resident page id: to the hot end of the list.
  void Used(uint32_t id) const {
    if (cache_bytes_ == 0 || id == 0 || id < unbacked_count_ || slots_[0].lru_prev == id) return;
    Unlink(id);
    LinkHot(id);
  }
  // After an event that may have unpinned page id (which may be gone).
  void MaybeLink(uint32_t id) const {
    if (cache_bytes_ == 0 || id == 0 || id >= slots_.size()) return;
    const Slot& s = slots_[id];
    if (s.linked || !s.data || Pinned(id)) return;
    LinkHot(id);
  }

  // Exception safety: each step that can throw (std::bad_alloc) comes before
  // the bookkeeping it would make inconsistent. An id in op_new_ without a
  // pending entry is skipped by RollbackOperation.
  uint8_t* Touch(uint32_t id) override {
    Slot& s = slots_[id];
    if (!s.data) Fault(id);
    if (in_exec_ && s.exec_epoch != exec_epoch_) {
      if (s.pending_epoch == pending_epoch_) {
        exec_undo_.emplace_back(
            id, std::string(reinterpret_cast<const char*>(s.data.get()), page_size_));
      } else {
        exec_new_.push_back(id);
      }
      s.exec_epoch = exec_epoch_;
    }
    if (s.pending_epoch != pending_epoch_) {
      std::string before(reinterpret_cast<const char*>(s.data.get()), page_size_);
      if (in_op_) op_new_.push_back(id);
      pending_.emplace(id, std::move(before));
      s.pending_epoch = pending_epoch_;
      if (in_op_) s.op_epoch = op_epoch_;
    } else if (in_op_ && s.op_epoch != op_epoch_) {
      if (op_undo_used_ == op_undo_.size()) op_undo_.emplace_back();
      auto& entry = op_undo_[op_undo_used_];  // reuses the string's buffer
      entry.second.assign(reinterpret_cast<const char*>(s.data.get()), page_size_);
      entry.first = id;
      ++op_undo_used_;
      s.op_epoch = op_epoch_;
    }
    return s.data.get();
  }

  // Adds a page at the end (content zero), dirty with an empty before-image,
  // and raises the meta page count. OutOfSpace at kMaxPageCount or when the
  // memory for the page cannot be had.
  Result<uint32_t> Grow() {
    uint32_t id = page_count();
    if (id >= kMaxPageCount) {
      return Status::OutOfSpace("database would exceed " + std::to_string(kMaxPageCount) +
                                " pages");
    }
    Slot slot;
    slot.data.reset(new (std::nothrow) uint8_t[page_size_]);
    if (!slot.data) return Status::OutOfSpace("out of memory for a new page");
    std::memset(slot.data.get(), 0, page_size_);
    slot.pending_epoch = pending_epoch_;
    slot.op_epoch = op_epoch_;
    slot.exec_epoch = exec_epoch_;
    // Steps that may throw, each leaving nothing inconsistent behind ...
    if (slots_.size() == slots_.capacity()) slots_.reserve(slots_.capacity() * 2 + 16);
    uint8_t* meta_page = Touch(0);
    if (in_exec_) exec_new_.push_back(id);
    if (in_op_) op_new_.push_back(id);
    pending_.emplace(id, std::string());
    // ... then the ones that cannot.
    slots_.push_back(std::move(slot));
    meta::SetPageCount(meta_page, id + 1);
    return id;
  }

  // Drops pages beyond the meta page's page count (after a restore).
  void TruncateToMeta() {
    uint32_t count = meta::PageCount(Page(0));
    for (size_t id = count; id < slots_.size(); ++id) {
      nonresident_ -= slots_[id].data ? 0 : 1;
      Unlink(static_cast<uint32_t>(id));
    }
    if (count < slots_.size()) slots_.resize(count);
  }

  void Restore(uint32_t id, const std::string& image) {
    std::memcpy(slots_[id].data.get(), image.data(), page_size_);
    slots_[id].crc_stale = true;  // the image may have been taken from a stale page
  }

  // Makes page id's CRC field match its bytes (lazy sealing, see TakeCommit).
  void Reseal(uint32_t id) {
    Slot& s = slots_[id];
    if (!s.crc_stale || !s.data) return;
    EncodeFixed32(s.data.get() + kHeaderCrcOffset, page::ComputeCrc(s.data.get(), page_size_));
    s.crc_stale = false;
  }

  void RestoreLayer(const UndoLayer& layer) {
    for (const auto& entry : layer) {
      if (entry.first < slots_.size()) slots_[entry.first].inflight_lsn = 0;
      if (!entry.second.empty()) Restore(entry.first, entry.second);
    }
  }

  // Restores the pages of pending-layer entry `id` first dirtied inside a
  // bracket (operation or execute) and drops it from the pending layer.
  void DropNewPending(uint32_t id) {
    auto it = pending_.find(id);
    if (it == pending_.end()) return;  // already undone by an operation rollback
    if (!it->second.empty()) Restore(id, it->second);
    pending_.erase(it);
    if (id < slots_.size()) slots_[id].pending_epoch = 0;
    MaybeLink(id);  // a page truncated away afterwards is unlinked then
  }

  void ClearOp() {
    in_op_ = false;
    op_undo_used_ = 0;
    if (op_undo_.size() > kOpUndoKeep) op_undo_.resize(kOpUndoKeep);
    op_new_.clear();
  }

  // Redo of one checked record on top of the state at its prev_lsn (only
  // while loading: no layer, nothing pending). On error the pager is left
  // half-applied; Load discards it.
  Status Redo(const DecodedRecord& rec, const std::string& where) {
    const RecordHeader& h = rec.header;
    auto bad = [&where](const std::string& what) {
      return Status::Corruption(where + ": " + what);
    };
    if (h.page_size != page_size_) {
      return bad("page size " + std::to_string(h.page_size) + ", the database's is " +
                 std::to_string(page_size_));
    }
    const uint64_t current = page::Lsn(Page(0));
    if (h.prev_lsn != current) {
      return bad("follows LSN " + std::to_string(h.prev_lsn) + " but the database is at LSN " +
                 std::to_string(current) + " (a record is missing)");
    }
    const uint32_t old_count = page_count();
    if (h.page_count < old_count) {
      return bad("page count " + std::to_string(h.page_count) + " < the database's " +
                 std::to_string(old_count));
    }
    uint32_t grown = 0;
    for (uint32_t id : h.page_ids) grown += id >= old_count ? 1 : 0;
    if (grown != h.page_count - old_count) return bad("a new page has no entry");
    while (slots_.size() < h.page_count) {
      Slot slot;
      slot.data.reset(new (std::nothrow) uint8_t[page_size_]);
      if (!slot.data) return Status::OutOfSpace("out of memory for redo of a new page");
      std::memset(slot.data.get(), 0, page_size_);
      slots_.push_back(std::move(slot));
    }
    applied_.clear();
    for (const RecordPage& e : rec.pages) {
      if (e.id >= old_count && e.kind != RecordPageKind::kImage) {
        return bad("page " + std::to_string(e.id) + ": a delta for a page that did not exist");
      }
      uint8_t* p = slots_[e.id].data.get();
      if (e.id < old_count && page::Lsn(p) >= h.lsn) continue;  // a newer checkpoint image
      ApplyRecordPage(e, p, page_size_);
      page::Seal(p, page_size_, e.id, h.lsn);
      applied_.push_back(e.id);
    }
    for (uint32_t id : applied_) {
      Status s = page::Check(id, Page(id), page_size_, h.lsn);
      if (!s.ok()) return bad("after redo: " + s.message());
    }
    if (meta::PageCount(Page(0)) != h.page_count) {
      return bad("meta page count " + std::to_string(meta::PageCount(Page(0))) +
                 " but the record says " + std::to_string(h.page_count));
    }
    return Status::OK();
  }

  // Page id as of durable_lsn_: its before-image in the oldest undo layer
  // that holds it, else its current bytes. nullptr if it did not exist then.
  const uint8_t* DurablePage(uint32_t id) const {
    for (const InFlight& batch : in_flight_) {
      auto it = batch.undo.find(id);
      if (it != batch.undo.end()) return Bytes(it->second);
    }
    auto it = pending_.find(id);
    if (it != pending_.end()) return Bytes(it->second);
    return id < slots_.size() ? Page(id) : nullptr;
  }

  static const uint8_t* Bytes(const std::string& image) {
    return image.empty() ? nullptr : reinterpret_cast<const uint8_t*>(image.data());
  }

  std::vector<uint32_t> applied_;  // Redo's scratch: the pages a record wrote

  // Undo buffers kept between operations, so that a typical operation
  // (a handful of pages) allocates nothing.
  static constexpr size_t kOpUndoKeep = 32;

  uint32_t page_size_;           // bytes per page, fixed for the database
  std::vector<Slot> slots_;      // slots_[id] is page id; size() == meta page count
  uint64_t durable_lsn_ = 0;     // LSN of the last batch marked durable (or loaded)
  UndoLayer pending_;            // dirty set since the last TakeCommit, with before-images
  uint64_t pending_epoch_ = 1;   // identifies the current pending layer; never 0
  std::deque<InFlight> in_flight_;  // batches taken and not yet durable, oldest first
  bool in_op_ = false;           // BeginOperation called, not yet ended or rolled back
  uint64_t op_epoch_ = 1;        // identifies the current operation; never 0
  // op_undo_[0, op_undo_used_): (page id, image at BeginOperation) for pages
  // already pending then; entries beyond are spare buffers.
  std::vector<std::pair<uint32_t, std::string>> op_undo_;
  size_t op_undo_used_ = 0;       // entries of op_undo_ in use
  std::vector<uint32_t> op_new_;  // pages first dirtied (or grown) inside the operation
  // The execute bracket: like the operation's, (id, image at BeginExecute)
  // for pages pending then, and the pages first dirtied inside it.
  bool in_exec_ = false;
  uint64_t exec_epoch_ = 1;
  std::vector<std::pair<uint32_t, std::string>> exec_undo_;
  std::vector<uint32_t> exec_new_;

  // Paged mode.
  uint64_t cache_bytes_ = 0;  // 0 = unbounded
  // Pages 1 .. unbacked_count_-1 hold images that no page source is known
  // to have (paging began on a pager loaded from images or already
  // committed to, whose commits were not retained): pinned until
  // ReleaseRecordsThrough(>= unbacked_lsn_) says a checkpoint at or after
  // that LSN is on every source. 0 = none.
  uint32_t unbacked_count_ = 0;
  uint64_t unbacked_lsn_ = 0;
  uint32_t nonresident_ = 0;              // slots with no data
  std::deque<Retained> retained_;         // records for per-page replay, oldest first
  uint64_t retained_bytes_ = 0;           // their bytes
  mutable std::vector<uint32_t> faults_;  // ids faulted since TakeFaults
  mutable std::vector<uint32_t> hints_;   // read-ahead ids named since TakeHints
  mutable uint64_t hits_ = 0;
  mutable uint64_t misses_ = 0;
  uint64_t evictions_ = 0;
};

// ---------------------------------------------------------------------------
// Free functions

namespace {
const uint8_t* Bytes(const std::string& image) {
  return reinterpret_cast<const uint8_t*>(image.data());
}
}  // namespace

Status VerifyPageImage(uint32_t id, const std::string& image, uint32_t page_size,
                       uint64_t max_lsn) {
  if (!page::IsValidPageSize(page_size)) {
    return Status::InvalidArgument("unsupported page size " + std::to_string(page_size));
  }
  if (image.size() != page_size) {
    return Status::Corruption("page " + std::to_string(id) + ": image is " +
                              std::to_string(image.size()) + " bytes, expected " +
                              std::to_string(page_size));
  }
  return page::Check(id, reinterpret_cast<const uint8_t*>(image.data()), page_size, max_lsn);
}

Result<MetaHead> ReadMetaHead(const std::string& image) {
  if (!page::IsValidPageSize(image.size())) {
    return Status::Corruption("page 0: image is " + std::to_string(image.size()) +
                              " bytes, not a supported page size");
  }
  uint32_t page_size = static_cast<uint32_t>(image.size());
  Status s = VerifyPageImage(0, image, page_size, UINT64_MAX);
  if (!s.ok()) return s;
  const uint8_t* m = reinterpret_cast<const uint8_t*>(image.data());
  MetaHead head;
  head.lsn = page::Lsn(m);
  head.page_size = page_size;
  head.page_count = meta::PageCount(m);
  head.free_page_count = meta::FreeCount(m);
  for (int slot = 0; slot < kRootSlots; ++slot) head.roots[slot] = meta::Root(m, slot);
  return head;
}

// ---------------------------------------------------------------------------
// Construction

Pager::Pager(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Pager::~Pager() = default;

Result<std::unique_ptr<Pager>> Pager::Create(uint32_t page_size) {
  if (!page::IsValidPageSize(page_size)) {
    return Status::InvalidArgument("page size " + std::to_string(page_size) +
                                   " is not a power of two in [4096, 65536]");
  }
  auto impl = std::make_unique<Impl>(page_size);
  Slot slot;
  slot.data.reset(new uint8_t[page_size]);
  meta::Init(slot.data.get(), page_size);
  page::Seal(slot.data.get(), page_size, 0, 0);
  impl->slots_.push_back(std::move(slot));
  return std::unique_ptr<Pager>(new Pager(std::move(impl)));
}

Result<std::unique_ptr<Pager>> Pager::Load(std::vector<std::string> images) {
  return Load(std::move(images), {});
}

// Loads images, then redoes records (pager/log_record.h "Redo"). Page images
// other than page 0 may be newer than page 0 (a checkpoint that wrote pages
// but did not flip its head), up to the last record's LSN; redo skips the
// entries of a page already at or past a record's LSN, and the free list is
// checked once redo is done.
Result<std::unique_ptr<Pager>> Pager::Load(std::vector<std::string> images,
                                           const std::vector<std::string>& records) {
  if (images.empty()) return Status::InvalidArgument("no page images");
  Result<MetaHead> head = ReadMetaHead(images[0]);
  if (!head.ok()) return head.status();
  const uint32_t page_size = head->page_size;
  if (head->page_count != images.size()) {
    return Status::Corruption("page 0: page count " + std::to_string(head->page_count) +
                              " but " + std::to_string(images.size()) + " images");
  }
  // Every record is checked whole before any page is loaded.
  std::vector<DecodedRecord> decoded;
  decoded.reserve(records.size());
  uint64_t max_lsn = head->lsn;
  for (size_t i = 0; i < records.size(); ++i) {
    Result<DecodedRecord> rec = DecodeRecord(records[i]);
    if (!rec.ok()) {
      return Status::Corruption("record " + std::to_string(i + 1) + " of " +
                                std::to_string(records.size()) + ": " + rec.status().message());
    }
    max_lsn = std::max(max_lsn, rec->header.lsn);
    decoded.push_back(std::move(rec).value());
  }
  auto impl = std::make_unique<Impl>(page_size);
  impl->slots_.reserve(images.size());
  uint64_t newest_page = 0;  // the highest page LSN among the images
  for (size_t i = 0; i < images.size(); ++i) {
    uint32_t id = static_cast<uint32_t>(i);
    if (id != 0) {
      Status s = VerifyPageImage(id, images[i], page_size, max_lsn);
      if (!s.ok()) return s;
      newest_page = std::max(newest_page, page::Lsn(Bytes(images[i])));
    }
    Slot slot;
    slot.data.reset(new (std::nothrow) uint8_t[page_size]);
    if (!slot.data) return Status::OutOfSpace("out of memory loading page " + std::to_string(id));
    std::memcpy(slot.data.get(), images[i].data(), page_size);
    std::string().swap(images[i]);  // release the source as we go
    impl->slots_.push_back(std::move(slot));
  }
  for (size_t i = 0; i < decoded.size(); ++i) {
    const DecodedRecord& rec = decoded[i];
    if (rec.header.lsn <= page::Lsn(impl->Page(0))) continue;  // already in the images
    Status s = impl->Redo(rec, "record " + std::to_string(i + 1) + " of " +
                                   std::to_string(records.size()) + " (lsn " +
                                   std::to_string(rec.header.lsn) + ")");
    if (!s.ok()) return s;
  }
  const uint64_t lsn = page::Lsn(impl->Page(0));
  if (newest_page > lsn) {
    return Status::Corruption("a page image has LSN " + std::to_string(newest_page) +
                              ", newer than the database's LSN " + std::to_string(lsn) +
                              (records.empty() ? "" : " after redo (records are missing)"));
  }
  Status s = freelist::Check(*impl);
  if (!s.ok()) return decoded.empty() ? s : Status::Corruption("after redo: " + s.message());
  impl->durable_lsn_ = lsn;
  return std::unique_ptr<Pager>(new Pager(std::move(impl)));
}

// ---------------------------------------------------------------------------
// Pages

uint32_t Pager::page_size() const { return impl_->page_size_; }
uint32_t Pager::page_count() const { return impl_->page_count(); }
uint64_t Pager::lsn() const { return page::Lsn(impl_->Page(0)); }
uint64_t Pager::durable_lsn() const { return impl_->durable_lsn_; }

const uint8_t* Pager::Get(uint32_t id) const {
  if (id >= impl_->page_count()) return nullptr;
  const uint8_t* p = impl_->Page(id);
  impl_->Used(id);
  ++impl_->hits_;
  return p;
}

uint8_t* Pager::GetMutable(uint32_t id) {
  if (id == 0 || id >= impl_->page_count()) return nullptr;
  uint8_t* p = impl_->Touch(id);
  impl_->Used(id);
  ++impl_->hits_;
  return p;
}

Result<uint32_t> Pager::Allocate(PageType type) {
  Result<uint32_t> popped = freelist::Pop(impl_.get());
  if (!popped.ok()) return popped.status();
  uint32_t id = *popped;
  if (id == 0) {
    Result<uint32_t> grown = impl_->Grow();
    if (!grown.ok()) return grown.status();
    id = *grown;
  }
  page::Init(impl_->Touch(id), impl_->page_size_, id, type);
  return id;
}

void Pager::Free(uint32_t id) {
  if (id == 0 || id >= impl_->page_count()) return;
  PageType type = page::Type(impl_->Page(id));
  if (type == PageType::kFree || type == PageType::kFreeTrunk) return;  // already free
  freelist::Push(impl_.get(), id);
}

uint32_t Pager::free_page_count() const { return meta::FreeCount(impl_->Page(0)); }

uint32_t Pager::root(int slot) const {
  if (slot < 0 || slot >= kRootSlots) return 0;
  return meta::Root(impl_->Page(0), slot);
}

void Pager::set_root(int slot, uint32_t page_id) {
  if (slot < 0 || slot >= kRootSlots) return;
  if (meta::Root(impl_->Page(0), slot) == page_id) return;
  meta::SetRoot(impl_->Touch(0), slot, page_id);
}

std::vector<uint32_t> Pager::DirtyPageIds() const {
  std::vector<uint32_t> ids;
  ids.reserve(impl_->pending_.size());
  for (const auto& entry : impl_->pending_) ids.push_back(entry.first);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// ---------------------------------------------------------------------------
// Operations

void Pager::BeginOperation() {
  if (impl_->in_op_) return;  // REQUIRES violated: keep the outer operation
  impl_->in_op_ = true;
  ++impl_->op_epoch_;
}

void Pager::EndOperation() { impl_->ClearOp(); }

void Pager::RollbackOperation() {
  Impl& m = *impl_;
  if (!m.in_op_) return;
  for (size_t i = 0; i < m.op_undo_used_; ++i) m.Restore(m.op_undo_[i].first, m.op_undo_[i].second);
  for (uint32_t id : m.op_new_) m.DropNewPending(id);
  m.TruncateToMeta();
  m.ClearOp();
}

void Pager::BeginExecute() {
  Impl& m = *impl_;
  if (m.in_exec_) return;
  m.in_exec_ = true;
  ++m.exec_epoch_;
}

void Pager::EndExecute() {
  Impl& m = *impl_;
  m.in_exec_ = false;
  m.exec_undo_.clear();
  m.exec_new_.clear();
}

void Pager::RollbackExecute() {
  Impl& m = *impl_;
  if (!m.in_exec_) return;
  RollbackOperation();
  for (auto it = m.exec_undo_.rbegin(); it != m.exec_undo_.rend(); ++it) {
    m.Restore(it->first, it->second);
  }
  for (uint32_t id : m.exec_new_) m.DropNewPending(id);
  m.TruncateToMeta();
  EndExecute();
}

bool Pager::in_operation() const { return impl_->in_op_; }

// ---------------------------------------------------------------------------
// Commits

bool Pager::has_pending_changes() const { return !impl_->pending_.empty(); }

CommitBatch Pager::TakeCommit(CommitOptions options) {
  Impl& m = *impl_;
  m.ClearOp();  // REQUIRES no open operation; an open one is kept, as EndOperation would
  m.Touch(0);   // every batch carries the new meta page
  CommitBatch batch;
  batch.prev_lsn = page::Lsn(m.Page(0));
  batch.lsn = batch.prev_lsn + 1;
  batch.page_count = m.page_count();
  // Everything that may throw first: the record, the copies and the
  // in-flight entry.
  batch.page_ids = DirtyPageIds();
  const bool retain = m.cache_bytes_ > 0;  // paged mode: keep the record for per-page replay
  if (options.record || retain) {
    // Each page against its pending before-image: its image at the previous
    // commit ("" for a page grown since, encoded as IMAGE).
    RecordEncoder encoder(batch.lsn, m.page_size_, batch.page_count, batch.page_ids);
    for (uint32_t id : batch.page_ids) {
      encoder.AddPage(id, Impl::Bytes(m.pending_.find(id)->second), m.Page(id));
    }
    batch.record = encoder.Finish();
  }
  if (retain) {
    Retained kept;
    kept.bytes = options.record ? batch.record : std::move(batch.record);
    Result<DecodedRecord> rec = DecodeRecord(kept.bytes);  // points into kept.bytes' buffer
    if (rec.ok()) {
      kept.rec = std::move(rec).value();
      m.retained_bytes_ += kept.bytes.size();
      m.retained_.push_back(std::move(kept));
    }
    if (!options.record) batch.record.clear();
  }
  if (options.images) {
    batch.images.reserve(batch.page_ids.size());
    for (uint32_t id : batch.page_ids) {
      batch.images.emplace_back(reinterpret_cast<const char*>(m.Page(id)), m.page_size_);
    }
  }
  m.in_flight_.push_back(InFlight{batch.lsn, UndoLayer()});
  // Then seal in place; the copies differ only in the header's id/LSN/CRC.
  // Without images nothing needs the CRC now: the page gets its id and LSN,
  // and its CRC when an image of it leaves the pager (SnapshotImages,
  // DurableImages), which saves a CRC of every dirty page per commit.
  for (size_t i = 0; i < batch.page_ids.size(); ++i) {
    Slot& slot = m.slots_[batch.page_ids[i]];
    slot.inflight_lsn = batch.lsn;
    uint8_t* p = slot.data.get();
    if (options.images) {
      page::Seal(p, m.page_size_, batch.page_ids[i], batch.lsn);
      slot.crc_stale = false;
      std::memcpy(&batch.images[i][0], p, kHeaderOwnerOffset);
    } else {
      EncodeFixed32(p + kHeaderIdOffset, batch.page_ids[i]);
      EncodeFixed64(p + kHeaderLsnOffset, batch.lsn);
      slot.crc_stale = true;
    }
  }
  m.in_flight_.back().undo.swap(m.pending_);
  ++m.pending_epoch_;
  return batch;
}

void Pager::MarkDurable(uint64_t lsn) {
  Impl& m = *impl_;
  while (!m.in_flight_.empty() && m.in_flight_.front().lsn <= lsn) {
    m.durable_lsn_ = m.in_flight_.front().lsn;
    UndoLayer done;
    done.swap(m.in_flight_.front().undo);
    m.in_flight_.pop_front();
    for (const auto& entry : done) m.MaybeLink(entry.first);
  }
}

void Pager::RollbackToDurable() {
  Impl& m = *impl_;
  m.ClearOp();  // the pending layer covers everything the operation touched
  m.RestoreLayer(m.pending_);
  for (auto it = m.in_flight_.rbegin(); it != m.in_flight_.rend(); ++it) m.RestoreLayer(it->undo);
  m.TruncateToMeta();
  ++m.pending_epoch_;
  for (const auto& entry : m.pending_) m.MaybeLink(entry.first);
  for (const InFlight& batch : m.in_flight_) {
    for (const auto& entry : batch.undo) m.MaybeLink(entry.first);
  }
  m.pending_.clear();
  m.in_flight_.clear();
  while (!m.retained_.empty() && m.retained_.back().rec.header.lsn > m.durable_lsn_) {
    m.retained_bytes_ -= m.retained_.back().bytes.size();
    m.retained_.pop_back();
  }
}

Result<std::vector<std::string>> Pager::DurableImages(const std::vector<uint32_t>& ids) const {
  const Impl& m = *impl_;
  const uint32_t durable_count = meta::PageCount(m.DurablePage(0));
  std::vector<std::string> images;
  images.reserve(ids.size());
  for (uint32_t id : ids) {
    const uint8_t* p = id < durable_count ? m.DurablePage(id) : nullptr;
    if (p == nullptr) {
      return Status::InvalidArgument("page " + std::to_string(id) +
                                     " is not in the durable database (page count " +
                                     std::to_string(durable_count) + ")");
    }
    images.emplace_back(reinterpret_cast<const char*>(p), m.page_size_);
    uint8_t* copy = reinterpret_cast<uint8_t*>(&images.back()[0]);
    page::Seal(copy, m.page_size_, id, page::Lsn(copy));
  }
  return images;
}

std::vector<std::string> Pager::SnapshotImages() const {
  std::vector<std::string> images;
  images.reserve(impl_->slots_.size());
  for (uint32_t id = 0; id < impl_->slots_.size(); ++id) {
    // Pages committed without images get their CRC now; pending pages are
    // not sealed (their bytes are copied as they are, as undo restores them).
    if (impl_->slots_[id].pending_epoch != impl_->pending_epoch_) impl_->Reseal(id);
    images.emplace_back(reinterpret_cast<const char*>(impl_->Page(id)), impl_->page_size_);
  }
  return images;
}

// ---------------------------------------------------------------------------
// Bounded cache

Result<std::unique_ptr<Pager>> Pager::LoadLazy(const std::string& meta_image,
                                               const std::vector<std::string>& records) {
  Result<MetaHead> head = ReadMetaHead(meta_image);
  if (!head.ok()) return head.status();
  const uint32_t page_size = head->page_size;
  auto impl = std::make_unique<Impl>(page_size);
  Impl& m = *impl;
  Slot meta_slot;
  meta_slot.data.reset(new (std::nothrow) uint8_t[page_size]);
  if (!meta_slot.data) return Status::OutOfSpace("out of memory for the meta page");
  std::memcpy(meta_slot.data.get(), meta_image.data(), page_size);
  m.slots_.push_back(std::move(meta_slot));
  m.slots_.resize(head->page_count);
  m.nonresident_ = head->page_count - 1;
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string where =
        "record " + std::to_string(i + 1) + " of " + std::to_string(records.size());
    Retained kept;
    kept.bytes = records[i];
    Result<DecodedRecord> rec = DecodeRecord(kept.bytes);
    if (!rec.ok()) return Status::Corruption(where + ": " + rec.status().message());
    const RecordHeader& h = rec->header;
    uint8_t* meta_page = m.slots_[0].data.get();
    const uint64_t current = page::Lsn(meta_page);
    auto bad = [&](const std::string& what) {
      return Status::Corruption(where + " (lsn " + std::to_string(h.lsn) + "): " + what);
    };
    if (!m.retained_.empty() && h.prev_lsn != m.retained_.back().rec.header.lsn) {
      return bad("does not follow the previous record (lsn " +
                 std::to_string(m.retained_.back().rec.header.lsn) + ")");
    }
    if (h.lsn <= current) {
      // Already in the meta page, maybe not in an older checkpoint's pages:
      // retained for replay only (a page read from a checkpoint older than
      // the meta page is brought forward by these too). They must describe
      // this database up to the meta page: its page size, no page beyond
      // its page count (page counts never shrink), and no gap before it
      // (checked after the loop).
      if (h.page_size != page_size) return bad("page size " + std::to_string(h.page_size));
      if (h.page_count > m.slots_.size()) {
        return bad("page count " + std::to_string(h.page_count) + " > the meta page's " +
                   std::to_string(m.slots_.size()) + " at LSN " + std::to_string(current));
      }
      for (uint32_t id : h.page_ids) m.slots_[id].known_lsn = h.lsn;
      kept.rec = std::move(rec).value();
      m.retained_bytes_ += kept.bytes.size();
      m.retained_.push_back(std::move(kept));
      continue;
    }
    if (h.page_size != page_size) return bad("page size " + std::to_string(h.page_size));
    if (h.prev_lsn != current) {
      return bad("follows LSN " + std::to_string(h.prev_lsn) + " but the database is at LSN " +
                 std::to_string(current) + " (a record is missing)");
    }
    if (h.page_count < m.slots_.size()) return bad("page count shrinks");
    if (h.page_ids.empty() || h.page_ids[0] != 0) return bad("no meta page entry");
    m.nonresident_ += h.page_count - static_cast<uint32_t>(m.slots_.size());
    m.slots_.resize(h.page_count);
    ApplyRecordPage(rec->pages[0], meta_page, page_size);
    page::Seal(meta_page, page_size, 0, h.lsn);
    Status s = page::Check(0, meta_page, page_size, h.lsn);
    if (!s.ok()) return bad("after redo: " + s.message());
    if (meta::PageCount(meta_page) != h.page_count) return bad("meta page count disagrees");
    for (uint32_t id : h.page_ids) m.slots_[id].known_lsn = h.lsn;
    kept.rec = std::move(rec).value();
    m.retained_bytes_ += kept.bytes.size();
    m.retained_.push_back(std::move(kept));
  }
  if (!m.retained_.empty() && m.retained_.back().rec.header.lsn < head->lsn) {
    // Records older than the meta page that stop short of it: a page brought
    // forward by them would miss the commits in between.
    return Status::Corruption(
        "records end at LSN " + std::to_string(m.retained_.back().rec.header.lsn) +
        ", before the meta page's LSN " + std::to_string(head->lsn) + " (a record is missing)");
  }
  m.durable_lsn_ = page::Lsn(m.slots_[0].data.get());
  m.cache_bytes_ = kDefaultCacheBytes;
  return std::unique_ptr<Pager>(new Pager(std::move(impl)));
}

void Pager::set_cache_bytes(uint64_t bytes) {
  Impl& m = *impl_;
  const bool begins = m.cache_bytes_ == 0 && bytes > 0;
  if (begins && lsn() > 0) {
    // Paging begins: what the commits so far wrote is in no retained record.
    m.unbacked_count_ = m.page_count();
    m.unbacked_lsn_ = lsn();
  }
  if (bytes == 0) {  // paging ends: no list
    for (uint32_t id = 1; id < m.page_count(); ++id) m.Unlink(id);
    m.unbacked_count_ = 0;
  }
  m.cache_bytes_ = bytes;
  if (begins) {
    for (uint32_t id = 1; id < m.page_count(); ++id) m.MaybeLink(id);
  }
}
uint64_t Pager::cache_bytes() const { return impl_->cache_bytes_; }
bool Pager::resident(uint32_t id) const {
  return id < impl_->page_count() && impl_->slots_[id].data != nullptr;
}

Status Pager::InstallPage(uint32_t id, const std::string& image) {
  Impl& m = *impl_;
  const std::string name = "page " + std::to_string(id) + ": ";
  if (id >= m.page_count()) {
    return Status::InvalidArgument(name + "not a page of the database (page count " +
                                   std::to_string(m.page_count()) + ")");
  }
  Slot& slot = m.slots_[id];
  if (slot.data) return Status::OK();
  if (image.size() != m.page_size_) {
    return Status::Corruption(name + "image is " + std::to_string(image.size()) +
                              " bytes, expected " + std::to_string(m.page_size_));
  }
  const uint64_t max_lsn = page::Lsn(m.Page(0));
  const bool absent = std::all_of(image.begin(), image.end(), [](char c) { return c == 0; });
  if (!absent) {
    Status s = page::Check(id, Bytes(image), m.page_size_, max_lsn);
    if (!s.ok()) return s;
  }
  std::unique_ptr<uint8_t[]> data(new (std::nothrow) uint8_t[m.page_size_]);
  if (!data) return Status::OutOfSpace(name + "out of memory");
  std::memcpy(data.get(), image.data(), m.page_size_);
  uint64_t at = absent ? 0 : page::Lsn(data.get());
  if (!absent && !m.retained_.empty()) {
    // A page's LSN is that of the last commit that wrote it, so an image whose
    // LSN lies within the retained records must be one that record wrote: any
    // other (a page of another history, or an older image under a newer LSN)
    // would be brought forward from the wrong bytes. (Records are retained
    // without gaps, oldest first, so the record is found by its position.)
    const uint64_t first = m.retained_.front().rec.header.lsn;
    if (at >= first && at - first < m.retained_.size()) {
      const RecordHeader& h = m.retained_[at - first].rec.header;
      if (h.lsn == at && !std::binary_search(h.page_ids.begin(), h.page_ids.end(), id)) {
        return Status::Corruption(name + "LSN " + std::to_string(at) +
                                  ", but the commit at that LSN did not write the page");
      }
    }
  }
  bool replayed = false;
  for (const Retained& r : m.retained_) {
    const RecordHeader& h = r.rec.header;
    if (h.lsn <= at) continue;
    auto it = std::lower_bound(h.page_ids.begin(), h.page_ids.end(), id);
    if (it == h.page_ids.end() || *it != id) continue;
    const RecordPage& entry = r.rec.pages[it - h.page_ids.begin()];
    if (absent && !replayed && entry.kind != RecordPageKind::kImage) break;
    ApplyRecordPage(entry, data.get(), m.page_size_);
    page::Seal(data.get(), m.page_size_, id, h.lsn);
    at = h.lsn;
    replayed = true;
  }
  if (absent && !replayed) {
    return Status::Corruption(name + "no image and no retained record creates the page");
  }
  if (replayed) {
    Status s = page::Check(id, data.get(), m.page_size_, max_lsn);
    if (!s.ok()) return Status::Corruption(name + "after replay: " + s.message());
  }
  if (slot.known_lsn != 0 && at != slot.known_lsn) {
    return Status::Corruption(name + "LSN " + std::to_string(at) + " after replay, expected " +
                              std::to_string(slot.known_lsn) +
                              " (the image is older than the retained records reach)");
  }
  slot.data = std::move(data);
  slot.crc_stale = false;
  --m.nonresident_;
  m.MaybeLink(id);
  return Status::OK();
}

size_t Pager::Evict(bool all, const std::function<void(uint32_t, const uint8_t*)>& sink) {
  Impl& m = *impl_;
  if (m.cache_bytes_ == 0 || m.in_op_ || m.in_exec_) return 0;
  uint64_t resident = uint64_t{m.page_count() - m.nonresident_} * m.page_size_;
  if (!all && resident <= m.cache_bytes_) return 0;
  // Down to 7/8 of the budget, so that eviction does not run after every operation.
  const uint64_t target = all ? 0 : m.cache_bytes_ - m.cache_bytes_ / 8;
  size_t evicted = 0;
  // From the cold end; pinned pages leave the list (m.MaybeLink brings them back).
  for (uint32_t id = m.slots_[0].lru_next; id != 0 && resident > target;) {
    const uint32_t next = m.slots_[id].lru_next;
    m.Unlink(id);
    if (!m.Pinned(id)) {
      Slot& slot = m.slots_[id];
      if (sink) {
        m.Reseal(id);  // only an image that leaves needs its CRC
        sink(id, slot.data.get());
      }
      slot.known_lsn = page::Lsn(slot.data.get());
      slot.data.reset();
      ++m.nonresident_;
      resident -= m.page_size_;
      ++evicted;
    }
    id = next;
  }
  m.evictions_ += evicted;
  return evicted;
}

void Pager::ReleaseRecordsThrough(uint64_t lsn) {
  Impl& m = *impl_;
  if (m.unbacked_count_ != 0 && lsn >= m.unbacked_lsn_) {
    const uint32_t count = std::min<uint32_t>(m.unbacked_count_, m.page_count());
    m.unbacked_count_ = 0;
    for (uint32_t id = 1; id < count; ++id) m.MaybeLink(id);
  }
  while (!m.retained_.empty() && m.retained_.front().rec.header.lsn <= lsn) {
    m.retained_bytes_ -= m.retained_.front().bytes.size();
    m.retained_.pop_front();
  }
}

CacheStats Pager::cache_stats() const {
  const Impl& m = *impl_;
  CacheStats stats;
  for (uint32_t id = 0; id < m.page_count(); ++id) {
    if (!m.slots_[id].data) continue;
    stats.resident_bytes += m.page_size_;
    if (m.Pinned(id)) stats.pinned_bytes += m.page_size_;
  }
  for (const auto& entry : m.pending_) stats.undo_bytes += entry.second.size();
  for (const InFlight& batch : m.in_flight_) {
    for (const auto& entry : batch.undo) stats.undo_bytes += entry.second.size();
  }
  stats.slot_bytes = m.slots_.capacity() * sizeof(Slot);
  stats.hits = m.hits_;
  stats.misses = m.misses_;
  stats.evictions = m.evictions_;
  stats.retained_record_bytes = m.retained_bytes_;
  return stats;
}

void Pager::HintPages(const std::vector<uint32_t>& ids) const {
  impl_->hints_.insert(impl_->hints_.end(), ids.begin(), ids.end());
}

std::vector<uint32_t> Pager::TakeHints() {
  std::vector<uint32_t> ids;
  ids.swap(impl_->hints_);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  ids.erase(std::remove_if(ids.begin(), ids.end(),
                           [this](uint32_t id) { return id >= page_count() || resident(id); }),
            ids.end());
  return ids;
}

std::vector<uint32_t> Pager::TakeFaults() {
  std::vector<uint32_t> ids;
  ids.swap(impl_->faults_);
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace pd
