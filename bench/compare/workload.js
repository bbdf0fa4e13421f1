// The workloads of `npm run bench` (bench/compare.mjs), written once over a
// small engine interface so that every engine, in Chromium and in Node, does
// exactly the same work. Plain ESM with no imports: it is bundled into the
// browser pages and imported by Node.
//
// Items: i = 0 .. N-1, key pk `user#<i % 1000>`, sk `item#<i, 8 digits>`,
// attributes n (the number i), body (a 200-character string), tag
// (`t<i % 97>`): about 250 bytes as DynamoDB counts item size.
//
// An engine is an object with these async methods (items are plain
// { pk, sk, n, body, tag } objects; each engine stores them its own way):
//   open()              a fresh, empty database with its one table
//   bulk(items)         writes one batch (1,000 items), durable when it resolves
//   put(item)           one write, durable when it resolves
//   putMany(items)      issues one write per item without awaiting any, then
//                       awaits them all
//   get(pk, sk)         the item, or undefined
//   range(pk, lo, hi)   the items of partition pk with lo <= sk <= hi, in order
//   close()
// and optionally reopen() (open the persisted database again, no writes).
//
// runWorkloads(engine, { n, scale, budgetMs }) resolves to one run's figures
// (the counts are divided by scale, 1 unless --quick; the loops of awaited
// writes, reads and queries stop after budgetMs, so `ops` says how many ran):
//   bulk       { ms, itemsPerSec, batches }       N items in batches of 1,000
//   sequential { opsPerSec, p50, p99, ops }       1,000 awaited single writes
//   unawaited  { ms, opsPerSec, ops }             10,000 writes issued together
//                                                 (as many as the awaited writes
//                                                 that ran, if those were cut)
//   reads      { opsPerSec, p50, p99, ops }       10,000 random point reads
//   ranges     { opsPerSec, p50, p99, ops, itemsPerQuery }  1,000 range queries
// Times in milliseconds (performance.now()); p50/p99 per operation.

export const PARTITIONS = 1000;
export const BATCH = 1000;
export const SEQUENTIAL = 1000;
export const UNAWAITED = 10_000;
export const READS = 10_000;
export const RANGES = 1000;
export const RANGE_ITEMS = 100;
const BODY = 'b'.repeat(200);

export function pad(i) {
  return String(i).padStart(8, '0');
}

/** Item i; partitions is the number of distinct pk values (1,000 in the main workloads). */
export function makeItem(i, partitions = PARTITIONS) {
  return { pk: `user#${i % partitions}`, sk: `item#${pad(i)}`, n: i, body: BODY, tag: `t${i % 97}` };
}

/** A small deterministic PRNG (mulberry32): the same keys in every engine and run. */
export function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function percentile(sorted, p) {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

function latencies(times, totalMs) {
  const sorted = [...times].sort((a, b) => a - b);
  return { opsPerSec: (times.length / totalMs) * 1000, p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99),
    ops: times.length };
}

/**
 * The range query number q over the first n items: partition p, and the sort
 * keys of up to RANGE_ITEMS consecutive items of that partition (partition p
 * holds items p, p + partitions, p + 2 * partitions, ...).
 */
export function rangeQuery(rand, n, partitions = PARTITIONS) {
  const p = Math.floor(rand() * Math.min(partitions, n));
  const inPartition = Math.floor((n - 1 - p) / partitions) + 1;
  const first = Math.floor(rand() * Math.max(1, inPartition - RANGE_ITEMS + 1));
  const last = Math.min(inPartition, first + RANGE_ITEMS) - 1;
  return { pk: `user#${p}`, lo: `item#${pad(p + first * partitions)}`, hi: `item#${pad(p + last * partitions)}`,
    expected: last - first + 1 };
}

export async function bulkLoad(engine, n, partitions = PARTITIONS) {
  const t = performance.now();
  let batches = 0;
  for (let start = 0; start < n; start += BATCH) {
    const items = [];
    for (let i = start; i < Math.min(n, start + BATCH); i++) items.push(makeItem(i, partitions));
    await engine.bulk(items);
    batches++;
  }
  const ms = performance.now() - t;
  return { ms, itemsPerSec: (n / ms) * 1000, batches };
}

