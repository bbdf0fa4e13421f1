// db.sync() measured against dynalite on 127.0.0.1 (issue #18): items/s to
// hydrate and to push N items (default 10,000), the latency from a local
// write to the remote's acknowledgement with the sync running, and the cost
// of the sync on a local PutItem (sync off vs on, interleaved, same run),
// and an incremental pull round from the remote's stream vs by Scan.
// Not a test. Writes bench/results/sync.md (with the machine's load).
//
//   npm run build:js && node bench/sync-bench.mjs [--items N] [--out FILE] [--parts remote,hydrate,push,latency,cost,pull]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn } from 'node:child_process';
import { CreateTableCommand, DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { localDb, putAll, remoteItems, remoteTable, startRemote, syncTableSpec } from '../tests/js/sync-support.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const arg = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const N = Number(arg('--items', 10_000));
const OUT = arg('--out', path.join(repo, 'bench/results/sync.md'));
const PARTS = arg('--parts', 'remote,hydrate,push,latency,cost,pull').split(',');   // which measurements to run
const item = (pk, sk, extra = {}) => ({ pk: { S: pk }, sk: { S: sk }, ...extra });
const payload = (i) => ({ n: { N: String(i) }, text: { S: `item ${i} `.padEnd(100, 'x') } });
const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(p * s.length))]; };
const lines = [];
const say = (s) => { console.log(s); lines.push(s); };

// `npx pocketdynamo serve` in a child process (in memory): { endpoint, client(), close() }.
async function startServerProcess() {
  const child = spawn(process.execPath, ['--input-type=module', '-e',
    "const { startServer } = await import('pocketdynamo/server'); const s = await startServer({ port: 0 });" +
    ' console.log(new URL(s.endpoint).port);'], { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
    child.once('exit', (code) => reject(new Error(`the server exited (${code})`)));
  });
  const clients = [];
  return {
    endpoint: `http://127.0.0.1:${port}`,
    client() {
      const c = new DynamoDBClient({ endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', maxAttempts: 1,
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
      clients.push(c);
      return c;
    },
    close() {
      for (const c of clients) c.destroy();
      return new Promise((resolve) => { child.once('exit', resolve); child.kill(); });
    },
  };
}

const remote = await startRemote({ childProcess: true });
const loadBefore = load();

// 0. The remote's own ceiling: conditional PutItems straight from the SDK, 8 at a time (what a push does).
if (PARTS.includes('remote')) {
  const client = remote.client();
  const table = await remoteTable(remote);
  const n = Math.min(N, 2000);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (next < n) {
      const i = next++;
      await client.send(new PutItemCommand({ TableName: table, Item: item(`p${i % 50}`, `s${i}`, { ...payload(i), _v: { N: '1' } }),
        ConditionExpression: 'attribute_not_exists(#v)', ExpressionAttributeNames: { '#v': '_v' } }));
    }
  }));
  say(`the remote alone: ${(n / ((performance.now() - t0) / 1000)).toFixed(0)} conditional PutItem/s from the SDK, 8 at a time (${n} items)`);
}

// 1. Hydrate: N items on the remote, a fresh local database.
if (PARTS.includes('hydrate')) {
  const client = remote.client();
  const table = await remoteTable(remote);
  await putAll(client, table, Array.from({ length: N }, (_, i) => item(`p${i % 50}`, `s${i}`,
    { ...payload(i), _v: { N: '1' }, _w: { S: 'seed' }, _t: { N: '1000' } })));
  const db = await localDb();
  const t0 = performance.now();
  let hydrated = 0;
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000, pageSize: 1000 });
  sync.on('progress', (p) => { if (p.done) hydrated = performance.now() - t0; });
  await sync.ready;
  const ready = performance.now() - t0;
  say(`hydrate ${N} items: ${(N / (hydrated / 1000)).toFixed(0)} items/s (${hydrated.toFixed(0)} ms to the last page; ` +
      `${ready.toFixed(0)} ms until ready, with the first push round checking every key)`);
  await sync.stop();
  await db.close();
}

