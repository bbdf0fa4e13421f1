// Where the time of an in-memory read goes (issue #16), in Node: the
// workload of `npm run bench` (bench/compare/workload.js: N items of ~250
// bytes, keys user#<i % 1000> / item#<i>), loaded into a database opened with
// storage 'memory', then point GetItems and 100-item Queries measured layer by
// layer, each layer adding one step of the path to the one before:
//
//   execute    owner's core engine.execute(op, text): the wasm call, the
//              request copied in and the response text decoded (no queue)
//   sendJson   db.sendJson(op, text): + the operation queue, the change
//              feed, the commit wait (afterOperation)
//   send       db.send(op, request): + encodeRequest and JSON.parse
//   bench      the compare bench's engine.get / engine.range (send + fromDdb)
//   document   db.table(T).get / query (plain JS values)
//
//   node bench/memory-path.mjs [--items 100000] [--ops 20000] [--rounds 3] [--dist DIR]...
//        [--only execute,send,...] [--op GetItem|Query] [--profile FILE.cpuprofile]
//   (several --dist: each loaded into this process, rounds interleaved: a before/after pair)
//   node --cpu-prof --cpu-prof-dir /tmp/prof bench/memory-path.mjs --only send
//
// Rates are per CPU second of this process (process.cpuUsage()), median of
// the rounds; us/op = 1e6 / rate. Output: a table and one JSON line.

import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { sendEngine, tableSpec, TABLE } from './compare/engine-pocketdynamo.js';
import { PARTITIONS, bulkLoad, pad, random, rangeQuery } from './compare/workload.js';
import { cpuSeconds, startProfile } from './support/cpu.mjs';
import { options } from './support/options.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = options();
const items = opt.number('--items', 100_000);
const ops = opt.number('--ops', 20_000);
const rounds = opt.number('--rounds', 3);
// Each --dist is loaded into this process (its own wasm instance) and measured round-robin with the others.
const dists = opt.all('--dist').map((d) => path.resolve(d));
if (dists.length === 0) dists.push(path.resolve(here, '..', 'dist'));
const only = opt.value('--only', null)?.split(',');
const onlyOp = opt.value('--op', null);  // GetItem or Query: that operation only
const profileTo = opt.value('--profile', null);  // FILE.cpuprofile: a CPU profile of the timed rounds only

async function setUp(dist) {
  const { open } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
  const db = await open({ storage: 'memory', ttlSweepIntervalMs: 0 });
  await db.send('CreateTable', tableSpec);
  const send = (op, request) => db.send(op, request);
  const engine = sendEngine(send);
  const loadStart = performance.now();
  await bulkLoad(engine, items);
  const loadMs = performance.now() - loadStart;

  // A core engine of its own with the same data (Database keeps its engine private).
  const { Engine } = await import(pathToFileURL(path.join(dist, 'core', 'engine.js')).href);
  const core = only && !only.includes('execute') ? null : await Engine.create({});
  if (core) {
    const exec = (op, request) => {
      const text = core.execute(op, JSON.stringify(request));
      if (text.includes('"__type":"')) throw new Error(`${op}: ${text}`);
      if (core.hasPendingCommit()) core.commitInMemory();
    };
    exec('CreateTable', tableSpec);
    const direct = sendEngine(async (op, request) => exec(op, request) ?? {});
    await bulkLoad(direct, items);
  }

  const getKey = (i) => ({ pk: { S: `user#${i % PARTITIONS}` }, sk: { S: `item#${pad(i)}` } });
  const getText = (i) => JSON.stringify({ TableName: TABLE, Key: getKey(i) });
  const queryRequest = (q) => ({
    TableName: TABLE,
    KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
    ExpressionAttributeValues: { ':p': { S: q.pk }, ':lo': { S: q.lo }, ':hi': { S: q.hi } },
  });

  const table = db.table(TABLE);
  const layers = {
    execute: core && {
      GetItem: (i) => core.execute('GetItem', getText(i)),
      Query: (q) => core.execute('Query', JSON.stringify(queryRequest(q))),
    },
    sendJson: {
      GetItem: (i) => db.sendJson('GetItem', getText(i)),
      Query: (q) => db.sendJson('Query', JSON.stringify(queryRequest(q))),
    },
    send: {
      GetItem: (i) => db.send('GetItem', { TableName: TABLE, Key: getKey(i) }),
      Query: (q) => db.send('Query', queryRequest(q)),
    },
    bench: {
      GetItem: (i) => engine.get(`user#${i % PARTITIONS}`, `item#${pad(i)}`),
      Query: (q) => engine.range(q.pk, q.lo, q.hi),
    },
    document: {
      GetItem: (i) => table.get({ pk: `user#${i % PARTITIONS}`, sk: `item#${pad(i)}` }),
      Query: (q) => table.query({ pk: q.pk, sk: { between: [q.lo, q.hi] } }),
    },
  };
  return { db, core, layers, loadMs };
}


async function measure(fn, op, count) {
  const rand = random(7);
  const args = [];
  for (let k = 0; k < count; k++) args.push(op === 'GetItem' ? Math.floor(rand() * items) : rangeQuery(rand, items));
  for (let k = 0; k < Math.min(200, count); k++) await fn(args[k]);  // warm-up
  const c0 = cpuSeconds();
  const w0 = performance.now();
  for (let k = 0; k < count; k++) await fn(args[k]);
  const cpuS = cpuSeconds() - c0;
  return { opsPerSec: count / cpuS, wallOpsPerSec: count / ((performance.now() - w0) / 1000) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// Rounds interleave the layers (round r of every layer, then round r + 1), so that a change of the
// machine's load or a late JIT tier-up does not fall on one layer only.
const setups = [];
for (const dist of dists) setups.push({ dist, ...(await setUp(dist)) });
const cases = [];
for (const setup of setups) {
  for (const [layer, fns] of Object.entries(setup.layers)) {
    if (!fns || (only && !only.includes(layer))) continue;
    for (const op of ['GetItem', 'Query']) {
      if (!onlyOp || op === onlyOp) cases.push({ dist: setup.dist, layer, op, fn: fns[op], rates: [] });
    }
  }
}
const stopProfile = await startProfile(profileTo);
for (let r = 0; r < rounds; r++) {
  for (const c of cases) {
    const count = c.op === 'Query' ? Math.max(100, Math.floor(ops / 20)) : ops;
    c.rates.push((await measure(c.fn, c.op, count)).opsPerSec);
  }
}
await stopProfile();
const results = cases.map(({ dist, layer, op, rates }) => {
  const rate = median(rates);
  return { dist, layer, op, opsPerSec: Math.round(rate), usPerOp: Number((1e6 / rate).toFixed(2)) };
});
for (const { db, core } of setups) {
  await db.close();
  core?.close();
}

console.log(`memory-path: ${items} items, Node ${process.version}, load average ` +
    `${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; median of ${rounds} rounds, ops/s per CPU second`);
for (const op of ['GetItem', 'Query']) {
  for (const r of results.filter((x) => x.op === op)) {
    const where = dists.length > 1 ? ` ${path.relative(process.cwd(), r.dist) || '.'}` : '';
    console.log(`${op.padEnd(8)} ${r.layer.padEnd(9)} ${String(r.opsPerSec).padStart(8)} ops/s ` +
        `${String(r.usPerOp).padStart(8)} us/op${where}`);
  }
}
console.log(JSON.stringify({ items, results, loadavg: os.loadavg() }));
