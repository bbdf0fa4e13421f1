// Soak run of pocketdynamo's HTTP server (issue #15): 50 concurrent AWS SDK
// clients, 60 s of mixed operations with conditional writes and
// transactions, on 127.0.0.1 only; bounded in time (--seconds) and stops by
// itself.
//
//   node bench/server-soak.mjs [--seconds 60] [--clients 50] [--keys 20] [--path DIR]
//
// The server runs as `pocketdynamo serve` (dist/server/cli.js) in its own
// process (in memory, or --path DIR for file replicas); its resident memory
// (VmRSS from /proc) is sampled every 2 s. Each client loops over:
//   - PutItem of a new key of its own, attribute_not_exists (never fails):
//     the key and value are recorded when acknowledged;
//   - DeleteItem of one of its acknowledged keys (recorded); a client holding
//     --keys keys (default 20) deletes instead of putting, so the data stays
//     bounded (about 1,000 items) and memory can be seen to stay flat;
//   - optimistic increments of one of 20 shared counters: GetItem, then
//     UpdateItem SET v = v + 1 with the condition v = <what was read>
//     (ConditionalCheckFailedException is the expected failure when another
//     client got there first); successes are counted per counter;
//   - TransactWriteItems moving 1 unit between two of 10 shared accounts
//     (3 units each at the start), with the condition balance >= 1 on the
//     source and a transaction count on both (TransactionCanceledException
//     with ConditionalCheckFailed, from an empty account, is expected);
//     successes are counted;
//   - Query of its own keys and GetItem of a shared counter.
// At the end every acknowledged write is read back: each kept key with its
// value, each deleted key absent, each counter equal to its successful
// increments, the accounts' total unchanged and their transaction counts
// equal to twice the successful transfers. Any other error, or any
// mismatch, makes the exit status 1. Prints the figures as JSON.

import { spawn } from 'node:child_process';
import { freePort } from './support/free-port.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, UpdateItemCommand, DeleteItemCommand,
  QueryCommand, TransactWriteItemsCommand, ScanCommand, BatchGetItemCommand,
} from '@aws-sdk/client-dynamodb';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const SECONDS = Math.min(600, Number(arg('--seconds', 60)));
const CLIENTS = Math.min(200, Number(arg('--clients', 50)));
const DATA = arg('--path', null);
const KEYS = Math.max(1, Number(arg('--keys', 20)));   // keys a client holds at most
const COUNTERS = 20;
const ACCOUNTS = 10;
const START_BALANCE = 3;   // small: transfers out of an empty account are cancelled (an expected failure)

function rssKiB(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const port = await freePort();
const endpoint = `http://127.0.0.1:${port}`;
const serverArgs = [path.join(repo, 'dist', 'server', 'cli.js'), 'serve', '--port', String(port), '--quiet',
  ...(DATA ? ['--path', DATA] : ['--memory'])];
const child = spawn(process.execPath, serverArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve, reject) => {
  child.stdout.once('data', resolve);
  child.once('exit', (code) => reject(new Error(`server exited ${code}`)));
});

const newClient = () => new DynamoDBClient({
  endpoint, region: 'local', credentials: { accessKeyId: 'soak', secretAccessKey: 'soak' }, maxAttempts: 1,
});
const admin = newClient();
const S = (s) => ({ S: s });
const N = (n) => ({ N: String(n) });
await admin.send(new CreateTableCommand({
  TableName: 'Soak', BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
}));
for (let i = 0; i < COUNTERS; i++) await admin.send(new PutItemCommand({ TableName: 'Soak', Item: { pk: S('counter'), sk: S(`c${i}`), v: N(0) } }));
for (let i = 0; i < ACCOUNTS; i++) {
  await admin.send(new PutItemCommand({ TableName: 'Soak', Item: { pk: S('account'), sk: S(`a${i}`), balance: N(START_BALANCE), txns: N(0) } }));
}

