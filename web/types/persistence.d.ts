// Persistence: the three replicas of a database, their status and events,
// and the PageStore interface a replica implements (web/persistence/).

import type { PocketDynamoError } from './errors.js';

/** The state of one replica, as db.replicas() and 'replica' events report it. */
export interface ReplicaStatus {
  /** 0, 1 or 2 (IndexedDB database '<name>#<index>', directory 'replica-<index>'). */
  index: number;
  /** LSN of the state the replica holds for certain (its log's end); null while unknown (it is being rebuilt). */
  lsn: number | null;
  /** LSN of the replica's last checkpoint (its log holds the commits after it); null while unknown. */
  checkpointLsn: number | null;
  /**
   * healthy: holds the newest durable state; stale: behind or damaged, catches up with the
   * next commit or repair; repairing: a catch-up or rebuild is being written; failed: its last
   * write failed (quota, I/O) and it is retried with backoff.
   */
  status: 'healthy' | 'stale' | 'repairing' | 'failed';
  /** Pages the replica holds (0 while unknown). */
  pageCount: number;
  /** Bytes of pages the replica holds (pageCount * page size). */
  bytes: number;
  /** Where it lives, e.g. 'IndexedDB "shop#1"'. */
  store: string;
  /** Why it is not healthy (the last error), when it is not. */
  reason?: string;
}

/** What open() found in the replicas (db.recovery). */
export interface RecoveryReport {
  /** True if every replica was empty: a new database. */
  fresh: boolean;
  /** The replica the database was opened from (null for a new one). */
  source: number | null;
  /** LSN of the opened state. */
  lsn: number;
  /** Pages of the source replica that were damaged and taken from another replica (an eager open only). */
  replaced: number[];
  /**
   * True when the core has a bounded page cache and open read no page but the
   * heads and logs: pages are read, checked and (if damaged) taken from
   * another replica when first needed, and a background scrub checks the rest.
   */
  lazy: boolean;
  /** Replicas whose newer state could not be read and was cleared (their commits were never acknowledged by both of the others, or two replicas were damaged). */
  discarded: { index: number; lsn: number }[];
  /** Why replicas with a higher LSN than the source could not be used. */
  skipped: string[];
  /**
   * Set when open({ acceptDataLoss: true }) started empty in place of data the
   * browser discarded: the marker's last LSN and the browser's report. Else null.
   */
  dataLoss: { lastLsn: number | null; markedAt: string | null; dataLoss: string | null; dataLossMessage: string | null } | null;
}

/** Events of db.on(name, fn). */
export interface DatabaseEvents {
  /** A replica's status changed. */
  replica: ReplicaStatus;
  /** A commit reached two replicas: its record (bytes) of the changes to `pages` pages. */
  commit: { lsn: number; pages: number; bytes: number; operations: number };
  /** A checkpoint was written (pages: page images written) and the heads of `replicas` flipped to lsn. */
  checkpoint: { lsn: number; pages: number; replicas: number[] };
  /** A commit could not reach two replicas and was undone. */
  rollback: { lsn: number; error: PersistenceError | { name: string; message: string } };
  /** A replica was scanned for damaged pages (after open, or verifyReplicas()). */
  scan: { index: number; lsn: number | null; end?: number; badPages: number[] | null; badRecords: number[] };
  /** A background repair round finished. */
  repair: { replicas: ReplicaStatus[] };
  /** Something went wrong in the background (writes may have stopped: see the message). */
  error: { error: Error | { name: string; message: string } };
  /** This object became the owner (another tab closed) or started forwarding. */
  role: { role: 'owner' | 'forwarding' };
}

/**
 * The PocketDynamoError a write rejects with when it could not be stored on
 * two replicas (it was undone, with every operation applied after it).
 */
export interface PersistenceError extends PocketDynamoError {
  /**
   * 'quota' when a replica ran out of storage space, else the first failure's
   * kind; 'corruption' when a page the core needed (page cache) is damaged or
   * missing on every replica (then `pages` names them).
   */
  reason: 'quota' | 'io' | 'closed' | 'stale' | 'skipped' | 'corruption';
  /** reason 'corruption': the page ids no replica could give. */
  pages?: number[];
  /** True when storage quota was the cause (the message starts "Storage quota exceeded"). */
  quotaExceeded: boolean;
  /** Each replica's failure. */
  replicaErrors?: { index: number; kind: string; message: string }[];
}

/** One commit record as a store keeps it (core/pager/log_record.h format). */
export interface StoreRecord {
  lsn: number;
  prevLsn: number;
  record: Uint8Array;
}

/** A store's head, read without checking (recovery checks it). */
export interface StoreHead {
  /** The store's end: the LSN of its last record, or ckptLsn when its log is empty. */
  lsn: number;
  /** The LSN of its checkpoint (the meta image's LSN). */
  ckptLsn: number;
  /** Records in its log after the checkpoint. */
  logCount: number;
  /** Of the checkpoint's meta image. */
  pageCount: number;
  pageSize: number;
  crc: number;
  /** The checkpoint's meta page image; null when the store holds pages or records but no head (damaged). */
  meta: Uint8Array | null;
}

/**
 * One replica's storage, layout version 2: a checkpoint (head + page
 * versions) and a log of commit records after it (web/persistence/page-store.js
 * has the full contract).
 */
