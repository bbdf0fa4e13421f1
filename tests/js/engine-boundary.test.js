// The core's C boundary (wasm-bindings/bindings.cc, web/core/engine.js):
// every call's bytes in and out, its errors, and that nothing leaks: loops of
// 100k calls leave the wasm heap (malloc's in-use bytes) where it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PocketDynamoError } from 'pocketdynamo';
import { Engine, PageFault } from '../../dist/core/engine.js';

const table = (name) => JSON.stringify({
  TableName: name,
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
});
const put = (i, pad = 'x') => JSON.stringify({ TableName: 'Tbl', Item: { pk: { S: `k${i}` }, pad: { S: pad.repeat(50) } } });
const get = (i) => JSON.stringify({ TableName: 'Tbl', Key: { pk: { S: `k${i}` } } });

function filled(engine, items = 50) {
  assert.ok(!engine.execute('CreateTable', table('Tbl')).includes('__type'));
  for (let i = 0; i < items; i++) assert.equal(engine.execute('PutItem', put(i)), '{}');
  return engine;
}

test('errors and outcomes cross beside the text', async () => {
  const engine = filled(await Engine.create({}));
  const missing = JSON.parse(engine.execute('GetItem', JSON.stringify({ TableName: 'Nope', Key: { pk: { S: 'a' } } })));
  assert.equal(missing.__type, 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException');
  assert.equal(engine.lastFailed, true);
  assert.deepEqual(JSON.parse(engine.execute('GetItem', get(3))).Item.pk, { S: 'k3' });
  assert.equal(engine.lastFailed, false);
  // An operation name the core does not know (and one with a lone surrogate) is its error, not a throw.
  assert.match(engine.execute('NoSuchOp', '{}'), /UnknownOperationException/);
  assert.match(engine.execute('No\uD800Op', '{}'), /UnknownOperationException/);
  assert.equal(engine.lastFailed, true);
  // Not a string: a TypeError before anything reaches the core.
  assert.throws(() => engine.execute('GetItem', 17), TypeError);
  assert.equal(engine.check(), '');
  engine.close();
  assert.throws(() => engine.execute('GetItem', get(1)), PocketDynamoError);
  assert.throws(() => engine.lsn, PocketDynamoError);
  engine.close();  // idempotent
  await assert.rejects(Engine.create({ pageSize: 1000 }), (e) => e instanceof PocketDynamoError && /Cannot open the database: /.test(e.message));
  await assert.rejects(Engine.create({ snapshot: { pageSize: 4096, pages: new Uint8Array(100) } }),
    /Cannot open the database: page bytes are not whole pages/);
});

test('numbers, ids and pages: what takeCommit, snapshot, durableImages and the page tools return', async () => {
  const tools = await Engine.pageTools();
  const engine = filled(await Engine.create({}));
  const commit = engine.takeCommit();
  assert.equal(commit.lsn, 1);
  assert.equal(commit.prevLsn, 0);
  assert.ok(commit.pageIds instanceof Uint32Array && commit.pageIds[0] === 0);
  assert.equal(commit.images.length, commit.pageIds.length * commit.pageSize);
  engine.markDurable(commit.lsn);
  assert.equal(engine.durableLsn, 1);
  const snap = engine.snapshot();
  assert.equal(snap.pages.length, engine.pageCount * snap.pageSize);
  assert.equal(engine.durablePageCount, engine.pageCount);
  // The images out are copies: the same bytes from every path, and JS's to change.
  const ids = [...commit.pageIds];
  const durable = engine.durableImages(ids);
  assert.deepEqual(durable, commit.images);
  for (const [k, id] of ids.entries()) {
    const image = durable.subarray(k * snap.pageSize, (k + 1) * snap.pageSize);
    assert.deepEqual(image, snap.pages.subarray(id * snap.pageSize, (id + 1) * snap.pageSize));
    assert.equal(tools.verifyPageImage(id, image, snap.pageSize), '');
    assert.equal(tools.verifyPageImage(id, image, snap.pageSize, 1), '');
  }
  durable.fill(0);
  assert.deepEqual(engine.durableImages(ids), commit.images);
  assert.throws(() => engine.durableImages([engine.pageCount + 5]), (e) => e instanceof PocketDynamoError && /^durableImages: /.test(e.message));
  const head = tools.readMetaHead(snap.pages.subarray(0, snap.pageSize));
  assert.deepEqual(head, { lsn: 1, pageSize: snap.pageSize, pageCount: engine.pageCount, freePageCount: head.freePageCount });
  assert.match(tools.readMetaHead(new Uint8Array(snap.pageSize)).error, /./);
  // The meta page says LSN 1: a limit below it refuses it.
  assert.match(tools.verifyPageImage(0, snap.pages.subarray(0, snap.pageSize), snap.pageSize, 0), /./);
  const bad = snap.pages.slice(snap.pageSize, 2 * snap.pageSize);
  bad[100] ^= 1;
  assert.match(tools.verifyPageImage(1, bad, snap.pageSize), /Corruption/);
  assert.match(tools.readRecordHeader(new Uint8Array([1, 2, 3])).error, /./);
  const stats = engine.cacheStats;
  assert.deepEqual(Object.keys(stats), ['residentBytes', 'pinnedBytes', 'hits', 'misses', 'evictions',
    'retainedRecordBytes', 'undoBytes', 'slotBytes']);
  assert.ok(Object.values(stats).every((v) => Number.isInteger(v) && v >= 0));
  assert.ok(engine.hotPages(10) instanceof Uint32Array);
  engine.close();
});

test('a paged engine: PageFault ids and hints, installPages texts', async () => {
  const source = filled(await Engine.create({}), 300);
  source.markDurable(source.takeCommit().lsn);
  const snap = source.snapshot();
  const size = snap.pageSize;
  const page = (id) => snap.pages.subarray(id * size, (id + 1) * size);
  const engine = await Engine.create({ lazy: { meta: page(0) }, cacheBytes: 1 << 20 });
  let faults = 0;
  const installed = new Set([0]);
  for (;;) {
    let text;
    try {
      text = engine.execute('GetItem', get(250));
    } catch (error) {
      assert.ok(error instanceof PageFault);
      assert.ok(error.ids.length > 0 && error.ids.every((id) => Number.isInteger(id)));
      assert.ok(Array.isArray(error.hints));
      faults++;
      const ids = [...error.ids, ...error.hints];
      const images = new Uint8Array(ids.length * size);
      ids.forEach((id, k) => images.set(page(id), k * size));
      assert.deepEqual(engine.installPages(ids, images), ids.map(() => ''));
      for (const id of ids) installed.add(id);
      continue;
    }
    assert.deepEqual(JSON.parse(text).Item.pk, { S: 'k250' });
    break;
  }
  assert.ok(faults > 0);
  // A corrupt image and a missing one: one text each, beside the '' of the good one.
  const [good, bad, none] = Array.from({ length: snap.pages.length / size }, (_, id) => id).filter((id) => !installed.has(id));
  const corrupt = page(bad).slice();
  corrupt[50] ^= 0xFF;
  const out = engine.installPages([good, bad, none], new Uint8Array([...page(good), ...corrupt]));
  assert.equal(out.length, 3);
  assert.equal(out[0], '');
  assert.match(out[1], new RegExp(`Corruption: page ${bad}`));
  assert.match(out[2], new RegExp(`page ${none}: no image`));
  engine.close();
  source.close();
});

test('100k calls keep the wasm heap flat; opening and closing engines frees them', async () => {
  const engine = filled(await Engine.create({}));
  const tools = await Engine.pageTools();
  engine.setChangeFeed(true);
  const big = JSON.stringify({ TableName: 'Tbl', Item: { pk: { S: 'big' }, v: { S: 'y'.repeat(400 * 1024) } } });
  const round = (i) => {
    switch (i % 10) {
      case 0: engine.execute('PutItem', put(i % 50, 'z')); break;
      case 1: engine.execute('GetItem', get(i % 50)); break;
      case 2: engine.execute('GetItem', JSON.stringify({ TableName: 'None', Key: { pk: { S: 'a' } } })); break;
      case 3: engine.takeChanges(); break;
      case 4: if (engine.hasPendingCommit()) engine.markDurable(engine.takeCommit().lsn); break;
      case 5: engine.durableImages([0, 1]); break;
      case 6: void engine.cacheStats; engine.hotPages(4); break;
      case 7: tools.readMetaHead(engine.durableImages([0])); break;
      case 8: engine.execute('Scan', JSON.stringify({ TableName: 'Tbl', Limit: 5 })); break;
      default: engine.execute('PutItem', '{"TableName":"T","Item":{"pk":{"S":"a\uD800"}}}');
    }
  };
  for (let i = 0; i < 2000; i++) round(i);
  engine.execute('PutItem', big);  // a request over 1 MiB of room: a buffer for the call only
  engine.execute('DeleteItem', JSON.stringify({ TableName: 'Tbl', Key: { pk: { S: 'big' } } }));
  engine.takeChanges();
  if (engine.hasPendingCommit()) engine.markDurable(engine.takeCommit().lsn);
  const before = engine.heapBytes;
  for (let i = 0; i < 100_000; i++) round(i);
  engine.takeChanges();
  if (engine.hasPendingCommit()) engine.markDurable(engine.takeCommit().lsn);
  const after = engine.heapBytes;
  // One leaked 16-byte block per call would be 1.6 MB.
  assert.ok(Math.abs(after - before) < 64 * 1024, `heap ${before} -> ${after}`);
  const opened = [];
  for (let i = 0; i < 200; i++) (await Engine.create({})).close();
  for (let i = 0; i < 200; i++) opened.push(await Engine.create({ snapshot: engine.snapshot() }));
  for (const e of opened) e.close();
  assert.ok(Math.abs(engine.heapBytes - after) < 64 * 1024, `heap ${after} -> ${engine.heapBytes}`);
  engine.close();
});
