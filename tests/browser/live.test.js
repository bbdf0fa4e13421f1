// Live queries across tabs: two pages on one IndexedDB database. A live
// Query in tab A (the owner) fires on a relevant write made in tab B (which
// forwards to A) and not on an unrelated one; tab B's subscriber sees the
// changes tab A makes (the owner broadcasts committed changes), and only
// once some tab watches; after the owner goes away, tab B takes over and its
// subscriber goes on seeing changes.
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
  // Nobody outside tab A subscribes yet: the owner posts no 'changes' (tabs/forwarding.js), though
  // its own live query has it collect them. A raw listener on the tabs' channel in tab B counts them.
  await b.evaluate(() => {
    window.posted = 0;
    window.rawChannel = new BroadcastChannel('pocketdynamo:live');
    window.rawChannel.onmessage = (e) => { if (e.data?.type === 'event' && e.data.name === 'changes') window.posted++; };
  });
  await a.evaluate(() => app.put('room-0'));
  await a.waitForFunction(() => window.liveRuns.length === 1);
  // Tab B: a subscriber to the table.
  await b.evaluate(() => {
    window.changes = [];
    app.database().subscribe(app.TABLE, (records) => window.changes.push(...records.map((r) => `${r.eventName}:${r.dynamodb.Keys.pk.S}`)));
  });
  const runs = () => a.evaluate(() => window.liveRuns.length);
  assert.equal(await runs(), 1);
  assert.equal(await b.evaluate(() => window.posted), 0, 'no changes posted before any tab watched');

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
  assert.ok(await b.evaluate(() => window.posted) >= 3, 'changes posted once tab B watched');

  // Tab A goes away: tab B takes over, and its subscriber sees its own writes as the owner.
  await a.close();
  await b.waitForFunction(() => app.database().role === 'owner', null, { timeout: 20_000 });
  await b.evaluate(() => app.put('room-4'));
  await b.waitForFunction(() => window.changes.length === 6);
  assert.equal(await b.evaluate(() => window.changes[5]), 'INSERT:room-4');
  await b.evaluate(() => window.rawChannel.close());
  await b.close();
});
