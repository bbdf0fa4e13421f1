// Out of storage space: writes reject with an error naming the quota, the
// database rolls back to its last durable state, and what was acknowledged
// before is intact (also after a reload). Once with the IndexedDB store's test
// hook (open({ testQuotaBytes })), once with a real small quota for the
// origin (DevTools Storage.overrideQuotaForOrigin), where Chromium itself
// raises QuotaExceededError.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appPage, engineLimit, launch, servePages } from './harness.js';

let server;
let context;

before(async () => {
  server = await servePages();
  context = await launch();
});

after(async () => {
  await context?.close();
  await server?.close();
});

async function reloadAndRead(page, name, options) {
  await page.reload();
  await page.waitForFunction(() => window.__ready === true);
  await page.evaluate(({ n, o }) => app.openDb(n, o), { n: name, o: options });
  return page.evaluate(() => app.bigKeys());
}

test('test hook: a replica that refuses space after N bytes', async () => {
  const page = await appPage(context, server.url);
  const options = { testQuotaBytes: 400 * 1024 };
  await page.evaluate((o) => app.openDb('hooked', o), options);
  const { stored, error } = await page.evaluate(() => app.fillUntilRejected(20_000, 200));
  assert.ok(stored > 3, `${stored} items fit`);
  assert.ok(error, 'a write was rejected');
  assert.equal(error.name, 'PocketDynamoError');
  assert.match(error.message, /^Storage quota exceeded: the write was not saved/);
  assert.match(error.message, /quota exceeded: the store refused more space/);
  assert.equal(error.quotaExceeded, true);
  assert.equal(error.reason, 'quota');
  const expected = Array.from({ length: stored }, (_, i) => `big-${String(i).padStart(5, '0')}`);
  assert.deepEqual(await page.evaluate(() => app.bigKeys()), expected);
  assert.equal(await page.evaluate(() => app.check()), '');
  // Smaller writes that fit still work; after a reload everything acknowledged is there.
  await page.evaluate(() => app.putMany('small', 0, 3));
  await page.evaluate(() => app.close());
  assert.deepEqual(await reloadAndRead(page, 'hooked', options), expected);
  assert.equal(await page.evaluate(() => app.count()), stored + 3);
  await page.close();
});

test("a real quota: Chromium's QuotaExceededError rejects the write, earlier data intact", { skip: engineLimit('cdp') }, async () => {
  // An origin of its own, with the quota set before anything is stored: Chromium caches an
  // origin's free space for a while once IndexedDB asked, so the limit must be there first.
  const own = await servePages();
  const page = await appPage(context, own.url);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: own.url, quotaSize: 6 * 1024 * 1024 });
  try {
    await page.evaluate(() => app.openDb('real'));
    await page.evaluate(() => app.putMany('k', 0, 50));
    const { stored, error } = await page.evaluate(() => app.fillUntilRejected(100_000, 1000));
    assert.ok(error, `a write was rejected (stored ${stored})`);
    assert.ok(stored >= 1 && stored < 100, `${stored} items of 100 KB fit in 6 MB (three replicas)`);
    assert.equal(error.name, 'PocketDynamoError');
    assert.match(error.message, /^Storage quota exceeded: the write was not saved/);
    assert.match(error.message, /QuotaExceededError/);
    assert.equal(error.quotaExceeded, true, error.message);
    const expected = Array.from({ length: stored }, (_, i) => `big-${String(i).padStart(5, '0')}`);
    assert.deepEqual(await page.evaluate(() => app.bigKeys()), expected);
    assert.equal(await page.evaluate(() => app.check()), '');
    await page.evaluate(() => app.close());
    assert.deepEqual(await reloadAndRead(page, 'real', {}), expected);
    assert.equal(await page.evaluate(() => app.count()), stored + 50);
    assert.equal(await page.evaluate(() => app.check()), '');
  } finally {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: own.url }).catch(() => {});
    await cdp.detach().catch(() => {});
    await page.close();
    await own.close();
  }
});
