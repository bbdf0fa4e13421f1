// Page faults: how the pages a bounded core cache lacks come back from the
// replicas (issue #13 step 2, docs/design.md "Page faults").
//
// With a bounded page cache the core does not hold every page. An engine
// call that needs a page it lacks throws a PageFault (error.name 'PageFault',
// error.ids: the pages, error.hints (or readAhead): pages a scan will want next) after
// undoing everything the call did; runWithPages() catches it, has the
// PageFetcher read the pages from a replica and install them in the core
// (engine.installPages), and runs the call again:
//
//   const fetcher = new PageFetcher({ stores, tools, pageSize, install, replicas });
//   const text = await runWithPages(() => engine.execute(op, json), fetcher);
//
// PageFetcher.fetch(ids, readAhead) reads the pages from the replicas in
// the order replicas.readOrder() gives (healthy ones first), all the ids of
// one round in ONE store read (one IndexedDB transaction), read-ahead pages
// with them. A replica that fails to answer is passed over at once; one that
// has not answered after `hedgeMs` (HEDGE_MS) is not waited for: the same
// read goes to the next replica too, and the first answer is used. Each page
// is the replica's checkpoint version (page-store.js readPages); a page id at
// or beyond that checkpoint's page count (created since) is handed over as an
// all-zero image, which the core rebuilds from the records it keeps. A page is
// used only if:
//   - the replica's head, read in that same transaction, is a checkpoint the
//     core can bring forward: ckptLsn >= `released` (the core keeps the
//     commit records after that LSN: at open recovery's lazyBase, the oldest
//     checkpoint of the replicas kept, so that every one of them may serve
//     pages, or recordsBase(); then what the committer passes to
//     engine.releaseRecordsThrough; it redoes the ones after the image's LSN
//     when it installs it) and <= the durable LSN. A replica restored behind the database's back from
//     an old copy, or one whose checkpoint is somehow ahead, is not read
//     from (replicas.pageDamaged reports it);
//   - the image passes the page check (tools.verifyPageImage: size, CRC, id,
//     type, LSN <= the replica's checkpoint);
//   - the core accepts it (install returns '' for it: the core checks again
//     against what it knows).
// A page that fails any of these is read from the next replica. A copy that
// failed the page check (damaged, missing) is then REPAIRED IN PLACE, as the
// scrub does (scrub.js): once a sound copy went into the core, and if that
// copy is provably the image the damaged replica should hold (page-store.js
// samePageImage: same checkpoint LSN, or the damaged image's header names
// the same id, page LSN and CRC), it is written over the bad one
// (store.repairPage, in the background, refused if that replica's checkpoint
// moved); the replica stays healthy and no rebuild is needed. Otherwise, if
// the repair fails, or for a page the core refused (the replica's state is
// not the one the core knows), the replica is reported
// (replicas.pageDamaged(index, id, problem)) and the background repair
// rebuilds it. A page no replica can give
// rejects the fetch with a PocketDynamoError (reason 'corruption', pages:
// the ids) naming each replica's problem; the call that faulted then fails
// with it, changing nothing (the core undid it). Read-ahead pages that fail
// are left out silently (nobody needs them yet).
//
// runWithPages bounds the retries: a call that faults on the same page
// again after it was installed MAX_SAME_PAGE times (the cache cannot hold
// what one operation needs, or the core evicts what it was just given)
// rejects with a PocketDynamoError saying so, instead of looping.

import { PocketDynamoError } from '../errors.js';
import { StoreError, samePageImage } from './page-store.js';

export const MAX_SAME_PAGE = 4;     // faults on one page within one call before giving up
export const MAX_ROUNDS = 10_000;   // faults within one call before giving up (a scan faults leaf by leaf)
export const HEDGE_MS = 50;                // a page read not answered by then is also sent to the next replica
export const WHOLE_DATABASE_WINDOW = 63;   // pages read along per fault by wholeDatabaseReadAhead

/**
 * The LSN after which `records` ([{ lsn }] ascending, as recovery returns
 * them) hold every record up to `lsn`: the oldest checkpoint a page may be
 * read from when the core starts with these records.
 */
export function recordsBase(records, lsn) {
  let base = lsn;
  for (let i = records.length - 1; i >= 0 && records[i].lsn === base; i--) base--;
  return base;
}

/** True if `error` is the core's page fault (see the header). */
export function isPageFault(error) {
  return error !== null && typeof error === 'object' && error.name === 'PageFault' && error.ids !== undefined;
}

