// pocketdynamo's HTTP server beside dynalite's, through the same AWS SDK v3
// client over HTTP on 127.0.0.1 (issue #15):
//
//   node bench/server-bench.mjs [--quick] [--out bench/results/server_bench]
//
// Each server runs in a process of its own, started the way a user starts
// it (pocketdynamo: `pocketdynamo serve` = dist/server/cli.js; dynalite: its
// cli.js from bench/compare/node_modules, scripts/setup.sh --bench), in
// memory, with one DynamoDBClient (keep-alive) in this process sending one
// request at a time. Rows: PutItem, GetItem, Query of 100 items,
// BatchWriteItem of 25 items: ops/s and p50/p99 latency; then start-up: the
// time from spawning the server process to its first answered ListTables
// (polled every millisecond), median of several starts, and the same for
// an in-process startServer() (pocketdynamo only: dynalite()'s is shown
// too, in-process), and how many fresh isolated databases (open() +
// CreateTable + close(), or a whole server) can be made per second. Writes
// <out>.json and <out>.md and prints the table.

import { spawn } from 'node:child_process';
import { freePort } from './support/free-port.mjs';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import {
  DynamoDBClient, CreateTableCommand, PutItemCommand, GetItemCommand, QueryCommand, BatchWriteItemCommand,
  ListTablesCommand, waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const outAt = args.indexOf('--out');
const out = path.resolve(repo, outAt >= 0 ? args[outAt + 1] : `bench/results/server_bench${quick ? '_quick' : ''}`);
const N = quick ? 500 : 3000;          // requests per row
const STARTS = quick ? 3 : 7;          // starts per start-up row
const CREDS = { accessKeyId: 'bench', secretAccessKey: 'bench' };

const compareRequire = createRequire(path.join(repo, 'bench', 'compare', 'package.json'));
let dynaliteDir = null;
try {
  dynaliteDir = path.dirname(compareRequire.resolve('dynalite/package.json'));
} catch {
  console.error('server-bench: dynalite is not installed (run scripts/setup.sh --bench): its column is left out');
}

const ENGINES = {
  pocketdynamo: (port) => [path.join(repo, 'dist', 'server', 'cli.js'), 'serve', '--port', String(port), '--quiet'],
  dynalite: (port) => [path.join(dynaliteDir, 'cli.js'), '--port', String(port), '--createTableMs', '0',
    '--deleteTableMs', '0', '--updateTableMs', '0'],
};

function client(endpoint) {
  return new DynamoDBClient({ endpoint, region: 'local', credentials: CREDS, maxAttempts: 1 });
}

// Spawns an engine; resolves once ListTables is answered: { child, endpoint, ms }.
async function startProcess(engine) {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const t0 = performance.now();
  const child = spawn(process.execPath, ENGINES[engine](port), { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const c = client(endpoint);
  for (;;) {
    if (exited) throw new Error(`${engine} exited before answering: ${stderr}`);
    try {
      await c.send(new ListTablesCommand({}));
      break;
    } catch (error) {
      if (error.code !== 'ECONNREFUSED' && !/ECONNREFUSED/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 1));
    }
  }
  const ms = performance.now() - t0;
  c.destroy();
  return { child, endpoint, ms };
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGINT');
  });
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

// CPU time (user + system, ms) the process has used so far, from /proc (Linux), or null.
// Unlike wall time it hardly depends on what else the machine runs.
function cpuMs(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;   // utime + stime, clock ticks of 10 ms
  } catch {
    return null;
  }
}

async function timeRow(n, fn, pid) {
  for (let i = 0; i < Math.min(100, n / 10); i++) await fn(i + 1e6);   // warm-up
  const lat = new Float64Array(n);
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const s = performance.now();
    await fn(i);
    lat[i] = performance.now() - s;
  }
  const total = performance.now() - t0;
  const cpu1 = cpuMs(pid);
  const sorted = Array.from(lat).sort((a, b) => a - b);
  return {
    ops: n / (total / 1000), p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99),
    serverCpuUsPerOp: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1000) / n,
  };
}

async function benchEngine(engine) {
  const { child, endpoint } = await startProcess(engine);
  const c = client(endpoint);
  const result = {};
  try {
    await c.send(new CreateTableCommand({
      TableName: 'Bench', BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
    }));
    // dynalite keeps a new table CREATING for a while (its createTableMs treats 0 as unset).
    await waitUntilTableExists({ client: c, minDelay: 0.1, maxDelay: 0.2, maxWaitTime: 60 }, { TableName: 'Bench' });
    const payload = { S: 'x'.repeat(100) };
    result.PutItem = await timeRow(N, (i) => c.send(new PutItemCommand({
      TableName: 'Bench', Item: { pk: { S: `p${i % 1000}` }, sk: { N: String(i) }, v: payload, n: { N: String(i) } },
    })), child.pid);
    result.GetItem = await timeRow(N, (i) => c.send(new GetItemCommand({
      TableName: 'Bench', Key: { pk: { S: `p${i % 1000}` }, sk: { N: String(i % N) } },
    })), child.pid);
    for (let b = 0; b < 4; b++) {
      await c.send(new BatchWriteItemCommand({ RequestItems: { Bench: Array.from({ length: 25 }, (_, j) => ({
        PutRequest: { Item: { pk: { S: 'hundred' }, sk: { N: String(b * 25 + j) }, v: payload } },
      })) } }));
    }
    result.Query100 = await timeRow(Math.max(100, N / 5), async () => {
      const r = await c.send(new QueryCommand({
        TableName: 'Bench', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'hundred' } },
      }));
      if (r.Count !== 100) throw new Error(`${engine}: Query returned ${r.Count} items, not 100`);
    }, child.pid);
    result.BatchWriteItem25 = await timeRow(Math.max(100, N / 5), (i) => c.send(new BatchWriteItemCommand({
      RequestItems: { Bench: Array.from({ length: 25 }, (_, j) => ({
        PutRequest: { Item: { pk: { S: `b${i % 100}` }, sk: { N: String(i * 25 + j) }, v: payload } },
      })) },
    })), child.pid);
  } finally {
    c.destroy();
    await stop(child);
  }
  const starts = [];
  for (let i = 0; i < STARTS; i++) {
    const s = await startProcess(engine);
    starts.push(s.ms);
    await stop(s.child);
  }
  starts.sort((a, b) => a - b);
  result.startProcess = { median: starts[Math.floor(starts.length / 2)], min: starts[0], max: starts[starts.length - 1] };
  return result;
}

