// Live queries across tabs: two pages on one IndexedDB database. A live
// Query in tab A (the owner) fires on a relevant write made in tab B (which
// forwards to A) and not on an unrelated one; tab B's subscriber sees the
// changes tab A makes (the owner broadcasts committed changes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { appPage, launch, servePages } from './harness.js';

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

test('a live query in one tab fires on relevant writes from another tab only', async () => {
  const a = await appPage(context, server.url);
  const b = await appPage(context, server.url);
  assert.equal((await a.evaluate(() => app.openDb('live'))).role, 'owner');
  assert.equal((await b.evaluate(() => app.openDb('live'))).role, 'forwarding');

  // Tab A: a live Query of partition 'room-1' (results kept on window for the test).
  await a.evaluate(async () => {
    window.liveRuns = [];
    const live = app.database().live({
      TableName: app.TABLE, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'room-1' } },
    }, (result) => window.liveRuns.push(result.Items.map((i) => i.v.S)));
    await live.ready;
    window.live = live;
  });
  // Tab B: a subscriber to the table.
  await b.evaluate(() => {
    window.changes = [];
    app.database().subscribe(app.TABLE, (records) => window.changes.push(...records.map((r) => `${r.eventName}:${r.dynamodb.Keys.pk.S}`)));
  });
  const runs = () => a.evaluate(() => window.liveRuns.length);
  assert.equal(await runs(), 1);

  // Relevant write from tab B: the live query in tab A runs again.
  await b.evaluate(() => app.put('room-1', { v: { S: 'hello' } }));
  await a.waitForFunction(() => window.liveRuns.length === 2);
  assert.deepEqual(await a.evaluate(() => window.liveRuns[1]), ['hello']);

  // Unrelated writes from tab B (another partition) and from tab A: no run.
  await b.evaluate(() => app.put('room-2'));
  await a.evaluate(() => app.put('room-3'));
  // Tab B's subscriber has seen all three, in commit order (including tab A's own write).
  await b.waitForFunction(() => window.changes.length === 3);
  assert.deepEqual(await b.evaluate(() => window.changes), ['INSERT:room-1', 'INSERT:room-2', 'INSERT:room-3']);
  assert.equal(await runs(), 2);

  // A relevant delete from tab A itself runs it again; stop() ends it.
  await a.evaluate(() => app.database().send('DeleteItem', { TableName: app.TABLE, Key: { pk: { S: 'room-1' } } }));
  await a.waitForFunction(() => window.liveRuns.length === 3);
  assert.deepEqual(await a.evaluate(() => window.liveRuns[2]), []);
  await a.evaluate(() => window.live.stop());
  await b.evaluate(() => app.put('room-1', { v: { S: 'after stop' } }));
  await b.waitForFunction(() => window.changes.length === 5);
  assert.equal(await runs(), 3);
  await a.close();
  await b.close();
});
