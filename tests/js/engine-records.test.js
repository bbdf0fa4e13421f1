// The core's commit records through web/core/engine.js: takeCommit's record,
// opening from a snapshot + records (redo), durableImages with commits in
// flight, pageTools().readRecordHeader (core/pager/log_record.h).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PocketDynamoError } from 'pocketdynamo';
import { Engine } from '../../dist/core/engine.js';

const table = JSON.stringify({
  TableName: 'Tbl',
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
});
const put = (i, pad = 'x') => JSON.stringify({ TableName: 'Tbl', Item: { pk: { S: `k${i}` }, pad: { S: pad.repeat(100) } } });
const get = (i) => JSON.stringify({ TableName: 'Tbl', Key: { pk: { S: `k${i}` } }, ConsistentRead: true });

function ok(engine, op, body) {
  const out = engine.execute(op, body);
  assert.ok(!out.includes('__type'), out);
  return out;
}

test('takeCommit returns a record the page tools read; open from a snapshot and records', async () => {
  const tools = await Engine.pageTools();
  const engine = await Engine.create({});
  const initial = engine.snapshot();
  const records = [];
  ok(engine, 'CreateTable', table);
  let commit = engine.takeCommit();
  assert.ok(commit.images instanceof Uint8Array);
  assert.ok(commit.record instanceof Uint8Array);
  assert.equal(commit.images.length, commit.pageIds.length * commit.pageSize);
  const header = tools.readRecordHeader(commit.record);
  assert.equal(header.error, undefined);
  assert.equal(header.lsn, commit.lsn);
  assert.equal(header.prevLsn, commit.prevLsn);
  assert.equal(header.pageCount, commit.pageCount);
  assert.equal(header.pageSize, commit.pageSize);
  assert.equal(header.byteLength, commit.record.length);
  assert.deepEqual([...header.pageIds], [...commit.pageIds]);
  engine.markDurable(commit.lsn);
  records.push(commit.record);
  for (let round = 0; round < 4; round++) {
    for (let i = 0; i < 30; i++) ok(engine, 'PutItem', put(i, String.fromCharCode(97 + round)));
    commit = engine.takeCommit({ images: false });
    assert.equal(commit.images, undefined);
    assert.ok(commit.record.length > 0 && commit.record.length < commit.pageIds.length * commit.pageSize);
    engine.markDurable(commit.lsn);
    records.push(commit.record);
  }
  const want = engine.snapshot();

  const opened = await Engine.create({ snapshot: initial, records });
  assert.equal(opened.lsn, engine.lsn);
  assert.equal(opened.durableLsn, engine.lsn);
  assert.deepEqual(opened.snapshot().pages, want.pages);
  assert.equal(opened.check(), '');
  assert.equal(opened.execute('GetItem', get(7)), engine.execute('GetItem', get(7)));
  opened.close();

  // A record missing is refused with the core's reason.
  await assert.rejects(Engine.create({ snapshot: initial, records: [records[0], records[2]] }),
    (error) => error instanceof PocketDynamoError && /a record is missing/.test(error.message));
  await assert.rejects(Engine.create({ snapshot: initial, records: 'nope' }), TypeError);

  // A damaged record: readRecordHeader says why; nothing throws.
  const bad = records[1].slice();
  bad[bad.length - 1] ^= 1;
  assert.match(tools.readRecordHeader(bad).error, /^Corruption: record: checksum mismatch/);
  assert.match(tools.readRecordHeader(new Uint8Array(3)).error, /^Corruption: record: truncated/);
  engine.close();
});

test('durableImages: the durable pages while commits are in flight and writes pending', async () => {
  const tools = await Engine.pageTools();
  const engine = await Engine.create({});
  ok(engine, 'CreateTable', table);
  engine.commitInMemory();
  const durable = engine.snapshot();
  const ids = Uint32Array.from({ length: engine.pageCount }, (_, i) => i);
  for (let i = 0; i < 200; i++) ok(engine, 'PutItem', put(i));  // ~23 KB: the table's pages split
  const inFlight = engine.takeCommit({ images: false, record: true });
  ok(engine, 'PutItem', put(99));  // pending
  assert.equal(engine.durablePageCount, durable.pages.length / durable.pageSize);
  assert.ok(engine.pageCount > engine.durablePageCount);
  const images = engine.durableImages(ids);
  assert.deepEqual(images, durable.pages);
  assert.equal(tools.readMetaHead(images.subarray(0, durable.pageSize)).lsn, engine.durableLsn);
  assert.throws(() => engine.durableImages([engine.pageCount + 5]),
    (error) => error instanceof PocketDynamoError && /not in the durable database/.test(error.message));
  engine.markDurable(inFlight.lsn);
  assert.notDeepEqual(engine.durableImages([0]), images.subarray(0, durable.pageSize));
  engine.close();
});

test('lastFailed: the core says beside the text whether execute returned an error', async () => {
  const engine = await Engine.create({});
  try {
    // An empty body (no request bytes at all) is SerializationException, as DynamoDB answers.
    assert.match(engine.execute('GetItem', ''), /#SerializationException"/);
    assert.equal(engine.lastFailed, true);
    const missing = engine.execute('GetItem', get(1));
    assert.match(missing, /#ResourceNotFoundException"/);
    assert.equal(engine.lastFailed, true);
    ok(engine, 'CreateTable', table);
    assert.equal(engine.lastFailed, false);
    // An item whose attribute is named __type and whose value spells an error type is a response.
    const spoof = JSON.stringify({ TableName: 'Tbl', Item: { pk: { S: 'k1' }, __type: { S: '"__type":"x#Y"' } } });
    engine.execute('PutItem', spoof);
    assert.equal(engine.lastFailed, false);
    const item = engine.execute('GetItem', get(1));
    assert.equal(engine.lastFailed, false);
    assert.equal(JSON.parse(item).Item.__type.S, '"__type":"x#Y"');
    engine.execute('PutItem', '{"TableName":');   // not JSON: SerializationException
    assert.equal(engine.lastFailed, true);
    // Embind's string path (a lone surrogate is not well-formed UTF-16) reports it too.
    const lone = JSON.parse(engine.execute('GetItem', JSON.stringify({ TableName: 'Tbl', Key: { pk: { S: 'k\uD800' } } })));
    assert.equal(engine.lastFailed, typeof lone.__type === 'string');
    engine.execute('GetItem', JSON.stringify({ TableName: 'Nope\uD800', Key: { pk: { S: 'k' } } }));
    assert.equal(engine.lastFailed, true);
    const swept = engine.sweepExpired(10);
    assert.equal(swept.Deleted, 0);
    assert.equal(engine.lastFailed, false);
  } finally {
    engine.close();
  }
});
