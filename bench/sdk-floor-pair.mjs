// The AWS SDK against its own floor (issue #16: DynamoDBClient with
// db.requestHandler() within 1.25x of the same client whose request handler
// answers at once), measured INTERLEAVED in one process: both clients are
// set up and warmed, then timed in alternating blocks (order reversed every
// other round), so that the machine's load, the JIT and the heap fall on
// both alike. The data and requests are bench/api-cases.js's.
//
//   node bench/sdk-floor-pair.mjs [--dist DIR] [--rounds 15] [--ms 300] [--items 2000] [--op GetItem]
//
// Rates per CPU second of this process; output per operation the median
// rate of each and the median over rounds of sdk / floor time per op (the
// figure #16 bounds by 1.25), with the load average before and after.
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
const dist = path.resolve(opt.value('--dist', path.join(here, '..', 'dist')));
const rounds = opt.number('--rounds', 15);
const ms = opt.number('--ms', 300);
const items = opt.number('--items', 2000);
const onlyOp = opt.value('--op', null);
const OPS = ['PutItem', 'GetItem', 'Query'].filter((op) => !onlyOp || op === onlyOp);
const Commands = { PutItem: PutItemCommand, GetItem: GetItemCommand, Query: QueryCommand };

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

const sdk = new DynamoDBClient(db.clientConfig());
const cases = [];
for (const op of OPS) {
  const floor = floorClient(await db.sendJson(op, JSON.stringify(requests[op](0, items))));
  const make = (client) => {
    const fn = (i) => client.send(new Commands[op](requests[op](i, items)));
    fn.next = 1;
    return fn;
  };
  cases.push({ op, fns: { sdk: make(sdk), floor: make(floor), handler: await handlerAlone(op) },
    rates: { sdk: [], floor: [], handler: [] } });
}

// handle() on the SDK's own requests for `op` (one per item, captured from a client whose handler
// records them), as the SDK calls it.
async function handlerAlone(op) {
  const handler = db.requestHandler();
  const captured = [];
  const recorder = new DynamoDBClient({ ...db.clientConfig(), requestHandler: {
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
for (const c of cases) for (const name of ['sdk', 'floor', 'handler']) await measure(c.fns[name], 1500);  // warm-up
for (let r = 0; r < rounds; r++) {
  const order = r % 2 ? ['handler', 'floor', 'sdk'] : ['sdk', 'floor', 'handler'];
  for (const c of cases) for (const name of order) c.rates[name].push(await measure(c.fns[name], ms));
}
const loadAfter = os.loadavg();
await db.close();

console.log(`sdk-floor-pair: ${rounds} rounds x ${ms} CPU ms per case, ${items} items; load ` +
  `${loadBefore.map((x) => x.toFixed(1)).join('/')} -> ${loadAfter.map((x) => x.toFixed(1)).join('/')}`);
const result = { rounds, ms, items, dist, load: { before: loadBefore, after: loadAfter }, ops: {} };
for (const c of cases) {
  const ratios = c.rates.sdk.map((v, r) => c.rates.floor[r] / v);  // sdk time per op / floor time per op
  // (floor time + handler time) / floor time per op, per round
  const built = c.rates.floor.map((v, r) => 1 + v / c.rates.handler[r]);
  const row = { sdk: median(c.rates.sdk), floor: median(c.rates.floor), ratio: median(ratios),
    ratioRange: [Math.min(...ratios), Math.max(...ratios)], handler: median(c.rates.handler),
    handlerRatio: median(built), handlerRatioRange: [Math.min(...built), Math.max(...built)], rates: c.rates };
  result.ops[c.op] = row;
  console.log(`${c.op.padEnd(8)} sdk ${Math.round(row.sdk).toLocaleString('en-US').padStart(7)} ops/CPU s, ` +
    `floor ${Math.round(row.floor).toLocaleString('en-US').padStart(7)}: sdk/floor time x${row.ratio.toFixed(3)} ` +
    `[${row.ratioRange.map((v) => v.toFixed(2)).join('-')}]; handler alone ` +
    `${(1e6 / row.handler).toFixed(1)} us/op: (floor + handler)/floor x${row.handlerRatio.toFixed(3)} ` +
    `[${row.handlerRatioRange.map((v) => v.toFixed(2)).join('-')}]`);
}
console.log(JSON.stringify(result));
