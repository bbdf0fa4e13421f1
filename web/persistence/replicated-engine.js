// ReplicatedEngine: a core engine together with its three replicas, the one
// object the owner Database (database.js) holds for storage. It assembles
// the persistence layer: stores (select-store.js) -> recovery (recovery.js)
// -> replica set, committer, repairer.
//
//   const owner = await ReplicatedEngine.open(options, emit);
//   owner.engine.execute(...); await owner.afterOperation();   // durable
//   owner.replicas();  owner.verify();  owner.whenHealthy();
//   await owner.close();
//
// open() rejects with PocketDynamoError when no replica gives a consistent
// state (recovery.js) or the storage cannot be used; nothing is written then
// except clearing a replica whose newer state could not be read (recovery.js).
// Storage 'idb' keeps a marker outside IndexedDB (marker.js) that the
// database holds data: written when it first becomes durable at LSN >= 1
// (before that commit's operations resolve), at open when it already holds
// data, and at close; recovery refuses to start empty in its presence
// (DataLossError) unless options.acceptDataLoss.
// Events go to emit(name, detail): 'replica', 'scan', 'commit', 'rollback',
// 'repair', 'error'.

import { Engine } from '../core/engine.js';
import { PocketDynamoError } from '../errors.js';
import { askPersistence } from './ask-persistence.js';
import { Committer } from './committer.js';
import { CoreAdapter } from './core-adapter.js';
import { applyImageRecord, readRecordHeader } from './record.js';
import { markerFor } from './marker.js';
import { PageFetcher, cacheOptions, checkCacheSupport, recordsBase, runWithPages } from './page-fetcher.js';
import { ROOT_SLOTS } from './page-store.js';
import { recover } from './recovery.js';
import { Repairer } from './repair.js';
import { Scrubber } from './scrub.js';
import { ReplicaSet } from './replica-set.js';
import { loadStores, parseStorage } from './select-store.js';

/** The page cache of a core that has one, when open() names none (issue #13). */
export const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;
// Pages per store read while the interior pages are read after a lazy open.
const WARM_READ_PAGES = 16;

export class ReplicatedEngine {
  #interiorWarmed = false;
  #release;
  #replicaSet;
  #committer;
  #repairer;
  #scrubber = null;       // Scrubber (a core with a page cache: open reads no page)
  #closed = false;
  #marker;                // marker.js object (storage 'idb': localStorage, or OPFS in a worker), or null
  #markerPending;         // the marker is still to be written at the first durable LSN >= 1
  #markerWrite = null;    // Promise of that write while it runs

  constructor({ engine, stores, release, replicaSet, committer, repairer, kind, persistent, persisted, recovery,
    marker = null }) {
    this.#marker = marker;
    this.#markerPending = marker !== null;
    this.engine = engine;
    this.#release = release;
    this.#replicaSet = replicaSet;
    this.#committer = committer;
    this.#repairer = repairer;
    this.kind = kind;                 // 'idb' | 'memory' | 'file' | 'custom'
    this.persistent = persistent;     // data outlives the process/page
    this.persisted = persisted;       // persistent storage granted (askPersistence(); null: unknown)
    this.recovery = recovery;         // what open found (see open())
    this.pageFetcher = null;          // PageFetcher when the core has a bounded page cache (page-fetcher.js)
    this.warmed = Promise.resolve(false);  // true once the interior pages are in the cache (open())
  }

