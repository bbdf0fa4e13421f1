// WorkerClient: a database that lives in a Web Worker, used from the page
// with the same API as an in-page Database (it shares DatabaseBase: send,
// table, requestHandler, clientConfig, exportTable, importTable), every call
// forwarded by postMessage.
//
//   const worker = new Worker(new URL('./my-worker.js', import.meta.url), { type: 'module' });
//   const db = await WorkerClient.open(worker, 'shop');
//   await db.table('Orders').put({...});
//   await db.close();          // closes the database; worker.terminate() is the caller's
//
// Failures of the database itself (closed, bad options, a worker that died)
// reject with PocketDynamoError carrying the worker-side name and message.

import { DatabaseBase } from '../database-base.js';
import { DataLossError, PocketDynamoError } from '../errors.js';
import { TAG } from './protocol.js';

export class WorkerClient extends DatabaseBase {
  #port;
  #pending = new Map();   // id -> { resolve, reject }
  #nextId = 1;
  #info = null;           // { name, storage, persistent } from the worker
  #closed = false;

  /** REQUIRES: port is a Worker (or MessagePort) whose other side runs serveDatabase(). */
  constructor(port) {
    super();
    this.#port = port;
    port.addEventListener('message', (event) => this.#receive(event.data));
    port.addEventListener('error', (event) => this.#failAll(event.message ?? 'The worker failed'));
    port.start?.();
  }

  /** Opens a database in the worker: open(worker, name?, options?) as index.js open(). */
  static async open(port, nameOrOptions, options) {
    const client = new WorkerClient(port);
    const merged = typeof nameOrOptions === 'string' ? { ...options, name: nameOrOptions } : { ...nameOrOptions };
    if (merged.wasmUrl instanceof URL) merged.wasmUrl = merged.wasmUrl.href;
    client.#info = await client.#call({ call: 'open', options: merged });
    return client;
  }

  get name() { return this.#info?.name; }
  get storage() { return this.#info?.storage; }
  get persistent() { return this.#info?.persistent; }
  get closed() { return this.#closed; }

  sendJson(operation, requestJson) {
    return this.#call({ call: 'sendJson', operation: String(operation), json: String(requestJson) });
  }

  scanTableJson(tableName) {
    return this.#call({ call: 'scanTable', tableName: String(tableName) });
  }

  sendJsonSequence(calls, options = {}) {
    return this.#call({
      call: 'sendJsonSequence',
      calls: calls.map(({ operation, json }) => ({ operation: String(operation), json: String(json) })),
      stopKey: options.stopKey === undefined ? null : String(options.stopKey),
    });
  }

  snapshot() { return this.#call({ call: 'snapshot' }); }
  check() { return this.#call({ call: 'check' }); }

  async close() {
    if (this.#closed) return;
    const done = this.#call({ call: 'close' });
    this.#closed = true;
    await done;
  }

  #call(message) {
    if (this.#closed) return Promise.reject(new PocketDynamoError('The database is closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#port.postMessage({ tag: TAG, id, ...message });
    });
  }

  #receive(message) {
    if (message === null || typeof message !== 'object' || message.tag !== TAG) return;
    const waiter = this.#pending.get(message.id);
    if (!waiter) return;
    this.#pending.delete(message.id);
    if (message.error) {
      const error = message.error.name === 'DataLossError'
        ? new DataLossError(message.error.message, message.error.details ?? {})
        : new PocketDynamoError(message.error.message);
      error.workerErrorName = message.error.name;
      waiter.reject(error);
    } else {
      waiter.resolve(message.result);
    }
  }

  #failAll(reason) {
    for (const { reject } of this.#pending.values()) reject(new PocketDynamoError(String(reason)));
    this.#pending.clear();
  }
}
