// Recovery: opens a database from its three replicas (DESIGN.md, "Open").
//
//   1. Read the three heads; drop any that fails the core's meta page check
//      (readMetaHead: magic, version, fields, CRC).
//   2. Take the replica with the highest LSN, read its pages and open the
//      core from them: Engine.open checks every page (size, CRC, id, type,
//      LSN <= the head's), the free list and the catalog. If it fails, check
//      the pages one by one (verifyPageImage, the same per-page checks) to
//      find every bad or missing one; each is taken from another replica
//      whose copy is provably the same page (below), and the core opens
//      again (a page it still names as corrupt is replaced likewise). If
//      some page cannot be replaced, fall back to the next candidate (the
//      next highest LSN).
//   3. When any page came from another replica, run the full integrity
//      check too. The first candidate that passes is the database.
//   0. All three empty: a new database, UNLESS the marker (marker.js, outside
//      IndexedDB) or a store's dataLoss report (idb-store.js) says it held
//      data: then the browser discarded the origin's IndexedDB storage and
//      open rejects with DataLossError, creating nothing, unless
//      acceptDataLoss (then it starts empty and clears the marker).
//   If no candidate passes, or no head is valid while some replica holds
//   data, open fails with an Error naming what was wrong with each replica.
//   A candidate whose store cannot be READ (an I/O error, not bad bytes)
//   fails the open at once, changing nothing: falling back to an older
//   replica would discard a newer state that may be sound.
//   Wrong data is never returned silently: every page is verified, and a
//   replacement must be the very image that was damaged.
//
// When is another replica's copy of page p "the same page"? Replica state is
// one linear history (replica-set.js): a replica whose head has the same LSN
// as the chosen one holds the same state, so its page p (if sound) is right.
// A replica at another LSN may hold an older or newer version of p; its copy
// is taken only if the damaged image's header is still readable and names
// the same id, the same page LSN and the same CRC as the copy (a CRC32C over
// the whole page: that is the image that was there).
//
// The result tells the replica set what each replica holds (`states`):
//   the source         head = its LSN; pages replaced from peers are badPages (rewritten by repair)
//   others at <= LSN   head = their LSN (a state of the same history: catch-up rewrites what they lack)
//   others at > LSN    their state could not be opened; they are CLEARED now (head 0), so that
//                      no replica keeps a state the history continues without (reported in discarded)
//   empty              head = 0 (every database's state at LSN 0)
//   invalid/unreadable head = null (full rebuild)
// Replicas other than the source are scanned for damaged pages afterwards (replica-set.js scan).

import { DataLossError, PocketDynamoError } from '../errors.js';
import { StoreError, pageHeader } from './page-store.js';

/**
 * stores: PageStore[3]; tools: Engine.pageTools(); openEngine(snapshot) ->
 * Promise<Engine> (rejects with the core's Status text in the message);
 * createEngine() -> Promise<Engine> for a new database; marker: marker.js's
 * { read, write, clear } or null; acceptDataLoss: start empty even then.
 * Resolves to { engine, fresh, source, lsn, states, replaced, discarded, heads, dataLoss }.
 */