const stats = { ops: 0, puts: 0, deletes: 0, increments: 0, incrementConflicts: 0, transfers: 0, transferCancels: 0, reads: 0, unexpected: [] };
const counterSuccess = new Array(COUNTERS).fill(0);
const kept = new Map();      // 'client/key' -> value
const deleted = new Set();
const memory = [];
const deadline = Date.now() + SECONDS * 1000;
const sampler = setInterval(() => memory.push({ t: Math.round((Date.now() - (deadline - SECONDS * 1000)) / 1000), rssKiB: rssKiB(child.pid) }), 2000);

const rand = (n) => Math.floor(Math.random() * n);

async function clientLoop(id) {
  const c = newClient();
  const mine = [];
  let seq = 0;
  while (Date.now() < deadline) {
    const dice = rand(100);
    try {
      if (dice < 30 && mine.length < KEYS) {
        const sk = `k${seq++}`;
        const value = `${id}-${sk}-${rand(1e9)}`;
        await c.send(new PutItemCommand({ TableName: 'Soak', Item: { pk: S(`client${id}`), sk: S(sk), value: S(value) },
          ConditionExpression: 'attribute_not_exists(pk)' }));
        kept.set(`${id}/${sk}`, value);
        mine.push(sk);
        stats.puts++;
      } else if (dice < 35 && mine.length > 0) {
        const sk = mine.splice(rand(mine.length), 1)[0];
        await c.send(new DeleteItemCommand({ TableName: 'Soak', Key: { pk: S(`client${id}`), sk: S(sk) } }));
        kept.delete(`${id}/${sk}`);
        deleted.add(`${id}/${sk}`);
        stats.deletes++;
      } else if (dice < 65) {
        const i = rand(COUNTERS);
        const { Item } = await c.send(new GetItemCommand({ TableName: 'Soak', Key: { pk: S('counter'), sk: S(`c${i}`) } }));
        try {
          await c.send(new UpdateItemCommand({ TableName: 'Soak', Key: { pk: S('counter'), sk: S(`c${i}`) },
            UpdateExpression: 'SET v = v + :one', ConditionExpression: 'v = :seen',
            ExpressionAttributeValues: { ':one': N(1), ':seen': Item.v } }));
          counterSuccess[i]++;
          stats.increments++;
        } catch (error) {
          if (error.name !== 'ConditionalCheckFailedException') throw error;
          stats.incrementConflicts++;
        }
      } else if (dice < 85) {
        const from = rand(ACCOUNTS);
        const to = (from + 1 + rand(ACCOUNTS - 1)) % ACCOUNTS;
        try {
          await c.send(new TransactWriteItemsCommand({ TransactItems: [
            { Update: { TableName: 'Soak', Key: { pk: S('account'), sk: S(`a${from}`) },
              UpdateExpression: 'SET balance = balance - :one ADD txns :one', ConditionExpression: 'balance >= :one',
              ExpressionAttributeValues: { ':one': N(1) } } },
            { Update: { TableName: 'Soak', Key: { pk: S('account'), sk: S(`a${to}`) },
              UpdateExpression: 'SET balance = balance + :one ADD txns :one', ExpressionAttributeValues: { ':one': N(1) } } },
          ] }));
          stats.transfers++;
        } catch (error) {
          if (error.name !== 'TransactionCanceledException' ||
              !error.CancellationReasons.some((r) => r.Code === 'ConditionalCheckFailed')) throw error;
          stats.transferCancels++;
        }
      } else {
        await c.send(new QueryCommand({ TableName: 'Soak', KeyConditionExpression: 'pk = :p',
          ExpressionAttributeValues: { ':p': S(`client${id}`) }, Limit: 50 }));
        stats.reads++;
      }
      stats.ops++;
    } catch (error) {
      if (stats.unexpected.length < 20) stats.unexpected.push(`${error.name}: ${error.message}`);
      else stats.unexpected.length++;
    }
  }
  c.destroy();
}

