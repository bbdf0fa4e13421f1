// pocketdynamo/worker: a database in a Web Worker, with the in-page API.

import type { DatabaseBase } from '../types/database.js';
import type { OpenOptions, Snapshot } from '../types/options.js';

/** Something that carries messages to and from a worker (a Worker or a MessagePort). */
export interface MessageTarget {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'error', listener: (event: any) => void): void;
  start?(): void;
}

/** A database living in a worker that runs serveDatabase(); same API as Database. */
export declare class WorkerClient extends DatabaseBase {
  constructor(port: MessageTarget);
  /** Opens a database in the worker. */
  static open(port: MessageTarget, name?: string, options?: Omit<OpenOptions, 'name'>): Promise<WorkerClient>;
  static open(port: MessageTarget, options: OpenOptions): Promise<WorkerClient>;
  readonly name: string;
  readonly storage: 'memory';
  readonly persistent: false;
  readonly closed: boolean;
  /** Every page image as of now. */
  snapshot(): Promise<Snapshot>;
  /** The core's integrity check: '' when sound. */
  check(): Promise<string>;
  /** Closes the database in the worker (the worker itself keeps running). */
  close(): Promise<void>;
}

/** Worker side: answers WorkerClient calls on scope (default: the worker's global scope). */
export declare function serveDatabase(scope?: MessageTarget): void;
