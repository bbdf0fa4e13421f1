// Commit records: one commit (CommitBatch, pager/pager.h) as the byte changes
// of its pages, what a replica's log holds between checkpoints. A replica's
// state is its checkpoint page images plus the records after them; redo
// (Pager::Load with records) applies them in LSN order.
//
// Record format, version 1 (kRecordFormatVersion). All integers are
// little-endian (util/coding.h); varints are LevelDB's base-128 varint32.
//
// Header, 48 bytes:
//   OFFSET SIZE DESCRIPTION
//   0      4    magic "PDRC" (0x50 0x44 0x52 0x43)
//   4      2    record format version (1)
//   6      2    flags, zero (no flag is defined in version 1)
//   8      4    byte length of the whole record, this header included
//   12     4    CRC32C of the whole record with these 4 bytes taken as zero
//   16     8    lsn: the LSN of the commit
//   24     8    prev_lsn: the LSN the database must be at to apply it (lsn - 1)
//   32     4    page size of the database
//   36     4    page count of the database after the commit
//   40     4    n: number of page entries, >= 1
//   44     4    reserved, zero
// Page directory, at 48: n page ids, 4 bytes each, strictly ascending; the
//   first is 0 (every commit carries the meta page), each < page count.
// Page entries, at 48 + 4n, one per directory id in directory order:
//   1 byte    kind: 1 = DELTA (the runs apply to the page as it was at
//             prev_lsn), 2 = IMAGE (the runs apply to a page of zeros)
//   varint32  r: number of runs
//   r runs:   varint32 skip, varint32 length (>= 1), `length` bytes.
//             A run writes its bytes at offset start = end of the previous
//             run (0 for the first run) + skip; start + length <= page size.
//             No run touches bytes 8..19 of the page (its LSN and CRC).
// The record ends exactly after the last entry (offset 8 says where).
//
// After applying an entry, redo writes the page's id, sets its LSN to the
// record's lsn and recomputes its CRC (Seal, pager/page.h): the result is
// byte for byte the page image the writer sealed in that commit. A page
// grown by the commit (id >= the page count before it) must be IMAGE; a page
// listed but unchanged is an entry with no runs (its LSN still moves).
//
// Redo (Pager::Load(images, records)): records apply in order; a record
// whose lsn <= the meta page's LSN is skipped (the images hold it), any
// other must have prev_lsn == the meta page's LSN. The images other than
// page 0 may be newer than page 0, up to the last record's LSN (a fuzzy
// checkpoint that wrote some pages and crashed before its head, page 0,
// was replaced): an entry for a page whose LSN is already >= the record's
// lsn is skipped, since that page image holds it. After redo no page may be
// newer than page 0.
//
// Decoding checks everything above (magic, version, flags, length, CRC,
// order and range of ids, kinds, run bounds) and returns Corruption
// ("record: <what>"), never reading outside the bytes given. A record of a
// newer format version is Corruption saying so ("unsupported record format
// version N").
#ifndef PD_PAGER_LOG_RECORD_H_
#define PD_PAGER_LOG_RECORD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "util/status.h"

namespace pd {

constexpr uint16_t kRecordFormatVersion = 1;
constexpr uint32_t kRecordHeaderSize = 48;
constexpr char kRecordMagic[4] = {'P', 'D', 'R', 'C'};

// Header field offsets.
constexpr uint32_t kRecordVersionOffset = 4;
constexpr uint32_t kRecordFlagsOffset = 6;
constexpr uint32_t kRecordLengthOffset = 8;
constexpr uint32_t kRecordCrcOffset = 12;
constexpr uint32_t kRecordLsnOffset = 16;
constexpr uint32_t kRecordPrevLsnOffset = 24;
constexpr uint32_t kRecordPageSizeOffset = 32;
constexpr uint32_t kRecordPageCountOffset = 36;
constexpr uint32_t kRecordEntryCountOffset = 40;
constexpr uint32_t kRecordReservedOffset = 44;

enum class RecordPageKind : uint8_t {
  kDelta = 1,  // runs over the page as of prev_lsn
  kImage = 2,  // runs over a page of zeros
};

// What a record says about itself; page_ids ascending, starting with 0.
struct RecordHeader {
  uint64_t lsn = 0;
  uint64_t prev_lsn = 0;
  uint32_t page_size = 0;
  uint32_t page_count = 0;   // pages in the database after the commit
  uint32_t byte_length = 0;  // bytes of the whole record
  std::vector<uint32_t> page_ids;
};

// One page entry of a decoded record: a view into the record's bytes.
struct RecordPage {
  uint32_t id = 0;
  RecordPageKind kind = RecordPageKind::kDelta;
  uint32_t run_count = 0;
  const uint8_t* runs = nullptr;  // the runs, already checked against the page size
  size_t runs_size = 0;           // bytes of the runs
};

// A checked record. `pages` points into the bytes given to DecodeRecord,
// which must outlive it.
struct DecodedRecord {
  RecordHeader header;
  std::vector<RecordPage> pages;  // in page_ids order
};

// Checks a whole record (everything in the format above) and decodes it.
// `bytes` must be exactly one record.
Result<DecodedRecord> DecodeRecord(std::string_view bytes);

// The same checks, returning only the header: usable by persistence before
// any engine exists (e.g. to check a record read from a replica's log).
Result<RecordHeader> ReadRecordHeader(std::string_view bytes);

// Applies a checked entry to `page` (page_size bytes, the page's image as of
// the record's prev_lsn for kDelta; any bytes for kImage, zeroed first).
// Does not seal the page. REQUIRES: entry comes from DecodeRecord of a record
// whose page size is page_size.
void ApplyRecordPage(const RecordPage& entry, uint8_t* page, uint32_t page_size);

// Builds one record. Usage: construct with the header fields and the page ids
// (ascending, starting with 0), call AddPage once per id in that order, then
// Finish().
class RecordEncoder {
 public:
  RecordEncoder(uint64_t lsn, uint32_t page_size, uint32_t page_count,
                const std::vector<uint32_t>& page_ids);

  // Encodes page `id` (the next id of the directory) going from `before`
  // (nullptr: the page did not exist, encode it as IMAGE) to `after`, each
  // page_size bytes. Bytes 8..19 (LSN, CRC) are ignored. Picks IMAGE over
  // DELTA when it is smaller.
  void AddPage(uint32_t id, const uint8_t* before, const uint8_t* after);

  // The finished record (length and CRC written). The encoder is spent.
  std::string Finish();

 private:
  uint32_t page_size_;
  std::string out_;
  std::string runs_;     // scratch: the runs of the page being encoded
  std::string alt_runs_; // scratch: the IMAGE alternative
};

}  // namespace pd

#endif  // PD_PAGER_LOG_RECORD_H_
