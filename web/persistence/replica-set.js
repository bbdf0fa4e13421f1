// ReplicaSet: the three replicas of one database (PageStores, page-store.js,
// layout version 2: checkpoint + log) and what this session knows about
// each. It appends each commit's record to all three in parallel and reports
// when two of them hold it (the quorum); it brings a replica that fell behind
// up to date from the records it lacks, truncates the record of a commit the
// core rolled back, writes checkpoints and rebuilds a replica from scratch
// when nothing else can help. The committer (committer.js) decides WHEN; this
// file decides WHAT each replica is sent.
//
// What is known per replica:
//   end       the LSN the store holds for certain (its log's end), or null:
//             unknown (a write whose outcome is unknown, damage found) and
//             only a rebuild (writeFull) fixes it.
//   tail      the LSN it will hold once every write issued to it succeeded.
//   ckptLsn   its checkpoint's LSN (flipHead moves it).
//   A replica with end e holds the database's state at LSN e: its checkpoint
//   plus records up to e, all of this session's one history.
//
// Catch-up of a replica behind (end < the durable LSN), cheapest first:
//   1. the records it lacks from the ring (recent records kept in memory,
//      RING_BYTES), appended in one write together with the next commit;
//   2. else the records from a peer's log (readLog), in the background;
//   3. else a rebuild: every page at the durable LSN (writeFull); with a
//      bounded page cache, read a chunk at a time through page faults
//      (#rebuildThroughPages).
//
// Invariant (recovery.js relies on it across sessions): every replica with a
// valid head holds a state of ONE linear history. A record that fails the
// quorum is rolled back in the core, and every replica that (maybe) appended
// it has its log truncated back to the durable LSN (or is cleared) before
// another commit. Checkpoint page versions are only ever images of durable
// states, so they are right for every replica of that history.
//
// Writes to one store are issued in order and the store applies them in
// order (IndexedDB orders transactions on one database; the other stores
// queue), so a record can be sent behind a replica's unfinished write: if
// that write fails, the store's end check turns the next one away as stale.
//
// Status per replica (status(), 'replica' events):
//   healthy    holds the newest durable state (or is about to)
//   stale      behind, or damaged; catches up with the next commit or repair
//   repairing  a catch-up or rebuild is being written to it
//   failed     its last write failed (quota, I/O, closed); retried with backoff

import { StoreError, headFromMeta, ownedCopy, pageLsn } from './page-store.js';

export const QUORUM = 2;
const RETRY_AT_ONCE = 2;          // failures in a row after which catch-ups wait for the backoff
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5000;
export const RING_BYTES = 16 * 1024 * 1024;   // recent records kept for catch-up
export const REBUILD_CHUNK_PAGES = 64;        // pages per core call of a rebuild through page reads
export const DEFER_LIMIT = 8;                  // records a free replica may lag before commit() sends it the next
export const DEFER_BYTES = 1024 * 1024;        // ... and bytes of them (commit(): deferral)

// The page count of the database after a record (core/pager/log_record.h: u32 at offset 36).
function recordPageCount(record) {
  return record.byteLength >= 40 ? new DataView(record.buffer, record.byteOffset, record.byteLength).getUint32(36, true) : 0;
}

export class ReplicaSet {
  #replicas;
  #durable;               // LSN of the newest durable commit
  #emit;                  // (event, detail) => void
  #tools;                 // { verifyPageImage, readMetaHead, readRecordHeader }
  #core;                  // the engine adapter: durableImages(ids), pageCount, pageSize, baseMeta
  #now;                   // () => ms
  #lastEmitted = [];      // per replica: a key of the status last emitted
  #ring = new Map();      // lsn -> { lsn, prevLsn, record } of recent durable (and the in-flight) records
  #ringBytes = 0;
  #ringLimit;
  #quorum;                // QUORUM (a test of the simulation's checker lowers it to show it is caught)
  #checkpointGenerations = new Map();   // index -> generation of the checkpoint's targets
  #withPages = async (fn) => fn();      // runs a core call, resolving page faults (usePages)
  #defer;                 // commit() may defer a replica that is still writing (see there)
  #deferLimit;            // ... or a free one, while it lags by at most this many records
  #onBehind = () => {};   // called when a replica's writes finished and it is behind (onBehind)
  deferred = 0;           // appends deferred by commit() (diagnostics, tests)
  recruited = 0;          // ... of which sent after all because the quorum needed them
  // Store writes under way, per kind (inFlight(): what a crash now would interrupt).
  #inflight = { commit: 0, 'catch-up': 0, full: 0, pages: 0, flip: 0, truncate: 0, rebuildReads: 0 };

