// The core's bounded cache through web/core/engine.js with the real wasm
// module: an engine in chaos paging (every evictable page evicted after every
// call) answers every request exactly as an engine holding every page, with
// a JS fault loop installing pages from images held in JS (a checkpoint every
// few commits, records released after it, so installs replay the log tail);
// then a lazy open from the checkpoint's meta page + the records since.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Engine, PageFault } from '../../dist/core/engine.js';

const NOW = 1_750_000_000_000;
const table = JSON.stringify({
  TableName: 'Tbl',
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'N' }],
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
});
const put = (p, s, pad) => JSON.stringify({ TableName: 'Tbl', Item: { pk: { S: `p${p}` }, sk: { N: String(s) }, pad: { S: pad } } });

// The page source: the images a replica's checkpoint holds, by page id.
class Source {
  pages = new Map();
  constructor(pageSize) { this.pageSize = pageSize; }
  images(ids) {
    const out = new Uint8Array(ids.length * this.pageSize);  // zeros: a page the checkpoint lacks
    ids.forEach((id, i) => { if (this.pages.has(id)) out.set(this.pages.get(id), i * this.pageSize); });
    return out;
  }
}

// Runs fn until it completes without a PageFault, installing the pages each fault names (and its
// read-ahead hints too when stats.hints is set).
function withFaults(engine, source, fn, stats) {
  for (;;) {
    try {
      return fn();
    } catch (error) {
      if (!(error instanceof PageFault)) throw error;
      assert.ok(error.ids.length > 0);
      stats.faults += error.ids.length;
      stats.rounds = (stats.rounds ?? 0) + 1;
      const ids = stats.hints ? [...error.ids, ...error.hints] : error.ids;
      const results = engine.installPages(ids, source.images(ids));
      assert.deepEqual(results, ids.map(() => ''), `installPages(${ids})`);
    }
  }
}

