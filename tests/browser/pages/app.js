// The page side of the browser persistence tests: the built package
// (served at /dist/) plus helpers the tests call through page.evaluate(),
// e.g. await page.evaluate(() => app.open('shop')). Every helper returns
// plain data. index.html loads this module and sets window.app.

import { open } from '/dist/index.js';

export const TABLE = 'Items';
let db = null;              // the database this page opened last
const events = [];          // replica events seen by this page
let checkpoints = 0;        // checkpoint events seen by this page

/**
 * Opens `name` (options as open()) as this page's database. Resolves to its description.
 * page.pauseRepair: background repair paused from the moment open() resolves (resumeRepair()).
 */
export async function openDb(name, options = {}, { pauseRepair = false } = {}) {
  db = await open(name, options);
  if (pauseRepair) db.pauseRepair(true);
  db.on('replica', (r) => events.push(r));
  db.on('checkpoint', () => { checkpoints++; });
  const tables = (await db.send('ListTables', {})).TableNames;
  if (!tables.includes(TABLE) && db.role === 'owner') {
    await db.send('CreateTable', {
      TableName: TABLE,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }).catch((error) => { if (error.name !== 'ResourceInUseException') throw error; });
  }
  return describe();
}

/** Opens `name` and reports the error instead of throwing: { error } or the description. */
export async function tryOpen(name, options = {}, page = {}) {
  try {
    return await openDb(name, options, page);
  } catch (error) {
    return { error: { name: error.name, message: error.message } };
  }
}

export async function describe() {
  return {
    name: db.name, storage: db.storage, persistent: db.persistent, persisted: db.persisted, role: db.role,
    recovery: db.recovery, replicas: await db.replicas(),
  };
}

export function database() { return db; }

export function replicaEvents() { return events.slice(); }
export function resumeRepair() { db.pauseRepair(false); }

/**
 * What the database is doing now: db.stats().inFlight (replica writes under way per kind: commits,
 * catchUps, checkpointPages, headFlips, rebuilds, rebuildReads, truncations), plus checkpointing
 * and the checkpoints this page saw. null before a database is open.
 */
export function inFlight() {
  const stats = db?.stats();
  return stats ? { ...stats.inFlight, checkpointing: stats.checkpointing, checkpoints } : null;
}

/**
 * Resolves as soon as inFlight()[kind] > 0 once `minMs` have passed, or after `ms`: { hit,
 * waitedMs, ...inFlight() }. It looks between every two tasks of the page (a MessageChannel
 * loop), so a replica write is seen in the task that issued it.
 */
export function waitInFlight(kind, ms, minMs = 0) {
  const start = performance.now();
  const channel = new MessageChannel();
  return new Promise((resolve) => {
    channel.port1.onmessage = () => {
      const now = inFlight();
      const waited = performance.now() - start;
      if ((now?.[kind] > 0 && waited >= minMs) || waited >= ms) {
        channel.port1.close();
        resolve({ hit: now?.[kind] > 0, waitedMs: Math.round(waited), ...now });
      } else {
        channel.port2.postMessage(null);
      }
    };
    channel.port2.postMessage(null);
  });
}

/** The value every test item with key `key` must hold. */
export function valueOf(key) {
  return `value of ${key}: ${'abcdefghij'.repeat(20)}`;
}

export function put(key, extra = {}) {
  return db.send('PutItem', { TableName: TABLE, Item: { pk: { S: key }, v: { S: valueOf(key) }, ...extra } });
}

/** Puts keys `${prefix}${i}` for i in [from, to), concurrently; resolves when all are durable. */
export async function putMany(prefix, from, to) {
  const keys = Array.from({ length: to - from }, (_, j) => `${prefix}${String(from + j).padStart(6, '0')}`);
  await Promise.all(keys.map((key) => put(key)));
  return keys.length;
}

/** Puts keys `${prefix}${i}` for i in [from, to), each awaited before the next: { puts, appendsDeferred }. */
export async function putEach(prefix, from, to) {
  for (let i = from; i < to; i++) await put(`${prefix}${String(i).padStart(6, '0')}`);
  return { puts: to - from, appendsDeferred: db.stats().appendsDeferred };
}

