// Raw IndexedDB as a bench engine (bench/compare/workload.js): one database,
// one object store keyed by [pk, sk]. Every write transaction asks for
// durability 'strict' (as pocketdynamo's replicas do). bulk: one transaction
// per batch; put: one transaction; putMany: one transaction per item, all
// issued at once; get: one readonly transaction; range: getAll over a key range.

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
    tx.onerror = () => reject(tx.error);
  });
}

export function idbEngine({ name = 'bench-idb' } = {}) {
  let db = null;
  const connect = () => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('items', { keyPath: ['pk', 'sk'] });
    return request(r);
  };
  const write = (items) => {
    const tx = db.transaction('items', 'readwrite', { durability: 'strict' });
    const store = tx.objectStore('items');
    for (const item of items) store.put(item);
    return done(tx);
  };
  return {
    async open() {
      await request(indexedDB.deleteDatabase(name));
      db = await connect();
    },
    async reopen() { db = await connect(); },
    async close() { db.close(); db = null; },
    bulk: (items) => write(items),
    put: (item) => write([item]),
    putMany: (items) => Promise.all(items.map((item) => write([item]))),
    get: (pk, sk) => request(db.transaction('items', 'readonly').objectStore('items').get([pk, sk])),
    range: (pk, lo, hi) => request(db.transaction('items', 'readonly').objectStore('items')
      .getAll(IDBKeyRange.bound([pk, lo], [pk, hi]))),
  };
}
