// The cases of the API benchmark, shared by Node (bench/js-api.mjs) and
// Chromium (bench/api-page.js, bundled by bench/api-bench.mjs): the same
// data, the same requests and the same timing loop in both, mirrored in C++
// by bench/api_bench.cc (whose request texts the driver compares with
// requestTexts() below).
//
//   const fn = await prepare('send', 'Query', { items: 2000 });  // fresh database + data + warm-up
//   const { ops, wallS } = await run(fn, 1.0);                     // timed: about 1 s of wall time
//   await finish();                                                 // closes the database
//
// Data: table "Items" (pk S HASH, sk N RANGE) with `items` items item#<i>
// (sk 0, name, price i * 1.25, tags ["a", "b"]) and a partition "orders" of
// 100 items (sk 0..99, status, total). Op i of a case:
//   PutItem  replaces item#<i % items> (name "name <i>", price i * 1.25)
//   GetItem  item#<i % items>
//   Query    pk = "orders": all 100 items in one response
// APIs, each on a fresh database with storage 'memory':
//   direct    the core Engine (dist/core/engine.js) called straight from JS:
//             execute(op, JSON.stringify(request)) -> response text (not
//             parsed), plus commitInMemory() after a write. No queue, no
//             replicas: the wasm boundary and the core only.
//   send      db.send(op, request): the Database queue, the commit protocol
//             over three in-memory replicas, response JSON.parse'd
//   document  db.table('Items').put / get / query with plain JS values
//   aws-sdk   DynamoDBClient(db.clientConfig()) with Put/Get/QueryCommand
//   sdk-floor the same client and commands with a request handler that
//             answers at once with the response text pocketdynamo gave op 0
//             (no database behind it): the SDK's own cost, the floor of
//             aws-sdk (issue #16: aws-sdk within 1.25x of it)
// Operations are awaited one at a time: latency-bound throughput of one
// caller.

import { DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { open } from 'pocketdynamo';
import { Engine } from '../dist/core/engine.js';

export const APIS = ['direct', 'send', 'document', 'aws-sdk', 'sdk-floor'];
const SDK_APIS = ['aws-sdk', 'sdk-floor'];
export const OPS = ['PutItem', 'GetItem', 'Query'];
export const ORDERS = 100;  // items in the Query partition (and in each Query response)

const CREATE_TABLE = {
  TableName: 'Items',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  BillingMode: 'PAY_PER_REQUEST',
};

/** The plain item written by op i of PutItem (i === key when loading). */
const docItem = (key, i) => ({ pk: `item#${key}`, sk: 0, name: `name ${i}`, price: i * 1.25, tags: ['a', 'b'] });
const wireItem = (key, i) => ({
  pk: { S: `item#${key}` }, sk: { N: '0' }, name: { S: `name ${i}` }, price: { N: String(i * 1.25) },
  tags: { L: [{ S: 'a' }, { S: 'b' }] },
});
const orderItem = (k) => ({ pk: { S: 'orders' }, sk: { N: String(k) }, status: { S: 'new' }, total: { N: String(k) } });

/** The DynamoDB JSON requests of op i (what send() and the SDK commands get). */
export const requests = {
  PutItem: (i, items) => ({ TableName: 'Items', Item: wireItem(i % items, i) }),
  GetItem: (i, items) => ({ TableName: 'Items', Key: { pk: { S: `item#${i % items}` }, sk: { N: '0' } } }),
  Query: () => ({ TableName: 'Items', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'orders' } } }),
};

/** The request texts of op 1, to compare with api_bench's "requests". */
export function requestTexts(items) {
  return Object.fromEntries(OPS.map((op) => [op, JSON.stringify(requests[op](1, items))]));
}

let current = null;  // { close() } of the prepared case's database or engine

function check(op, text) {
  if (text.includes('"__type":"')) throw new Error(`${op} failed: ${text.slice(0, 300)}`);
  return text;
}

async function loadedDatabase(items) {
  const db = await open({ storage: 'memory' });
  await db.send('CreateTable', CREATE_TABLE);
  for (let i = 0; i < items; i++) await db.send('PutItem', { TableName: 'Items', Item: wireItem(i, i) });
  for (let k = 0; k < ORDERS; k++) await db.send('PutItem', { TableName: 'Items', Item: orderItem(k) });
  return db;
}

