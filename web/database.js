// Database: one open database in this page, worker or process. It either
// OWNS the database (holds the core engine and its three replicas and runs
// every operation through one queue, so concurrent calls are safe and see
// each other's effects in call order), or, when another tab owns it, FORWARDS
// every call to that owner (web/tabs/) and becomes the owner itself when the
// other one closes.
//
// Storage (web/persistence/select-store.js): 'idb' (IndexedDB, the default in
// browsers and workers), 'memory' (the default in Node: three in-memory
// replicas, gone with the object), 'file' (Node: open({ path })), or three
// PageStores of your own (open({ stores })). Every write is durable on two of
// the three replicas before its promise resolves (group commit,
// web/persistence/committer.js); a write that cannot be made durable rejects
// and is undone, with every operation applied after it.
//
// One writer per database: with storage 'idb' the owner holds a Web Lock
// named after the database (web/tabs/owner-lock.js); a Database opened while
// another tab owns the database forwards to it (web/tabs/forwarding.js).
// Where Web Locks or BroadcastChannel are missing (browsers older than
// 2022), storage 'idb' is refused: without them a second tab could not be
// kept from writing the same replicas.
//
// Lifecycle: close() waits for queued operations and commits, then frees the
// core and the replicas (and hands ownership to the next tab in line); every
// later call rejects with PocketDynamoError('The database is closed').

import { DatabaseBase, rememberStopped } from './database-base.js';
import { PocketDynamoError } from './errors.js';
import { ReplicatedEngine } from './persistence/replicated-engine.js';
import { parseStorage } from './persistence/select-store.js';
import { ForwardingClient, ForwardingServer, channelsAvailable } from './tabs/forwarding.js';
import { locksAvailable, tryAcquire, waitFor } from './tabs/owner-lock.js';
import { EXPORT_PAGE_ITEMS, lastEvaluatedKey } from './transfer/export.js';
import { isErrorText } from './wire.js';

const OPENING = Symbol('Database.open');
const DEFAULT_FORWARD_TIMEOUT_MS = 3000;
const EVENTS = ['replica', 'commit', 'rollback', 'scan', 'repair', 'error', 'role'];

export class Database extends DatabaseBase {
  #name;
  #options;
  #kind;                  // 'idb' | 'memory' | 'file' | 'custom'
  #owner = null;          // ReplicatedEngine while this object owns the database
  #client = null;         // ForwardingClient while another context owns it
  #server = null;         // ForwardingServer answering other contexts (storage 'idb')
  #lock = null;           // OwnerLock held while owner (storage 'idb')
  #takeover = null;       // { promise, cancel } waiting for the lock while forwarding
  #switching = null;      // Promise while this object becomes the owner
  #listeners = new Map(); // event name -> Set of functions
  #tail = Promise.resolve();  // the queue: the last queued call, settled or not
  #closed = false;
  #broken = null;         // Error: taking over failed; every call rejects with it
  #stoppedSequences = new Set();  // stop keys of sendJsonSequence calls that hit an error (owner)

  /** Use open() (index.js) or Database.open(). */
  constructor(token, name, kind, options) {
    super();
    if (token !== OPENING) throw new TypeError('Use open() or Database.open() to open a database');
    this.#name = name;
    this.#kind = kind;
    this.#options = options;
  }

  /**
   * Opens a database (types/options.d.ts): name (default 'default'), storage
   * ('idb' | 'memory' | 'file'), path (Node: storage 'file'), stores (three
   * PageStores), pageSize, snapshot, wasmUrl, wasmBinary, forwardTimeoutMs,
   * testQuotaBytes. Rejects with PocketDynamoError when the database cannot
   * be opened (no consistent replica, storage unavailable, an owner tab that
   * does not answer).
   */
  static async open(options = {}) {
    const parsed = parseStorage(options);
    const db = new Database(OPENING, parsed.name, parsed.kind, { ...options, name: parsed.name });
    await db.#start();
    return db;
  }