  /**
   * stores: PageStore[3]; states[i]: { end, ckptLsn, pageCount, pageSize, reason } from
   * recovery; durableLsn: the opened state's LSN; core: the engine adapter
   * (committer.js); records: the records recovery read (they seed the ring).
   */
  constructor(stores, states, { durableLsn, emit = () => {}, tools, core, records = [], now = () => Date.now(),
    ringBytes = RING_BYTES, quorum = QUORUM, defer = true, deferLimit = DEFER_LIMIT }) {
    this.#quorum = quorum;
    this.#defer = defer;
    this.#deferLimit = deferLimit;
    this.#durable = durableLsn;
    this.#emit = emit;
    this.#tools = tools;
    this.#core = core;
    this.#now = now;
    this.#ringLimit = ringBytes;
    this.#replicas = stores.map((store, index) => ({
      index,
      store,
      end: states[index].end,
      tail: states[index].end,
      ckptLsn: states[index].ckptLsn ?? 0,
      writes: 0,              // writes outstanding
      idle: [],               // resolve() of those waiting for writes to reach 0 (#writeDone)
      repairing: false,       // a catch-up / rebuild is among them
      failures: 0,            // consecutive failed writes
      retryAt: 0,             // now() value before which it is not retried
      reason: states[index].reason ?? '',
      lastKind: null,         // kind of the last StoreError
      damagedLater: null,     // a page read found damage during a write (pageDamaged)
      pagedRebuild: false,    // a rebuild must read the pages a chunk at a time (the core lacks some)
      generation: 0,          // rebuilds (writeFull) issued to it: a checkpoint under way skips a rebuilt replica
      pageCount: states[index].pageCount ?? 0,
      pageSize: states[index].pageSize ?? 0,
    }));
    for (const entry of records) this.remember(entry);
    for (const r of this.#replicas) this.#refresh(r, true);
  }

  get durableLsn() { return this.#durable; }

  /**
   * A core with a bounded page cache: withPages(fn) runs the synchronous core
   * call fn until no page fault is left (page-fetcher.js runWithPages), so that
   * a rebuild can read the durable pages the core lacks.
   */
  usePages(withPages) { this.#withPages = withPages; }

  /** Keeps a record in the ring (oldest dropped beyond the byte limit). */
  remember(entry) {
    if (this.#ring.has(entry.lsn)) return;
    this.#ring.set(entry.lsn, entry);
    this.#ringBytes += entry.record.byteLength;
    for (const [lsn, old] of this.#ring) {
      if (this.#ringBytes <= this.#ringLimit || this.#ring.size <= 1) break;
      this.#ring.delete(lsn);
      this.#ringBytes -= old.record.byteLength;
    }
  }

  #forget(lsn) {
    const entry = this.#ring.get(lsn);
    if (!entry) return;
    this.#ring.delete(lsn);
    this.#ringBytes -= entry.record.byteLength;
  }

  // Bytes of the ring's records (after, to] (Infinity if it lacks one of them).
  #ringBytesOf(after, to) {
    let bytes = 0;
    for (let lsn = after + 1; lsn <= to; lsn++) {
      const entry = this.#ring.get(lsn);
      if (entry === undefined) return Infinity;
      bytes += entry.record.byteLength;
    }
    return bytes;
  }

  /** The records (after, to] from the ring, or null if it lacks any. */
  #fromRing(after, to) {
    const out = [];
    for (let lsn = after + 1; lsn <= to; lsn++) {
      const entry = this.#ring.get(lsn);
      if (!entry) return null;
      out.push(entry);
    }
    return out;
  }

  /** Records that the commit with this LSN is durable (on a quorum). */
  markDurable(lsn) {
    this.#durable = lsn;
    for (const r of this.#replicas) this.#refresh(r);
  }

  /** After a rollback: the core is back at `lsn`. */
  resetDurable(lsn) {
    this.#durable = lsn;
    for (const l of [...this.#ring.keys()]) if (l > lsn) this.#forget(l);
    for (const r of this.#replicas) this.#refresh(r);
  }

  #status(r) {
    if (r.repairing && r.writes > 0) return 'repairing';
    if (r.failures > 0 && r.lastKind !== 'stale') return 'failed';
    if (r.end === null || r.end < this.#durable || r.failures > 0) return 'stale';
    return 'healthy';
  }

  #describe(r) {
    const info = {
      index: r.index,
      lsn: r.end,
      checkpointLsn: r.end === null ? null : r.ckptLsn,
      status: this.#status(r),
      pageCount: r.end === null ? 0 : r.pageCount,
      bytes: r.end === null ? 0 : r.pageCount * r.pageSize,
      store: r.store.describe?.() ?? `replica #${r.index}`,
    };
    if (info.status !== 'healthy' && r.reason) info.reason = r.reason;
    return info;
  }

  #refresh(r, silent = false) {
    const status = this.#status(r);
    const key = `${status} ${r.end} ${r.pageCount} ${r.pageSize} ${status === 'healthy' ? '' : r.reason}`;
    if (this.#lastEmitted[r.index] === key) return;
    this.#lastEmitted[r.index] = key;
    if (!silent) this.#emit('replica', this.#describe(r));
  }

  /** [{ index, lsn, checkpointLsn, status, pageCount, bytes, store, reason? }] for every replica. */
  status() {
    return this.#replicas.map((r) => this.#describe(r));
  }

  /** The smallest checkpoint LSN among replicas that hold a known state (the log nobody may lose yet). */
  minCheckpointLsn() {
    let min = Infinity;
    for (const r of this.#replicas) if (r.end !== null) min = Math.min(min, r.ckptLsn);
    return min === Infinity ? this.#durable : min;
  }

  /**
   * The replicas to read a faulted page from, in order (page-fetcher.js):
   * healthy ones first, then others with a known state, then the rest (the
   * fetcher checks each read's checkpoint LSN, so a wrong one is never used).
   */
  readOrder() {
    const rank = (r) => (this.#status(r) === 'healthy' ? 0 : r.end !== null ? 1 : 2);
    return [...this.#replicas].sort((a, b) => rank(a) - rank(b) || a.index - b.index).map((r) => r.index);
  }

  /**
   * A page read from replica `index` was damaged, missing or refused by the
   * core (id null: the replica's head is not one pages can be read from;
   * ckptLsn: the head's LSN, no damage when it is where this session left
   * it): its state is no longer trusted and the background repair rebuilds it.
   */
  pageDamaged(index, id, problem, ckptLsn = undefined) {
    const r = this.#replicas[index];
    // A checkpoint the core cannot use but that is where this session left it: not damage.
    if (id === null && ckptLsn !== undefined && ckptLsn === r.ckptLsn) return;
    const reason = id === null ? problem : `page ${id} is damaged (${problem})`;
    if (r.writes > 0) {
      r.damagedLater = reason;   // applied when its writes finish (#issue)
      return;
    }
    if (r.end === null) return;
    r.end = null;
    r.tail = null;
    r.reason = reason;
    this.#refresh(r);
  }

  /**
   * The oldest checkpoint LSN this session knows of ANY replica, a known
   * state or not (a replica marked damaged may still serve pages, and one
   * being rebuilt gets a newer checkpoint): the core keeps the records after
   * it, so that a page read from any replica's checkpoint can be brought
   * forward (committer.js releaseRecordsThrough).
   */
  oldestCheckpointLsn() {
    return Math.min(this.#durable, ...this.#replicas.map((r) => r.ckptLsn));
  }

  /** True if some replica is not healthy and nothing is being written to it. */
  needsRepair() {
    return this.#replicas.some((r) => r.writes === 0 && this.#status(r) !== 'healthy');
  }

  /** Milliseconds until the next replica needing repair may be retried (0: now; Infinity: none needs it). */
  nextRepairDelay(now = this.#now()) {
    let delay = Infinity;
    for (const r of this.#replicas) {
      if (r.writes === 0 && this.#status(r) !== 'healthy') delay = Math.max(0, Math.min(delay, r.retryAt - now));
    }
    return delay;
  }

  // The writes for replica r to hold `entry` (the commit, or null for a
  // repair to the durable state): [{ kind, run() }] or null to leave it alone.
  #plan(r, entry) {
    const target = entry ? entry.lsn : this.#durable;
    const from = entry ? entry.prevLsn : this.#durable;   // the durable LSN the commit builds on
    if (entry !== null && r.end !== null && r.tail === entry.prevLsn && (r.writes > 0 || r.end === entry.prevLsn)) {
      return [{ kind: 'commit', lsn: entry.lsn, pageCount: recordPageCount(entry.record),
        run: () => r.store.appendRecords([entry], entry.prevLsn, this.#core.baseMeta) }];
    }
    const retryDue = r.failures <= RETRY_AT_ONCE || this.#now() >= r.retryAt;
    if (r.writes > 0 || !retryDue) return null;
    if (r.end !== null && r.end > from) r.end = null;  // not a state of this history: rebuild
    if (r.end !== null && r.end === target) return null;  // nothing to do
    if (r.end !== null) {
      const lacking = this.#fromRing(r.end, from);
      if (lacking !== null) {
        const entries = entry ? [...lacking, entry] : lacking;
        if (entries.length === 0) return null;
        return [{ kind: 'catch-up', lsn: target, pageCount: recordPageCount(entries[entries.length - 1].record),
          run: () => r.store.appendRecords(entries, r.end, this.#core.baseMeta) }];
      }
    }
    // A rebuild: every page at the durable LSN, then the commit on top.
    const streamed = this.#streamedImages(r);
    if (streamed !== undefined) {
      if (streamed === null) return null;
      const writes = [{ kind: 'full', lsn: from, ckptLsn: from, pageCount: streamed.pageCount,
        run: () => r.store.writeFull(streamed.meta, streamed.pages) }];
      if (entry) {
        writes.push({ kind: 'catch-up', lsn: entry.lsn, pageCount: recordPageCount(entry.record),
          run: () => r.store.appendRecords([entry], from, null) });
      }
      return writes;
    }
    let images;
    try {
      images = this.#core.allDurableImages();
    } catch (error) {
      // A core with a bounded page cache lacks some page: it cannot give every durable image at
      // once; the background repair reads them a chunk at a time instead (#rebuildThroughPages).
      if (error?.name !== 'PageFault') throw error;
      r.pagedRebuild = true;
      images = null;
    }
    if (images === null) return null;   // the engine cannot give them now: repair later
    const meta = images.get(0);
    const pages = [...images].filter(([id]) => id !== 0);
    const writes = [{ kind: 'full', lsn: from, ckptLsn: from, pageCount: headFromMeta(meta).pageCount,
      run: () => r.store.writeFull(meta, pages) }];
    if (entry) {
      writes.push({ kind: 'catch-up', lsn: entry.lsn, pageCount: recordPageCount(entry.record),
        run: () => r.store.appendRecords([entry], from, null) });
    }
    return writes;
  }

  // The pages of a rebuild for a store that takes them as they come (IdbStore: streamsWriteFull,
  // it puts each page inside its one transaction as the iteration hands it over), from a core that
  // gives any durable image at any time (records mode): { meta, pageCount, pages } where pages is
  // an iterable that takes the images from the core REBUILD_CHUNK_PAGES at a time, so that JS holds
  // one chunk instead of the whole database (allDurableImages: +1x the database, and its copies).
  // Every page is taken once first (a page the core lacks faults here: null, and the background
  // repair reads them through page faults instead, #rebuildThroughPages); the iteration refuses to
  // run (throws, the store's write fails and nothing is written) once the durable state moved on.
  // undefined: not for this store or core (the caller takes every image at once).
  #streamedImages(r) {
    if (r.store.streamsWriteFull !== true || typeof this.#core.engine?.durableImages !== 'function') return undefined;
    const core = this.#core;
    const n = core.durablePageCount;
    const lsn = core.durableLsn;
    const chunk = (from) => {
      const ids = [];
      for (let id = from; id < Math.min(n, from + REBUILD_CHUNK_PAGES); id++) ids.push(id);
      return core.durableImages(ids);
    };
    let meta;
    try {
      for (let from = 0; from < n; from += REBUILD_CHUNK_PAGES) chunk(from);
      meta = ownedCopy(core.durableImages([0]).get(0));
    } catch (error) {
      if (error?.name !== 'PageFault') throw error;
      r.pagedRebuild = true;
      return null;
    }
    const pages = {
      * [Symbol.iterator]() {
        if (core.closed || core.durableLsn !== lsn || core.durablePageCount !== n) {
          throw new StoreError('stale', `the database moved on from LSN ${lsn} before its rebuild was written`);
        }
        for (let from = 1; from < n; from += REBUILD_CHUNK_PAGES) yield* chunk(from);
      },
    };
    return { meta, pageCount: n, pages };
  }

  /**
   * What is under way now (diagnostics; tests/browser/crash.test.js kills during each kind):
   * { commits, catchUps, checkpointPages, headFlips, rebuilds, rebuildReads, truncations }: store
   * writes issued and not yet settled (commit appends, catch-up appends, checkpoint page versions,
   * head flips, each of which also trims the log up to the new checkpoint, full rebuilds written
   * with writeFull, log truncations of a rolled-back commit), and rebuilds through page reads
   * still reading their pages.
   */
  inFlight() {
    const n = this.#inflight;
    return { commits: n.commit, catchUps: n['catch-up'], checkpointPages: n.pages, headFlips: n.flip,
      rebuilds: n.full, rebuildReads: n.rebuildReads, truncations: n.truncate };
  }

  #issue(r, write) {
    if (write.kind === 'full') r.generation++;
    const kind = write.what ?? write.kind;
    this.#inflight[kind]++;
    const settled = () => { this.#inflight[kind]--; };
    r.writes++;
    r.tail = write.lsn;
    if (write.kind !== 'commit') r.repairing = true;
    this.#refresh(r);
    let promise;
    try {
      promise = Promise.resolve(write.run());
    } catch (error) {
      promise = Promise.reject(error);
    }
    promise.then(settled, settled);
    return promise.then(() => {
      this.#writeDone(r);
      r.end = write.lsn;
      if (write.kind === 'full') r.ckptLsn = write.ckptLsn;
      if (write.pageCount) r.pageCount = write.pageCount;
      r.pageSize = this.#core.pageSize;
      r.failures = 0;
      r.lastKind = null;
      r.reason = '';
      if (r.writes === 0) r.repairing = false;
      if (r.writes === 0 && r.damagedLater) {
        // A page read found damage while this write was under way: rebuild it (pageDamaged).
        r.end = null;
        r.tail = null;
        r.reason = r.damagedLater;
        r.damagedLater = null;
      }
      this.#refresh(r);
      if (r.writes === 0 && this.#status(r) !== 'healthy') this.#onBehind();
      return { ok: true, index: r.index };
    }, (error) => {
      this.#writeDone(r);
      const storeError = error instanceof StoreError ? error : new StoreError('io', String(error?.message ?? error),
        { outcome: 'unknown', cause: error });
      if (write.kind === 'checkpoint' && storeError.kind !== 'stale') {
        // Page versions are invisible and a head flip leaves the same end either way: the state is known.
        const { end, tail } = r;
        this.#failed(r, storeError);
        r.end = end;
        r.tail = tail;
      } else {
        this.#failed(r, storeError);
      }
      if (r.writes === 0) r.repairing = false;
      this.#refresh(r);
      if (r.writes === 0) this.#onBehind();
      return { ok: false, index: r.index, error: storeError, unknown: storeError.outcome === 'unknown' };
    });
  }

  // One write to r finished (its bookkeeping follows synchronously): wakes those waiting for r to be idle.
  #writeDone(r) {
    r.writes--;
    if (r.writes === 0) for (const wake of r.idle.splice(0)) wake();
  }

  /**
   * fn() is called when a replica's writes finished and it is behind or
   * damaged (the committer schedules the background repair then: a replica
   * deferred by commit() catches up even when no commit follows).
   */
  onBehind(fn) { this.#onBehind = fn; }

  #failed(r, error) {
    if (error.outcome === 'unknown') r.end = null;
    else if (error.kind === 'stale' && error.head !== r.end) r.end = null;  // not where this session left it
    r.tail = r.end;
    r.failures++;
    r.lastKind = error.kind;
    r.reason = error.message;
    r.retryAt = this.#now() + Math.min(BACKOFF_FIRST_MS * 2 ** (r.failures - 1), BACKOFF_MAX_MS);
  }

  // True if replica r can take `entry` at once on its own (a blind append in IdbStore and FileStore:
  // nothing of its is under way, its end is the one the record follows, no failure since).
  #ready(r, entry) {
    return r.writes === 0 && r.end === entry.prevLsn && r.failures === 0 && r.damagedLater === null;
  }

  /**
   * Appends a commit's record (entry: { lsn, prevLsn, record, pageIds,
   * pageCount }) to every replica that can take it, with the catch-up of
   * replicas that are behind. Returns { quorum, settled, results, unsettled }:
   *   quorum   resolves when QUORUM replicas hold the record; rejects with
   *            { failures: [{ index, kind, message }] } as soon as that cannot happen
   *   settled  resolves when every write issued for the record has finished
   *   results  per replica written: { ok, index, error?, unknown? } (filled as they finish)
   *   unsettled() how many replicas' writes have not finished yet
   * REQUIRES: entry.prevLsn is the durable LSN (one commit in flight at a time).
   *
   * Deferral: when QUORUM replicas are ready (#ready) and another one is
   * still writing (in a stream of awaited commits, the replica that was not
   * in the previous commit's quorum: its append of the previous record is
   * under way), that one is not sent the record now: it gets it with the
   * next commit that finds it free, as a catch-up of the records it lacks
   * (from the ring) in one append, or from the background repair. Sent now,
   * the append would have to read the store's end in its transaction (its
   * end is not known while a write is under way) and it would add a third
   * durable commit to every commit: Chromium runs the strict commits of the
   * three databases one after another (bench/results/idb_micro.md). The
   * quorum is unchanged: the record resolves when QUORUM replicas hold it
   * durably; if one of the ready replicas fails, the deferred one is sent
   * the record (with what it lacks) as soon as its write finished, before
   * the commit can be given up. A FREE replica behind is deferred too while
   * the commit leaves it at most deferLimit records behind (DEFER_LIMIT, 8;
   * 1: never) and the ring holds them, at most DEFER_BYTES: the third
   * replica of a stream of awaited commits then appends every eighth commit
   * or so, eight records at a time, instead of every other one, two at a
   * time (the raw quorum micro, session 8: the third replica's record
   * batched eight at a time, 2.1 ms per awaited commit, two databases only
   * 1.9 ms, all three blind 2.2-2.6 ms).
   */
  commit(entry) {
    this.remember(entry);
    const writes = [];
    const failures = [];
    const results = [];
    const ready = this.#replicas.filter((r) => this.#ready(r, entry)).length;
    const reserve = [];   // replicas deferred (see above), sent the record only if the quorum needs them
    const start = (r, plan) => {
      const issued = plan.map((w) => this.#issue(r, w));
      return Promise.all(issued).then((outcomes) => {
        let result = outcomes.find((o) => !o.ok) ?? outcomes[outcomes.length - 1];
        // A rebuild that failed while the commit's append after it went through (the store's old end
        // happened to be the one the append expects): the record may be there, as after a lost reply.
        if (!result.ok && !result.unknown && outcomes.some((o) => o.ok)) result = { ...result, unknown: true };
        results.push(result);
        if (!result.ok) failures.push({ index: r.index, kind: result.error.kind, message: result.error.message });
        return result;
      });
    };
    const skipped = (r) => {
      failures.push({ index: r.index, kind: r.lastKind ?? 'skipped',
        message: r.reason || `replica #${r.index} is behind and is being brought up to date` });
    };
    for (const r of this.#replicas) {
      const lagging = r.writes === 0 && r.end !== null && r.failures === 0 && r.end < entry.prevLsn &&
        entry.lsn - r.end <= this.#deferLimit && this.#ringBytesOf(r.end, entry.lsn) <= DEFER_BYTES;
      if (this.#defer && ready >= this.#quorum && !this.#ready(r, entry) &&
          ((r.writes > 0 && r.end !== null) || lagging)) {
        reserve.push(r);
        continue;
      }
      const plan = this.#plan(r, entry);
      if (plan === null) skipped(r);
      else writes.push(start(r, plan));
    }
    this.deferred += reserve.length;
    // A deferred replica sent the record after all: once its writes finished, as any other replica
    // would be (#plan: the record, after what it lacks).
    let decided = false;
    const recruit = async (r) => {
      this.recruited++;
      while (r.writes > 0 && !decided) await new Promise((resolve) => r.idle.push(resolve));
      if (decided) return { ok: false, index: r.index };   // rejected meanwhile: nothing to send
      const plan = this.#plan(r, entry);
      if (plan === null) {
        skipped(r);
        return { ok: false, index: r.index };
      }
      return start(r, plan);
    };
    let unsettled = 0;    // writes (and recruits) issued and not finished
    const quorum = new Promise((resolve, reject) => {
      let ok = 0;
      let outstanding = 0;
      const check = () => {
        if (decided) return;
        if (ok >= this.#quorum) {
          decided = true;
          resolve();
        } else if (ok + outstanding + reserve.length < this.#quorum) {
          decided = true;
          reject({ failures });
        } else {
          while (ok + outstanding < this.#quorum) track(recruit(reserve.shift()), true);
        }
      };
      const track = (write, late = false) => {
        outstanding++;
        unsettled++;
        if (late) writes.push(write);
        write.then((result) => {
          outstanding--;
          unsettled--;
          if (result.ok) ok++;
          check();
        });
      };
      for (const write of [...writes]) track(write);
      check();
    });
    quorum.catch(() => {});
    // Once the quorum is decided no replica is recruited any more: `writes` is then complete.
    const settled = quorum.then(() => Promise.all(writes), () => Promise.all(writes));
    return { quorum, settled, results, unsettled: () => unsettled };
  }

  /**
   * After the core rolled back the commit with this LSN (the engine is at
   * `durable`): every replica that appended it, or may have, has its log
   * truncated back to `durable` (or, if that fails, is cleared). Resolves when
   * done; rejects with an Error if some replica could be neither truncated nor
   * cleared (it may then hold a record that was rejected).
   * REQUIRES: every write issued for the commit has settled.
   */
  async revert(lsn, results, durable) {
    const problems = [];
    this.#forget(lsn);
    for (const result of results) {
      if (!result.ok && !result.unknown) continue;
      const r = this.#replicas[result.index];
      r.writes++;
      this.#inflight.truncate++;
      try {
        try {
          await r.store.truncateLog(durable);
          // A write of unknown outcome may have been a rebuild or catch-up cut short: ask where it is.
          const head = result.ok ? null : await r.store.readHead();
          if (result.ok) r.end = durable;
          else r.end = head !== null && head.meta !== null && head.lsn <= durable && head.ckptLsn <= durable
            ? head.lsn : null;
          if (!result.ok && head !== null && head.meta !== null) r.ckptLsn = head.ckptLsn;
        } catch {
          await r.store.clear();
          r.end = null;          // empty: rebuilt by the next repair
          r.reason = `cleared after commit ${lsn} was rolled back`;
        }
      } catch (error) {
        r.end = null;
        problems.push(`replica #${r.index} (${r.store.describe?.() ?? ''}): ${error?.message ?? error}`);
      } finally {
        this.#writeDone(r);
        this.#inflight.truncate--;
      }
      r.tail = r.end;
      this.#refresh(r);
    }
    this.resetDurable(durable);
    if (problems.length) {
      throw new Error(`a rolled-back commit could not be removed from ${problems.join('; ')}`);
    }
  }

  /**
   * Background repair without a commit: brings every replica that needs it
   * and is due to the durable state (REQUIRES: nothing in flight): from the
   * ring, else from a peer's log, else by a rebuild. Resolves to the number
   * of replicas written once done.
   */
  async repair() {
    const jobs = [];
    for (const r of this.#replicas) {
      if (this.#status(r) === 'healthy') continue;
      if (r.writes === 0 && r.failures > 0 && r.end === this.#durable) {
        jobs.push(this.#probe(r));   // holds the durable state already: is the store answering again?
        continue;
      }
      if (r.writes > 0 || !(r.failures <= RETRY_AT_ONCE || this.#now() >= r.retryAt)) continue;
      if (r.end !== null && r.end < this.#durable && this.#fromRing(r.end, this.#durable) === null) {
        jobs.push(this.#fromPeer(r));
        continue;
      }
      const plan = this.#plan(r, null);
      if (plan !== null) jobs.push(Promise.all(plan.map((w) => this.#issue(r, w))));
      else if (r.pagedRebuild) jobs.push(this.#rebuildThroughPages(r));
    }
    await Promise.all(jobs);
    return jobs.length;
  }

  // A rebuild through page reads (a core with a bounded page cache lacks some pages, so it
  // cannot give every durable image at once): the durable images are taken a chunk at a time
  // (REBUILD_CHUNK_PAGES), each call resolving its faults from the cache or the replicas
  // (withPages: page-fetcher.js, every page checked as it enters the core), commits going on in
  // between. The last step, synchronous, takes again at the durable LSN D of that moment the
  // pages the commits since the first chunk changed (their records' page ids, from the ring),
  // the pages created since and the meta page: every image is then D's, and they are written as
  // the replica's new state (writeFull) at once. Gives up (the next repair starts again) if the
  // replica was written meanwhile or the ring lacks a record; nothing is written unless every
  // page was read and checked.
  async #rebuildThroughPages(r) {
    this.#inflight.rebuildReads++;
    let write;
    try {
      write = await this.#readForRebuild(r);
    } finally {
      this.#inflight.rebuildReads--;
    }
    // Nothing may have been written to r since the reads were checked (a commit's own rebuild).
    if (write && !write.moved() && !this.#core.closed) await this.#issue(r, write);
  }

  // The reading part of #rebuildThroughPages: the writeFull to issue, or null (gave up).
  async #readForRebuild(r) {
    const start = r.end;
    const generation = r.generation;
    const moved = () => r.writes > 0 || r.end !== start || r.generation !== generation;
    const images = new Map();
    let since = -1;
    let count = 1;
    for (let from = 1; ; from += REBUILD_CHUNK_PAGES) {
      const taken = await this.#withPages(() => {
        const n = this.#core.durablePageCount;
        const ids = [];
        for (let id = from; id < Math.min(n, from + REBUILD_CHUNK_PAGES); id++) ids.push(id);
        return { lsn: this.#core.durableLsn, n, images: ids.length ? this.#core.durableImages(ids) : new Map() };
      });
      if (moved() || this.#core.closed) return null;
      if (since < 0) {
        since = taken.lsn;
        count = taken.n;
      }
      // Each page its own copy (the core hands a chunk out as one buffer): IdbStore.writeFull then
      // puts them as they are instead of copying every page again (ownedCopy), so the rebuild holds
      // the database once in JS memory, not twice (the chunks' buffers and the copies).
      for (const [id, image] of taken.images) images.set(id, ownedCopy(image));
      if (from + REBUILD_CHUNK_PAGES >= count) break;
    }
    const last = await this.#withPages(() => {
      const lsn = this.#core.durableLsn;
      const n = this.#core.durablePageCount;
      const again = new Set([0]);
      for (let l = since + 1; l <= lsn; l++) {
        const entry = this.#ring.get(l);
        if (entry === undefined) return null;
        for (const id of entry.pageIds ?? this.#tools.readRecordHeader(entry.record).pageIds) again.add(id);
      }
      for (let id = count; id < n; id++) again.add(id);
      return { lsn, n, images: this.#core.durableImages([...again].filter((id) => id < n)) };
    });
    if (last === null || moved() || this.#core.closed) return null;
    for (const [id, image] of last.images) images.set(id, ownedCopy(image));
    const meta = images.get(0);
    const pages = [...images].filter(([id]) => id !== 0 && id < last.n).sort((a, b) => a[0] - b[0]);
    if (pages.length !== last.n - 1) return null;   // cannot happen: every id below n was taken once
    r.pagedRebuild = false;
    return { kind: 'full', lsn: last.lsn, ckptLsn: last.lsn, pageCount: last.n, moved,
      run: () => r.store.writeFull(meta, pages) };
  }

  // Catch-up of r from a healthy peer's log; a rebuild when no peer has the records.
  async #fromPeer(r) {
    const target = this.#durable;
    const from = r.end;
    for (const peer of this.#replicas) {
      if (peer === r || peer.end === null || peer.end < target || peer.ckptLsn > from) continue;
      let records;
      try {
        records = await peer.store.readLog(from);
      } catch {
        continue;
      }
      const wanted = records.filter((e) => e.lsn <= target);
      if (wanted.length !== target - from || wanted.some((e, i) => e.lsn !== from + 1 + i)) continue;
      if (wanted.some((e) => this.#tools.readRecordHeader(e.record).error !== undefined)) continue;
      if (r.end !== from || r.writes > 0 || this.#durable !== target) return;   // things moved meanwhile
      for (const e of wanted) this.remember(e);
      await this.#issue(r, { kind: 'catch-up', lsn: target, pageCount: recordPageCount(wanted[wanted.length - 1].record),
        run: () => r.store.appendRecords(wanted, from, this.#core.baseMeta) });
      return;
    }
    const plan = this.#plan(r, null);
    if (plan !== null) await Promise.all(plan.map((w) => this.#issue(r, w)));
    else if (r.pagedRebuild) await this.#rebuildThroughPages(r);
  }

  // A replica whose last write failed (outcome none) but that holds the
  // durable state: healthy again once its store answers with that end.
  async #probe(r) {
    r.writes++;
    try {
      const head = await r.store.readHead();
      if (head !== null && head.lsn === r.end) {
        r.failures = 0;
        r.lastKind = null;
        r.reason = '';
      } else {
        r.end = null;
        r.tail = null;
        r.reason = `its log is not where this session left it (LSN ${head?.lsn ?? 'none'})`;
      }
    } catch (error) {
      r.failures++;
      r.reason = error?.message ?? String(error);
      r.retryAt = this.#now() + Math.min(BACKOFF_FIRST_MS * 2 ** (r.failures - 1), BACKOFF_MAX_MS);
    } finally {
      this.#writeDone(r);
      this.#refresh(r);
    }
  }

  // --- checkpoints (driven by the committer's checkpointer) ---

  /** Replicas a checkpoint may write to now: a known state, not failing. */
  checkpointTargets() {
    const targets = this.#replicas.filter((r) => r.end !== null && r.failures === 0);
    this.#checkpointGenerations = new Map(targets.map((r) => [r.index, r.generation]));
    return targets.map((r) => r.index);
  }

  // The targets not rebuilt since checkpointTargets(): a rebuild replaces every page version, so the
  // versions this checkpoint wrote before it are gone and its head must not flip there.
  #unchanged(indexes) {
    return indexes.filter((i) => this.#checkpointGenerations.get(i) === this.#replicas[i].generation);
  }

  /** Writes one chunk of checkpoint page versions to the given replicas: resolves to the indexes that took it. */
  async writeCheckpointPages(indexes, pages) {
    const outcomes = await Promise.all(this.#unchanged(indexes).map((i) => {
      const r = this.#replicas[i];
      return this.#issue(r, { kind: 'checkpoint', what: 'pages', lsn: r.tail, run: () => r.store.writePages(pages) })
        .then((result) => (result.ok ? i : -1));
    }));
    return outcomes.filter((i) => i >= 0);
  }

  /**
   * Flips the head of the given replicas to `meta` (at LSN D, written: Map
   * id -> version LSN: every page changed after `base`) where their end has
   * reached D and their checkpoint is at or after base, with `hot` (page ids,
   * or null) as their 'hot' hint. Resolves to the indexes flipped.
   */
  async flipCheckpoint(indexes, meta, written, base = -Infinity, hot = null) {
    const lsn = pageLsn(meta);
    const outcomes = await Promise.all(this.#unchanged(indexes).map(async (i) => {
      const r = this.#replicas[i];
      if (r.end !== null && r.tail < lsn && r.ckptLsn <= lsn && r.failures === 0) {
        // Behind D (a commit deferred its append, see commit()): the records it lacks first, from
        // the ring, in one append the store orders before the flip (else it could miss every flip
        // of a sustained load, and its checkpoint and the log everyone keeps would stay old).
        const tail = r.tail;
        const lacking = this.#fromRing(tail, this.#durable);
        if (lacking !== null && lacking.length > 0) {
          this.#issue(r, { kind: 'catch-up', lsn: this.#durable, pageCount: recordPageCount(lacking[lacking.length - 1].record),
            run: () => r.store.appendRecords(lacking, tail, this.#core.baseMeta) });
        }
      }
      if (r.end === null || r.tail < lsn || r.ckptLsn > lsn) return -1;
      if (r.ckptLsn < base) {
        // Its checkpoint is older than the changes this checkpoint wrote (it came back after the
        // page log moved past it): flipping would leave pages changed in between old. Rebuild it.
        if (r.writes === 0) {
          r.end = null;
          r.tail = null;
          r.reason = `its checkpoint (LSN ${r.ckptLsn}) is older than the last checkpoint's changes (after LSN ${base})`;
          this.#refresh(r);
        }
        return -1;
      }
      const result = await this.#issue(r, { kind: 'checkpoint', what: 'flip', lsn: r.tail,
        run: () => r.store.flipHead(meta, written, hot) });
      if (!result.ok) return -1;
      r.ckptLsn = lsn;
      return i;
    }));
    return outcomes.filter((i) => i >= 0);
  }

  /**
   * Reads every replica's checkpoint pages and log and checks them on their
   * own (page CRC, id, LSN not newer than the checkpoint; record checks):
   * a replica with damage becomes unknown (rebuilt by the next repair).
   * Resolves to [{ index, lsn, badPages: [ids] | null, badRecords: [lsns] }].
   */
  async scan(indexes = [0, 1, 2]) {
    const out = [];
    for (const index of indexes) {
      const r = this.#replicas[index];
      if (r.end === null) {
        out.push({ index, lsn: null, badPages: null, badRecords: [] });
        continue;
      }
      const before = r.end;
      let pages;
      let records;
      try {
        pages = await r.store.readPages();
        records = await r.store.readLog();
      } catch (error) {
        out.push({ index, lsn: r.end, badPages: null, badRecords: [], reason: error?.message });
        continue;
      }
      const meta = pages.get(0);
      const head = meta ? this.#tools.readMetaHead(meta) : { error: 'no head' };
      const damaged = (reason) => {
        if (r.writes === 0 && r.end === before) {
          r.end = null;
          r.tail = null;
          r.reason = reason;
          this.#refresh(r);
        }
      };
      if (head.error !== undefined || head.lsn !== headFromMeta(meta).lsn) {
        damaged(`its head is damaged (${head.error ?? 'unreadable'})`);
        out.push({ index, lsn: null, badPages: null, badRecords: [] });
        continue;
      }
      const bad = [];
      for (let id = 1; id < head.pageCount; id++) {
        const image = pages.get(id);
        if (!image || this.#tools.verifyPageImage(id, image, head.pageSize, head.lsn) !== '') bad.push(id);
      }
      const badRecords = [];
      let end = head.lsn;
      for (const e of records) {
        const checked = this.#tools.readRecordHeader(e.record);
        if (checked.error !== undefined || checked.lsn !== e.lsn || e.prevLsn !== end) {
          badRecords.push(e.lsn);
          break;
        }
        end = e.lsn;
      }
      // Records the store itself found damaged end its log early.
      if (bad.length) {
        damaged(`${bad.length} damaged page(s) found (${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''})`);
      } else if (badRecords.length || end < before) {
        damaged(`its log ends at LSN ${end}${badRecords.length ? ` (record ${badRecords[0]} is damaged)` : ''}, ` +
            `not ${before}`);
      }
      out.push({ index, lsn: head.lsn, end, badPages: bad, badRecords });
    }
    return out;
  }

  /** Closes every store (after waiting for nothing: the committer drains first). */
  async close() {
    await Promise.allSettled(this.#replicas.map((r) => r.store.close()));
  }
}
