// Commit records: encoder, checked decoder and redo of one page entry
// (format in pager/log_record.h).
#include "pager/log_record.h"

#include <cstring>
#include <utility>

#include "pager/format.h"
#include "pager/page.h"
#include "util/coding.h"
#include "util/crc32c.h"

namespace pd {
namespace {

// Bytes of a page that records never carry: its LSN and CRC (header 8..19).
constexpr uint32_t kSkipBegin = kHeaderLsnOffset;
constexpr uint32_t kSkipEnd = kHeaderOwnerOffset;
// Two changed stretches separated by at most this many unchanged bytes are
// one run (a new run costs a skip and a length varint, 2+ bytes).
constexpr uint32_t kMergeGap = 4;

const uint8_t kZeroPage[kMaxPageSize] = {};

Status Bad(const std::string& what) { return Status::Corruption("record: " + what); }

// First offset in [i, hi) where a and b differ, or hi.
uint32_t FirstDiff(const uint8_t* a, const uint8_t* b, uint32_t i, uint32_t hi) {
  constexpr uint32_t kBlock = 64;
  while (i + kBlock <= hi && std::memcmp(a + i, b + i, kBlock) == 0) i += kBlock;
  while (i < hi && a[i] == b[i]) ++i;
  return i;
}

// Appends the runs that turn `before` into `after` over [lo, hi) to *out;
// *pos is the end of the previous run (for the skips), *count the run count.
void DiffRegion(const uint8_t* before, const uint8_t* after, uint32_t lo, uint32_t hi,
                uint32_t* pos, uint32_t* count, std::string* out) {
  uint32_t i = lo;
  while (true) {
    uint32_t start = FirstDiff(before, after, i, hi);
    if (start >= hi) return;
    uint32_t end = start + 1;  // exclusive end of the run so far
    uint32_t j = end;
    while (j < hi) {
      if (before[j] != after[j]) {
        end = ++j;
        continue;
      }
      uint32_t k = j;
      while (k < hi && k - j <= kMergeGap && before[k] == after[k]) ++k;
      if (k < hi && k - j <= kMergeGap) {
        j = k;  // a short gap and more change after it: one run
        continue;
      }
      break;
    }
    PutVarint32(out, start - *pos);
    PutVarint32(out, end - start);
    out->append(reinterpret_cast<const char*>(after + start), end - start);
    *pos = end;
    ++*count;
    i = end;
  }
}

uint32_t EncodeRuns(const uint8_t* before, const uint8_t* after, uint32_t page_size,
                    std::string* out) {
  uint32_t pos = 0;
  uint32_t count = 0;
  DiffRegion(before, after, 0, kSkipBegin, &pos, &count, out);
  DiffRegion(before, after, kSkipEnd, page_size, &pos, &count, out);
  return count;
}

}  // namespace

// ---------------------------------------------------------------------------
// Encoder

RecordEncoder::RecordEncoder(uint64_t lsn, uint32_t page_size, uint32_t page_count,
                             const std::vector<uint32_t>& page_ids)
    : page_size_(page_size) {
  out_.resize(kRecordHeaderSize + 4 * page_ids.size());
  uint8_t* h = reinterpret_cast<uint8_t*>(&out_[0]);
  std::memcpy(h, kRecordMagic, sizeof(kRecordMagic));
  EncodeFixed16(h + kRecordVersionOffset, kRecordFormatVersion);
  EncodeFixed16(h + kRecordFlagsOffset, 0);
  EncodeFixed64(h + kRecordLsnOffset, lsn);
  EncodeFixed64(h + kRecordPrevLsnOffset, lsn - 1);
  EncodeFixed32(h + kRecordPageSizeOffset, page_size);
  EncodeFixed32(h + kRecordPageCountOffset, page_count);
  EncodeFixed32(h + kRecordEntryCountOffset, static_cast<uint32_t>(page_ids.size()));
  EncodeFixed32(h + kRecordReservedOffset, 0);
  for (size_t i = 0; i < page_ids.size(); ++i) {
    EncodeFixed32(h + kRecordHeaderSize + 4 * i, page_ids[i]);
  }
}

void RecordEncoder::AddPage(uint32_t id, const uint8_t* before, const uint8_t* after) {
  (void)id;  // the directory already names it; entries follow its order
  RecordPageKind kind = before == nullptr ? RecordPageKind::kImage : RecordPageKind::kDelta;
  runs_.clear();
  uint32_t count = EncodeRuns(before == nullptr ? kZeroPage : before, after, page_size_, &runs_);
  if (kind == RecordPageKind::kDelta && runs_.size() > page_size_ / 4) {
    // A page mostly rewritten (split, compaction): the page without its zero
    // stretches may be smaller.
    alt_runs_.clear();
    uint32_t alt_count = EncodeRuns(kZeroPage, after, page_size_, &alt_runs_);
    if (alt_runs_.size() < runs_.size()) {
      kind = RecordPageKind::kImage;
      runs_.swap(alt_runs_);
      count = alt_count;
    }
  }
  out_.push_back(static_cast<char>(kind));
  PutVarint32(&out_, count);
  out_.append(runs_);
}

std::string RecordEncoder::Finish() {
  uint8_t* h = reinterpret_cast<uint8_t*>(&out_[0]);
  EncodeFixed32(h + kRecordLengthOffset, static_cast<uint32_t>(out_.size()));
  EncodeFixed32(h + kRecordCrcOffset, 0);
  EncodeFixed32(h + kRecordCrcOffset, Crc32c(h, out_.size()));
  return std::move(out_);
}

// ---------------------------------------------------------------------------
// Decoder

Result<DecodedRecord> DecodeRecord(std::string_view bytes) {
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data());
  const size_t size = bytes.size();
  if (size < kRecordHeaderSize) {
    return Bad("truncated: " + std::to_string(size) + " bytes, a header is " +
               std::to_string(kRecordHeaderSize));
  }
  if (std::memcmp(p, kRecordMagic, sizeof(kRecordMagic)) != 0) {
    return Bad("bad magic (not a pocketdynamo commit record)");
  }
  const uint16_t version = DecodeFixed16(p + kRecordVersionOffset);
  if (version != kRecordFormatVersion) {
    return Bad("unsupported record format version " + std::to_string(version) +
               " (this build reads version " + std::to_string(kRecordFormatVersion) + ")");
  }
  const uint32_t length = DecodeFixed32(p + kRecordLengthOffset);
  if (length != size) {
    return Bad("length field " + std::to_string(length) + " but " + std::to_string(size) +
               " bytes given");
  }
  static const uint8_t kZero[4] = {0, 0, 0, 0};
  uint32_t crc = crc32c::Extend(0, p, kRecordCrcOffset);
  crc = crc32c::Extend(crc, kZero, 4);
  crc = crc32c::Extend(crc, p + kRecordCrcOffset + 4, size - kRecordCrcOffset - 4);
  if (crc != DecodeFixed32(p + kRecordCrcOffset)) return Bad("checksum mismatch");
  // From here the bytes are what some encoder wrote; the checks below catch
  // a writer bug or a forged CRC, never read out of bounds.
  if (DecodeFixed16(p + kRecordFlagsOffset) != 0) return Bad("unknown flags");
  if (DecodeFixed32(p + kRecordReservedOffset) != 0) return Bad("reserved field not zero");
  DecodedRecord rec;
  RecordHeader& h = rec.header;
  h.lsn = DecodeFixed64(p + kRecordLsnOffset);
  h.prev_lsn = DecodeFixed64(p + kRecordPrevLsnOffset);
  h.page_size = DecodeFixed32(p + kRecordPageSizeOffset);
  h.page_count = DecodeFixed32(p + kRecordPageCountOffset);
  h.byte_length = length;
  if (h.lsn == 0 || h.prev_lsn != h.lsn - 1) {
    return Bad("lsn " + std::to_string(h.lsn) + " does not follow prev_lsn " +
               std::to_string(h.prev_lsn));
  }
  if (!page::IsValidPageSize(h.page_size)) {
    return Bad("unsupported page size " + std::to_string(h.page_size));
  }
  if (h.page_count < 1 || h.page_count > kMaxPageCount) {
    return Bad("page count " + std::to_string(h.page_count) + " out of range");
  }
  const uint32_t n = DecodeFixed32(p + kRecordEntryCountOffset);
  if (n < 1 || n > h.page_count || (size - kRecordHeaderSize) / 4 < n) {
    return Bad("page entry count " + std::to_string(n) + " impossible for " +
               std::to_string(size) + " bytes and " + std::to_string(h.page_count) + " pages");
  }
  h.page_ids.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t id = DecodeFixed32(p + kRecordHeaderSize + 4 * i);
    if (i == 0 ? id != 0 : id <= h.page_ids[i - 1]) {
      return Bad(i == 0 ? "first page id is not 0 (the meta page)" : "page ids not ascending");
    }
    if (id >= h.page_count) {
      return Bad("page id " + std::to_string(id) + " >= page count " +
                 std::to_string(h.page_count));
    }
    h.page_ids[i] = id;
  }
  const uint8_t* at = p + kRecordHeaderSize + 4 * static_cast<size_t>(n);
  const uint8_t* limit = p + size;
  rec.pages.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    RecordPage& e = rec.pages[i];
    e.id = h.page_ids[i];
    const std::string where = "page " + std::to_string(e.id) + ": ";
    if (at >= limit) return Bad(where + "entry missing");
    uint8_t kind = *at++;
    if (kind != static_cast<uint8_t>(RecordPageKind::kDelta) &&
        kind != static_cast<uint8_t>(RecordPageKind::kImage)) {
      return Bad(where + "unknown entry kind " + std::to_string(kind));
    }
    e.kind = static_cast<RecordPageKind>(kind);
    at = GetVarint32(at, limit, &e.run_count);
    if (at == nullptr) return Bad(where + "bad run count");
    e.runs = at;
    uint64_t pos = 0;
    for (uint32_t r = 0; r < e.run_count; ++r) {
      uint32_t skip = 0;
      uint32_t len = 0;
      at = GetVarint32(at, limit, &skip);
      if (at != nullptr) at = GetVarint32(at, limit, &len);
      if (at == nullptr) return Bad(where + "truncated run");
      const uint64_t start = pos + skip;
      const uint64_t end = start + len;
      if (len == 0 || end > h.page_size) return Bad(where + "run outside the page");
      if (start < kSkipEnd && end > kSkipBegin) return Bad(where + "run over the LSN or CRC");
      if (static_cast<uint64_t>(limit - at) < len) return Bad(where + "truncated run bytes");
      at += len;
      pos = end;
    }
    e.runs_size = static_cast<size_t>(at - e.runs);
  }
  if (at != limit) return Bad(std::to_string(limit - at) + " bytes after the last entry");
  return Result<DecodedRecord>(std::move(rec));
}

Result<RecordHeader> ReadRecordHeader(std::string_view bytes) {
  Result<DecodedRecord> rec = DecodeRecord(bytes);
  if (!rec.ok()) return rec.status();
  return std::move(rec->header);
}

void ApplyRecordPage(const RecordPage& entry, uint8_t* page, uint32_t page_size) {
  if (entry.kind == RecordPageKind::kImage) std::memset(page, 0, page_size);
  const uint8_t* at = entry.runs;
  const uint8_t* limit = entry.runs + entry.runs_size;
  uint32_t pos = 0;
  for (uint32_t r = 0; r < entry.run_count; ++r) {
    uint32_t skip = 0;
    uint32_t len = 0;
    at = GetVarint32(at, limit, &skip);
    at = GetVarint32(at, limit, &len);
    std::memcpy(page + pos + skip, at, len);
    at += len;
    pos += skip + len;
  }
}

}  // namespace pd