/**
 * Runs fn() (synchronous: one engine call, or a few made together) until it
 * completes without a page fault, fetching what each fault names in between.
 * fetcher: a PageFetcher, or null when the engine holds every page (then fn
 * runs once and a PageFault is a bug, thrown as it is). options.readAhead(ids)
 * -> more page ids to read along with a fault's (best effort; e.g.
 * wholeDatabaseReadAhead for a call that visits every page). Resolves to fn()'s value.
 */
export async function runWithPages(fn, fetcher, { readAhead = null } = {}) {
  if (fetcher === null || fetcher === undefined) return fn();
  const faults = new Map();   // page id -> times the call faulted on it
  for (let round = 0; ; round++) {
    try {
      return fn();
    } catch (error) {
      if (!isPageFault(error)) throw error;
      const ids = Array.from(error.ids);
      if (ids.length === 0) throw new PocketDynamoError('The core reported a page fault that names no page');
      for (const id of ids) {
        const n = (faults.get(id) ?? 0) + 1;
        faults.set(id, n);
        if (n > MAX_SAME_PAGE) {
          throw new PocketDynamoError(`The operation needs page ${id} again after it was read and installed ` +
              `${n - 1} times: the page cache cannot hold the pages one operation needs (open with a larger ` +
              'cacheBytes); nothing was changed', { cause: error });
        }
      }
      if (round >= MAX_ROUNDS) {
        throw new PocketDynamoError(`The operation faulted ${round} times without completing; nothing was changed`,
          { cause: error });
      }
      const hints = Array.from(error.readAhead ?? error.hints ?? []);
      await fetcher.fetch(ids, readAhead === null ? hints : [...hints, ...readAhead(ids)]);
    }
  }
}

/**
 * runWithPages' readAhead for a call that visits every page (check(), snapshot()): with each
 * fault, the `window` page ids after the highest one faulted on (below pageCount()), each asked
 * for once per call. The core names no read-ahead there, and every fault reruns the call from
 * its start, so without it such a call costs one fault round per page: quadratic work.
 */
export function wholeDatabaseReadAhead(pageCount, window = WHOLE_DATABASE_WINDOW) {
  const asked = new Set();
  return (ids) => {
    for (const id of ids) asked.add(id);
    const out = [];
    const end = Math.min(pageCount(), Math.max(...ids) + 1 + window);
    for (let id = Math.max(...ids) + 1; id < end; id++) {
      if (asked.has(id)) continue;
      asked.add(id);
      out.push(id);
    }
    return out;
  };
}

export class PageFetcher {
  #stores;
  #tools;
  #pageSize;
  #install;
  #replicas;
  #released;        // the core keeps the records after this LSN (releaseThrough)
  #emit;
  #timers;
  #hedgeMs;
  #repairs = new Set();       // Promises of in-place repairs under way
  #repairing = new Set();     // `${index}:${id}` of those repairs
  reads = 0;        // store reads issued
  pages = 0;        // pages installed
  rejected = 0;     // page images refused (check or core), read again elsewhere
  hedged = 0;       // reads issued to another replica because the one asked was slow to answer
  repaired = 0;     // damaged or missing pages repaired in place from another replica's copy

  /**
   * stores: PageStore[3]; tools: { verifyPageImage }; pageSize;
   * install(ids: Uint32Array, images: Uint8Array) -> string[] ('' = installed, else the problem);
   * replicas: { readOrder() -> indexes to try in order, durableLsn,
   *             pageDamaged(index, id, problem) } (the ReplicaSet);
   * released: the LSN after which the core holds every durable record (recordsBase());
   * emit(name, detail): 'scan' events of pages repaired in place; hedgeMs: how long a read may
   * take before the next replica is asked too (HEDGE_MS); timers: { setTimeout, clearTimeout }.
   */
  constructor({ stores, tools, pageSize, install, replicas, released = 0, emit = () => {}, hedgeMs = HEDGE_MS,
    timers = { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (id) => clearTimeout(id) } }) {
    this.#released = released;
    this.#stores = stores;
    this.#tools = tools;
    this.#pageSize = pageSize;
    this.#install = install;
    this.#replicas = replicas;
    this.#emit = emit;
    this.#hedgeMs = hedgeMs;
    this.#timers = timers;
  }