export interface PageStore {
  open?(): Promise<void>;
  /** null when the store is empty. */
  readHead(): Promise<StoreHead | null>;
  /**
   * Checkpoint images of `ids` (all held when omitted), page 0 being the head;
   * the Map's ckptLsn is the head's LSN they belong to (-1: no head), read in
   * the same transaction (the page fault path checks it).
   */
  readPages(ids?: number[]): Promise<Map<number, Uint8Array> & { ckptLsn?: number }>;
  /** The sound records after afterLsn (default: the checkpoint's LSN), in order. */
  readLog(afterLsn?: number): Promise<StoreRecord[]>;
  /**
   * Optional: readHead(), readLog() and the checkpoint images of the pages the
   * head's root slots name (the catalog's root, ...) in one read (IdbStore: one
   * transaction); recovery uses it at open when a store has it.
   */
  readStart?(): Promise<{ head: StoreHead | null; log: StoreRecord[]; roots: Map<number, Uint8Array> }>;
  /**
   * Atomic; rejects with StoreError kind 'stale' unless the store's end is expectedEnd
   * (0 when empty). An empty store takes `base` (the meta image at LSN 0) as its head.
   */
  appendRecords(entries: StoreRecord[], expectedEnd: number, base?: Uint8Array | null): Promise<void>;
  /** Removes the records after toLsn. */
  truncateLog(toLsn: number): Promise<void>;
  /** Adds checkpoint page versions, invisible until flipHead. */
  writePages(pages: [number, Uint8Array][]): Promise<void>;
  /**
   * Makes `meta` (at LSN D) the head; drops records <= D and the versions `written` replaces.
   * `hot`: page ids readStart should read with the head (a hint; a store may ignore it).
   */
  flipHead(meta: Uint8Array, written: Map<number, number>, hot?: Uint32Array | null): Promise<void>;
  /** Replaces everything with a complete set of pages (a rebuild) and the log `records` (default: none). */
  writeFull(meta: Uint8Array, pages: [number, Uint8Array][], records?: StoreRecord[]): Promise<void>;
  /** Replaces the damaged checkpoint version of page `id` (image's LSN) if the checkpoint is still at ckptLsn. */
  repairPage?(id: number, image: Uint8Array, ckptLsn: number): Promise<void>;
  /** Where the background scrub stopped (a hint kept in the replica). */
  readScrub?(): Promise<{ id: number } | null>;
  writeScrub?(position: { id: number }): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
  destroy(): Promise<void>;
  describe?(): string;
  /**
   * Set by a store that learned, on open, that the browser discarded its data
   * (IndexedDB: Chromium's event.dataLoss, e.g. 'total', and dataLossMessage).
   */
  readonly dataLoss?: { kind: string; message: string } | null;
}

/** Why a store operation failed. */
export declare class StoreError extends PocketDynamoError {
  constructor(kind: StoreError['kind'], message: string,
    options?: { outcome?: 'none' | 'unknown'; head?: number | null; cause?: unknown });
  /** format: the store was written by a newer pocketdynamo (its layout version is unknown here). */
  kind: 'stale' | 'quota' | 'closed' | 'io' | 'format';
  /** 'none': nothing was written; 'unknown': the write may have taken effect. */
  outcome: 'none' | 'unknown';
  /** For 'stale': the store's LSN (null if it has none that is valid). */
  head?: number | null;
}

/**
 * A PageStore in memory, with fault injection for tests:
 * open({ stores: [new MemoryStore(), new MemoryStore(), new MemoryStore()] }).
 */
export declare class MemoryStore implements PageStore {
  constructor(options?: { label?: string });
  faults: {
    /** Fail this many upcoming writes (Infinity: all). */
    failWrites: number;
    /** How they fail. */
    error: 'io' | 'quota';
    /** Refuse a write whose database would exceed this many bytes (quota). */
    quotaBytes: number;
    /** Latency of every operation, in ms. */
    delayMs: number;
    /** Apply this many upcoming writes, then report them failed (outcome 'unknown'). */
    applyThenFail: number;
    /** Fail this many upcoming clear() calls. */
    failClears: number;
    /** Fail this many upcoming truncateLog() calls. */
    failTruncates: number;
    /** Leave this many upcoming appends torn (the last record cut short; outcome 'unknown'). */
    tornAppends: number;
  };
  /** Writes attempted, and how many failed. */
  writes: number;
  failedWrites: number;
  open(): Promise<void>;
  readHead(): Promise<StoreHead | null>;
  readPages(ids?: number[]): Promise<Map<number, Uint8Array>>;
  readLog(afterLsn?: number): Promise<StoreRecord[]>;
  appendRecords(entries: StoreRecord[], expectedEnd: number, base?: Uint8Array | null): Promise<void>;
  truncateLog(toLsn: number): Promise<void>;
  writePages(pages: [number, Uint8Array][]): Promise<void>;
  flipHead(meta: Uint8Array, written: Map<number, number>, hot?: Uint32Array | null): Promise<void>;
  writeFull(meta: Uint8Array, pages: [number, Uint8Array][]): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
  destroy(): Promise<void>;
  describe(): string;
  /** Test helper: flips a bit of the log record with this LSN. */
  damageRecord(lsn: number, offset?: number, bit?: number): boolean;
  /** LSNs of the log records held. */
  logLsns(): number[];
  /** Test helper: overwrites bytes of a held page (page 0: the head). */
  damagePage(id: number, offset?: number, count?: number, value?: number): boolean;
  /** Test helper: removes a held page (page 0: the head). */
  dropPage(id: number): boolean;
  /** Ids of the pages held. */
  pageIds(): number[];
}
