// Common page header: init, seal, CRC and the single-image checks.
#include "pager/page.h"

#include <cstring>
#include <string>

#include "pager/meta.h"
#include "util/crc32c.h"

namespace pd {
namespace page {
namespace {

Status Bad(uint32_t id, const std::string& what) {
  return Status::Corruption("page " + std::to_string(id) + ": " + what);
}

}  // namespace

void Init(uint8_t* p, uint32_t page_size, uint32_t id, PageType type) {
  std::memset(p, 0, page_size);
  EncodeFixed32(p + kHeaderIdOffset, id);
  p[kHeaderTypeOffset] = static_cast<uint8_t>(type);
}

uint32_t ComputeCrc(const uint8_t* p, uint32_t page_size) {
  static const uint8_t kZero[4] = {0, 0, 0, 0};
  uint32_t crc = crc32c::Extend(0, p, kHeaderCrcOffset);
  crc = crc32c::Extend(crc, kZero, 4);
  return crc32c::Extend(crc, p + kHeaderCrcOffset + 4, page_size - kHeaderCrcOffset - 4);
}

void Seal(uint8_t* p, uint32_t page_size, uint32_t id, uint64_t lsn) {
  EncodeFixed32(p + kHeaderIdOffset, id);
  EncodeFixed64(p + kHeaderLsnOffset, lsn);
  EncodeFixed32(p + kHeaderCrcOffset, ComputeCrc(p, page_size));
}

Status Check(uint32_t id, const uint8_t* p, uint32_t page_size, uint64_t max_lsn) {
  if (ComputeCrc(p, page_size) != StoredCrc(p)) return Bad(id, "checksum mismatch");
  if (Id(p) != id) return Bad(id, "image holds page " + std::to_string(Id(p)));
  if (p[5] != 0 || p[6] != 0 || p[7] != 0) return Bad(id, "reserved header bytes not zero");
  uint8_t type = RawType(p);
  if (type > static_cast<uint8_t>(PageType::kOverflow)) {
    return Bad(id, "unknown page type " + std::to_string(type));
  }
  if ((id == 0) != (Type(p) == PageType::kMeta)) {
    return Bad(id, id == 0 ? "page 0 is not a meta page" : "meta page type on a non-zero page");
  }
  if (Lsn(p) > max_lsn) {
    return Bad(id, "LSN " + std::to_string(Lsn(p)) + " is newer than the database's LSN " +
                       std::to_string(max_lsn));
  }
  if (id == 0) return meta::Check(p, page_size);
  return Status::OK();
}

}  // namespace page
}  // namespace pd
