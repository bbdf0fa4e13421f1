// Internal to pager/: the meta page (page 0). Its byte layout is the table in
// pager/format.h; the fields are read and written in place in the page image,
// so the in-memory meta page is always its persisted form (apart from the LSN
// and CRC, which Seal writes at commit).
//
// The meta page's LSN (header offset 8) is the database's LSN. Its page count
// counts page 0 and free pages; its free count counts every page on the free
// list, trunk pages included.
#ifndef PD_PAGER_META_H_
#define PD_PAGER_META_H_

#include <cstdint>

#include "pager/format.h"
#include "util/coding.h"
#include "util/status.h"

namespace pd {
namespace meta {

inline uint32_t PageSize(const uint8_t* m) { return DecodeFixed32(m + kMetaPageSizeOffset); }
inline uint32_t PageCount(const uint8_t* m) { return DecodeFixed32(m + kMetaPageCountOffset); }
inline uint32_t FreeHead(const uint8_t* m) { return DecodeFixed32(m + kMetaFreeHeadOffset); }
inline uint32_t FreeCount(const uint8_t* m) { return DecodeFixed32(m + kMetaFreeCountOffset); }
// REQUIRES: 0 <= slot < kRootSlots.
inline uint32_t Root(const uint8_t* m, int slot) {
  return DecodeFixed32(m + kMetaRootsOffset + 4 * static_cast<uint32_t>(slot));
}

inline void SetPageCount(uint8_t* m, uint32_t n) { EncodeFixed32(m + kMetaPageCountOffset, n); }
inline void SetFreeHead(uint8_t* m, uint32_t id) { EncodeFixed32(m + kMetaFreeHeadOffset, id); }
inline void SetFreeCount(uint8_t* m, uint32_t n) { EncodeFixed32(m + kMetaFreeCountOffset, n); }
inline void SetRoot(uint8_t* m, int slot, uint32_t id) {
  EncodeFixed32(m + kMetaRootsOffset + 4 * static_cast<uint32_t>(slot), id);
}

// Writes a new database's meta page: header (id 0, kMeta), magic, version,
// page size, page count 1, empty free list, all roots 0. Not sealed.
// REQUIRES: page::IsValidPageSize(page_size).
void Init(uint8_t* m, uint32_t page_size);

// Checks the meta fields of a page-0 image of page_size bytes whose header
// already passed its checks: magic, version, page size field == page_size,
// 1 <= page count <= kMaxPageCount, free head and every root slot < page
// count, free count < page count and zero iff the free head is zero, and the
// reserved field zero. Returns OK or Corruption("page 0: <what>").
Status Check(const uint8_t* m, uint32_t page_size);

}  // namespace meta
}  // namespace pd

#endif  // PD_PAGER_META_H_
