// The page side of bench/idb-micro.mjs: IndexedDB costs in this browser that
// decide the storage design (issue #13, step 0). Every function resolves to
// plain numbers (milliseconds unless named otherwise), timed with
// performance.now(). Databases are named 'micro-<case>#<i>' and deleted after.

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  return { n: times.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), mean };
}

function openDb(name, factory = indexedDB) {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore('s');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function deleteDb(name, factory = indexedDB) {
  return new Promise((resolve) => {
    const request = factory.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => resolve();
    request.onblocked = () => resolve();
  });
}

// One readwrite transaction putting `values` under keys start.., resolved at complete.
function putTx(db, values, start, durability) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction('s', 'readwrite', { durability });
    const store = tx.objectStore('s');
    for (let i = 0; i < values.length; i++) store.put(values[i], start + i);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function randomBytes(n) {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(out.subarray(i, Math.min(n, i + 65536)));
  return out;
}

const dbs = new Map();
// k databases 'micro-<tag>#<i>'; buckets: database i in the Storage Bucket 'micro-<i>' (a backing
// store of its own), else all in the default bucket.
async function databases(tag, k, buckets = false) {
  const out = [];
  for (let i = 0; i < k; i++) {
    const name = `micro-${tag}#${i}`;
    const key = `${buckets ? `micro-${i}/` : ''}${name}`;
    if (!dbs.has(key)) {
      const factory = buckets ? (await navigator.storageBuckets.open(`micro-${i}`, { durability: 'strict' })).indexedDB : indexedDB;
      await deleteDb(name, factory);
      dbs.set(key, await openDb(name, factory));
    }
    out.push(dbs.get(key));
  }
  return out;
}

/**
 * Awaited latency of `k` parallel readwrite transactions, one per database,
 * each putting one value of `bytes` bytes, all started together and awaited
 * together (what a quorum commit waits for when it needs all k): rounds
 * times, after `warmup` untimed rounds. Also the time until the FIRST and the
 * SECOND of them completed (a 2-of-3 quorum waits for the second).
 */
export async function parallel(k, durability, { rounds = 200, warmup = 20, bytes = 512, buckets = false, stallMs = Infinity } = {}) {
  const list = await databases(`par${k}-${durability}`, k, buckets);
  const value = randomBytes(bytes);
  const all = [];
  const first = [];
  const second = [];
  for (let r = 0; r < rounds + warmup; r++) {
    const t = performance.now();
    const done = [];
    const round = Promise.all(list.map((db) => putTx(db, [value.slice()], r % 64, durability)
      .then(() => done.push(performance.now() - t))));
    // stallMs: give up (resolve to { stalled }) when a round does not finish in time.
    let timer;
    const stalled = await Promise.race([round.then(() => false), new Promise((resolve) => {
      if (Number.isFinite(stallMs)) timer = setTimeout(() => resolve(true), stallMs);
    })]);
    clearTimeout(timer);
    if (stalled) {
      return { k, durability, bytes, stalled: `round ${r}: ${done.length} of ${k} transactions done after ${stallMs} ms` };
    }
    if (r >= warmup) {
      all.push(performance.now() - t);
      first.push(done[0]);
      if (k >= 2) second.push(done[1]);
    }
  }
  return { k, durability, bytes, all: stats(all), first: stats(first), second: k >= 2 ? stats(second) : null };
}

/**
 * Back-to-back commits the way a replica set issues them: `k` databases,
 * commit r+1 starts when 2 (or k if k < 2) of commit r's transactions
 * completed, the rest still running. Per awaited commit: latency stats.
 */
export async function quorumStream(k, durabilities, { rounds = 200, warmup = 20, bytes = 512 } = {}) {
  const list = await databases(`q${k}-${durabilities.join('-')}`, k);
  const value = randomBytes(bytes);
  const times = [];
  const need = Math.min(2, k);
  for (let r = 0; r < rounds + warmup; r++) {
    const t = performance.now();
    await new Promise((resolve, reject) => {
      let ok = 0;
      list.forEach((db, i) => putTx(db, [value.slice()], r % 64, durabilities[i]).then(() => {
        if (++ok === need) resolve();
      }, reject));
    });
    if (r >= warmup) times.push(performance.now() - t);
  }
  return { k, durabilities, bytes, ...stats(times) };
}

/** One strict (or relaxed) transaction putting `count` values of `bytes` bytes each, awaited: stats. */
export async function putSize(bytes, { count = 1, rounds = 60, warmup = 5, durability = 'strict' } = {}) {
  const [db] = await databases(`size-${bytes}-${count}-${durability}`, 1);
  const times = [];
  for (let r = 0; r < rounds + warmup; r++) {
    const values = Array.from({ length: count }, () => randomBytes(bytes));
    const t = performance.now();
    await putTx(db, values, (r % 8) * count, durability);
    if (r >= warmup) times.push(performance.now() - t);
  }
  return { bytes, count, durability, ...stats(times) };
}

/**
 * Reading `pages` values of `bytes` bytes (keys 0..pages-1) in one readonly
 * transaction: one get per key, getAll over the range, and a cursor; stats
 * of each over rounds, plus one single get in its own transaction.
 */
export async function reads({ pages = 100, bytes = 8192, rounds = 40 } = {}) {
  const [db] = await databases(`reads-${pages}-${bytes}`, 1);
  await putTx(db, Array.from({ length: pages }, () => randomBytes(bytes)), 0, 'strict');
  const run = (body) => new Promise((resolve, reject) => {
    const tx = db.transaction('s', 'readonly');
    let result;
    body(tx.objectStore('s'), (value) => { result = value; });
    tx.oncomplete = () => resolve(result);
    tx.onerror = () => reject(tx.error);
  });
  const cases = {
    get: (store, set) => {
      let n = 0;
      for (let i = 0; i < pages; i++) store.get(i).onsuccess = (e) => { n += e.target.result.byteLength; set(n); };
    },
    getAll: (store, set) => { store.getAll(IDBKeyRange.bound(0, pages - 1)).onsuccess = (e) => set(e.target.result.length); },
    cursor: (store, set) => {
      let n = 0;
      store.openCursor(IDBKeyRange.bound(0, pages - 1)).onsuccess = (e) => {
        const cursor = e.target.result;
        if (cursor) { n++; cursor.continue(); } else set(n);
      };
    },
    single: (store, set) => { store.get(pages >> 1).onsuccess = (e) => set(e.target.result.byteLength); },
  };
  const out = { pages, bytes };
  for (const [name, body] of Object.entries(cases)) {
    const times = [];
    for (let r = 0; r < rounds + 3; r++) {
      const t = performance.now();
      await run(body);
      if (r >= 3) times.push(performance.now() - t);
    }
    out[name] = stats(times);
  }
  return out;
}

export async function cleanup() {
  for (const [key, db] of dbs) {
    db.close();
    const at = key.indexOf('/');
    if (at < 0) await deleteDb(key);
    else await navigator.storageBuckets.delete(key.slice(0, at));
  }
  dbs.clear();
}
