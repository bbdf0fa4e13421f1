// Cursor: ordered iteration over one B+tree (btree/btree.h), forwards and
// backwards, with a stack of (page, position) from the root to the current
// leaf instead of sibling links.
//
//   Cursor c = tree.NewCursor();
//   for (Status s = c.Seek(lo); s.ok() && c.Valid(); s = c.Next()) {
//     if (c.key() >= hi) break;
//     Result<std::string_view> v = c.value();
//     ...
//   }
//   if (!c.status().ok()) ...  // Corruption met while moving
//
// Positioning: SeekToFirst, SeekToLast, Seek(key) (first entry >= key),
// SeekForPrev(key) (last entry <= key), Next, Prev. Each returns OK (the
// cursor is then Valid() on an entry, or !Valid() because there is no such
// entry / it ran off an end) or a Corruption, after which the cursor is
// !Valid() and status() keeps the error until the next successful seek.
// Next/Prev REQUIRE Valid().
//
// Views: key() and value() return views into the pager's page (or into the
// cursor's own buffer when the bytes come from overflow pages). They stay
// valid until the cursor moves, is destroyed, or the pager changes. key() is
// cheap: it is read when the cursor lands on an entry. value() reads overflow
// pages only when called.
//
// Invalidation: ANY write to the pager (a Put/Delete on any tree, Allocate,
// Free, Rollback*, TakeCommit) invalidates every cursor on it: the cursor's
// stack and views may then refer to changed or freed pages. Using it
// afterwards is undefined (it may return Corruption or wrong entries). After
// writing, re-seek by key: save std::string(key()) first.
//
// Read-ahead (paged mode, pager/pager.h "Bounded cache"): with
// set_read_ahead, a cursor that moves to a child page that is not resident
// (it will fault) first names, through Pager::HintPages, up to
// kReadAheadPages of that child's next siblings in its direction that are
// not resident either and may still hold keys of its range: a range scan
// that faults on a leaf has the next leaves fetched in the same round.
//
// The cursor does not own the pager, which must outlive it.
#ifndef PD_BTREE_CURSOR_H_
#define PD_BTREE_CURSOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "pager/pager.h"
#include "util/status.h"

namespace pd {
namespace btree {
struct Path;
}  // namespace btree

class Cursor {
 public:
  // A cursor over the tree rooted at `root`, not positioned.
  Cursor(const Pager* pager, uint32_t root) : pager_(pager), root_(root) {}

  bool Valid() const { return valid_; }
  // OK, or the Corruption that made the cursor invalid.
  const Status& status() const { return status_; }

  Status SeekToFirst();
  Status SeekToLast();
  Status Seek(std::string_view key);         // first entry with key >= `key`
  Status SeekForPrev(std::string_view key);  // last entry with key <= `key`
  Status Next();                             // REQUIRES: Valid()
  Status Prev();                             // REQUIRES: Valid()

  // The current key. REQUIRES: Valid().
  std::string_view key() const { return key_; }
  // The current value, read from overflow pages if needed (Corruption if they
  // are damaged; the cursor stays positioned). REQUIRES: Valid().
  Result<std::string_view> value();
  // Size of the current value in bytes, without reading it. REQUIRES: Valid().
  uint32_t value_size() const { return value_size_; }

  static constexpr int kMaxDepth = 32;  // deepest tree walked; == btree::kMaxDepth
  static constexpr uint32_t kReadAheadPages = 16;

  // Read-ahead on (above). `bound` ends the range in the direction of
  // travel: forwards the exclusive upper limit, backwards the inclusive
  // lower start; "" = none. Sibling pages wholly past it are not named.
  void set_read_ahead(bool forward, std::string bound) {
    read_ahead_ = true;
    read_forward_ = forward;
    bound_ = std::move(bound);
  }

 private:
  struct Frame {
    uint32_t page = 0;   // node page id
    uint32_t index = 0;  // interior: child position; leaf: cell index
  };

  Status DescendEdge(int d, uint32_t id, int expected_level, bool first, uint32_t* leaf_count);
  Status StepLeaf(bool forward, bool* found, uint32_t* leaf_count);
  Status SettleOnLeaf(bool forward, uint32_t leaf_count);
  Status LoadEntry();
  Status Fail(Status s);
  Status Descend(std::string_view key, btree::Path* path, bool* exact);
  // Read-ahead before reading child `pos` of the interior node in node_page.
  void HintSiblings(const uint8_t* node_page, uint32_t pos, uint32_t child) const;

  const Pager* pager_;         // not owned
  uint32_t root_;              // root page id of the tree
  Frame stack_[kMaxDepth];     // stack_[0] = root .. stack_[depth_ - 1] = leaf
  int depth_ = 0;              // frames in use
  bool valid_ = false;         // positioned on an entry
  Status status_;              // last error, OK if none

  // The current entry, parsed from its leaf cell.
  const uint8_t* payload_ = nullptr;  // first local payload byte, in the leaf page
  uint32_t key_size_ = 0;             // bytes
  uint32_t value_size_ = 0;           // bytes
  uint32_t local_size_ = 0;           // payload bytes in the leaf cell
  uint32_t overflow_ = 0;             // first overflow page, 0 = none
  std::string_view key_;              // into the page or key_buf_
  std::string key_buf_;               // the key, when it continues in overflow pages
  std::string value_buf_;             // the value, when it continues in overflow pages

  bool read_ahead_ = false;   // set_read_ahead
  bool read_forward_ = true;  // direction of the read-ahead
  std::string bound_;         // end of the range in that direction, "" = none
};

}  // namespace pd

#endif  // PD_BTREE_CURSOR_H_
