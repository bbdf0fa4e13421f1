// Free list: pop, push and the load-time walk (layout in pager/freelist.h).
#include "pager/freelist.h"

#include <string>
#include <vector>

#include "pager/meta.h"
#include "pager/page.h"

namespace pd {
namespace freelist {
namespace {

Status Bad(uint32_t id, const std::string& what) {
  return Status::Corruption("page " + std::to_string(id) + ": " + what);
}

// Checks the head trunk before Pop/Push rely on it.
Status CheckTrunk(const PageAccess& pages, uint32_t trunk) {
  if (trunk == 0 || trunk >= pages.page_count()) {
    return Bad(0, "free list head " + std::to_string(trunk) + " out of range");
  }
  const uint8_t* t = pages.Page(trunk);
  if (page::Type(t) != PageType::kFreeTrunk) return Bad(trunk, "free-list trunk has wrong type");
  if (TrunkCount(t) > Capacity(pages.page_size())) {
    return Bad(trunk, "free-list trunk count " + std::to_string(TrunkCount(t)) +
                          " exceeds capacity");
  }
  return Status::OK();
}

}  // namespace

Result<uint32_t> Pop(PageAccess* pages) {
  const uint32_t head = meta::FreeHead(pages->Page(0));
  if (head == 0) return 0u;
  const uint32_t free_count = meta::FreeCount(pages->Page(0));
  Status s = CheckTrunk(*pages, head);
  if (!s.ok()) return s;
  if (free_count == 0) return Bad(0, "free list head set but free count is 0");
  const uint8_t* t = pages->Page(head);
  const uint32_t n = TrunkCount(t);
  const uint32_t id = n > 0 ? TrunkId(t, n - 1) : head;
  const uint32_t next = TrunkNext(t);
  if (id == 0 || id >= pages->page_count() || (n > 0 && id == head)) {
    return Bad(head, "free-list trunk lists page " + std::to_string(id));
  }
  if (n == 0 && (next >= pages->page_count() || next == head)) {
    return Bad(head, "free-list trunk links to page " + std::to_string(next));
  }
  // Touch every page first (Touch may throw std::bad_alloc), then change them.
  pages->Touch(id);
  uint8_t* wt = pages->Touch(head);
  uint8_t* m = pages->Touch(0);
  if (n > 0) {
    EncodeFixed32(wt + kTrunkIdsOffset + 4 * (n - 1), 0);
    EncodeFixed32(wt + kTrunkCountOffset, n - 1);
  } else {
    meta::SetFreeHead(m, next);
  }
  meta::SetFreeCount(m, free_count - 1);
  return id;
}

void Push(PageAccess* pages, uint32_t id) {
  const uint32_t page_size = pages->page_size();
  const uint32_t head = meta::FreeHead(pages->Page(0));
  const uint32_t free_count = meta::FreeCount(pages->Page(0));
  bool head_has_room = false;
  if (head != 0 && CheckTrunk(*pages, head).ok()) {
    head_has_room = TrunkCount(pages->Page(head)) < Capacity(page_size);
  }
  // Touch every page first (Touch may throw std::bad_alloc), then change them.
  uint8_t* p = pages->Touch(id);
  uint8_t* t = head_has_room ? pages->Touch(head) : nullptr;
  uint8_t* m = pages->Touch(0);
  if (head_has_room) {
    uint32_t n = TrunkCount(t);
    EncodeFixed32(t + kTrunkIdsOffset + 4 * n, id);
    EncodeFixed32(t + kTrunkCountOffset, n + 1);
    page::Init(p, page_size, id, PageType::kFree);
  } else {
    page::Init(p, page_size, id, PageType::kFreeTrunk);
    EncodeFixed32(p + kTrunkNextOffset, head);
    EncodeFixed32(p + kTrunkCountOffset, 0);
    meta::SetFreeHead(m, id);
  }
  meta::SetFreeCount(m, free_count + 1);
}

Status Check(const PageAccess& pages) {
  const uint32_t count = pages.page_count();
  const uint32_t capacity = Capacity(pages.page_size());
  const uint8_t* m = pages.Page(0);
  std::vector<bool> seen(count, false);
  uint64_t total = 0;
  uint32_t prev = 0;  // the page that named `trunk`: 0 = the meta page
  for (uint32_t trunk = meta::FreeHead(m); trunk != 0;) {
    if (trunk >= count) {
      return Bad(prev, "free-list link to page " + std::to_string(trunk) + " out of range");
    }
    if (seen[trunk]) {
      return Bad(prev, "free-list link to page " + std::to_string(trunk) + " seen before");
    }
    seen[trunk] = true;
    const uint8_t* t = pages.Page(trunk);
    if (page::Type(t) != PageType::kFreeTrunk) return Bad(trunk, "free-list trunk has wrong type");
    uint32_t n = TrunkCount(t);
    if (n > capacity) {
      return Bad(trunk, "free-list trunk count " + std::to_string(n) + " exceeds capacity");
    }
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t leaf = TrunkId(t, i);
      if (leaf == 0 || leaf >= count) {
        return Bad(trunk, "free-list trunk lists page " + std::to_string(leaf) + " out of range");
      }
      if (seen[leaf]) {
        return Bad(trunk, "free-list trunk lists page " + std::to_string(leaf) + " twice");
      }
      seen[leaf] = true;
      if (page::Type(pages.Page(leaf)) != PageType::kFree) {
        return Bad(leaf, "on the free list but not typed free");
      }
    }
    total += 1 + n;
    prev = trunk;
    trunk = TrunkNext(t);
  }
  if (total != meta::FreeCount(m)) {
    return Bad(0, "free count " + std::to_string(meta::FreeCount(m)) + " but the free list holds " +
                      std::to_string(total) + " pages");
  }
  return Status::OK();
}

}  // namespace freelist
}  // namespace pd