test('chaos paging: a JS fault loop gives the same responses as an engine holding every page', async () => {
  const plain = await Engine.create({});
  const paged = await Engine.create({ cacheBytes: 1, chaosPaging: true });
  for (const e of [plain, paged]) {
    e.setNow(NOW);
    e.setChangeFeed(true);
  }
  const source = new Source(paged.pageSize);
  const first = paged.snapshot();
  source.pages.set(0, first.pages.slice(0, paged.pageSize));
  const stats = { faults: 0 };
  let records = [];    // the log since the last checkpoint
  let changed = new Set();
  let commits = 0;
  const run = (op, body) => {
    const want = plain.execute(op, body);
    const got = withFaults(paged, source, () => paged.execute(op, body), stats);
    assert.equal(got, want, `${op} ${body.slice(0, 120)}`);
    assert.deepEqual(paged.takeChanges(), plain.takeChanges());
    return got;
  };
  const commit = () => {
    if (!plain.hasPendingCommit()) return;
    plain.commitInMemory();
    const c = paged.takeCommit({ images: false, record: true });
    paged.markDurable(c.lsn);
    records.push(c.record);
    for (const id of c.pageIds) changed.add(id);
    if (++commits % 3 === 0) {  // a checkpoint: durable images of the changed pages
      const ids = [...changed].sort((a, b) => a - b);
      const images = withFaults(paged, source, () => paged.durableImages(ids), stats);
      ids.forEach((id, i) => source.pages.set(id, images.slice(i * paged.pageSize, (i + 1) * paged.pageSize)));
      paged.releaseRecordsThrough(paged.durableLsn);
      records = [];
      changed = new Set();
    }
  };

  run('CreateTable', table);
  commit();
  for (let i = 0; i < 240; i++) {
    run('PutItem', put(i % 7, i, 'x'.repeat(50 + (i * 37) % 900)));
    if (i % 10 === 9) commit();
  }
  for (let p = 0; p < 7; p++) {
    run('Query', JSON.stringify({ TableName: 'Tbl', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: `p${p}` } } }));
  }
  run('Scan', JSON.stringify({ TableName: 'Tbl', Limit: 100 }));
  run('UpdateItem', JSON.stringify({ TableName: 'Tbl', Key: { pk: { S: 'p3' }, sk: { N: '3' } }, UpdateExpression: 'SET n = :n', ExpressionAttributeValues: { ':n': { N: '5' } }, ReturnValues: 'ALL_NEW' }));
  run('DeleteItem', JSON.stringify({ TableName: 'Tbl', Key: { pk: { S: 'p4' }, sk: { N: '4' } }, ReturnValues: 'ALL_OLD' }));
  run('TransactWriteItems', JSON.stringify({ TransactItems: [
    { Put: { TableName: 'Tbl', Item: { pk: { S: 'p9' }, sk: { N: '1' } } } },
    { Delete: { TableName: 'Tbl', Key: { pk: { S: 'p5' }, sk: { N: '5' } } } },
  ] }));
  run('TransactWriteItems', JSON.stringify({ TransactItems: [
    { ConditionCheck: { TableName: 'Tbl', Key: { pk: { S: 'p6' }, sk: { N: '6' } }, ConditionExpression: 'attribute_not_exists(pk)' } },
  ] }));  // cancelled: nothing changes
  run('BatchExecuteStatement', JSON.stringify({ Statements: [
    { Statement: "INSERT INTO Tbl VALUE {'pk': 'q1', 'sk': 1}" },
    { Statement: "SELECT * FROM Tbl WHERE pk = 'p1'" },
    { Statement: "INSERT INTO Tbl VALUE {'pk': 'q1', 'sk': 1}" },
  ] }));
  commit();
  run('Scan', JSON.stringify({ TableName: 'Tbl' }));
  assert.equal(withFaults(paged, source, () => paged.check(), stats), '');
  const cache = paged.cacheStats;
  assert.ok(stats.faults > 200, `faults: ${stats.faults}`);
  assert.equal(cache.misses, stats.faults);
  assert.ok(cache.residentBytes <= cache.pinnedBytes + paged.pageSize, JSON.stringify(cache));

  // Lazy open: the checkpoint's meta page + the records since it.
  for (let i = 0; i < 2; i++) {
    run('PutItem', put(8, i, 'lazy'));
    commit();
  }
  const lazy = await Engine.create({ lazy: { meta: source.pages.get(0) }, records, cacheBytes: 1 << 20 });
  assert.equal(lazy.lsn, paged.durableLsn);
  assert.equal(lazy.cacheStats.residentBytes, lazy.pageSize);  // the meta page only
  const lazyStats = { faults: 0 };
  const scan = JSON.stringify({ TableName: 'Tbl' });
  assert.equal(withFaults(lazy, source, () => lazy.execute('Scan', scan), lazyStats), plain.execute('Scan', scan));
  assert.equal(withFaults(lazy, source, () => lazy.check(), lazyStats), '');
  assert.ok(lazyStats.faults > 0);
  // Read-ahead: the same cold Scan installing each fault's hints too needs far fewer rounds.
  const ahead = await Engine.create({ lazy: { meta: source.pages.get(0) }, records, cacheBytes: 1 << 20 });
  const aheadStats = { faults: 0, hints: true };
  const cold = { faults: 0 };
  const lazy2 = await Engine.create({ lazy: { meta: source.pages.get(0) }, records, cacheBytes: 1 << 20 });
  assert.equal(withFaults(ahead, source, () => ahead.execute('Scan', scan), aheadStats), plain.execute('Scan', scan));
  assert.equal(withFaults(lazy2, source, () => lazy2.execute('Scan', scan), cold), plain.execute('Scan', scan));
  assert.ok(cold.rounds > 10, `rounds without hints: ${cold.rounds}`);
  assert.ok(aheadStats.rounds * 3 < cold.rounds, `rounds: ${aheadStats.rounds} with hints, ${cold.rounds} without`);
  for (const e of [plain, paged, lazy, ahead, lazy2]) e.close();
});

test('installPages rejects a damaged image and keeps the page out of the cache', async () => {
  const engine = await Engine.create({ cacheBytes: 1, chaosPaging: true });
  engine.setNow(NOW);
  engine.execute('CreateTable', table);
  const c = engine.takeCommit({ images: true, record: false });
  engine.markDurable(c.lsn);
  engine.releaseRecordsThrough(c.lsn);
  const size = engine.pageSize;
  const images = new Map([...c.pageIds].map((id, i) => [id, c.images.slice(i * size, (i + 1) * size)]));
  const get = JSON.stringify({ TableName: 'Tbl', Key: { pk: { S: 'a' }, sk: { N: '1' } } });
  assert.equal(engine.execute('GetItem', get), '{}');  // resident still; evicted after the call
  let fault;
  try {
    engine.execute('GetItem', get);
  } catch (e) {
    fault = e;
  }
  assert.ok(fault instanceof PageFault, String(fault));
  const id = fault.ids[0];
  const bad = images.get(id).slice();
  bad[size - 1] ^= 1;
  const [problem] = engine.installPages([id], bad);
  assert.match(problem, new RegExp(`^Corruption: page ${id}: `));
  assert.throws(() => engine.execute('GetItem', get), PageFault);
  assert.deepEqual(engine.installPages([id], images.get(id)), ['']);
  engine.close();
});
