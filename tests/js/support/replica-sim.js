// A deterministic simulation of the replica protocol (issue #13): the real
// ReplicaSet, Committer (with its checkpointer) and recovery over three
// fault-injecting MemoryStores, driven by a fake engine whose pages are small
// random byte strings (its records hold DELTA entries for pages that existed
// before, IMAGE entries for new ones), all on a simulated clock. One seed = one run:
//
//   const outcome = await simulate(seed, { steps: 400 });   // { ok, seed, problem?, trace, stats }
//
// Every store operation waits for the driver (MemoryStore's io hook), which
// picks, by a seeded PRNG, what happens next: an operation applies (maybe
// failing: I/O or quota error, applied-then-reply-lost, a torn append), a
// write is issued (un-awaited, so group commits form), time passes (repair
// and checkpoint timers fire), or the process is killed: every operation not
// applied yet is lost, and a new session recovers from the three disks.
// At a restart one replica may also be damaged (a flipped bit in a page or a
// record), deleted, or put back to an old copy of itself, but only when the
// three held every acknowledged commit before the kill (one fault at a time:
// the guarantee is for a single lost or damaged replica).
//
// The replica set defers the append of a replica still writing while two
// others are ready (replica-set.js commit; options.defer: false turns it
// off), so a replica often lags its peers by a commit or more and catches up
// in one append, and a commit whose ready replica fails sends the deferred
// one the record after all (stats deferred, recruited).
//
// After every step the invariant checker proves:
//   - every acknowledged commit is durable on >= 2 replicas: at least two
//     disks, read as recovery reads them (checkpoint + sound log), reach the
//     last acknowledged LSN with exactly the state the engine had there;
// and after every recovery:
//   - the recovered LSN is >= the last acknowledged one and <= the last one
//     taken, and the recovered pages are exactly the engine's pages at that LSN.
// Nothing uses real time or real I/O, so a seed replays exactly.

import { Committer } from '../../../web/persistence/committer.js';
import { copyDisk, emptyDisk, MemoryStore } from '../../../web/persistence/memory-store.js';
import { PageFetcher, recordsBase, runWithPages } from '../../../web/persistence/page-fetcher.js';
import { pageLsn } from '../../../web/persistence/page-store.js';
import { applyImageRecord, crc32c, encodeImageRecord, readRecordHeader, sealPage } from '../../../web/persistence/record.js';
import { recover } from '../../../web/persistence/recovery.js';
import { ReplicaSet } from '../../../web/persistence/replica-set.js';
import { Scrubber } from '../../../web/persistence/scrub.js';

const PAGE_SIZE = 256;

/** A small seeded PRNG (mulberry32). */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

function metaImage(lsn, pageCount) {
  const image = new Uint8Array(PAGE_SIZE);
  const v = new DataView(image.buffer);
  image[4] = 1;                          // type: meta
  v.setUint32(24, 0x4d455441, true);     // "META"
  v.setUint32(36, PAGE_SIZE, true);
  v.setUint32(40, pageCount, true);
  return sealPage(image, 0, lsn);
}

function checkImage(id, image, maxLsn) {
  if (!(image instanceof Uint8Array) || image.byteLength !== PAGE_SIZE) return `page ${id}: wrong size`;
  const copy = image.slice();
  const v = new DataView(copy.buffer);
  const crc = v.getUint32(16, true);
  v.setUint32(16, 0, true);
  if (crc32c(copy) !== crc) return `page ${id}: checksum mismatch`;
  if (v.getUint32(0, true) !== id) return `page ${id}: holds page ${v.getUint32(0, true)}`;
  if (maxLsn >= 0 && pageLsn(image) > maxLsn) return `page ${id}: LSN ${pageLsn(image)} newer than ${maxLsn}`;
  if (id === 0 && (v.getUint32(24, true) !== 0x4d455441 || v.getUint32(36, true) !== PAGE_SIZE)) return 'page 0: not a meta page';
  return '';
}

/** The tools recovery and the replica set use, for the fake engine's pages. */
export const fakeTools = {
  verifyPageImage: (id, image, pageSize, maxLsn = -1) => checkImage(id, image, maxLsn),
  readMetaHead(image) {
    const problem = checkImage(0, image, -1);
    if (problem) return { error: problem };
    const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
    return { lsn: pageLsn(image), pageSize: v.getUint32(36, true), pageCount: v.getUint32(40, true), freePageCount: 0 };
  },
  readRecordHeader,
};

