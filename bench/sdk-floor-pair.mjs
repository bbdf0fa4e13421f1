// The AWS SDK against its own floor (issue #16: DynamoDBClient with
// db.requestHandler() within 1.25x of the same client whose request handler
// answers at once), measured INTERLEAVED in one process: both clients are
// set up and warmed, then timed in alternating blocks (order reversed every
// other round), so that the machine's load, the JIT and the heap fall on
// both alike. The data and requests are bench/api-cases.js's.
//
//   node bench/sdk-floor-pair.mjs [--dist DIR]... [--rounds 15] [--ms 300] [--items 2000] [--op GetItem]
//
// Rates per CPU second of this process; output per operation the median
// rate of each and the median over rounds of sdk / floor time per op (the
// figure #16 bounds by 1.25), with the load average before and after.
// With several --dist (a before/after pair), each build gets its own
// database and client in the same process and rounds, and the output adds
// the median over rounds of each build's sdk time per op / the first's.
//
// A third series, 'handler', times db.requestHandler().handle() alone on the
// requests the SDK built (captured once): the handler's own cost per op, so
// (floor + handler) / floor is what the SDK path costs over its floor by
// construction. On a loaded machine the sdk/floor pair swings by +-50% from
// round to round (the SDK's ~300 us of JS per call is what the load
// disturbs); the handler's ~20 us is far steadier, so that ratio is the one to
// read there.

import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { requests, ORDERS } from './api-cases.js';
import { cpuSeconds, median } from './support/cpu.mjs';
import { options } from './support/options.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = options();
const dists = (opt.all('--dist').length > 0 ? opt.all('--dist') : [path.join(here, '..', 'dist')]).map((d) => path.resolve(d));
const rounds = opt.number('--rounds', 15);
const ms = opt.number('--ms', 300);
const items = opt.number('--items', 2000);
const onlyOp = opt.value('--op', null);
const OPS = ['PutItem', 'GetItem', 'Query'].filter((op) => !onlyOp || op === onlyOp);
const Commands = { PutItem: PutItemCommand, GetItem: GetItemCommand, Query: QueryCommand };

