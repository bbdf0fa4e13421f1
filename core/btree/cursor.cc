#include "btree/cursor.h"

#include <vector>

#include "btree/format.h"
#include "btree/node.h"
#include "btree/overflow.h"
#include "btree/tree_internal.h"

namespace pd {

using btree::Cell;
using btree::LoadNode;
using btree::NodeView;
using btree::PageCorruption;

static_assert(Cursor::kMaxDepth == btree::kMaxDepth, "cursor stack holds the deepest tree");

Status Cursor::Fail(Status s) {
  valid_ = false;
  status_ = s;
  return s;
}

void Cursor::HintSiblings(const uint8_t* node_page, uint32_t pos, uint32_t child) const {
  if (!read_ahead_ || pager_->resident(child)) return;
  NodeView node(node_page, pager_->page_size());
  const uint32_t n = node.count();
  const std::string_view bound(bound_);
  std::vector<uint32_t> ids;
  for (uint32_t k = 1; k <= kReadAheadPages; ++k) {
    Cell cell;
    uint32_t p;
    if (read_forward_) {
      if (pos + k > n) break;
      p = pos + k;  // its keys are >= the separator of cell p - 1
      if (!bound.empty() && node.GetCell(p - 1, &cell) && cell.key_is_local() &&
          cell.local_key() >= bound) {
        break;
      }
    } else {
      if (k > pos) break;
      p = pos - k;  // its keys are < the separator of cell p
      if (!bound.empty() && node.GetCell(p, &cell) && cell.key_is_local() &&
          cell.local_key() <= bound) {
        break;
      }
    }
    const uint32_t id = node.ChildAt(p);
    if (id == 0) break;
    if (!pager_->resident(id)) ids.push_back(id);
  }
  if (!ids.empty()) pager_->HintPages(ids);
}

// Descends from node `id` at stack depth d to the first (or last) leaf below
// it, pushing frames. *leaf_count is that leaf's cell count.
Status Cursor::DescendEdge(int d, uint32_t id, int expected_level, bool first,
                           uint32_t* leaf_count) {
  NodeView node(nullptr, 0);
  for (;;) {
    Status s = LoadNode(*pager_, id, expected_level, &node);
    if (!s.ok()) return s;
    uint32_t n = node.count();
    if (node.is_leaf()) {
      stack_[d].page = id;
      stack_[d].index = first || n == 0 ? 0 : n - 1;
      depth_ = d + 1;
      *leaf_count = n;
      return Status::OK();
    }
    uint32_t pos = first ? 0 : n;
    stack_[d].page = id;
    stack_[d].index = pos;
    uint32_t child = node.ChildAt(pos);
    if (child == 0) return PageCorruption(id, "bad child pointer");
    HintSiblings(node.page(), pos, child);
    expected_level = static_cast<int>(node.level()) - 1;
    ++d;
    id = child;
  }
}

// Moves the stack to the first (forward) or last position of the next or
// previous leaf; *found is false at the end of the tree.
Status Cursor::StepLeaf(bool forward, bool* found, uint32_t* leaf_count) {
  *found = false;
  for (int a = depth_ - 2; a >= 0; --a) {
    NodeView node(nullptr, 0);
    Status s = LoadNode(*pager_, stack_[a].page, -1, &node);
    if (!s.ok()) return s;
    uint32_t pos = stack_[a].index;
    if (forward ? pos >= node.count() : pos == 0) continue;
    pos = forward ? pos + 1 : pos - 1;
    stack_[a].index = pos;
    uint32_t child = node.ChildAt(pos);
    if (child == 0) return PageCorruption(stack_[a].page, "bad child pointer");
    HintSiblings(node.page(), pos, child);
    *found = true;
    return DescendEdge(a + 1, child, static_cast<int>(node.level()) - 1, forward, leaf_count);
  }
  return Status::OK();
}

// Lands on the current leaf's edge entry, stepping over empty leaves (only
// a root leaf may be empty in a sound tree; damaged ones may have more), or
// leaves the cursor !Valid() at the end of the tree.
Status Cursor::SettleOnLeaf(bool forward, uint32_t leaf_count) {
  while (leaf_count == 0) {
    bool found;
    Status s = StepLeaf(forward, &found, &leaf_count);
    if (!s.ok()) return s;
    if (!found) {
      valid_ = false;
      return Status::OK();
    }
  }
  return LoadEntry();
}

Status Cursor::LoadEntry() {
  const Frame& leaf = stack_[depth_ - 1];
  NodeView node(nullptr, 0);
  Status s = LoadNode(*pager_, leaf.page, 0, &node);
  if (!s.ok()) return s;
  Cell cell;
  if (leaf.index >= node.count() || !node.GetCell(leaf.index, &cell)) {
    return PageCorruption(leaf.page, "bad cell " + std::to_string(leaf.index));
  }
  payload_ = cell.payload;
  key_size_ = cell.key_size;
  value_size_ = cell.value_size;
  local_size_ = cell.local_size;
  overflow_ = cell.overflow;
  if (cell.key_is_local()) {
    key_ = cell.local_key();
  } else {
    s = btree::ReadKey(*pager_, cell, &key_buf_);
    if (!s.ok()) return s;
    key_ = key_buf_;
  }
  valid_ = true;
  return Status::OK();
}

// btree::Descend, naming the read-ahead when it faults on a child page.
Status Cursor::Descend(std::string_view key, btree::Path* path, bool* exact) {
  path->depth = 0;
  try {
    return btree::Descend(*pager_, root_, key, path, exact);
  } catch (const PageFault&) {
    if (read_ahead_ && path->depth > 0) {
      const btree::PathEntry& at = path->e[path->depth - 1];
      const uint8_t* page = pager_->Get(at.page);  // read just now: resident
      NodeView node(page, pager_->page_size());
      if (!node.is_leaf()) HintSiblings(page, at.index, node.ChildAt(at.index));
    }
    throw;
  }
}

Status Cursor::SeekToFirst() {
  valid_ = false;
  status_ = Status::OK();
  uint32_t leaf_count;
  Status s = DescendEdge(0, root_, -1, true, &leaf_count);
  if (s.ok()) s = SettleOnLeaf(true, leaf_count);
  return s.ok() ? s : Fail(s);
}

Status Cursor::SeekToLast() {
  valid_ = false;
  status_ = Status::OK();
  uint32_t leaf_count;
  Status s = DescendEdge(0, root_, -1, false, &leaf_count);
  if (s.ok()) s = SettleOnLeaf(false, leaf_count);
  return s.ok() ? s : Fail(s);
}

Status Cursor::Seek(std::string_view key) {
  valid_ = false;
  status_ = Status::OK();
  btree::Path path;
  bool exact;
  Status s = Descend(key, &path, &exact);
  if (!s.ok()) return Fail(s);
  for (int i = 0; i < path.depth; ++i) {
    stack_[i].page = path.e[i].page;
    stack_[i].index = path.e[i].index;
  }
  depth_ = path.depth;
  NodeView leaf(nullptr, 0);
  s = LoadNode(*pager_, stack_[depth_ - 1].page, 0, &leaf);
  if (s.ok()) {
    if (stack_[depth_ - 1].index < leaf.count()) {
      s = LoadEntry();
    } else {
      s = SettleOnLeaf(true, 0);
    }
  }
  return s.ok() ? s : Fail(s);
}

Status Cursor::SeekForPrev(std::string_view key) {
  valid_ = false;
  status_ = Status::OK();
  btree::Path path;
  bool exact;
  Status s = Descend(key, &path, &exact);
  if (!s.ok()) return Fail(s);
  for (int i = 0; i < path.depth; ++i) {
    stack_[i].page = path.e[i].page;
    stack_[i].index = path.e[i].index;
  }
  depth_ = path.depth;
  Frame& leaf = stack_[depth_ - 1];
  if (exact) {
    s = LoadEntry();
  } else if (leaf.index > 0) {
    --leaf.index;
    s = LoadEntry();
  } else {
    s = SettleOnLeaf(false, 0);
  }
  return s.ok() ? s : Fail(s);
}

Status Cursor::Next() {
  if (!valid_) return Fail(Status::InvalidArgument("Cursor::Next on an invalid cursor"));
  Frame& leaf = stack_[depth_ - 1];
  NodeView node(nullptr, 0);
  Status s = LoadNode(*pager_, leaf.page, 0, &node);
  if (!s.ok()) return Fail(s);
  valid_ = false;
  if (leaf.index + 1 < node.count()) {
    ++leaf.index;
    s = LoadEntry();
  } else {
    s = SettleOnLeaf(true, 0);
  }
  return s.ok() ? s : Fail(s);
}

Status Cursor::Prev() {
  if (!valid_) return Fail(Status::InvalidArgument("Cursor::Prev on an invalid cursor"));
  Frame& leaf = stack_[depth_ - 1];
  valid_ = false;
  Status s;
  if (leaf.index > 0) {
    --leaf.index;
    s = LoadEntry();
  } else {
    s = SettleOnLeaf(false, 0);
  }
  return s.ok() ? s : Fail(s);
}

Result<std::string_view> Cursor::value() {
  if (!valid_) return Status::InvalidArgument("Cursor::value on an invalid cursor");
  if (overflow_ == 0) {
    return std::string_view(reinterpret_cast<const char*>(payload_) + key_size_, value_size_);
  }
  Cell cell;
  cell.payload = payload_;
  cell.key_size = key_size_;
  cell.value_size = value_size_;
  cell.local_size = local_size_;
  cell.overflow = overflow_;
  Status s = btree::ReadValue(*pager_, cell, &value_buf_);
  if (!s.ok()) return s;
  return std::string_view(value_buf_);
}

}  // namespace pd
