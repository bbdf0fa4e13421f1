// Search within a node and root-to-leaf descent (btree/tree_internal.h).
#include <cstring>

#include "btree/overflow.h"
#include "btree/tree_internal.h"

namespace pd {
namespace btree {

namespace {

// Compares the key of cell i with `key`; the fast path is one memcmp on the
// key bytes stored in the node.
inline Status CompareAt(const Pager& pager, const NodeView& node, uint32_t page_id, uint32_t i,
                        std::string_view key, int* result) {
  Cell cell;
  if (!node.GetCell(i, &cell)) return PageCorruption(page_id, "bad cell " + std::to_string(i));
  if (cell.key_is_local()) {
    size_t n = cell.key_size < key.size() ? cell.key_size : key.size();
    int c = std::memcmp(cell.payload, key.data(), n);
    if (c == 0) c = cell.key_size < key.size() ? -1 : (cell.key_size > key.size() ? 1 : 0);
    *result = c;
    return Status::OK();
  }
  return CompareKey(pager, cell, key, result);
}

}  // namespace

Status SearchNode(const Pager& pager, const NodeView& node, uint32_t page_id,
                  std::string_view key, uint32_t* index, bool* exact) {
  uint32_t lo = 0;
  uint32_t hi = node.count();
  if (node.is_leaf()) {
    *exact = false;
    while (lo < hi) {
      uint32_t mid = lo + (hi - lo) / 2;
      int c;
      Status s = CompareAt(pager, node, page_id, mid, key, &c);
      if (!s.ok()) return s;
      if (c < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
        if (c == 0) {
          *exact = true;
          break;
        }
      }
    }
    *index = *exact ? hi : lo;
    return Status::OK();
  }
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo) / 2;
    int c;
    Status s = CompareAt(pager, node, page_id, mid, key, &c);
    if (!s.ok()) return s;
    if (c <= 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  *index = lo;
  return Status::OK();
}

Status LoadNode(const Pager& pager, uint32_t id, int expected_level, NodeView* node) {
  const uint8_t* page = id == 0 ? nullptr : pager.Get(id);
  if (page == nullptr) {
    return Status::Corruption("btree points to invalid page " + std::to_string(id));
  }
  *node = NodeView(page, pager.page_size());
  return node->Check(id, expected_level);
}

Status Descend(const Pager& pager, uint32_t root, std::string_view key, Path* path,
               bool* exact) {
  path->depth = 0;
  uint32_t id = root;
  int expected = -1;
  NodeView node(nullptr, 0);
  for (;;) {
    Status s = LoadNode(pager, id, expected, &node);
    if (!s.ok()) return s;
    uint32_t index;
    s = SearchNode(pager, node, id, key, &index, exact);
    if (!s.ok()) return s;
    path->e[path->depth].page = id;
    path->e[path->depth].index = index;
    ++path->depth;
    if (node.is_leaf()) return Status::OK();
    // Levels strictly decrease (checked by LoadNode), so the loop ends within
    // kMaxDepth steps even on damaged pages.
    id = node.ChildAt(index);
    if (id == 0) return PageCorruption(path->e[path->depth - 1].page, "bad child pointer");
    expected = static_cast<int>(node.level()) - 1;
  }
}

std::string ShortestSeparator(std::string_view a, std::string_view b) {
  size_t n = a.size() < b.size() ? a.size() : b.size();
  size_t lcp = 0;
  while (lcp < n && a[lcp] == b[lcp]) ++lcp;
  return std::string(b.substr(0, lcp + 1));
}

}  // namespace btree
}  // namespace pd