// One database per build, with the same data.
async function openDb(dist) {
  const { open } = await import(pathToFileURL(path.join(dist, 'index.js')).href);
  const db = await open({ storage: 'memory' });
  await db.send('CreateTable', {
    TableName: 'Items',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  for (let i = 0; i < items; i++) await db.send('PutItem', requests.PutItem(i, items));
  for (let k = 0; k < ORDERS; k++) {
    await db.send('PutItem', { TableName: 'Items', Item: { pk: { S: 'orders' }, sk: { N: String(k) }, status: { S: 'new' }, total: { N: String(k) } } });
  }
  return db;
}
const dbs = [];
for (const dist of dists) dbs.push(await openDb(dist));
const labels = dists.length === 1 ? [''] : dists.map((d, i) => `#${i + 1}`);
const db = dbs[0];

// The floor: the same client with a handler answering at once with the text pocketdynamo gave op 0
// (as api-cases.js's 'sdk-floor').
function floorClient(text) {
  const body = new TextEncoder().encode(text);
  const headers = { 'content-type': 'application/x-amz-json-1.0', 'content-length': String(body.byteLength),
    'x-amzn-requestid': 'floor' };
  const requestHandler = {
    metadata: { handlerProtocol: 'floor' },
    handle: async () => ({ response: { statusCode: 200, reason: 'OK', headers, body } }),
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  };
  return new DynamoDBClient({ ...db.clientConfig(), requestHandler });
}

const sdks = dbs.map((d) => new DynamoDBClient(d.clientConfig()));
const cases = [];
for (const op of OPS) {
  const floor = floorClient(await db.sendJson(op, JSON.stringify(requests[op](0, items))));
  const make = (client) => {
    const fn = (i) => client.send(new Commands[op](requests[op](i, items)));
    fn.next = 1;
    return fn;
  };
  const fns = { floor: make(floor) };
  for (let d = 0; d < dbs.length; d++) {
    fns[`sdk${labels[d]}`] = make(sdks[d]);
    fns[`handler${labels[d]}`] = await handlerAlone(dbs[d], op);
  }
  cases.push({ op, fns, rates: Object.fromEntries(Object.keys(fns).map((name) => [name, []])) });
}

// handle() on the SDK's own requests for `op` (one per item, captured from a client whose handler
// records them), as the SDK calls it.
async function handlerAlone(database, op) {
  const handler = database.requestHandler();
  const captured = [];
  const recorder = new DynamoDBClient({ ...database.clientConfig(), requestHandler: {
    metadata: { handlerProtocol: 'recorder' },
    handle: (request, handlerOptions) => {
      captured.push(request);
      return handler.handle(request, handlerOptions);
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
    destroy() {},
  } });
  for (let i = 0; i < 200; i++) await recorder.send(new Commands[op](requests[op](i, items)));
  const fn = (i) => handler.handle(captured[i % captured.length], {});
  fn.next = 1;
  return fn;
}

async function measure(fn, budgetMs) {
  const c0 = cpuSeconds();
  let ops = 0;
  let spent = 0;
  while (spent * 1000 < budgetMs) {
    for (let k = 0; k < 50; k++) await fn(fn.next++);
    ops += 50;
    spent = cpuSeconds() - c0;
  }
  return ops / spent;
}

const loadBefore = os.loadavg();
for (const c of cases) for (const name of Object.keys(c.fns)) await measure(c.fns[name], 1500);  // warm-up
for (let r = 0; r < rounds; r++) {
  for (const c of cases) {
    const names = Object.keys(c.fns);
    for (const name of r % 2 ? names.reverse() : names) c.rates[name].push(await measure(c.fns[name], ms));
  }
}
const loadAfter = os.loadavg();
for (const d of dbs) await d.close();

console.log(`sdk-floor-pair: ${rounds} rounds x ${ms} CPU ms per case, ${items} items; load ` +
  `${loadBefore.map((x) => x.toFixed(1)).join('/')} -> ${loadAfter.map((x) => x.toFixed(1)).join('/')}`);
dists.forEach((d, i) => labels[i] && console.log(`${labels[i]} = ${d}`));
const range = (xs) => `[${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}]`;
const result = { rounds, ms, items, dists, load: { before: loadBefore, after: loadAfter }, ops: {} };
for (const c of cases) {
  const floor = c.rates.floor;
  result.ops[c.op] = { floor: median(floor), builds: [], rates: c.rates };
  labels.forEach((label, d) => {
    const sdk = c.rates[`sdk${label}`];
    const handler = c.rates[`handler${label}`];
    const ratios = sdk.map((v, r) => floor[r] / v);  // sdk time per op / floor time per op
    // (floor time + handler time) / floor time per op, per round
    const built = floor.map((v, r) => 1 + v / handler[r]);
    // this build's sdk time per op / the first build's, per round
    const paired = sdk.map((v, r) => c.rates[`sdk${labels[0]}`][r] / v);
    const row = { dist: dists[d], sdk: median(sdk), ratio: median(ratios), ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      handler: median(handler), handlerRatio: median(built), handlerRatioRange: [Math.min(...built), Math.max(...built)],
      vsFirst: median(paired), vsFirstRange: [Math.min(...paired), Math.max(...paired)] };
    result.ops[c.op].builds.push(row);
    console.log(`${(c.op + label).padEnd(10)} sdk ${Math.round(row.sdk).toLocaleString('en-US').padStart(7)} ops/CPU s, ` +
      `floor ${Math.round(median(floor)).toLocaleString('en-US').padStart(7)}: sdk/floor time x${row.ratio.toFixed(3)} ` +
      `${range(ratios)}; handler alone ${(1e6 / row.handler).toFixed(1)} us/op: (floor + handler)/floor ` +
      `x${row.handlerRatio.toFixed(3)} ${range(built)}` +
      (d > 0 ? `; sdk time / ${labels[0]}'s x${row.vsFirst.toFixed(3)} ${range(paired)}` : ''));
  });
}
console.log(JSON.stringify(result));
