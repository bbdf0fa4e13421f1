#include "btree/btree.h"

#include <cstring>
#include <vector>

#include "btree/format.h"
#include "btree/node.h"
#include "btree/overflow.h"
#include "btree/tree_internal.h"

namespace pd {

using btree::Cell;
using btree::NodeView;
using btree::Path;

static_assert(BTree::kMaxKeySize == btree::kMaxKeySize, "public and format limits agree");
static_assert(BTree::kMaxValueSize == btree::kMaxValueSize, "public and format limits agree");

namespace {

Status CheckKey(std::string_view key) {
  if (key.empty() || key.size() > btree::kMaxKeySize) {
    return Status::InvalidArgument("btree key of " + std::to_string(key.size()) +
                                   " bytes; keys are 1 to 8192 bytes");
  }
  return Status::OK();
}

// Collects every page of the tree (nodes and overflow pages), validating
// node headers, cells and chains and refusing pages reached twice.
Status CollectTreePages(const Pager& pager, uint32_t root, std::vector<uint32_t>* pages) {
  std::vector<bool> seen(pager.page_count(), false);
  struct Item {
    uint32_t page;  // node page id
    int level;      // expected level, -1 for the root
  };
  std::vector<Item> todo{{root, -1}};
  while (!todo.empty()) {
    Item item = todo.back();
    todo.pop_back();
    NodeView node(nullptr, 0);
    Status s = btree::LoadNode(pager, item.page, item.level, &node);
    if (!s.ok()) return s;
    if (seen[item.page]) return btree::PageCorruption(item.page, "reached twice");
    seen[item.page] = true;
    pages->push_back(item.page);
    uint32_t n = node.count();
    for (uint32_t i = 0; i < n; ++i) {
      Cell cell;
      if (!node.GetCell(i, &cell)) {
        return btree::PageCorruption(item.page, "bad cell " + std::to_string(i));
      }
      if (cell.overflow != 0) {
        size_t before = pages->size();
        s = btree::CollectOverflow(pager, cell.overflow, cell.payload_size() - cell.local_size,
                                   pages);
        if (!s.ok()) return s;
        for (size_t j = before; j < pages->size(); ++j) {
          if (seen[(*pages)[j]]) {
            return Status::Corruption("overflow page " + std::to_string((*pages)[j]) +
                                      " reached twice");
          }
          seen[(*pages)[j]] = true;
        }
      }
      if (!node.is_leaf()) todo.push_back({cell.child, static_cast<int>(node.level()) - 1});
    }
    if (!node.is_leaf()) todo.push_back({node.right_child(), static_cast<int>(node.level()) - 1});
  }
  return Status::OK();
}

}  // namespace

Result<uint32_t> BTree::Create(Pager* pager) {
  Result<uint32_t> id = pager->Allocate(PageType::kBtreeLeaf);
  if (!id.ok()) return id.status();
  btree::InitNode(pager->GetMutable(*id), pager->page_size(), 0);
  return *id;
}

Status BTree::Drop(Pager* pager, uint32_t root) {
  std::vector<uint32_t> pages;
  Status s = CollectTreePages(*pager, root, &pages);
  if (!s.ok()) return s;
  for (uint32_t id : pages) pager->Free(id);
  return Status::OK();
}

Result<std::string> BTree::Get(std::string_view key) const {
  std::string value;
  Status s = Get(key, &value);
  if (!s.ok()) return s;
  return value;
}

Status BTree::Get(std::string_view key, std::string* value) const {
  Status s = CheckKey(key);
  if (!s.ok()) return s;
  Path path;
  bool exact;
  s = btree::Descend(*pager_, root_, key, &path, &exact);
  if (!s.ok()) return s;
  if (!exact) return Status::NotFound("key not in tree");
  const btree::PathEntry& leaf = path.e[path.depth - 1];
  NodeView node(pager_->Get(leaf.page), pager_->page_size());
  Cell cell;
  if (!node.GetCell(leaf.index, &cell)) {
    return btree::PageCorruption(leaf.page, "bad cell " + std::to_string(leaf.index));
  }
  if (cell.overflow == 0) {
    value->assign(reinterpret_cast<const char*>(cell.payload) + cell.key_size, cell.value_size);
    return Status::OK();
  }
  return btree::ReadValue(*pager_, cell, value);
}

Status BTree::Put(std::string_view key, std::string_view value, uint32_t run) {
  Status s = CheckKey(key);
  if (!s.ok()) return s;
  if (value.size() > btree::kMaxValueSize) {
    return Status::InvalidArgument("btree value of " + std::to_string(value.size()) +
                                   " bytes; values are at most 1 MiB");
  }
  const uint32_t ps = pager_->page_size();
  Path path;
  bool exact;
  s = btree::Descend(*pager_, root_, key, &path, &exact);
  if (!s.ok()) return s;
  const int d = path.depth - 1;
  const uint32_t leaf_id = path.e[d].page;
  const uint32_t idx = path.e[d].index;

  // The cell being replaced, if any: its size and overflow chain.
  uint32_t old_size = 0, old_overflow = 0, old_overflow_bytes = 0;
  if (exact) {
    Cell old;
    if (!NodeView(pager_->Get(leaf_id), ps).GetCell(idx, &old)) {
      return btree::PageCorruption(leaf_id, "bad cell " + std::to_string(idx));
    }
    old_size = old.size;
    old_overflow = old.overflow;
    old_overflow_bytes = old.payload_size() - old.local_size;
  }

  // The new cell; its spilled payload goes to a new chain first (Allocate).
  const uint32_t key_size = static_cast<uint32_t>(key.size());
  const uint32_t payload = key_size + static_cast<uint32_t>(value.size());
  const uint32_t local = btree::LocalSize(payload, key_size, ps);
  const uint32_t size = btree::LeafCellSize(key_size, static_cast<uint32_t>(value.size()), ps);
  uint32_t overflow = 0;
  if (local < payload) {
    Result<uint32_t> r = btree::WriteOverflow(pager_, key, value, local);
    if (!r.ok()) return r.status();
    overflow = *r;
  }

  uint8_t* page = pager_->GetMutable(leaf_id);
  if (exact) {
    NodeView node(page, ps);
    if (old_size == size) {
      // Same footprint: overwrite in place.
      btree::EncodeLeafCell(page + node.slot(idx), key, value, overflow, ps);
      return btree::FreeOverflow(pager_, old_overflow, old_overflow_bytes);
    }
    btree::RemoveCell(page, idx, old_size);
  }
  uint8_t* dst;
  s = btree::ReserveCell(page, leaf_id, ps, idx, size, &dst);
  if (!s.ok()) return s;
  if (dst != nullptr) {
    btree::EncodeLeafCell(dst, key, value, overflow, ps);
  } else {
    std::string cell(size, '\0');
    btree::EncodeLeafCell(reinterpret_cast<uint8_t*>(&cell[0]), key, value, overflow, ps);
    s = btree::InsertWithSplit(pager_, &path, d, idx, reinterpret_cast<const uint8_t*>(cell.data()),
                               size, run);
    if (!s.ok()) return s;
  }
  if (old_overflow != 0) return btree::FreeOverflow(pager_, old_overflow, old_overflow_bytes);
  return Status::OK();
}

Status BTree::Delete(std::string_view key) {
  Status s = CheckKey(key);
  if (!s.ok()) return s;
  Path path;
  bool exact;
  s = btree::Descend(*pager_, root_, key, &path, &exact);
  if (!s.ok()) return s;
  if (!exact) return Status::NotFound("key not in tree");
  const int d = path.depth - 1;
  const uint32_t leaf_id = path.e[d].page;
  const uint32_t idx = path.e[d].index;
  uint8_t* page = pager_->GetMutable(leaf_id);
  Cell cell;
  if (!NodeView(page, pager_->page_size()).GetCell(idx, &cell)) {
    return btree::PageCorruption(leaf_id, "bad cell " + std::to_string(idx));
  }
  const uint32_t overflow = cell.overflow;
  const uint32_t overflow_bytes = cell.payload_size() - cell.local_size;
  btree::RemoveCell(page, idx, cell.size);
  if (overflow != 0) {
    s = btree::FreeOverflow(pager_, overflow, overflow_bytes);
    if (!s.ok()) return s;
  }
  return btree::RebalanceAfterDelete(pager_, &path, d);
}

}  // namespace pd