// Start-up inside this process: create the server, listen, answer one ListTables.
async function inProcessStart(engine) {
  const times = [];
  for (let i = 0; i < STARTS; i++) {
    const t0 = performance.now();
    let endpoint;
    let close;
    if (engine === 'pocketdynamo') {
      const { startServer } = await import('pocketdynamo/server');
      const server = await startServer();
      endpoint = server.endpoint;
      close = () => server.close();
    } else {
      const dynalite = compareRequire('dynalite');
      const server = dynalite({ createTableMs: 0 });
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      endpoint = `http://127.0.0.1:${server.address().port}`;
      close = () => new Promise((resolve) => server.close(resolve));
    }
    const c = client(endpoint);
    await c.send(new ListTablesCommand({}));
    times.push(performance.now() - t0);
    c.destroy();
    await close();
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
}

// Fresh isolated databases (a test file that wants its own): open() + CreateTable + close(), and
// startServer() + CreateTable over HTTP + close(), per second, in this process.
async function freshRates() {
  const { open } = await import('pocketdynamo');
  const { startServer } = await import('pocketdynamo/server');
  const table = {
    TableName: 'Fresh', BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
  };
  const count = quick ? 20 : 100;
  let t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const db = await open();
    await db.send('CreateTable', table);
    await db.close();
  }
  const databases = count / ((performance.now() - t0) / 1000);
  t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const server = await startServer();
    const c = client(server.endpoint);
    await c.send(new CreateTableCommand(table));
    c.destroy();
    await server.close();
  }
  const servers = count / ((performance.now() - t0) / 1000);
  return { databasesPerSecond: databases, serversPerSecond: servers, count };
}

const engines = ['pocketdynamo', ...(dynaliteDir ? ['dynalite'] : [])];
const results = { when: new Date().toISOString(), node: process.version, n: N, loadavg: (await import('node:os')).loadavg(), engines: {} };
for (const engine of engines) {
  console.error(`server-bench: ${engine} ...`);
  results.engines[engine] = await benchEngine(engine);
  results.engines[engine].startInProcess = await inProcessStart(engine);
}

results.fresh = await freshRates();

const f = (x, d = 0) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const lines = [
  `# pocketdynamo server vs dynalite (${results.when}, Node ${process.version}, load ${results.loadavg.map((l) => l.toFixed(1)).join(' ')})`,
  '',
  `One AWS SDK v3 DynamoDBClient over HTTP on 127.0.0.1 (keep-alive), one request at a time; ${N} requests per row` +
  ' (Query and BatchWriteItem: a fifth). Each server in its own process, in memory. Server CPU µs/op: the' +
  " server process's user + system time over the row divided by its requests (from /proc; 10 ms ticks), which" +
  ' depends far less on the machine\'s load than ops/s and latency do.',
  '',
  `| row | ${engines.map((e) => `${e} ops/s | p50 ms | p99 ms | server CPU µs/op`).join(' | ')} |`,
  `|---|${engines.map(() => '---:|---:|---:|---:').join('|')}|`,
];
for (const row of ['PutItem', 'GetItem', 'Query100', 'BatchWriteItem25']) {
  lines.push(`| ${row} | ${engines.map((e) => {
    const r = results.engines[e][row];
    return `${f(r.ops)} | ${f(r.p50, 2)} | ${f(r.p99, 2)} | ${r.serverCpuUsPerOp === null ? '-' : f(r.serverCpuUsPerOp)}`;
  }).join(' | ')} |`);
}
lines.push('', '| start-up to first answered request | ' + engines.join(' | ') + ' |', `|---|${engines.map(() => '---:').join('|')}|`);
lines.push(`| new process (spawn -> ListTables answered), median of ${STARTS} | ${engines.map((e) => `${f(results.engines[e].startProcess.median, 1)} ms`).join(' | ')} |`);
lines.push(`| in this process (create, listen, answer), median of ${STARTS} | ${engines.map((e) => `${f(results.engines[e].startInProcess.median, 1)} ms`).join(' | ')} |`);
lines.push('', `Fresh isolated databases (in this process, ${results.fresh.count} each): open() + CreateTable + close() ` +
  `${f(results.fresh.databasesPerSecond)}/s; startServer() + CreateTable over HTTP + close() ${f(results.fresh.serversPerSecond)}/s.`);
const md = `${lines.join('\n')}\n`;
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(`${out}.json`, `${JSON.stringify(results, null, 2)}\n`);
fs.writeFileSync(`${out}.md`, md);
console.log(md);
