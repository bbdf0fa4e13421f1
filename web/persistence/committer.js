// Committer: group commit between the core and the replica set, as
// DESIGN.md ("The replica protocol", Commit) describes:
//
//   1. An operation applies to the core at once (the Database runs it) and
//      joins the pending group; afterOperation() hands back a promise that
//      settles when what that operation saw is durable.
//   2. One commit is in flight at a time. The first pending group starts a
//      commit on the next macrotask (so operations issued together, e.g. a
//      loop of un-awaited puts, share it); while a commit is in flight, later
//      operations collect into the next group, which starts as soon as the
//      one in flight is decided.
//   3. A commit takes the core's dirty pages (takeCommit copies them) and the
//      replica set writes them to all three replicas in parallel; the group
//      resolves when two have committed (markDurable).
//   4. If fewer than two can, the core rolls back to the last durable state
//      (rollbackToDurable) and every operation applied since rejects, with
//      an error naming the replicas' failures (quota first). Replicas that
//      did apply the batch are reverted (or cleared) BEFORE the in-flight
//      group rejects and before the next commit starts, so a rejected write
//      is on no replica. If even that fails, writes stop: every later write
//      is undone at once and rejects until the database is reopened (reads
//      still answer from the last durable state).
// Between commits, replicas that are behind or damaged are repaired in the
// background (replica-set.js repair) once their retry time has come, only
// while nothing is pending or in flight (so the state written is durable).
//
// Reads are operations too: one that ran while changes were pending or in
// flight saw them, so it waits for them (and rejects with them). A read on a
// durable state resolves at once.
//
// Events (emit): 'commit' { lsn, pages, operations }, 'rollback' { lsn, error }.

import { PocketDynamoError } from '../errors.js';
import { batchFromCommit } from './page-store.js';

const RESOLVED = Promise.resolve();

function deferred() {
  let resolve;
  let reject;
  const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
  promise.catch(() => {});  // every operation awaits it; this only keeps an unobserved one quiet
  return { promise, resolve, reject, operations: 0 };
}

// Runs fn on a later macrotask (after every microtask queued now): setImmediate
// in Node, else one shared MessageChannel (setTimeout(0) may wait 4 ms).
let macrotaskChannel = null;
const macrotaskQueue = [];
function nextMacrotask(fn) {
  if (typeof setImmediate === 'function') {
    setImmediate(fn);
    return;
  }
  if (typeof MessageChannel !== 'function') {
    setTimeout(fn, 0);
    return;
  }
  if (macrotaskChannel === null) {
    macrotaskChannel = new MessageChannel();
    macrotaskChannel.port1.onmessage = () => macrotaskQueue.shift()?.();
  }
  macrotaskQueue.push(fn);
  macrotaskChannel.port2.postMessage(null);
}

/** The Error operations reject with when a commit misses the quorum. */
export function quorumError(failures, lsn, durableLsn) {
  const quota = failures.some((f) => f.kind === 'quota');
  const stored = 3 - failures.length;
  const detail = failures.map((f) => `replica #${f.index}: ${f.message}`).join('; ');
  const error = new PocketDynamoError(`${quota ? 'Storage quota exceeded: ' : ''}the write was not saved: ` +
      `only ${stored} of 3 replicas could store commit ${lsn} (2 are needed) - ${detail}. It was undone, ` +
      `with every operation since; the database is back at its last saved state (LSN ${durableLsn}).`);
  error.reason = quota ? 'quota' : failures[0]?.kind ?? 'io';
  error.quotaExceeded = quota;
  error.replicaErrors = failures;
  return error;
}

export class Committer {
  #engine;
  #replicas;
  #emit;
  #group = null;          // deferred of the operations applied since the last takeCommit
  #inflight = null;       // deferred of the batch being committed
  #busy = false;          // a commit, or the rollback of one, is under way
  #scheduled = false;     // a commit start is queued
  #fatal = null;          // Error: writes are no longer safe; everything rejects
  #closed = false;
  #idle = [];             // resolve() of drain() callers
  #repairTimer = null;
  #repairing = false;
  #paused = false;        // background repair paused (pauseRepair, tests/demo)

  commits = 0;            // commits that reached the quorum
  rollbacks = 0;          // commits that did not

  constructor(engine, replicas, { emit = () => {} } = {}) {
    this.#engine = engine;
    this.#replicas = replicas;
    this.#emit = emit;
  }

