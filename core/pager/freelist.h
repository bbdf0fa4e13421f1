// Internal to pager/: the free list, kept in the pages themselves.
//
// Layout (also in pager/format.h). The meta page holds the head (page id of
// the first trunk, 0 = empty list) and the number of free pages (trunks
// included). A trunk page (PageType::kFreeTrunk), after the common header:
//   OFFSET SIZE DESCRIPTION
//   24     4    next trunk page id, 0 = last
//   28     4    n: number of free page ids that follow, n <= Capacity(page_size)
//   32     4*n  free page ids; each such leaf page is zeroed with type kFree
//
// Policy (LIFO, like SQLite's): Push appends to the head trunk while it has
// room, otherwise the freed page becomes the new head trunk. Pop takes the
// last id of the head trunk, or, when the head trunk lists none, the trunk
// page itself (the head moves to the next trunk). Every page is changed
// through PageAccess::Touch, so the pager's dirty set and undo images cover
// free-list changes exactly like any other page write.
#ifndef PD_PAGER_FREELIST_H_
#define PD_PAGER_FREELIST_H_

#include <cstdint>

#include "pager/format.h"
#include "util/coding.h"
#include "util/status.h"

namespace pd {
namespace freelist {

constexpr uint32_t kTrunkNextOffset = 24;
constexpr uint32_t kTrunkCountOffset = 28;
constexpr uint32_t kTrunkIdsOffset = 32;

// How many free page ids one trunk page holds.
inline uint32_t Capacity(uint32_t page_size) { return (page_size - kTrunkIdsOffset) / 4; }

inline uint32_t TrunkNext(const uint8_t* t) { return DecodeFixed32(t + kTrunkNextOffset); }
inline uint32_t TrunkCount(const uint8_t* t) { return DecodeFixed32(t + kTrunkCountOffset); }
// REQUIRES: i < TrunkCount(t) <= Capacity(page_size).
inline uint32_t TrunkId(const uint8_t* t, uint32_t i) {
  return DecodeFixed32(t + kTrunkIdsOffset + 4 * i);
}

// What the free list needs from the pager. Page(id) and Touch(id) require
// id < page_count(); Touch saves the page's undo image, marks it dirty and
// returns a writable pointer to the page, valid while the page exists. Touch
// may throw std::bad_alloc, having changed no page; so Pop and Push touch
// every page they need before they change any.
class PageAccess {
 public:
  virtual ~PageAccess() = default;
  virtual uint32_t page_size() const = 0;
  virtual uint32_t page_count() const = 0;
  virtual const uint8_t* Page(uint32_t id) const = 0;
  virtual uint8_t* Touch(uint32_t id) = 0;
};

// Takes one page off the free list and returns its id (its content is left as
// it was, but it is touched: the caller re-initialises it), or 0 if the list
// is empty. Updates the meta page's head and count. Corruption if the head
// trunk is malformed (bad type, count over capacity, id out of range);
// nothing changes then.
Result<uint32_t> Pop(PageAccess* pages);

// Puts page `id` on the free list: zeroes it as a kFree leaf or turns it into
// the new head trunk, and updates the meta page.
// REQUIRES: 0 < id < page_count(), the page is not on the free list.
void Push(PageAccess* pages, uint32_t id);

// Walks the whole free list (used by Load): every trunk and leaf id in
// [1, page_count), no page listed twice or reached twice (no cycles), trunk
// pages typed kFreeTrunk with count <= capacity, leaves typed kFree, and the
// total number of pages equal to the meta's free count.
// Returns OK or Corruption("page <id>: ..." or "page 0: ...").
Status Check(const PageAccess& pages);

}  // namespace freelist
}  // namespace pd

#endif  // PD_PAGER_FREELIST_H_
