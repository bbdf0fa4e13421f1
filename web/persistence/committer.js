// Committer: group commit between the core and the replica set, and the
// background checkpointer (docs/design.md, "Commits and the replica protocol"):
//
//   1. An operation applies to the core at once (the Database runs it) and
//      joins the pending group; afterOperation() hands back a promise that
//      settles when what that operation saw is durable.
//   2. One commit is in flight at a time. The first pending group starts a
//      commit on the next macrotask (so operations issued together, e.g. a
//      loop of un-awaited puts, share it); while a commit is in flight, later
//      operations collect into the next group, which starts as soon as the
//      one in flight is decided.
//   3. A commit takes the core's commit record (takeCommit) and the replica
//      set appends it to all three replicas' logs in parallel (one still
//      writing the commit before may be deferred: replica-set.js commit); the
//      group resolves when two have it durably (markDurable).
//   4. If fewer than two can, the core rolls back to the last durable state
//      (rollbackToDurable) and every operation applied since rejects, with
//      an error naming the replicas' failures (quota first). Replicas that
//      did append the record have their log truncated (or are cleared)
//      BEFORE the in-flight group rejects and before the next commit starts,
//      so a rejected write is on no replica. If even that fails, writes stop:
//      every later write is undone at once and rejects until the database is
//      reopened (reads still answer from the last durable state).
// Between commits, replicas that are behind or damaged are repaired in the
// background (replica-set.js repair) once their retry time has come, only
// while nothing is pending or in flight.
//
// Checkpoints: the log of every replica grows by one record per commit; a
// checkpoint writes the pages changed since the oldest replica checkpoint
// (the page ids of the records since then) as new page versions, in chunks
// of `checkpointChunkPages` between commits, each chunk the durable images of
// that moment, to every replica with a known state; commits go on meanwhile,
// and a page a later durable commit changes goes back into the queue. Once
// the queue is small (or after a few passes, if commits keep changing pages
// faster), the rest is taken in one last chunk together with the meta page,
// all at D = the durable LSN of that moment (no await between): every page
// changed up to D then has its image as of D written, so the head of every
// replica whose log reaches D flips to D's meta page, dropping records <= D
// (page-store.js flipHead). Triggered when the log since the oldest
// checkpoint exceeds its limit, after `checkpointIdleMs` without a commit,
// and at close(). The limit: `logLimitBytes` when given; by default half the
// database's bytes, between 8 and 32 MiB (logLimit()): a checkpoint in a
// sustained load rewrites about every page the log touched, i.e. nearly the
// whole database when the writes are spread (a bulk load), so a log limit
// that grows with the database keeps the page bytes checkpoints write at
// most about twice the log's (up to a 64 MiB database), where a fixed 8 MiB
// made them grow with the database (bench/write-volume.mjs: npm run bench's 100,000-item load took 6
// checkpoints during it, 3,191 B/item of page writes; bench/results/write_volume.md).
//
// Reads are operations too: one that ran while changes were pending or in
// flight saw them, so it waits for them (and rejects with them). A read on a
// durable state resolves at once.
//
// Events (emit): 'commit' { lsn, pages, bytes, operations }, 'rollback' { lsn, error },
// 'checkpoint' { lsn, pages, replicas }.
//
// The core is used through an adapter (core-adapter.js; the simulation's
// fake engine implements the same): hasPendingCommit(), takeCommit() ->
// { lsn, prevLsn, pageCount, pageSize, pageIds, record }, markDurable(lsn),
// rollbackToDurable(), durableLsn, closed, durableImages(ids) -> Map,
// allDurableImages() -> Map | null, durablePageCount, pageSize, baseMeta.

import { PocketDynamoError } from '../errors.js';
import { HOT_PAGE_BYTES, headFromMeta, pageLsn } from './page-store.js';
import { recordsBase } from './page-fetcher.js';

const headPageCount = (meta) => headFromMeta(meta).pageCount;

