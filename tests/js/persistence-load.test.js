// Checkpoints under a continuous load (issue #13): commits follow one
// another without a pause, each changing many pages, and every checkpoint
// chunk waits behind the commit appended before it. The checkpoint must
// still finish while the load goes on (its chunks grow while commits
// outpace it), so the log and the records the core keeps stay near the log
// limit instead of growing with the load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { open, MemoryStore } from 'pocketdynamo';
import { tableSpec } from './support/db.js';
import { Committer, DEFAULT_LOG_LIMIT_BYTES, MAX_DEFAULT_LOG_LIMIT_BYTES } from '../../web/persistence/committer.js';

const TABLE = 'Items';
const LOG_LIMIT = 64 * 1024;

// Not under PD_CHAOS_PAGING=1: its tiny cache faults every page a checkpoint writes, one by one,
// which is what that mode is for, not what this test measures.
const chaos = process.env.PD_CHAOS_PAGING === '1';

test('a continuous load: checkpoints finish during it and the log stays near its limit', {
  skip: chaos && 'PD_CHAOS_PAGING=1 (every page faults)' }, async () => {
  const stores = [0, 1, 2].map((i) => new MemoryStore({ label: `replica #${i}` }));
  for (const s of stores) s.faults.delayMs = 1;   // every store operation takes a little while
  const db = await open({ stores, logLimitBytes: LOG_LIMIT, checkpointChunkPages: 2, checkpointIdleMs: 60_000 });
  await db.send('CreateTable', tableSpec(TABLE));
  let maxLog = 0;
  const WAVES = 12;
  const PER_WAVE = 300;
  for (let wave = 0; wave < WAVES; wave++) {
    await Promise.all(Array.from({ length: PER_WAVE }, (_, j) => {
      const i = wave * PER_WAVE + j;
      return db.send('PutItem', { TableName: TABLE,
        Item: { pk: { S: `k${String(i).padStart(6, '0')}` }, body: { S: `${i}-${'x'.repeat(220)}` } } });
    }));
    maxLog = Math.max(maxLog, db.stats().logBytes);
  }
  const during = db.stats().checkpoints;
  assert.ok(during >= 2, `${during} checkpoints finished during ${WAVES} waves of ${PER_WAVE} writes`);
  assert.ok(maxLog <= 16 * LOG_LIMIT, `the log reached ${maxLog} bytes (limit ${LOG_LIMIT})`);
  await db.close();
  const again = await open({ stores: stores.map((s) => new MemoryStore({ disk: s.disk })) });
  let count = 0;
  let start;
  do {
    const page = await again.send('Scan', { TableName: TABLE, Select: 'COUNT', ExclusiveStartKey: start });
    count += page.Count;
    start = page.LastEvaluatedKey;
  } while (start);
  assert.equal(count, WAVES * PER_WAVE);
  await again.close();
});

// The default log limit follows the database's size (committer.js logLimit): a checkpoint during a
// load spread over the whole database rewrites about every page, so a fixed 8 MiB made the pages
// written by checkpoints grow with the database (bench/results/write_volume.md).
test('the default log limit is half the database, between 8 and 32 MiB; a given one is kept', () => {
  const MiB = 1024 * 1024;
  const limit = (pages, options = {}) => new Committer({ durableLsn: 0, durablePageCount: pages, pageSize: 8192 },
    {}, options).logLimit;
  assert.equal(DEFAULT_LOG_LIMIT_BYTES, 8 * MiB);
  assert.equal(MAX_DEFAULT_LOG_LIMIT_BYTES, 32 * MiB);
  assert.equal(limit(1), 8 * MiB);                 // a new database
  assert.equal(limit(2048), 8 * MiB);              // 16 MiB: half of it is the floor
  assert.equal(limit(6000), 6000 * 8192 / 2);      // ~47 MiB (npm run bench's 100,000 items): ~23 MiB
  assert.equal(limit(100_000), 32 * MiB);          // 781 MiB: the ceiling
  assert.equal(limit(100_000, { logLimitBytes: 64 * 1024 }), 64 * 1024);
  assert.equal(limit(1, { logLimitBytes: 64 * MiB }), 64 * MiB);
});

