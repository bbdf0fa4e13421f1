// PageStore: one replica of a database, as the replica set (replica-set.js)
// and recovery (recovery.js) see it. Three kinds implement it: IdbStore
// (idb-store.js, a browser's IndexedDB), FileStore (file-store.js, Node
// files) and MemoryStore (memory-store.js, tests and storage 'memory').
// This file is the contract plus the helpers they share; it holds no store.
//
// What a store holds
//   A head and pages. The head is the database's meta page (page 0, format in
//   core/pager/format.h) as of the last commit the store applied; its LSN is
//   the store's LSN. The pages are page 1 .. head.pageCount-1 as of that LSN.
//   A store whose head says LSN L holds exactly the database's state at L:
//   writes are atomic, so there is no other state to observe. A store with
//   no head and no pages is empty, which is the state of every new database
//   at LSN 0 (the meta page alone). For writes, a store without a head counts
//   as LSN 0 even if it holds stray pages: every page but the meta page was
//   written by a commit with LSN >= 1, so a write that brings a store from
//   LSN 0 carries every page of the database and leaves nothing stray that
//   counts (pages beyond the page count are dropped).
//
// The interface (every method is async):
//   open()                         prepares the store (creates files or the IndexedDB database).
//   readHead()   -> Head | null    null: the store is empty (no head and no pages).
//                                  Head = { lsn, pageCount, pageSize, crc, meta }: lsn, pageCount,
//                                  pageSize, crc are read from the meta image WITHOUT checking it
//                                  (recovery checks it with the core's readMetaHead); meta is the
//                                  raw image (Uint8Array), or null when pages exist without any
//                                  head (then lsn is -1): a damaged store.
//   readPages(ids?) -> Map<id, Uint8Array>
//                                  the images of `ids` that the store holds (all it holds when ids is
//                                  omitted), page 0 being the head's meta image. Images are not checked.
//   writeCommit(batch, expectedPrevLsn)
//                                  applies `batch` (a StoreBatch, below) atomically: first checks,
//                                  inside the same transaction, that the store's LSN (0 for a store
//                                  without a head) is expectedPrevLsn; if not, nothing is written and it
//                                  rejects with StoreError kind 'stale' (error.head: the store's
//                                  LSN, null if it has no valid one). Pages with ids >= batch.pageCount
//                                  are dropped (a revert can shrink the database).
//   writeFull(batch)               replaces everything with `batch`, which holds every page 0 ..
//                                  pageCount-1 (a rebuild). Atomic where the medium allows (IndexedDB);
//                                  otherwise the store has no head until the rebuild is complete.
//   clear()                        removes head and pages (the store becomes empty).
//   close()                        releases the medium; later calls reject with kind 'closed'.
//   destroy()                      close() and delete the medium (database / directory).
//   describe() -> string           where the store lives, for messages ('IndexedDB "shop#1"').
//
// Failures reject with StoreError: kind 'stale' | 'quota' | 'closed' | 'io'
// and outcome 'none' (nothing was written) or 'unknown' (the write may have
// taken effect: the replica set then treats the store as unknown and rebuilds it).
//
// StoreBatch: { lsn, pageCount, pageSize, pages: [[id, Uint8Array], ...] }
//   lsn        the LSN the store will have afterwards (the meta page's LSN)
//   pageCount  pages in the database afterwards (the meta page's page count)
//   pageSize   bytes per page
//   pages      page images, each pageSize bytes; page 0 (the new head) is
//              always among them. Views may share one buffer; stores that
//              keep bytes beyond the call copy what they keep.

import { PocketDynamoError } from '../errors.js';

// Page header fields the stores and the replica set read (core/pager/format.h).
const HEADER_LSN_OFFSET = 8;        // u64 LE: LSN of the commit that last wrote the page
const HEADER_CRC_OFFSET = 16;       // u32 LE: CRC32C of the page
const META_PAGE_SIZE_OFFSET = 36;   // u32 LE: bytes per page (meta page only)
const META_PAGE_COUNT_OFFSET = 40;  // u32 LE: pages in the database (meta page only)
const HEADER_ID_OFFSET = 0;         // u32 LE: page id

/** Why a store operation failed (see the header). */
export class StoreError extends PocketDynamoError {
  /**
   * kind: 'stale' | 'quota' | 'closed' | 'io'; options: { outcome: 'none' | 'unknown',
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
  return { lsn: -1, pageCount: NaN, pageSize: NaN, crc: NaN, meta: null };
}

/** The meta image (page 0) of a StoreBatch. REQUIRES: the batch holds page 0. */
export function batchMeta(batch) {
  for (const [id, image] of batch.pages) if (id === 0) return image;
  throw new PocketDynamoError('A commit batch without its meta page (page 0)');
}

/** Bytes a store holding `batch`'s database needs for its pages (the figure quota checks use). */
export function batchBytes(batch) {
  return batch.pageCount * batch.pageSize;
}

/**
 * The StoreBatch of an engine commit ({ lsn, pageCount, pageSize, pageIds,
 * images }: core/engine.js takeCommit()), as views into its images buffer.
 */
export function batchFromCommit(commit) {
  const { pageSize } = commit;
  const pages = [];
  for (let i = 0; i < commit.pageIds.length; i++) {
    pages.push([commit.pageIds[i], commit.images.subarray(i * pageSize, (i + 1) * pageSize)]);
  }
  return { lsn: commit.lsn, pageCount: commit.pageCount, pageSize, pages };
}

/**
 * A StoreBatch taking every page of a snapshot ({ pageSize, lsn, pages }:
 * core/engine.js snapshot()) that `wanted(id, lsn)` accepts, in id order.
 * Page 0 is always included.
 */
export function batchFromSnapshot(snapshot, wanted = () => true) {
  const { pageSize, lsn, pages: bytes } = snapshot;
  const pageCount = bytes.byteLength / pageSize;
  const pages = [];
  for (let id = 0; id < pageCount; id++) {
    const offset = id * pageSize;
    if (id === 0 || wanted(id, pageLsn(bytes, offset))) pages.push([id, bytes.subarray(offset, offset + pageSize)]);
  }
  return { lsn, pageCount, pageSize, pages };
}

/** `extra` pages added to `batch` (ids already in batch win). Returns a new batch. */
export function mergeBatches(batch, extra) {
  const byId = new Map(extra.pages);
  for (const [id, image] of batch.pages) byId.set(id, image);
  const pages = [...byId.entries()].sort((a, b) => a[0] - b[0]);
  return { lsn: batch.lsn, pageCount: batch.pageCount, pageSize: batch.pageSize, pages };
}

/** A copy of `bytes` with its own ArrayBuffer (what IndexedDB should store: a view would clone its whole buffer). */
export function ownedCopy(bytes) {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
