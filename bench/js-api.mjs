// JS API benchmark: PutItem, GetItem and Query operations per second in Node
// through the three ways in (db.send, the document API, the AWS SDK v3 client
// via db.requestHandler()), against the BUILT package (npm run build:js), to
// compare with the native core benchmark (npm run bench:core).
//
//   node bench/js-api.mjs [--items N] [--seconds S] [--json]
//
// Each case runs for about S seconds (default 1.5) after a short warm-up, on
// a fresh in-memory database holding N items (default 2000) in one
// partition-key-per-item table plus a 100-item partition for Query. Queries
// read 10 items each (Limit 10). Operations are awaited one at a time, so
// the figures are latency-bound throughput of one caller. The last line with
// --json is a JSON array of { api, op, opsPerSec, usPerOp }.

import { open } from 'pocketdynamo';
import { DynamoDBClient, PutItemCommand, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';

const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const itemCount = arg('--items', 2000);
const seconds = arg('--seconds', 1.5);
const asJson = args.includes('--json');

async function measure(fn) {
  const warmUntil = performance.now() + 200;
  let i = 0;
  while (performance.now() < warmUntil) await fn(i++);
  const start = performance.now();
  const end = start + seconds * 1000;
  let ops = 0;
  while (performance.now() < end) {
    for (let k = 0; k < 50; k++) await fn(i++);
    ops += 50;
  }
  const ms = performance.now() - start;
  return { opsPerSec: Math.round((ops / ms) * 1000), usPerOp: Number(((ms * 1000) / ops).toFixed(1)) };
}

async function freshDb() {
  const db = await open('bench');
  await db.send('CreateTable', {
    TableName: 'Items', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  const t = db.table('Items');
  for (let i = 0; i < itemCount; i++) await t.put({ pk: `item#${i}`, sk: 0, name: `name ${i}`, price: i * 1.25, tags: ['a', 'b'] });
  for (let i = 0; i < 100; i++) await t.put({ pk: 'orders', sk: i, status: 'new', total: i });
  return db;
}

const attrs = (i) => ({ pk: { S: `put#${i}` }, sk: { N: '0' }, name: { S: `name ${i}` }, price: { N: String(i * 1.25) }, tags: { L: [{ S: 'a' }, { S: 'b' }] } });
const doc = (i) => ({ pk: `put#${i}`, sk: 0, name: `name ${i}`, price: i * 1.25, tags: ['a', 'b'] });

const cases = [
  ['send', 'PutItem', (db) => (i) => db.send('PutItem', { TableName: 'Items', Item: attrs(i) })],
  ['send', 'GetItem', (db) => (i) => db.send('GetItem', { TableName: 'Items', Key: { pk: { S: `item#${i % itemCount}` }, sk: { N: '0' } } })],
  ['send', 'Query', (db) => (i) => db.send('Query', {
    TableName: 'Items', KeyConditionExpression: 'pk = :p AND sk >= :s', Limit: 10,
    ExpressionAttributeValues: { ':p': { S: 'orders' }, ':s': { N: String(i % 90) } },
  })],
  ['document', 'PutItem', (db) => { const t = db.table('Items'); return (i) => t.put(doc(i)); }],
  ['document', 'GetItem', (db) => { const t = db.table('Items'); return (i) => t.get({ pk: `item#${i % itemCount}`, sk: 0 }); }],
  ['document', 'Query', (db) => { const t = db.table('Items'); return (i) => t.query({ pk: 'orders', sk: { ge: i % 90 } }, { limit: 10 }); }],
  ['aws-sdk', 'PutItem', (db) => { const c = new DynamoDBClient(db.clientConfig()); return (i) => c.send(new PutItemCommand({ TableName: 'Items', Item: attrs(i) })); }],
  ['aws-sdk', 'GetItem', (db) => { const c = new DynamoDBClient(db.clientConfig()); return (i) => c.send(new GetItemCommand({ TableName: 'Items', Key: { pk: { S: `item#${i % itemCount}` }, sk: { N: '0' } } })); }],
  ['aws-sdk', 'Query', (db) => { const c = new DynamoDBClient(db.clientConfig()); return (i) => c.send(new QueryCommand({
    TableName: 'Items', KeyConditionExpression: 'pk = :p AND sk >= :s', Limit: 10,
    ExpressionAttributeValues: { ':p': { S: 'orders' }, ':s': { N: String(i % 90) } },
  })); }],
];

const results = [];
if (!asJson) console.log(`pocketdynamo JS API, Node ${process.version}, ${itemCount} items, ~${seconds}s per case\n`);
for (const [api, op, make] of cases) {
  const db = await freshDb();
  const fn = make(db);
  let result;
  try {
    await fn(0);
    result = { api, op, ...(await measure(fn)) };
  } catch (error) {
    result = { api, op, opsPerSec: null, usPerOp: null, error: `${error.name}: ${error.message}` };
  }
  await db.close();
  results.push(result);
  if (!asJson) {
    const figure = result.error ? `not measured (${result.error})` :
      `${String(result.opsPerSec).padStart(8)} ops/s  ${String(result.usPerOp).padStart(8)} us/op`;
    console.log(`${api.padEnd(9)} ${op.padEnd(8)} ${figure}`);
  }
}
if (asJson) console.log(JSON.stringify(results));
