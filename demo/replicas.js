// The Replicas tab: each replica's LSN, status, pages and bytes, updated
// live from the database's 'replica', 'commit' and 'repair' events; a button
// per replica that damages it (deletes its IndexedDB database, or writes
// random bytes over stored pages) and an event log showing it being found and
// rebuilt.

import { $, h, formatBytes } from './util.js';

let ctx;
const log = [];

export function initReplicas(context) {
  ctx = context;
  const { db } = ctx;
  const panel = $('#tab-replicas');
  if (!db.persistent) {
    panel.append(h('p', {}, 'Storage is in memory only: nothing is written to replicas, and the data is lost when the page closes.'));
    return;
  }
  panel.append(
    h('p', { className: 'muted' }, `Every commit is written to three IndexedDB databases (${db.name}#0, #1, #2) and acknowledged once two hold it. `
      + 'Damage one replica below and watch it being detected and rebuilt from the others; your data stays.'),
    h('div', { className: 'replicas', id: 'r-cards' }),
    h('div', { className: 'bar' }, h('button', { type: 'button', id: 'r-verify' }, 'Verify all replicas'),
      h('span', { className: 'muted', id: 'r-stats' })),
    h('h2', {}, 'Events'),
    h('div', { className: 'log', id: 'r-log', role: 'log' }));
  $('#r-verify').addEventListener('click', async () => { note('verify: reading every replica'); render(await db.verifyReplicas()); });
  db.on('replica', (r) => { note(`replica #${r.index}: ${r.status}${r.lsn === null ? '' : ` at LSN ${r.lsn}`}${r.reason ? ` (${r.reason})` : ''}`); refresh(); });
  db.on('scan', (s) => note(`scan of replica #${s.index}: ${s.badPages === null ? 'unreadable' : s.badPages.length ? `damaged pages ${s.badPages.join(', ')}` : 'no damage'}`));
  db.on('repair', () => { note('repair round finished'); refresh(); });
  db.on('commit', () => scheduleRefresh());
  document.addEventListener('tabshown', (e) => { if (e.detail === 'replicas') refresh(); });
  refresh();
}

function note(text) {
  log.unshift(`${new Date().toLocaleTimeString()}  ${text}`);
  log.length = Math.min(log.length, 200);
  const el = $('#r-log');
  if (el) el.replaceChildren(...log.map((l) => h('div', {}, l)));
}

let timer = null;
function scheduleRefresh() {
  if (timer) return;
  timer = setTimeout(() => { timer = null; refresh(); }, 250);
}

async function refresh() {
  render(await ctx.db.replicas());
}

function render(replicas) {
  const stats = ctx.db.stats();
  if (stats) $('#r-stats').textContent = `${stats.commits} commits, ${stats.rollbacks} rolled back since this page opened`;
  $('#r-cards').replaceChildren(...replicas.map((r) => h('div', { className: 'box replica', 'data-replica': String(r.index) },
    h('h3', {}, `Replica #${r.index} `, h('span', { className: `badge ${r.status}`, 'data-status': r.status }, r.status)),
    h('div', {}, `LSN: ${r.lsn ?? 'unknown'}`),
    h('div', {}, `Pages: ${r.pageCount} · ${formatBytes(r.bytes)}`),
    h('div', { className: 'muted' }, r.store),
    r.reason ? h('div', { className: 'muted' }, r.reason) : null,
    h('div', { className: 'bar' },
      h('button', { type: 'button', className: 'danger', onclick: () => damage(r.index, 'delete') }, 'Delete it'),
      h('button', { type: 'button', className: 'danger', onclick: () => damage(r.index, 'corrupt') }, 'Corrupt pages')))));
}

async function damage(index, how) {
  const name = `${ctx.db.name}#${index}`;
  if (how === 'delete') {
    note(`damage: deleting IndexedDB database "${name}"`);
    await new Promise((resolve, reject) => {
      const r = indexedDB.deleteDatabase(name);
      r.onsuccess = () => resolve();
      r.onerror = () => reject(r.error);
      r.onblocked = () => {};   // the database closes its connection and the delete proceeds
    });
  } else {
    const changed = await corrupt(name);
    note(`damage: wrote random bytes into ${changed} stored value(s) of "${name}"`);
  }
  note('verify: scanning replicas');
  render(await ctx.db.verifyReplicas());
  render(await ctx.db.whenHealthy());
  note(`replica #${index} is healthy again`);
}

// Overwrites a few bytes of up to three stored pages of one replica, in
// whatever object stores it has (typed arrays or ArrayBuffers found in values).
async function corrupt(name) {
  const db = await new Promise((resolve, reject) => {
    const r = indexedDB.open(name);
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  let changed = 0;
  try {
    for (const storeName of db.objectStoreNames) {
      const tx = db.transaction(storeName, 'readwrite');
      const store = tx.objectStore(storeName);
      const rows = await new Promise((resolve, reject) => {
        const out = [];
        const c = store.openCursor();
        c.onsuccess = () => { const cur = c.result; if (!cur || out.length >= 6) return resolve(out); out.push([cur.primaryKey, cur.value]); cur.continue(); };
        c.onerror = () => reject(c.error);
      });
      for (const [key, value] of rows.slice(1, 4)) {
        const bytes = findBytes(value);
        if (!bytes) continue;
        for (let i = 0; i < 16; i++) bytes[(i * 97 + 13) % bytes.length] ^= 0x5a;
        const req = store.keyPath ? store.put(value) : store.put(value, key);
        await new Promise((resolve, reject) => { req.onsuccess = resolve; req.onerror = () => reject(req.error); });
        changed++;
      }
      await new Promise((resolve) => { tx.oncomplete = resolve; tx.onabort = resolve; });
    }
  } finally {
    db.close();
  }
  return changed;
}

function findBytes(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) {
      const found = findBytes(v);
      if (found) return found;
    }
  }
  return null;
}