// 2. Push: N local writes (BatchWriteItem, 25 per call) with the sync running; until the remote has all.
// Against dynalite (no TransactWriteItems: one conditional PutItem per key, whatever batchSize says) and against a
// pocketdynamo server in a child process (transactions of batchSize keys), same run.
async function pushBench(target, label, options) {
  const client = target.client();
  const table = await remoteTable(target);
  const db = await localDb();
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000, ...options });
  await sync.ready;
  // The outbox filled with the sync paused, then pushed alone: the push's own rate.
  sync.pause();
  for (let i = 0; i < N; i += 25) {
    const batch = [];
    for (let j = i; j < Math.min(N, i + 25); j++) batch.push({ PutRequest: { Item: item(`p${j % 50}`, `s${j}`, payload(j)) } });
    await db.send('BatchWriteItem', { RequestItems: { Notes: batch } });
  }
  const queued = sync.pending;
  const t0 = performance.now();
  sync.resume();
  await sync.syncNow();
  const pushed = performance.now() - t0;
  const count = (await remoteItems(client, table)).length;
  if (count !== N) throw new Error(`push: the remote has ${count} items, not ${N}`);
  say(`push ${N} items to ${label}, batchSize ${options.batchSize}: ${(N / (pushed / 1000)).toFixed(0)} items/s ` +
      `(${pushed.toFixed(0)} ms from resume() with ${queued} keys pending to all on the remote; concurrency 8)`);
  await sync.stop();
  await db.close();
}
if (PARTS.includes('push')) {
  const server = await startServerProcess();
  await pushBench(remote, 'dynalite', { batchSize: 1 });
  await pushBench(remote, 'dynalite', { batchSize: 25 });
  await pushBench(server, 'a pocketdynamo server', { batchSize: 1 });
  await pushBench(server, 'a pocketdynamo server', { batchSize: 25 });
  await pushBench(server, 'a pocketdynamo server', { batchSize: 100 });
  await server.close();
}

// 3. Latency: one local PutItem at a time, sync idle, until its push is acknowledged (the 'push' event).
if (PARTS.includes('latency')) {
  const client = remote.client();
  const table = await remoteTable(remote);
  const db = await localDb();
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000 });
  await sync.ready;
  const times = [];
  for (let i = 0; i < 100; i++) {
    const pushed = new Promise((resolve) => { const off = sync.on('push', () => { off(); resolve(); }); });
    const t0 = performance.now();
    await db.send('PutItem', { TableName: 'Notes', Item: item('lat', `s${i}`, payload(i)) });
    await pushed;
    times.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, 5));
  }
  say(`local write -> on the remote (100 writes, one at a time): median ${pct(times, 0.5).toFixed(1)} ms, ` +
      `p95 ${pct(times, 0.95).toFixed(1)} ms`);
  await sync.stop();
  await db.close();
}