  /**
   * Opens (or creates) the database for open() options (select-store.js).
   * emit(name, detail) receives the events. The resolved object's `recovery`:
   * { fresh, source, lsn, replaced: [page ids taken from peers], discarded:
   *   [{ index, lsn }], skipped: [why higher candidates failed] }.
   */
  static async open(options, emit = () => {}) {
    const parsed = parseStorage(options);
    const cache = cacheOptions(options);
    // A core with a bounded page cache opens lazily (heads + logs only), with DEFAULT_CACHE_BYTES
    // unless open() names a size; cacheBytes 0 asks for none (every page read at open and kept).
    const pagedCore = typeof Engine.prototype.installPages === 'function' && cache.cacheBytes !== 0;
    if (pagedCore && cache.cacheBytes === undefined) cache.cacheBytes = DEFAULT_CACHE_BYTES;
    const engineOptions = { wasmUrl: options.wasmUrl, wasmBinary: options.wasmBinary, ...cache };
    // The wasm module compiles while the stores connect and read their heads (recover() takes
    // the tools' promise), and the persistence permission is asked meanwhile: open's waits overlap.
    const toolsReady = Engine.pageTools(engineOptions).then(withRecordTools);
    toolsReady.catch(() => {});   // awaited below; a store failing first must not leave it unhandled
    const { kind, persistent, stores, release } = await loadStores(parsed, options);
    const persistedReady = askPersistence(kind, { ask: options.persist === true });
    const marker = kind === 'idb' ? markerFor(parsed.name) : null;
    // Until the replicas' heads arrive the main thread is idle: touch the marker meanwhile
    // (localStorage loads its area on first use, 2-40 ms, which the marker's write at open paid).
    let reading = true;
    toolsReady.then(() => {
      // A marker that cannot be read is read again (and reported) where it matters.
      if (reading) new Promise((resolve) => resolve(marker?.read())).catch(() => {});
    }, () => {});
    let result;
    let seedPages = null;
    try {
      result = await recover(stores, toolsReady, {
        name: parsed.name,
        marker,
        onHeads: () => { reading = false; },
        acceptDataLoss: options.acceptDataLoss === true,
        openEngine: async (snapshot, records) => {
          const opened = await openWithRecords(engineOptions, snapshot, records);
          seedPages = opened.seedPages;
          return opened.engine;
        },
        createEngine: () => Engine.create({ ...engineOptions, pageSize: options.pageSize, snapshot: options.snapshot }),
        openLazy: pagedCore
          ? async ({ meta, pageSize, pages }, records) => {
            const engine = await Engine.create({ ...engineOptions, lazy: { meta, pageSize },
              records: records.map((r) => r.record) });
            // The root slots' pages first, then the hot hint's, within a quarter of the cache as
            // warmInterior keeps (interior pages stay pinned).
            installRead(engine, pages, pageSize, Math.max(ROOT_SLOTS, Math.floor(cache.cacheBytes / 4 / pageSize)));
            return engine;
          }
          : null,
      });
      if (options.snapshot && !result.fresh) {
        result.engine.close();
        throw new PocketDynamoError(`open({ snapshot }): database "${parsed.name}" already holds data ` +
            `(LSN ${result.lsn}); a snapshot is only loaded into an empty database`);
      }
    } catch (error) {
      await Promise.allSettled(stores.map((s) => s.close()));
      await release();
      throw error;
    }
    const { engine } = result;
    const tools = await toolsReady;
    try {
      checkCacheSupport(engine, cache);
    } catch (error) {
      await Promise.allSettled(stores.map((s) => s.close()));
      await release();
      throw error;
    }
    const core = new CoreAdapter(engine, { seedPages, fresh: result.fresh && !options.snapshot });
    let owner = null;
    const relay = (name, detail) => {
      if (name === 'replica') owner?.statusChanged();
      emit(name, detail);
    };
    const replicaSet = new ReplicaSet(stores, result.states, { durableLsn: engine.durableLsn, emit: relay, tools, core,
      records: result.records });
    // The LSN after which the core holds every record (pages are read only from checkpoints at or after it).
    const coreRecordsBase = result.lazyBase ?? recordsBase(result.records, result.lsn);
    // A core opened with a bounded page cache: pages it lacks come from the replicas (page-fetcher.js).
    // A core opened without one holds every page and never faults.
    const pageFetcher = pagedCore
      ? new PageFetcher({ stores, tools, pageSize: engine.pageSize, replicas: replicaSet, emit: relay,
        install: (ids, images) => engine.installPages(ids, images), released: coreRecordsBase })
      : null;
    if (pageFetcher !== null) replicaSet.usePages((fn) => runWithPages(fn, pageFetcher));
    const committer = new Committer(core, replicaSet, {
      withPages: (fn) => runWithPages(fn, pageFetcher),
      onRelease: (lsn) => pageFetcher?.releaseThrough(lsn),
      releasedThrough: coreRecordsBase,
      emit: relay,
      records: result.records,
      logLimitBytes: options.logLimitBytes,
      checkpointIdleMs: options.checkpointIdleMs,
      checkpointChunkPages: options.checkpointChunkPages,
    });
    const repairer = new Repairer(committer, replicaSet, { emit: relay });
    // A lazy open: every tree's interior pages come in now, in the background (engine.warmInterior:
    // one level of every tree per fault), so that a cold point read faults only on its leaf. At most
    // WARM_READ_PAGES per store read: an operation's own page read never waits behind a large one
    // (a level of 275 pages at 1,000,000 items held the first GetItem's leaf for ~0.8 s). A page it
    // cannot read fails later the operation that needs it, with the whole report. Not in chaos paging:
    // there every call ends by evicting every page it may, so a warm-up running beside another
    // call would evict that call's read-ahead between its fault and its retry (and never finish).
    const warmFetcher = pageFetcher && { fetch: (ids, ahead) => pageFetcher.fetch(ids, ahead.slice(0, Math.max(0, WARM_READ_PAGES - ids.length))) };
    const warmed = pageFetcher !== null && !result.fresh && !cache.chaosPaging
      ? runWithPages(() => engine.warmInterior(cache.cacheBytes / 4), warmFetcher).then((p) => p === '', () => false)
      : Promise.resolve(false);
    const persisted = await persistedReady;
    owner = new ReplicatedEngine({
      engine, stores, release, replicaSet, committer, repairer, kind, persistent, persisted,
      recovery: {
        fresh: result.fresh, source: result.source, lsn: result.lsn, replaced: result.replaced,
        discarded: result.discarded, skipped: result.skipped ?? [], dataLoss: result.dataLoss ?? null,
        lazy: pageFetcher !== null,
      },
      marker,
    });
    owner.pageFetcher = pageFetcher;
    owner.warmed = warmed.then((done) => {
      owner.#interiorWarmed = done;
      return done;
    });
    if (result.fresh && options.snapshot) {
      // The snapshot must be durable before open() resolves: write it everywhere now.
      await replicaSet.repair();
      const stored = replicaSet.status().filter((r) => r.lsn === engine.lsn).length;
      if (stored < 2) {
        await owner.close();
        throw new PocketDynamoError(`open({ snapshot }): only ${stored} of 3 replicas could store the snapshot ` +
            `(${replicaSet.status().map((r) => r.reason).filter(Boolean).join('; ')})`);
      }
      committer.replicasCheckpointed();   // the snapshot's pages are on the replicas: evictable now
    }
    await owner.#noteDurable();   // a database that already holds data (also one made before markers existed)
    if (pageFetcher !== null) {
      // Open read no page: a rate-limited scrub checks (and repairs) every page of every replica,
      // resuming where it stopped (scrub.js), instead of reading the peers whole now.
      owner.#scrubber = new Scrubber({ stores, tools, replicas: replicaSet, idle: () => committer.idle, emit: relay });
      owner.#scrubber.start();
      repairer.start([]).catch((error) => relay('error', { error }));
      return owner;
    }
    const scan = result.fresh ? [] : [0, 1, 2].filter((i) => i !== result.source);
    repairer.start(scan).catch((error) => relay('error', { error }));
    return owner;
  }

