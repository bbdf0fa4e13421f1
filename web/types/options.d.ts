// open() options.

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
   * Where the data lives. This version implements only 'memory' (the
   * default): data is lost when the page/process ends. Anything else
   * rejects with PocketDynamoError.
   */
  storage?: 'memory';
  /** Page size in bytes for a new database: a power of two in [4096, 65536]; default: the core's (8192). */
  pageSize?: number;
  /** Open this database instead of a new empty one. */
  snapshot?: Snapshot;
  /** Where to fetch (browser) or read (Node) pocketdynamo-core.wasm. Default: next to dist/core/module.js (import.meta.url). */
  wasmUrl?: string | URL;
  /** The wasm bytes themselves (then nothing is fetched or read). */
  wasmBinary?: ArrayBuffer | Uint8Array;
}
