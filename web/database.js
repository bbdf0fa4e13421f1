// Database: the owner of one database in this page (or worker): it holds the
// core engine and runs every operation through one queue, so concurrent
// calls are safe and see each other's effects in call order.
//
// Storage. This version keeps data in memory only (storage 'memory'): every
// write's commit is marked durable at once, and the data is gone when the
// page, worker or process ends. `persistent` is false to say so. Asking for
// IndexedDB or file storage fails with PocketDynamoError rather than quietly
// keeping data in memory. snapshot() and open({ snapshot }) move a whole
// database in and out as page images.
//
// Lifecycle: close() waits for queued operations, then frees the core; every
// later call rejects with PocketDynamoError('The database is closed').

import { Engine } from './core/engine.js';
import { DatabaseBase } from './database-base.js';
import { PocketDynamoError } from './errors.js';

const STORAGES = ['memory'];

export class Database extends DatabaseBase {
  #engine;
  #name;
  #tail = Promise.resolve();  // the queue: the last queued call, settled or not
  #closed = false;

  /** REQUIRES: engine is open. Use open() (index.js) or Database.open(). */
  constructor(engine, name) {
    super();
    this.#engine = engine;
    this.#name = name;
  }

  /**
   * Opens a database. options: name (default 'default'), storage
   * ('memory', the default and the only one in this version), pageSize,
   * snapshot ({ pageSize, pages } from snapshot()), wasmUrl, wasmBinary.
   */
  static async open(options = {}) {
    const storage = options.storage ?? 'memory';
    if (!STORAGES.includes(storage)) {
      throw new PocketDynamoError(`storage ${JSON.stringify(storage)} is not available in this version of ` +
          "pocketdynamo: only 'memory' (data lives as long as the page/process) is implemented");
    }
    const engine = await Engine.create(options);
    return new Database(engine, options.name ?? 'default');
  }

  /** The database's name. */
  get name() { return this.#name; }
  /** Where the data lives: 'memory'. */
  get storage() { return 'memory'; }
  /** False: the data is not persisted anywhere and is lost when this page/process ends. */
  get persistent() { return false; }
  /** True once close() was called. */
  get closed() { return this.#closed; }

  #enqueue(fn) {
    if (this.#closed) return Promise.reject(new PocketDynamoError('The database is closed'));
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  sendJson(operation, requestJson) {
    return this.#enqueue(() => {
      const text = this.#engine.execute(String(operation), String(requestJson));
      if (this.#engine.hasPendingCommit()) this.#engine.commitInMemory();
      return text;
    });
  }

  /** Every page image as of now: { pageSize, lsn, pages } (pages: one Uint8Array). */
  snapshot() {
    return this.#enqueue(() => this.#engine.snapshot());
  }

  /** Runs the core's integrity check: resolves to '' when sound, else the problem. */
  check() {
    return this.#enqueue(() => this.#engine.check());
  }

  /** Waits for queued operations, then frees the core. Idempotent. */
  async close() {
    if (this.#closed) return;
    const last = this.#enqueue(() => this.#engine.close());
    this.#closed = true;
    await last;
  }
}
