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
// with them. Each page is the replica's checkpoint version (page-store.js
// readPages); a page id at or beyond that checkpoint's page count (created
// since) is handed over as an all-zero image, which the core rebuilds from
// the records it keeps. A page is used only if:
//   - the replica's head, read in that same transaction, is a checkpoint the
//     core can bring forward: ckptLsn >= `released` (the core keeps the
//     commit records after that LSN, recordsBase() at open, then what the
//     committer passes to engine.releaseRecordsThrough, and redoes the ones
//     after the image's LSN when it installs it) and <= the durable LSN. A replica restored behind the database's back from
//     an old copy, or one whose checkpoint is somehow ahead, is not read
//     from (replicas.pageDamaged reports it);
//   - the image passes the page check (tools.verifyPageImage: size, CRC, id,
//     type, LSN <= the replica's checkpoint);
//   - the core accepts it (install returns '' for it: the core checks again
//     against what it knows).
// A page that fails any of these is read from the next replica, and the
// replica that gave it is reported (replicas.pageDamaged(index, id, problem))
// so that the background repair rebuilds it. A page no replica can give
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
import { StoreError } from './page-store.js';

export const MAX_SAME_PAGE = 4;     // faults on one page within one call before giving up
export const MAX_ROUNDS = 10_000;   // faults within one call before giving up (a scan faults leaf by leaf)

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
 * runs once and a PageFault is a bug, thrown as it is). Resolves to fn()'s value.
 */
export async function runWithPages(fn, fetcher) {
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
      await fetcher.fetch(ids, Array.from(error.readAhead ?? error.hints ?? []));
    }
  }
}

export class PageFetcher {
  #stores;
  #tools;
  #pageSize;
  #install;
  #replicas;
  #released;        // the core keeps the records after this LSN (releaseThrough)
  reads = 0;        // store reads issued
  pages = 0;        // pages installed
  rejected = 0;     // page images refused (check or core), read again elsewhere

  /**
   * stores: PageStore[3]; tools: { verifyPageImage }; pageSize;
   * install(ids: Uint32Array, images: Uint8Array) -> string[] ('' = installed, else the problem);
   * replicas: { readOrder() -> indexes to try in order, durableLsn,
   *             pageDamaged(index, id, problem) } (the ReplicaSet);
   * released: the LSN after which the core holds every durable record (recordsBase()).
   */
  constructor({ stores, tools, pageSize, install, replicas, released = 0 }) {
    this.#released = released;
    this.#stores = stores;
    this.#tools = tools;
    this.#pageSize = pageSize;
    this.#install = install;
    this.#replicas = replicas;
  }

  /** The core was told to drop the records up to lsn: older checkpoints are no longer read from. */
  releaseThrough(lsn) {
    if (lsn > this.#released) this.#released = lsn;
  }

  get released() { return this.#released; }

  /**
   * Reads pages `ids` (and, best effort, `readAhead`) from the replicas and
   * installs them. Resolves once every id is installed; rejects with a
   * PocketDynamoError (reason 'corruption') when some page is sound on no
   * replica, or (reason 'io') when no replica could be read at all.
   */
  async fetch(ids, readAhead = []) {
    const missing = new Set(ids);
    let ahead = readAhead.filter((id) => !missing.has(id));
    const problems = new Map();   // id -> [text per replica]
    const unreadable = [];
    const note = (id, text) => {
      if (!problems.has(id)) problems.set(id, []);
      problems.get(id).push(text);
    };
    for (const index of this.#replicas.readOrder()) {
      if (missing.size === 0) break;
      const store = this.#stores[index];
      const wanted = [...missing, ...ahead];
      let read;
      try {
        this.reads++;
        read = await store.readPages(wanted);
      } catch (error) {
        if (!(error instanceof StoreError)) throw error;
        unreadable.push(`replica #${index}: ${error.message}`);
        continue;
      }
      const ckpt = read.ckptLsn;
      const low = this.#released;
      const high = this.#replicas.durableLsn;
      if (!(ckpt >= low && ckpt <= high)) {
        const why = ckpt < 0 ? 'it has no head'
          : `its checkpoint is at LSN ${ckpt}, outside the ${low}..${high} the core can bring forward`;
        for (const id of missing) note(id, `replica #${index}: ${why}`);
        // An older checkpoint is no damage (the replica set knows it); one that moved behind its back is.
        this.#replicas.pageDamaged(index, null, `a page read found ${why}`, ckpt);
        continue;
      }
      const ids2 = [];
      const images = [];
      for (const id of wanted) {
        const image = read.get(id);
        const required = missing.has(id);
        if (read.pageCount >= 1 && id >= read.pageCount) {
          // Not in this checkpoint (created after it): an all-zero image, which the core rebuilds
          // from the records it keeps (they hold the page's creation).
          ids2.push(id);
          images.push(new Uint8Array(this.#pageSize));
          continue;
        }
        const problem = image === undefined ? `page ${id}: missing`
          : this.#tools.verifyPageImage(id, image, this.#pageSize, ckpt);
        if (problem !== '') {
          if (required) {
            this.rejected++;
            note(id, `replica #${index}: ${problem}`);
            this.#replicas.pageDamaged(index, id, problem);
          }
          continue;
        }
        ids2.push(id);
        images.push(image);
      }
      ahead = [];   // read-ahead rides along with the first read only
      if (ids2.length === 0) continue;
      const all = new Uint8Array(ids2.length * this.#pageSize);
      images.forEach((image, i) => all.set(image, i * this.#pageSize));
      const results = this.#install(Uint32Array.from(ids2), all);
      ids2.forEach((id, i) => {
        const problem = results[i] ?? 'no answer from installPages';
        if (problem === '') {
          this.pages++;
          missing.delete(id);
        } else if (missing.has(id)) {
          this.rejected++;
          note(id, `replica #${index}: ${problem}`);
          this.#replicas.pageDamaged(index, id, problem);
        }
      });
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
