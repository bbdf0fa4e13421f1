// Recovery's decision when all three replicas are empty (web/persistence/recovery.js):
// a new database, unless the marker kept outside IndexedDB (marker.js) or a store's
// dataLoss report says the database held data; then open rejects with DataLossError
// (nothing created) unless acceptDataLoss, which starts empty and clears the marker.
// Memory stores and a marker object stand in for IndexedDB and localStorage.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, MemoryStore, DataLossError, PocketDynamoError } from 'pocketdynamo';
import { Engine } from '../../dist/core/engine.js';
import { recover } from '../../dist/persistence/recovery.js';

function fakeMarker(initial = null) {
  const marker = {
    value: initial,
    read: () => marker.value,
    write: (lsn) => { marker.value = { lsn, at: '2026-01-01T00:00:00.000Z' }; return true; },
    clear: () => { marker.value = null; },
  };
  return marker;
}

async function run(stores, options = {}) {
  const tools = await Engine.pageTools();
  let created = 0;
  const result = await recover(stores, tools, {
    name: 'shop',
    openEngine: (snapshot) => Engine.create({ snapshot }),
    createEngine: () => { created++; return Engine.create({}); },
    ...options,
  });
  return { result, created };
}

const empty = () => [new MemoryStore(), new MemoryStore(), new MemoryStore()];

test('empty replicas and no marker: a new database', async () => {
  const marker = fakeMarker();
  const { result, created } = await run(empty(), { marker });
  assert.equal(result.fresh, true);
  assert.equal(result.dataLoss, null);
  assert.equal(created, 1);
  result.engine.close();
});

test('empty replicas with a marker: DataLossError, nothing created, marker kept', async () => {
  const marker = fakeMarker({ lsn: 42, at: '2026-01-01T00:00:00.000Z' });
  let created = 0;
  await assert.rejects(run(empty(), { marker, createEngine: () => { created++; return Engine.create({}); } }), (error) => {
    assert.ok(error instanceof DataLossError);
    assert.ok(error instanceof PocketDynamoError);
    assert.equal(error.name, 'DataLossError');
    assert.equal(error.lastLsn, 42);
    assert.equal(error.database, 'shop');
    assert.match(error.message, /discarded this origin's IndexedDB storage/);
    assert.match(error.message, /LSN 42/);
    assert.match(error.message, /all three replicas/);
    assert.match(error.message, /acceptDataLoss: true/);
    assert.match(error.message, /No database was created/);
    return true;
  });
  assert.equal(created, 0);
  assert.deepEqual(marker.value, { lsn: 42, at: '2026-01-01T00:00:00.000Z' });
});

test("a store's dataLoss report alone: DataLossError quoting it, and the marker keeps the refusal", async () => {
  const stores = empty();
  Object.defineProperty(stores[1], 'dataLoss', { value: { kind: 'total', message: 'Corruption: checksum mismatch' } });
  const marker = fakeMarker();
  await assert.rejects(run(stores, { marker }), (error) => {
    assert.equal(error.name, 'DataLossError');
    assert.equal(error.dataLoss, 'total');
    assert.equal(error.lastLsn, null);
    assert.match(error.message, /dataLoss 'total' \("Corruption: checksum mismatch"\)/);
    return true;
  });
  assert.notEqual(marker.value, null, 'the one-time report is remembered for the next open');
  await assert.rejects(run(empty(), { marker }), { name: 'DataLossError' });
});

test('acceptDataLoss: opens empty, clears the marker, reports what was lost', async () => {
  const marker = fakeMarker({ lsn: 7, at: '2026-01-01T00:00:00.000Z' });
  const { result, created } = await run(empty(), { marker, acceptDataLoss: true });
  assert.equal(result.fresh, true);
  assert.equal(created, 1);
  assert.equal(marker.value, null);
  assert.deepEqual(result.dataLoss, { lastLsn: 7, markedAt: '2026-01-01T00:00:00.000Z', dataLoss: null, dataLossMessage: null });
  result.engine.close();
});

test('replicas holding data open normally whatever the marker says', async () => {
  const stores = empty();
  const db = await open({ stores });
  await db.send('CreateTable', {
    TableName: 'Items', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], BillingMode: 'PAY_PER_REQUEST',
  });
  await db.close();
  const marker = fakeMarker({ lsn: 1, at: '' });
  const { result } = await run(stores, { marker });
  assert.equal(result.fresh, false);
  assert.ok(result.lsn >= 1);
  assert.equal(result.dataLoss, null);
  result.engine.close();
});
