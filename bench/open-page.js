// The page side of bench/open-bench.mjs: a database of N items written once
// (pocketdynamo: three IndexedDB replicas; raw IndexedDB: one database, one
// object store), then opened in a fresh page and read cold and warm, timed
// with performance.now(). Every function resolves to plain numbers
// (milliseconds unless named otherwise).
//
// Items: partition key pk = 'g' + (i / 100 | 0) (100 items per partition, so
// a Query of one partition returns 100 items), sort key sk = i % 100, ~250
// bytes each as DynamoDB counts them.

const { open } = await import('/dist/index.js');

const TABLE = 'Bench';
const BODY = 'b'.repeat(200);
const PER_PARTITION = 100;

const pk = (i) => `g${String(Math.floor(i / PER_PARTITION)).padStart(7, '0')}`;
const item = (i) => ({ pk: { S: pk(i) }, sk: { N: String(i % PER_PARTITION) }, body: { S: BODY }, n: { N: String(i) } });
const rawItem = (i) => ({ pk: pk(i), sk: i % PER_PARTITION, body: BODY, n: i });

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), n: sorted.length };
}

// A deterministic pseudo-random sequence (the same keys in both engines).
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function request(r) {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onabort = () => reject(tx.error);
  });
}

/** The IndexedDB database names of this origin. */
export async function databases() {
  return (await indexedDB.databases()).map((d) => d.name);
}

/** Deletes the IndexedDB databases named `names` (a generation cut short leaves them half written). */
export async function deleteDatabases(names) {
  for (const name of names) {
    await new Promise((resolve) => {
      const r = indexedDB.deleteDatabase(name);
      r.onsuccess = resolve;
      r.onerror = resolve;
      r.onblocked = resolve;
    });
  }
  return true;
}

/** navigator.storage.estimate().usage, bytes. */
export async function usage() {
  return (await navigator.storage.estimate()).usage;
}

// ------------------------------------------------------------ pocketdynamo

