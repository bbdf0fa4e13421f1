// Database: one open database in this page, worker or process. It either
// OWNS the database (holds the core engine and its three replicas and runs
// every operation through one queue, so concurrent calls are safe and see
// each other's effects in call order), or, when another tab owns it, FORWARDS
// every call to that owner (web/tabs/) and becomes the owner itself when the
// other one closes.
//
// Storage (web/persistence/select-store.js): 'idb' (IndexedDB, the default in
// browsers and workers), 'memory' (the default in Node: one copy of the pages
// in the wasm heap, no replicas, gone with the object:
// web/persistence/memory-engine.js), 'file' (Node: open({ path })), or three
// PageStores of your own (open({ stores })). With replicas, every write is
// durable on two of the three before its promise resolves (group commit,
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
// Changes: subscribe(tableName, fn) calls fn(records) with the changes of
// every committed write to the table (any table: no StreamSpecification
// needed), in commit order, once the commit is durable on two replicas; a
// write that is rolled back is never delivered. Records have DynamoDB
// Streams' Record shape with NEW_AND_OLD_IMAGES (SequenceNumber only for
// tables with an enabled stream); TTL deletions carry userIdentity
// { PrincipalId: 'dynamodb.amazonaws.com', Type: 'Service' }. The owner
// broadcasts them to the other tabs (web/tabs/), whose subscribers get them
// too. live() (live.js, database-base.js) is built on subscribe.
//
// Time to live: the owner runs the TTL sweep (core: bounded steps, each one
// operation in the queue) every ttlSweepIntervalMs (default 10 s; 0 = only
// on demand) and on sweepExpired(). open({ clock }) gives the core a clock
// (ms since the epoch; tests).
//
// Lifecycle: close() waits for queued operations and commits, then frees the
// core and the replicas (and hands ownership to the next tab in line); every
// later call rejects with PocketDynamoError('The database is closed').
//
// This class holds the roles (owner, forwarding, taking over) and the
// lifecycle; the parts are in web/db/: operation-queue.js (the owner's one
// queue), owner-calls.js (each call as the owner runs it on its engine),
// change-feed.js (subscribe and delivery), ttl-sweeper.js (the TTL rounds and
// their timer), listeners.js (db.on).

import { DatabaseBase } from './database-base.js';
import { PocketDynamoError } from './errors.js';
import { askPersistence } from './persistence/ask-persistence.js';
import { MemoryEngine } from './persistence/memory-engine.js';
import { ReplicatedEngine } from './persistence/replicated-engine.js';
import { parseStorage } from './persistence/select-store.js';
import { ChangeFeed, checkSubscription } from './db/change-feed.js';
import { Listeners } from './db/listeners.js';
import { OperationQueue } from './db/operation-queue.js';
import { NO_CHANGES, OwnerCalls, paged } from './db/owner-calls.js';
import { TtlSweeper } from './db/ttl-sweeper.js';
import { runCall } from './rpc.js';
import { ForwardingClient, ForwardingServer, channelsAvailable } from './tabs/forwarding.js';
import { locksAvailable, tryAcquire, waitFor } from './tabs/owner-lock.js';
import { EXCLUSIVE } from './sync/exclusive.js';
import { encodeRequest } from './wire.js';

const OPENING = Symbol('Database.open');
const DEFAULT_FORWARD_TIMEOUT_MS = 3000;
const DEFAULT_TTL_SWEEP_INTERVAL_MS = 10_000;

