// Helpers of the sync tests (tests/js/sync*.test.js) and bench/sync-bench.mjs:
// dynalite on 127.0.0.1 as the remote (stoppable and restartable on the same
// port, its data kept), a client for it, tables on both sides.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { BatchWriteItemCommand, DynamoDBClient, CreateTableCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { open } from 'pocketdynamo';
import { MemoryStore } from '../../dist/persistence/memory-store.js';

/**
 * dynalite (in this process, or with childProcess: true in its own) behind a TCP proxy on 127.0.0.1 that can be
 * stopped (connections cut, new ones refused) and started again on the same
 * port, dynalite and its data untouched: { endpoint, port, client(), stop(),
 * start(), close() }.
 */
export async function startRemote({ childProcess = false } = {}) {
  let target;
  let closeServer;
  if (childProcess) {
    // dynalite in its own process (benchmarks: its work does not share this process's event loop).
    const child = spawn(process.execPath, ['--input-type=module', '-e',
      "const { default: d } = await import('dynalite'); const s = d({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });" +
      " s.listen(0, '127.0.0.1', () => console.log(s.address().port));"], { stdio: ['ignore', 'pipe', 'inherit'] });
    target = await new Promise((resolve, reject) => {
      child.stdout.once('data', (d) => resolve(Number(String(d).trim())));
      child.once('exit', (code) => reject(new Error(`dynalite exited (${code})`)));
    });
    closeServer = () => new Promise((resolve) => { child.once('exit', resolve); child.kill(); });
  } else {
    const { default: dynalite } = await import('dynalite');
    const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = server.address().port;
    closeServer = () => new Promise((resolve) => server.close(resolve));
  }
  const sockets = new Set();
  const proxy = net.createServer((socket) => {
    const upstream = net.connect(target, '127.0.0.1');
    sockets.add(socket).add(upstream);
    const drop = () => { socket.destroy(); upstream.destroy(); sockets.delete(socket); sockets.delete(upstream); };
    socket.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const port = proxy.address().port;
  const clients = [];
  const remote = {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    running: true,
    /** A new DynamoDBClient for it (no retries: the sync retries). */
    client() {
      const c = new DynamoDBClient({ endpoint: remote.endpoint, region: 'us-east-1', maxAttempts: 1,
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
        requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 } });
      clients.push(c);
      return c;
    },
    /** The endpoint goes away: open connections are cut and new ones refused; the data stays. */
    async stop() {
      const closed = new Promise((resolve) => proxy.close(resolve));
      for (const s of sockets) s.destroy();
      await closed;
      remote.running = false;
    },
    /** The endpoint comes back on the same port. */
    async start() {
      await new Promise((resolve, reject) => { proxy.once('error', reject); proxy.listen(port, '127.0.0.1', resolve); });
      remote.running = true;
    },
    async close() {
      for (const c of clients) c.destroy();
      if (remote.running) await remote.stop();
      await closeServer();
    },
  };
  return remote;
}

/** CreateTable input: pk (S) + sk (S), with an LSI 'byTime' on _t when asked. */
export function syncTableSpec(name, { lsi = false } = {}) {
  const spec = {
    TableName: name, BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  };
  if (lsi) {
    spec.AttributeDefinitions.push({ AttributeName: '_t', AttributeType: 'N' });
    spec.LocalSecondaryIndexes = [{ IndexName: 'byTime', Projection: { ProjectionType: 'ALL' },
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: '_t', KeyType: 'RANGE' }] }];
  }
  return spec;
}

let tables = 0;
/** A fresh remote table (unique name) on `remote`; returns its name. */
export async function remoteTable(remote, options) {
  const name = `sync${process.pid}_${++tables}`;
  const client = remote.client();
  await client.send(new CreateTableCommand(syncTableSpec(name, options)));
  return name;
}