// 4. Cost on a local PutItem: databases with the sync off, paused (the outbox is recorded: the stream record, the
// change feed; nothing is pushed) and on (pushing meanwhile), interleaved rounds of 2,000 PutItems.
if (PARTS.includes('cost')) {
  const client = remote.client();
  const off = await localDb();
  const paused = await localDb();
  const on = await localDb();
  const pausedSync = await paused.sync({ table: 'Notes', remote: client, remoteTable: await remoteTable(remote), pullIntervalMs: 60_000 });
  await pausedSync.ready;
  pausedSync.pause();
  const sync = await on.sync({ table: 'Notes', remote: client, remoteTable: await remoteTable(remote), pullIntervalMs: 60_000 });
  await sync.ready;
  const perPut = { off: [], paused: [], on: [] };
  for (let round = 0; round < 3; round++) {
    for (const [name, db] of [['off', off], ['paused', paused], ['on', on]]) {
      const t0 = performance.now();
      for (let i = 0; i < 2000; i++) {
        await db.send('PutItem', { TableName: 'Notes', Item: item(`p${i % 50}`, `r${round}-${i}`, payload(i)) });
      }
      perPut[name].push(((performance.now() - t0) * 1000) / 2000);
    }
  }
  await sync.syncNow();
  const best = (xs) => Math.min(...xs);
  const all = (name) => perPut[name].map((x) => x.toFixed(0)).join('/');
  say(`local PutItem, awaited one at a time (memory storage): sync off ${best(perPut.off).toFixed(0)} µs, ` +
      `paused (outbox recorded) ${best(perPut.paused).toFixed(0)} µs, on (pushing meanwhile, same event loop) ` +
      `${best(perPut.on).toFixed(0)} µs (best of 3 rounds of 2,000; all rounds: off ${all('off')}, paused ${all('paused')}, on ${all('on')})`);
  await sync.stop();
  await pausedSync.stop();
  await off.close();
  await paused.close();
  await on.close();
}

// 5. Pull: N items on a pocketdynamo server (it serves DynamoDB Streams) in a table with a stream; a synced database
// per pull source, hydrated; then rounds of 10 remote writes and one syncNow() (a pull round, then an empty push):
// the stream reads the new records only, the Scan reads the whole table through its filter on _t.
if (PARTS.includes('pull')) {
  const server = await startServerProcess();
  const client = server.client();
  const table = 'pullbench';
  await client.send(new CreateTableCommand({ ...syncTableSpec(table),
    StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }));
  await putAll(client, table, Array.from({ length: N }, (_, i) => item(`p${i % 50}`, `s${i}`,
    { ...payload(i), _v: { N: '1' }, _w: { S: 'seed' }, _t: { N: '1000' } })));
  const results = [];
  for (const pullFrom of ['stream', 'query']) {
    const db = await localDb();
    const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000, pageSize: 1000,
      pullFrom, overlapMs: 0 });
    await sync.ready;
    await sync.syncNow();   // the stream: its first round reads from TRIM_HORIZON (the N seed records)
    const times = [];
    for (let round = 0; round < 20; round++) {
      for (let j = 0; j < 10; j++) {
        await client.send(new PutItemCommand({ TableName: table, Item: item(`p${j}`, `s${j}`,
          { ...payload(round), _v: { N: String(round + 2) }, _w: { S: `other-${pullFrom}` }, _t: { N: String(Date.now()) } }) }));
      }
      const t0 = performance.now();
      await sync.syncNow();
      times.push(performance.now() - t0);
    }
    const got = await db.send('GetItem', { TableName: 'Notes', Key: item('p9', 's9') });
    if (got.Item?.n?.N !== '19') throw new Error(`pull ${pullFrom}: the last remote write did not arrive`);
    results.push(`${pullFrom === 'stream' ? 'from the stream' : 'by Scan'} median ${pct(times, 0.5).toFixed(1)} ms ` +
        `(p95 ${pct(times, 0.95).toFixed(1)})`);
    await sync.stop();
    await db.close();
  }
  say(`incremental pull round (10 remote changes, ${N} items in the remote table, then syncNow(), 20 rounds; ` +
      `a pocketdynamo server): ${results.join(', ')}`);
  await server.close();
}

await remote.close();
const header = [
  '# db.sync() benchmark (bench/sync-bench.mjs)',
  '',
  `${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), ` +
    `load average before ${loadBefore}, after ${load()}; remote: dynalite in a child process on 127.0.0.1 (through a TCP proxy in this one); for batched pushes also a pocketdynamo server in a child process (dynalite has no TransactWriteItems).`,
  '',
];
fs.mkdirSync(path.dirname(OUT), { recursive: true });
fs.writeFileSync(OUT, `${header.join('\n')}${lines.map((l) => `- ${l}`).join('\n')}\n`);
console.log(`wrote ${path.relative(repo, OUT)}`);
