// Meta page: initialisation and field checks (layout in pager/format.h).
#include "pager/meta.h"

#include <cstring>
#include <string>

#include "pager/page.h"

namespace pd {
namespace meta {
namespace {

Status Bad(const std::string& what) { return Status::Corruption("page 0: " + what); }

}  // namespace

void Init(uint8_t* m, uint32_t page_size) {
  page::Init(m, page_size, 0, PageType::kMeta);
  std::memcpy(m + kMetaMagicOffset, kMetaMagic, sizeof(kMetaMagic));
  EncodeFixed32(m + kMetaVersionOffset, kFormatVersion);
  EncodeFixed32(m + kMetaPageSizeOffset, page_size);
  SetPageCount(m, 1);
  SetFreeHead(m, 0);
  SetFreeCount(m, 0);
  for (int slot = 0; slot < kRootSlots; ++slot) SetRoot(m, slot, 0);
}

Status Check(const uint8_t* m, uint32_t page_size) {
  if (std::memcmp(m + kMetaMagicOffset, kMetaMagic, sizeof(kMetaMagic)) != 0) {
    return Bad("bad magic (not a pocketdynamo database)");
  }
  uint32_t version = DecodeFixed32(m + kMetaVersionOffset);
  if (version != kFormatVersion) {
    return Bad("unsupported format version " + std::to_string(version));
  }
  if (PageSize(m) != page_size) {
    return Bad("page size field " + std::to_string(PageSize(m)) + " but the image is " +
               std::to_string(page_size) + " bytes");
  }
  uint32_t count = PageCount(m);
  if (count < 1 || count > kMaxPageCount) {
    return Bad("page count " + std::to_string(count) + " out of range");
  }
  uint32_t head = FreeHead(m);
  uint32_t free_count = FreeCount(m);
  if (head >= count) {
    return Bad("free list head " + std::to_string(head) + " >= page count " +
               std::to_string(count));
  }
  if (free_count >= count || (head == 0) != (free_count == 0)) {
    return Bad("free count " + std::to_string(free_count) + " inconsistent with head " +
               std::to_string(head) + " and page count " + std::to_string(count));
  }
  if (DecodeFixed32(m + kMetaFreeCountOffset + 4) != 0) return Bad("reserved field not zero");
  for (int slot = 0; slot < kRootSlots; ++slot) {
    if (Root(m, slot) >= count) {
      return Bad("root slot " + std::to_string(slot) + " holds page " +
                 std::to_string(Root(m, slot)) + " >= page count " + std::to_string(count));
    }
  }
  return Status::OK();
}

}  // namespace meta
}  // namespace pd
