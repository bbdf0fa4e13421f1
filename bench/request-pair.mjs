// Paired A/B measurement of the core request path (issue #16): the core
// engine's execute() (dist/core/engine.js: the wasm call, the request text in,
// the response text out, commitInMemory() after a write) for PutItem, GetItem
// and Query on the data of bench/api-cases.js, for SEVERAL builds of the
// package loaded into ONE process, so that a before/after pair sees the same
// machine load, JIT and heap:
//
//   node bench/request-pair.mjs --dist A --dist B [--rounds 9] [--ms 300] [--items 2000]
//        [--op GetItem] [--profile FILE.cpuprofile]
//
// Each round runs every operation on every build for --ms of CPU time, the
// builds' order reversed every other round (A B, B A, ...). Rates are per CPU
// second of this process (process.cpuUsage()). Output: per operation and
// build the median rate, and the median over rounds of each build's rate /
// the first build's rate in the same round (the figure to quote), with the
// load average (os.loadavg) before and after. --profile: a CPU profile of
// the timed rounds only (use a build linked with --profiling-funcs).

import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cpuSeconds, median, startProfile } from './support/cpu.mjs';
import { options } from './support/options.mjs';

const opt = options();
const dists = opt.all('--dist').map((d) => path.resolve(d));
if (dists.length === 0) throw new Error('request-pair: give at least one --dist');
const rounds = opt.number('--rounds', 9);
const ms = opt.number('--ms', 300);
const items = opt.number('--items', 2000);
const onlyOp = opt.value('--op', null);
const profileTo = opt.value('--profile', null);
const ORDERS = 100;

// The data and requests of bench/api-cases.js (repeated here so that no build's dist is imported
// through it).
const CREATE_TABLE = {
  TableName: 'Items',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  BillingMode: 'PAY_PER_REQUEST',
};
const wireItem = (key, i) => ({
  pk: { S: `item#${key}` }, sk: { N: '0' }, name: { S: `name ${i}` }, price: { N: String(i * 1.25) },
  tags: { L: [{ S: 'a' }, { S: 'b' }] },
});
const orderItem = (k) => ({ pk: { S: 'orders' }, sk: { N: String(k) }, status: { S: 'new' }, total: { N: String(k) } });
const requests = {
  PutItem: (i) => ({ TableName: 'Items', Item: wireItem(i % items, i) }),
  GetItem: (i) => ({ TableName: 'Items', Key: { pk: { S: `item#${i % items}` }, sk: { N: '0' } } }),
  Query: () => ({ TableName: 'Items', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'orders' } } }),
};
const OPS = Object.keys(requests).filter((op) => !onlyOp || op === onlyOp);

const check = (op, text) => {
  if (text.includes('"__type":"')) throw new Error(`${op} failed: ${text.slice(0, 300)}`);
  return text;
};

async function setUp(dist) {
  const { Engine } = await import(pathToFileURL(path.join(dist, 'core', 'engine.js')).href);
  const engine = await Engine.create({});
  const exec = (op, request) => {
    check(op, engine.execute(op, JSON.stringify(request)));
    if (engine.hasPendingCommit()) engine.commitInMemory();
  };
  exec('CreateTable', CREATE_TABLE);
  for (let i = 0; i < items; i++) exec('PutItem', requests.PutItem(i));
  for (let k = 0; k < ORDERS; k++) exec('PutItem', { TableName: 'Items', Item: orderItem(k) });
  const fns = {
    PutItem: (i) => {
      check('PutItem', engine.execute('PutItem', JSON.stringify(requests.PutItem(i))));
      engine.commitInMemory();
    },
    GetItem: (i) => check('GetItem', engine.execute('GetItem', JSON.stringify(requests.GetItem(i)))),
    Query: () => check('Query', engine.execute('Query', JSON.stringify(requests.Query()))),
  };
  if (!JSON.parse(fns.GetItem(1)).Item) throw new Error(`${dist}: GetItem found nothing`);
  if (JSON.parse(fns.Query(0)).Count !== ORDERS) throw new Error(`${dist}: Query did not return ${ORDERS} items`);
  return { dist, fns, next: 0 };
}


// Runs fn in batches of 100 until `ms` of CPU time have passed; ops per CPU second.
function measure(setup, op) {
  const fn = setup.fns[op];
  const c0 = cpuSeconds();
  let ops = 0;
  let spent = 0;
  while (spent * 1000 < ms) {
    for (let k = 0; k < 100; k++) fn(setup.next++);
    ops += 100;
    spent = cpuSeconds() - c0;
  }
  return ops / spent;
}


const loadBefore = os.loadavg();
const setups = [];
for (const dist of dists) setups.push(await setUp(dist));
// Warm-up: every case for `ms` once, untimed.
for (const op of OPS) for (const s of setups) measure(s, op);

const stopProfile = await startProfile(profileTo);
const rates = Object.fromEntries(OPS.map((op) => [op, setups.map(() => [])]));
for (let r = 0; r < rounds; r++) {
  const order = setups.map((_, i) => i);
  if (r % 2 === 1) order.reverse();
  for (const op of OPS) for (const i of order) rates[op][i].push(measure(setups[i], op));
}
await stopProfile();
const loadAfter = os.loadavg();

const fmt = (x) => Math.round(x).toLocaleString('en-US');
const result = { rounds, ms, items, load: { before: loadBefore, after: loadAfter }, dists, ops: {} };
console.log(`request-pair: ${rounds} rounds x ${ms} CPU ms per case, ${items} items; load ` +
  `${loadBefore.map((x) => x.toFixed(1)).join('/')} -> ${loadAfter.map((x) => x.toFixed(1)).join('/')}`);
for (const op of OPS) {
  const row = setups.map((s, i) => {
    const ratios = rates[op][i].map((v, r) => v / rates[op][0][r]);
    return { dist: s.dist, median: median(rates[op][i]), ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)], rates: rates[op][i] };
  });
  result.ops[op] = row;
  for (const x of row) {
    console.log(`${op.padEnd(8)} ${fmt(x.median).padStart(9)} ops/CPU s  x${x.ratio.toFixed(3)} ` +
      `[${x.ratioRange.map((v) => v.toFixed(2)).join('-')}]  ${x.dist}`);
  }
}
console.log(JSON.stringify(result));
