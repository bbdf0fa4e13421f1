// BTree: an ordered map from byte-string keys to byte-string values, stored
// as a B+tree in pager pages. This is the interface table/ includes (with
// btree/cursor.h and btree/check.h); the design and byte formats are in
// btree/format.h.
//
// Many trees live in one pager. A tree is named by its root page id, which
// Create() returns and which never changes while the tree exists, so higher
// layers store it once (in a meta root slot or in a catalog entry).
//
// Keys and values
//   Keys are 1..kMaxKeySize (8 KiB) bytes and sort by unsigned bytes, then by
//   length (a proper prefix first): std::string_view::compare order. Values
//   are 0..kMaxValueSize (1 MiB) bytes. Sizes outside these ranges are
//   InvalidArgument. Large keys and values work on every page size: what
//   does not fit in a node goes to overflow pages.
//
// Handles
//   BTree is a small copyable handle (pager pointer + root id). It does not
//   own the pager, which must outlive it. Any number of handles and cursors
//   may refer to one tree.
//
// Errors
//   Corruption: damaged pages were met (the message names the page); nothing
//     is read outside a page and nothing crashes.
//   NotFound: Get/Delete of an absent key.
//   InvalidArgument: key or value size out of range.
//   OutOfSpace: the pager cannot allocate more pages.
//   A write (Put, Delete, Create, Drop) that returns non-OK may have changed
//   some pages: the caller must RollbackOperation() the pager operation it
//   runs in. Writes should therefore run inside Pager::BeginOperation() ..
//   EndOperation(), which is what table/ does.
//
// Writes invalidate every Cursor on the pager (btree/cursor.h).
//
// Thread safety: none (the core is single-threaded).
#ifndef PD_BTREE_BTREE_H_
#define PD_BTREE_BTREE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "btree/cursor.h"
#include "pager/pager.h"
#include "util/status.h"

namespace pd {

class BTree {
 public:
  static constexpr uint32_t kMaxKeySize = 8192;        // bytes
  static constexpr uint32_t kMaxValueSize = 1u << 20;  // bytes

  // Allocates an empty tree (a single empty leaf) and returns its root page
  // id. OutOfSpace if the pager is full.
  static Result<uint32_t> Create(Pager* pager);

  // Frees every page of the tree rooted at `root`: its nodes, its overflow
  // pages and the root itself. The tree is validated first (Corruption, and
  // nothing freed, if it is damaged or shares pages with itself).
  static Status Drop(Pager* pager, uint32_t root);

  // A handle on the existing tree rooted at `root`.
  // REQUIRES: pager outlives the handle; root came from Create() on it.
  BTree(Pager* pager, uint32_t root) : pager_(pager), root_(root) {}

  uint32_t root() const { return root_; }
  Pager* pager() const { return pager_; }

  // The value stored under key, or NotFound.
  Result<std::string> Get(std::string_view key) const;
  // Same, into *value (reusing its capacity: no allocation on hot paths).
  // On NotFound or error *value is unspecified.
  Status Get(std::string_view key, std::string* value) const;

  // Inserts key -> value, replacing any existing value.
  //
  // `run`: the first `run` bytes of a key name its run, a group of keys that
  // grows at its ends (a partition whose sort keys ascend or descend); keys
  // whose first `run` bytes differ are in different runs. A full leaf splits
  // at the run boundary nearest its middle and, inside one run, after an
  // append at the run's end (or before a prepend at its start) keeps the old
  // leaf full, so that runs growing in the middle of the tree fill their
  // pages. 0: the whole tree is one run (only appends at the tree's ends
  // split unevenly). It affects the tree's shape only, never its contents.
  Status Put(std::string_view key, std::string_view value, uint32_t run = 0);

  // Removes key; NotFound (and no change) if it is absent.
  Status Delete(std::string_view key);

  // A cursor over this tree, not yet positioned (!Valid()).
  Cursor NewCursor() const { return Cursor(pager_, root_); }

 private:
  Pager* pager_;   // not owned
  uint32_t root_;  // root page id; constant for the tree's lifetime
};

}  // namespace pd

#endif  // PD_BTREE_BTREE_H_