/** The fake core's page fault (what web/core/engine.js throws for a page the cache lacks). */
function pageFault(ids) {
  return Object.assign(new Error(`page fault: ${ids.join(', ')}`), { name: 'PageFault', ids: Uint32Array.from(ids),
    readAhead: new Uint32Array(0) });
}

/**
 * The engine as the committer sees it (committer.js header), with pages
 * that are random bytes: write() changes 1-3 pages (sometimes adds or drops
 * the last one), takeCommit() seals them into an IMAGE record.
 *
 * Paging mode (pager()): a bounded cache as storage-core's: only resident
 * pages may be read; evict(rng) drops pages that are neither page 0, pending
 * nor in flight; a call on a page not resident throws PageFault
 * before changing anything. installPages() redoes the retained records after
 * the image's LSN onto it (per-page replay) and compares the result with the
 * truth it keeps: an image that would give a wrong page is a VIOLATION (the JS
 * side must never hand one over: it is what the simulation checks).
 */
export class FakeEngine {
  #pages;                 // current pages (Uint8Array[]), sealed at their last commit
  #durable;               // pages at the durable LSN
  #inflight = [];         // [{ lsn, pages, record }] taken, not yet durable
  #dirty = new Set();
  #lsn;
  #durableLsn;
  closed = false;
  baseMeta = null;
  // paging mode
  #paging = false;
  #resident = null;       // Set of resident page ids
  #records = [];          // [{ lsn, record }] durable records after #released
  #released = 0;
  refuse = null;          // (id) => '' | problem: a refusal of the core's own checks (the simulation's rng)
  violations = [];        // wrong pages it was given (must stay empty)
  installs = 0;

  constructor(pages, lsn) {
    this.#pages = pages;
    this.#durable = pages.slice();
    this.#lsn = lsn;
    this.#durableLsn = lsn;
  }

  static fresh() {
    const engine = new FakeEngine([metaImage(0, 1)], 0);
    engine.baseMeta = engine.#pages[0];
    return engine;
  }

  /** Opens from checkpoint images + records, checking every page as the core would. */
  static open({ pageSize, pages }, records) {
    const map = new Map();
    for (let id = 0; id < pages.byteLength / pageSize; id++) map.set(id, pages.subarray(id * pageSize, (id + 1) * pageSize));
    let lsn = pageLsn(map.get(0));
    for (const id of map.keys()) {
      const problem = checkImage(id, map.get(id), lsn);
      if (problem) throw new Error(`Corruption: ${problem}`);
    }
    for (const { record } of records) {
      const problem = applyImageRecord(map, record);
      if (problem) throw new Error(`Corruption: record: ${problem}`);
      lsn = readRecordHeader(record).lsn;
    }
    const count = new DataView(map.get(0).buffer, map.get(0).byteOffset, PAGE_SIZE).getUint32(40, true);
    const list = [];
    for (let id = 0; id < count; id++) {
      const image = map.get(id);
      const problem = checkImage(id, image, lsn);
      if (problem) throw new Error(`Corruption: ${problem || `page ${id}: missing`}`);
      list.push(image);
    }
    return new FakeEngine(list, lsn);
  }

  /**
   * Paging mode from now on (every page resident until evict() drops some).
   * records: the durable records after the oldest replica checkpoint ([{ lsn, record }]).
   */
  pager(records, releasedThrough, lazy = false) {
    this.#paging = true;
    this.#released = releasedThrough;
    this.#records = records.filter((r) => r.lsn > releasedThrough).map(({ lsn, record }) => ({ lsn, record }));
    this.#resident = lazy ? new Set([0]) : new Set(this.#pages.map((_, id) => id));
  }

  /**
   * A lazy open (core with a page cache): the meta page and the records only, every other page
   * faults in. `truth`: the pages the simulation knows the database had at the records' end (the
   * fake needs them to check what it is given); the meta page the records give must be truth[0].
   */
  static openLazy(meta, records, truth) {
    const problem = checkImage(0, meta, -1);
    if (problem) throw new Error(`Corruption: ${problem}`);
    let head = meta;
    for (const { record } of records) {
      const header = readRecordHeader(record);
      if (header.error) throw new Error(`Corruption: record: ${header.error}`);
      if (header.lsn <= pageLsn(head)) continue;
      if (header.prevLsn !== pageLsn(head)) throw new Error(`Corruption: record ${header.lsn} does not follow ${pageLsn(head)}`);
      const map = new Map(Array.from(header.pageIds, (p) => [p, p === 0 ? head : new Uint8Array(PAGE_SIZE)]));
      const bad = applyImageRecord(map, record);
      if (bad) throw new Error(`Corruption: record: ${bad}`);
      head = map.get(0);
    }
    const lsn = pageLsn(head);
    const engine = new FakeEngine(truth ? truth.map((p) => p.slice()) : [head], lsn);
    if (!truth || !samePage(head, truth[0])) engine.violations.push(`lazy open at LSN ${lsn}: the meta page differs from the truth`);
    engine.pager(records, records.length ? records[0].lsn - 1 : lsn, true);
    return engine;
  }

