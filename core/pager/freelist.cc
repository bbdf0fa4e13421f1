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
  const uint8_t* m = pages->Page(0);
  uint32_t head = meta::FreeHead(m);
  if (head == 0) return 0u;
  uint32_t free_count = meta::FreeCount(m);
  Status s = CheckTrunk(*pages, head);
  if (!s.ok()) return s;
  if (free_count == 0) return Bad(0, "free list head set but free count is 0");
  const uint8_t* t = pages->Page(head);
  uint32_t n = TrunkCount(t);
  uint32_t id;
  if (n > 0) {
    id = TrunkId(t, n - 1);
    if (id == 0 || id >= pages->page_count() || id == head) {
      return Bad(head, "free-list trunk lists page " + std::to_string(id));
    }
    uint8_t* wt = pages->Touch(head);
    EncodeFixed32(wt + kTrunkIdsOffset + 4 * (n - 1), 0);
    EncodeFixed32(wt + kTrunkCountOffset, n - 1);
  } else {
    id = head;
    uint32_t next = TrunkNext(t);
    if (next >= pages->page_count() || next == head) {
      return Bad(head, "free-list trunk links to page " + std::to_string(next));
    }
    meta::SetFreeHead(pages->Touch(0), next);
  }
  meta::SetFreeCount(pages->Touch(0), free_count - 1);
  return id;
}

void Push(PageAccess* pages, uint32_t id) {
  const uint32_t page_size = pages->page_size();
  const uint8_t* m = pages->Page(0);
  uint32_t head = meta::FreeHead(m);
  uint32_t free_count = meta::FreeCount(m);
  bool head_has_room = false;
  if (head != 0 && CheckTrunk(*pages, head).ok()) {
    head_has_room = TrunkCount(pages->Page(head)) < Capacity(page_size);
  }
  if (head_has_room) {
    uint8_t* t = pages->Touch(head);
    uint32_t n = TrunkCount(t);
    EncodeFixed32(t + kTrunkIdsOffset + 4 * n, id);
    EncodeFixed32(t + kTrunkCountOffset, n + 1);
    page::Init(pages->Touch(id), page_size, id, PageType::kFree);
  } else {
    uint8_t* t = pages->Touch(id);
    page::Init(t, page_size, id, PageType::kFreeTrunk);
    EncodeFixed32(t + kTrunkNextOffset, head);
    EncodeFixed32(t + kTrunkCountOffset, 0);
    meta::SetFreeHead(pages->Touch(0), id);
  }
  meta::SetFreeCount(pages->Touch(0), free_count + 1);
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
