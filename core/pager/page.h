// Internal to pager/: typed access to the common page header of a page image
// (byte layout in pager/format.h), sealing (LSN + CRC32C) and the checks of a
// single image. Other layers use Pager and VerifyPageImage (pager/pager.h).
//
// All functions take a raw pointer to a whole page of `page_size` bytes and
// neither keep nor free it. Reads and writes go through util/coding.h, so the
// page needs no alignment.
#ifndef PD_PAGER_PAGE_H_
#define PD_PAGER_PAGE_H_

#include <cstdint>

#include "pager/format.h"
#include "util/coding.h"
#include "util/status.h"

namespace pd {
namespace page {

// True iff page_size is a power of two in [kMinPageSize, kMaxPageSize].
inline bool IsValidPageSize(uint64_t page_size) {
  return page_size >= kMinPageSize && page_size <= kMaxPageSize &&
         (page_size & (page_size - 1)) == 0;
}

inline uint32_t Id(const uint8_t* p) { return DecodeFixed32(p + kHeaderIdOffset); }
inline uint8_t RawType(const uint8_t* p) { return p[kHeaderTypeOffset]; }
inline PageType Type(const uint8_t* p) { return static_cast<PageType>(p[kHeaderTypeOffset]); }
inline uint64_t Lsn(const uint8_t* p) { return DecodeFixed64(p + kHeaderLsnOffset); }
inline uint32_t StoredCrc(const uint8_t* p) { return DecodeFixed32(p + kHeaderCrcOffset); }

// Zeroes the whole page and writes its id and type; LSN and CRC are zero
// until the page is sealed.
void Init(uint8_t* p, uint32_t page_size, uint32_t id, PageType type);

// CRC32C of the page with the CRC field (offset 16, 4 bytes) taken as zero.
uint32_t ComputeCrc(const uint8_t* p, uint32_t page_size);

// Writes the page's id and LSN into its header, then its CRC. After this the
// page is a valid persisted image.
void Seal(uint8_t* p, uint32_t page_size, uint32_t id, uint64_t lsn);

// Checks a page image of page_size bytes that claims to be page `id`, in this
// order: CRC, id field, reserved header bytes, type (kMeta iff id == 0),
// LSN <= max_lsn, and for page 0 the meta fields (pager/meta.h).
// Returns OK or Corruption("page <id>: <what>").
Status Check(uint32_t id, const uint8_t* p, uint32_t page_size, uint64_t max_lsn);

}  // namespace page
}  // namespace pd

#endif  // PD_PAGER_PAGE_H_
