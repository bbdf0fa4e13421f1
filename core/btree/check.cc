#include "btree/check.h"

#include <algorithm>
#include <string>

#include "btree/format.h"
#include "btree/node.h"
#include "btree/overflow.h"
#include "btree/tree_internal.h"
#include "util/coding.h"

namespace pd {

namespace {

using btree::Cell;
using btree::NodeView;
using btree::PageCorruption;

// Who a page was first reached as, for "reached twice" messages.
enum class Owner : uint8_t { kNone, kMeta, kFree, kNode, kOverflow };

const char* OwnerName(Owner o) {
  switch (o) {
    case Owner::kNone: return "nothing";
    case Owner::kMeta: return "the meta page";
    case Owner::kFree: return "a free-list page";
    case Owner::kNode: return "a btree node";
    case Owner::kOverflow: return "an overflow page";
  }
  return "?";
}

// Free-list trunk page fields (pager/format.h).
constexpr uint32_t kTrunkNextOffset = 24;
constexpr uint32_t kTrunkCountOffset = 28;
constexpr uint32_t kTrunkIdsOffset = 32;

// A key bound: unbounded, or a key.
struct Bound {
  const std::string_view* key = nullptr;  // nullptr = infinite
};

class Checker {
 public:
  explicit Checker(const Pager& pager)
      : pager_(pager), owner_(pager.page_count(), Owner::kNone) {
    report_.page_count = pager.page_count();
  }

  Status Claim(uint32_t id, Owner as) {
    if (id == 0 || id >= owner_.size()) {
      return Status::Corruption("page id " + std::to_string(id) + " out of range (reached as " +
                                OwnerName(as) + ")");
    }
    if (owner_[id] != Owner::kNone) {
      return Status::Corruption("page " + std::to_string(id) + " reached twice: as " +
                                OwnerName(owner_[id]) + " and as " + OwnerName(as));
    }
    owner_[id] = as;
    return Status::OK();
  }

  Status CheckFreeList();
  Status CheckTreeAt(uint32_t root);
  Status CheckNoLeaks();

  CheckReport report() const { return report_; }

 private:
  Status CheckNode(uint32_t id, int expected_level, bool is_root, Bound lo, Bound hi);
  Status CheckCells(uint32_t id, const NodeView& node, std::vector<Cell>* cells);

