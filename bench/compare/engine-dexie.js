// Dexie as a bench engine (bench/compare/workload.js): table items with the
// compound primary key [pk+sk], transactions with durability 'strict'
// (chromeTransactionDurability). bulk: bulkPut; put: put; putMany: one put per
// item, all issued at once (each its own transaction); range: where().between().

import Dexie from 'dexie';

export function dexieEngine({ name = 'bench-dexie' } = {}) {
  let db = null;
  const connect = async () => {
    const d = new Dexie(name, { chromeTransactionDurability: 'strict' });
    d.version(1).stores({ items: '[pk+sk]' });
    await d.open();
    return d;
  };
  return {
    async open() {
      await Dexie.delete(name);
      db = await connect();
    },
    async reopen() { db = await connect(); },
    async close() { db.close(); db = null; },
    bulk: (items) => db.items.bulkPut(items),
    put: (item) => db.items.put(item),
    putMany: (items) => Promise.all(items.map((item) => db.items.put(item))),
    get: (pk, sk) => db.items.get([pk, sk]),
    range: (pk, lo, hi) => db.items.where('[pk+sk]').between([pk, lo], [pk, hi], true, true).toArray(),
  };
}