export async function recover(stores, tools, { name, openEngine, createEngine, marker = null, acceptDataLoss = false }) {
  const heads = await Promise.all(stores.map((store, index) => readHead(store, index, tools)));
  const valid = heads.filter((h) => h.lsn !== undefined);
  if (valid.length === 0) {
    if (heads.every((h) => h.empty)) {
      const lost = await lossEvidence(stores, marker);
      if (lost && !acceptDataLoss) {
        // The browser reports its loss only once: keep the refusal for the next open too.
        if (lost.dataLoss && !lost.marked) await marker?.write(null);
        throw dataLossError(name, lost);
      }
      const engine = await createEngine();
      if (lost) await marker?.clear();
      return {
        engine, fresh: true, source: null, lsn: 0, replaced: [], discarded: [], heads,
        states: heads.map(() => ({ head: 0, pageCount: 1, pageSize: engine.pageSize })),
        dataLoss: lost ? publicLoss(lost) : null,
      };
    }
    throw new PocketDynamoError(`Cannot open database "${name}": no replica holds a valid head, and ` +
        `some hold data that cannot be read (${heads.map(describeHead).join('; ')})`);
  }
  const candidates = [...valid].sort((a, b) => b.lsn - a.lsn || a.index - b.index);
  const failures = [];
  for (const chosen of candidates) {
    let loaded;
    try {
      loaded = await loadFrom(chosen, stores, heads, tools, openEngine);
    } catch (error) {
      if (error instanceof StoreError) {
        // Unreadable is not damaged: falling back would discard what it holds. Change nothing.
        throw new PocketDynamoError(`Cannot open database "${name}": replica #${chosen.index} (LSN ${chosen.lsn}) ` +
            `cannot be read now (${error.message}); nothing was changed, try again`, { cause: error });
      }
      failures.push(`replica #${chosen.index} at LSN ${chosen.lsn}: ${error?.message ?? error}`);
      continue;
    }
    const discarded = [];
    const states = [];
    for (const h of heads) {
      if (h.index === chosen.index) {
        states.push({ head: chosen.lsn, pageCount: chosen.pageCount, pageSize: chosen.pageSize,
          badPages: loaded.replaced });
      } else if (h.empty) {
        states.push({ head: 0, pageCount: 1, pageSize: chosen.pageSize });
      } else if (h.lsn === undefined) {
        states.push({ head: null, reason: h.reason });
      } else if (h.pageSize !== chosen.pageSize) {
        states.push({ head: null, reason: `page size ${h.pageSize} differs from the database's ${chosen.pageSize}` });
      } else if (h.lsn > chosen.lsn) {
        try {
          await stores[h.index].clear();
        } catch (error) {
          loaded.engine.close();
          throw new PocketDynamoError(`Cannot open database "${name}": replica #${h.index} holds LSN ${h.lsn}, ` +
              `which cannot be read (${failures.join('; ')}), and it cannot be cleared either ` +
              `(${error?.message ?? error}); nothing was changed`);
        }
        discarded.push({ index: h.index, lsn: h.lsn });
        states.push({ head: 0, pageCount: 1, pageSize: chosen.pageSize,
          reason: `its state at LSN ${h.lsn} could not be read and was discarded` });
      } else {
        states.push({ head: h.lsn, pageCount: h.pageCount, pageSize: h.pageSize });
      }
    }
    return {
      engine: loaded.engine, fresh: false, source: chosen.index, lsn: chosen.lsn, states,
      replaced: loaded.replaced, discarded, heads, skipped: failures, dataLoss: null,
    };
  }
  throw new PocketDynamoError(`Cannot open database "${name}": no replica gives a consistent state ` +
      `(${failures.join('; ')}; ${heads.filter((h) => h.lsn === undefined).map(describeHead).join('; ') || 'no other replica'})`);
}

// All three replicas are empty: did the database hold data? The marker (marker.js, kept
// outside IndexedDB) says it did, or a store reports the browser discarded its data.
// { marked, lastLsn, markedAt, dataLoss, dataLossMessage } or null.
async function lossEvidence(stores, marker) {
  const mark = (await marker?.read()) ?? null;
  const reported = stores.map((s) => s.dataLoss ?? null).find((d) => d) ?? null;
  if (!mark && !reported) return null;
  return {
    where: marker?.where ?? 'a marker', marked: mark !== null, lastLsn: mark?.lsn ?? null, markedAt: mark?.at || null,
    dataLoss: reported?.kind ?? null, dataLossMessage: reported?.message || null,
  };
}

function publicLoss(lost) {
  const { lastLsn, markedAt, dataLoss, dataLossMessage } = lost;
  return { lastLsn, markedAt, dataLoss, dataLossMessage };
}

function dataLossError(name, lost) {
  const said = lost.dataLoss
    ? `the browser reported dataLoss '${lost.dataLoss}'${lost.dataLossMessage ? ` ("${lost.dataLossMessage}")` : ''}`
    : `the browser did not say so to this page, but pocketdynamo's marker (${lost.where}, ` +
      'kept outside IndexedDB) records that the database held data' +
      `${lost.markedAt ? ` (written ${lost.markedAt})` : ''}`;
  const last = lost.lastLsn ? `it had reached at least LSN ${lost.lastLsn}` : 'its last LSN is not known';
  return new DataLossError(`Cannot open database "${name}": the browser discarded this origin's IndexedDB ` +
      `storage: all three replicas are empty although the database held data (${said}; ${last}). ` +
      'The three replicas were lost together because they share the origin\'s one IndexedDB store. ' +
      'No database was created and nothing was changed. To proceed: restore from an export or backup copy ' +
      `kept outside the browser, or open("${name}", { acceptDataLoss: true }) to start with an empty database ` +
      '(this clears the marker).', { database: name, ...publicLoss(lost) });
}

function describeHead(h) {
  if (h.empty) return `replica #${h.index}: empty`;
  if (h.lsn !== undefined) return `replica #${h.index}: LSN ${h.lsn}`;
  return `replica #${h.index}: ${h.reason}`;
}

