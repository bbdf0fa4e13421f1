// ReplicaSet: the three replicas of one database (PageStores, page-store.js)
// and what this session knows about each. It writes commit batches to all
// three in parallel and reports when two of them hold the batch (the
// quorum); it plans the catch-up of a replica that fell behind, reverts
// replicas that hold a batch the core rolled back, and scans replicas for
// damaged pages. The committer (committer.js) decides WHEN; this file decides
// WHAT each replica is sent.
//
// What is known per replica:
//   head   the LSN the store holds for certain, or null: unknown (a failed
//          write whose outcome is unknown, a head that is not one of this
//          session's states). A replica with head h holds the database's
//          state at LSN h, so it lacks exactly the pages whose LSN is > h
//          now (every page carries the LSN of the commit that last wrote
//          it). A null head can only be fixed by a full rebuild.
//   tail   the LSN it will hold when every write issued to it has succeeded.
//   badPages  pages a scan found damaged; the next catch-up rewrites them.
//
// Invariant (recovery.js relies on it across sessions): every replica whose
// head is valid holds a state of ONE linear history. A batch that fails the
// quorum is rolled back in the core, and every replica that (maybe) applied
// it is reverted to the durable state, or cleared, before another commit.
//
// Writes to one store are issued in order and the store applies them in
// order (IndexedDB orders transactions on one database; the other stores
// queue), so a commit can be sent behind a replica's unfinished write: if
// that write fails, the store's head-LSN check turns the next one away as
// stale, and nothing is written out of order.
//
// Status per replica (status(), 'replica' events):
//   healthy    holds the newest durable state (or is about to)
//   stale      behind, or has damaged pages; catches up with the next commit or repair
//   repairing  a catch-up or rebuild is being written to it
//   failed     its last write failed (quota, I/O, closed); retried with backoff

import { StoreError, batchFromSnapshot, mergeBatches, headFromMeta } from './page-store.js';

export const QUORUM = 2;
const RETRY_AT_ONCE = 2;          // failures in a row after which catch-ups wait for the backoff
const BACKOFF_FIRST_MS = 100;
const BACKOFF_MAX_MS = 5000;

export class ReplicaSet {
  #replicas;
  #durable;               // LSN of the newest durable commit
  #emit;                  // (event, detail) => void
  #tools;                 // { verifyPageImage, readMetaHead } (core/engine.js Engine.pageTools)
  #lastEmitted = [];      // per replica: a key of the status last emitted