  /** The core was told to drop the records up to lsn: older checkpoints are no longer read from. */
  releaseThrough(lsn) {
    if (lsn > this.#released) this.#released = lsn;
  }

  get released() { return this.#released; }

  /** Resolves once the in-place repairs started so far have finished (tests; close). */
  async repairsDone() {
    while (this.#repairs.size > 0) await Promise.allSettled([...this.#repairs]);
  }

  /**
   * Reads pages `ids` (and, best effort, `readAhead`) from the replicas and
   * installs them. Resolves once every id is installed; rejects with a
   * PocketDynamoError (reason 'corruption') when some page is sound on no
   * replica, or (reason 'io') when no replica could be read at all.
   */
  async fetch(ids, readAhead = []) {
    const missing = new Set(ids);
    const ahead = new Set(readAhead.filter((id) => !missing.has(id)));
    const problems = new Map();   // id -> [text per replica]
    const unreadable = [];
    const bad = new Map();        // id -> [{ index, image, ckpt, problem }]: copies that failed the page check
    const note = (id, text) => {
      if (!problems.has(id)) problems.set(id, []);
      problems.get(id).push(text);
    };
    const order = this.#replicas.readOrder();
    const pending = new Map();    // index -> Promise of { index, wanted, read } or { index, error }
    let next = 0;
    const ask = () => {
      const index = order[next++];
      const wanted = [...missing, ...ahead];
      this.reads++;
      pending.set(index, Promise.resolve().then(() => this.#stores[index].readPages(wanted))
        .then((read) => ({ index, wanted, read }), (error) => ({ index, error })));
    };
    while (missing.size > 0) {
      if (pending.size === 0) {
        if (next >= order.length) break;
        ask();
      }
      // The replica asked first answers, unless it is slow: then the next one is asked too, and
      // the first answer is used (a late one finds its pages installed already).
      let timer = null;
      const racers = [...pending.values()];
      if (next < order.length) {
        racers.push(new Promise((resolve) => { timer = this.#timers.setTimeout(() => resolve(null), this.#hedgeMs); }));
      }
      const answer = await Promise.race(racers);
      if (timer !== null) this.#timers.clearTimeout(timer);
      if (answer === null) {
        this.hedged++;
        ask();
        continue;
      }
      pending.delete(answer.index);
      const { index, error, read, wanted } = answer;
      if (error !== undefined) {
        if (!(error instanceof StoreError)) throw error;
        unreadable.push(`replica #${index}: ${error.message}`);
        continue;
      }
      this.#take(index, read, wanted, { missing, ahead, bad, note });
      ahead.clear();   // read-ahead rides along with the first answer only
    }
    // A damaged or missing copy of a page installed from another replica is repaired in place
    // when that copy is provably the image it should hold (as the scrub does); otherwise (or if
    // the repair fails) its replica is reported damaged and rebuilt.
    for (const [id, copies] of bad) {
      for (const copy of copies) {
        if (missing.has(id) || copy.sound === undefined) this.#replicas.pageDamaged(copy.index, id, copy.problem);
        else this.#repairInPlace(copy, id);
      }
    }
    if (missing.size === 0) return;
    const list = [...missing];
    if (problems.size === 0 && unreadable.length > 0) {
      throw Object.assign(new PocketDynamoError(`Page(s) ${list.join(', ')} could not be read: no replica answered ` +
          `(${unreadable.join('; ')}); nothing was changed, try again`), { reason: 'io', pages: list });
    }
    const detail = list.slice(0, 8).map((id) => `page ${id}: ${(problems.get(id) ?? ['not read']).join('; ')}`);
    throw Object.assign(new PocketDynamoError(`Page(s) ${list.join(', ')} of the database are damaged or missing on ` +
        `every replica (${[...detail, ...unreadable].join(' | ')}); the operation was not run, nothing was changed`),
    { reason: 'corruption', pages: list });
  }

  // Checks and installs what replica `index` answered (see the header).
  #take(index, read, wanted, { missing, ahead, bad, note }) {
    const ckpt = read.ckptLsn;
    const low = this.#released;
    const high = this.#replicas.durableLsn;
    if (!(ckpt >= low && ckpt <= high)) {
      const why = ckpt < 0 ? 'it has no head'
        : `its checkpoint is at LSN ${ckpt}, outside the ${low}..${high} the core can bring forward`;
      for (const id of missing) note(id, `replica #${index}: ${why}`);
      // An older checkpoint is no damage (the replica set knows it); one that moved behind its back is.
      this.#replicas.pageDamaged(index, null, `a page read found ${why}`, ckpt);
      return;
    }
    const ids = [];
    const images = [];
    const given = [];   // per installed id: the replica's own image (null: an all-zero stand-in)
    for (const id of wanted) {
      const required = missing.has(id);
      if (!required && !ahead.has(id)) continue;   // installed meanwhile (another replica answered first)
      const image = read.get(id);
      if (read.pageCount >= 1 && id >= read.pageCount) {
        // Not in this checkpoint (created after it): an all-zero image, which the core rebuilds
        // from the records it keeps (they hold the page's creation).
        ids.push(id);
        images.push(new Uint8Array(this.#pageSize));
        given.push(null);
        continue;
      }
      const problem = image === undefined ? `page ${id}: missing`
        : this.#tools.verifyPageImage(id, image, this.#pageSize, ckpt);
      if (problem !== '') {
        if (required) {
          this.rejected++;
          note(id, `replica #${index}: ${problem}`);
          if (!bad.has(id)) bad.set(id, []);
          bad.get(id).push({ index, image, ckpt, problem, sound: undefined });
        }
        continue;
      }
      ids.push(id);
      images.push(image);
      given.push(image);
    }
    if (ids.length === 0) return;
    const all = new Uint8Array(ids.length * this.#pageSize);
    images.forEach((image, i) => all.set(image, i * this.#pageSize));
    const results = this.#install(Uint32Array.from(ids), all);
    ids.forEach((id, i) => {
      const problem = results[i] ?? 'no answer from installPages';
      if (problem === '') {
        this.pages++;
        missing.delete(id);
        // The sound copy that went in: the repair source of the replicas whose copy was bad.
        for (const copy of bad.get(id) ?? []) {
          if (given[i] !== null && samePageImage(id, given[i], ckpt, copy.image, copy.ckpt)) copy.sound = given[i];
        }
      } else if (missing.has(id)) {
        // The core refused a page that passed the check: this replica's state is not what the
        // core knows (not a damaged page): rebuilt.
        this.rejected++;
        note(id, `replica #${index}: ${problem}`);
        this.#replicas.pageDamaged(index, id, problem);
      }
    });
  }

  // Writes `copy.sound` over the damaged or missing page `id` of replica `copy.index` (store.repairPage:
  // refused if its checkpoint moved meanwhile), in the background; if that fails, the replica is rebuilt.
  #repairInPlace(copy, id) {
    const key = `${copy.index}:${id}`;
    const store = this.#stores[copy.index];
    if (this.#repairing.has(key)) return;
    if (typeof store.repairPage !== 'function') {
      this.#replicas.pageDamaged(copy.index, id, copy.problem);
      return;
    }
    this.#repairing.add(key);
    const done = (async () => {
      try {
        await store.repairPage(id, copy.sound, copy.ckpt);
        this.repaired++;
        this.#emit('scan', { index: copy.index, lsn: copy.ckpt, badPages: [id], badRecords: [], repaired: [id],
          pageFault: true });
      } catch (error) {
        if (error?.kind === 'closed') return;
        this.#replicas.pageDamaged(copy.index, id, `${copy.problem}; repairing it failed: ${error?.message ?? error}`);
      } finally {
        this.#repairing.delete(key);
        this.#repairs.delete(done);
      }
    })();
    this.#repairs.add(done);
  }
}

/**
 * The page-cache options of open() for Engine.create: { cacheBytes,
 * chaosPaging } as given (chaosPaging also from the environment variable
 * PD_CHAOS_PAGING=1 in Node, so that the JS suites run in that mode without
 * a change). cacheBytes 0 asks for no cache bound: every page in memory,
 * read at open (then the environment's chaos paging does not apply).
 * Throws PocketDynamoError for a cacheBytes that is not a whole number of
 * bytes >= 0, or chaosPaging: true with cacheBytes 0.
 */
export function cacheOptions(options) {
  const out = {};
  if (options.cacheBytes !== undefined) {
    const n = options.cacheBytes;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw new PocketDynamoError(`open(): cacheBytes must be a whole number of bytes (0: no cache bound), not ${String(n)}`);
    }
    out.cacheBytes = n;
  }
  if (out.cacheBytes === 0) {
    if (options.chaosPaging === true) {
      throw new PocketDynamoError('open(): chaosPaging needs a page cache; cacheBytes 0 asks for none');
    }
    return out;
  }
  const env = globalThis.process?.env?.PD_CHAOS_PAGING;
  if (options.chaosPaging === true || (options.chaosPaging === undefined && env === '1')) out.chaosPaging = true;
  return out;
}

/**
 * After Engine.create with cacheOptions(): a core without a page cache (no
 * installPages) cannot honour them; say so instead of ignoring them.
 */
export function checkCacheSupport(engine, cache) {
  if (typeof engine.installPages === 'function' || (cache.cacheBytes ?? 0) === 0 && cache.chaosPaging !== true) return;
  engine.close();
  const what = Object.keys(cache).map((k) => (k === 'chaosPaging' && globalThis.process?.env?.PD_CHAOS_PAGING === '1'
    ? 'chaosPaging (PD_CHAOS_PAGING=1)' : k)).join(' and ');
  throw new PocketDynamoError(`open(): ${what} need a core with a bounded page cache, which this build of the ` +
      'core does not have (it keeps every page in memory); open without them');
}
