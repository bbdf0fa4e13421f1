// A database: the DynamoDB API (send), the document API (table) and the AWS
// SDK v3 adapter (requestHandler, clientConfig), the same for an in-page
// Database and a WorkerClient.

import type { Table, TableOptions } from './table.js';
import type { RequestHandler, ClientConfig } from './sdk.js';
import type { OpenOptions, Snapshot } from './options.js';
import type { DatabaseEvents, RecoveryReport, ReplicaStatus } from './persistence.js';
import type { ImportOptions, ImportResult, ImportSource, TableExport } from './transfer.js';
import type { ChangeRecord, LiveOptions, LiveQuery } from './changes.js';
import type { MarshallOptions, UnmarshallOptions } from './marshall.js';
import type { Sync, SyncOptions } from './sync.js';

/** Options of DatabaseBase.executeStatement (ExecuteStatement's Limit, NextToken, ConsistentRead). */
export interface ExecuteStatementOptions {
  limit?: number;
  nextToken?: string;
  consistentRead?: boolean;
  marshallOptions?: MarshallOptions;
  unmarshallOptions?: UnmarshallOptions;
}

export declare abstract class DatabaseBase {
  /**
   * The transport: one operation as wire JSON text -> the response or error
   * JSON text. Rejects only for failures of the database itself.
   */
  sendJson(operation: string, requestJson: string): Promise<string>;

  /**
   * Runs one DynamoDB operation with DynamoDB JSON input/output (binary
   * values may be given as Uint8Array and come back as base64 text).
   * Rejects with the DynamoDB error class named by the response.
   */
  send<Output = Record<string, any>>(operation: string, input?: object): Promise<Output>;
  /**
   * One PartiQL statement through ExecuteStatement with native values: each
   * parameter (one per `?`) is marshalled as the document API does and the
   * items come back unmarshalled. See docs/partiql.md.
   */
  executeStatement<Item = Record<string, any>>(statement: string, parameters?: unknown[],
    options?: ExecuteStatementOptions): Promise<{ items: Item[]; nextToken?: string }>;

  /**
   * The table as DynamoDB JSON lines (`{"Item": {...}}` per line, DynamoDB's
   * export format) as of one moment: no write lands while it is read
   * (operations called meanwhile wait). Rejects with
   * ResourceNotFoundException if the table does not exist.
   */
  exportTable(name: string): Promise<TableExport>;

  /**
   * Writes the items of `source` (DynamoDB JSON lines, or the JSON of
   * `aws dynamodb scan`, several pages allowed; gzip undone) into table
   * `name`, in batches of up to 25 items that are each written whole or not
   * at all. At a bad line it rejects with the DynamoDB error (mostly
   * ValidationException) naming the line, plus ImportErrorFields; the
   * batches before it stay written.
   */
  importTable(name: string, source: ImportSource, options?: ImportOptions): Promise<ImportResult>;

  /**
   * Calls fn(records) with every durable batch of committed changes to the
   * table, in commit order (any table: no StreamSpecification needed),
   * including changes made in other tabs or in the worker. Returns the
   * unsubscribe function.
   */
  subscribe(tableName: string, fn: (records: ChangeRecord[]) => void): () => void;

  /**
   * Runs the Query (input with KeyConditionExpression or KeyConditions) or
   * Scan, calls back with the response, and again after every committed
   * change that could change it (same table; for a Query, the same partition
   * key value; on an index, that index's key value).
   */
  live<Output = Record<string, any>>(input: { TableName: string; [member: string]: any },
    callback: (result: Output) => void, options?: LiveOptions): LiveQuery<Output>;

  /**
   * Keeps a table in step with a remote DynamoDB table (docs/sync.md).
   * Works on a Database that owns its data (Node, a worker's own Database,
   * the owning tab); rejects elsewhere.
   */
  sync<Item = Record<string, any>>(options: SyncOptions<Item>): Promise<Sync<Item>>;

  /** The document API for one table. */
  table<Item extends object = Record<string, any>, Key extends object = Partial<Item>>(
    name: string, options?: TableOptions): Table<Item, Key>;

  /** An AWS SDK v3 request handler answering from this database. */
  requestHandler(): RequestHandler;

  /**
   * A DynamoDBClient configuration: { region, credentials (placeholders),
   * maxAttempts: 1, requestHandler } plus overrides.
   */
  clientConfig<O extends object = {}>(overrides?: O): ClientConfig & O;
}

/**
 * What every handle on an open database offers, whether it runs the
 * database itself (Database, role 'owner'), forwards to the tab that does
 * (Database, role 'forwarding') or talks to a worker (WorkerClient): the
 * same calls, results, errors and events.
 */