  const Pager& pager_;
  std::vector<Owner> owner_;  // owner_[id]: how page id was first reached
  CheckReport report_;        // counts so far
};

Status Checker::CheckFreeList() {
  owner_[0] = Owner::kMeta;
  const uint8_t* meta = pager_.Get(0);
  const uint32_t ps = pager_.page_size();
  const uint32_t head = DecodeFixed32(meta + kMetaFreeHeadOffset);
  const uint32_t count = DecodeFixed32(meta + kMetaFreeCountOffset);
  const uint32_t capacity = (ps - kTrunkIdsOffset) / 4;
  uint32_t seen = 0;
  for (uint32_t trunk = head; trunk != 0;) {
    Status s = Claim(trunk, Owner::kFree);  // also stops cycles
    if (!s.ok()) return s;
    ++seen;
    const uint8_t* t = pager_.Get(trunk);
    if (t[kHeaderTypeOffset] != static_cast<uint8_t>(PageType::kFreeTrunk)) {
      return Status::Corruption("free-list trunk page " + std::to_string(trunk) + " has type " +
                                std::to_string(t[kHeaderTypeOffset]));
    }
    uint32_t n = DecodeFixed32(t + kTrunkCountOffset);
    if (n > capacity) {
      return Status::Corruption("free-list trunk page " + std::to_string(trunk) + " lists " +
                                std::to_string(n) + " pages, more than fit");
    }
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t id = DecodeFixed32(t + kTrunkIdsOffset + 4 * i);
      s = Claim(id, Owner::kFree);
      if (!s.ok()) return s;
      ++seen;
      if (pager_.Get(id)[kHeaderTypeOffset] != static_cast<uint8_t>(PageType::kFree)) {
        return Status::Corruption("free page " + std::to_string(id) + " has type " +
                                  std::to_string(pager_.Get(id)[kHeaderTypeOffset]));
      }
    }
    trunk = DecodeFixed32(t + kTrunkNextOffset);
  }
  if (seen != count || count != pager_.free_page_count()) {
    return Status::Corruption("free list holds " + std::to_string(seen) +
                              " pages; the meta page says " + std::to_string(count));
  }
  report_.free_pages = seen;
  return Status::OK();
}

Status Checker::CheckNoLeaks() {
  for (uint32_t id = 1; id < owner_.size(); ++id) {
    if (owner_[id] == Owner::kNone) {
      return Status::Corruption("page " + std::to_string(id) + " (type " +
                                std::to_string(pager_.Get(id)[kHeaderTypeOffset]) +
                                ") leaked: not free and not reachable from any tree");
    }
  }
  return Status::OK();
}

Status Checker::CheckTreeAt(uint32_t root) {
  ++report_.trees;
  return CheckNode(root, -1, true, Bound(), Bound());
}

// Validates the cells of a node: inside the content area, not overlapping,
// accounting for every content byte with the garbage count.
Status Checker::CheckCells(uint32_t id, const NodeView& node, std::vector<Cell>* cells) {
  const uint32_t n = node.count();
  std::vector<uint64_t> extents;  // offset << 32 | size, sorted to find overlaps
  extents.reserve(n);
  uint64_t bytes = 0;
  for (uint32_t i = 0; i < n; ++i) {
    Cell cell;
    if (!node.GetCell(i, &cell)) {
      return PageCorruption(id, "cell " + std::to_string(i) + " at offset " +
                                    std::to_string(node.slot(i)) + " is malformed or outside " +
                                    "the content area");
    }
    cells->push_back(cell);
    extents.push_back(uint64_t{node.slot(i)} << 32 | cell.size);
    bytes += cell.size;
  }
  std::sort(extents.begin(), extents.end());
  for (size_t i = 1; i < extents.size(); ++i) {
    uint64_t prev_end = (extents[i - 1] >> 32) + (extents[i - 1] & 0xffffffffu);
    if (prev_end > (extents[i] >> 32)) {
      return PageCorruption(id, "cells at offsets " + std::to_string(extents[i - 1] >> 32) +
                                    " and " + std::to_string(extents[i] >> 32) + " overlap");
    }
  }
  uint64_t content = node.page_size() - node.content_start();
  if (bytes + node.garbage() != content) {
    return PageCorruption(id, "cells (" + std::to_string(bytes) + " bytes) and garbage (" +
                                  std::to_string(node.garbage()) +
                                  ") do not add up to the content area (" +
                                  std::to_string(content) + ")");
  }
  report_.node_bytes_used += bytes + uint64_t{btree::kSlotSize} * n;
  report_.node_bytes_total += btree::NodeCapacity(node.page_size());
  return Status::OK();
}

Status Checker::CheckNode(uint32_t id, int expected_level, bool is_root, Bound lo, Bound hi) {
  NodeView node(nullptr, 0);
  Status s = btree::LoadNode(pager_, id, expected_level, &node);
  if (!s.ok()) return s;
  s = Claim(id, Owner::kNode);
  if (!s.ok()) return s;
  const bool leaf = node.is_leaf();
  const uint32_t n = node.count();
  if (is_root) {
    report_.max_levels = std::max(report_.max_levels, node.level() + 1);
  }
  if (n == 0 && !(is_root && leaf)) {
    return PageCorruption(id, is_root ? "interior root without cells" : "node without cells");
  }
  ++(leaf ? report_.leaf_pages : report_.interior_pages);

  std::vector<Cell> cells;
  cells.reserve(n);
  s = CheckCells(id, node, &cells);
  if (!s.ok()) return s;

  // Keys as views: into the page when local, into `spilled` otherwise
  // (reserved up front so the views stay put).
  std::vector<std::string_view> keys(n);
  std::vector<std::string> spilled;
  spilled.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    const Cell& cell = cells[i];
    if (cell.overflow != 0) {
      std::vector<uint32_t> chain;
      s = btree::CollectOverflow(pager_, cell.overflow, cell.payload_size() - cell.local_size,
                                 &chain);
      if (!s.ok()) return s;
      for (uint32_t page : chain) {
        s = Claim(page, Owner::kOverflow);
        if (!s.ok()) return s;
      }
      report_.overflow_pages += static_cast<uint32_t>(chain.size());
    }
    if (cell.key_is_local()) {
      keys[i] = cell.local_key();
    } else {
      spilled.emplace_back();
      s = btree::ReadKey(pager_, cell, &spilled.back());
      if (!s.ok()) return s;
      keys[i] = spilled.back();
    }
    if (i > 0 && keys[i - 1].compare(keys[i]) >= 0) {
      return PageCorruption(id, "keys " + std::to_string(i - 1) + " and " + std::to_string(i) +
                                    " out of order");
    }
    // Leaf keys: lo <= key < hi. Separators: lo < key < hi.
    int c = lo.key == nullptr ? 1 : keys[i].compare(*lo.key);
    if (c < 0 || (c == 0 && !leaf)) {
      return PageCorruption(id, "key " + std::to_string(i) + " below its subtree's lower bound");
    }
    if (hi.key != nullptr && keys[i].compare(*hi.key) >= 0) {
      return PageCorruption(id, "key " + std::to_string(i) + " not below its subtree's upper bound");
    }
  }
  if (leaf) {
    report_.entries += n;
    return Status::OK();
  }
  std::vector<uint32_t> children(n + 1);
  for (uint32_t i = 0; i < n; ++i) children[i] = cells[i].child;
  children[n] = node.right_child();
  const int child_level = static_cast<int>(node.level()) - 1;
  for (uint32_t j = 0; j <= n; ++j) {
    Bound child_lo = j == 0 ? lo : Bound{&keys[j - 1]};
    Bound child_hi = j == n ? hi : Bound{&keys[j]};
    s = CheckNode(children[j], child_level, false, child_lo, child_hi);
    if (!s.ok()) return s;
  }
  return Status::OK();
}

}  // namespace

Result<CheckReport> CheckDatabase(const Pager& pager, const std::vector<uint32_t>& roots) {
  Checker checker(pager);
  Status s = checker.CheckFreeList();
  if (!s.ok()) return s;
  for (uint32_t root : roots) {
    s = checker.CheckTreeAt(root);
    if (!s.ok()) return s;
  }
  s = checker.CheckNoLeaks();
  if (!s.ok()) return s;
  return checker.report();
}

Result<CheckReport> CheckTree(const Pager& pager, uint32_t root) {
  Checker checker(pager);
  Status s = checker.CheckTreeAt(root);
  if (!s.ok()) return s;
  return checker.report();
}

}  // namespace pd
