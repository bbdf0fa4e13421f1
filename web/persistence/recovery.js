// Recovery: opens a database from its three replicas (docs/design.md,
// "Open"). Each replica holds a checkpoint (head + pages) and a log of
// commit records after it (page-store.js, layout version 2).
//
//   1. Read the three heads; drop any that fails the core's meta page check
//      (readMetaHead: magic, version, fields, CRC). A replica written by a
//      newer pocketdynamo (StoreError 'format') fails the open at once, with
//      nothing changed.
//   2. Read the three logs; each record is checked (readRecordHeader: magic,
//      version, length, CRC, LSNs, page directory) and a log ends at its first
//      bad or missing record. Records are the same bytes on every replica
//      (one history), so a record damaged or missing in one log is taken from
//      another.
//   3. Candidates: by the highest LSN their checkpoint + the records reach,
//      then the newest checkpoint. For the first: read its checkpoint pages
//      and open the core from them with the records redone (openEngine):
//      the core checks every page (size, CRC, id, type, LSN <= the
//      checkpoint's), the free list and the catalog, and every record as it
//      redoes it. If a page is bad or missing, check the pages one by one
//      (verifyPageImage) to find every bad one; each is taken from another
//      replica whose copy is provably the same page (below), and the core
//      opens again (a page it still names as corrupt is replaced likewise).
//      If that fails, fall back to the next candidate.
//   4. When any page came from another replica, run the full integrity
//      check too. The first candidate that passes is the database.
//   With a core that has a page cache (openLazy), step 3 reads only the
//   chosen replica's meta page and hands the core the records since the
//   oldest checkpoint of the replicas kept (so any of them may serve pages,
//   an older checkpoint's brought forward by the records); every other
//   page is read, checked and (if bad) taken from another replica when the
//   core first needs it (page-fetcher.js), so open costs the heads and logs.
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
//   Wrong data is never returned silently: every page and record is verified,
//   and a replacement page must be the very image that was damaged.
//
// When is another replica's copy of page p "the same page"? Replica state is
// one linear history (replica-set.js): a replica whose checkpoint has the
// same LSN as the chosen one holds the same checkpoint, so its page p (if
// sound) is right. A replica with another checkpoint may hold an older or
// newer version of p; its copy is taken only if the damaged image's header is
// still readable and names the same id, the same page LSN and the same CRC as
// the copy (a CRC32C over the whole page: that is the image that was there).
//
// The result tells the replica set what each replica holds (`states`):
//   at <= the opened LSN   end = its own sound log's end, ckptLsn = its checkpoint (it catches up
//                          from the records it lacks)
//   others beyond it       their state could not be opened; they are CLEARED now, so that no
//                          replica keeps a state the history continues without (in discarded)
//   empty                  end 0, no checkpoint: the next commit gives it a base and its records
//   invalid/unreadable     end null (rebuilt)
// and `records`, every sound record after the oldest checkpoint up to the
// opened LSN (the replica set's catch-up ring, the checkpointer's page log).
// Replicas other than the source are scanned for damage afterwards (replica-set.js scan).

import { DataLossError, PocketDynamoError } from '../errors.js';
import { StoreError, pageHeader } from './page-store.js';

/**
 * stores: PageStore[3]; tools: { verifyPageImage, readMetaHead, readRecordHeader }, or a promise
 * of them (the stores connect and read their heads while it resolves);
 * openEngine({ pageSize, pages }, records) -> Promise<engine> (the checkpoint images
 * with the records [{ lsn, record }] redone; rejects with the core's Status text in
 * the message); createEngine() -> Promise<engine> for a new database; openLazy({ meta, pageSize, pages },
 * records) -> Promise<engine> (a core with a page cache: opened from the chosen checkpoint's meta
 * page and the records alone, no page read; pages are checked when they fault in; `pages`, a Map
 * id -> image, holds that checkpoint's root pages when the store read them with its head, unchecked,
 * to install); marker: marker.js's { read, write, clear } or null; acceptDataLoss: start empty even
 * then; onHeads(): called once the heads (and, where a store reads them together, the logs) are read.
 * Resolves to { engine, fresh, source, lsn, states, records, replaced, discarded, heads, dataLoss, lazyBase }
 * (lazyBase: after a lazy open, the LSN after which the core was given every record: the oldest kept
 * checkpoint unless a record after it is missing from every log).
 */
