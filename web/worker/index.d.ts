// pocketdynamo/worker: a database in a Web Worker, with the in-page API.

import type { DatabaseBase, DatabaseHandle } from '../types/database.js';
import type { OpenOptions } from '../types/options.js';

/** Something that carries messages to and from a worker (a Worker or a MessagePort). */
export interface MessageTarget {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'error', listener: (event: any) => void): void;
  start?(): void;
}

/**
 * A database living in a worker that runs serveDatabase(): the same calls,
 * results, errors and events as a Database in the page (DatabaseHandle),
 * subscribe() and live() included; not stats() and pauseRepair().
 */
export declare class WorkerClient extends DatabaseBase {
  constructor(port: MessageTarget);
  /**
   * Opens a database in the worker. The options must cross postMessage:
   * a function (clock) or stores make it reject with a PocketDynamoError;
   * give those to serveDatabase(scope, { options }) in the worker.
   */
  static open(port: MessageTarget, name?: string, options?: Omit<OpenOptions, 'name' | 'clock' | 'stores'>): Promise<WorkerClient>;
  static open(port: MessageTarget, options: Omit<OpenOptions, 'clock' | 'stores'>): Promise<WorkerClient>;
}
// WorkerClient has every member of DatabaseHandle (declaration merging).
export interface WorkerClient extends DatabaseHandle {}

/** Worker side settings of serveDatabase. */
export interface ServeOptions {
  /**
   * open() options for the database served, under those the WorkerClient
   * sends (the client's win): the place for options that cannot cross
   * postMessage, such as clock or stores.
   */
  options?: OpenOptions;
}

/** Worker side: answers WorkerClient calls on scope (default: the worker's global scope). */
export declare function serveDatabase(scope?: MessageTarget, settings?: ServeOptions): void;