/**
 * A local in-memory database with table `name`. With PD_CHAOS_PAGING=1: on
 * three in-memory replicas (storage 'memory' has no page cache), checkpointed
 * when idle, so that chaos paging evicts pages and the sync's turns fault.
 */
export async function localDb(name = 'Notes', options = {}) {
  const storage = process.env.PD_CHAOS_PAGING === '1'
    ? { stores: [0, 1, 2].map((i) => new MemoryStore({ label: `replica #${i}` })), checkpointIdleMs: 5 }
    : { storage: 'memory' };
  const db = await open(`sync-${Math.random()}`, { ...storage, ttlSweepIntervalMs: 0, ...options });
  await db.send('CreateTable', syncTableSpec(name));
  return db;
}

/** Every item of a remote table (DynamoDB JSON, SDK form), sorted by pk, sk. */
export async function remoteItems(client, table) {
  const items = [];
  let start;
  do {
    const out = await client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...out.Items);
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => (a.pk.S + '\u0000' + a.sk.S < b.pk.S + '\u0000' + b.sk.S ? -1 : 1));
}

/** Every item of a local table, sorted by pk, sk. */
export async function localItems(db, table) {
  const items = [];
  let start;
  do {
    const out = await db.send('Scan', { TableName: table, ExclusiveStartKey: start });
    items.push(...out.Items);
    start = out.LastEvaluatedKey;
  } while (start);
  return items.sort((a, b) => (a.pk.S + '\u0000' + a.sk.S < b.pk.S + '\u0000' + b.sk.S ? -1 : 1));
}

/** A remote item without the sync's attributes (null for a tombstone). */
export function content(item) {
  if (!item || item._del?.BOOL) return null;
  const { _v, _w, _t, _del, ...rest } = item;
  return rest;
}

/** Resolves once predicate() is true (polled every 5 ms); rejects after timeoutMs with `what`. */
export async function until(predicate, what, timeoutMs = 5000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Writes items (SDK form) to a remote table with BatchWriteItem, 25 at a time, 8 batches in flight. */
export async function putAll(client, table, items) {
  const batches = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = batches[next++].map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        requests = out.UnprocessedItems?.[table] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/**
 * The writes of the crash test: n items k0..k(n-1) in partition 'c' (n: i),
 * every third one updated (n + 1000), every fifth one deleted, interleaved.
 * [[operation, input]].
 */
export function crashPlan(n) {
  const plan = [];
  const key = (i) => ({ pk: { S: 'c' }, sk: { S: `k${String(i).padStart(4, '0')}` } });
  for (let i = 0; i < n; i++) {
    plan.push(['PutItem', { TableName: 'Notes', Item: { ...key(i), n: { N: String(i) } } }]);
    const j = i - 7;   // a few items back, so that some of these hit keys already pushed
    if (j >= 0 && j % 3 === 0) {
      plan.push(['UpdateItem', { TableName: 'Notes', Key: key(j), UpdateExpression: 'SET n = n + :k',
        ExpressionAttributeValues: { ':k': { N: '1000' } } }]);
    }
    if (j >= 0 && j % 5 === 0) plan.push(['DeleteItem', { TableName: 'Notes', Key: key(j) }]);
  }
  return plan;
}

/** The local items the crash plan leaves (wire form, sorted) and each key's count of writes. */
export function crashExpected(n) {
  const items = new Map();
  const writes = new Map();
  for (const [operation, input] of crashPlan(n)) {
    const sk = (input.Item ?? input.Key).sk.S;
    writes.set(sk, (writes.get(sk) ?? 0) + 1);
    if (operation === 'PutItem') items.set(sk, input.Item);
    else if (operation === 'DeleteItem') items.delete(sk);
    else {
      const it = items.get(sk);
      if (it) items.set(sk, { ...it, n: { N: String(Number(it.n.N) + 1000) } });
    }
  }
  return { items: [...items.values()].sort((a, b) => (a.sk.S < b.sk.S ? -1 : 1)), writes };
}