  /** The Error every write rejects with once writing stopped, else null. */
  get fatal() { return this.#fatal; }

  /**
   * Call right after the Database ran one operation on the engine. Returns
   * the promise of its durability (see the header).
   */
  afterOperation() {
    if (this.#fatal) {
      // Writes are stopped: a write is undone at once (it reaches no replica); reads still answer.
      if (!this.#engine.hasPendingCommit()) return RESOLVED;
      this.#engine.rollbackToDurable();
      return Promise.reject(this.#fatal);
    }
    if (this.#engine.hasPendingCommit()) {
      this.#group ??= deferred();
      this.#group.operations++;
      this.#schedule();
      return this.#group.promise;
    }
    if (this.#group) return this.#group.promise;      // saw changes that rollback may undo
    if (this.#inflight) return this.#inflight.promise;
    return RESOLVED;
  }

  #schedule() {
    if (this.#scheduled || this.#busy) return;
    this.#scheduled = true;
    nextMacrotask(() => {
      this.#scheduled = false;
      this.#start();
    });
  }

  #start() {
    if (this.#busy || this.#fatal || this.#engine.closed) return;
    if (!this.#engine.hasPendingCommit()) {
      this.#settleIdle();
      return;
    }
    this.#busy = true;
    const commit = this.#engine.takeCommit();
    const batch = { ...batchFromCommit(commit), prevLsn: commit.prevLsn };
    const group = this.#group ?? deferred();
    this.#group = null;
    this.#inflight = group;
    let outcome;
    try {
      outcome = this.#replicas.commit(batch, () => this.#engine.snapshot());
    } catch (error) {   // nothing was issued (a snapshot could not be had): the batch failed everywhere
      const failures = [0, 1, 2].map((index) => ({ index, kind: 'io', message: String(error?.message ?? error) }));
      outcome = { quorum: Promise.reject({ failures }), settled: Promise.resolve([]), results: [], unsettled: () => 0 };
    }
    outcome.quorum.then(() => {
      this.#engine.markDurable(batch.lsn);
      this.#replicas.markDurable(batch.lsn);
      this.commits++;
      this.#inflight = null;
      this.#busy = false;
      this.#emit('commit', { lsn: batch.lsn, pages: batch.pages.length, operations: group.operations });
      group.resolve();
      this.#next();
    }, ({ failures }) => this.#rollback(batch, group, outcome, failures));
  }

  #rollback(batch, group, outcome, failures) {
    this.#engine.rollbackToDurable();
    const durable = this.#engine.durableLsn;
    const error = quorumError(failures, batch.lsn, durable);
    this.rollbacks++;
    // Operations applied after the batch was taken were undone with it; they reached no replica.
    const later = this.#group;
    this.#group = null;
    later?.reject(error);
    this.#inflight = null;
    // The durable state, taken before anything runs on it, in case a replica applied the batch
    // (or may have: a write still running, an unknown outcome) and must be put back.
    const mayNeedRevert = outcome.unsettled() > 0 || outcome.results.some((r) => r.ok || r.unknown);
    const snapshot = mayNeedRevert ? this.#engine.snapshot() : null;
    this.#emit('rollback', { lsn: batch.lsn, error });
    (async () => {
      await outcome.settled;
      let rejection = error;
      try {
        if (snapshot !== null) await this.#replicas.revert(batch, outcome.results, snapshot);
      } catch (cause) {
        this.#stop(new PocketDynamoError(`Writes are stopped: ${cause.message}. Reopen the database to go on.`,
          { cause }));
        rejection = new PocketDynamoError(`${error.message} But ${cause.message}, so this write may reappear ` +
            'when the database is reopened; writes are stopped until then.', { cause });
        Object.assign(rejection, { reason: error.reason, quotaExceeded: error.quotaExceeded,
          replicaErrors: error.replicaErrors });
      }
      group.reject(rejection);
      this.#busy = false;
      this.#next();
    })();
  }

  #stop(error) {
    this.#fatal = error;
    // Operations applied since the rollback never reach a replica now: undo them and reject them.
    if (this.#engine.hasPendingCommit()) this.#engine.rollbackToDurable();
    this.#group?.reject(error);
    this.#group = null;
    this.#emit('error', { error });
  }

  #next() {
    if (this.#fatal) {
      this.#settleIdle();
      return;
    }
    if (this.#engine.hasPendingCommit()) this.#start();
    else this.#settleIdle();
  }

  #settleIdle() {
    if (this.#busy || (!this.#fatal && this.#engine.hasPendingCommit())) return;
    for (const resolve of this.#idle.splice(0)) resolve();
    this.scheduleRepair();
  }

  /** Resolves when nothing is pending or in flight (commits settled, failed ones rolled back). */
  drain() {
    if (!this.#busy && !this.#scheduled && (this.#fatal || !this.#engine.hasPendingCommit())) return RESOLVED;
    return new Promise((resolve) => {
      this.#idle.push(resolve);
      this.#schedule();
    });
  }

  /** Starts the background repair when some replica needs it and is due (idempotent). */
  scheduleRepair(delayMs) {
    if (this.#closed || this.#fatal || this.#paused || this.#repairTimer !== null || this.#repairing) return;
    const due = delayMs ?? this.#replicas.nextRepairDelay();
    if (due === Infinity) return;
    this.#repairTimer = setTimeout(() => {
      this.#repairTimer = null;
      this.#repair();
    }, Math.max(due, 5));
    this.#repairTimer.unref?.();
  }

  #repair() {
    if (this.#closed || this.#fatal || this.#paused) return;
    if (this.#busy || this.#scheduled || this.#engine.hasPendingCommit()) return;  // the commit takes it along
    this.#repairing = true;
    let started;
    try {
      started = this.#replicas.repair(() => this.#engine.snapshot());
    } catch (error) {
      started = Promise.reject(error);
    }
    started.catch((error) => this.#emit('error', { error })).finally(() => {
      this.#repairing = false;
      this.#emit('repair', { replicas: this.#replicas.status() });
      this.scheduleRepair();
    });
  }

  /** Pauses (true) or resumes (false) background repair; commits still carry catch-ups. */
  pauseRepair(paused) {
    this.#paused = paused;
    if (paused && this.#repairTimer !== null) {
      clearTimeout(this.#repairTimer);
      this.#repairTimer = null;
    }
    if (!paused) this.scheduleRepair();
  }

  /** True while a background repair is writing. */
  get repairing() { return this.#repairing; }

  /** Waits for every commit, then stops repairs. Later afterOperation() calls reject. */
  async close() {
    await this.drain();
    this.#closed = true;
    if (this.#repairTimer !== null) clearTimeout(this.#repairTimer);
    this.#repairTimer = null;
  }
}
