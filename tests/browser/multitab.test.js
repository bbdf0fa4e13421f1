// One writer per database across tabs: the first tab owns the database (Web
// Lock), a second tab forwards its operations over a BroadcastChannel and
// gets results and DynamoDB errors back; both read and write and every write
// lands exactly once; when the owner tab closes, the other takes over. A tab
// that holds the lock but does not serve makes a second open fail fast,
// having written nothing.
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

// n increments of the counter item `counter`, each also putting its own key, concurrently.
function writeFrom(page, tab, n) {
  return page.evaluate(async ({ t, count }) => {
    const db = app.database();
    const ops = [];
    for (let i = 0; i < count; i++) {
      ops.push(db.send('UpdateItem', {
        TableName: app.TABLE, Key: { pk: { S: 'counter' } },
        UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } },
      }));
      ops.push(app.put(`${t}-${String(i).padStart(4, '0')}`));
    }
    await Promise.all(ops);
    return count;
  }, { t: tab, count: n });
}

async function counter(page) {
  return page.evaluate(async () => {
    const out = await app.database().send('GetItem', { TableName: app.TABLE, Key: { pk: { S: 'counter' } }, ConsistentRead: true });
    return Number(out.Item?.n?.N ?? 0);
  });
}

test('two tabs on one database: both read and write, every write lands once, then takeover', async () => {
  const a = await appPage(context, server.url);
  const b = await appPage(context, server.url);
  const infoA = await a.evaluate(() => app.openDb('tabs'));
  const infoB = await b.evaluate(() => app.openDb('tabs'));
  assert.equal(infoA.role, 'owner');
  assert.equal(infoB.role, 'forwarding');
  assert.equal(infoB.storage, 'idb');

  await Promise.all([writeFrom(a, 'a', 150), writeFrom(b, 'b', 150)]);
  assert.equal(await counter(a), 300);
  assert.equal(await counter(b), 300);
  // Reads from the forwarding tab see the owner's writes, and DynamoDB errors keep their class name.
  const seen = await b.evaluate(() => app.readAll());
  assert.equal(seen.keys.length, 301);
  const error = await b.evaluate(async () => {
    try {
      await app.put('a-0000', {});
      await app.database().send('PutItem', {
        TableName: app.TABLE, Item: { pk: { S: 'a-0000' } }, ConditionExpression: 'attribute_not_exists(pk)',
      });
      return null;
    } catch (e) {
      return { name: e.name, message: e.message };
    }
  });
  assert.deepEqual(error, { name: 'ConditionalCheckFailedException', message: 'The conditional request failed' });
  // Through the forwarding channel the core's ok/error flag travels with the text: an item holding
  // "__type" (as a name, in a string quoting an error body) is a 200 for the AWS SDK handler.
  const typed = await b.evaluate(async () => {
    const item = { pk: { S: 'typed' }, __type: { S: '{"__type":"com.amazon.coral.validate#ValidationException"}' } };
    const db = app.database();
    await db.send('PutItem', { TableName: app.TABLE, Item: item });
    const target = { 'x-amz-target': 'DynamoDB_20120810.GetItem' };
    const got = await db.requestHandler().handle({ headers: target, body: JSON.stringify({ TableName: app.TABLE, Key: { pk: { S: 'typed' } } }) });
    const missing = await db.requestHandler().handle({ headers: target, body: JSON.stringify({ TableName: 'Nope', Key: { pk: { S: 'typed' } } }) });
    await db.send('DeleteItem', { TableName: app.TABLE, Key: { pk: { S: 'typed' } } });
    return { status: got.response.statusCode, item: JSON.parse(new TextDecoder().decode(got.response.body)).Item.__type.S, missing: missing.response.statusCode };
  });
  assert.deepEqual(typed, { status: 200, item: '{"__type":"com.amazon.coral.validate#ValidationException"}', missing: 400 });
  const replicasFromB = await b.evaluate(() => app.database().replicas());
  assert.equal(replicasFromB.length, 3);
  assert.equal(await b.evaluate(() => app.check()), '');

  // The owner closes its tab: b takes over, and a third tab forwards to b.
  await a.close();
  await b.waitForFunction(() => app.database().role === 'owner', null, { timeout: 15_000 });
  await writeFrom(b, 'b2', 50);
  const c = await appPage(context, server.url);
  assert.equal((await c.evaluate(() => app.openDb('tabs'))).role, 'forwarding');
  await Promise.all([writeFrom(b, 'b3', 40), writeFrom(c, 'c', 40)]);
  assert.equal(await counter(c), 430);
  const all = await c.evaluate(() => app.readAll());
  assert.equal(all.keys.length, 431);
  assert.deepEqual(all.wrong, []);
  assert.equal(await b.evaluate(() => app.check()), '');
  assert.deepEqual([...b.errors, ...c.errors], []);

  // Closing b cleanly hands over to c; the data is all there.
  await b.evaluate(() => app.close());
  await c.waitForFunction(() => app.database().role === 'owner', null, { timeout: 15_000 });
  assert.equal(await counter(c), 430);
  assert.equal(await c.evaluate(() => app.check()), '');
  await b.close();
  await c.close();
});

test('operations in flight while the owner closes are run once, by one owner or the next', async () => {
  const a = await appPage(context, server.url);
  const b = await appPage(context, server.url);
  await a.evaluate(() => app.openDb('handover'));
  await b.evaluate(() => app.openDb('handover'));
  // b fires increments continuously; a closes in the middle of them.
  const running = b.evaluate(async () => {
    const db = app.database();
    const results = await Promise.allSettled(Array.from({ length: 400 }, () => db.send('UpdateItem', {
      TableName: app.TABLE, Key: { pk: { S: 'counter' } },
      UpdateExpression: 'ADD n :one', ExpressionAttributeValues: { ':one': { N: '1' } },
    })));
    return {
      ok: results.filter((r) => r.status === 'fulfilled').length,
      failed: results.filter((r) => r.status === 'rejected').map((r) => r.reason.message),
    };
  });
  await new Promise((resolve) => setTimeout(resolve, 30));
  await a.evaluate(() => app.close());
  const { ok, failed } = await running;
  await b.waitForFunction(() => app.database().role === 'owner', null, { timeout: 15_000 });
  // A clean close answers or hands on every request: none is lost, none runs twice.
  assert.deepEqual(failed, []);
  assert.equal(ok, 400);
  assert.equal(await counter(b), 400);
  await a.close();
  await b.close();
});

test('an owner that does not answer: a second open fails fast and writes nothing', async () => {
  const holder = await appPage(context, server.url);
  await holder.evaluate(() => {
    navigator.locks.request('pocketdynamo:silent', () => new Promise(() => {}));   // holds it, serves nothing
  });
  const b = await appPage(context, server.url);
  const started = Date.now();
  const result = await b.evaluate(() => app.tryOpen('silent', { forwardTimeoutMs: 1500 }));
  const took = Date.now() - started;
  assert.ok(result.error, 'open must fail');
  assert.equal(result.error.name, 'PocketDynamoError');
  assert.match(result.error.message, /open in another tab or worker, which did not answer within 1500 ms/);
  assert.ok(took < 6000, `took ${took} ms`);
  const names = await b.evaluate(() => app.idbNames());
  assert.ok(!names.some((n) => n.startsWith('silent')), `nothing written: ${names}`);
  await holder.close();
  await b.close();
});
