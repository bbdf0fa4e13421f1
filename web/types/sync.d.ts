// db.sync(): a local table kept in step with a remote DynamoDB table
// (docs/sync.md).

/** What db.sync() needs of the remote: an AWS SDK v3 DynamoDBClient (anything with its send()). */
export interface SyncRemoteClient {
  send(command: any, options?: any): Promise<any>;
}

/** Which items are synced: omitted for the whole table. */
export type SyncScope =
  /** Partition key values (plain JS values: string, number, Uint8Array). */
  | { partitionKeys: Array<string | number | Uint8Array>; query?: undefined }
  /**
   * A Query's key condition on the table, or on an index (IndexName: the
   * local table needs an index of that name too): `pk = :v`, optionally AND
   * one sort key condition (=, <, <=, >, >=, BETWEEN, begins_with). Values
   * in DynamoDB JSON. On an index, items enter and leave the scope by their
   * attributes (docs/sync.md).
   */
  | { query: { IndexName?: string; KeyConditionExpression: string; ExpressionAttributeNames?: Record<string, string>;
      ExpressionAttributeValues?: Record<string, any> }; partitionKeys?: undefined };

export interface SyncOptions<Item = Record<string, any>> {
  /** The local table (it gets a stream, KEYS_ONLY, if it has none). */
  table: string;
  /** The remote: your DynamoDBClient, with your credentials (none are stored). */
  remote: SyncRemoteClient;
  /** The remote table's name (default: the local table's). Same key schema. */
  remoteTable?: string;
  /** Default: the whole table. */
  scope?: SyncScope;
  /** A local secondary index of the remote table with sort key `_t`, for incremental Queries of a partition scope. */
  changeIndex?: string;
  /**
   * Merges a conflict: the local and remote items (null when deleted) ->
   * the item to keep (null: deleted). Default: the higher version wins, a
   * tie goes to the higher writer id.
   */
  resolve?: (local: Item | null, remote: Item | null) => Item | null | Promise<Item | null>;
  /** The @aws-sdk/client-dynamodb module, where a dynamic import() of it does not work (default: imported). */
  sdk?: Record<string, any>;
  /** Items per remote page when pulling (default 500). */
  pageSize?: number;
  /** How often remote changes are pulled, ms (default 2000). */
  pullIntervalMs?: number;
  /** How far back before the last change time seen a pull looks, ms (default 300000: writers' clock skew). */
  overlapMs?: number;
  /** Push requests in flight at a time (default 8). */
  concurrency?: number;
  /**
   * Keys per push request (1 to 100, default 25): conditional Puts in one
   * TransactWriteItems when the remote has transactions (DynamoDB bills
   * them as two writes each); 1, or a remote without TransactWriteItems:
   * one conditional PutItem per key.
   */
  batchSize?: number;
  /**
   * How long remote tombstones are kept, ms (default 30 days): they carry
   * `_exp` (epoch seconds) for a TTL on the remote table; a device that has
   * not pulled for longer does a full pull (docs/sync.md "Tombstones").
   */
  tombstoneRetentionMs?: number;
  /** The clock for `_t` (ms since the epoch; default Date.now). */
  clock?: () => number;
  /**
   * Where remote changes come from after the hydrate (docs/sync.md "Pull
   * from the remote's stream"): 'auto' (default): for a whole-table sync,
   * the remote table's stream when it has one enabled and it is readable
   * here (@aws-sdk/client-dynamodb-streams importable, the credentials
   * allowed), else Scan/Query; a scoped sync: Query. 'stream': the stream
   * or an error (a scoped sync keeps what is in scope). 'query': Scan/Query
   * only. A stream serves about two readers per shard: many devices should
   * pull by Query.
   */
  pullFrom?: 'auto' | 'stream' | 'query';
  /**
   * The client of the remote table's stream (a DynamoDBStreamsClient).
   * Default: one made from `remote`'s configuration (region, credentials,
   * request handler, and its endpoint if it was given one).
   */
  remoteStreams?: SyncRemoteClient;
  /** The @aws-sdk/client-dynamodb-streams module, where a dynamic import() of it does not work (default: imported when needed). */
  streamsSdk?: Record<string, any>;
}

/**
 * 'offline': the remote is unreachable, or (browsers) an `offline` event came; an `online` event retries at once.
 */
export type SyncState = 'starting' | 'pulling' | 'pushing' | 'idle' | 'offline' | 'error' | 'paused' | 'stopped';

export interface SyncConflict<Item = Record<string, any>> {
  key: Record<string, any>;
  local: Item | null;
  remote: Item | null;
  winner: 'local' | 'remote' | 'merged';
}

export interface SyncEvents<Item = Record<string, any>> {
  state: { state: SyncState };
  /** Hydration (the first pull), per page and once more with done: true. */
  progress: { loaded: number; pages: number; done: boolean };
  push: { count: number };
  pull: { count: number };
  conflict: SyncConflict<Item>;
  /** A failed round (retried with back-off), or one item the remote refused (key set; skipped until it changes). */
  error: { error: Error; key?: Record<string, any> };
}

export declare class Sync<Item = Record<string, any>> {
  /** Resolves after the first complete round (hydrated, then pushed); rejects if stopped first. */
  readonly ready: Promise<void>;
  readonly state: SyncState;
  /** Keys with a local change not yet on the remote (distinct keys; the sync's own pulled writes never count). */
  readonly pending: number;
  /** When the last round ended (ms since the epoch), or null. */
  readonly lastSyncedAt: number | null;
  /**
   * Where remote changes come from: 'stream' (the remote table's stream;
   * hydrate and full pulls still Scan/Query), 'query' (Scan/Query), or null
   * before the first pull.
   */
  readonly pullSource: 'stream' | 'query' | null;
  /** This database's writer id (`_w` on the remote items it writes). */
  readonly writer: string;
  readonly table: string;
  on<K extends keyof SyncEvents<Item>>(name: K, fn: (detail: SyncEvents<Item>[K]) => void): () => void;
  pause(): void;
  resume(): void;
  /** A complete round (pull, push) now; resolves when one started after the call ends. */
  syncNow(): Promise<void>;
  /** Stops; what is not pushed stays in the outbox for the next sync. */
  stop(): Promise<void>;
}