async function loadedEngine(items) {
  const engine = await Engine.create({});
  const exec = (op, request) => {
    check(op, engine.execute(op, JSON.stringify(request)));
    if (engine.hasPendingCommit()) engine.commitInMemory();
  };
  exec('CreateTable', CREATE_TABLE);
  for (let i = 0; i < items; i++) exec('PutItem', { TableName: 'Items', Item: wireItem(i, i) });
  for (let k = 0; k < ORDERS; k++) exec('PutItem', { TableName: 'Items', Item: orderItem(k) });
  return engine;
}

function directOp(engine, op, items) {
  if (op === 'PutItem') {
    return async (i) => {
      check(op, engine.execute(op, JSON.stringify(requests.PutItem(i, items))));
      engine.commitInMemory();
    };
  }
  return async (i) => check(op, engine.execute(op, JSON.stringify(requests[op](i, items))));
}

function databaseOp(db, api, op, items) {
  if (api === 'send') return (i) => db.send(op, requests[op](i, items));
  if (api === 'document') {
    const t = db.table('Items');
    if (op === 'PutItem') return (i) => t.put(docItem(i % items, i));
    if (op === 'GetItem') return (i) => t.get({ pk: `item#${i % items}`, sk: 0 });
    return () => t.query({ pk: 'orders' });
  }
  const client = new DynamoDBClient(db.clientConfig());
  const Command = { PutItem: PutItemCommand, GetItem: GetItemCommand, Query: QueryCommand }[op];
  return (i) => client.send(new Command(requests[op](i, items)));
}

// The SDK's floor: a client whose request handler answers every request at once with `text`
// (status 200, the headers pocketdynamo's handler sends), as fast as a handler can.
function floorOp(db, op, items, text) {
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
  const client = new DynamoDBClient({ ...db.clientConfig(), requestHandler });
  const Command = { PutItem: PutItemCommand, GetItem: GetItemCommand, Query: QueryCommand }[op];
  return (i) => client.send(new Command(requests[op](i, items)));
}

// What each case's first answer must hold (the operation really ran).
async function firstAnswerCheck(api, op, fn) {
  const out = await fn(0);
  if (op === 'Query') {
    const count = api === 'direct' ? JSON.parse(out).Count : api === 'document' ? out.items.length : out.Count;
    if (count !== ORDERS) throw new Error(`${api} Query returned ${count} items, not ${ORDERS}`);
  } else if (op === 'GetItem') {
    const found = api === 'direct' ? JSON.parse(out).Item : api === 'document' ? out : out.Item;
    if (found === undefined) throw new Error(`${api} GetItem found nothing`);
  }
}

/**
 * A fresh database (or engine) loaded with the data, and the function that
 * runs op i of the case, already warmed up for warmMs milliseconds (default
 * 200; the SDK cases 1,500: the SDK's code is large, and with 200 ms the
 * first SDK case measured still paid its compilation, ~3x the floor's time
 * that came after it, in a run where the two measured warm differ 1.7x).
 */
export async function prepare(api, op, { items = 2000, warmMs = SDK_APIS.includes(api) ? 1500 : 200 } = {}) {
  await finish();
  let fn;
  if (api === 'direct') {
    const engine = await loadedEngine(items);
    current = engine;
    fn = directOp(engine, op, items);
  } else {
    if (!APIS.includes(api)) throw new Error(`unknown api ${api}`);
    const db = await loadedDatabase(items);
    current = db;
    fn = api === 'sdk-floor'
      ? floorOp(db, op, items, await db.sendJson(op, JSON.stringify(requests[op](0, items))))
      : databaseOp(db, api, op, items);
  }
  await firstAnswerCheck(api, op, fn);
  const warmUntil = performance.now() + warmMs;
  let i = 1;
  while (performance.now() < warmUntil) await fn(i++);
  fn.next = i;
  return fn;
}

/**
 * Runs fn in batches of 50 awaited operations for about `seconds` of wall
 * time. Resolves to { ops, wallS }.
 */
export async function run(fn, seconds) {
  let i = fn.next ?? 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  let ops = 0;
  while (performance.now() < end) {
    for (let k = 0; k < 50; k++) await fn(i++);
    ops += 50;
  }
  const wallS = (performance.now() - start) / 1000;
  fn.next = i;
  return { ops, wallS };
}

/** Closes the prepared case's database or engine. */
export async function finish() {
  if (current !== null) await current.close();
  current = null;
}
