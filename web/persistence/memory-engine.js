// MemoryEngine: the owner object (ReplicatedEngine's interface) of a database
// opened with storage 'memory'. The core engine alone: every page lives once,
// in the wasm heap, and there are no replicas and no replica protocol. A
// commit is engine.commitInMemory(): TakeCommit + MarkDurable in the core,
// without copying page images out to JS, and cannot fail. What the core keeps
// besides the pages is the undo of the commit being built (pager/pager.h),
// released by each commit.
//
// When commits happen (a write resolves once its commit is taken):
// - an operation after which no other is queued (the caller says so:
//   afterOperation(othersQueued)) commits at once, with every operation of
//   the group waiting before it: an awaited write costs no macrotask (inside
//   the AWS SDK's pipeline a macrotask per call cost ~80 us of CPU, more than
//   the write itself);
// - an operation with others queued behind it joins the group, so that a
//   burst (10,000 un-awaited PutItems) shares a handful of commits; the
//   group commits when the last of the burst ends, or on the next macrotask
//   (setImmediate / MessageChannel), whichever comes first.
// Results, 'commit' events and change records keep the order of the
// operations either way: a group's operations resolve together, in order.
//
//   const owner = await MemoryEngine.open(options, emit);
//   owner.engine.execute(...); await owner.afterOperation(queue.waiting > 0);
//
// Events: 'commit' { lsn, pages: 0 (no page is written anywhere), operations }.
// replicas(), verify() and whenHealthy() report no replicas ([]). Tests that
// need replica faults use open({ stores: [...] }) with MemoryStores
// (memory-store.js), which runs the full protocol.

import { Engine } from '../core/engine.js';
import { PocketDynamoError } from '../errors.js';
import { cacheOptions } from './page-fetcher.js';

const RESOLVED = Promise.resolve();

// Runs fn on a later macrotask (after every microtask queued now), as the
// committer does: setImmediate in Node, else a MessageChannel (setTimeout(0)
// may wait 4 ms).
let channel = null;
const queue = [];
function nextMacrotask(fn) {
  if (typeof setImmediate === 'function') {
    setImmediate(fn);
  } else if (typeof MessageChannel === 'function') {
    if (channel === null) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => queue.shift()?.();
    }
    queue.push(fn);
    channel.port2.postMessage(null);
  } else {
    setTimeout(fn, 0);
  }
}

export class MemoryEngine {
  #emit;
  #group = null;       // { promise, resolve, operations } of the operations waiting for the next commit
  #closed = false;

  commits = 0;

  constructor(engine, emit) {
    this.engine = engine;
    this.#emit = emit;
    this.kind = 'memory';
    this.persistent = false;
    this.persisted = null;
    this.recovery = { fresh: true, source: null, lsn: engine.lsn, replaced: [], discarded: [], skipped: [],
      dataLoss: null, lazy: false };
  }

  /** A new in-memory database (or one loaded from options.snapshot). */
  static async open(options, emit = () => {}) {
    const cache = cacheOptions(options);
    if (cache.cacheBytes > 0) {
      throw new PocketDynamoError("open(): cacheBytes is for databases with replicas; storage 'memory' keeps every " +
          'page in memory (there is nowhere to read an evicted page back from)');
    }
    const engine = await Engine.create({ wasmUrl: options.wasmUrl, wasmBinary: options.wasmBinary,
      pageSize: options.pageSize, snapshot: options.snapshot });
    return new MemoryEngine(engine, emit);
  }

  /**
   * The promise that the operation just run is committed (see the header):
   * committed now unless othersQueued (operations are queued behind it).
   */
  afterOperation(othersQueued = false) {
    if (this.engine.closed || !this.engine.hasPendingCommit()) return this.#group?.promise ?? RESOLVED;
    if (!othersQueued && this.#group === null) {
      this.#commitNow(1);
      return RESOLVED;
    }
    if (this.#group === null) {
      let resolve;
      const promise = new Promise((res) => { resolve = res; });
      const group = { promise, resolve, operations: 0 };
      this.#group = group;
      nextMacrotask(() => this.#commit(group));
    }
    this.#group.operations++;
    const { promise } = this.#group;
    if (!othersQueued) this.#commit(this.#group);
    return promise;
  }

  // Commits the pending group if it is still `group` (a group committed early leaves its macrotask nothing to do).
  #commit(group) {
    if (this.#group !== group) return;
    this.#group = null;
    if (!this.engine.closed && this.engine.hasPendingCommit()) this.#commitNow(group.operations);
    group.resolve();
  }

  #commitNow(operations) {
    const lsn = this.engine.commitInMemory();
    this.commits++;
    this.#emit('commit', { lsn, pages: 0, operations });
  }

  /** Never set: an in-memory commit cannot fail. */
  get fatal() { return null; }
  /** Resolves when no commit is pending. */
  drain() {
    if (this.#group === null) return RESOLVED;
    return this.#group.promise;
  }
  /** No replicas. */
  replicas() { return []; }
  verify() { return RESOLVED; }
  whenHealthy() { return Promise.resolve([]); }
  pauseRepair() {}
  statusChanged() {}
  /** { commits, rollbacks } so far. */
  stats() { return { commits: this.commits, rollbacks: 0 }; }

  /** Commits what is pending and closes the engine. Idempotent. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.drain();
    this.engine.close();
  }
}
