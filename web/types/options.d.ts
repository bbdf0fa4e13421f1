// open() options.

import type { PageStore } from './persistence.js';

/** A whole database as page images (Database.snapshot()). */
export interface Snapshot {
  /** Bytes per page. */
  pageSize: number;
  /** LSN of the last commit in the images. */
  lsn: number;
  /** Every page, page 0 first, pageSize bytes each. */
  pages: Uint8Array;
}

export interface OpenOptions {
  /** The database's name (default 'default'). */
  name?: string;
  /**
   * Where the data lives, as three replicas:
   * - 'idb': IndexedDB databases '<name>#0', '<name>#1', '<name>#2' (the
   *   default in browsers and workers); one tab owns the database and other
   *   tabs forward to it;
   * - 'memory': in this object only (the default in Node), lost when it is
   *   closed or the page/process ends;
   * - 'file': three directories under `path` (Node only; `path` alone implies it).
   */
  storage?: 'idb' | 'memory' | 'file';
  /** Node: the directory holding the three file replicas (storage 'file'). */
  path?: string;
  /** Three PageStores of your own instead (tests inject failures with MemoryStore). */
  stores?: [PageStore, PageStore, PageStore];
  /**
   * Storage 'idb', a tab that does not own the database: how long to wait for
   * the owner tab to answer before open() rejects (ms, default 3000).
   */
  forwardTimeoutMs?: number;
  /**
   * Test hook (storage 'idb'): each replica refuses a write that would make it
   * hold more than this many bytes of pages, as a full disk would (QuotaExceededError).
   */
  testQuotaBytes?: number;
  /**
   * Each commit appends a record to every replica's log; a checkpoint writes
   * the changed pages back and trims the logs once they hold more than this
   * many bytes (default: half the database's size, at least 8 MiB and at
   * most 32 MiB), after checkpointIdleMs without a commit
   * (default 2000), and at close(). checkpointChunkPages: pages per write of a
   * checkpoint, between commits (default 32). Small values are for tests.
   */
  logLimitBytes?: number;
  /**
   * Bytes of page cache in the core (databases with replicas: 'idb', 'file',
   * custom stores; default 64 MiB): open() reads only the replicas' heads and
   * logs, and pages are read from a replica (checked, and taken from another
   * if damaged) when an operation first needs them, evicted beyond this size.
   * 0: no cache bound (every page in memory, the whole database read and
   * checked at open). Needs a core built with the bounded page cache; a core
   * without one rejects a size > 0 with an error saying so (never ignored).
   * Not for storage 'memory' (it keeps every page: nowhere to read one back from).
   */
  cacheBytes?: number;
  /**
   * Tests: a tiny cache where every page read misses once (also set by the
   * environment variable PD_CHAOS_PAGING=1 in Node). Needs the bounded page
   * cache, as cacheBytes.
   */
  chaosPaging?: boolean;
  checkpointIdleMs?: number;
  checkpointChunkPages?: number;
  /** Page size in bytes for a new database: a power of two in [4096, 65536]; default: the core's (8192). */
  pageSize?: number;
  /**
   * Open this database instead of a new empty one. With storage 'idb' or
   * 'file' it is written to the replicas before open() resolves, and only
   * into an empty database (otherwise open() rejects).
   */
  snapshot?: Snapshot;
  /**
   * Storage 'idb': open even when the browser discarded this database's data
   * (all three replicas empty while the localStorage marker
   * 'pocketdynamo:<name>' or the browser's dataLoss report says it held data).
   * Without it open() rejects with DataLossError; with it the database opens
   * EMPTY, the marker is cleared, and recovery.dataLoss reports what was
   * lost. In a worker (no localStorage) the marker is a file in the origin
   * private file system; where neither exists only Chromium's one-time
   * dataLoss report (to the first open after the wipe) can detect the loss.
   */
  acceptDataLoss?: boolean;
  /**
   * Storage 'idb': ask the browser for persistent storage while opening
   * (navigator.storage.persist(); the answer is Database.persisted). Default
   * false: open() only reads the state, because Firefox answers the request
   * with a permission prompt to the user; set it when the app has decided to
   * ask (or call db.persist() later, from a user gesture).
   */
  persist?: boolean;
  /** Where to fetch (browser) or read (Node) pocketdynamo-core.wasm. Default: next to dist/core/module.js (import.meta.url). */
  wasmUrl?: string | URL;
  /** The wasm bytes themselves (then nothing is fetched or read). */
  wasmBinary?: ArrayBuffer | Uint8Array;
  /**
   * The database's clock, ms since the epoch, read before every operation
   * (CreationDateTime, time to live, stream record times, iterator expiry).
   * Default: the system clock. For tests. Only the database's owner reads
   * it: a tab that forwards to another tab uses that tab's clock (its own
   * from the moment it takes over). A function cannot cross to a worker:
   * WorkerClient.open() rejects it; give it to serveDatabase(scope,
   * { options: { clock } }) in the worker.
   */
  clock?: () => number;
  /**
   * How often the owner runs the time-to-live sweep (ms; default 10000; 0:
   * only when sweepExpired() is called).
   */
  ttlSweepIntervalMs?: number;
}