const t0 = performance.now();
await Promise.all(Array.from({ length: CLIENTS }, (_, i) => clientLoop(i)));
const elapsed = (performance.now() - t0) / 1000;
clearInterval(sampler);

// Read everything back.
const problems = [];
const items = new Map();
let start;
do {
  const page = await admin.send(new ScanCommand({ TableName: 'Soak', ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
  for (const item of page.Items) items.set(`${item.pk.S}/${item.sk.S}`, item);
  start = page.LastEvaluatedKey;
} while (start);
for (const [key, value] of kept) {
  const [id, sk] = key.split('/');
  const item = items.get(`client${id}/${sk}`);
  if (item?.value?.S !== value) problems.push(`acknowledged put ${key} reads back as ${JSON.stringify(item?.value)}`);
}
for (const key of deleted) {
  const [id, sk] = key.split('/');
  if (items.has(`client${id}/${sk}`)) problems.push(`acknowledged delete ${key} is still there`);
}
let clientItems = 0;
for (const k of items.keys()) if (k.startsWith('client')) clientItems++;
if (clientItems !== kept.size) problems.push(`${clientItems} client items stored, ${kept.size} expected`);
for (let i = 0; i < COUNTERS; i++) {
  const v = Number(items.get(`counter/c${i}`).v.N);
  if (v !== counterSuccess[i]) problems.push(`counter c${i} is ${v}, ${counterSuccess[i]} increments were acknowledged`);
}
let total = 0;
let txns = 0;
for (let i = 0; i < ACCOUNTS; i++) {
  const balance = Number(items.get(`account/a${i}`).balance.N);
  if (balance < 0) problems.push(`account a${i} holds ${balance}: a conditional transfer overdrew it`);
  total += balance;
  txns += Number(items.get(`account/a${i}`).txns.N);
}
if (total !== ACCOUNTS * START_BALANCE) problems.push(`accounts hold ${total}, not ${ACCOUNTS * START_BALANCE}`);
if (txns !== 2 * stats.transfers) problems.push(`transaction counts add to ${txns}, not 2 x ${stats.transfers}`);
// One BatchGetItem of a sample of kept keys, through another operation path.
const sample = [...kept.keys()].slice(0, 100).map((k) => { const [id, sk] = k.split('/'); return { pk: S(`client${id}`), sk: S(sk) }; });
if (sample.length > 0) {
  const got = await admin.send(new BatchGetItemCommand({ RequestItems: { Soak: { Keys: sample, ConsistentRead: true } } }));
  if (got.Responses.Soak.length !== sample.length) problems.push(`BatchGetItem returned ${got.Responses.Soak.length} of ${sample.length}`);
}
admin.destroy();
const finalRss = rssKiB(child.pid);
await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGINT'); });

const rss = memory.map((m) => m.rssKiB).filter((x) => x !== null);
const afterWarmup = rss.slice(Math.floor(rss.length / 4));
const report = {
  seconds: Number(elapsed.toFixed(1)),
  clients: CLIENTS,
  storage: DATA ? 'file' : 'memory',
  opsPerSecond: Math.round(stats.ops / elapsed),
  ...stats,
  unexpected: stats.unexpected.length,
  unexpectedSamples: stats.unexpected.slice(0, 20),
  itemsAtEnd: items.size,
  keptChecked: kept.size,
  deletedChecked: deleted.size,
  serverRssMiB: {
    first: rss.length ? +(rss[0] / 1024).toFixed(1) : null,
    minAfterWarmup: afterWarmup.length ? +(Math.min(...afterWarmup) / 1024).toFixed(1) : null,
    maxAfterWarmup: afterWarmup.length ? +(Math.max(...afterWarmup) / 1024).toFixed(1) : null,
    last: finalRss === null ? null : +(finalRss / 1024).toFixed(1),
    samples: memory.length,
  },
  problems,
};
console.log(JSON.stringify(report, null, 2));
process.exit(problems.length === 0 && stats.unexpected.length === 0 ? 0 : 1);
