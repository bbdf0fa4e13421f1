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
