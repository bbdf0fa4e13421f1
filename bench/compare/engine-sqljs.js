// sql.js (SQLite in wasm, in memory) as a bench engine
// (bench/compare/workload.js): table items (pk, sk, n, body, tag,
// PRIMARY KEY (pk, sk)) WITHOUT ROWID, prepared statements. sql.js is
// synchronous and keeps the database in memory only (no reopen): bulk is one
// transaction per batch; put and each write of putMany one autocommit INSERT
// OR REPLACE.

import initSqlJs from 'sql.js';

export function sqljsEngine({ wasmUrl }) {
  let db = null;
  let insert = null;
  let select = null;
  let range = null;
  const rows = (stmt) => {
    const out = [];
    while (stmt.step()) out.push(stmt.getAsObject());
    stmt.reset();
    return out;
  };
  return {
    async open() {
      const SQL = await initSqlJs({ locateFile: () => wasmUrl });
      db = new SQL.Database();
      db.run('CREATE TABLE items (pk TEXT, sk TEXT, n INTEGER, body TEXT, tag TEXT, PRIMARY KEY (pk, sk)) WITHOUT ROWID');
      insert = db.prepare('INSERT OR REPLACE INTO items (pk, sk, n, body, tag) VALUES (?, ?, ?, ?, ?)');
      select = db.prepare('SELECT * FROM items WHERE pk = ? AND sk = ?');
      range = db.prepare('SELECT * FROM items WHERE pk = ? AND sk BETWEEN ? AND ? ORDER BY sk');
    },
    async close() {
      for (const stmt of [insert, select, range]) stmt.free();
      db.close();
      db = null;
    },
    async bulk(items) {
      db.run('BEGIN');
      for (const item of items) insert.run([item.pk, item.sk, item.n, item.body, item.tag]);
      db.run('COMMIT');
    },
    async put(item) { insert.run([item.pk, item.sk, item.n, item.body, item.tag]); },
    putMany(items) {
      return Promise.all(items.map(async (item) => insert.run([item.pk, item.sk, item.n, item.body, item.tag])));
    },
    async get(pk, sk) {
      select.bind([pk, sk]);
      return rows(select)[0];
    },
    async range(pk, lo, hi) {
      range.bind([pk, lo, hi]);
      return rows(range);
    },
  };
}
