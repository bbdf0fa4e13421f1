// Overflow chains: the payload bytes of a cell beyond its local part (format
// in btree/format.h), and the key/value accessors that may need them.
// Internal to btree/.
//
// Every reader validates each chain page it touches: the id is a page of the
// database other than the meta page, its type is kOverflow, its length field
// is min(OverflowCapacity, bytes remaining), and its next pointer is 0 exactly
// on the last page. A chain therefore always ends: it cannot be longer than
// its byte count allows. Failures are Corruption naming the page.
//
// Writers (WriteOverflow, FreeOverflow) call Pager::Allocate / Free, which
// invalidate every page pointer the caller holds.
#ifndef PD_BTREE_OVERFLOW_H_
#define PD_BTREE_OVERFLOW_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "btree/node.h"
#include "pager/pager.h"
#include "util/status.h"

namespace pd {
namespace btree {

// Writes bytes [from, a.size() + b.size()) of the payload a ++ b to a new
// chain and returns its first page id. REQUIRES: from < a.size() + b.size().
// OutOfSpace (with no page left allocated) if the pager is full.
Result<uint32_t> WriteOverflow(Pager* pager, std::string_view a, std::string_view b,
                               uint32_t from);

// Appends the ids of the chain (first page `first`, carrying `bytes` bytes)
// to *ids, validating every page.
Status CollectOverflow(const Pager& pager, uint32_t first, uint32_t bytes,
                       std::vector<uint32_t>* ids);

// Validates the whole chain, then frees its pages.
Status FreeOverflow(Pager* pager, uint32_t first, uint32_t bytes);

// Frees the overflow chain of a cell, if it has one.
inline Status FreeCellOverflow(Pager* pager, const Cell& cell) {
  if (cell.overflow == 0) return Status::OK();
  return FreeOverflow(pager, cell.overflow, cell.payload_size() - cell.local_size);
}

// Appends bytes [skip, skip + len) of the chain's `bytes` bytes to *out.
// REQUIRES: skip + len <= bytes.
Status ReadOverflow(const Pager& pager, uint32_t first, uint32_t bytes, uint32_t skip,
                    uint32_t len, std::string* out);

// The cell's whole key / value, assigned to *out.
Status ReadKey(const Pager& pager, const Cell& cell, std::string* out);
Status ReadValue(const Pager& pager, const Cell& cell, std::string* out);

// Sets *result to <0, 0 or >0 as the cell's key sorts before, equal to or
// after `key` (memcmp order, then shorter first). Reads overflow pages only
// when the local part of the key does not decide.
Status CompareKey(const Pager& pager, const Cell& cell, std::string_view key, int* result);

// Compares two keys in tree order.
inline int CompareKeys(std::string_view a, std::string_view b) { return a.compare(b); }

}  // namespace btree
}  // namespace pd

#endif  // PD_BTREE_OVERFLOW_H_
