// Integrity checker: walks B+trees and the pager's free list and verifies
// every invariant of btree/format.h and pager/format.h that the read paths do
// not check on their own (SQLite's sqlite3BtreeIntegrityCheck). Used by tests
// after randomised steps, and available to open a database.
//
// CheckDatabase(pager, roots) verifies, for every tree whose root is listed:
//   - node headers: btree page type (matching the level below the root),
//     level < kMaxDepth, slot array and content start inside the page;
//   - every child one level below its parent, so all leaves are at the same
//     depth; no node with zero cells except an empty root leaf;
//   - every cell inside [content start, page size), cells not overlapping,
//     cell bytes + garbage == the content area; sizes within limits;
//   - keys strictly increasing within a node and bounded by the separators
//     above it (lo <= leaf key < hi; lo < separator < hi);
//   - overflow chains: page type, per-page length, chain length, chain end;
// and for the whole database:
//   - the free list: trunk pages of type kFreeTrunk with counts that fit,
//     listed pages of type kFree, no cycles, total == the meta page's free
//     count == pager.free_page_count();
//   - no page reachable twice (within or across trees, or tree and free
//     list), and no page leaked: every page is the meta page, on the free
//     list, or reachable from exactly one listed root.
// CheckTree(pager, root) checks one tree without the whole-database
// accounting (other trees' pages and free pages are not looked at).
//
// Returns a CheckReport on success or Corruption describing the first
// problem found (naming the page). Never crashes on damaged pages.
// Cost: reads every page once; keys are copied per node.
#ifndef PD_BTREE_CHECK_H_
#define PD_BTREE_CHECK_H_

#include <cstdint>
#include <vector>

#include "pager/pager.h"
#include "util/status.h"

namespace pd {

struct CheckReport {
  uint32_t page_count = 0;        // pages in the database, meta page included
  uint32_t trees = 0;             // trees walked
  uint32_t leaf_pages = 0;        // leaf nodes
  uint32_t interior_pages = 0;    // interior nodes
  uint32_t overflow_pages = 0;    // overflow chain pages
  uint32_t free_pages = 0;        // free-list pages, trunks included (CheckDatabase only)
  uint64_t entries = 0;           // key/value pairs in the trees
  uint32_t max_levels = 0;        // levels of the deepest tree (1 = a lone root leaf)
  uint64_t node_bytes_used = 0;   // slot and cell bytes in all nodes
  uint64_t node_bytes_total = 0;  // node capacity (page size - node header) of all nodes
};

Result<CheckReport> CheckDatabase(const Pager& pager, const std::vector<uint32_t>& roots);

Result<CheckReport> CheckTree(const Pager& pager, uint32_t root);

}  // namespace pd

#endif  // PD_BTREE_CHECK_H_
