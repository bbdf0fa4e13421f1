// Persistent storage is the application's decision: open() never calls
// navigator.storage.persist() by itself (Firefox answers that call with a
// permission prompt to the user; before, open() waited on that prompt and a
// site's first visit showed it), db.persisted reports the state
// (navigator.storage.persisted(), which never prompts), and db.persist() /
// open({ persist: true }) ask when the app decides to. Run in every engine,
// with the engine's real behaviour: Firefox's profile has no prompt testing
// prefs, so its prompt is real and stays unanswered; granting the permission
// goes through WebDriver BiDi (permissions.setPermission), as a user's "Allow"
// would. WebKitGTK has no navigator.storage: everything is null there.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appPage, ENGINE, launch, servePages } from './harness.js';

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

// Counts calls of StorageManager.prototype.persist in the page (when it exists), passing them on.
function spyOnPersist(page) {
  return page.evaluate(() => {
    window.persistCalls = 0;
    const proto = globalThis.StorageManager?.prototype;
    if (!proto?.persist) return false;
    const original = proto.persist;
    proto.persist = function persist() { window.persistCalls++; return original.call(this); };
    return true;
  });
}

// What the page's browser says without asking: true / false, or null without navigator.storage.
const stateInPage = (page) => page.evaluate(() => navigator.storage?.persisted?.() ?? null);

test('open() does not ask for persistent storage; db.persisted reports the state', async () => {
  const page = await appPage(context, server.url);
  const spied = await spyOnPersist(page);
  assert.equal(spied, ENGINE !== 'webkit', 'StorageManager.persist exists in Chromium and Firefox, not WebKitGTK');
  // In Firefox this open() used to wait forever on the permission prompt persist() raised.
  const info = await page.evaluate(() => app.openDb('quiet'));
  assert.equal(info.storage, 'idb');
  assert.equal(await page.evaluate(() => window.persistCalls), 0, 'open() called navigator.storage.persist()');
  const state = await stateInPage(page);
  assert.equal(info.persisted, state);
  if (ENGINE === 'webkit') assert.equal(info.persisted, null);
  else assert.equal(typeof info.persisted, 'boolean');
  await page.evaluate(() => app.putMany('q', 0, 20));
  assert.equal(await page.evaluate(() => app.count()), 20);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('db.persist() asks the browser; persisted follows the answer', async () => {
  const page = await appPage(context, server.url);
  await spyOnPersist(page);
  await page.evaluate(() => app.openDb('asked'));
  if (ENGINE === 'firefox') {
    // Firefox shows the user a prompt: the answer waits for the user, and the database works meanwhile.
    const pending = await page.evaluate(async () => {
      window.asked = app.database().persist();
      return Promise.race([window.asked.then(() => 'answered'), new Promise((r) => setTimeout(() => r('pending'), 1000))]);
    });
    assert.equal(pending, 'pending', 'Firefox answered persist() without its prompt');
    assert.equal(await page.evaluate(() => window.persistCalls), 1);
    await page.evaluate(() => app.putMany('w', 0, 10));
    assert.equal(await page.evaluate(() => app.count()), 10);
    assert.equal(await page.evaluate(() => app.database().persisted), false);
  } else {
    const answer = await page.evaluate(() => app.database().persist());
    if (ENGINE === 'webkit') {
      assert.equal(answer, null, 'no navigator.storage in WebKitGTK: nothing to ask');
    } else {
      assert.equal(typeof answer, 'boolean');
      assert.equal(await page.evaluate(() => window.persistCalls), 1);
    }
    assert.equal(await page.evaluate(() => app.database().persisted), answer);
  }
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('Firefox: once the user allowed it, persist() and open({ persist: true }) report true',
  { skip: ENGINE !== 'firefox' && `${ENGINE}: decides persistence without asking the user (no prompt to answer)` },
  async () => {
    // The user's "Allow", given through WebDriver BiDi's permissions.setPermission.
    await context.browser.defaultBrowserContext().overridePermissions(server.url, ['persistent-storage']);
    const page = await appPage(context, server.url);
    const info = await page.evaluate(() => app.openDb('allowed', { persist: true }));
    assert.equal(info.persisted, true);
    assert.equal(await page.evaluate(() => app.database().persist()), true);
    await page.evaluate(() => app.close());
    // Reopened without asking: persisted() reads the granted state.
    const again = await page.evaluate(() => app.openDb('allowed'));
    assert.equal(again.persisted, true);
    assert.deepEqual(page.errors, []);
    await page.close();
  });
