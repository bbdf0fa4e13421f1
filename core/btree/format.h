// B+tree design and byte formats. Internal to btree/ (table/ includes
// btree/btree.h only). All integers are little-endian (util/coding.h); varints
// are LevelDB's base-128 varint32.
//
// DESIGN
//   Many trees share one pager. A tree is named by its root page id, which
//   never changes while the tree exists: when the root splits, its content
//   moves into two new children and the root page becomes their parent; when
//   the root is an interior node left with a single child, that child's
//   content is pulled up into the root page and the child page is freed.
//
//   Every entry (key, value) lives in a leaf. Interior nodes hold only
//   separator keys and child page ids, SQLite-style: an interior node with n
//   cells (child_0, key_0) .. (child_{n-1}, key_{n-1}) plus a right child
//   has n+1 children. "Position" j in 0..n names child_j, position n the
//   right child. With key_{-1} = -infinity and key_n = +infinity:
//
//     every key k stored below position j satisfies  key_{j-1} <= k < key_j
//
//   so a search for k takes the first position j with k < key_j (upper
//   bound). Separators are strictly increasing inside a node and, read in
//   order through the whole tree, across nodes. A leaf split or
//   redistribution picks the shortest separator s with
//   max(left) < s <= min(right): the prefix of min(right) one byte longer
//   than its common prefix with max(left) (prefix B-tree), so interior nodes
//   of DynamoDB-shaped keys ("user#42" 0x00 "item#...") stay small and wide.
//
//   Keys compare as unsigned bytes (memcmp), then by length: a proper prefix
//   sorts first. Keys are 1..kMaxKeySize bytes, values 0..kMaxValueSize.
//
//   Nodes are slotted pages: a slot array of 2-byte cell offsets, sorted by
//   key, grows up from the node header; cell bodies grow down from the end of
//   the page. Removing a cell removes its slot and counts its body as garbage;
//   an insert that finds the gap too small but gap + garbage big enough
//   compacts the page first. A node always has room for kMinCellsPerNode
//   cells of maximum size: a cell whose payload (key bytes, then value bytes)
//   exceeds MaxLocal(page_size) keeps only LocalSize(...) bytes in the node
//   and the rest in a chain of overflow pages. LocalSize keeps the whole key
//   local whenever it fits, so reading or comparing a key rarely touches an
//   overflow page, and sizes the local part so that every overflow page of
//   the chain is full (SQLite's rule).
//
//   Insertion splits a full node in two and inserts the separator into the
//   parent, splitting upwards as needed. Interior nodes split evenly by
//   bytes. A leaf splits where its keys' runs say (BTree::Put's `run`: the
//   first `run` bytes of a key name its run, for table keys the partition
//   hash): at the boundary between two runs nearest its middle, since each
//   run grows at its ends; inside one run, an insert past the run's last
//   key (or before its first) at the leaf's edge leaves the old leaf full
//   and starts a new one (ascending or descending loads, also in the middle
//   of the tree); otherwise evenly by bytes. The rule shapes the tree only:
//   nothing of it is stored, and any split point keeps the invariants.
//   Deletion rebalances a node whose used bytes drop below a third of its
//   capacity: with an adjacent sibling it merges when both fit in one page
//   (the emptied page goes back to the pager's free list) and otherwise
//   redistributes the cells evenly and replaces the separator, which may in
//   turn split the parent. An emptied tree is a single empty root leaf.
//
//   Every read validates what it reads: page type and level on descent,
//   cell count against the page, each cell within the page, sizes within
//   limits, overflow chains of the right page type and length. Failures are
//   Status::Corruption naming the page, never a crash. btree/check.h walks
//   whole trees and the free list for the deeper invariants.
//
//   Page types: a non-root node's page type is kBtreeLeaf or kBtreeInterior
//   as its level says (pages never change kind below the root). The pager
//   alone writes header bytes 0..19, so a root keeps the type Allocate() gave
//   it (kBtreeLeaf) while it turns interior and back; its level field is
//   what counts. The owner field (bytes 20..23) is unused and zero.
//
// NODE PAGE (PageType::kBtreeLeaf or kBtreeInterior), after the common page
// header (pager/format.h, bytes 0..23):
//   OFFSET SIZE DESCRIPTION
//   24     2    n: number of cells (and slots)
//   26     2    level: 0 for a leaf, height above the leaves for an interior
//               node (a child's level is its parent's minus one); < kMaxDepth
//   28     4    content start: offset of the lowest cell byte (page size when
//               the node has no cells)
//   32     4    garbage: bytes in [content start, page size) not used by any
//               cell
//   36     4    right child page id (interior); 0 in a leaf
//   40     2*n  slot array: slot i is the offset of cell i; cells sorted by key
//   ...         free gap, then cell bodies up to the end of the page
//
// LEAF CELL
//   SIZE       DESCRIPTION
//   varint32   key size in bytes, 1..kMaxKeySize
//   varint32   value size in bytes, 0..kMaxValueSize
//   L          the first L bytes of payload = key bytes then value bytes, where
//              L = LocalSize(key size + value size, key size, page size)
//   4          first overflow page id, present iff L < payload size
//
// INTERIOR CELL
//   SIZE       DESCRIPTION
//   4          child page id: the subtree at this cell's position
//   varint32   separator key size in bytes, 1..kMaxKeySize
//   L          the first L bytes of the key, L = LocalSize(key size, key size,
//              page size)
//   4          first overflow page id, present iff L < key size
//
// OVERFLOW PAGE (PageType::kOverflow), after the common page header:
//   OFFSET SIZE DESCRIPTION
//   24     4    next overflow page id in the chain, 0 = last page
//   28     4    payload bytes on this page: min(OverflowCapacity, remaining)
//   32     ...  payload bytes
//   A chain carries payload bytes [L, payload size) of one cell, in order; it
//   has exactly ceil((payload size - L) / OverflowCapacity) pages. It belongs
//   to that cell alone: moving a cell moves the chain's ownership with it.
#ifndef PD_BTREE_FORMAT_H_
#define PD_BTREE_FORMAT_H_

