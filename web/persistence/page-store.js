// PageStore: one replica of a database, as the replica set (replica-set.js)
// and recovery (recovery.js) see it. Three kinds implement it: IdbStore
// (idb-store.js, a browser's IndexedDB), FileStore (file-store.js, Node
// files) and MemoryStore (memory-store.js, tests and storage 'memory').
// This file is the contract plus the helpers they share; it holds no store.
//
// What a store holds (layout version 2: checkpoint + log)
//   A head, checkpoint pages and a log of commit records. The head is the
//   database's meta page (page 0, format in core/pager/format.h) as of the
//   store's last CHECKPOINT; its LSN is the store's ckptLsn. The checkpoint
//   pages are page 1 .. head.pageCount-1 as of ckptLsn. The log holds the
//   commit records (core/pager/log_record.h, record.js) with LSNs ckptLsn+1 ..
//   end, each following the one before (prevLsn = lsn - 1). The store's state
//   is the database at LSN `end`: the checkpoint with the log redone on it.
//   A store with no head, no pages and no log is empty: every new database at
//   LSN 0 (the meta page alone). Layout version 1 (head + pages, no log: the
//   release before) is read as version 2 with ckptLsn = its LSN and an empty
//   log, and upgraded in place when opened; a layout newer than 2 fails with
//   StoreError kind 'format' and is never written.
//
//   Checkpoint pages are kept as VERSIONS (page id, the LSN in the image's
//   header): writePages adds versions that stay invisible until flipHead makes
//   a newer head current; reads take, per page, the newest version whose LSN
//   is <= ckptLsn. So a checkpoint written in many small steps between commits
//   changes nothing a crash could expose until its head flip, which is atomic.
//   Every version written belongs to a durable state of the database's one
//   history (the replica set writes only those), so a version newer than the
//   head is never wrong, only early.
//
// The interface (every method is async):
//   open()                         prepares the store (creates files or the IndexedDB database,
//                                  upgrades layout version 1).
//   readHead()   -> Head | null    null: the store is empty.
//                                  Head = { lsn, ckptLsn, logCount, pageCount, pageSize, crc, meta }:
//                                  lsn is the store's end (ckptLsn when the log is empty); pageCount,
//                                  pageSize, crc are read from the meta image (the checkpoint's) WITHOUT
//                                  checking it (recovery checks it with the core's readMetaHead); meta is
//                                  the raw image, or null when pages or records exist without any head
//                                  (then lsn and ckptLsn are -1): a damaged store.
//   readPages(ids?) -> Map<id, Uint8Array>
//                                  the checkpoint images of `ids` (an array of page ids) that the store
//                                  holds (all when ids is omitted), page 0 being the head's meta image:
//                                  per id the newest version whose LSN is <= ckptLsn. Images are not
//                                  checked. The Map's `ckptLsn` property is the LSN of the head the
//                                  images belong to, read in the same transaction (-1: no head), and
//                                  `pageCount` that head's page count (ids at or past it are absent), so a
//                                  caller can tell a replica whose checkpoint moved (or went back: a
//                                  restored old copy) since it last looked. One IndexedDB transaction;
//                                  files read only the pages asked for (the page fault path,
//                                  page-fetcher.js, reads a few pages at a time).
//   readLog(afterLsn) -> [{ lsn, prevLsn, record }]
//                                  the records after afterLsn (default: ckptLsn) in LSN order, as far as
//                                  they follow each other and pass the store's own check (a CRC32C kept
//                                  beside each record); the rest is left out (the store is then behind).
//   readStart() -> { head, log, roots }
//                                  optional: readHead() and readLog() in one read (IdbStore: one
//                                  transaction), and `roots`, the checkpoint images (a Map as
//                                  readPages gives) of the pages the head's root slots name
//                                  (rootPageIds: the catalog's root, ...) and of the pages its 'hot'
//                                  hint names (hotPageIds: every tree's root and interior levels, as
//                                  the last checkpoint found them), which operations read first;
//                                  recovery uses it at open when a store has it.
//   appendRecords(entries, expectedEnd, base?)
//                                  appends records [{ lsn, prevLsn, record: Uint8Array }] (consecutive)
//                                  atomically, after checking inside the same write that the store's end
//                                  (0 for an empty store) is expectedEnd; if not, nothing is written and
//                                  it rejects with StoreError kind 'stale' (error.head: the store's end,
//                                  null if it has no valid one). An empty store takes `base` (the meta
//                                  image at LSN 0) as its head in the same write; without a base, or when
//                                  it holds pages or records but no head, it rejects 'stale' (head null).
//                                  The end checked may be the one the store's own last settled write left,
//                                  when nothing can have moved it since (IdbStore: same connection, no
//                                  failure, no other such write under way; the header of idb-store.js).
//   truncateLog(toLsn)             removes the records after toLsn (a rolled-back commit). toLsn >= ckptLsn.
//   writePages(pages)              adds checkpoint page versions [[id, image]] (invisible until flipHead).
//   flipHead(meta, written, hot?)  makes `meta` (the meta image at LSN D) the head: ckptLsn becomes D;
//                                  `written` (Map id -> LSN) names the versions this checkpoint wrote,
//                                  whose older versions are dropped; records <= D are dropped, and pages
//                                  >= the new page count. Rejects 'stale' (nothing changed) unless the
//                                  store's end is >= D and its ckptLsn <= D. REQUIRES: every page that
//                                  changed between the old ckptLsn and D has a version written.
//                                  `hot` (Uint32Array, optional): page ids kept as the head's 'hot' hint
//                                  for readStart (a store without readStart ignores it).
//   writeFull(meta, pages, records?) replaces everything: head = meta, pages [[id, image]] every page 1 ..
//                                  pageCount-1 (a rebuild), and a log of `records` (default none: empty;
//                                  [{ lsn, prevLsn, record }] following meta's LSN: a copy of a peer's
//                                  checkpoint and log). Atomic where the medium allows (IndexedDB,
//                                  memory); otherwise the store has no head until it is complete.
//                                  A store whose `streamsWriteFull` is true takes `pages` as any iterable
//                                  and puts each page as it comes (the replica set then hands a rebuild's
//                                  pages over a chunk at a time; the iteration may throw: nothing written).
//   repairPage(id, image, ckptLsn) replaces the checkpoint version of page id whose LSN is image's (a
//                                  damaged one) with `image`, if the store's checkpoint is still at
//                                  ckptLsn (else 'stale', nothing written). Used by the scrub (scrub.js).
//   readScrub() -> { id } | null   where the background scrub stopped; writeScrub({ id }) saves it (a
//                                  hint: a lost position only repeats a step). Optional for other stores.
//   clear()                        removes everything (the store becomes empty).
//   close()                        releases the medium; later calls reject with kind 'closed'.
//   destroy()                      close() and delete the medium (database / directory).
//   describe() -> string           where the store lives, for messages ('IndexedDB "shop#1"').
//
// Failures reject with StoreError: kind 'stale' | 'quota' | 'closed' | 'io' | 'format'
// and outcome 'none' (nothing was written) or 'unknown' (the write may have
// taken effect: the replica set then treats the store as unknown and rebuilds it).
// Kind 'format': the store was written by a newer pocketdynamo (layout version > 2);
// recovery refuses to open such a database instead of rebuilding over it.

