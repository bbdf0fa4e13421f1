// The workloads of `npm run bench` (bench/compare/workload.js) against a
// small in-memory model engine: item size and keys, which items each range
// query covers, the budgets, and that every engine gets the same keys.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeItem, pad, random, rangeQuery, runWorkloads } from '../../bench/compare/workload.js';

// DynamoDB's item size: attribute names plus values (numbers counted as their digits, about).
function ddbSize(item) {
  return Object.entries(item).reduce((s, [k, v]) => s + k.length + String(v).length, 0);
}

function modelEngine({ slowPutMs = 0 } = {}) {
  const map = new Map();
  const key = (pk, sk) => `${pk}\u0000${sk}`;
  const put = async (item) => {
    if (slowPutMs) await new Promise((resolve) => setTimeout(resolve, slowPutMs));
    map.set(key(item.pk, item.sk), item);
  };
  return {
    map,
    open: async () => map.clear(),
    bulk: async (items) => { for (const item of items) map.set(key(item.pk, item.sk), item); },
    put,
    putMany: (items) => Promise.all(items.map(put)),
    get: async (pk, sk) => map.get(key(pk, sk)),
    range: async (pk, lo, hi) => [...map.values()].filter((i) => i.pk === pk && i.sk >= lo && i.sk <= hi)
      .sort((a, b) => (a.sk < b.sk ? -1 : 1)),
    close: async () => {},
  };
}

test('items are about 250 bytes with the issue\'s keys', () => {
  const item = makeItem(123_456);
  assert.equal(item.pk, 'user#456');
  assert.equal(item.sk, 'item#00123456');
  assert.ok(Math.abs(ddbSize(item) - 250) <= 10, `size ${ddbSize(item)}`);
  assert.equal(pad(7), '00000007');
});

test('a range query covers 100 consecutive items of one partition, or the whole partition when smaller', () => {
  const rand = random(3);
  for (const [n, partitions, expected] of [[100_000, 1000, 100], [10_000, 1000, 10], [1_000_000, 1000, 100],
    [10_000, 10, 100]]) {
    for (let k = 0; k < 50; k++) {
      const q = rangeQuery(rand, n, partitions);
      assert.equal(q.expected, expected);
      const p = Number(q.pk.slice(5));
      const lo = Number(q.lo.slice(5));
      const hi = Number(q.hi.slice(5));
      assert.equal(lo % partitions, p);
      assert.equal((hi - lo) / partitions + 1, expected);
      assert.ok(hi < n);
    }
  }
});

test('runWorkloads does every workload with the planned counts and checks what it reads', async () => {
  const engine = modelEngine();
  const result = await runWorkloads(engine, { n: 20_000, scale: 10 });
  assert.equal(result.bulk.batches, 20);
  assert.equal(result.sequential.ops, 100);
  assert.equal(result.unawaited.ops, 1000);
  assert.equal(result.reads.ops, 1000);
  assert.equal(result.ranges.ops, 100);
  assert.equal(result.ranges.itemsPerQuery, 20);
  assert.equal(engine.map.size, 20_000 + 100 + 1000);
  const broken = { ...modelEngine(), get: async () => undefined };
  await assert.rejects(runWorkloads(broken, { n: 2000, scale: 100 }), /point read of item \d+ returned undefined/);
});

test('a slow engine\'s awaited writes stop at the budget and its un-awaited writes follow their count', async () => {
  const engine = modelEngine({ slowPutMs: 20 });
  const result = await runWorkloads(engine, { n: 1000, scale: 10, budgetMs: 200 });
  assert.ok(result.sequential.ops >= 3 && result.sequential.ops < 100, `${result.sequential.ops}`);
  assert.equal(result.unawaited.ops, Math.max(10, result.sequential.ops));
});
