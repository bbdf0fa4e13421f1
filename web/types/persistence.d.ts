// Persistence: the three replicas of a database, their status and events,
// and the PageStore interface a replica implements (web/persistence/).

import type { PocketDynamoError } from './errors.js';

/** The state of one replica, as db.replicas() and 'replica' events report it. */
export interface ReplicaStatus {
  /** 0, 1 or 2 (IndexedDB database '<name>#<index>', directory 'replica-<index>'). */
  index: number;
  /** LSN of the state the replica holds for certain; null while unknown (it is being rebuilt). */
  lsn: number | null;
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
  /** Pages of the source replica that were damaged and taken from another replica. */
  replaced: number[];
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
  /** A commit reached two replicas. */
  commit: { lsn: number; pages: number; operations: number };
  /** A commit could not reach two replicas and was undone. */
  rollback: { lsn: number; error: PersistenceError | { name: string; message: string } };
  /** A replica was scanned for damaged pages (after open, or verifyReplicas()). */
  scan: { index: number; lsn: number | null; badPages: number[] | null };
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
  /** 'quota' when a replica ran out of storage space, else the first failure's kind. */
  reason: 'quota' | 'io' | 'closed' | 'stale' | 'skipped';
  /** True when storage quota was the cause (the message starts "Storage quota exceeded"). */
  quotaExceeded: boolean;
  /** Each replica's failure. */
  replicaErrors?: { index: number; kind: string; message: string }[];
}

/** One commit (or rebuild) as a store receives it. */
export interface StoreBatch {
  /** LSN the store has afterwards. */
  lsn: number;
  /** Pages in the database afterwards. */
  pageCount: number;
  /** Bytes per page. */
  pageSize: number;
  /** [page id, image] pairs, page 0 (the new head) included. */
  pages: [number, Uint8Array][];
}

/** A store's head, read without checking (recovery checks it). */
export interface StoreHead {
  lsn: number;
  pageCount: number;
  pageSize: number;
  crc: number;
  /** The meta page image; null when the store holds pages but no head (damaged). */
  meta: Uint8Array | null;
}

/** One replica's storage (web/persistence/page-store.js has the full contract). */
export interface PageStore {
  open?(): Promise<void>;
  /** null when the store is empty. */
  readHead(): Promise<StoreHead | null>;
  /** Images of `ids` (all held when omitted), page 0 being the head. */
  readPages(ids?: number[]): Promise<Map<number, Uint8Array>>;
  /** Atomic; rejects with StoreError kind 'stale' unless the store is at expectedPrevLsn (0 when empty). */
  writeCommit(batch: StoreBatch, expectedPrevLsn: number): Promise<void>;
  /** Replaces everything with a complete set of pages. */
  writeFull(batch: StoreBatch): Promise<void>;
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
  kind: 'stale' | 'quota' | 'closed' | 'io';
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
  };
  /** Writes attempted, and how many failed. */
  writes: number;
  failedWrites: number;
  open(): Promise<void>;
  readHead(): Promise<StoreHead | null>;
  readPages(ids?: number[]): Promise<Map<number, Uint8Array>>;
  writeCommit(batch: StoreBatch, expectedPrevLsn: number): Promise<void>;
  writeFull(batch: StoreBatch): Promise<void>;
  clear(): Promise<void>;
  close(): Promise<void>;
  destroy(): Promise<void>;
  describe(): string;
  /** Test helper: overwrites bytes of a held page (page 0: the head). */
  damagePage(id: number, offset?: number, count?: number, value?: number): boolean;
  /** Test helper: removes a held page (page 0: the head). */
  dropPage(id: number): boolean;
  /** Ids of the pages held. */
  pageIds(): number[];
}