/** Every item: { keys (sorted), wrong: keys whose value is not valueOf(key) (the item 'counter' aside) }. */
export async function readAll() {
  const keys = [];
  const wrong = [];
  let start;
  do {
    const page = await db.send('Scan', { TableName: TABLE, ExclusiveStartKey: start });
    for (const item of page.Items) {
      keys.push(item.pk.S);
      if (item.pk.S !== 'counter' && item.v?.S !== valueOf(item.pk.S)) wrong.push(item.pk.S);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  keys.sort();
  return { keys, wrong };
}

export async function count() {
  let n = 0;
  let start;
  do {
    const page = await db.send('Scan', { TableName: TABLE, Select: 'COUNT', ExclusiveStartKey: start });
    n += page.Count;
    start = page.LastEvaluatedKey;
  } while (start);
  return n;
}

// `size` bytes of random binary (nothing the browser's storage can compress).
function randomBytes(size) {
  const bytes = new Uint8Array(size);
  for (let at = 0; at < size; at += 65536) crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)));
  return bytes;
}

/** Puts items of `size` random bytes ('big-<n>') one by one until one rejects: { stored, error }. */
export async function fillUntilRejected(size, limit = 10_000) {
  for (let i = 0; i < limit; i++) {
    try {
      await db.send('PutItem', { TableName: TABLE, Item: { pk: { S: `big-${String(i).padStart(5, '0')}` }, blob: { B: randomBytes(size) } } });
    } catch (error) {
      return { stored: i, error: { name: error.name, message: error.message, quotaExceeded: error.quotaExceeded, reason: error.reason } };
    }
  }
  return { stored: limit, error: null };
}

/** Keys of the 'big-<n>' items, in order. */
export async function bigKeys() {
  const keys = [];
  let start;
  do {
    const page = await db.send('Scan', { TableName: TABLE, ExclusiveStartKey: start, ProjectionExpression: 'pk' });
    for (const item of page.Items) if (item.pk.S.startsWith('big-')) keys.push(item.pk.S);
    start = page.LastEvaluatedKey;
  } while (start);
  return keys.sort();
}

export function check() { return db.check(); }
export function close() { return db.close(); }
export function whenHealthy(ms = 20_000) { return db.whenHealthy(ms); }
export function verifyReplicas() { return db.verifyReplicas(); }

const acks = [];            // keys streamWrites saw acknowledged, not yet taken (takeAcks)

/**
 * Streams un-awaited PutItems of keys `${prefix}<n>` forever (until the page
 * dies): a burst of `burst` writes every `everyMs` ms. Each acknowledged key
 * is passed to window.reportAck (a function the test exposed) as it resolves,
 * and kept for takeAcks() (a browser may deliver those calls late or, when it
 * is killed, never).
 */
export function streamWrites(prefix, { burst = 25, everyMs = 4 } = {}) {
  let n = 0;
  const tick = () => {
    for (let i = 0; i < burst; i++) {
      const key = `${prefix}${String(n++).padStart(7, '0')}`;
      put(key).then(() => {
        acks.push(key);
        window.reportAck(key);
      }, () => {});
    }
    setTimeout(tick, everyMs);
  };
  tick();
}

/** The keys streamWrites saw acknowledged since the last call. */
export function takeAcks() { return acks.splice(0); }

// --- raw IndexedDB: damage a replica behind the database's back ---

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Deletes the IndexedDB database `name` (e.g. 'shop#1'). */
export async function deleteIdb(name) {
  await new Promise((resolve, reject) => {
    const r = indexedDB.deleteDatabase(name);
    r.onsuccess = () => resolve();
    r.onerror = () => reject(r.error);
    r.onblocked = () => {};   // the open database closes its connection and the delete proceeds
  });
}

/**
 * Whether IndexedDB database `name` exists: { exists, dataLoss } (creates nothing). dataLoss:
 * Chromium's one-time report that it found the origin's store corrupt and deleted it, given to
 * the first open on the origin after it (this one, if it was), as "kind: message", else null.
 */
export async function idbPresence(name) {
  const r = indexedDB.open(name);
  let exists = true;
  let dataLoss = null;
  r.onupgradeneeded = (event) => {
    exists = false;
    if (event.dataLoss && event.dataLoss !== 'none') dataLoss = `${event.dataLoss}: ${event.dataLossMessage}`;
    r.transaction.abort();
  };
  try {
    (await request(r)).close();
  } catch (error) {
    if (exists) throw error;
  }
  return { exists, dataLoss };
}

/** Names of the IndexedDB databases of this origin. */
export async function idbNames() {
  return (await indexedDB.databases()).map((d) => d.name).sort();
}

async function rawOpen(name) {
  const r = indexedDB.open(name);
  let absent = false;
  r.onupgradeneeded = () => {   // it did not exist: create nothing, and say so below
    absent = true;
    r.transaction.abort();
  };
  try {
    return await request(r);
  } catch (error) {
    if (absent) throw new Error(`IndexedDB database "${name}" does not exist`, { cause: error });
    throw error;
  }
}

