// After a lazy open (a core with a page cache, issue #13), every B+tree's
// interior pages are read in the background, one store read per tree level
// (engine.warmInterior): from then on a cold point read costs one page read,
// its leaf, and db.stats().cache.interiorWarmed says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { open } from 'pocketdynamo';
import { tableSpec } from './support/db.js';

const pagedCore = typeof (await import('../../dist/core/engine.js')).Engine.prototype.warmInterior === 'function';
// PD_CHAOS_PAGING=1 evicts every page that is not pinned after every call (the catalog's leaf too).
const chaos = process.env.PD_CHAOS_PAGING === '1';
const TABLE = 'Items';
const N = 1500;

let work;
before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-warm-')); });
after(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

const key = (i) => ({ pk: { S: `k${String(i).padStart(5, '0')}` } });

async function waitFor(predicate, what, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('lazy open: interior pages warmed in the background, then one page read per cold GetItem', {
  skip: (!pagedCore && 'this build of the core has no page cache') || (chaos && 'PD_CHAOS_PAGING=1 evicts every page') },
async () => {
  const dir = path.join(work, 'db');
  const db = await open({ path: dir });
  await db.send('CreateTable', tableSpec(TABLE));
  for (let from = 0; from < N; from += 500) {
    await Promise.all(Array.from({ length: 500 }, (_, j) => db.send('PutItem', { TableName: TABLE,
      Item: { ...key(from + j), n: { N: String(from + j) }, body: { S: 'x'.repeat(220) } } })));
  }
  await db.whenHealthy(10_000);
  await db.close();

  const lazy = await open({ path: dir, cacheBytes: 4 << 20 });
  assert.equal(lazy.recovery.lazy, true);
  await waitFor(() => lazy.stats().cache.interiorWarmed, 'the interior pages');
  // Page reads asked for, not counting a read asked again of a second replica because the first
  // was slow to answer (hedged, page-fetcher.js: on a loaded machine a read may take > 50 ms).
  const pageReads = () => {
    const { pageReads: all, pageReadsHedged: hedged } = lazy.stats().cache;
    return all - hedged;
  };
  const warm = lazy.stats().cache;
  assert.ok(warm.pinnedBytes > 0, 'interior pages stay in the cache');
  // The catalog and the table's root (these trees have two levels): a few reads, not one per page.
  const warming = pageReads();
  assert.ok(warming >= 1 && warming <= 4, `warming took ${warming} reads`);
  let reads = warming;
  for (let i = 7; i < N; i += 61) {
    const got = await lazy.send('GetItem', { TableName: TABLE, Key: key(i) });
    assert.equal(got.Item.n.N, String(i));
    const now = pageReads();
    assert.ok(now - reads <= 1, `GetItem ${i} took ${now - reads} page reads`);
    reads = now;
  }
  assert.ok(reads > warming, 'the leaves were read');
  assert.equal(await lazy.check(), '');
  await lazy.close();
});