  get paging() { return this.#paging; }

  // Throws PageFault if some of ids (< the page count) are not resident.
  #need(ids) {
    if (!this.#paging) return;
    const lacking = ids.filter((id) => id < this.#pages.length && !this.#resident.has(id));
    if (lacking.length) throw pageFault(lacking);
  }

  /** Drops up to `count` evictable pages (see the header). */
  evict(rng, count) {
    if (!this.#paging) return 0;
    const pinned = new Set([0, ...this.#dirty]);
    for (const { pages } of this.#inflight) for (let id = 0; id < pages.length; id++) if (pages[id] !== this.#durable[id]) pinned.add(id);
    const candidates = [...this.#resident].filter((id) => !pinned.has(id));
    let n = 0;
    while (n < count && candidates.length) {
      this.#resident.delete(candidates.splice(rng.int(candidates.length), 1)[0]);
      n++;
    }
    return n;
  }

  /** The core's installPages: per page '' or the problem (see the header). */
  installPages(ids, images) {
    return Array.from(ids, (id, i) => {
      const image = images.slice(i * PAGE_SIZE, (i + 1) * PAGE_SIZE);
      // All zeros: the checkpoint it was read from has no such page; rebuilt from the records alone.
      const zero = image.every((b) => b === 0);
      const problem = zero ? '' : checkImage(id, image, this.#durableLsn);
      if (problem) return problem;
      const refused = this.refuse?.(id) ?? '';
      if (refused) return refused;
      if (this.#resident.has(id) || id >= this.#pages.length) return '';   // nothing to do
      // Per-page replay of the retained records after the image's LSN.
      let page = image;
      for (const { lsn, record } of this.#records) {
        if (!zero && lsn <= pageLsn(page)) continue;
        const header = readRecordHeader(record);
        if (!header.pageIds.includes(id)) continue;
        const map = new Map(Array.from(header.pageIds, (p) => [p, p === id ? page : new Uint8Array(PAGE_SIZE)]));
        const bad = applyImageRecord(map, record);
        if (bad) return `page ${id}: redo of record ${lsn}: ${bad}`;
        page = map.get(id);
      }
      if (!samePage(page, this.#durable[id])) {
        this.violations.push(`page ${id}: an image at LSN ${pageLsn(image)} (records kept after ` +
          `${this.#released}) does not give the durable page at ${this.#durableLsn}`);
        return `page ${id}: wrong image`;
      }
      this.#resident.add(id);
      this.installs++;
      return '';
    });
  }

  /** The records up to lsn are no longer kept (no page is read from a checkpoint before it). */
  releaseRecordsThrough(lsn) {
    if (lsn < this.#released) {
      this.violations.push(`releaseRecordsThrough(${lsn}) after ${this.#released}`);
      return;
    }
    this.#released = lsn;
    this.#records = this.#records.filter((r) => r.lsn > lsn);
  }

  get pageSize() { return PAGE_SIZE; }
  get lsn() { return this.#lsn; }
  get durableLsn() { return this.#durableLsn; }
  get durablePageCount() { return this.#durable.length; }
  hasPendingCommit() { return this.#dirty.size > 0; }
  hotPages() { return new Uint32Array(0); }   // no trees: no interior pages to name
  check() { return ''; }
  close() { this.closed = true; }

  /** The current pages (copies). */
  pages() { return this.#pages.map((p) => p.slice()); }

  /** A write as a plan drawn from rng (applyWrite runs it; a fault leaves nothing changed). */
  planWrite(rng) {
    let n = this.#pages.length;
    let grow = false;
    let shrink = false;
    if (n < 24 && (n === 1 || rng.chance(0.2))) {
      grow = true;
      n++;
    } else if (n > 4 && rng.chance(0.05) && !this.#paging) {
      shrink = true;
      n--;
    }
    const changes = [];
    const count = 1 + rng.int(3);
    for (let i = 0; i < count && n > 1; i++) {
      const id = 1 + rng.int(n - 1);
      const at = 24 + rng.int(PAGE_SIZE - 40);
      const bytes = [];
      for (let k = 0; k < 8; k++) bytes.push(rng.int(256));
      changes.push({ id, at, bytes });
    }
    return { grow, shrink, changes };
  }

  applyWrite(plan) {
    // Planned earlier (paging: before the operations queued ahead of it ran): fit it to the pages now.
    const n = this.#pages.length;
    const grow = plan.grow && n < 24;
    const shrink = plan.shrink && n > 4;
    const limit = grow ? n + 1 : shrink ? n - 1 : n;
    const changes = plan.changes.filter((c) => c.id < limit);
    this.#need(changes.map((c) => c.id).filter((id) => !(grow && id === n)));
    if (grow) {
      this.#pages.push(new Uint8Array(PAGE_SIZE));
      this.#dirty.add(n);
      this.#resident?.add(n);
    } else if (shrink) {
      this.#pages.pop();
      this.#dirty.delete(n - 1);
    }
    for (const { id, at, bytes } of changes) {
      const image = this.#pages[id].slice();
      image.set(bytes, at);
      this.#pages[id] = image;
      this.#dirty.add(id);
    }
    this.#dirty.add(0);
  }

  write(rng) {
    this.applyWrite(this.planWrite(rng));
  }

  takeCommit() {
    const lsn = ++this.#lsn;
    const pageCount = this.#pages.length;
    const pageIds = Uint32Array.from([...this.#dirty].filter((id) => id < pageCount).sort((a, b) => a - b));
    this.#dirty.clear();
    this.#pages[0] = metaImage(lsn, pageCount);
    const images = new Uint8Array(pageIds.length * PAGE_SIZE);
    pageIds.forEach((id, i) => {
      if (id !== 0) this.#pages[id] = sealPage(this.#pages[id].slice(), id, lsn);
      images.set(this.#pages[id], i * PAGE_SIZE);
    });
    // Pages that existed at the durable LSN (= lsn - 1: one commit in flight) may be DELTA entries.
    const durable = this.#durableLsn === lsn - 1 && this.#inflight.length === 0 ? this.#durable : [];
    const record = encodeImageRecord({ lsn, prevLsn: lsn - 1, pageCount, pageSize: PAGE_SIZE, pageIds, images },
      (id) => durable[id]);
    this.#inflight.push({ lsn, pages: this.#pages.slice(), record });
    return { lsn, prevLsn: lsn - 1, pageCount, pageSize: PAGE_SIZE, pageIds, record };
  }

  markDurable(lsn) {
    while (this.#inflight.length && this.#inflight[0].lsn <= lsn) {
      const done = this.#inflight.shift();
      this.#durable = done.pages;
      if (this.#paging) this.#records.push({ lsn: done.lsn, record: done.record });
    }
    this.#durableLsn = lsn;
  }

  rollbackToDurable() {
    this.#inflight = [];
    this.#dirty.clear();
    this.#pages = this.#durable.slice();
    this.#lsn = this.#durableLsn;
    if (this.#resident) for (const id of [...this.#resident]) if (id >= this.#pages.length) this.#resident.delete(id);
  }

  durableImages(ids) {
    this.#need(ids.filter((id) => id < this.#durable.length));
    const out = new Map();
    for (const id of ids) if (id < this.#durable.length) out.set(id, this.#durable[id]);
    return out;
  }

  allDurableImages() {
    this.#need(this.#durable.map((_, id) => id));
    return new Map(this.#durable.map((image, id) => [id, image]));
  }
}

function samePage(a, b) {
  if (!a || !b || a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

// What a disk holds, read as recovery would, redone up to `upto` at most:
// { ckpt, end, pages } (pages at min(end, upto), or at ckpt if that is later), or null (no valid head).
function diskState(disk, upto = Infinity) {
  if (disk.format !== 2 || disk.head === null || fakeTools.readMetaHead(disk.head).error) return null;
  const ckpt = pageLsn(disk.head);
  const { pageCount } = fakeTools.readMetaHead(disk.head);
  const pages = new Map([[0, disk.head]]);
  let damaged = false;
  for (let id = 1; id < pageCount; id++) {
    const byLsn = disk.versions.get(id);
    let best = -1;
    if (byLsn) for (const l of byLsn.keys()) if (l <= ckpt && l > best) best = l;
    if (best < 0) return null;
    const image = byLsn.get(best);
    if (checkImage(id, image, ckpt)) damaged = true;
    pages.set(id, image);
  }
  let end = ckpt;
  let at = ckpt;
  for (const e of disk.log) {
    if (e.lsn <= ckpt) continue;
    if (e.prevLsn !== end || crc32c(e.record) !== e.crc || readRecordHeader(e.record).error) break;
    if (e.lsn <= upto) {
      if (applyImageRecord(pages, e.record) !== '') break;
      at = e.lsn;
    }
    end = e.lsn;
  }
  return { ckpt, end, at, pages, damaged };
}

// True if the disk holds the state the engine had at LSN `lsn` (or a later state of the same
// history). A disk with a damaged checkpoint page (an injected fault the session has not found
// yet) counts if its sound log reaches lsn, unless `sound` is asked for.
function holds(disk, lsn, states, sound = false) {
  const st = diskState(disk, lsn);
  if (!st || st.end < lsn) return false;
  if (st.damaged) return !sound;
  return samePages(st.pages, states.get(st.at) ?? (st.at === 0 ? [metaImage(0, 1)] : null));
}

function samePages(map, list) {
  if (!list || map.size !== list.length) return false;
  for (let id = 0; id < list.length; id++) {
    const a = map.get(id);
    const b = list[id];
    if (!a || a.byteLength !== b.byteLength) return false;
    for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  }
  return true;
}

/**
 * Runs one seed. options: steps (default 300), logLimitBytes (default 2 KiB:
 * frequent checkpoints), crashChance (per step, default 0.02), faultChance
 * (per applied operation, default 0.08), chunkPages (pages per checkpoint
 * write, default 3), quorum (default 2; 1 only to show the checker catches it), paging (a bounded cache:
 * pages evicted between calls, faults read back through the real PageFetcher, a replica restored from an
 * old copy or bit-flipped during the session, the core refusing some pages; the fake core checks every
 * page it is given against the truth), checkpointCheck (default true; false makes the fetcher read from
 * any checkpoint, only to show the checker catches it), defer (default true: the replica set defers the append
 * of a replica still writing; false: every commit goes to every replica). Resolves to { ok, seed, problem?, trace, stats }.
 */
export async function simulate(seed, { steps = 300, logLimitBytes = 2048, crashChance = 0.02, faultChance = 0.08,
  chunkPages = 3, quorum = 2, paging = false, checkpointCheck = true, defer = true, deferLimit = undefined } = {}) {
  const rng = prng(seed);
  const trace = [];
  const note = (text) => { trace.push(text); if (trace.length > (process.env.PD_SIM_DEBUG ? 400 : 60)) trace.shift(); };
  const disks = [emptyDisk(), emptyDisk(), emptyDisk()];
  const states = new Map();          // lsn -> pages (Uint8Array[]) the engine had right after that commit
  let lastAcked = 0;
  let lastTaken = 0;
  const stats = { sessions: 0, acked: 0, rollbacks: 0, checkpoints: 0, faults: 0, crashes: 0, damage: 0, steps: 0,
    pageFaults: 0, pagesInstalled: 0, pagesRejected: 0, pageErrors: 0, oldCheckpointErrors: 0, evicted: 0, staleReads: 0, scrubRepairs: 0,
    faultRepairs: 0, hedgedReads: 0, deferred: 0, recruited: 0 };
  let oldCopy = null;                // { index, disk } a copy of a replica taken earlier

  const fail = (problem) => ({ ok: false, seed, problem, trace, stats });

  for (let step = 0; step < steps;) {
    // --- a session: recover, then run until a crash or the step budget ---
    stats.sessions++;
    let now = 0;
    let timers = [];
    let macro = [];
    let pending = [];
    let timerId = 0;
    const sim = {
      now: () => now,
      setTimeout: (fn, ms) => { const id = ++timerId; timers.push({ id, at: now + ms, fn }); return id; },
      clearTimeout: (id) => { timers = timers.filter((t) => t.id !== id); },
      macrotask: (fn) => macro.push(fn),
    };
    const io = (op) => new Promise((resolve) => pending.push({ op, resolve }));
    const stores = disks.map((disk, i) => new MemoryStore({ label: `replica #${i}`, disk, io }));
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    // Recovery (reads, and the clearing of a replica beyond the opened state) with no faults.
    let opened = null;
    let openError = null;
    recover(stores, fakeTools, {
      name: 'sim',
      openEngine: async (snapshot, records) => FakeEngine.open(snapshot, records),
      createEngine: async () => FakeEngine.fresh(),
      // Paging: a lazy open, as with a core that has a page cache.
      openLazy: paging ? async ({ meta }, records) => {
        const at = records.length ? records[records.length - 1].lsn : pageLsn(meta);
        return FakeEngine.openLazy(meta, records, at === 0 ? [metaImage(0, 1)] : states.get(at));
      } : null,
    }).then((r) => { opened = r; }, (e) => { openError = e; });
    for (let guard = 0; opened === null && openError === null; guard++) {
      await settle();
      if (pending.length) pending.splice(rng.int(pending.length), 1)[0].resolve();
      if (guard > 10_000) return fail('recovery did not finish');
    }
    if (openError) return fail(`recovery failed: ${openError.message}`);
    const engine = opened.engine;
    const recovered = opened.lsn;
    const take = engine.takeCommit.bind(engine);
    engine.takeCommit = () => {
      const commit = take();
      states.set(commit.lsn, engine.pages());
      lastTaken = Math.max(lastTaken, commit.lsn);
      return commit;
    };
    note(`session ${stats.sessions}: recovered LSN ${recovered} (acked ${lastAcked}, taken ${lastTaken}, source ` +
      `${opened.source}, states ${JSON.stringify(opened.states.map((s) => s.end))})`);
    if (recovered < lastAcked) return fail(`recovered LSN ${recovered} is below the last acknowledged ${lastAcked}`);
    if (recovered > lastTaken) return fail(`recovered LSN ${recovered} is beyond the last commit taken ${lastTaken}`);
    const expected = recovered === 0 ? [metaImage(0, 1)] : states.get(recovered);
    if (!samePages(new Map(engine.pages().map((p, i) => [i, p])), expected)) {
      return fail(`recovered pages at LSN ${recovered} differ from the engine's at that LSN`);
    }
    // Commits beyond the recovered LSN are gone for good (never acknowledged): forget their states.
    for (const lsn of [...states.keys()]) if (lsn > recovered) states.delete(lsn);

    const replicaSet = new ReplicaSet(stores, opened.states, {
      durableLsn: engine.durableLsn, tools: fakeTools, core: engine, records: opened.records, now: sim.now,
      ringBytes: 4096,
      quorum,
      defer,
      deferLimit,
      emit: (name, detail) => {
        if (name === 'replica') note(`replica #${detail.index}: ${detail.status} at ${detail.lsn}${detail.reason ? ` (${detail.reason})` : ''}`);
      },
    });
    // Paging: a bounded cache over the replicas (page-fetcher.js), evictions between calls.
    let fetcher = null;
    let pagedCalls = 0;
    const withPages = async (fn) => {
      pagedCalls++;
      try {
        return await runWithPages(() => {
          try {
            return fn();
          } catch (error) {
            if (error?.name === 'PageFault') stats.pageFaults++;
            throw error;
          }
        }, fetcher);
      } finally {
        pagedCalls--;
      }
    };
    if (paging) {
      replicaSet.usePages(withPages);
      const released = opened.lazyBase ?? recordsBase(opened.records, opened.lsn);
      if (!engine.paging) engine.pager(opened.records, released);
      engine.refuse = (id) => (rng.chance(0.03) ? `page ${id}: refused by the core (injected)` : '');
      // The replica set as the fetcher sees it, with the read order drawn by the rng (any replica may be asked first).
      const view = {
        readOrder: () => { const order = replicaSet.readOrder(); const k = rng.int(3); return [...order.slice(k), ...order.slice(0, k)]; },
        get durableLsn() { return replicaSet.durableLsn; },
        pageDamaged: (...args) => replicaSet.pageDamaged(...args),
      };
      // On the simulated clock: a read not answered within 20 ms also goes to the next replica.
      fetcher = new PageFetcher({ stores, tools: fakeTools, pageSize: PAGE_SIZE, replicas: view,
        released: checkpointCheck ? released : -1, timers: sim, hedgeMs: 20,
        install: (ids, images) => engine.installPages(ids, images) });
    }
    // An injected stale read (below): the replica's next readPages(ids) answers from this old disk.
    const staleFrom = [null, null, null];
    if (paging) {
      stores.forEach((store, i) => {
        const real = store.readPages.bind(store);
        store.readPages = async (ids) => {
          const out = await real(ids);
          const old = staleFrom[i];
          if (ids === undefined || old === null) return out;
          staleFrom[i] = null;
          return new MemoryStore({ label: `old copy of replica #${i}`, disk: old }).readPages(ids);
        };
      });
    }
    let opTail = Promise.resolve();
    let unexpected = null;
    // Paging: the background scrub, a step now and then (its reads and repairs go through the same io).
    const scrubber = paging ? new Scrubber({ stores, tools: fakeTools, replicas: replicaSet, chunkPages: 4 }) : null;
    let scrubbing = false;
    const committer = new Committer(engine, replicaSet, {
      withPages, onRelease: (lsn) => { if (checkpointCheck) fetcher?.releaseThrough(lsn); },
      releasedThrough: opened.lazyBase ?? recordsBase(opened.records, opened.lsn),
      records: opened.records, logLimitBytes, checkpointIdleMs: 40, checkpointChunkPages: chunkPages, timers: sim,
      emit: (name, detail) => {
        if (name === 'checkpoint') { stats.checkpoints++; note(`checkpoint at ${detail.lsn} on ${detail.replicas}`); }
        if (name === 'rollback') { stats.rollbacks++; note(`rollback of ${detail.lsn}`); }
        if (name === 'commit') note(`commit ${detail.lsn} durable`);
      },
    });
    if (!opened.fresh) {
      replicaSet.scan([0, 1, 2].filter((i) => i !== opened.source)).then(() => committer.scheduleRepair(0), () => {});
    }
    committer.scheduleRepair(0);

    let crashed = false;
    while (step < steps && !crashed) {
      step++;
      stats.steps++;
      const roll = rng.next();
      if (roll < 0.3 && !committer.fatal) {
        const ops = 1 + rng.int(3);
        const ack = () => committer.afterOperation().then(() => {
          if (engine.durableLsn > lastAcked) { lastAcked = engine.durableLsn; stats.acked++; }
        }, () => {});
        for (let k = 0; k < ops; k++) {
          if (!paging) {
            engine.write(rng);
            ack();
            continue;
          }
          // One operation at a time, as the Database's queue runs them; a fault reads pages first.
          const plan = engine.planWrite(rng);
          opTail = opTail.then(async () => {
            if (committer.fatal) return;
            try {
              await withPages(() => engine.applyWrite(plan));
            } catch (error) {
              // A page sound on no replica that may serve it (a refused only copy) fails the operation
              // cleanly; anything else (a loop, an unreadable store) is a bug.
              stats.pageErrors++;
              // Of which: a replica's sound copy was turned away because its checkpoint is older than the
              // records the core keeps (a lazy open keeps those since the oldest checkpoint, so none is
              // turned away but a replica restored from an old copy or one whose records were released).
              if (/outside the \d+\.\.\d+ the core can bring forward/.test(error.message)) stats.oldCheckpointErrors++;
              note(`write failed: ${error.message}`);
              if (error.reason !== 'corruption') unexpected ??= `a write failed: ${error.message}`;
              return;
            }
            ack();
          });
        }
      } else if (roll < 0.8 && pending.length) {
        const { op, resolve } = pending.splice(rng.int(pending.length), 1)[0];
        if (op.kind === 'write' && rng.chance(faultChance)) {
          stats.faults++;
          const f = rng.int(4);
          if (f === 0) op.store.faults.failWrites = 1;
          else if (f === 1) { op.store.faults.failWrites = 1; op.store.faults.error = 'quota'; }
          else if (f === 2) op.store.faults.applyThenFail = 1;
          else op.store.faults.tornAppends = 1;
          note(`fault ${['io', 'quota', 'lost reply', 'torn append'][f]} on ${op.store.describe()}`);
        }
        resolve();
        await settle();
        op.store.faults.failWrites = 0;
        op.store.faults.error = 'io';
        op.store.faults.applyThenFail = 0;
        op.store.faults.tornAppends = 0;
      } else if (roll < 0.9) {
        now += 1 + rng.int(60);
        for (const t of timers.filter((x) => x.at <= now)) {
          timers = timers.filter((x) => x !== t);
          t.fn();
        }
      }
      if (paging && pagedCalls === 0 && rng.chance(0.5)) stats.evicted += engine.evict(rng, 1 + rng.int(12));
      if (scrubber && !scrubbing && rng.chance(0.1)) {
        scrubbing = true;
        scrubber.step().then((done) => {
          scrubbing = false;
          if (done?.repaired.length) { stats.scrubRepairs += done.repaired.length; note(`scrub repaired ${done.repaired} on replica #${done.index}`); }
        }, () => { scrubbing = false; });
      }
      if (paging && rng.chance(0.03)) {
        const index = rng.int(3);
        oldCopy = { index, disk: copyDisk(disks[index]) };
      }
      if (paging && rng.chance(0.08) && !pending.some((p) => p.op.kind === 'write') &&
          replicaSet.status().every((r) => r.status === 'healthy')) {
        // One replica goes bad behind the session's back while the two others hold every acknowledged
        // commit: its next page read answers from an old copy of it (its pages must not be used unless
        // that checkpoint is one the core can bring forward), or a bit flips in a page of its current
        // checkpoint (caught by the page check).
        const i = rng.int(3);
        if (disks.filter((d, k) => k !== i && holds(d, lastAcked, states, true)).length >= 2) {
          if (oldCopy && rng.chance(0.5)) {
            staleFrom[i] = copyDisk(oldCopy.disk);   // an old copy of some replica: an old checkpoint of the history
            stats.staleReads++;
            note(`replica #${i}: its next page read answers from an old copy`);
          } else if (disks[i].versions.size && disks[i].head !== null) {
            const ckpt = pageLsn(disks[i].head);
            const byLsn = disks[i].versions.get(rng.pick([...disks[i].versions.keys()]));
            const visible = Math.max(-1, ...[...byLsn.keys()].filter((l) => l <= ckpt));
            if (visible >= 0) {
              const copy = byLsn.get(visible).slice();
              copy[24 + rng.int(PAGE_SIZE - 24)] ^= 1 << rng.int(8);
              byLsn.set(visible, copy);
              stats.staleReads++;
              note(`replica #${i}: a bit flipped in a checkpoint page during the session`);
            }
          }
        }
      }
      // Macrotasks (commit starts) run in order, as the event loop would.
      while (macro.length) macro.shift()();
      await settle();
      // The invariant: every acknowledged commit on >= 2 replicas, exactly.
      if (lastAcked > 0) {
        const holding = disks.filter((disk) => holds(disk, lastAcked, states)).length;
        if (process.env.PD_SIM_DEBUG) note(`step ${step}: disks ${disks.map((d) => { const st = diskState(d); return st ? `${st.ckpt}..${st.end}${st.damaged ? '!' : ''}` : 'x'; }).join(' ')}, acked ${lastAcked}`);
        if (holding < 2) return fail(`step ${step}: acknowledged LSN ${lastAcked} is on ${holding} replica(s)`);
      }
      if (engine.violations.length) return fail(`step ${step}: the core was given a wrong page: ${engine.violations[0]}`);
      if (unexpected) return fail(`step ${step}: ${unexpected}`);
      if (rng.chance(crashChance)) crashed = true;
    }
    // The kill: nothing pending applies any more.
    if (fetcher) {
      stats.pagesInstalled += fetcher.pages;
      stats.pagesRejected += fetcher.rejected;
      stats.faultRepairs += fetcher.repaired;
      stats.hedgedReads += fetcher.hedged;
    }
    stats.deferred += replicaSet.deferred;
    stats.recruited += replicaSet.recruited;
    for (const store of stores) store.crash();
    for (const { resolve } of pending) resolve();
    pending = [];
    timers = [];
    macro = [];
    stats.crashes++;
    // One replica may be damaged now, if all three held every acknowledged commit.
    const healthy = disks.every((disk) => holds(disk, lastAcked, states, true));
    if (healthy && rng.chance(0.5)) {
      const i = rng.int(3);
      const kind = rng.int(4);
      stats.damage++;
      if (kind === 0) {
        disks[i] = emptyDisk();
        note(`replica #${i} deleted`);
      } else if (kind === 1 && oldCopy && oldCopy.index === i) {
        disks[i] = copyDisk(oldCopy.disk);
        note(`replica #${i} restored from an old copy`);
      } else if (kind === 2 && disks[i].log.length) {
        const entry = disks[i].log[rng.int(disks[i].log.length)];
        const copy = entry.record.slice();
        copy[rng.int(copy.byteLength)] ^= 1 << rng.int(8);
        entry.record = copy;
        note(`replica #${i}: a bit flipped in record ${entry.lsn}`);
      } else {
        const ids = [...disks[i].versions.keys()];
        if (ids.length) {
          const byLsn = disks[i].versions.get(rng.pick(ids));
          const lsns = [...byLsn.keys()];
          const l = rng.pick(lsns);
          const copy = byLsn.get(l).slice();
          copy[24 + rng.int(PAGE_SIZE - 24)] ^= 1 << rng.int(8);
          byLsn.set(l, copy);
          note(`replica #${i}: a bit flipped in a page`);
        }
      }
    }
    if (rng.chance(0.3)) {
      const index = rng.int(3);
      oldCopy = { index, disk: copyDisk(disks[index]) };
    }
  }
  return { ok: true, seed, trace, stats };
}
