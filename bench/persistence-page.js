// The page side of bench/persistence-bench.mjs: the same work done by
// pocketdynamo (three IndexedDB replicas, quorum commits) and by raw
// IndexedDB (one database, one object store), timed with performance.now().
// Every function resolves to plain numbers (milliseconds unless named otherwise).

let { open } = await import('/dist/index.js');

/** Uses the package at `url` (e.g. '/release/index.js', the release before, for --before) from now on. */
export async function pdUse(url) {
  ({ open } = await import(url));
  return true;
}

/** navigator.storage.estimate().usage of this origin, bytes; null where the engine has no navigator.storage (WebKitGTK). */
export async function usage() {
  if (typeof navigator.storage?.estimate !== 'function') return null;
  return (await navigator.storage.estimate()).usage;
}

/** Deletes the IndexedDB databases whose name starts with `prefix`. */
export async function deleteDatabases(prefix) {
  for (const { name } of await indexedDB.databases()) {
    if (!name.startsWith(prefix)) continue;
    await new Promise((resolve) => {
      const r = indexedDB.deleteDatabase(name);
      r.onsuccess = resolve;
      r.onerror = resolve;
      r.onblocked = resolve;
    });
  }
  return true;
}

const TABLE = 'Bench';
const BODY = 'b'.repeat(200);

function key(prefix, i) {
  return `${prefix}${String(i).padStart(8, '0')}`;
}

// ~250 bytes as DynamoDB counts item size (names + values).
function item(prefix, i) {
  return { pk: { S: key(prefix, i) }, n: { N: String(i) }, body: { S: BODY }, tag: { S: `t${i % 97}` } };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

let db = null;

// ------------------------------------------------------------ pocketdynamo

export async function pdOpenFresh(name) {
  const t = performance.now();
  db = await open(name);
  await db.send('CreateTable', {
    TableName: TABLE,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  return { ms: performance.now() - t, persisted: db.persisted };
}

/** n PutItems issued at once (group commit): { ms, commits }. */
export async function pdBulk(n, prefix = 'bulk-') {
  const before = db.stats().commits;
  const t = performance.now();
  const all = [];
  for (let i = 0; i < n; i++) all.push(db.send('PutItem', { TableName: TABLE, Item: item(prefix, i) }));
  await Promise.all(all);
  return { ms: performance.now() - t, commits: db.stats().commits - before };
}

/** n PutItems, each awaited before the next: { ms, p50, p99 }. */
export async function pdSequential(n, prefix = 'seq-') {
  const times = [];
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await db.send('PutItem', { TableName: TABLE, Item: item(prefix, i) });
    times.push(performance.now() - s);
  }
  const ms = performance.now() - t;
  times.sort((a, b) => a - b);
  return { ms, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

export async function pdWhenHealthy() {
  const t = performance.now();
  const replicas = await db.whenHealthy(600_000);
  return { ms: performance.now() - t, bytes: replicas[0].bytes, pages: replicas[0].pageCount };
}

export async function pdClose() {
  await db.close();
  db = null;
}

/** open() of an existing database: { ms (until open resolved), readyMs (until replicas verified healthy), count }. */
export async function pdReopen(name) {
  const t = performance.now();
  db = await open(name);
  const ms = performance.now() - t;
  const first = await db.send('GetItem', { TableName: TABLE, Key: { pk: { S: key('bulk-', 1) } } });
  const firstReadMs = performance.now() - t;
  await db.whenHealthy(600_000);
  const readyMs = performance.now() - t;
  const got = await db.send('GetItem', { TableName: TABLE, Key: { pk: { S: key('bulk-', 0) } } });
  return { ms, firstReadMs, readyMs, found: got.Item !== undefined && first.Item !== undefined };
}

// ------------------------------------------------------------- raw IndexedDB

let raw = null;

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

function rawItem(prefix, i) {
  return { pk: key(prefix, i), n: i, body: BODY, tag: `t${i % 97}` };
}

export async function rawOpenFresh(name) {
  const t = performance.now();
  const r = indexedDB.open(name, 1);
  r.onupgradeneeded = () => r.result.createObjectStore('items', { keyPath: 'pk' });
  raw = await request(r);
  return { ms: performance.now() - t };
}

/** n puts in transactions of `perTx` puts, all issued at once (strict durability). */
export async function rawBulk(n, perTx = 1000, prefix = 'bulk-') {
  const t = performance.now();
  const all = [];
  for (let start = 0; start < n; start += perTx) {
    const tx = raw.transaction('items', 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('items');
    for (let i = start; i < Math.min(n, start + perTx); i++) store.put(rawItem(prefix, i));
    all.push(done(tx));
  }
  await Promise.all(all);
  return { ms: performance.now() - t, transactions: Math.ceil(n / perTx) };
}

/** n single-put transactions, each awaited (strict durability): { ms, p50, p99 }. */
export async function rawSequential(n, prefix = 'seq-') {
  const times = [];
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    const tx = raw.transaction('items', 'readwrite', { durability: 'strict' });
    tx.objectStore('items').put(rawItem(prefix, i));
    await done(tx);
    times.push(performance.now() - s);
  }
  const ms = performance.now() - t;
  times.sort((a, b) => a - b);
  return { ms, p50: percentile(times, 0.5), p99: percentile(times, 0.99) };
}

/** n single-put transactions issued at once (what n un-awaited puts are in raw IndexedDB). */
export async function rawUnawaited(n, prefix = 'many-') {
  const t = performance.now();
  const all = [];
  for (let i = 0; i < n; i++) {
    const tx = raw.transaction('items', 'readwrite', { durability: 'strict' });
    tx.objectStore('items').put(rawItem(prefix, i));
    all.push(done(tx));
  }
  await Promise.all(all);
  return { ms: performance.now() - t };
}

export function rawClose() {
  raw.close();
  raw = null;
}

/** Opening the database: { ms (connection), loadMs (connection + every record read, as pocketdynamo's open does) }. */
export async function rawReopen(name) {
  const t = performance.now();
  raw = await request(indexedDB.open(name, 1));
  const ms = performance.now() - t;
  const records = await request(raw.transaction('items').objectStore('items').getAll());
  return { ms, loadMs: performance.now() - t, records: records.length };
}
