// Slotted-page operations on one B+tree node (byte format in btree/format.h).
// Internal to btree/.
//
// NodeView reads a node in place; it holds a pointer into a pager page and is
// valid as long as that pointer is (pager/pager.h: until the next Allocate,
// Free, Rollback*, TakeCommit). Nothing here touches the pager: overflow
// pages are btree/overflow.h's business, and key comparisons that need them
// are in btree/overflow.h too.
//
// Validation: NodeView::Check() verifies the header against the page in O(1)
// (page type, level, slot array inside the page, content start); GetCell()
// verifies that the cell it parses lies inside [content start, page size)
// and that its sizes are within limits. Both return false / Corruption on
// bad bytes; nothing here reads outside the page.
//
// The mutating functions take a page pointer from Pager::GetMutable().
#ifndef PD_BTREE_NODE_H_
#define PD_BTREE_NODE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "btree/format.h"
#include "util/coding.h"
#include "util/status.h"

namespace pd {
namespace btree {

// Corruption("btree page <id>: <what>").
Status PageCorruption(uint32_t page_id, const std::string& what);

// One parsed cell. Pointers point into the page (or CellList buffer) it was
// parsed from and share its lifetime.
struct Cell {
  const uint8_t* data = nullptr;     // first byte of the cell
  const uint8_t* payload = nullptr;  // first local payload byte (key, then value)
  uint32_t size = 0;                 // bytes of the whole encoded cell
  uint32_t child = 0;                // interior: child page id at this position; leaf: 0
  uint32_t key_size = 0;             // bytes of the key
  uint32_t value_size = 0;           // bytes of the value; 0 in interior cells
  uint32_t local_size = 0;           // payload bytes stored in the cell itself
  uint32_t overflow = 0;             // first overflow page id, 0 = none

  uint32_t payload_size() const { return key_size + value_size; }
  bool key_is_local() const { return key_size <= local_size; }
  // The key bytes stored in the cell (all of the key iff key_is_local()).
  std::string_view local_key() const {
    return std::string_view(reinterpret_cast<const char*>(payload),
                            key_size < local_size ? key_size : local_size);
  }
};

// Parses one cell from [p, limit). Returns false if the bytes do not form a
// cell of a node of this kind and page size within [p, limit).
bool ParseCell(const uint8_t* p, const uint8_t* limit, bool leaf, uint32_t page_size,
               Cell* cell);

// Encoded sizes of cells.
uint32_t LeafCellSize(uint32_t key_size, uint32_t value_size, uint32_t page_size);
uint32_t InteriorCellSize(uint32_t key_size, uint32_t page_size);

// Writes a leaf cell for (key, value) to dst; `overflow` is the first page of
// the chain holding the payload beyond LocalSize (0 iff none is needed).
// REQUIRES: dst has LeafCellSize(...) bytes.
void EncodeLeafCell(uint8_t* dst, std::string_view key, std::string_view value,
                    uint32_t overflow, uint32_t page_size);
// Writes an interior cell (child, key) to dst; `overflow` as above.
// REQUIRES: dst has InteriorCellSize(...) bytes.
void EncodeInteriorCell(uint8_t* dst, uint32_t child, std::string_view key, uint32_t overflow,
                        uint32_t page_size);

// Read-only view of a node page.
class NodeView {
 public:
  NodeView(const uint8_t* page, uint32_t page_size) : page_(page), page_size_(page_size) {}

  const uint8_t* page() const { return page_; }
  uint32_t page_size() const { return page_size_; }
  uint32_t count() const { return DecodeFixed16(page_ + kNodeCountOffset); }
  uint32_t level() const { return DecodeFixed16(page_ + kNodeLevelOffset); }
  bool is_leaf() const { return level() == 0; }
  uint32_t content_start() const { return DecodeFixed32(page_ + kNodeContentOffset); }
  uint32_t garbage() const { return DecodeFixed32(page_ + kNodeGarbageOffset); }
  uint32_t right_child() const { return DecodeFixed32(page_ + kNodeRightChildOffset); }
  uint32_t slot(uint32_t i) const {
    return DecodeFixed16(page_ + kNodeSlotsOffset + kSlotSize * i);
  }
  // Bytes between the slot array and the content area.
  uint32_t gap() const { return content_start() - kNodeSlotsOffset - kSlotSize * count(); }
  // Bytes of slots and cells in use (per the header's garbage count).
  uint32_t used() const { return NodeCapacity(page_size_) - gap() - garbage(); }