export async function pointReads(engine, n, count, seed, partitions = PARTITIONS, budgetMs = Infinity) {
  const rand = random(seed);
  const times = [];
  const t = performance.now();
  for (let k = 0; k < count && performance.now() - t < budgetMs; k++) {
    const i = Math.floor(rand() * n);
    const s = performance.now();
    const item = await engine.get(`user#${i % partitions}`, `item#${pad(i)}`);
    times.push(performance.now() - s);
    if (!item || Number(item.n) !== i) throw new Error(`point read of item ${i} returned ${JSON.stringify(item)}`);
  }
  return latencies(times, performance.now() - t);
}

export async function rangeQueries(engine, n, count, seed, partitions = PARTITIONS, budgetMs = Infinity) {
  const rand = random(seed);
  const times = [];
  let items = 0;
  const t = performance.now();
  for (let k = 0; k < count && performance.now() - t < budgetMs; k++) {
    const q = rangeQuery(rand, n, partitions);
    const s = performance.now();
    const got = await engine.range(q.pk, q.lo, q.hi);
    times.push(performance.now() - s);
    if (got.length !== q.expected) {
      throw new Error(`range ${q.pk} ${q.lo}..${q.hi} returned ${got.length} items, expected ${q.expected}`);
    }
    items += got.length;
  }
  return { ...latencies(times, performance.now() - t), itemsPerQuery: items / times.length };
}

/** The operation counts of the workloads; --quick divides them (bench/compare.mjs). */
export function counts(scale = 1) {
  return { sequential: SEQUENTIAL / scale, unawaited: UNAWAITED / scale, reads: READS / scale, ranges: RANGES / scale };
}

/**
 * Every workload on a fresh database of engine; leaves it open (the caller
 * measures memory, then closes). Figures are stored into `result` as each
 * workload ends (a caller that gives up on a slow engine keeps what finished);
 * progress(name, ms) is called after each.
 */
export async function runWorkloads(engine, { n, seed = 1, scale = 1, budgetMs = Infinity, result = {},
  progress = () => {} }) {
  const { sequential, unawaited, reads, ranges } = counts(scale);
  let t = performance.now();
  await engine.open();
  progress('open', performance.now() - t);
  result.bulk = await bulkLoad(engine, n);
  progress('bulk', result.bulk.ms);

  let times = [];
  t = performance.now();
  for (let k = 0; k < sequential && performance.now() - t < budgetMs; k++) {
    const item = makeItem(n + k);
    const s = performance.now();
    await engine.put(item);
    times.push(performance.now() - s);
  }
  result.sequential = latencies(times, performance.now() - t);
  progress('sequential', performance.now() - t);

  // An engine whose awaited writes ran out of time issues as many un-awaited
  // writes as it managed awaited ones (10 at least), not 10,000.
  const issued = result.sequential.ops < sequential ? Math.max(10, result.sequential.ops) : unawaited;
  const many = [];
  for (let k = 0; k < issued; k++) many.push(makeItem(n + sequential + k));
  t = performance.now();
  await engine.putMany(many);
  const ms = performance.now() - t;
  result.unawaited = { ms, opsPerSec: (issued / ms) * 1000, ops: issued };
  progress('unawaited', ms);

  t = performance.now();
  result.reads = await pointReads(engine, n, reads, seed, PARTITIONS, budgetMs);
  progress('reads', performance.now() - t);
  t = performance.now();
  result.ranges = await rangeQueries(engine, n, ranges, seed + 1, PARTITIONS, budgetMs);
  progress('ranges', performance.now() - t);
  return result;
}

/** Reopen of the persisted database until its first read returns: { ms }. */
export async function reopenUntilFirstRead(engine, n) {
  const t = performance.now();
  await engine.reopen();
  const i = Math.floor(n / 2);
  const item = await engine.get(`user#${i % PARTITIONS}`, `item#${pad(i)}`);
  const ms = performance.now() - t;
  if (!item || Number(item.n) !== i) throw new Error(`first read after reopen returned ${JSON.stringify(item)}`);
  return { ms };
}
