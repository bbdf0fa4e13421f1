// A database: the DynamoDB API (send), the document API (table) and the AWS
// SDK v3 adapter (requestHandler, clientConfig), the same for an in-page
// Database and a WorkerClient.

import type { Table, TableOptions } from './table.js';
import type { RequestHandler, ClientConfig } from './sdk.js';
import type { OpenOptions, Snapshot } from './options.js';

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

/** A database owned by this page, worker or process. */
export declare class Database extends DatabaseBase {
  /** Opens a database (same as open(options)). */
  static open(options?: OpenOptions): Promise<Database>;
  /** The database's name. */
  readonly name: string;
  /** Where the data lives. In this version always 'memory'. */
  readonly storage: 'memory';
  /** false: the data is kept in memory only and is lost when the page/process ends. */
  readonly persistent: false;
  /** True once close() was called. */
  readonly closed: boolean;
  /** Every page image as of now, to reopen with open({ snapshot }). */
  snapshot(): Promise<Snapshot>;
  /** The core's integrity check: '' when sound, else the problem found. */
  check(): Promise<string>;
  /** Waits for queued operations, then frees the database; later calls reject. */
  close(): Promise<void>;
}
