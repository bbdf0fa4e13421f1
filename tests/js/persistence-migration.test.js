// Databases written by the release before storage v2 (replica layout 1:
// head + pages, no log) open with the current code and keep every item:
// the Node file replicas of tests/fixtures/layout1/node.json.gz, written by
// that release's own code (tests/fixtures/layout1/generate.mjs). They are
// upgraded in place (FORMAT written, an empty log), take new writes, and a
// replica deleted afterwards is rebuilt in the new layout. The Chromium
// fixture is tests/browser/migration.test.js's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { open, PocketDynamoError } from 'pocketdynamo';
import { expectedItems } from '../fixtures/layout1/data.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(here, '..', 'fixtures', 'layout1', 'node.json.gz'))));

let work;
before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-migrate-')); });
after(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

let count = 0;
function restore() {
  const dir = path.join(work, `db-${++count}`);
  for (const [name, b64] of Object.entries(fixture.files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), Buffer.from(b64, 'base64'));
  }
  return dir;
}

async function allItems(db, table) {
  const out = [];
  let start;
  do {
    const page = await db.send('Scan', { TableName: table, ExclusiveStartKey: start });
    out.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  return out.sort((a, b) => ((a.pk.S + (a.sk?.S ?? '')) < (b.pk.S + (b.sk?.S ?? '')) ? -1 : 1));
}

async function expectFixture(db) {
  const expected = expectedItems();
  assert.equal(await db.check(), '');
  for (const table of ['Items', 'Events']) assert.deepEqual(await allItems(db, table), expected[table], table);
  const byKind = await db.send('Query', { TableName: 'Events', IndexName: 'byKind',
    KeyConditionExpression: 'kind = :k', ExpressionAttributeValues: { ':k': { S: 'k1' } } });
  assert.equal(byKind.Count, 20);
}

test('the fixture is layout 1 as the release wrote it', () => {
  assert.ok(fixture.files['replica-0/head'] && fixture.files['replica-0/pages']);
  assert.ok(!Object.keys(fixture.files).some((name) => name.endsWith('/FORMAT') || name.endsWith('/log')));
});

test('a layout-1 file database opens with every item, is upgraded in place and takes writes', async () => {
  const dir = restore();
  const db = await open({ path: dir });
  await expectFixture(db);
  for (let i = 0; i < 3; i++) {
    assert.equal(fs.readFileSync(path.join(dir, `replica-${i}`, 'FORMAT'), 'utf8'), 'pocketdynamo replica layout 2\n');
    assert.ok(!fs.existsSync(path.join(dir, `replica-${i}`, 'wal')));
  }
  const lsn = db.recovery.lsn;
  assert.ok(lsn > 10, `opened at LSN ${lsn}`);
  await db.send('PutItem', { TableName: 'Items', Item: { pk: { S: 'after-upgrade' }, n: { N: '1' } } });
  await db.close();
  // Every replica alone holds it all (one deleted and rebuilt in the new layout on the way).
  fs.rmSync(path.join(dir, 'replica-1'), { recursive: true });
  const again = await open({ path: dir });
  assert.equal((await again.send('GetItem', { TableName: 'Items', Key: { pk: { S: 'after-upgrade' } } })).Item.n.N, '1');
  await again.whenHealthy(10_000);
  await again.close();
  for (const keep of [0, 1, 2]) {
    const copy = path.join(work, `alone-${count}-${keep}`);
    fs.mkdirSync(copy);
    fs.cpSync(path.join(dir, `replica-${keep}`), path.join(copy, `replica-${keep}`), { recursive: true });
    const alone = await open({ path: copy });
    await assert.doesNotReject(async () => {
      const items = await allItems(alone, 'Items');
      assert.equal(items.length, expectedItems().Items.length + 1);
    });
    await alone.close();
  }
});

test('a replica of a newer layout: open fails clearly and changes nothing', async () => {
  const dir = restore();
  fs.writeFileSync(path.join(dir, 'replica-2', 'FORMAT'), 'pocketdynamo replica layout 7\n');
  const before = fs.readdirSync(path.join(dir, 'replica-0')).sort();
  await assert.rejects(open({ path: dir }), (e) => e instanceof PocketDynamoError &&
    /written by a newer pocketdynamo \(storage layout version 7\)/.test(e.message));
  assert.ok(!fs.existsSync(path.join(dir, 'LOCK')), 'the lock is released');
  assert.equal(fs.readFileSync(path.join(dir, 'replica-2', 'FORMAT'), 'utf8'), 'pocketdynamo replica layout 7\n');
  assert.ok(fs.existsSync(path.join(dir, 'replica-2', 'pages')));
  void before;
});
