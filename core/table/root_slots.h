// The registry of the pager's root slots (pager/format.h: kRootSlots page
// ids in the meta page, 0 = none): which tree of table/ each slot names.
// Every slot is listed here, so two owners never take the same one; the
// owner's header includes this file and documents its tree's format.
// docs/formats.md ("Pager root slots") has the same table for readers.
//
// A new tree: the next free slot, a row here and there, and its pages in
// Engine::Check (core/engine.cc) so the integrity checker accounts for them.
// A slot's meaning is part of the persisted format: never renumber one.
#ifndef PD_TABLE_ROOT_SLOTS_H_
#define PD_TABLE_ROOT_SLOTS_H_

#include "pager/format.h"

namespace pd {

constexpr int kCatalogRootSlot = 0;       // catalog tree: table name -> entry (table/catalog.h)
constexpr int kRequestTokenRootSlot = 1;  // TransactWriteItems tokens (table/request_tokens.h)
constexpr int kBackupRootSlot = 2;        // backups tree: ARN -> entry (table/backups.h)
constexpr int kStreamRootSlot = 3;        // streams tree (table/stream_log.h)
// Slots 4 .. kRootSlots-1 are free.

static_assert(kStreamRootSlot < kRootSlots, "root slots fit the meta page");

}  // namespace pd

#endif  // PD_TABLE_ROOT_SLOTS_H_
