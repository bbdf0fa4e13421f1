// db.sync() on a database whose core has a bounded page cache (the paged
// core, web/persistence/page-fetcher.js): every call of the sync's exclusive
// turns can fault, wait while the pages are read from a replica, and run
// again. Three in-memory replicas, chaos paging (every evictable page is
// evicted after each call), a checkpoint after each idle moment so that
// pages become evictable; dynalite as the remote.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { open } from 'pocketdynamo';
import { MemoryStore } from '../../dist/persistence/memory-store.js';
import { Engine } from '../../dist/core/engine.js';
import { content, putAll, localItems, remoteItems, remoteTable, startRemote, syncTableSpec } from './sync-support.js';

let remote;
before(async () => { remote = await startRemote(); });
after(async () => { await remote?.close(); });

const item = (pk, sk, extra = {}) => ({ pk: { S: pk }, sk: { S: sk }, ...extra });
const paging = typeof Engine.prototype.installPages === 'function';

// A database on three memory replicas that counts the page reads of the fault loop.
async function pagedDb(options = {}) {
  const reads = { n: 0 };
  const stores = [0, 1, 2].map((i) => {
    const store = new MemoryStore({ label: `replica #${i}` });
    const readPages = store.readPages.bind(store);
    store.readPages = (...args) => { reads.n++; return readPages(...args); };
    return store;
  });
  const db = await open(`sync-paged-${Math.random()}`, { stores, chaosPaging: true, checkpointIdleMs: 5,
    ttlSweepIntervalMs: 0, ...options });
  await db.send('CreateTable', syncTableSpec('Notes'));
  return { db, reads };
}

test('a paged core: hydrate, push, pull and a conflict with every turn faulting', { skip: !paging && 'no paged core in this build' }, async () => {
  const client = remote.client();
  const table = await remoteTable(remote);
  const seeded = Array.from({ length: 120 }, (_, i) => item(`p${i % 3}`, `s${String(i).padStart(3, '0')}`,
    { n: { N: String(i) }, _v: { N: '1' }, _w: { S: 'seed' }, _t: { N: '1000' } }));
  await putAll(client, table, seeded);
  const { db, reads } = await pagedDb();
  // Local data written and checkpointed before the sync starts: its pages are evictable, so they fault.
  for (let i = 0; i < 40; i++) {
    await db.send('PutItem', { TableName: 'Notes', Item: item('local', `l${i}`, { n: { N: String(i) } }) });
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const before = reads.n;
  const sync = await db.sync({ table: 'Notes', remote: client, remoteTable: table, pullIntervalMs: 60_000, pageSize: 25 });
  await sync.ready;
  assert.ok(reads.n > before, `the sync's turns read pages (${reads.n - before} reads)`);
  let expected = [...seeded.map(content), ...Array.from({ length: 40 }, (_, i) => item('local', `l${i}`, { n: { N: String(i) } }))];
  const sortKey = (x) => `${x.pk.S}\u0000${x.sk.S}`;
  expected = expected.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  const sorted = (items) => items.sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
  assert.deepEqual(sorted(await localItems(db, 'Notes')), expected);
  assert.deepEqual((await remoteItems(client, table)).map(content), expected);

  // A remote change and a concurrent local change to the same key: the default rule (higher version wins).
  const conflicts = [];
  sync.on('conflict', (c) => conflicts.push(c));
  await client.send(new PutItemCommand({ TableName: table, Item: item('p0', 's000',
    { n: { N: '100' }, _v: { N: '5' }, _w: { S: 'other' }, _t: { N: String(Date.now()) } }) }));
  await db.send('PutItem', { TableName: 'Notes', Item: item('p0', 's000', { n: { N: '-1' } }) });
  await db.send('DeleteItem', { TableName: 'Notes', Key: item('local', 'l0') });
  await sync.syncNow();
  assert.equal(conflicts.length, 1);
  assert.equal(conflicts[0].winner, 'remote');
  const local = await localItems(db, 'Notes');
  assert.deepEqual(local.find((x) => x.sk.S === 's000'), item('p0', 's000', { n: { N: '100' } }));
  assert.equal(local.some((x) => x.sk.S === 'l0'), false);
  const remoteNow = await remoteItems(client, table);
  assert.deepEqual(remoteNow.find((x) => x.sk.S === 'l0')?._del, { BOOL: true });
  assert.equal(sync.pending, 0);
  await sync.stop();
  await db.close();
});

test('a commit that fails while a turn waits for pages: the turn stops before its next call', { skip: !paging && 'no paged core in this build' }, async () => {
  // Replica #0 holds its reads (the page fetch) until the commit in flight has failed on #1 and #2 and was
  // rolled back; the turn's call that faulted must then not run on the rolled-back core.
  let db = null;
  let armed = false;
  const io = async ({ kind }) => {
    if (!armed || kind !== 'read') return;
    const t0 = Date.now();
    while (db.stats().rollbacks === 0 && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 2));
  };
  const stores = [0, 1, 2].map((i) => new MemoryStore({ label: `replica #${i}`, io: i === 0 ? io : null }));
  db = await open(`sync-paged-${Math.random()}`, { stores, chaosPaging: true, checkpointIdleMs: 5, ttlSweepIntervalMs: 0 });
  await db.send('CreateTable', syncTableSpec('Notes'));
  // Enough items for many leaves: the turn's write lands on pages the other write did not touch.
  const text = { S: 'x'.repeat(200) };
  for (let i = 0; i < 300; i += 25) {
    await db.send('BatchWriteItem', { RequestItems: { Notes: Array.from({ length: 25 }, (_, j) =>
      ({ PutRequest: { Item: item(`p${i + j}`, 's', { text }) } })) } });
  }
  await new Promise((resolve) => setTimeout(resolve, 50));   // checkpointed: the pages are evictable
  const exclusive = Symbol.for('pocketdynamo.exclusiveTurn');
  const write = db.send('PutItem', { TableName: 'Notes', Item: item('p0', 'w') });   // its commit will fail
  const calls = [];
  const turn = db[exclusive](async (exec) => {
    armed = true;
    stores[1].faults.failWrites = 1;
    stores[2].faults.failWrites = 1;
    calls.push((await exec('PutItem', { TableName: 'Notes', Item: item('p299', 'x') })).__type ?? 'ok');
    calls.push('after');
  });
  await assert.rejects(write, /replica/i);
  const outcome = await turn.then(() => 'resolved', (e) => e.message);
  assert.match(outcome, /a failed commit undid part of the sync's exclusive turn/);
  armed = false;
  assert.deepEqual(calls, []);
  assert.equal(db.stats().rollbacks, 1);
  const keys = (await localItems(db, 'Notes')).map((i) => i.sk.S);
  assert.equal(keys.includes('x'), false);
  assert.equal(keys.includes('w'), false);
  assert.equal(keys.length, 300);
  await db.close();
});