export class Database extends DatabaseBase {
  #name;
  #options;
  #kind;                  // 'idb' | 'memory' | 'file' | 'custom'
  #owner = null;          // ReplicatedEngine (MemoryEngine for storage 'memory') while this object owns the database
  #client = null;         // ForwardingClient while another context owns it
  #server = null;         // ForwardingServer answering other contexts (storage 'idb')
  #lock = null;           // OwnerLock held while owner (storage 'idb')
  #takeover = null;       // { promise, cancel } waiting for the lock while forwarding
  #switching = null;      // Promise while this object becomes the owner
  #listeners = new Listeners();   // db.on (db/listeners.js)
  #queue = new OperationQueue();  // the owner's operations, one turn each (db/operation-queue.js)
  #closed = false;
  #broken = null;         // Error: taking over failed; every call rejects with it
  #calls = null;          // OwnerCalls: the calls as this owner runs them (db/owner-calls.js)
  #feed = new ChangeFeed();       // db.subscribe (db/change-feed.js)
  #ttl = new TtlSweeper(() => this.#calls.sweepRound());  // TTL rounds (db/ttl-sweeper.js, owner)

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
      const client = new ForwardingClient(this.#name, {
        onEvent: (name, detail) => (name === 'changes' ? this.#feed.deliver(detail) : this.#emit(name, detail)),
      });
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
    // Storage 'memory': one copy of the pages, no replicas (persistence/memory-engine.js).
    const Owner = this.#kind === 'memory' ? MemoryEngine : ReplicatedEngine;
    this.#owner = await Owner.open(this.#options, (name, detail) => this.#relay(name, detail));
    this.#ownerStarted();
  }

  // This object just became the owner: its calls, change feed and TTL sweep.
  #ownerStarted() {
    this.#calls = new OwnerCalls(this.#owner, {
      queue: this.#queue, clock: this.#options.clock, publish: (changes) => this.#publish(changes),
    });
    this.#syncFeed();
    if (this.#closed) return;
    this.#ttl.start(this.#options.ttlSweepIntervalMs ?? DEFAULT_TTL_SWEEP_INTERVAL_MS,
        (error) => this.#emit('error', { error }));
  }

  // The core collects changes while someone wants them: subscribers here, or
  // (storage 'idb') in other tabs that watch (tabs/forwarding.js); a forwarding
  // tab tells the owner whether it has subscribers.
  #syncFeed() {
    if (this.#client !== null) {
      this.#client.watch(this.#feed.size > 0);
      return;
    }
    if (this.#owner === null || this.#owner.engine.closed) return;
    this.#owner.engine.setChangeFeed(this.#feed.size > 0 || (this.#server?.watched ?? false));
  }

  // Committed changes [{ TableName, Record }] -> subscribers here, and (owner) the other tabs.
  #publish(changes) {
    if (changes.length === 0) return;
    if (this.#client === null) this.#server?.event('changes', changes);
    this.#feed.deliver(changes);
  }

  async #becomeOwner(lock, takeover = false) {
    try {
      this.#owner = await ReplicatedEngine.open(this.#options, (name, detail) => this.#relay(name, detail));
    } catch (error) {
      lock.release();
      throw error;
    }
    this.#lock = lock;
    this.#server = new ForwardingServer(this.#name, (call, args) => runCall(this, call, args),
      { onWatch: () => this.#syncFeed(), clients: takeover });
    this.#server.announce();
    this.#ownerStarted();
  }

  // The other owner closed or went away and this context got the lock.
  #takeOver(lock) {
    if (this.#closed) {
      lock.release();
      return;
    }
    this.#switching = (async () => {
      try {
        await this.#becomeOwner(lock, true);
      } catch (error) {
        this.#broken = new PocketDynamoError(`Database "${this.#name}": taking over from the tab that owned it ` +
            `failed (${error.message}); reopen it`, { cause: error });
      }
      const client = this.#client;
      this.#client = null;
      this.#syncFeed();   // this context's own subscribers: the core collects changes for them now
      await client.handOver((call, args) => runCall(this, call, args));
      this.#switching = null;
      this.#emit('role', { role: this.role });
    })();
  }

  #relay(name, detail) {
    this.#emit(name, detail);
    if (name !== 'role') this.#server?.event(name, detail);
  }

  #emit(name, detail) {
    this.#listeners.emit(name, detail);
  }

  /** The database's name. */
  get name() { return this.#name; }
  /** Where the data lives: 'idb', 'memory', 'file' or 'custom'. */
  get storage() { return this.#kind; }
  /** True if the data outlives this page/process (storage 'idb' and 'file'). */
  get persistent() { return this.#kind === 'idb' || this.#kind === 'file' || (this.#owner?.persistent ?? false); }
  /**
   * Whether the origin has persistent storage (navigator.storage.persisted(),
   * read at open, which never prompts; updated by persist() and
   * open({ persist: true })): true, false, or null where unknown (Node,
   * storage other than 'idb', a browser without navigator.storage, a tab
   * that forwards to the owner).
   */
  get persisted() { return this.#owner?.persisted ?? null; }

  /**
   * Asks the browser for persistent storage (navigator.storage.persist()) for
   * the origin: the application's decision, best made from a user gesture,
   * since Firefox shows the user a permission prompt (Chromium decides by
   * itself). Resolves to true / false as the browser answers, or null where
   * there is nothing to ask (see persisted; workers have no persist()).
   * Updates persisted.
   */
  async persist() {
    const answer = await askPersistence(this.#kind, { ask: true });
    if (this.#owner !== null && answer !== null) this.#owner.persisted = answer;
    return answer;
  }
  /** 'owner' (this object holds the database) or 'forwarding' (another tab does). */
  get role() { return this.#client !== null ? 'forwarding' : 'owner'; }
  /** What open found in the replicas (owner only; null when forwarding): see types/database.d.ts. */
  get recovery() { return this.#owner?.recovery ?? null; }
  /** True once close() was called. */
  get closed() { return this.#closed; }

  /** Subscribes fn to an event ('replica', 'commit', 'rollback', 'scan', 'repair', 'error', 'role', 'checkpoint'); returns the unsubscribe function. */
  on(name, fn) {
    this.#listeners.add(name, fn);
    return () => this.off(name, fn);
  }

  /** Unsubscribes fn. */
  off(name, fn) {
    this.#listeners.remove(name, fn);
  }

  // Runs a call here (owner) or at the owner (forwarding).
  #run(call, args = {}) {
    if (this.#closed) return Promise.reject(new PocketDynamoError('The database is closed'));
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#client !== null) return this.#client.call(call, args);
    if (this.#switching !== null) return this.#switching.then(() => this.#run(call, args));
    if (call === 'sweepExpired') return this.#ttl.sweep();
    return this.#calls.run(call, args);
  }

  /**
   * One exclusive turn of the queue (sync/exclusive.js): await fn(exec) with
   * no other operation in between, its writes committed together; resolves
   * to fn's result once durable (rejects with what fn threw, after committing
   * the writes it made). exec(operation, input) resolves to the response
   * object; with a core page cache each call runs through the fault loop
   * (a faulted call changed nothing and runs again once its pages are in).
   * own(changes), when given, sees the turn's change records just before
   * subscribers do (the sync tells its own writes from the user's).
   * Owner only: the sync runs where the database is.
   */
  [EXCLUSIVE](fn, own = null) {
    if (this.#closed) return Promise.reject(new PocketDynamoError('The database is closed'));
    if (this.#broken) return Promise.reject(this.#broken);
    if (this.#client !== null || this.#switching !== null) {
      return Promise.reject(new PocketDynamoError(`Database "${this.#name}": sync runs in the context that owns ` +
          'the database, and another tab owns it'));
    }
    const owner = this.#owner;
    const step = this.#queue.enqueue(async () => {
      this.#calls.tick();
      // A page fetch yields to the event loop, where a commit that fails rolls the core back to its
      // durable state, undoing this turn's earlier calls: the turn then stops before its next call
      // (what it wrote after that point would rest on writes that are gone).
      const rollbacks = owner.stats().rollbacks;
      const exec = async (operation, input) => {
        const json = encodeRequest(input);
        const text = await paged(owner, () => {
          if (owner.stats().rollbacks !== rollbacks) {
            throw new PocketDynamoError(`Database "${this.#name}": a failed commit undid part of the sync's ` +
                'exclusive turn; it stops here and starts again');
          }
          return owner.engine.execute(String(operation), json);
        });
        return JSON.parse(text);
      };
      let result;
      let error = null;
      try {
        result = await fn(exec);
      } catch (e) {
        error = e;
      }
      const changes = owner.engine.closed ? NO_CHANGES : owner.engine.takeChanges();
      return { result, error, changes, durable: owner.afterOperation(this.#queue.waiting > 0) };
    });
    return step.then(({ result, error, changes, durable }) => durable.then(() => {
      if (own !== null && changes.length > 0) own(changes);
      this.#publish(changes);
      if (error !== null) throw error;
      return result;
    }));
  }

  /**
   * Keeps table options.table in step with a remote DynamoDB table through
   * the AWS SDK client options.remote (docs/sync.md). Resolves to the Sync
   * (web/sync/sync.js) once set up; sync.ready resolves after the first
   * complete round. Owner only.
   */
  sync(options) {
    if (this.#client !== null) {
      return Promise.reject(new PocketDynamoError(`Database "${this.#name}": db.sync() runs in the tab that owns ` +
          'the database; this tab forwards to another one'));
    }
    // Loaded on first use: apps that never sync do not download web/sync/ (package-size.mjs).
    return import('./sync/sync.js').then(({ startSync }) => startSync(this, options));
  }

  /**
   * Runs the time-to-live sweep now, to its end (in bounded steps that
   * interleave with other calls): deletes every expired item (and trims
   * stream records older than 24 hours). Resolves to { deleted, trimmed }
   * once durable. Forwarding tabs ask the owner.
   */
  sweepExpired() {
    return this.#run('sweepExpired');
  }

  /**
   * Calls fn(records) with each durable batch of committed changes to table
   * `tableName` (see the header); returns the unsubscribe function.
   */
  subscribe(tableName, fn) {
    checkSubscription(tableName, fn);
    if (this.#closed) throw new PocketDynamoError('The database is closed');
    const { remove } = this.#feed.add(tableName, fn);
    this.#syncFeed();
    return () => {
      remove();
      this.#syncFeed();
    };
  }

  sendJsonOutcome(operation, requestJson) {
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

  /** Every page image as of the last durable commit: { pageSize, lsn, pages } (pages: one Uint8Array). */
  snapshot() {
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

  /** Resolves with replicas() once all three are healthy; rejects after timeoutMs. */
  whenHealthy(timeoutMs = 30_000) {
    return this.#run('whenHealthy', { timeoutMs });
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
    this.#ttl.stop();
    this.#takeover?.cancel();
    if (this.#client !== null) {
      this.#client.close();
      return;
    }
    await serverClosed;
    await this.#ttl.settled();
    await this.#queue.settled();
    try {
      await this.#owner?.close();
    } finally {
      this.#lock?.release();            // the next tab in line takes over from complete replicas
    }
  }
}