  async #start() {
    if (this.#kind === 'idb' && !(locksAvailable() && channelsAvailable())) {
      throw new PocketDynamoError(`Database "${this.#name}": storage 'idb' needs Web Locks and BroadcastChannel ` +
          "(to keep one writer per database across tabs), which are missing here (Web Locks need a secure context: " +
          "https or localhost); use storage 'memory'");
    }
    if (this.#kind === 'idb') {
      const lock = await tryAcquire(this.#name);
      if (lock !== null) {
        await this.#becomeOwner(lock);
        return;
      }
      // Another context owns it: forward to it, unless the lock comes free first (the owner was
      // just closing, or is the page this one replaced on reload).
      const takeover = waitFor(this.#name);
      const client = new ForwardingClient(this.#name, { onEvent: (name, detail) => this.#emit(name, detail) });
      let first;
      try {
        first = await Promise.race([
          client.connect(this.#options.forwardTimeoutMs ?? DEFAULT_FORWARD_TIMEOUT_MS).then(() => null),
          takeover.promise,
        ]);
      } catch (error) {
        client.close();
        takeover.cancel();
        takeover.promise.then((late) => late.release(), () => {});
        throw error;
      }
      if (first !== null) {
        client.close();
        await this.#becomeOwner(first);
        return;
      }
      this.#client = client;
      this.#takeover = takeover;
      takeover.promise.then((lock) => this.#takeOver(lock), () => {});
      return;
    }
    this.#owner = await ReplicatedEngine.open(this.#options, (name, detail) => this.#relay(name, detail));
  }

  async #becomeOwner(lock) {
    try {
      this.#owner = await ReplicatedEngine.open(this.#options, (name, detail) => this.#relay(name, detail));
    } catch (error) {
      lock.release();
      throw error;
    }
    this.#lock = lock;
    this.#server = new ForwardingServer(this.#name, {
      sendJson: ({ operation, json }) => this.#run('sendJson', { operation, json }),
      scanTable: ({ tableName }) => this.#run('scanTable', { tableName }),
      sendJsonSequence: ({ calls, stopKey }) => this.#run('sendJsonSequence', { calls, stopKey }),
      check: () => this.#run('check'),
      replicas: () => this.#run('replicas'),
      verifyReplicas: () => this.#run('verifyReplicas'),
    });
    this.#server.announce();
  }

  // The other owner closed or went away and this context got the lock.
  #takeOver(lock) {
    if (this.#closed) {
      lock.release();
      return;
    }
    this.#switching = (async () => {
      try {
        await this.#becomeOwner(lock);
      } catch (error) {
        this.#broken = new PocketDynamoError(`Database "${this.#name}": taking over from the tab that owned it ` +
            `failed (${error.message}); reopen it`, { cause: error });
      }
      const client = this.#client;
      this.#client = null;
      await client.handOver((call, args) => this.#run(call, args ?? {}));
      this.#switching = null;
      this.#emit('role', { role: this.role });
    })();
  }

  #relay(name, detail) {
    this.#emit(name, detail);
    if (name !== 'role') this.#server?.event(name, detail);
  }

  #emit(name, detail) {
    for (const fn of this.#listeners.get(name) ?? []) {
      try {
        fn(detail);
      } catch (error) {
        queueMicrotask(() => { throw error; });  // a listener's bug surfaces, never breaks the database
      }
    }
  }

  /** The database's name. */
  get name() { return this.#name; }
  /** Where the data lives: 'idb', 'memory', 'file' or 'custom'. */
  get storage() { return this.#kind; }
  /** True if the data outlives this page/process (storage 'idb' and 'file'). */
  get persistent() { return this.#kind === 'idb' || this.#kind === 'file' || (this.#owner?.persistent ?? false); }
  /**
   * Whether the browser granted persistent storage (navigator.storage.persist(),
   * asked at open): true, false, or null where it was not asked (Node,
   * workers, storage 'memory', or a tab that forwards to the owner).
   */
  get persisted() { return this.#owner?.persisted ?? null; }
  /** 'owner' (this object holds the database) or 'forwarding' (another tab does). */
  get role() { return this.#client !== null ? 'forwarding' : 'owner'; }
  /** What open found in the replicas (owner only; null when forwarding): see types/database.d.ts. */
  get recovery() { return this.#owner?.recovery ?? null; }
  /** True once close() was called. */
  get closed() { return this.#closed; }

  /** Subscribes fn to an event ('replica', 'commit', 'rollback', 'scan', 'repair', 'error', 'role'); returns the unsubscribe function. */
  on(name, fn) {
    if (!EVENTS.includes(name)) throw new TypeError(`Unknown event ${JSON.stringify(name)}; events: ${EVENTS.join(', ')}`);
    if (typeof fn !== 'function') throw new TypeError('on(name, fn): fn must be a function');
    if (!this.#listeners.has(name)) this.#listeners.set(name, new Set());
    this.#listeners.get(name).add(fn);
    return () => this.off(name, fn);
  }

  /** Unsubscribes fn. */
  off(name, fn) {
    this.#listeners.get(name)?.delete(fn);
  }

  #enqueue(fn) {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  // Runs a call here (owner) or at the owner (forwarding).
  #run(call, args = {}) {
    if (this.#closed) return Promise.reject(new PocketDynamoError('The database is closed'));
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#client !== null) return this.#client.call(call, args);
    if (this.#switching !== null) return this.#switching.then(() => this.#run(call, args));
    const owner = this.#owner;
    switch (call) {
      case 'sendJson': {
        const step = this.#enqueue(() => {
          const text = owner.engine.execute(String(args.operation), String(args.json));
          return { text, durable: owner.afterOperation() };
        });
        return step.then(({ text, durable }) => durable.then(() => text));
      }
      case 'scanTable': {
        // Every page in one turn of the queue: no write lands between them (transfer/export.js).
        const step = this.#enqueue(async () => {
          const request = { TableName: String(args.tableName), Limit: EXPORT_PAGE_ITEMS };
          const pages = [];
          for (;;) {
            const text = owner.engine.execute('Scan', JSON.stringify(request));
            pages.push(text);
            if (isErrorText(text)) break;
            const last = lastEvaluatedKey(text);
            if (last === undefined) break;
            request.ExclusiveStartKey = last;
            await new Promise((resolve) => setTimeout(resolve, 0));  // the page stays responsive
          }
          return { pages, durable: owner.afterOperation() };
        });
        return step.then(({ pages, durable }) => durable.then(() => pages));
      }
      case 'sendJsonSequence': {
        // In order, in one turn of the queue, up to the first error; one durability wait for all.
        // Nothing runs once a sequence with the same stop key stopped (transfer/import.js).
        const key = args.stopKey ?? null;
        const step = this.#enqueue(() => {
          const texts = [];
          if (key !== null && this.#stoppedSequences.has(key)) return { texts, durable: Promise.resolve() };
          for (const { operation, json } of args.calls) {
            const text = owner.engine.execute(String(operation), String(json));
            texts.push(text);
            if (isErrorText(text)) {
              if (key !== null) rememberStopped(this.#stoppedSequences, key);
              break;
            }
          }
          return { texts, durable: owner.afterOperation() };
        });
        return step.then(({ texts, durable }) => durable.then(() => texts));
      }
      case 'check': return this.#enqueue(() => owner.engine.check());
      case 'snapshot':
        // A durable state: wait for commits with the queue held, so nothing new is applied meanwhile.
        return this.#enqueue(async () => {
          await owner.drain();
          return owner.engine.snapshot();
        });
      case 'replicas': return Promise.resolve(owner.replicas());
      case 'verifyReplicas': return owner.verify().then(() => owner.replicas());
      default: return Promise.reject(new PocketDynamoError(`Unknown call ${call}`));
    }
  }

  sendJson(operation, requestJson) {
    return this.#run('sendJson', { operation: String(operation), json: String(requestJson) });
  }

  scanTableJson(tableName) {
    return this.#run('scanTable', { tableName: String(tableName) });
  }

  sendJsonSequence(calls, options = {}) {
    if (!Array.isArray(calls)) return Promise.reject(new TypeError('sendJsonSequence(calls): calls is an array of { operation, json }'));
    return this.#run('sendJsonSequence', {
      calls: calls.map(({ operation, json }) => ({ operation: String(operation), json: String(json) })),
      stopKey: options.stopKey === undefined ? null : String(options.stopKey),
    });
  }

  /** Every page image as of the last durable commit: { pageSize, lsn, pages } (pages: one Uint8Array). Owner only. */
  snapshot() {
    if (this.#client !== null) return Promise.reject(new PocketDynamoError('snapshot() is only available in the tab that owns the database'));
    return this.#run('snapshot');
  }

  /** Runs the core's integrity check: resolves to '' when sound, else the problem. */
  check() {
    return this.#run('check');
  }

  /** Each replica: [{ index, lsn, status, pageCount, bytes, store, reason? }]. */
  replicas() {
    return this.#run('replicas');
  }

  /** Reads every replica, marks damaged pages, repairs; resolves to replicas(). */
  verifyReplicas() {
    return this.#run('verifyReplicas');
  }

  /** Resolves with replicas() once all three are healthy (owner only); rejects after timeoutMs. */
  whenHealthy(timeoutMs = 30_000) {
    if (this.#owner === null || this.#client !== null) {
      return Promise.reject(new PocketDynamoError('whenHealthy() is only available in the tab that owns the database'));
    }
    return this.#owner.whenHealthy(timeoutMs);
  }

  /** { commits, rollbacks } since open (owner only; null when forwarding). */
  stats() {
    return this.#client === null && this.#owner ? this.#owner.stats() : null;
  }

  /** Pauses (true) or resumes (false) background repair; for tests and demonstrations. Owner only. */
  pauseRepair(paused = true) {
    this.#owner?.pauseRepair(paused);
  }

  /** Waits for queued operations and commits, then frees the database. Idempotent. */
  async close() {
    if (this.#closed) return;
    if (this.#switching) await this.#switching;
    // The server stops taking requests first (later ones are answered 'retry' and go to the next
    // owner); those it took are answered before it says 'closing'.
    const serverClosed = this.#server?.close();
    this.#closed = true;
    this.#takeover?.cancel();
    if (this.#client !== null) {
      this.#client.close();
      return;
    }
    await serverClosed;
    await this.#tail;
    try {
      await this.#owner?.close();
    } finally {
      this.#lock?.release();            // the next tab in line takes over from complete replicas
    }
  }
}