export interface DatabaseHandle {
  /** The database's name. */
  readonly name: string;
  /** Where the data lives ('custom': stores given to open()). */
  readonly storage: 'idb' | 'memory' | 'file' | 'custom';
  /** True if the data outlives this page/process (storage 'idb' and 'file'). */
  readonly persistent: boolean;
  /**
   * Whether the origin has persistent storage (the browser will not evict its
   * data under storage pressure): navigator.storage.persisted(), read by
   * open() without asking (it never prompts), updated by persist() and
   * open({ persist: true }). null where unknown: Node, storage other than
   * 'idb', a browser without navigator.storage (WebKitGTK), a forwarding tab.
   * Without it the browser may evict the data; keep a backup (snapshot(), exportTable()).
   */
  readonly persisted: boolean | null;
  /**
   * Asks the browser for persistent storage for the origin
   * (navigator.storage.persist()). open() never asks by itself: Firefox
   * answers with a permission prompt to the user, so ask when the user can
   * see why (from a click, say). Chromium and Safari decide without a prompt.
   * Resolves to true / false as the browser answers (a prompt the user
   * dismisses is false), or null where there is nothing to ask (see
   * persisted; a WorkerClient asks from its page, since workers have no
   * persist()). Updates persisted.
   */
  persist(): Promise<boolean | null>;
  /** 'owner' if the database runs here (or, for a WorkerClient, in its worker), 'forwarding' if another tab runs it. */
  readonly role: 'owner' | 'forwarding';
  /** What open found in the replicas (null when forwarding). */
  readonly recovery: RecoveryReport | null;
  /** True once close() was called. */
  readonly closed: boolean;
  /** Each replica's LSN, status, pages and bytes. */
  replicas(): Promise<ReplicaStatus[]>;
  /** Reads every replica, finds damaged pages and repairs them; resolves to replicas(). */
  verifyReplicas(): Promise<ReplicaStatus[]>;
  /** Resolves once all three replicas are healthy; rejects after timeoutMs (default 30000). */
  whenHealthy(timeoutMs?: number): Promise<ReplicaStatus[]>;
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends keyof DatabaseEvents>(name: E, fn: (detail: DatabaseEvents[E]) => void): () => void;
  /** Unsubscribes. */
  off<E extends keyof DatabaseEvents>(name: E, fn: (detail: DatabaseEvents[E]) => void): void;
  /** Every page image as of the last durable commit, to reopen with open({ snapshot }). */
  snapshot(): Promise<Snapshot>;
  /** The core's integrity check: '' when sound, else the problem found. */
  check(): Promise<string>;
  /**
   * Runs the time-to-live sweep to its end now (bounded steps between other
   * calls): deletes expired items, trims stream records older than 24 hours.
   */
  sweepExpired(): Promise<{ deleted: number; trimmed: number }>;
  /** Waits for queued operations and commits, then frees the database; later calls reject. */
  close(): Promise<void>;
}

/**
 * A database opened in this page, worker or process. It owns the database
 * (runs the core, writes the replicas), or forwards every call to the tab
 * that does (storage 'idb') and takes over when that tab closes.
 */
export declare class Database extends DatabaseBase {
  /** Opens a database (same as open(options)). */
  static open(options?: OpenOptions): Promise<Database>;
  /**
   * Commits that reached two replicas, and ones that were undone, since open (null when forwarding);
   * checkpoints and the log's bytes; with a core page cache (db.recovery.lazy), `cache`: the core's
   * figures (bytes resident and pinned, hits, misses, evictions, record bytes kept), the replica
   * reads that resolved its page faults (of which hedged: sent to a second replica because the
   * first was slow), damaged pages they repaired in place, the core's wasm memory in bytes, and
   * whether every B+tree's interior pages are in the cache yet (read in the background after a lazy
   * open: from then on a cold point read reads one page, its leaf). `inFlight`: the
   * replica writes under way now, per kind (commit appends, catch-ups, checkpoint page versions,
   * head flips, which also trim the log, full rebuilds, log truncations of a rolled-back commit),
   * and rebuilds still reading their pages. `appendsDeferred`: commit appends not sent to a replica
   * that was still writing while two others could take the commit (it caught up later in one append).
   */
  stats(): {
    commits: number; rollbacks: number; checkpoints?: number; checkpointing?: boolean; logBytes?: number;
    inFlight?: { commits: number; catchUps: number; checkpointPages: number; headFlips: number; rebuilds: number;
      rebuildReads: number; truncations: number };
    appendsDeferred?: number;
    cache?: { residentBytes: number; pinnedBytes: number; hits: number; misses: number; evictions: number;
      retainedRecordBytes: number; pageReads: number; pagesRead: number; pagesRejected: number;
      pageReadsHedged: number; pagesRepaired: number;
      wasmMemoryBytes: number; interiorWarmed: boolean };
  } | null;
  /** Pauses (true) or resumes (false) background repair (tests, demonstrations; owner only). */
  pauseRepair(paused?: boolean): void;
}
// Database has every member of DatabaseHandle (declaration merging).
export interface Database extends DatabaseHandle {}
