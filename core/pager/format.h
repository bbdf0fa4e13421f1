// Byte formats of the pager: the common page header and the meta page.
// All integers are little-endian (util/coding.h).
//
// Common page header, at the start of every page:
//   OFFSET SIZE DESCRIPTION
//   0      4    page id (must equal the page's slot; a check against misplaced images)
//   4      1    page type (PageType)
//   5      3    reserved, zero
//   8      8    LSN of the commit that last wrote this page
//   16     4    CRC32C of the whole page with these 4 bytes taken as zero
//   20     4    reserved for the page's owner (e.g. btree flags), zero otherwise
//   24     ...  owner-defined content
//
// Meta page (page 0), after the common header:
//   OFFSET SIZE DESCRIPTION
//   24     8    magic "PDYNAMO\0"
//   32     4    format version (kFormatVersion)
//   36     4    page size in bytes
//   40     4    page count (including page 0 and free pages)
//   44     4    free list head: page id of the first free-list trunk page, 0 = none
//   48     4    free page count (pages on the free list, trunk pages included)
//   52     4    reserved, zero
//   56     4*kRootSlots  root slots: page ids owned by higher layers, 0 = none
//   The meta page's LSN (offset 8) is the database's LSN.
//
// Free-list trunk page (PageType::kFreeTrunk), after the common header:
//   OFFSET SIZE DESCRIPTION
//   24     4    next trunk page id, 0 = last
//   28     4    n: number of free page ids that follow
//   32     4*n  free page ids (leaf free pages hold no data: zeroed, type kFree)
//   n <= (page_size - 32) / 4. Allocation and release policy: pager/freelist.h.
#ifndef PD_PAGER_FORMAT_H_
#define PD_PAGER_FORMAT_H_

#include <cstdint>

namespace pd {

enum class PageType : uint8_t {
  kFree = 0,          // on the free list (a leaf of it), content meaningless
  kMeta = 1,          // page 0
  kFreeTrunk = 2,     // free-list trunk page
  kBtreeLeaf = 3,     // B+tree leaf node (btree/format.h)
  kBtreeInterior = 4, // B+tree interior node (btree/format.h)
  kOverflow = 5,      // overflow chain page (btree/format.h)
};

constexpr uint32_t kPageHeaderSize = 24;
constexpr uint32_t kMinPageSize = 4096;
constexpr uint32_t kMaxPageSize = 65536;
constexpr uint32_t kDefaultPageSize = 8192;  // chosen by bench/core_bench; see closing note
constexpr uint32_t kFormatVersion = 1;
constexpr int kRootSlots = 8;
constexpr uint32_t kMaxPageCount = 0x7fffffff;

// Header field offsets.
constexpr uint32_t kHeaderIdOffset = 0;
constexpr uint32_t kHeaderTypeOffset = 4;
constexpr uint32_t kHeaderLsnOffset = 8;
constexpr uint32_t kHeaderCrcOffset = 16;
constexpr uint32_t kHeaderOwnerOffset = 20;

// Meta page field offsets.
constexpr uint32_t kMetaMagicOffset = 24;
constexpr uint32_t kMetaVersionOffset = 32;
constexpr uint32_t kMetaPageSizeOffset = 36;
constexpr uint32_t kMetaPageCountOffset = 40;
constexpr uint32_t kMetaFreeHeadOffset = 44;
constexpr uint32_t kMetaFreeCountOffset = 48;
constexpr uint32_t kMetaRootsOffset = 56;
constexpr char kMetaMagic[8] = {'P', 'D', 'Y', 'N', 'A', 'M', 'O', '\0'};

}  // namespace pd

#endif  // PD_PAGER_FORMAT_H_