#include <cstdint>

#include "pager/format.h"

namespace pd {
namespace btree {

// Key and value limits (the public API checks these: InvalidArgument).
constexpr uint32_t kMaxKeySize = 8192;          // bytes
constexpr uint32_t kMaxValueSize = 1u << 20;    // bytes (1 MiB)

// Tree shape limits. kMaxDepth bounds the number of levels, root included; a
// level field >= kMaxDepth is Corruption, and it sizes cursor page stacks.
constexpr int kMaxDepth = 32;
constexpr uint32_t kMinCellsPerNode = 4;  // cells of maximum size a node holds

// Node header.
constexpr uint32_t kNodeCountOffset = kPageHeaderSize + 0;
constexpr uint32_t kNodeLevelOffset = kPageHeaderSize + 2;
constexpr uint32_t kNodeContentOffset = kPageHeaderSize + 4;
constexpr uint32_t kNodeGarbageOffset = kPageHeaderSize + 8;
constexpr uint32_t kNodeRightChildOffset = kPageHeaderSize + 12;
constexpr uint32_t kNodeSlotsOffset = kPageHeaderSize + 16;  // 40
constexpr uint32_t kSlotSize = 2;

// Overflow page header.
constexpr uint32_t kOverflowNextOffset = kPageHeaderSize + 0;
constexpr uint32_t kOverflowLengthOffset = kPageHeaderSize + 4;
constexpr uint32_t kOverflowDataOffset = kPageHeaderSize + 8;  // 32

// Largest fixed part of a cell: interior 4 (child) + 5 (varint) + 4 (overflow
// id); leaf 5 + 5 + 4.
constexpr uint32_t kMaxCellOverhead = 14;

// Bytes available to slots and cells in a node.
constexpr uint32_t NodeCapacity(uint32_t page_size) { return page_size - kNodeSlotsOffset; }

// Most payload bytes a cell keeps in its node, chosen so that
// kMinCellsPerNode cells of maximum size plus their slots fit in a node.
// 4 KiB pages: 998; 8 KiB: 2022; 64 KiB: 16358.
constexpr uint32_t MaxLocal(uint32_t page_size) {
  return NodeCapacity(page_size) / kMinCellsPerNode - kMaxCellOverhead - kSlotSize;
}

// Fewest payload bytes a spilled cell keeps local (unless the payload is
// shorter). 4 KiB pages: 237.
constexpr uint32_t MinLocal(uint32_t page_size) { return NodeCapacity(page_size) / 16 - 16; }

// Payload bytes per overflow page.
constexpr uint32_t OverflowCapacity(uint32_t page_size) { return page_size - kOverflowDataOffset; }

// Payload bytes kept in the node for a cell of `payload` bytes whose first
// `key_size` bytes are its key (for interior cells payload == key_size).
constexpr uint32_t LocalSize(uint32_t payload, uint32_t key_size, uint32_t page_size) {
  if (payload <= MaxLocal(page_size)) return payload;
  // Keep the whole key local when it fits, and at least MinLocal bytes.
  uint32_t base = key_size < MaxLocal(page_size) ? key_size : MaxLocal(page_size);
  if (base < MinLocal(page_size)) base = MinLocal(page_size);
  // Grow the local part so that the overflow chain fills its pages exactly.
  uint32_t local = base + (payload - base) % OverflowCapacity(page_size);
  return local > MaxLocal(page_size) ? base : local;
}

// Number of pages of an overflow chain carrying `bytes` payload bytes.
constexpr uint32_t OverflowPageCount(uint32_t bytes, uint32_t page_size) {
  return (bytes + OverflowCapacity(page_size) - 1) / OverflowCapacity(page_size);
}

static_assert(MaxLocal(kMinPageSize) == 998, "4 KiB local maximum");
static_assert(MinLocal(kMinPageSize) < MaxLocal(kMinPageSize), "local bounds");
static_assert(kMinCellsPerNode * (MaxLocal(kMinPageSize) + kMaxCellOverhead + kSlotSize) <=
                  NodeCapacity(kMinPageSize),
              "a node must hold kMinCellsPerNode maximal cells");
static_assert(kMaxPageSize - 1 <= 0xffff, "cell offsets fit a 2-byte slot");

}  // namespace btree
}  // namespace pd

#endif  // PD_BTREE_FORMAT_H_