  // O(1) header validation: a btree page type, level < kMaxDepth, the slot
  // array and content start inside the page, garbage within the content
  // area, a non-zero right child exactly in interior nodes. Unless
  // expected_level is negative (a root, or a node validated before), also
  // level == expected_level and the page type matching the level: a root's
  // page type stays what Allocate() gave it while its level changes (only the
  // pager writes header bytes 0..19; btree/format.h). Corruption names
  // `page_id`.
  Status Check(uint32_t page_id, int expected_level) const;

  // Parses cell i into *cell, checking that it lies in [content start, page
  // size). REQUIRES: i < count() and Check() passed. False on bad bytes.
  bool GetCell(uint32_t i, Cell* cell) const {
    uint32_t off = slot(i);
    if (off < content_start() || off >= page_size_) return false;
    return ParseCell(page_ + off, page_ + page_size_, is_leaf(), page_size_, cell);
  }

  // Interior: the child page id at position pos (0..count(); count() is the
  // right child). 0 on a bad cell. REQUIRES: !is_leaf(), Check() passed.
  uint32_t ChildAt(uint32_t pos) const;

 private:
  const uint8_t* page_;  // the node's page image (page_size_ bytes)
  uint32_t page_size_;   // bytes
};

// Cells copied out of nodes, in key order, for split/merge/redistribute.
// Interior cells keep their child id in their first 4 bytes.
class CellList {
 public:
  void Clear() {
    bytes_.clear();
    offsets_.clear();
  }
  void Add(const uint8_t* cell, uint32_t size);
  // Inserts a cell before position i (i <= size()).
  void Insert(uint32_t i, const uint8_t* cell, uint32_t size);
  uint32_t size() const { return static_cast<uint32_t>(offsets_.size()); }
  const uint8_t* cell(uint32_t i) const {
    return reinterpret_cast<const uint8_t*>(bytes_.data()) + offsets_[i];
  }
  uint32_t cell_size(uint32_t i) const {
    uint32_t end = i + 1 < size() ? offsets_[i + 1] : static_cast<uint32_t>(bytes_.size());
    return end - offsets_[i];
  }
  // Bytes the cells [begin, end) take in a node, slots included.
  uint32_t NodeBytes(uint32_t begin, uint32_t end) const;
  // Overwrites the child id of interior cell i.
  void SetChild(uint32_t i, uint32_t child);

 private:
  std::string bytes_;              // the cells, back to back
  std::vector<uint32_t> offsets_;  // offsets_[i]: start of cell i in bytes_
};

// --- mutations (page from Pager::GetMutable) ---

// Makes `page` an empty node of this level (node header only; the page type
// is Allocate()'s).
void InitNode(uint8_t* page, uint32_t page_size, uint32_t level);

// Appends every cell of the node to *out in order. Corruption on bad cells.
Status GatherCells(const NodeView& node, uint32_t page_id, CellList* out);

// Rewrites `page` as a node of `level` holding cells [begin, end) of `cells`
// and (interior) `right_child`. REQUIRES: they fit (NodeBytes <= capacity).
void BuildNode(uint8_t* page, uint32_t page_size, uint32_t level, const CellList& cells,
               uint32_t begin, uint32_t end, uint32_t right_child);

// Makes room for a cell of `size` bytes at index i (0..count), compacting the
// page if the gap is too small but gap + garbage suffices, and inserts its
// slot. Sets *dst to where the caller must write the cell, or to nullptr if
// the node cannot hold it (nothing changed). Corruption if compaction finds
// bad cells.
Status ReserveCell(uint8_t* page, uint32_t page_id, uint32_t page_size, uint32_t i,
                   uint32_t size, uint8_t** dst);

// Removes slot i; its cell body, of `cell_size` bytes, becomes garbage.
void RemoveCell(uint8_t* page, uint32_t i, uint32_t cell_size);

// Interior: sets the child page id at position pos (0..count). Corruption if
// the cell at pos does not lie in the page.
Status SetChildAt(uint8_t* page, uint32_t page_id, uint32_t page_size, uint32_t pos,
                  uint32_t child);

// Rewrites the node with its cells packed at the end of the page and no
// garbage. Corruption if the cells are bad or overlap beyond the page.
Status Compact(uint8_t* page, uint32_t page_id, uint32_t page_size);

}  // namespace btree
}  // namespace pd

#endif  // PD_BTREE_NODE_H_