// { index, lsn, pageCount, pageSize } for a valid head, { index, empty: true },
// or { index, reason } when the head is invalid or the store unreadable.
async function readHead(store, index, tools) {
  try {
    await store.open?.();
    const head = await store.readHead();
    if (head === null) return { index, empty: true };
    if (!head.meta) return { index, reason: 'it holds pages but no head' };
    const checked = tools.readMetaHead(head.meta);
    if (checked.error !== undefined) return { index, reason: `invalid head: ${checked.error}` };
    return { index, lsn: checked.lsn, pageCount: checked.pageCount, pageSize: checked.pageSize };
  } catch (error) {
    return { index, reason: `unreadable: ${error?.message ?? error}` };
  }
}

// Loads the chosen replica's pages, replacing bad ones from peers, and opens
// the core. Resolves to { engine, replaced }; rejects with why not.
async function loadFrom(chosen, stores, heads, tools, openEngine) {
  const { index, lsn, pageCount, pageSize } = chosen;
  const pages = await stores[index].readPages();
  const images = new Array(pageCount);
  const replaced = [];
  const peerPages = new Map();   // peer index -> Map id -> image (read lazily, once)
  const replace = async (id, bad, problem) => {
    const fix = await replacement(id, bad, chosen, stores, heads, tools, peerPages);
    if (fix === null) throw new Error(`page ${id}: ${problem}; no other replica holds the same page`);
    images[id] = fix;
    if (!replaced.includes(id)) replaced.push(id);
  };
  for (let id = 0; id < pageCount; id++) images[id] = pages.get(id);
  // The common case, every page sound, costs one pass: the core's open checks each page as
  // verifyPageImage does (and more: free list, catalog). Only when it fails are the pages
  // checked one by one, so that every bad one is found and replaced in one go.
  let checkedOneByOne = false;
  const checkOneByOne = async () => {
    checkedOneByOne = true;
    for (let id = 0; id < pageCount; id++) {
      const image = pages.get(id);
      const problem = image === undefined ? 'missing' : tools.verifyPageImage(id, image, pageSize, lsn);
      if (problem !== '') await replace(id, image, problem);
    }
  };
  if (images.includes(undefined)) await checkOneByOne();
  for (let attempt = 0; ; attempt++) {
    const all = new Uint8Array(pageCount * pageSize);
    for (let id = 0; id < pageCount; id++) all.set(images[id], id * pageSize);
    let engine;
    try {
      engine = await openEngine({ pageSize, pages: all });
    } catch (error) {
      if (!checkedOneByOne) {
        await checkOneByOne();
        if (replaced.length > 0) continue;
      }
      // A problem single pages do not show (free list, catalog): replace the page the core names.
      const named = /Corruption: page (\d+):/.exec(String(error?.message));
      const id = named ? Number(named[1]) : -1;
      if (id < 0 || id >= pageCount || replaced.includes(id) || attempt >= 16) throw error;
      await replace(id, images[id], String(error.message));
      continue;
    }
    if (replaced.length > 0) {
      const problem = engine.check();
      if (problem !== '') {
        engine.close();
        throw new Error(`after taking page(s) ${replaced.join(', ')} from other replicas: ${problem}`);
      }
    }
    return { engine, replaced };
  }
}

// A sound copy of page `id` from another replica that is provably the page
// the chosen replica should hold (see the header), or null.
async function replacement(id, bad, chosen, stores, heads, tools, peerPages) {
  const badHeader = bad ? pageHeader(bad) : null;
  const peers = heads.filter((h) => h.index !== chosen.index && !h.empty)
    .sort((a, b) => Number(b.lsn === chosen.lsn) - Number(a.lsn === chosen.lsn));
  for (const peer of peers) {
    if (peer.lsn !== undefined && peer.pageSize !== chosen.pageSize) continue;
    let pages = peerPages.get(peer.index);
    if (pages === undefined) {
      try {
        pages = await stores[peer.index].readPages();
      } catch {
        pages = new Map();
      }
      peerPages.set(peer.index, pages);
    }
    const image = pages.get(id);
    if (image === undefined) continue;
    const maxLsn = peer.lsn === undefined ? chosen.lsn : Math.min(peer.lsn, chosen.lsn);
    if (tools.verifyPageImage(id, image, chosen.pageSize, maxLsn) !== '') continue;
    if (peer.lsn === chosen.lsn) return image;
    const header = pageHeader(image);
    if (badHeader && badHeader.id === id && badHeader.lsn === header.lsn && badHeader.crc === header.crc) return image;
  }
  return null;
}
