// pocketdynamo: DynamoDB in the browser (and Node). Public types, one file
// per concept under types/.

import type { Database } from './types/database.js';
import type { OpenOptions } from './types/options.js';

/**
 * Opens a database: open(), open(name), open(options), open(name, options).
 * Browsers and workers keep it in IndexedDB (three replicas) unless storage
 * is 'memory'; Node keeps it in memory unless a path is given (three file
 * replicas).
 */
export declare function open(name?: string, options?: Omit<OpenOptions, 'name'>): Promise<Database>;
export declare function open(options: OpenOptions): Promise<Database>;

export { Database, DatabaseBase } from './types/database.js';
export type { DatabaseHandle, ExecuteStatementOptions } from './types/database.js';
export type { OpenOptions, Snapshot } from './types/options.js';
export { Table } from './types/table.js';
export type {
  Path, Test, RawExpression, Condition, KeyCondition, PathValues, UpdateSpec, ReturnValues,
  PutOptions, GetOptions, UpdateOptions, DeleteOptions, QueryOptions, ScanOptions, Page, TableOptions,
} from './types/table.js';
export { NumberValue, marshall, unmarshall, convertToAttr, convertToNative } from './types/marshall.js';
export type { AttributeValue, AttributeMap, MarshallOptions, UnmarshallOptions } from './types/marshall.js';
export type { RequestHandler, ClientConfig, SdkHttpRequest, SdkHttpResponse } from './types/sdk.js';
export type {
  TableExport, ExportOutputOptions, ImportSource, ImportOptions, ImportProgress, ImportResult, ImportErrorFields,
} from './types/transfer.js';
export type { ChangeRecord, LiveQuery, LiveOptions, WireItem, WireValue } from './types/changes.js';
export type { Sync, SyncOptions, SyncScope, SyncState, SyncConflict, SyncEvents, SyncRemoteClient } from './types/sync.js';
export * from './types/errors.js';
export { MemoryStore, StoreError } from './types/persistence.js';
export type {
  ReplicaStatus, RecoveryReport, DatabaseEvents, PersistenceError, PageStore, StoreRecord, StoreHead,
} from './types/persistence.js';
