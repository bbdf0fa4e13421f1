#include "btree/node.h"

#include <cstring>

#include "pager/format.h"

namespace pd {
namespace btree {

namespace {

// Varint32 with a one-byte fast path; nullptr on bad bytes.
inline const uint8_t* ReadVarint(const uint8_t* p, const uint8_t* limit, uint32_t* v) {
  if (p < limit && *p < 0x80) {
    *v = *p;
    return p + 1;
  }
  return GetVarint32(p, limit, v);
}

inline uint8_t* WriteVarint(uint8_t* dst, uint32_t v) {
  while (v >= 0x80) {
    *dst++ = static_cast<uint8_t>(v | 0x80);
    v >>= 7;
  }
  *dst++ = static_cast<uint8_t>(v);
  return dst;
}

// Writes `n` payload bytes of key ++ value starting at the payload's first
// byte.
void CopyPayloadPrefix(uint8_t* dst, std::string_view key, std::string_view value, uint32_t n) {
  uint32_t from_key = n < key.size() ? n : static_cast<uint32_t>(key.size());
  if (from_key > 0) std::memcpy(dst, key.data(), from_key);
  if (n > from_key) std::memcpy(dst + from_key, value.data(), n - from_key);
}

}  // namespace

Status PageCorruption(uint32_t page_id, const std::string& what) {
  return Status::Corruption("btree page " + std::to_string(page_id) + ": " + what);
}

bool ParseCell(const uint8_t* p, const uint8_t* limit, bool leaf, uint32_t page_size,
               Cell* cell) {
  const uint8_t* q = p;
  cell->data = p;
  if (leaf) {
    cell->child = 0;
  } else {
    if (limit - q < 4) return false;
    cell->child = DecodeFixed32(q);
    q += 4;
  }
  q = ReadVarint(q, limit, &cell->key_size);
  if (q == nullptr || cell->key_size == 0 || cell->key_size > kMaxKeySize) return false;
  if (leaf) {
    q = ReadVarint(q, limit, &cell->value_size);
    if (q == nullptr || cell->value_size > kMaxValueSize) return false;
  } else {
    cell->value_size = 0;
  }
  uint32_t payload = cell->key_size + cell->value_size;
  uint32_t local = LocalSize(payload, cell->key_size, page_size);
  if (static_cast<uint64_t>(limit - q) < local) return false;
  cell->payload = q;
  cell->local_size = local;
  q += local;
  if (local < payload) {
    if (limit - q < 4) return false;
    cell->overflow = DecodeFixed32(q);
    q += 4;
    if (cell->overflow == 0) return false;
  } else {
    cell->overflow = 0;
  }
  cell->size = static_cast<uint32_t>(q - p);
  return true;
}

uint32_t LeafCellSize(uint32_t key_size, uint32_t value_size, uint32_t page_size) {
  uint32_t payload = key_size + value_size;
  uint32_t local = LocalSize(payload, key_size, page_size);
  return VarintLength(key_size) + VarintLength(value_size) + local + (local < payload ? 4 : 0);
}

uint32_t InteriorCellSize(uint32_t key_size, uint32_t page_size) {
  uint32_t local = LocalSize(key_size, key_size, page_size);
  return 4 + VarintLength(key_size) + local + (local < key_size ? 4 : 0);
}

void EncodeLeafCell(uint8_t* dst, std::string_view key, std::string_view value,
                    uint32_t overflow, uint32_t page_size) {
  uint32_t key_size = static_cast<uint32_t>(key.size());
  uint32_t value_size = static_cast<uint32_t>(value.size());
  uint32_t payload = key_size + value_size;
  uint32_t local = LocalSize(payload, key_size, page_size);
  dst = WriteVarint(dst, key_size);
  dst = WriteVarint(dst, value_size);
  CopyPayloadPrefix(dst, key, value, local);
  dst += local;
  if (local < payload) EncodeFixed32(dst, overflow);
}

void EncodeInteriorCell(uint8_t* dst, uint32_t child, std::string_view key, uint32_t overflow,
                        uint32_t page_size) {
  uint32_t key_size = static_cast<uint32_t>(key.size());
  uint32_t local = LocalSize(key_size, key_size, page_size);
  EncodeFixed32(dst, child);
  dst = WriteVarint(dst + 4, key_size);
  std::memcpy(dst, key.data(), local);
  dst += local;
  if (local < key_size) EncodeFixed32(dst, overflow);
}

Status NodeView::Check(uint32_t page_id, int expected_level) const {
  uint8_t type = page_[kHeaderTypeOffset];
  uint32_t lvl = level();
  if (type != static_cast<uint8_t>(PageType::kBtreeLeaf) &&
      type != static_cast<uint8_t>(PageType::kBtreeInterior)) {
    return PageCorruption(page_id, "not a btree node (page type " + std::to_string(type) + ")");
  }
  if (lvl >= static_cast<uint32_t>(kMaxDepth)) {
    return PageCorruption(page_id, "level " + std::to_string(lvl) + " beyond the depth limit");
  }
  if (expected_level >= 0 && (lvl == 0) != (type == static_cast<uint8_t>(PageType::kBtreeLeaf))) {
    return PageCorruption(page_id, "page type " + std::to_string(type) +
                                       " does not match level " + std::to_string(lvl));
  }
  if (expected_level >= 0 && lvl != static_cast<uint32_t>(expected_level)) {
    return PageCorruption(page_id, "level " + std::to_string(lvl) + ", expected " +
                                       std::to_string(expected_level));
  }
  uint32_t content = content_start();
  uint64_t slots_end = kNodeSlotsOffset + uint64_t{kSlotSize} * count();
  if (content > page_size_ || content < slots_end) {
    return PageCorruption(page_id, "content start " + std::to_string(content) +
                                       " outside [" + std::to_string(slots_end) + ", " +
                                       std::to_string(page_size_) + "] for " +
                                       std::to_string(count()) + " cells");
  }
  if (garbage() > page_size_ - content) {
    return PageCorruption(page_id, "garbage count " + std::to_string(garbage()) +
                                       " exceeds the content area");
  }
  if (lvl == 0 ? right_child() != 0 : right_child() == 0) {
    return PageCorruption(page_id, "bad right child " + std::to_string(right_child()));
  }
  return Status::OK();
}

uint32_t NodeView::ChildAt(uint32_t pos) const {
  if (pos >= count()) return right_child();
  Cell cell;
  if (!GetCell(pos, &cell)) return 0;
  return cell.child;
}

void CellList::Add(const uint8_t* cell, uint32_t size) {
  offsets_.push_back(static_cast<uint32_t>(bytes_.size()));
  bytes_.append(reinterpret_cast<const char*>(cell), size);
}

void CellList::Insert(uint32_t i, const uint8_t* cell, uint32_t size) {
  if (i == this->size()) {
    Add(cell, size);
    return;
  }
  uint32_t at = offsets_[i];
  bytes_.insert(at, reinterpret_cast<const char*>(cell), size);
  offsets_.insert(offsets_.begin() + i, at);
  for (uint32_t j = i + 1; j < offsets_.size(); ++j) offsets_[j] += size;
}

uint32_t CellList::NodeBytes(uint32_t begin, uint32_t end) const {
  if (begin >= end) return 0;
  uint32_t last_end = end < size() ? offsets_[end] : static_cast<uint32_t>(bytes_.size());
  return last_end - offsets_[begin] + kSlotSize * (end - begin);
}

void CellList::SetChild(uint32_t i, uint32_t child) {
  EncodeFixed32(reinterpret_cast<uint8_t*>(&bytes_[offsets_[i]]), child);
}

void InitNode(uint8_t* page, uint32_t page_size, uint32_t level) {
  EncodeFixed16(page + kNodeCountOffset, 0);
  EncodeFixed16(page + kNodeLevelOffset, static_cast<uint16_t>(level));
  EncodeFixed32(page + kNodeContentOffset, page_size);
  EncodeFixed32(page + kNodeGarbageOffset, 0);
  EncodeFixed32(page + kNodeRightChildOffset, 0);
}

Status GatherCells(const NodeView& node, uint32_t page_id, CellList* out) {
  uint32_t n = node.count();
  for (uint32_t i = 0; i < n; ++i) {
    Cell cell;
    if (!node.GetCell(i, &cell)) {
      return PageCorruption(page_id, "bad cell " + std::to_string(i));
    }
    out->Add(cell.data, cell.size);
  }
  return Status::OK();
}

void BuildNode(uint8_t* page, uint32_t page_size, uint32_t level, const CellList& cells,
               uint32_t begin, uint32_t end, uint32_t right_child) {
  InitNode(page, page_size, level);
  uint32_t content = page_size;
  for (uint32_t i = begin; i < end; ++i) {
    uint32_t size = cells.cell_size(i);
    content -= size;
    std::memcpy(page + content, cells.cell(i), size);
    EncodeFixed16(page + kNodeSlotsOffset + kSlotSize * (i - begin), static_cast<uint16_t>(content));
  }
  EncodeFixed16(page + kNodeCountOffset, static_cast<uint16_t>(end - begin));
  EncodeFixed32(page + kNodeContentOffset, content);
  EncodeFixed32(page + kNodeRightChildOffset, right_child);
}

Status Compact(uint8_t* page, uint32_t page_id, uint32_t page_size) {
  NodeView node(page, page_size);
  uint32_t n = node.count();
  uint32_t slots_end = kNodeSlotsOffset + kSlotSize * n;
  std::vector<uint8_t> scratch(page_size);
  std::vector<uint16_t> offsets(n);
  uint32_t content = page_size;
  for (uint32_t i = 0; i < n; ++i) {
    Cell cell;
    if (!node.GetCell(i, &cell)) return PageCorruption(page_id, "bad cell " + std::to_string(i));
    if (content < slots_end + cell.size) {
      return PageCorruption(page_id, "cells overlap: they do not fit the page");
    }
    content -= cell.size;
    std::memcpy(scratch.data() + content, cell.data, cell.size);
    offsets[i] = static_cast<uint16_t>(content);
  }
  std::memcpy(page + content, scratch.data() + content, page_size - content);
  for (uint32_t i = 0; i < n; ++i) {
    EncodeFixed16(page + kNodeSlotsOffset + kSlotSize * i, offsets[i]);
  }
  EncodeFixed32(page + kNodeContentOffset, content);
  EncodeFixed32(page + kNodeGarbageOffset, 0);
  return Status::OK();
}

Status ReserveCell(uint8_t* page, uint32_t page_id, uint32_t page_size, uint32_t i,
                   uint32_t size, uint8_t** dst) {
  *dst = nullptr;
  NodeView node(page, page_size);
  uint32_t need = size + kSlotSize;
  if (node.gap() < need) {
    if (node.gap() + node.garbage() < need) return Status::OK();
    Status s = Compact(page, page_id, page_size);
    if (!s.ok()) return s;
    if (node.gap() < need) return Status::OK();
  }
  uint32_t n = node.count();
  uint32_t content = node.content_start() - size;
  uint8_t* slots = page + kNodeSlotsOffset;
  std::memmove(slots + kSlotSize * (i + 1), slots + kSlotSize * i, kSlotSize * (n - i));
  EncodeFixed16(slots + kSlotSize * i, static_cast<uint16_t>(content));
  EncodeFixed16(page + kNodeCountOffset, static_cast<uint16_t>(n + 1));
  EncodeFixed32(page + kNodeContentOffset, content);
  *dst = page + content;
  return Status::OK();
}

void RemoveCell(uint8_t* page, uint32_t i, uint32_t cell_size) {
  uint32_t n = DecodeFixed16(page + kNodeCountOffset);
  uint8_t* slots = page + kNodeSlotsOffset;
  std::memmove(slots + kSlotSize * i, slots + kSlotSize * (i + 1), kSlotSize * (n - i - 1));
  EncodeFixed16(page + kNodeCountOffset, static_cast<uint16_t>(n - 1));
  EncodeFixed32(page + kNodeGarbageOffset, DecodeFixed32(page + kNodeGarbageOffset) + cell_size);
}

Status SetChildAt(uint8_t* page, uint32_t page_id, uint32_t page_size, uint32_t pos,
                  uint32_t child) {
  NodeView node(page, page_size);
  if (pos >= node.count()) {
    EncodeFixed32(page + kNodeRightChildOffset, child);
    return Status::OK();
  }
  uint32_t off = node.slot(pos);
  if (off < node.content_start() || off + 4 > page_size) {
    return PageCorruption(page_id, "bad cell " + std::to_string(pos));
  }
  EncodeFixed32(page + off, child);
  return Status::OK();
}

}  // namespace btree
}  // namespace pd
