// The tree algorithms behind btree/btree.h and btree/cursor.h: search and
// descent (search.cc), split on insert and merge/redistribute on delete
// (rebalance.cc). Internal to btree/; the invariants they keep are in
// btree/format.h.
//
// A Path records one root-to-leaf descent: e[0] is the root, e[depth-1] the
// leaf. For an interior entry `index` is the child position taken (0..n, n =
// the right child); for the leaf it is the cell index found (lower bound).
// Paths hold page ids, not pointers, so they survive Allocate/Free.
//
// Writers here leave the tree valid on success. On a non-OK return the tree
// may be partly modified; the caller rolls back the pager operation
// (btree/btree.h says so to its users).
#ifndef PD_BTREE_TREE_INTERNAL_H_
#define PD_BTREE_TREE_INTERNAL_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "btree/format.h"
#include "btree/node.h"
#include "pager/pager.h"
#include "util/status.h"

namespace pd {
namespace btree {

struct PathEntry {
  uint32_t page = 0;   // node page id
  uint32_t index = 0;  // interior: child position taken; leaf: cell index
};

struct Path {
  PathEntry e[kMaxDepth];  // e[0] = root .. e[depth - 1] = leaf
  int depth = 0;           // number of entries in use
};

// Leaf: *index = first cell whose key >= key, *exact = that key equals key.
// Interior: *index = first position j with key < key_j (0..n), *exact unset.
// Corruption on bad cells or overflow chains.
Status SearchNode(const Pager& pager, const NodeView& node, uint32_t page_id,
                  std::string_view key, uint32_t* index, bool* exact);

// Loads node `id` and validates its header; expected_level < 0 accepts any
// level (a root). *node is set on success.
Status LoadNode(const Pager& pager, uint32_t id, int expected_level, NodeView* node);

// Descends from `root` toward `key`, filling *path; *exact tells whether the
// leaf holds key at path->e[path->depth - 1].index.
Status Descend(const Pager& pager, uint32_t root, std::string_view key, Path* path,
               bool* exact);

// The shortest s with a < s <= b. REQUIRES: a < b.
std::string ShortestSeparator(std::string_view a, std::string_view b);

// Inserts the encoded cell at index idx of node path->e[d] (whose kind the
// cell matches). If the node is full it splits, and the separator goes into
// the parent at path->e[d - 1].index, recursively; a full root splits into
// two new children and stays the root. A leaf splits where `run` (the length
// of a key's run prefix, BTree::Put) says; interior nodes evenly by bytes.
// REQUIRES: for an interior node the child pointers around idx are already
// what they must be after the insert.
Status InsertWithSplit(Pager* pager, Path* path, int d, uint32_t idx, const uint8_t* cell,
                       uint32_t size, uint32_t run);

// After a removal from node path->e[d]: merges or redistributes it with a
// sibling if it is underfull, up the path as needed, and pulls the root's
// single child up if the root is an interior node left without cells.
Status RebalanceAfterDelete(Pager* pager, Path* path, int d);

// Encodes the interior cell (child, key) into *cell, writing the part of the
// key beyond its local size to a new overflow chain (Allocate: page pointers
// become invalid).
Status MakeInteriorCell(Pager* pager, uint32_t child, std::string_view key, std::string* cell);

// True if the node uses less than a third of its capacity.
inline bool Underfull(const NodeView& node) {
  return node.used() * 3 < NodeCapacity(node.page_size());
}

}  // namespace btree
}  // namespace pd

#endif  // PD_BTREE_TREE_INTERNAL_H_
