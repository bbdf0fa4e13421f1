// The page side of bench/awaited-ab.mjs: awaited PutItem latency of two
// builds of the package (web/ trees served at /a/ and /b/, the same wasm
// core) in ONE page, in alternating rounds, beside raw IndexedDB: one strict
// put per transaction, and k = 1, 2, 3 parallel strict commits to separate
// databases (what a quorum of two waits for). Milliseconds, performance.now().

import { parallel } from './idb-micro-page.js';

const TABLE = 'Bench';
const BODY = 'b'.repeat(200);

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function stats(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { n: times.length, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99) };
}

// ~250 bytes as DynamoDB counts item size.
function item(i) {
  return { pk: { S: `k${String(i).padStart(8, '0')}` }, n: { N: String(i) }, body: { S: BODY }, tag: { S: `t${i % 97}` } };
}

const dbs = {};
const times = {};
let raw = null;

/** Opens database `name` with the package at `url` (open() options `options`) as variant `variant`, with the table. */
export async function openVariant(variant, url, name, options = {}) {
  const { open } = await import(url);
  const db = await open(name, options);
  await db.send('CreateTable', {
    TableName: TABLE,
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  dbs[variant] = db;
  times[variant] = [];
  return true;
}

export async function openRaw(name) {
  raw = await new Promise((resolve, reject) => {
    const r = indexedDB.open(name, 1);
    r.onupgradeneeded = () => r.result.createObjectStore('items', { keyPath: 'pk' });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  times.raw = [];
  return true;
}

let next = 0;

/** One round: n awaited PutItems on `variant` (or n awaited strict single-put transactions: 'raw'). */
export async function round(variant, n) {
  for (let i = 0; i < n; i++) {
    const k = next++;
    const s = performance.now();
    if (variant === 'raw') {
      const tx = raw.transaction('items', 'readwrite', { durability: 'strict' });
      tx.objectStore('items').put({ pk: `k${k}`, n: k, body: BODY, tag: `t${k % 97}` });
      await new Promise((resolve, reject) => { tx.oncomplete = resolve; tx.onabort = () => reject(tx.error); });
    } else {
      await dbs[variant].send('PutItem', { TableName: TABLE, Item: item(k) });
    }
    times[variant].push(performance.now() - s);
  }
  // Let the replica a commit deferred catch up before the next variant's round.
  if (variant !== 'raw') await dbs[variant].whenHealthy(60_000);
  return true;
}

/** Forgets the times so far (the warm-up). */
export function reset() {
  for (const list of Object.values(times)) list.length = 0;
  return true;
}

/** { variant: { n, p50, p99 } } over every round since reset(). */
export function results() {
  const out = {};
  for (const [variant, list] of Object.entries(times)) out[variant] = stats(list);
  return out;
}

/**
 * k = 1, 2, 3 parallel strict one-put transactions to separate databases, 328-byte values (a
 * commit record); where the browser has Storage Buckets also k = 2, 3 with each database in a
 * bucket of its own ('2b', '3b': its own backing store; { stalled } when a round did not finish
 * within 10 s: bench/results/awaited_ab.md, session 11).
 */
export async function parallelStrict(rounds) {
  const out = {};
  for (const k of [1, 2, 3]) {
    const r = await parallel(k, 'strict', { rounds, warmup: 10, bytes: 328 });
    out[k] = { all: r.all, first: r.first, second: r.second };
  }
  if (navigator.storageBuckets) {
    for (const k of [2, 3]) {
      const r = await parallel(k, 'strict', { rounds, warmup: 10, bytes: 328, buckets: true, stallMs: 10_000 });
      out[`${k}b`] = r.stalled ? { stalled: r.stalled } : { all: r.all, first: r.first, second: r.second };
    }
  }
  return out;
}

export async function closeAll() {
  for (const db of Object.values(dbs)) await db.close();
  raw?.close();
  return true;
}
