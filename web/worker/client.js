// WorkerClient: a database that lives in a Web Worker, used from the page
// with the same API as a Database opened in the page (the calls, errors and
// events of web/rpc.js, the same a forwarding tab uses): send, table,
// requestHandler, clientConfig, exportTable, importTable, subscribe, live,
// on/off, replicas, verifyReplicas, whenHealthy, sweepExpired, snapshot,
// check, close. Messages: protocol.js.
//
//   const worker = new Worker(new URL('./my-worker.js', import.meta.url), { type: 'module' });
//   const db = await WorkerClient.open(worker, 'shop');
//   await db.table('Orders').put({...});
//   db.subscribe('Orders', (records) => ...);
//   await db.close();          // closes the database; worker.terminate() is the caller's
//
// open() options must cross postMessage: a function (clock) or PageStores
// make open() reject with a PocketDynamoError saying to give them to
// serveDatabase in the worker instead. Only stats() and pauseRepair() are
// not here (synchronous, owner-side). Failures of the database itself
// (closed, bad options, storage, a worker that died) reject with the error
// the worker raised, rebuilt by rpc.js errorFromWire (PocketDynamoError with
// quotaExceeded/reason, DataLossError, DynamoDB classes).

import { DatabaseBase } from '../database-base.js';
import { ChangeFeed, checkSubscription } from '../db/change-feed.js';
import { Listeners } from '../db/listeners.js';
import { PocketDynamoError } from '../errors.js';
import { askPersistence } from '../persistence/ask-persistence.js';
import { cloneableOpenOptions, errorFromWire, eventFromWire } from '../rpc.js';
import { TAG } from './protocol.js';

export class WorkerClient extends DatabaseBase {
  #port;
  #pending = new Map();     // id -> { resolve, reject }
  #nextId = 1;
  #info = null;             // protocol.js info from the worker
  #closed = false;
  #listeners = new Listeners();  // db.on (db/listeners.js)
  #feed = new ChangeFeed();      // db.subscribe (db/change-feed.js)

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
    const merged = typeof nameOrOptions === 'string' ? { ...options, name: nameOrOptions } : { ...nameOrOptions };
    const sendable = cloneableOpenOptions(merged);
    const client = new WorkerClient(port);
    client.#info = await client.#call('open', { options: sendable });
    // Workers have no navigator.storage.persist(): open({ persist: true }) asks from this page.
    if (merged.persist === true) await client.persist();
    return client;
  }

  /**
   * Asks for persistent storage for the origin from this page (workers have
   * no navigator.storage.persist()): as Database.persist(). Updates persisted.
   */
  async persist() {
    const answer = await askPersistence(this.storage, { ask: true });
    if (answer !== null && this.#info) this.#info = { ...this.#info, persisted: answer };
    return answer;
  }

  get name() { return this.#info?.name; }
  get storage() { return this.#info?.storage; }
  get persistent() { return this.#info?.persistent; }
  get persisted() { return this.#info?.persisted ?? null; }
  /** The worker's Database's role: 'owner', or 'forwarding' when a tab owns the database. */
  get role() { return this.#info?.role; }
  get recovery() { return this.#info?.recovery ?? null; }
  get closed() { return this.#closed; }

  sendJsonOutcome(operation, requestJson) {
    return this.#call('sendJson', { operation: String(operation), json: String(requestJson) });
  }

  scanTableJson(tableName) {
    return this.#call('scanTable', { tableName: String(tableName) });
  }

  sendJsonSequence(calls, options = {}) {
    if (!Array.isArray(calls)) return Promise.reject(new TypeError('sendJsonSequence(calls): calls is an array of { operation, json }'));
    return this.#call('sendJsonSequence', {
      calls: calls.map(({ operation, json }) => ({ operation: String(operation), json: String(json) })),
      stopKey: options.stopKey === undefined ? null : String(options.stopKey),
    });
  }

  snapshot() { return this.#call('snapshot'); }
  check() { return this.#call('check'); }
  replicas() { return this.#call('replicas'); }
  verifyReplicas() { return this.#call('verifyReplicas'); }
  whenHealthy(timeoutMs = 30_000) { return this.#call('whenHealthy', { timeoutMs }); }
  sweepExpired() { return this.#call('sweepExpired'); }

  /** Subscribes to an event of the worker's database (as Database.on); returns the unsubscribe function. */
  on(name, fn) {
    // role changes arrive as state messages; other events are relayed while someone listens.
    if (this.#listeners.add(name, fn) && name !== 'role') this.#relay('listen', { name, on: true });
    return () => this.off(name, fn);
  }

  off(name, fn) {
    if (this.#listeners.remove(name, fn) && name !== 'role') this.#relay('listen', { name, on: false });
  }

  /** As Database.subscribe: fn(records) with each durable batch of committed changes to the table. */
  subscribe(tableName, fn) {
    checkSubscription(tableName, fn);
    if (this.#closed) throw new PocketDynamoError('The database is closed');
    const { first, remove } = this.#feed.add(tableName, fn);
    if (first) this.#relay('subscribe', { tableName, on: true });
    return () => {
      if (remove() && !this.#closed) this.#relay('subscribe', { tableName, on: false });
    };
  }

  async close() {
    if (this.#closed) return;
    const done = this.#call('close');
    this.#closed = true;
    await done;
  }

  // A relay request whose failure has no caller to reject: it surfaces as an 'error' event.
  #relay(call, args) {
    this.#call(call, args).catch((error) => this.#emit('error', { error }));
  }

  #call(call, args = {}) {
    if (this.#closed) return Promise.reject(new PocketDynamoError('The database is closed'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#port.postMessage({ tag: TAG, type: 'request', id, call, args });
    });
  }

  #receive(message) {
    if (message === null || typeof message !== 'object' || message.tag !== TAG) return;
    if (message.type === 'event') {
      if (message.name === 'changes') this.#feed.deliver(message.detail);
      else this.#emit(message.name, eventFromWire(message.detail));
      return;
    }
    if (message.type === 'state') {
      const before = this.#info?.role;
      this.#info = message.info;
      if (message.info.role !== before) this.#emit('role', { role: message.info.role });
      return;
    }
    if (message.type !== 'reply') return;
    const waiter = this.#pending.get(message.id);
    if (!waiter) return;
    this.#pending.delete(message.id);
    if (message.error) waiter.reject(errorFromWire(message.error));
    else waiter.resolve(message.result);
  }

  #emit(name, detail) {
    this.#listeners.emit(name, detail);
  }

  #failAll(reason) {
    for (const { reject } of this.#pending.values()) reject(new PocketDynamoError(String(reason)));
    this.#pending.clear();
  }
}