const RESOLVED = Promise.resolve();
export const DEFAULT_LOG_LIMIT_BYTES = 8 * 1024 * 1024;    // the default log limit's floor
export const MAX_DEFAULT_LOG_LIMIT_BYTES = 32 * 1024 * 1024;   // and its ceiling
export const DEFAULT_CHECKPOINT_IDLE_MS = 2000;
export const DEFAULT_CHECKPOINT_CHUNK_PAGES = 32;

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
export function nextMacrotask(fn) {
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

const REAL_TIMERS = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (timer) => clearTimeout(timer),
  macrotask: nextMacrotask,
};

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
  #core;
  #replicas;
  #emit;
  #timers;
  #group = null;          // deferred of the operations applied since the last takeCommit
  #inflight = null;       // deferred of the commit in flight
  #busy = false;          // a commit, or the rollback of one, is under way
  #scheduled = false;     // a commit start is queued
  #fatal = null;          // Error: writes are no longer safe; everything rejects
  #closed = false;
  #idle = [];             // resolve() of drain() callers
  #repairTimer = null;
  #repairing = false;
  #paused = false;        // background repair paused (pauseRepair, tests/demo)
  // checkpointer
  #pageLog = [];          // [{ lsn, pageIds, bytes }] of durable records after the oldest replica checkpoint
  #logBytes = 0;
  #pageLogBase;           // #pageLog holds every durable record after this LSN (a checkpoint's pages: changes since)
  #logLimit;              // bytes, or null: the default, which follows the database's size (logLimit())
  #idleMs;
  #chunkPages;
  #checkpointing = null;  // Promise of the checkpoint under way
  #checkpointQueue = null;  // Set of page ids still to write (while checkpointing)
  #idleTimer = null;
  #onRelease;             // (lsn) => void: the core dropped the records up to lsn
  #released = -1;         // the last LSN passed to core.releaseRecordsThrough
  #withPages;             // (fn) => Promise of fn()'s value, page faults resolved (page-fetcher.js runWithPages)

  commits = 0;            // commits that reached the quorum
  rollbacks = 0;          // commits that did not
  checkpoints = 0;        // checkpoints flipped on at least one replica

  /**
   * core: the engine adapter (see the header); replicas: a ReplicaSet;
   * options: emit, logLimitBytes (default: logLimit()), checkpointIdleMs, checkpointChunkPages,
   * records (the log recovery read: [{ lsn, record, pageIds }], after the oldest checkpoint),
   * timers ({ now, setTimeout, clearTimeout, macrotask }: the simulation's clock),
   * withPages (runs a synchronous core call, resolving page faults: page-fetcher.js runWithPages;
   * default: the core holds every page), onRelease(lsn) (after core.releaseRecordsThrough(lsn)),
   * releasedThrough (the LSN after which the core was given the records at open).
   */
  constructor(core, replicas, { emit = () => {}, logLimitBytes = null,
    checkpointIdleMs = DEFAULT_CHECKPOINT_IDLE_MS, checkpointChunkPages = DEFAULT_CHECKPOINT_CHUNK_PAGES,
    records = [], timers = REAL_TIMERS, withPages = async (fn) => fn(), onRelease = () => {},
    releasedThrough = -1 } = {}) {
    this.#withPages = withPages;
    this.#onRelease = onRelease;
    this.#released = releasedThrough;
    this.#pageLogBase = recordsBase(records, core.durableLsn);
    this.#core = core;
    this.#replicas = replicas;
    this.#emit = emit;
    this.#timers = timers;
    this.#logLimit = logLimitBytes;
    this.#idleMs = checkpointIdleMs;
    this.#chunkPages = Math.max(1, checkpointChunkPages);
    for (const { lsn, pageIds, record } of records) this.#notePageLog(lsn, pageIds, record.byteLength);
    // A replica whose append a commit deferred catches up with the next commit, or here when none follows.
    replicas.onBehind?.(() => this.scheduleRepair());
  }

  /** The Error every write rejects with once writing stopped, else null. */
  get fatal() { return this.#fatal; }

  /** Bytes of records in the log since the oldest replica checkpoint (what a checkpoint would trim). */
  get logBytes() { return this.#logBytes; }

  /**
   * The log size over which a checkpoint starts: logLimitBytes if given, else
   * half the database's bytes (durable page count x page size), at least
   * DEFAULT_LOG_LIMIT_BYTES and at most MAX_DEFAULT_LOG_LIMIT_BYTES.
   */
  get logLimit() {
    if (this.#logLimit !== null) return this.#logLimit;
    const half = (this.#core.durablePageCount * this.#core.pageSize) / 2;
    return Math.min(MAX_DEFAULT_LOG_LIMIT_BYTES, Math.max(DEFAULT_LOG_LIMIT_BYTES, half || 0));
  }

  /**
   * Call right after the Database ran one operation on the engine. Returns
   * the promise of its durability (see the header).
   */
  afterOperation() {
    if (this.#fatal) {
      // Writes are stopped: a write is undone at once (it reaches no replica); reads still answer.
      if (!this.#core.hasPendingCommit()) return RESOLVED;
      this.#core.rollbackToDurable();
      return Promise.reject(this.#fatal);
    }
    if (this.#core.hasPendingCommit()) {
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
    this.#timers.macrotask(() => {
      this.#scheduled = false;
      this.#start();
    });
  }

  #start() {
    if (this.#busy || this.#fatal || this.#core.closed) return;
    if (!this.#core.hasPendingCommit()) {
      this.#settleIdle();
      return;
    }
    this.#busy = true;
    const commit = this.#core.takeCommit();
    const entry = {
      lsn: commit.lsn, prevLsn: commit.prevLsn, record: commit.record, pageIds: commit.pageIds,
      pageCount: commit.pageCount,
    };
    const group = this.#group ?? deferred();
    this.#group = null;
    this.#inflight = group;
    let outcome;
    try {
      outcome = this.#replicas.commit(entry);
    } catch (error) {   // nothing was issued: the commit failed everywhere
      const failures = [0, 1, 2].map((index) => ({ index, kind: 'io', message: String(error?.message ?? error) }));
      outcome = { quorum: Promise.reject({ failures }), settled: Promise.resolve([]), results: [], unsettled: () => 0 };
    }
    outcome.quorum.then(() => {
      this.#core.markDurable(entry.lsn);
      this.#replicas.markDurable(entry.lsn);
      this.#notePageLog(entry.lsn, entry.pageIds, entry.record.byteLength);
      this.commits++;
      this.#inflight = null;
      this.#busy = false;
      this.#emit('commit', { lsn: entry.lsn, pages: entry.pageIds.length, bytes: entry.record.byteLength,
        operations: group.operations });
      group.resolve();
      // Over the log limit: a checkpoint starts now and runs between the commits that follow.
      if (this.#logBytes > this.logLimit && !this.#checkpointing) this.#scheduleCheckpoint();
      this.#next();
    }, ({ failures }) => this.#rollback(entry, group, outcome, failures));
  }

  #rollback(entry, group, outcome, failures) {
    this.#core.rollbackToDurable();
    const durable = this.#core.durableLsn;
    const error = quorumError(failures, entry.lsn, durable);
    this.rollbacks++;
    // Operations applied after the commit was taken were undone with it; they reached no replica.
    const later = this.#group;
    this.#group = null;
    later?.reject(error);
    this.#inflight = null;
    this.#emit('rollback', { lsn: entry.lsn, error });
    (async () => {
      await outcome.settled;
      let rejection = error;
      try {
        await this.#replicas.revert(entry.lsn, outcome.results, durable);
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
    if (this.#core.hasPendingCommit()) this.#core.rollbackToDurable();
    this.#group?.reject(error);
    this.#group = null;
    this.#emit('error', { error });
  }

  #next() {
    if (this.#fatal) {
      this.#settleIdle();
      return;
    }
    if (this.#core.hasPendingCommit()) this.#start();
    else this.#settleIdle();
  }

  #settleIdle() {
    if (this.#busy || (!this.#fatal && this.#core.hasPendingCommit())) return;
    for (const resolve of this.#idle.splice(0)) resolve();
    this.scheduleRepair();
    this.#scheduleCheckpoint();
  }

  /** Resolves when nothing is pending or in flight (commits settled, failed ones rolled back). */
  drain() {
    if (!this.#busy && !this.#scheduled && (this.#fatal || !this.#core.hasPendingCommit())) return RESOLVED;
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
    this.#repairTimer = this.#timers.setTimeout(() => {
      this.#repairTimer = null;
      this.#repair();
    }, Math.max(due, 5));
  }

  #repair() {
    if (this.#closed || this.#fatal || this.#paused) return;
    if (this.#busy || this.#scheduled || this.#core.hasPendingCommit()) return;  // the commit takes it along
    this.#repairing = true;
    let started;
    try {
      started = this.#replicas.repair();
    } catch (error) {
      started = Promise.reject(error);
    }
    started.catch((error) => this.#emit('error', { error })).finally(() => {
      this.#repairing = false;
      this.#emit('repair', { replicas: this.#replicas.status() });
      this.scheduleRepair();
    });
  }

  /** Pauses (true) or resumes (false) background repair and checkpoints; commits still carry catch-ups. */
  pauseRepair(paused) {
    this.#paused = paused;
    if (paused && this.#repairTimer !== null) {
      this.#timers.clearTimeout(this.#repairTimer);
      this.#repairTimer = null;
    }
    if (!paused) {
      this.scheduleRepair();
      this.#scheduleCheckpoint();
    }
  }

  /** True when no commit is in flight, scheduled or pending (a background step may use the stores). */
  get idle() {
    return !this.#busy && !this.#scheduled && !this.#closed && !this.#core.closed && !this.#core.hasPendingCommit();
  }

  /** True while a background repair is writing. */
  get repairing() { return this.#repairing; }

  // --- checkpointer ---

  #notePageLog(lsn, pageIds, bytes) {
    this.#pageLog.push({ lsn, pageIds, bytes });
    this.#logBytes += bytes;
    if (this.#checkpointQueue !== null) for (const id of pageIds) if (id !== 0) this.#checkpointQueue.add(id);
  }

  /**
   * The replicas' checkpoints moved without a checkpoint of this committer (open({ snapshot })
   * wrote the snapshot to every replica): releases what no replica needs any more, as after a
   * checkpoint (the core's records, and pinned pages no page source held until now).
   */
  replicasCheckpointed() {
    this.#trimPageLog();
  }

  #trimPageLog() {
    const keepAfter = this.#replicas.minCheckpointLsn();
    while (this.#pageLog.length && this.#pageLog[0].lsn <= keepAfter) this.#logBytes -= this.#pageLog.shift().bytes;
    if (Number.isFinite(keepAfter) && keepAfter > this.#pageLogBase) this.#pageLogBase = keepAfter;
    // A core with a page cache keeps the records after the oldest checkpoint pages may be read from
    // (of any replica: not only those with a known state, whose minimum is the durable LSN when none is).
    const through = Math.min(keepAfter, this.#replicas.oldestCheckpointLsn?.() ?? keepAfter);
    if (typeof this.#core.releaseRecordsThrough === 'function' && Number.isFinite(through) &&
        through > this.#released) {
      this.#released = through;
      this.#core.releaseRecordsThrough(through);
      this.#onRelease(through);
    }
    if (typeof this.#core.retain === 'function') {
      const keep = new Set([0]);
      for (const { pageIds } of this.#pageLog) for (const id of pageIds) keep.add(id);
      this.#core.retain(keep);
    }
  }

  #scheduleCheckpoint() {
    if (this.#closed || this.#fatal || this.#paused || this.#checkpointing || this.#pageLog.length === 0) return;
    if (this.#logBytes > this.logLimit) {
      this.checkpoint().catch((error) => this.#emit('error', { error }));
      return;
    }
    this.#scheduleIdleCheckpoint();
  }

  #scheduleIdleCheckpoint() {
    if (this.#closed || this.#fatal || this.#paused || this.#pageLog.length === 0) return;
    if (this.#idleTimer !== null) this.#timers.clearTimeout(this.#idleTimer);
    this.#idleTimer = this.#timers.setTimeout(() => {
      this.#idleTimer = null;
      if (!this.#busy && !this.#core.hasPendingCommit()) this.checkpoint().catch((error) => this.#emit('error', { error }));
    }, this.#idleMs);
  }

  /** True while a checkpoint is being written. */
  get checkpointing() { return this.#checkpointing !== null; }

  /**
   * Writes a checkpoint now (or joins the one under way). Resolves to
   * { lsn, pages, replicas: [indexes flipped] } or null when there was
   * nothing to do or no replica could take it.
   */
  checkpoint() {
    if (this.#checkpointing) return this.#checkpointing;
    const run = this.#runCheckpoint();
    this.#checkpointing = run.then((info) => {
      this.#checkpointing = null;
      this.#checkpointQueue = null;
      // Progress: go on at once if the log is still over its limit. None (no replica could take
      // it, writes stopped): try again after the idle delay, never in a loop.
      if (info !== null) this.#scheduleCheckpoint();
      else this.#scheduleIdleCheckpoint();
      return info;
    }, (error) => {
      this.#checkpointing = null;
      this.#checkpointQueue = null;
      this.#scheduleIdleCheckpoint();
      throw error;
    });
    return this.#checkpointing;
  }

  async #runCheckpoint() {
    if (this.#pageLog.length === 0 || this.#fatal || this.#core.closed) return null;
    const queue = new Set();
    const base = this.#pageLogBase;   // the pages changed after it are written (a replica checkpointed before it is not flipped)
    for (const { pageIds } of this.#pageLog) for (const id of pageIds) if (id !== 0) queue.add(id);
    this.#checkpointQueue = queue;
    const written = new Map();
    let targets = this.#replicas.checkpointTargets();
    let pages = 0;
    let chunks = 0;
    const firstPass = Math.ceil(queue.size / this.#chunkPages);
    // Each chunk's write waits behind the commit appended before it, and a bulk load's commit
    // changes hundreds of pages: when the queue grew since the last chunk (commits outpace the
    // checkpoint), the rest goes at once in the last chunk, or the checkpoint would fall behind for
    // as long as the load lasts (it did: the log and the core's records grew without bound).
    let lastQueue = queue.size;
    let meta = null;
    while (meta === null) {
      if (targets.length === 0 || this.#fatal || this.#core.closed) return null;
      // One synchronous step (retried whole if the core faults on a page it must read back first:
      // commits may change the queue while the pages are read).
      const taken = await this.#withPages(() => {
        const pageCount = this.#core.durablePageCount;
        for (const id of queue) if (id >= pageCount) queue.delete(id);   // the database shrank
        // The last chunk: whatever is left, with the meta page, all at the durable LSN of this moment
        // (no await between: every page changed up to it has its image as of it). Taken once the
        // queue is small, as soon as commits outpace the chunks, or after a few passes.
        const last = queue.size <= this.#chunkPages * 4 || queue.size > lastQueue || chunks >= firstPass + 8;
        lastQueue = queue.size;
        const chunk = [];
        for (const id of queue) {
          if (!last && chunk.length >= this.#chunkPages) break;
          chunk.push(id);
        }
        const chunkImages = this.#core.durableImages(chunk);
        const chunkMeta = last ? this.#core.durableImages([0]).get(0) : null;
        for (const id of chunk) queue.delete(id);
        if (last) this.#checkpointQueue = null;
        return { images: chunkImages, meta: chunkMeta };
      });
      if (this.#fatal || this.#core.closed) return null;
      const { images } = taken;
      if (taken.meta !== null) meta = taken.meta;
      for (const [id, image] of images) written.set(id, pageLsn(image));
      pages += images.size;
      chunks++;
      if (images.size > 0) targets = await this.#replicas.writeCheckpointPages(targets, [...images]);
    }
    const lsn = pageLsn(meta);
    for (const id of written.keys()) if (id >= headPageCount(meta)) written.delete(id);
    // The pages the next open reads with the head: the roots and interior levels resident now.
    const hot = this.#core.hotPages(Math.floor(HOT_PAGE_BYTES / this.#core.pageSize));
    const flipped = await this.#replicas.flipCheckpoint(targets, meta, written, base, hot);
    this.#trimPageLog();
    if (flipped.length === 0) return null;
    this.checkpoints++;
    const info = { lsn, pages, replicas: flipped };
    this.#emit('checkpoint', info);
    return info;
  }

  /** Waits for every commit, writes a last checkpoint, then stops. Later afterOperation() calls reject. */
  async close() {
    await this.drain();
    if (this.#idleTimer !== null) this.#timers.clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
    if (!this.#fatal && !this.#core.closed) {
      await this.#checkpointing?.catch(() => null);
      if (this.#pageLog.length > 0 && !this.#paused) await this.checkpoint().catch(() => null);
    }
    this.#closed = true;
    if (this.#repairTimer !== null) this.#timers.clearTimeout(this.#repairTimer);
    this.#repairTimer = null;
    if (this.#idleTimer !== null) this.#timers.clearTimeout(this.#idleTimer);
    this.#idleTimer = null;
  }
}
