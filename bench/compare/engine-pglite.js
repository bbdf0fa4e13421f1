// PGlite (Postgres in wasm) as a bench engine (bench/compare/workload.js):
// table items (pk text, sk text, n integer, body text, tag text,
// PRIMARY KEY (pk, sk)). dataDir: undefined (memory) or 'idb://name' (PGlite
// flushes its files to IndexedDB after each statement or transaction and
// waits for that: relaxedDurability false). bulk: one transaction with one
// multi-row INSERT per batch; put: an upsert; putMany: one upsert per item,
// all issued at once (PGlite queues them); range: pk = $1 AND sk BETWEEN.

import { PGlite } from '@electric-sql/pglite';

const UPSERT = 'INSERT INTO items (pk, sk, n, body, tag) VALUES ($1, $2, $3, $4, $5) ' +
  'ON CONFLICT (pk, sk) DO UPDATE SET n = EXCLUDED.n, body = EXCLUDED.body, tag = EXCLUDED.tag';

const params = (item) => [item.pk, item.sk, item.n, item.body, item.tag];

export function pgliteEngine({ dataDir } = {}) {
  let pg = null;
  const connect = async () => {
    const p = dataDir ? new PGlite(dataDir) : new PGlite();
    await p.waitReady;
    return p;
  };
  const engine = {
    async open() {
      if (dataDir?.startsWith('idb://')) {
        await new Promise((resolve, reject) => {
          const r = indexedDB.deleteDatabase(`/pglite/${dataDir.slice('idb://'.length)}`);
          r.onsuccess = resolve;
          r.onerror = () => reject(r.error);
        });
      }
      pg = await connect();
      await pg.exec('CREATE TABLE items (pk text, sk text, n integer, body text, tag text, PRIMARY KEY (pk, sk))');
    },
    async reopen() { pg = await connect(); },
    async close() { await pg.close(); pg = null; },
    async bulk(items) {
      const values = items.map((_, k) => `($${5 * k + 1}, $${5 * k + 2}, $${5 * k + 3}, $${5 * k + 4}, $${5 * k + 5})`);
      await pg.transaction(async (tx) => {
        await tx.query(`INSERT INTO items (pk, sk, n, body, tag) VALUES ${values.join(', ')}`, items.flatMap(params));
      });
    },
    put: (item) => pg.query(UPSERT, params(item)),
    putMany: (items) => Promise.all(items.map((item) => pg.query(UPSERT, params(item)))),
    get: async (pk, sk) => (await pg.query('SELECT * FROM items WHERE pk = $1 AND sk = $2', [pk, sk])).rows[0],
    range: async (pk, lo, hi) => (await pg.query(
      'SELECT * FROM items WHERE pk = $1 AND sk BETWEEN $2 AND $3 ORDER BY sk', [pk, lo, hi])).rows,
  };
  if (!dataDir) delete engine.reopen;   // memory keeps nothing to reopen
  return engine;
}