// A rebuild into a store that takes the pages as they come (IdbStore.streamsWriteFull): the replica
// set hands them over as an iterable that takes them from the core a chunk at a time, so JS never
// holds the whole database at once (replica-set.js #streamedImages).
test('a rebuild streams the pages, a chunk of at most 64 pages at a time', {
  skip: chaos && 'PD_CHAOS_PAGING=1 (every page faults: the rebuild goes through page reads)' }, async () => {
  class StreamingStore extends MemoryStore {
    streamsWriteFull = true;
    streamed = 0;
    largest = 0;       // the largest buffer a page came in
    pages = 0;
    writeFull(meta, pages, records) {
      if (!Array.isArray(pages)) this.streamed++;
      const list = [];
      for (const [id, image] of pages) {   // consumed at once, as IndexedDB's transaction does
        this.largest = Math.max(this.largest, image.buffer.byteLength);
        list.push([id, image.slice()]);
      }
      this.pages = list.length;
      return super.writeFull(meta, list, records);
    }
  }
  const stores = [0, 1, 2].map((i) => new StreamingStore({ label: `replica #${i}` }));
  const db = await open({ stores, checkpointIdleMs: 60_000 });
  await db.send('CreateTable', tableSpec(TABLE));
  const N = 3000;
  await Promise.all(Array.from({ length: N }, (_, i) => db.send('PutItem', { TableName: TABLE,
    Item: { pk: { S: `k${String(i).padStart(6, '0')}` }, body: { S: `${i}-${'x'.repeat(220)}` } } })));
  await db.whenHealthy(10_000);
  await stores[2].clear();   // replica #2 is lost behind the database's back
  await db.verifyReplicas();
  await db.whenHealthy(10_000);
  assert.equal(stores[2].streamed, 1, 'one streamed rebuild');
  assert.ok(stores[2].pages > 64, `the database has ${stores[2].pages + 1} pages: more than one chunk`);
  assert.ok(stores[2].largest <= 64 * 8192, `a page came in a buffer of ${stores[2].largest} bytes`);
  await db.close();
  // The rebuilt replica alone holds every item.
  const alone = await open({ stores: [new MemoryStore({ disk: stores[2].disk }), new MemoryStore(), new MemoryStore()] });
  const out = await alone.send('Scan', { TableName: TABLE, Select: 'COUNT' });
  assert.equal(out.Count, N);
  await alone.close();
});

// Awaited writes one after another while replica #2 is slow: its appends are deferred while #0 and
// #1 are ready (replica-set.js commit), so it lags a few commits and catches up in batches. A commit
// whose ready replica fails while #2 is deferred is still acknowledged (#2 is sent the record, with
// what it lacks, once free) and nothing is rolled back; every replica's log ends at the last commit.
test('deferred appends: a slow replica lags and catches up, and takes over when a ready one fails', async () => {
  const stores = [0, 1, 2].map((i) => new MemoryStore({ label: `replica #${i}` }));
  stores[2].faults.delayMs = 2;
  const db = await open({ stores, checkpointIdleMs: 60_000 });
  await db.send('CreateTable', tableSpec(TABLE));
  const put = (i) => db.send('PutItem', { TableName: TABLE, Item: { pk: { S: `k${i}` }, n: { N: String(i) } } });
  let i = 0;
  for (; i < 20; i++) await put(i);
  assert.ok(db.stats().appendsDeferred >= 10, `${db.stats().appendsDeferred} appends deferred in 20 awaited puts`);
  // Wait until #2 is behind the two others, then make #0's next write fail.
  let lagging = false;
  for (; i < 200 && !lagging; i++) {
    await put(i);
    const [a, b, c] = (await db.replicas()).map((r) => r.lsn);
    lagging = a === b && c !== null && c < a;
  }
  assert.ok(lagging, 'replica #2 never lagged');
  stores[0].faults.failWrites = 1;
  await put(i++);   // #1 and #2 (sent the record after all) hold it
  assert.equal(db.stats().rollbacks, 0);
  const replicas = await db.whenHealthy(10_000);
  assert.ok(replicas.every((r) => r.lsn === replicas[0].lsn), JSON.stringify(replicas));
  await db.close();
  // Each replica's own log reaches the last commit (its head as a store reads it).
  const ends = await Promise.all(stores.map((s) => new MemoryStore({ disk: s.disk }).readHead().then((h) => h.lsn)));
  assert.deepEqual(ends, [replicas[0].lsn, replicas[0].lsn, replicas[0].lsn]);
});
