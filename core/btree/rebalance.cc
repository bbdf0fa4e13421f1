// Split on insert, merge and redistribute on delete, root growth and shrink
// (btree/tree_internal.h; invariants in btree/format.h).
//
// Page pointers do not survive Pager::Allocate / Free, so every function here
// first allocates what it needs, then fetches pointers and writes, and frees
// pages last.
#include <algorithm>
#include <cstring>
#include <string_view>
#include <vector>

#include "btree/overflow.h"
#include "btree/tree_internal.h"

namespace pd {
namespace btree {

namespace {

// Parses cell i of a CellList.
Status ListCell(const CellList& cells, uint32_t i, bool leaf, uint32_t page_size, Cell* cell) {
  if (!ParseCell(cells.cell(i), cells.cell(i) + cells.cell_size(i), leaf, page_size, cell)) {
    return Status::Corruption("btree: bad cell while rebalancing");
  }
  return Status::OK();
}

// The most even split of `cells` by bytes between two nodes of capacity
// `cap`, among those where both halves fit (and, given `at`, at[k] is set);
// false if there is none.
//   leaf:     left = [0, k), right = [k, m), k in [1, m - 1]
//   interior: left = [0, k), cell k moves up, right = [k + 1, m),
//             k in [1, m - 2] (both halves keep at least one cell)
bool EvenSplit(const CellList& cells, bool leaf, uint32_t cap, const std::vector<bool>* at,
               uint32_t* split) {
  const uint32_t m = cells.size();
  bool found = false;
  uint64_t best = 0;
  for (uint32_t k = 1; k + (leaf ? 0 : 1) < m; ++k) {
    if (at != nullptr && !(*at)[k]) continue;
    uint32_t left = cells.NodeBytes(0, k);
    uint32_t right = cells.NodeBytes(leaf ? k : k + 1, m);
    if (left > cap || right > cap) continue;
    uint64_t diff = left > right ? left - right : right - left;
    if (!found || diff < best) {
      found = true;
      best = diff;
      *split = k;
    }
  }
  return found;
}

Status ChooseSplit(const CellList& cells, bool leaf, uint32_t cap, uint32_t* split) {
  if (EvenSplit(cells, leaf, cap, nullptr, split)) return Status::OK();
  return Status::Corruption("btree: cells cannot be divided between two nodes");
}

// Whether the keys beyond the leaf path->e[d] on one side (upper: after it)
// may belong to the run `p`, judged by the nearest separator s of an
// ancestor on that side; false at that edge of the tree. Keys after s are
// >= s, so they can start with p only if s does; keys before s are < s, so
// only if s starts with p and is longer (no key of p is below p itself).
Status RunGoesOn(const Pager& pager, const Path& path, int d, bool upper, std::string_view p,
                 bool* more) {
  *more = false;
  for (int a = d - 1; a >= 0; --a) {
    NodeView node(nullptr, 0);
    Status s = LoadNode(pager, path.e[a].page, -1, &node);
    if (!s.ok()) return s;
    const uint32_t pos = path.e[a].index;
    if (upper ? pos == node.count() : pos == 0) continue;
    Cell cell;
    if (!node.GetCell(upper ? pos : pos - 1, &cell)) {
      return PageCorruption(path.e[a].page, "bad separator cell");
    }
    std::string sep;
    s = ReadKey(pager, cell, &sep);
    if (!s.ok()) return s;
    *more = sep.compare(0, p.size(), p) == 0 && (upper || sep.size() > p.size());
    return Status::OK();
  }
  return Status::OK();
}

// Where the full leaf path->e[d] divides `cells` (its cells with the new one
// at idx). The first `run` bytes of a key name its run (btree/btree.h: Put):
// runs grow at their ends, so the leaf splits at the boundary between two
// runs nearest its middle, which leaves a run's end in each half. A leaf
// inside one run splits at the new key when that key extends the run at the
// leaf's edge (ascending or descending appends: the old node stays full),
// and evenly otherwise.
Status ChooseLeafSplit(const Pager& pager, const Path& path, int d, const CellList& cells,
                       uint32_t idx, uint32_t run, uint32_t* k) {
  const uint32_t m = cells.size();
  const uint32_t ps = pager.page_size();
  std::vector<bool> at(m, false);
  bool any = false;
  std::string_view prev, p;
  for (uint32_t i = 0; i < m; ++i) {
    Cell cell;
    Status s = ListCell(cells, i, true, ps, &cell);
    if (!s.ok()) return s;
    std::string_view key = cell.local_key();
    if (i == idx) p = key.substr(0, run);
    // Only local key bytes are compared: a long key may hide a boundary.
    size_t n = std::min<size_t>(run, std::min(prev.size(), key.size()));
    at[i] = i > 0 && prev.substr(0, n) != key.substr(0, n);
    any = any || at[i];
    prev = key;
  }
  if (any && EvenSplit(cells, true, NodeCapacity(ps), &at, k)) return Status::OK();
  bool more = true;
  Status s;
  if (idx == m - 1) s = RunGoesOn(pager, path, d, true, p, &more);
  if (s.ok() && !more) {
    *k = m - 1;
    return Status::OK();
  }
  more = true;
  if (s.ok() && idx == 0) s = RunGoesOn(pager, path, d, false, p, &more);
  if (s.ok() && !more) {
    *k = 1;
    return Status::OK();
  }
  if (!s.ok()) return s;
  return ChooseSplit(cells, true, NodeCapacity(ps), k);
}

// The separator between leaf cells k-1 and k of `cells`.
Status LeafSeparator(const Pager& pager, const CellList& cells, uint32_t k, std::string* sep) {
  Cell left, right;
  Status s = ListCell(cells, k - 1, true, pager.page_size(), &left);
  if (s.ok()) s = ListCell(cells, k, true, pager.page_size(), &right);
  std::string left_key, right_key;
  if (s.ok()) s = ReadKey(pager, left, &left_key);
  if (s.ok()) s = ReadKey(pager, right, &right_key);
  if (!s.ok()) return s;
  if (left_key.compare(right_key) >= 0) {
    return Status::Corruption("btree: keys out of order while rebalancing");
  }
  *sep = ShortestSeparator(left_key, right_key);
  return Status::OK();
}

uint32_t CellChild(const CellList& cells, uint32_t i) { return DecodeFixed32(cells.cell(i)); }

// Splits the root, whose cells (with the new one already inserted) are
// `cells`, into two new children at k; the root page becomes their parent.
Status SplitRoot(Pager* pager, uint32_t root, uint32_t level, const CellList& cells, uint32_t right,
                 uint32_t k) {
  const uint32_t ps = pager->page_size();
  const bool leaf = level == 0;
  if (level + 1 >= static_cast<uint32_t>(kMaxDepth)) {
    return Status::OutOfSpace("btree: tree depth limit reached");
  }
  Result<uint32_t> p = pager->Allocate(leaf ? PageType::kBtreeLeaf : PageType::kBtreeInterior);
  if (!p.ok()) return p.status();
  Result<uint32_t> q = pager->Allocate(leaf ? PageType::kBtreeLeaf : PageType::kBtreeInterior);
  if (!q.ok()) return q.status();
  CellList top;
  if (leaf) {
    std::string sep, cell;
    Status s = LeafSeparator(*pager, cells, k, &sep);
    if (s.ok()) s = MakeInteriorCell(pager, *p, sep, &cell);
    if (!s.ok()) return s;
    top.Add(reinterpret_cast<const uint8_t*>(cell.data()), static_cast<uint32_t>(cell.size()));
    BuildNode(pager->GetMutable(*p), ps, 0, cells, 0, k, 0);
    BuildNode(pager->GetMutable(*q), ps, 0, cells, k, cells.size(), 0);
  } else {
    top.Add(cells.cell(k), cells.cell_size(k));
    top.SetChild(0, *p);
    BuildNode(pager->GetMutable(*p), ps, level, cells, 0, k, CellChild(cells, k));
    BuildNode(pager->GetMutable(*q), ps, level, cells, k + 1, cells.size(), right);
  }
  BuildNode(pager->GetMutable(root), ps, level + 1, top, 0, 1, *q);
  return Status::OK();
}

// Removes cell `index` from node `id` (whose page must already be fetched
// through GetMutable in this operation or is fetched here).
Status RemoveCellAt(Pager* pager, uint32_t id, uint32_t index, Cell* removed) {
  uint8_t* page = pager->GetMutable(id);
  NodeView node(page, pager->page_size());
  if (index >= node.count() || !node.GetCell(index, removed)) {
    return PageCorruption(id, "bad cell " + std::to_string(index));
  }
  RemoveCell(page, index, removed->size);
  return Status::OK();
}

// Pulls the single child of an interior root without cells into the root
// page, as often as needed. Only the node part (from the owner field on) is
// copied: the header bytes are the pager's, so the root keeps its page type.
Status ShrinkRoot(Pager* pager, uint32_t root) {
  for (;;) {
    NodeView node(nullptr, 0);
    Status s = LoadNode(*pager, root, -1, &node);
    if (!s.ok()) return s;
    if (node.is_leaf() || node.count() > 0) return Status::OK();
    uint32_t child = node.right_child();
    NodeView child_node(nullptr, 0);
    s = LoadNode(*pager, child, static_cast<int>(node.level()) - 1, &child_node);
    if (!s.ok()) return s;
    uint8_t* page = pager->GetMutable(root);
    const uint8_t* src = pager->Get(child);
    std::memcpy(page + kHeaderOwnerOffset, src + kHeaderOwnerOffset,
                pager->page_size() - kHeaderOwnerOffset);
    pager->Free(child);
  }
}

}  // namespace

Status MakeInteriorCell(Pager* pager, uint32_t child, std::string_view key, std::string* cell) {
  const uint32_t ps = pager->page_size();
  uint32_t size = static_cast<uint32_t>(key.size());
  uint32_t local = LocalSize(size, size, ps);
  uint32_t overflow = 0;
  if (local < size) {
    Result<uint32_t> r = WriteOverflow(pager, key, std::string_view(), local);
    if (!r.ok()) return r.status();
    overflow = *r;
  }
  cell->resize(InteriorCellSize(size, ps));
  EncodeInteriorCell(reinterpret_cast<uint8_t*>(&(*cell)[0]), child, key, overflow, ps);
  return Status::OK();
}

Status InsertWithSplit(Pager* pager, Path* path, int d, uint32_t idx, const uint8_t* cell,
                       uint32_t size, uint32_t run) {
  const uint32_t ps = pager->page_size();
  std::string carried;  // the cell to insert one level up, when this one splits
  for (;;) {
    const uint32_t id = path->e[d].page;
    uint8_t* page = pager->GetMutable(id);
    uint8_t* dst;
    Status s = ReserveCell(page, id, ps, idx, size, &dst);
    if (!s.ok()) return s;
    if (dst != nullptr) {
      std::memmove(dst, cell, size);
      return Status::OK();
    }

    // Full: gather every cell with the new one in place, and split.
    NodeView node(page, ps);
    const uint32_t level = node.level();
    const bool leaf = level == 0;
    const uint32_t right = node.right_child();
    CellList cells;
    s = GatherCells(node, id, &cells);
    if (!s.ok()) return s;
    cells.Insert(idx, cell, size);
    const uint32_t m = cells.size();
    uint32_t k;
    s = leaf ? ChooseLeafSplit(*pager, *path, d, cells, idx, run, &k)
             : ChooseSplit(cells, false, NodeCapacity(ps), &k);
    if (!s.ok()) return s;
    if (d == 0) return SplitRoot(pager, id, level, cells, right, k);

    Result<uint32_t> q = pager->Allocate(leaf ? PageType::kBtreeLeaf : PageType::kBtreeInterior);
    if (!q.ok()) return q.status();
    if (leaf) {
      std::string sep;
      s = LeafSeparator(*pager, cells, k, &sep);
      if (s.ok()) s = MakeInteriorCell(pager, id, sep, &carried);
      if (!s.ok()) return s;
      BuildNode(pager->GetMutable(id), ps, 0, cells, 0, k, 0);
      BuildNode(pager->GetMutable(*q), ps, 0, cells, k, m, 0);
    } else {
      carried.assign(reinterpret_cast<const char*>(cells.cell(k)), cells.cell_size(k));
      EncodeFixed32(reinterpret_cast<uint8_t*>(&carried[0]), id);
      BuildNode(pager->GetMutable(id), ps, level, cells, 0, k, CellChild(cells, k));
      BuildNode(pager->GetMutable(*q), ps, level, cells, k + 1, m, right);
    }
    // In the parent, the position that led here now leads to the right half,
    // and the separator cell (left half, key) goes in front of it.
    --d;
    idx = path->e[d].index;
    s = SetChildAt(pager->GetMutable(path->e[d].page), path->e[d].page, ps, idx, *q);
    if (!s.ok()) return s;
    cell = reinterpret_cast<const uint8_t*>(carried.data());
    size = static_cast<uint32_t>(carried.size());
  }
}

Status RebalanceAfterDelete(Pager* pager, Path* path, int d) {
  const uint32_t ps = pager->page_size();
  const uint32_t cap = NodeCapacity(ps);
  for (; d > 0; --d) {
    const uint32_t id = path->e[d].page;
    NodeView node(nullptr, 0);
    Status s = LoadNode(*pager, id, -1, &node);
    if (!s.ok()) return s;
    if (!Underfull(node)) break;
    const uint32_t level = node.level();
    const bool leaf = level == 0;

    const uint32_t parent = path->e[d - 1].page;
    NodeView pnode(nullptr, 0);
    // The root's page type does not follow its level: load it as a root.
    s = LoadNode(*pager, parent, d - 1 == 0 ? -1 : static_cast<int>(level) + 1, &pnode);
    if (!s.ok()) return s;
    if (pnode.level() != level + 1) return PageCorruption(parent, "level does not match child");
    const uint32_t pos = path->e[d - 1].index;
    if (pnode.count() == 0) continue;  // no sibling; the parent is handled next
    const uint32_t sep_idx = pos < pnode.count() ? pos : pos - 1;
    const uint32_t left = pos < pnode.count() ? id : pnode.ChildAt(pos - 1);
    const uint32_t right = pos < pnode.count() ? pnode.ChildAt(pos + 1) : id;
    Cell sep;
    if (!pnode.GetCell(sep_idx, &sep)) return PageCorruption(parent, "bad separator cell");
    if (sep.child != left) return PageCorruption(parent, "separator does not match its child");
    std::string sep_cell(reinterpret_cast<const char*>(sep.data), sep.size);
    const uint32_t sep_overflow = sep.overflow;
    const uint32_t sep_overflow_bytes = sep.payload_size() - sep.local_size;

    NodeView lnode(nullptr, 0), rnode(nullptr, 0);
    s = LoadNode(*pager, left, static_cast<int>(level), &lnode);
    if (s.ok()) s = LoadNode(*pager, right, static_cast<int>(level), &rnode);
    if (!s.ok()) return s;
    if (left == right) return PageCorruption(parent, "a child appears twice");
    const uint32_t right_right = rnode.right_child();
    CellList cells;
    s = GatherCells(lnode, left, &cells);
    if (!s.ok()) return s;
    if (!leaf) {
      // The separator comes down between the halves, pointing at the left
      // node's old right child.
      cells.Add(reinterpret_cast<const uint8_t*>(sep_cell.data()),
                static_cast<uint32_t>(sep_cell.size()));
      cells.SetChild(cells.size() - 1, lnode.right_child());
    }
    s = GatherCells(rnode, right, &cells);
    if (!s.ok()) return s;
    const uint32_t m = cells.size();

    if (cells.NodeBytes(0, m) <= cap) {
      // Merge into the left node; the right page goes back to the free list.
      BuildNode(pager->GetMutable(left), ps, level, cells, 0, m, leaf ? 0 : right_right);
      Cell removed;
      s = RemoveCellAt(pager, parent, sep_idx, &removed);
      if (!s.ok()) return s;
      s = SetChildAt(pager->GetMutable(parent), parent, ps, sep_idx, left);
      if (!s.ok()) return s;
      pager->Free(right);
      if (leaf && sep_overflow != 0) {
        // A leaf-level separator is dropped; an interior one moved down.
        s = FreeOverflow(pager, sep_overflow, sep_overflow_bytes);
        if (!s.ok()) return s;
      }
      continue;  // the parent lost a cell: it may be underfull now
    }

    // Redistribute evenly and replace the separator in the parent.
    uint32_t k;
    s = ChooseSplit(cells, leaf, cap, &k);
    if (!s.ok()) return s;
    std::string new_sep;
    if (leaf) {
      std::string key;
      s = LeafSeparator(*pager, cells, k, &key);
      if (s.ok()) s = MakeInteriorCell(pager, left, key, &new_sep);
      if (!s.ok()) return s;
      BuildNode(pager->GetMutable(left), ps, 0, cells, 0, k, 0);
      BuildNode(pager->GetMutable(right), ps, 0, cells, k, m, 0);
    } else {
      new_sep.assign(reinterpret_cast<const char*>(cells.cell(k)), cells.cell_size(k));
      EncodeFixed32(reinterpret_cast<uint8_t*>(&new_sep[0]), left);
      BuildNode(pager->GetMutable(left), ps, level, cells, 0, k, CellChild(cells, k));
      BuildNode(pager->GetMutable(right), ps, level, cells, k + 1, m, right_right);
    }
    Cell removed;
    s = RemoveCellAt(pager, parent, sep_idx, &removed);
    if (!s.ok()) return s;
    // Position sep_idx now leads to the right node; the new separator cell
    // (left node, key) goes in front of it.
    s = InsertWithSplit(pager, path, d - 1, sep_idx,
                        reinterpret_cast<const uint8_t*>(new_sep.data()),
                        static_cast<uint32_t>(new_sep.size()), 0);
    if (!s.ok()) return s;
    if (leaf && sep_overflow != 0) {
      s = FreeOverflow(pager, sep_overflow, sep_overflow_bytes);
      if (!s.ok()) return s;
    }
    return Status::OK();
  }
  if (d == 0) return ShrinkRoot(pager, path->e[0].page);
  return Status::OK();
}

}  // namespace btree
}  // namespace pd