import { PocketDynamoError } from '../errors.js';

// Page header fields the stores and the replica set read (core/pager/format.h).
const HEADER_LSN_OFFSET = 8;        // u64 LE: LSN of the commit that last wrote the page
const HEADER_CRC_OFFSET = 16;       // u32 LE: CRC32C of the page
const META_PAGE_SIZE_OFFSET = 36;   // u32 LE: bytes per page (meta page only)
const META_PAGE_COUNT_OFFSET = 40;  // u32 LE: pages in the database (meta page only)
const HEADER_ID_OFFSET = 0;         // u32 LE: page id
const META_ROOTS_OFFSET = 56;       // u32 LE x ROOT_SLOTS: the trees' root page ids, 0 = none (meta page only)
export const ROOT_SLOTS = 8;

/** Why a store operation failed (see the header). */
export class StoreError extends PocketDynamoError {
  /**
   * kind: 'stale' | 'quota' | 'closed' | 'io' | 'format'; options: { outcome: 'none' | 'unknown',
   * head (stale: the store's LSN or null), cause }.
   */
  constructor(kind, message, { outcome = 'none', head, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.kind = kind;
    this.outcome = outcome;
    if (head !== undefined) this.head = head;
  }
}

function view(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The LSN field of the page image starting at `offset` in `bytes` (LSNs stay below 2^53). */
export function pageLsn(bytes, offset = 0) {
  const v = view(bytes);
  return v.getUint32(offset + HEADER_LSN_OFFSET, true) + v.getUint32(offset + HEADER_LSN_OFFSET + 4, true) * 2 ** 32;
}

/** The id, LSN and CRC fields of a page image's header (unchecked), or null if it is too short. */
export function pageHeader(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < 24) return null;
  const v = view(bytes);
  return { id: v.getUint32(HEADER_ID_OFFSET, true), lsn: pageLsn(bytes), crc: v.getUint32(HEADER_CRC_OFFSET, true) };
}

/**
 * True if `image`, a sound checkpoint image of page `id` read from a replica whose checkpoint is at
 * `ckptLsn`, is provably the image a replica whose checkpoint is at `wantedCkptLsn` should hold
 * for that page, where that replica's own copy is `bad` (damaged; undefined when missing). Replica
 * states are one linear history, so the same checkpoint LSN means the same checkpoint pages;
 * across checkpoints only the very image that was damaged will do: `bad`'s header still names
 * this id with the image's page LSN and CRC (a CRC32C over the whole page).
 */
export function samePageImage(id, image, ckptLsn, bad, wantedCkptLsn) {
  if (ckptLsn === wantedCkptLsn) return true;
  const header = pageHeader(image);
  const badHeader = bad ? pageHeader(bad) : null;
  return header !== null && badHeader !== null && badHeader.id === id && badHeader.lsn === header.lsn &&
    badHeader.crc === header.crc && header.lsn <= wantedCkptLsn;
}

/**
 * A head read from a meta page image without checking it: { lsn, pageCount,
 * pageSize, crc, meta }. Fields of a too-short image are NaN.
 */
export function headFromMeta(meta) {
  if (!(meta instanceof Uint8Array) || meta.byteLength < 64) {
    return { lsn: NaN, pageCount: NaN, pageSize: NaN, crc: NaN, meta: meta ?? null };
  }
  const v = view(meta);
  return {
    lsn: pageLsn(meta),
    pageCount: v.getUint32(META_PAGE_COUNT_OFFSET, true),
    pageSize: v.getUint32(META_PAGE_SIZE_OFFSET, true),
    crc: v.getUint32(HEADER_CRC_OFFSET, true),
    meta,
  };
}

/** The head of a damaged store that holds pages but no head at all. */
export function missingHead() {
  return { lsn: -1, ckptLsn: -1, logCount: 0, pageCount: NaN, pageSize: NaN, crc: NaN, meta: null };
}

/**
 * The page ids the meta image's root slots name (catalog, request tokens, backups, streams:
 * core/pager/format.h, docs/formats.md), those below its page count, ascending; [] for an image
 * too short to hold them. Not checked: a store may read them ahead, the core checks what it gets.
 */
export function rootPageIds(meta) {
  if (!(meta instanceof Uint8Array) || meta.byteLength < META_ROOTS_OFFSET + 4 * ROOT_SLOTS) return [];
  const v = view(meta);
  const count = v.getUint32(META_PAGE_COUNT_OFFSET, true);
  const ids = new Set();
  for (let slot = 0; slot < ROOT_SLOTS; slot++) {
    const id = v.getUint32(META_ROOTS_OFFSET + 4 * slot, true);
    if (id !== 0 && id < count) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * At most this many bytes of pages in a store's 'hot' hint (flipHead's `hot`): the roots and
 * interior levels a checkpoint found resident (core/engine.h HotPages), which readStart reads with
 * the head so that a first read after open faults on its leaf only. 256 KiB: 32 pages of 8 KiB,
 * every interior page of a 100,000-item table; the levels past it come in by engine.warmInterior.
 */
export const HOT_PAGE_BYTES = 256 << 10;

/**
 * The page ids of a store's 'hot' hint `value` (a Uint32Array as flipHead stored it) that the
 * head `meta` can hold: below its page count, not 0, at most HOT_PAGE_BYTES of pages, in the
 * hint's order; [] for anything else. A hint, not checked: a stale id costs one page read, and
 * the core checks every page it gets.
 */
export function hotPageIds(value, meta) {
  if (!(value instanceof Uint32Array) || !(meta instanceof Uint8Array)) return [];
  const { pageCount: count } = headFromMeta(meta);   // NaN for a short image: no id passes
  const max = Math.floor(HOT_PAGE_BYTES / meta.byteLength);
  const ids = [];
  for (const id of value) {
    if (ids.length >= max) break;
    if (id !== 0 && id < count) ids.push(id);
  }
  return ids;
}

/** The layout version the stores write (see the header). */
export const STORE_FORMAT = 2;

/** The StoreError for a store whose layout version is newer or unknown. */
export function formatError(where, found) {
  return new StoreError('format', `${where} was written by a newer pocketdynamo (storage layout version ${found}); ` +
      `this version reads layout versions 1 and ${STORE_FORMAT}. Open it with that newer version (or export it ` +
      'there); nothing was changed');
}

/** A head for a meta image plus the log's extent: { lsn: end, ckptLsn, logCount, pageCount, pageSize, crc, meta }. */
export function headWithLog(meta, end, logCount) {
  const head = headFromMeta(meta);
  return { ...head, ckptLsn: head.lsn, lsn: logCount > 0 ? end : head.lsn, logCount };
}

/** A copy of `bytes` with its own ArrayBuffer (what IndexedDB should store: a view would clone its whole buffer). */
export function ownedCopy(bytes) {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