export async function recover(stores, tools, { name, openEngine, createEngine, openLazy = null, marker = null,
  acceptDataLoss = false, onHeads = null }) {
  // tools may still be loading (a promise: the wasm module compiles while the stores connect).
  const heads = await Promise.all(stores.map((store, index) => readHead(store, index, tools)));
  onHeads?.();
  tools = await tools;
  const newer = heads.find((h) => h.format);
  if (newer) {
    throw new PocketDynamoError(`Cannot open database "${name}": replica #${newer.index}: ${newer.reason}`);
  }
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
        engine, fresh: true, source: null, lsn: 0, replaced: [], discarded: [], heads, records: [],
        states: heads.map(() => ({ end: 0, ckptLsn: 0, pageCount: 1, pageSize: engine.pageSize })),
        dataLoss: lost ? publicLoss(lost) : null,
      };
    }
    throw new PocketDynamoError(`Cannot open database "${name}": no replica holds a valid head, and ` +
        `some hold data that cannot be read (${heads.map(describeHead).join('; ')})`);
  }
  // The logs: each replica's sound records, and all of them by LSN (the same bytes on every replica).
  const byLsn = new Map();
  const logs = await Promise.allSettled(valid.map((h) => h.log ?? stores[h.index].readLog(h.ckptLsn)));
  for (const [i, h] of valid.entries()) {
    if (logs[i].status === 'rejected') {
      const error = logs[i].reason;
      throw new PocketDynamoError(`Cannot open database "${name}": replica #${h.index} ` +
          `cannot be read now (${error?.message ?? error}); nothing was changed, try again`, { cause: error });
    }
    const log = logs[i].value;
    let end = h.ckptLsn;
    for (const entry of log) {
      const checked = tools.readRecordHeader(entry.record);
      if (checked.error !== undefined || checked.lsn !== entry.lsn || checked.prevLsn !== end ||
          checked.pageSize !== h.pageSize) {
        h.logProblem = `record ${entry.lsn}: ${checked.error ?? 'does not follow its log'}`;
        break;
      }
      if (!byLsn.has(entry.lsn)) byLsn.set(entry.lsn, { lsn: entry.lsn, prevLsn: entry.prevLsn, record: entry.record, pageIds: checked.pageIds });
      end = entry.lsn;
      h.endPageCount = checked.pageCount;
    }
    h.end = end;
    delete h.log;   // byLsn holds what is kept
  }
  for (const h of valid) {
    let reach = h.ckptLsn;
    while (byLsn.has(reach + 1)) reach++;
    h.reach = reach;
  }
  const candidates = [...valid].sort((a, b) => b.reach - a.reach || b.ckptLsn - a.ckptLsn || a.index - b.index);
  const failures = [];
  for (const chosen of candidates) {
    const records = [];
    for (let lsn = chosen.ckptLsn + 1; lsn <= chosen.reach; lsn++) records.push(byLsn.get(lsn));
    let loaded;
    try {
      loaded = openLazy !== null
        ? await lazyFrom(chosen, lazyOldest(chosen, heads), byLsn, openLazy)
        : await loadFrom(chosen, stores, heads, tools, (snapshot) => openEngine(snapshot, records));
    } catch (error) {
      if (error instanceof StoreError) {
        // Unreadable is not damaged: falling back would discard what it holds. Change nothing.
        throw new PocketDynamoError(`Cannot open database "${name}": replica #${chosen.index} (LSN ${chosen.reach}) ` +
            `cannot be read now (${error.message}); nothing was changed, try again`, { cause: error });
      }
      failures.push(`replica #${chosen.index} at LSN ${chosen.reach}: ${error?.message ?? error}`);
      continue;
    }
    const lsn = chosen.reach;
    const discarded = [];
    const states = [];
    for (const h of heads) {
      if (h.empty) {
        states.push({ end: 0, ckptLsn: 0, pageCount: 1, pageSize: chosen.pageSize });
      } else if (h.lsn === undefined) {
        states.push({ end: null, reason: h.reason });
      } else if (h.pageSize !== chosen.pageSize) {
        states.push({ end: null, reason: `page size ${h.pageSize} differs from the database's ${chosen.pageSize}` });
      } else if (h.end > lsn || h.ckptLsn > lsn) {
        try {
          await stores[h.index].clear();
        } catch (error) {
          loaded.engine.close();
          throw new PocketDynamoError(`Cannot open database "${name}": replica #${h.index} holds LSN ${h.end}, ` +
              `which cannot be read (${failures.join('; ')}), and it cannot be cleared either ` +
              `(${error?.message ?? error}); nothing was changed`);
        }
        discarded.push({ index: h.index, lsn: h.end });
        states.push({ end: null, reason: `its state at LSN ${h.end} could not be read and was discarded` });
      } else if (h.index === chosen.index && loaded.replaced.length > 0) {
        states.push({ end: null, reason: `page(s) ${loaded.replaced.join(', ')} were damaged and taken from other replicas` });
      } else {
        states.push({ end: h.end, ckptLsn: h.ckptLsn, pageCount: h.endPageCount ?? h.pageCount, pageSize: h.pageSize,
          reason: h.logProblem ?? '' });
      }
    }
    const oldest = Math.min(...states.filter((st) => st.end !== null && st.end !== undefined && st.ckptLsn !== undefined)
      .map((st) => st.ckptLsn), chosen.ckptLsn);
    const kept = [...byLsn.values()].filter((e) => e.lsn > oldest && e.lsn <= lsn).sort((x, y) => x.lsn - y.lsn);
    return {
      engine: loaded.engine, fresh: false, source: chosen.index, lsn, states, records: kept, lazyBase: loaded.lazyBase,
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

// { index, lsn, ckptLsn, pageCount, pageSize } for a valid head (lsn: the
// checkpoint's LSN), { index, empty: true }, { index, reason, format: true }
// for a newer layout, or { index, reason } when the head is invalid or the
// store unreadable.
async function readHead(store, index, tools) {
  try {
    await store.open?.();
    // One read for the head and the log where the store offers it (IndexedDB: one transaction).
    const start = store.readStart ? await store.readStart() : null;
    const head = start ? start.head : await store.readHead();
    if (head === null) return { index, empty: true };
    if (!head.meta) return { index, reason: 'it holds pages or records but no head' };
    const checked = (await tools).readMetaHead(head.meta);
    if (checked.error !== undefined) return { index, reason: `invalid head: ${checked.error}` };
    return { index, lsn: checked.lsn, ckptLsn: checked.lsn, pageCount: checked.pageCount, pageSize: checked.pageSize,
      meta: head.meta, log: start && head.ckptLsn === checked.lsn ? start.log : null, roots: start?.roots ?? null };
  } catch (error) {
    if (error instanceof StoreError && error.kind === 'format') return { index, reason: error.message, format: true };
    return { index, reason: `unreadable: ${error?.message ?? error}` };
  }
}

// A lazy open (a core with a page cache): the chosen replica's meta page (its
// head, as read), the records after the oldest checkpoint of the replicas kept
// with it (`oldest`, lazyOldest) up to its reach, and the root pages the store
// read with its head (if it did), nothing else. The core applies the records
// after the meta page to it and keeps them all: a page that faults in later
// (page-fetcher.js), checked then, may come from any replica whose checkpoint
// is at or after lazyBase, an older checkpoint's image brought forward by the
// records after its LSN. lazyBase is `oldest`, or later when a record after it
// is missing from every log (the core is given an unbroken run of records
// ending at the chosen reach; the chosen replica's own log is always in it).
async function lazyFrom(chosen, oldest, byLsn, openLazy) {
  let base = chosen.ckptLsn;
  while (base > oldest && byLsn.has(base)) base--;
  const records = [];
  for (let lsn = base + 1; lsn <= chosen.reach; lsn++) records.push(byLsn.get(lsn));
  // The head read first is the checkpoint's meta page (page 0): nothing wrote since.
  const engine = await openLazy({ meta: chosen.meta, pageSize: chosen.pageSize, pages: chosen.roots ?? new Map() },
    records);
  return { engine, replaced: [], lazyBase: base };
}

// The oldest checkpoint among the replicas that keep their state when `chosen`
// is opened (as recover() computes `states`: a valid head of the same page
// size, nothing beyond the chosen reach), and the chosen one's.
function lazyOldest(chosen, heads) {
  let oldest = chosen.ckptLsn;
  for (const h of heads) {
    if (h.lsn === undefined || h.pageSize !== chosen.pageSize || h.end > chosen.reach || h.ckptLsn > chosen.reach) continue;
    oldest = Math.min(oldest, h.ckptLsn);
  }
  return oldest;
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