/**
 * Overwrites `bytes` random bytes in each of `pages` random pages (page ids
 * from the 'pages' store, not the head) of IndexedDB database `name`;
 * `head: true` damages the head instead. Resolves to the page ids damaged.
 */
export async function corruptIdb(name, { pages = 3, bytes = 40, head = false, seed = 1, ids = null } = {}) {
  const idb = await rawOpen(name);
  try {
    let x = seed;
    const random = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x;
    };
    const tx = idb.transaction(['ckpt', 'meta'], 'readwrite');
    const done = new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onabort = () => reject(tx.error);
    });
    const damage = (image) => {
      const copy = image.slice();
      for (let i = 0; i < bytes; i++) copy[24 + (random() % (copy.length - 24))] ^= 0xa5;
      return copy;
    };
    const damaged = [];
    const meta = tx.objectStore('meta');
    const headImage = await request(meta.get('head'));
    if (head) {
      meta.put(damage(headImage), 'head');
      damaged.push(0);
    } else {
      // Layout 2: checkpoint page versions keyed [id, lsn]; damage each chosen page's current one.
      const v = new DataView(headImage.buffer, headImage.byteOffset, headImage.byteLength);
      const ckptLsn = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
      const store = tx.objectStore('ckpt');
      const keys = await request(store.getAllKeys());
      const current = new Map();
      for (const [id, lsn] of keys) if (lsn <= ckptLsn) current.set(id, lsn);
      const pageIds = [...current.keys()];
      const chosen = ids ?? Array.from({ length: pages }, () => pageIds[random() % pageIds.length]);
      for (const id of new Set(chosen)) {
        if (!current.has(id)) continue;
        const key = [id, current.get(id)];
        const image = await request(store.get(key));
        store.put(damage(image), key);
        damaged.push(id);
      }
    }
    await done;
    return damaged;
  } finally {
    idb.close();
  }
}

/** LSN in the head of IndexedDB database `name`, or null when it has none. */
export async function idbHeadLsn(name) {
  const idb = await rawOpen(name);
  try {
    const tx = idb.transaction(['meta', 'log']);
    const image = await request(tx.objectStore('meta').get('head'));
    if (!image) return null;
    const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
    const ckptLsn = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
    // Layout 2: the replica's LSN is the end of its log (its checkpoint's when the log is empty).
    const last = await request(tx.objectStore('log').openKeyCursor(null, 'prev'));
    return last && last.key[0] > ckptLsn ? last.key[0] : ckptLsn;
  } catch {
    return null;
  } finally {
    idb.close();
  }
}

/**
 * What the replicas of `name` hold right now, read with raw IndexedDB (no
 * database is created): [{ name, absent?, lsn (log end), ckptLsn, pageCount (checkpoint's),
 * pages (page versions held), records (log chunks held), dataLoss? }]
 * plus the origin's database names. For diagnostics (crash.test.js).
 */
export async function rawState(name) {
  const replicas = [];
  for (let i = 0; i < 3; i++) {
    const idbName = `${name}#${i}`;
    const out = { name: idbName };
    const r = indexedDB.open(idbName);
    r.onupgradeneeded = (event) => {
      out.absent = true;
      if (event.dataLoss && event.dataLoss !== 'none') out.dataLoss = `${event.dataLoss}: ${event.dataLossMessage}`;
      r.transaction.abort();
    };
    let idb = null;
    try {
      idb = await request(r);
    } catch (error) {
      if (!out.absent) out.error = `${error?.name}: ${error?.message}`;
      replicas.push(out);
      continue;
    }
    try {
      const tx = idb.transaction(['meta', 'ckpt', 'log'], 'readonly');
      const image = await request(tx.objectStore('meta').get('head'));
      out.pages = await request(tx.objectStore('ckpt').count());
      out.records = await request(tx.objectStore('log').count());
      const last = await request(tx.objectStore('log').openKeyCursor(null, 'prev'));
      if (image) {
        const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
        out.ckptLsn = v.getUint32(8, true) + v.getUint32(12, true) * 2 ** 32;
        out.lsn = last && last.key[0] > out.ckptLsn ? last.key[0] : out.ckptLsn;
        out.pageCount = v.getUint32(40, true);
      } else {
        out.lsn = null;
      }
    } catch (error) {
      out.error = `${error?.name}: ${error?.message}`;
    } finally {
      idb.close();
    }
    replicas.push(out);
  }
  const names = (await indexedDB.databases()).map((d) => `${d.name}@${d.version}`).sort();
  return { names, replicas };
}