  /**
   * stores: PageStore[3]; states[i]: { head, pageCount, pageSize, reason,
   * badPages } from recovery; durableLsn: the opened state's LSN.
   */
  constructor(stores, states, { durableLsn, emit = () => {}, tools }) {
    this.#durable = durableLsn;
    this.#emit = emit;
    this.#tools = tools;
    this.#replicas = stores.map((store, index) => ({
      index,
      store,
      head: states[index].head,
      tail: states[index].head,
      writes: 0,              // writes outstanding
      repairing: false,       // a catch-up / rebuild is among them
      failures: 0,            // consecutive failed writes
      retryAt: 0,             // Date.now() value before which it is not retried
      reason: states[index].reason ?? '',
      lastKind: null,         // kind of the last StoreError
      badPages: new Set(states[index].badPages ?? []),  // page ids known damaged (recovery, scans)
      pageCount: states[index].pageCount ?? 0,
      pageSize: states[index].pageSize ?? 0,
    }));
    for (const r of this.#replicas) this.#refresh(r, true);
  }

  get durableLsn() { return this.#durable; }

  /** Records that the commit with this LSN is durable (on a quorum). */
  markDurable(lsn) {
    this.#durable = lsn;
    for (const r of this.#replicas) this.#refresh(r);
  }

  /** After a rollback: the core is back at `lsn`. */
  resetDurable(lsn) {
    this.#durable = lsn;
    for (const r of this.#replicas) this.#refresh(r);
  }

  #status(r) {
    if (r.repairing && r.writes > 0) return 'repairing';
    if (r.failures > 0 && r.lastKind !== 'stale') return 'failed';
    if (r.head === null || r.head < this.#durable || r.badPages.size > 0 || r.failures > 0) return 'stale';
    return 'healthy';
  }

  #describe(r) {
    const info = {
      index: r.index,
      lsn: r.head,
      status: this.#status(r),
      pageCount: r.head === null ? 0 : r.pageCount,
      bytes: r.head === null ? 0 : r.pageCount * r.pageSize,
      store: r.store.describe?.() ?? `replica #${r.index}`,
    };
    if (info.status !== 'healthy' && r.reason) info.reason = r.reason;
    return info;
  }

  #refresh(r, silent = false) {
    const status = this.#status(r);
    const key = `${status} ${r.head} ${r.pageCount} ${r.pageSize} ${status === 'healthy' ? '' : r.reason}`;
    if (this.#lastEmitted[r.index] === key) return;
    this.#lastEmitted[r.index] = key;
    if (!silent) this.#emit('replica', this.#describe(r));
  }

  /** [{ index, lsn, status, pageCount, bytes, store, reason? }] for every replica. */
  status() {
    return this.#replicas.map((r) => this.#describe(r));
  }

  /** True if some replica is not healthy and nothing is being written to it. */
  needsRepair() {
    return this.#replicas.some((r) => r.writes === 0 && this.#status(r) !== 'healthy');
  }

  /** Milliseconds until the next replica needing repair may be retried (0: now; Infinity: none needs it). */
  nextRepairDelay(now = Date.now()) {
    let delay = Infinity;
    for (const r of this.#replicas) {
      if (r.writes === 0 && this.#status(r) !== 'healthy') delay = Math.min(delay, Math.max(0, r.retryAt - now));
    }
    return delay;
  }

  // The write for replica r: `batch` itself (kind 'commit'), or a catch-up
  // or full rebuild taken from snapshot() (the engine's pages at batch.lsn,
  // or at the durable LSN for a repair without a commit: batch null),
  // merged with `batch`; null when r is to be left alone this time.
  //
  // A replica that can take the batch as it is always gets it, even right
  // after a failure (a transient error must not cost the quorum). A catch-up
  // or rebuild costs a snapshot of the whole database, so after
  // RETRY_AT_ONCE failures in a row it waits for its backoff.
  #plan(r, batch, snapshot, now) {
    if (batch !== null && r.head !== null && r.tail === batch.prevLsn && r.badPages.size === 0 &&
        (r.writes > 0 || r.head === batch.prevLsn)) {
      return { kind: 'commit', batch, expected: batch.prevLsn };
    }
    const retryDue = r.failures <= RETRY_AT_ONCE || now >= r.retryAt;
    if (r.writes > 0 || !retryDue) return null;
    const lsn = batch ? batch.lsn : this.#durable;
    if (r.head !== null && r.head > lsn) r.head = null;  // not a state of this history: rebuild
    if (r.head !== null && r.head === lsn && r.badPages.size === 0) return null;  // nothing to do
    const snap = snapshot();
    if (r.head === null) return { kind: 'full', batch: batchFromSnapshot(snap), expected: null };
    const bad = new Set(r.badPages);
    const lacking = batchFromSnapshot(snap, (id, pageLsn) => pageLsn > r.head || bad.has(id));
    return { kind: 'catch-up', batch: batch ? mergeBatches(batch, lacking) : lacking, expected: r.head, bad };
  }

  #issue(r, plan) {
    const { batch } = plan;
    r.writes++;
    r.tail = batch.lsn;
    if (plan.kind !== 'commit') r.repairing = true;
    this.#refresh(r);
    const write = plan.kind === 'full' ? r.store.writeFull(batch) : r.store.writeCommit(batch, plan.expected);
    return write.then(() => {
      r.writes--;
      r.head = batch.lsn;
      r.pageCount = batch.pageCount;
      r.pageSize = batch.pageSize;
      r.failures = 0;
      r.lastKind = null;
      r.reason = '';
      if (plan.kind === 'full') r.badPages.clear();
      else for (const id of plan.bad ?? []) r.badPages.delete(id);
      if (r.writes === 0) r.repairing = false;
      this.#refresh(r);
      return { ok: true, index: r.index };
    }, (error) => {
      r.writes--;
      const storeError = error instanceof StoreError ? error : new StoreError('io', String(error?.message ?? error),
        { outcome: 'unknown', cause: error });
      this.#failed(r, storeError);
      if (r.writes === 0) r.repairing = false;
      this.#refresh(r);
      return { ok: false, index: r.index, error: storeError, unknown: storeError.outcome === 'unknown' };
    });
  }

  #failed(r, error) {
    if (error.outcome === 'unknown') r.head = null;
    else if (error.kind === 'stale' && error.head !== r.head) r.head = null;  // not where this session left it
    r.tail = r.head;
    r.failures++;
    r.lastKind = error.kind;
    r.reason = error.message;
    r.retryAt = Date.now() + Math.min(BACKOFF_FIRST_MS * 2 ** (r.failures - 1), BACKOFF_MAX_MS);
  }

  /**
   * Writes a commit batch ({ lsn, prevLsn, pageCount, pageSize, pages }) to
   * every replica that can take it, plus the catch-up of replicas that are
   * behind. snapshot() returns the engine's snapshot at batch.lsn; it is
   * called (at most once) before this returns, so the caller must not change
   * the engine meanwhile. Returns { quorum, settled, results, unsettled }:
   *   quorum   resolves when QUORUM replicas hold the batch; rejects with
   *            { failures: [{ index, kind, message }] } as soon as that cannot happen
   *   settled  resolves when every write issued for the batch has finished
   *   results  per issued write: { ok, index, error?, unknown? } (filled as they finish)
   *   unsettled() how many issued writes have not finished yet
   */
  commit(batch, snapshot) {
    let snap = null;
    const once = () => (snap ??= snapshot());
    const now = Date.now();
    const writes = [];
    const failures = [];
    const results = [];
    for (const r of this.#replicas) {
      const plan = this.#plan(r, batch, once, now);
      if (plan === null) {
        failures.push({ index: r.index, kind: r.lastKind ?? 'skipped',
          message: r.reason || `replica #${r.index} is behind and is being brought up to date` });
        continue;
      }
      writes.push(this.#issue(r, plan).then((result) => {
        results.push(result);
        if (!result.ok) failures.push({ index: r.index, kind: result.error.kind, message: result.error.message });
        return result;
      }));
    }
    const quorum = new Promise((resolve, reject) => {
      let ok = 0;
      let outstanding = writes.length;
      const check = () => {
        if (ok >= QUORUM) resolve();
        else if (ok + outstanding < QUORUM) reject({ failures });
      };
      for (const write of writes) {
        write.then((result) => {
          outstanding--;
          if (result.ok) ok++;
          check();
        });
      }
      check();
    });
    quorum.catch(() => {});
    return { quorum, settled: Promise.all(writes), results, unsettled: () => writes.length - results.length };
  }

  /**
   * After the core rolled back `batch` (the engine is at the durable state
   * given by `snapshot`, a snapshot taken right after the rollback): puts
   * every replica that applied the batch, or may have, back to that state.
   * Resolves when done; rejects with an Error if some replica could be neither
   * reverted nor cleared (it may then hold writes that were rejected).
   * REQUIRES: every write issued for the batch has settled.
   */
  async revert(batch, results, snapshot) {
    const durable = snapshot.lsn;
    const ids = new Set(batch.pages.map(([id]) => id));
    const pageCount = snapshot.pages.byteLength / snapshot.pageSize;
    const back = batchFromSnapshot(snapshot, (id) => ids.has(id));
    const problems = [];
    for (const result of results) {
      if (!result.ok && !result.unknown) continue;
      const r = this.#replicas[result.index];
      let done = false;
      if (result.ok) {
        r.writes++;
        try {
          await r.store.writeCommit(back, batch.lsn);
          r.head = durable;
          r.pageCount = pageCount;
          done = true;
        } catch {
          // fall through to clearing it
        } finally {
          r.writes--;
        }
      }
      if (!done) {
        r.writes++;
        try {
          await r.store.clear();
          r.head = 0;             // an empty store is every database's state at LSN 0
          r.pageCount = 1;
          done = true;
        } catch (error) {
          r.head = null;
          problems.push(`replica #${r.index} (${r.store.describe?.() ?? ''}): ${error?.message ?? error}`);
        } finally {
          r.writes--;
        }
      }
      r.tail = r.head;
      this.#refresh(r);
    }
    this.resetDurable(durable);
    if (problems.length) {
      throw new Error(`a rolled-back commit could not be removed from ${problems.join('; ')}`);
    }
  }

  /**
   * Background repair without a commit: brings every replica that needs it
   * and is due to the state of `snapshot()` (which MUST be the durable state:
   * nothing pending, nothing in flight). Resolves to the number of writes
   * started once they have finished.
   */
  async repair(snapshot) {
    let snap = null;
    const once = () => (snap ??= snapshot());
    const now = Date.now();
    const writes = [];
    for (const r of this.#replicas) {
      if (this.#status(r) === 'healthy') continue;
      if (r.writes === 0 && r.failures > 0 && r.head === this.#durable && r.badPages.size === 0) {
        writes.push(this.#probe(r));   // holds the durable state already: is the store answering again?
        continue;
      }
      const plan = this.#plan(r, null, once, now);
      if (plan !== null) writes.push(this.#issue(r, plan));
    }
    await Promise.all(writes);
    return writes.length;
  }

  // A replica whose last write failed (outcome none) but that holds the
  // durable state: healthy again once its store answers with that head.
  async #probe(r) {
    r.writes++;
    try {
      const head = await r.store.readHead();
      if (head !== null && head.lsn === r.head) {
        r.failures = 0;
        r.lastKind = null;
        r.reason = '';
      } else {
        r.head = null;
        r.tail = null;
        r.reason = `its head is not where this session left it (LSN ${head?.lsn ?? 'none'})`;
      }
    } catch (error) {
      r.failures++;
      r.reason = error?.message ?? String(error);
      r.retryAt = Date.now() + Math.min(BACKOFF_FIRST_MS * 2 ** (r.failures - 1), BACKOFF_MAX_MS);
    } finally {
      r.writes--;
      this.#refresh(r);
    }
  }

  /**
   * Reads every page of every replica whose head is known and checks it on
   * its own (CRC, id, LSN not newer than the head's): damaged pages are
   * marked for the next catch-up, a bad head makes the replica unknown.
   * Resolves to [{ index, lsn, badPages: [ids] | null (head bad or unreadable) }].
   */
  async scan(indexes = [0, 1, 2]) {
    const out = [];
    for (const index of indexes) {
      const r = this.#replicas[index];
      if (r.head === null) {
        out.push({ index, lsn: null, badPages: null });
        continue;
      }
      let pages;
      try {
        pages = await r.store.readPages();
      } catch (error) {
        out.push({ index, lsn: r.head, badPages: null, reason: error?.message });
        continue;
      }
      const meta = pages.get(0);
      const head = meta ? this.#tools.readMetaHead(meta) : { error: 'no head' };
      if (head.error !== undefined || head.lsn !== headFromMeta(meta).lsn) {
        if (r.writes === 0) {
          r.head = null;
          r.tail = null;
          r.reason = `its head is damaged (${head.error ?? 'unreadable'})`;
          this.#refresh(r);
        }
        out.push({ index, lsn: null, badPages: null });
        continue;
      }
      const bad = [];
      for (let id = 1; id < head.pageCount; id++) {
        const image = pages.get(id);
        if (!image || this.#tools.verifyPageImage(id, image, head.pageSize, head.lsn) !== '') bad.push(id);
      }
      // The read saw the state at head.lsn; marks only apply while the replica is still there or behind it.
      if (bad.length && r.head !== null && r.head >= head.lsn) {
        for (const id of bad) r.badPages.add(id);
        r.reason = `${bad.length} damaged page(s) found (${bad.slice(0, 5).join(', ')}${bad.length > 5 ? ', ...' : ''})`;
        this.#refresh(r);
      }
      out.push({ index, lsn: head.lsn, badPages: bad });
    }
    return out;
  }

  /** Closes every store (after waiting for nothing: the committer drains first). */
  async close() {
    await Promise.allSettled(this.#replicas.map((r) => r.store.close()));
  }
}