  statusChanged() {
    this.#repairer.statusChanged();
  }

  /** The durability promise of the operation just run on this.engine (committer.js). */
  afterOperation() {
    const durable = this.#committer.afterOperation();
    if (!this.#markerPending) return durable;
    // The first durable LSN >= 1 writes the marker before the operation resolves.
    return durable.then(async (value) => {
      await this.#noteDurable();
      return value;
    });
  }

  // Writes the marker once the durable LSN is >= 1 (storage 'idb'; localStorage, or OPFS in
  // a worker). Never fails: a marker that cannot be written leaves dataLoss as the only signal.
  async #noteDurable() {
    if (this.#markerWrite) return this.#markerWrite;
    if (!this.#markerPending || !(this.engine.durableLsn >= 1)) return undefined;
    this.#markerWrite = (async () => {
      let written = false;
      try {
        written = await this.#marker.write(this.engine.durableLsn);
      } catch {
        written = false;
      }
      if (written) this.#markerPending = false;
      this.#markerWrite = null;
    })();
    return this.#markerWrite;
  }

  /** Error once writes stopped (committer.js), else null. */
  get fatal() { return this.#committer.fatal; }
  /** Resolves when no commit is pending or in flight. */
  drain() { return this.#committer.drain(); }
  /** [{ index, lsn, status, pageCount, bytes, store, reason? }]. */
  replicas() { return this.#replicaSet.status(); }
  /** Scans every replica for damage and repairs it (repair.js). */
  verify() { return this.#repairer.verify(); }
  /** Resolves once every replica is healthy (repair.js). */
  whenHealthy(timeoutMs) { return this.#repairer.whenHealthy(timeoutMs); }
  /** Pauses or resumes background repair. */
  pauseRepair(paused) { this.#committer.pauseRepair(paused); }
  /**
   * { commits, rollbacks, checkpoints, checkpointing, logBytes, inFlight, cache? } so far (cache: paged
   * core only; inFlight: the store writes under way, replica-set.js inFlight()).
   */
  stats() {
    const out = { commits: this.#committer.commits, rollbacks: this.#committer.rollbacks,
      checkpoints: this.#committer.checkpoints, checkpointing: this.#committer.checkpointing,
      logBytes: this.#committer.logBytes, inFlight: this.#replicaSet.inFlight(),
      appendsDeferred: this.#replicaSet.deferred };
    const fetcher = this.pageFetcher;
    if (fetcher !== null) {
      // A core with a page cache: its figures, and the page reads that resolved its faults.
      out.cache = { ...this.engine.cacheStats, pageReads: fetcher.reads, pagesRead: fetcher.pages,
        pagesRejected: fetcher.rejected,
        pageReadsHedged: fetcher.hedged, pagesRepaired: fetcher.repaired, wasmMemoryBytes: this.engine.memoryBytes,
        interiorWarmed: this.#interiorWarmed };
    }
    return out;
  }
  /** Writes a checkpoint now (committer.js): { lsn, pages, replicas } or null. */
  checkpoint() { return this.#committer.checkpoint(); }

  /** Waits for commits, stops repair, closes the stores and the engine. Idempotent. */
  async close() {
    if (this.#closed) return;
    this.#closed = true;
    await this.#committer.close();
    if (this.#marker && this.engine.durableLsn >= 1) {
      await Promise.resolve(this.#marker.write(this.engine.durableLsn)).catch(() => {});
    }
    await this.#scrubber?.close();
    await this.pageFetcher?.repairsDone();
    await this.#repairer.close();
    await this.#replicaSet.close();
    await this.#release();
    this.engine.close();
  }
}

// Page tools plus readRecordHeader (the core's when it has one, else record.js's).
function withRecordTools(tools) {
  return { ...tools, readRecordHeader: tools.readRecordHeader ?? readRecordHeader };
}

// Opens the engine from checkpoint images and the records after them: the core
// redoes them when it can; otherwise they are redone here (IMAGE records only:
// a record of page deltas needs a core that redoes records). Resolves to
// { engine, seedPages } (seedPages: the pages the records wrote, for CoreAdapter).
async function openWithRecords(engineOptions, snapshot, records) {
  // A core that checks records (pageTools().readRecordHeader) also redoes them (Engine.create({ records })).
  const coreRedoes = typeof (await Engine.pageTools(engineOptions)).readRecordHeader === 'function';
  if (records.length === 0 || coreRedoes) {
    const engine = await Engine.create({ ...engineOptions, snapshot, records: records.map((r) => r.record) });
    return { engine, seedPages: null };
  }
  const { pageSize } = snapshot;
  const pages = new Map();
  const count = snapshot.pages.byteLength / pageSize;
  for (let id = 0; id < count; id++) pages.set(id, snapshot.pages.subarray(id * pageSize, (id + 1) * pageSize));
  const touched = new Set();
  for (const { lsn, record } of records) {
    const problem = applyImageRecord(pages, record);
    if (problem === 'delta') {
      throw new PocketDynamoError(`record ${lsn} holds page deltas, which this build of the core cannot redo`);
    }
    if (problem !== '') throw new PocketDynamoError(`Corruption: ${problem}`);
    for (const id of readRecordHeader(record).pageIds) touched.add(id);
  }
  const ids = [...pages.keys()].sort((a, b) => a - b);
  if (ids.length === 0 || ids[ids.length - 1] !== ids.length - 1) {
    throw new PocketDynamoError('Corruption: the records leave pages missing');
  }
  const all = new Uint8Array(ids.length * pageSize);
  for (const id of ids) all.set(pages.get(id), id * pageSize);
  const engine = await Engine.create({ ...engineOptions, snapshot: { pageSize, pages: all } });
  const seedPages = new Map();
  for (const id of touched) if (pages.has(id)) seedPages.set(id, pages.get(id));
  return { engine, seedPages };
}

// Installs pages a store read with its head (the root slots' pages: the catalog's root first of
// all, which every operation reads), saving the first operation that fault round. The core checks
// each as it checks a faulted page; one it rejects is left out and read again when needed, from
// whichever replica serves it (page-fetcher.js).
function installRead(engine, pages, pageSize, maxPages = Infinity) {
  const ids = [...pages.keys()].filter((id) => pages.get(id).byteLength === pageSize).slice(0, maxPages);
  if (ids.length === 0) return;
  const images = new Uint8Array(ids.length * pageSize);
  ids.forEach((id, i) => images.set(pages.get(id), i * pageSize));
  engine.installPages(ids, images);
}