/** Writes database `name` with n items (chunks of 5,000 un-awaited PutItems) and closes it: { ms, commits }. */
export async function pdGenerate(name, n) {
  const t = performance.now();
  const db = await open(name);
  await db.send('CreateTable', {
    TableName: TABLE,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (let from = 0; from < n; from += 5000) {
    const all = [];
    for (let i = from; i < Math.min(n, from + 5000); i++) all.push(db.send('PutItem', { TableName: TABLE, Item: item(i) }));
    await Promise.all(all);
  }
  await db.whenHealthy(600_000);
  const { commits } = db.stats();
  await db.close();
  return { ms: performance.now() - t, commits };
}

/**
 * Opens database `name` (options: open()'s, e.g. { cacheBytes: 0 } for the eager open) in this
 * page and reads: { openMs (open resolved), firstReadMs (open + one GetItem), cold: { get, query }
 * (`gets` GetItems, then `queries` 100-item Queries of random keys, each awaited, right after open),
 * warm: the same again, lazy, cache (db.stats().cache), found }.
 */
export async function pdOpenRead(name, n, options = {}, { gets = 200, queries = 50, seed = 7 } = {}) {
  const t = performance.now();
  const db = await open(name, options);
  const openMs = performance.now() - t;
  const next = rng(seed);
  const first = await db.send('GetItem', { TableName: TABLE, Key: { pk: { S: pk(0) }, sk: { N: '0' } } });
  const firstReadMs = performance.now() - t;
  const getKeys = Array.from({ length: gets }, () => Math.floor(next() * n));
  const queryKeys = Array.from({ length: queries }, () => Math.floor(next() * (n / PER_PARTITION)) * PER_PARTITION);
  let found = first.Item !== undefined;
  const round = async () => {
    const get = [];
    for (const i of getKeys) {
      const s = performance.now();
      const r = await db.send('GetItem', { TableName: TABLE, Key: { pk: { S: pk(i) }, sk: { N: String(i % PER_PARTITION) } } });
      get.push(performance.now() - s);
      found &&= r.Item?.n?.N === String(i);
    }
    const query = [];
    for (const i of queryKeys) {
      const s = performance.now();
      const r = await db.send('Query', { TableName: TABLE, KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': { S: pk(i) } } });
      query.push(performance.now() - s);
      found &&= r.Count === Math.min(PER_PARTITION, n - i);
    }
    return { get: summary(get), query: summary(query) };
  };
  const cold = await round();
  const warm = await round();
  const stats = db.stats();
  const lazy = db.recovery.lazy;
  await db.close();
  return { openMs, firstReadMs, cold, warm, lazy, cache: stats.cache ?? null, found };
}

/**
 * What the design of open costs before pocketdynamo does anything, on database `name`'s replicas:
 * the wasm module loaded (fetched, compiled, instantiated, as open() does) while the three
 * replica databases open and each reads its head and log (one transaction each), then three page
 * reads one after another (a cold GetItem's faults after open: table root, interior page, leaf).
 * No page is checked and no wasm function runs. { openMs, firstReadMs, found }.
 */
export async function floorOpenRead(name) {
  const { loadModule } = await import('/dist/core/module.js');
  const t = performance.now();
  const [, dbs] = await Promise.all([loadModule(), Promise.all([0, 1, 2].map(async (i) => {
    const db = await request(indexedDB.open(`${name}#${i}`));
    const tx = db.transaction(['meta', 'log'], 'readonly');
    const head = await request(tx.objectStore('meta').get('head'));
    // The log after the head's checkpoint (the head's LSN: u64 LE at offset 8), as open reads it.
    const ckpt = Number(new DataView(head.buffer, head.byteOffset + 8, 8).getBigUint64(0, true));
    await request(tx.objectStore('log').getAll(IDBKeyRange.lowerBound([ckpt + 1])));
    return db;
  }))]);
  const openMs = performance.now() - t;
  let found = true;
  for (let id = 1; id <= 3; id++) {
    const image = await request(dbs[0].transaction('ckpt').objectStore('ckpt').get(IDBKeyRange.lowerBound([id, 0])));
    found &&= image instanceof Uint8Array;
  }
  const firstReadMs = performance.now() - t;
  for (const db of dbs) db.close();
  return { openMs, firstReadMs, found };
}

// ------------------------------------------------------------- raw IndexedDB

/** Writes raw database `name` with n items (transactions of 1,000, strict): { ms }. */
export async function rawGenerate(name, n) {
  const t = performance.now();
  const raw = await new Promise((resolve, reject) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('items', { keyPath: ['pk', 'sk'] });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  for (let from = 0; from < n; from += 1000) {
    const tx = raw.transaction('items', 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('items');
    for (let i = from; i < Math.min(n, from + 1000); i++) store.put(rawItem(i));
    await done(tx);
  }
  raw.close();
  return { ms: performance.now() - t };
}

/** The raw counterpart of pdOpenRead: a get per GetItem, a getAll of the key range per Query. */
export async function rawOpenRead(name, n, { gets = 200, queries = 50, seed = 7 } = {}) {
  const t = performance.now();
  const raw = await request(indexedDB.open(name, 1));
  const openMs = performance.now() - t;
  const next = rng(seed);
  const first = await request(raw.transaction('items').objectStore('items').get([pk(0), 0]));
  const firstReadMs = performance.now() - t;
  const getKeys = Array.from({ length: gets }, () => Math.floor(next() * n));
  const queryKeys = Array.from({ length: queries }, () => Math.floor(next() * (n / PER_PARTITION)) * PER_PARTITION);
  let found = first !== undefined;
  const round = async () => {
    const get = [];
    for (const i of getKeys) {
      const s = performance.now();
      const r = await request(raw.transaction('items').objectStore('items').get([pk(i), i % PER_PARTITION]));
      get.push(performance.now() - s);
      found &&= r?.n === i;
    }
    const query = [];
    for (const i of queryKeys) {
      const s = performance.now();
      const r = await request(raw.transaction('items').objectStore('items')
        .getAll(IDBKeyRange.bound([pk(i), -Infinity], [pk(i), Infinity])));
      query.push(performance.now() - s);
      found &&= r.length === Math.min(PER_PARTITION, n - i);
    }
    return { get: summary(get), query: summary(query) };
  };
  const cold = await round();
  const warm = await round();
  raw.close();
  return { openMs, firstReadMs, cold, warm, found };
}
