// db.exportTable / db.importTable against the built package (memory and
// file storage, and a WorkerClient over a MessageChannel): DynamoDB JSON
// lines out and in, every attribute type round-trips exactly, the AWS CLI's
// scan JSON, every kind of source, progress, atomic batches (a bad line
// leaves the batches before it and nothing of its own), the table missing or
// created, consistency of an export under concurrent writes, and speed.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { open, ResourceNotFoundException, ResourceInUseException, ValidationException } from 'pocketdynamo';
import { WorkerClient, serveDatabase } from 'pocketdynamo/worker';
import { openDb, tableSpec } from './support/db.js';

let work;
before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-transfer-')); });
after(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

const KEYS = { KeySchema: tableSpec('x', { sk: 'sk', skType: 'N' }).KeySchema, AttributeDefinitions: tableSpec('x', { sk: 'sk', skType: 'N' }).AttributeDefinitions };
const PK_ONLY = { KeySchema: tableSpec('x').KeySchema, AttributeDefinitions: tableSpec('x').AttributeDefinitions };

const b64 = (bytes) => Buffer.from(bytes).toString('base64');

// Items of every attribute type, awkward names and sizes (table: pk S, sk N).
function richItems() {
  const items = [
    {
      pk: { S: 'all-types' }, sk: { N: '1' },
      s: { S: 'héllo wörld ✓ 😀 "quoted" \\ back\nslash' }, n: { N: '-12.5e-3' },
      b: { B: b64([0, 1, 2, 253, 254, 255]) }, t: { BOOL: true }, f: { BOOL: false }, z: { NULL: true },
      ss: { SS: ['a', 'b', 'ç'] }, ns: { NS: ['1', '-2.5', '1e10'] }, bs: { BS: [b64([1]), b64([2, 3])] },
      m: { M: { inner: { M: { deeper: { L: [{ S: 'x' }, { N: '2' }, { M: { k: { NULL: true } } }] } } }, e: { M: {} } } },
      l: { L: [{ L: [] }, { SS: ['q'] }, { B: b64([9]) }, { BOOL: false }] },
    },
    { pk: { S: '__proto__' }, sk: { N: '2' }, __proto__x: { S: 'x' }, ['__proto__']: { M: { ['__proto__']: { S: 'own' } } }, constructor: { S: 'c' } },
    { pk: { S: 'digits' }, sk: { N: '12345678901234567890123456789012345678' }, big: { N: '9.9999999999999999999999999999999999999E+125' }, small: { N: '1E-130' }, neg: { N: '-0.000000000000000000000000000000000000012345678901234567890123456789012345678' } },
    { pk: { S: 'near-400KB-string' }, sk: { N: '3' }, s: { S: 'x'.repeat(409_000) } },
    { pk: { S: 'near-400KB-binary' }, sk: { N: '4' }, b: { B: Buffer.alloc(400_000, 7).toString('base64') } },
    { pk: { S: 'empty-ish' }, sk: { N: '0' } },
  ];
  for (let i = 0; i < 60; i++) items.push({ pk: { S: `p${i % 7}` }, sk: { N: String(i) }, v: { S: `value ${i}` }, tags: { SS: [`t${i}`, 'common'] } });
  return items;
}

// Every item of a table, in key order (JSON text of pk + sk), as DynamoDB JSON.
async function scanAll(db, table) {
  const items = [];
  let start;
  do {
    const page = await db.send('Scan', { TableName: table, ...(start ? { ExclusiveStartKey: start } : {}) });
    items.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  return sortItems(items);
}

function sortItems(items) {
  const key = (it) => JSON.stringify([it.pk, it.sk ?? null]);
  return items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

async function putAll(db, table, items) {
  for (let i = 0; i < items.length; i += 25) {
    await db.send('BatchWriteItem', { RequestItems: { [table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) } });
  }
}

function simpleLines(count, from = 0) {
  let out = '';
  for (let i = from; i < from + count; i++) out += `${JSON.stringify({ Item: { pk: { S: `k${String(i).padStart(6, '0')}` }, n: { N: String(i) }, body: { S: `row ${i} ${'y'.repeat(180)}` } } })}\n`;
  return out;
}

async function readBytes(stream) {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

describe('exportTable', () => {
  test('gives DynamoDB JSON lines: one {"Item": {...}} per line, each ending in a newline', async () => {
    const db = await openDb();
    await db.send('CreateTable', { TableName: 'Src', ...KEYS, BillingMode: 'PAY_PER_REQUEST' });
    const items = richItems();
    await putAll(db, 'Src', items);
    const exp = await db.exportTable('Src');
    assert.equal(exp.tableName, 'Src');
    assert.equal(exp.itemCount, items.length);
    assert.equal(exp.format, 'DYNAMODB_JSON');
    const text = await exp.text();
    assert.ok(text.endsWith('\n'));
    const lines = text.slice(0, -1).split('\n');
    assert.equal(lines.length, items.length);
    for (const line of lines) assert.deepEqual(Object.keys(JSON.parse(line)), ['Item']);
    const exported = lines.map((line) => JSON.parse(line).Item);
    assert.deepEqual(exported, [...exp.items()]);
    assert.deepEqual(sortItems(exported), await scanAll(db, 'Src'));
    // stream(), blob() and async iteration give the same text.
    assert.equal(new TextDecoder().decode(await readBytes(exp.stream())), text);
    const blob = await exp.blob();
    assert.equal(blob.type, 'application/x-ndjson');
    assert.equal(await blob.text(), text);
    const iterated = [];
    for await (const line of exp) iterated.push(line);
    assert.deepEqual(iterated, lines);
    // gzip (DynamoDB's S3 export writes .json.gz).
    const gz = await exp.blob({ gzip: true });
    assert.equal(gz.type, 'application/gzip');
    assert.equal(new TextDecoder().decode(await readBytes(gz.stream().pipeThrough(new DecompressionStream('gzip')))), text);
    assert.throws(() => exp.stream({ zip: true }), TypeError);
    await db.close();
  });

  test('an empty table exports no lines; a missing table is ResourceNotFoundException', async () => {
    const db = await openDb();
    await db.send('CreateTable', tableSpec('Empty'));
    const exp = await db.exportTable('Empty');
    assert.equal(exp.itemCount, 0);
    assert.equal(await exp.text(), '');
    assert.equal((await readBytes(exp.stream())).length, 0);
    await assert.rejects(db.exportTable('Missing'), ResourceNotFoundException);
    await assert.rejects(db.exportTable(''), TypeError);
    await assert.rejects(db.exportTable('Empty', { gzip: true }), TypeError);
    await db.close();
  });

  test('is one point in time: writes called before it are in, writes called after it are not', async () => {
    const db = await openDb();
    await db.send('CreateTable', tableSpec('Live'));
    // 3,000 items of ~1 KB: several Scan pages, so writes could interleave if the read let them.
    const before = Array.from({ length: 3000 }, (_, i) => db.send('PutItem', { TableName: 'Live', Item: { pk: { S: `b${i}` }, v: { S: 'v'.repeat(1000) } } }));
    const exporting = db.exportTable('Live');
    const after = Array.from({ length: 200 }, (_, i) => db.send('PutItem', { TableName: 'Live', Item: { pk: { S: `a${i}` } } }));
    const deleting = db.send('DeleteItem', { TableName: 'Live', Key: { pk: { S: 'b0' } } });
    const exp = await exporting;
    await Promise.all([...before, ...after, deleting]);
    const keys = new Set([...exp.items()].map((it) => it.pk.S));
    assert.equal(exp.itemCount, 3000);
    assert.equal(keys.size, 3000);
    assert.ok(keys.has('b0'), 'the delete called after the export is not in it');
    assert.ok(![...keys].some((k) => k.startsWith('a')), 'no write called after the export is in it');
    assert.equal((await db.send('DescribeTable', { TableName: 'Live' })).Table.ItemCount, 3199);
    await db.close();
  });
});

describe('importTable', () => {
  test('round trip in memory: every item comes back exactly (all ten types, __proto__, 38 digits, ~400 KB items)', async () => {
    const db = await openDb();
    await db.send('CreateTable', { TableName: 'Src', ...KEYS, BillingMode: 'PAY_PER_REQUEST' });
    await putAll(db, 'Src', richItems());
    const exp = await db.exportTable('Src');
    const result = await db.importTable('Copy', exp.stream(), { createTable: KEYS });
    assert.equal(result.tableName, 'Copy');
    assert.equal(result.items, exp.itemCount);
    assert.equal(result.created, true);
    assert.equal(result.bytes, (await exp.blob()).size);
    assert.deepEqual(await scanAll(db, 'Copy'), await scanAll(db, 'Src'));
    const proto = (await db.send('GetItem', { TableName: 'Copy', Key: { pk: { S: '__proto__' }, sk: { N: '2' } } })).Item;
    assert.ok(Object.hasOwn(proto, '__proto__') && Object.hasOwn(proto.__proto__.M, '__proto__'));
    const digits = (await db.send('GetItem', { TableName: 'Copy', Key: { pk: { S: 'digits' }, sk: { N: '12345678901234567890123456789012345678' } } })).Item;
    assert.equal(digits.sk.N, '12345678901234567890123456789012345678');
    const described = (await db.send('DescribeTable', { TableName: 'Copy' })).Table;
    assert.deepEqual(described.KeySchema, KEYS.KeySchema);
    assert.equal(described.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST', 'PAY_PER_REQUEST');
    await db.close();
  });

  test('round trip between file databases, surviving reopen; batches of ~400 KB items are cut by size', async () => {
    const srcDir = path.join(work, 'src');
    const dstDir = path.join(work, 'dst');
    const src = await open({ path: srcDir });
    await src.send('CreateTable', { TableName: 'Src', ...KEYS, BillingMode: 'PAY_PER_REQUEST' });
    await putAll(src, 'Src', richItems());
    // 25 items of ~380 KB: more than 8 MiB of JSON, so two batches although 25 fit in one by count.
    await src.send('CreateTable', { TableName: 'Heavy', ...KEYS, BillingMode: 'PAY_PER_REQUEST' });
    const heavy = Array.from({ length: 25 }, (_, i) => ({ pk: { S: 'heavy' }, sk: { N: String(i) }, s: { S: String(i % 10).repeat(380_000) } }));
    for (const item of heavy) await src.send('PutItem', { TableName: 'Heavy', Item: item });
    const exp = await src.exportTable('Src');
    const expHeavy = await src.exportTable('Heavy');
    const dst = await open({ path: dstDir });
    await dst.send('CreateTable', { TableName: 'Dst', ...KEYS, BillingMode: 'PAY_PER_REQUEST' });
    const result = await dst.importTable('Dst', await exp.blob());
    assert.equal(result.created, false);
    assert.equal(result.items, exp.itemCount);
    const heavyResult = await dst.importTable('Heavy', expHeavy.stream(), { createTable: KEYS });
    assert.equal(heavyResult.items, 25);
    assert.equal(heavyResult.batches, 2);
    const expected = await scanAll(src, 'Src');
    const expectedHeavy = await scanAll(src, 'Heavy');
    await src.close();
    await dst.close();
    const reopened = await open({ path: dstDir });
    assert.deepEqual(await scanAll(reopened, 'Dst'), expected);
    assert.deepEqual(await scanAll(reopened, 'Heavy'), expectedHeavy);
    assert.equal(await reopened.check(), '');
    await reopened.close();
  });

  test('reads the AWS CLI scan JSON (pretty-printed, several pages) from every kind of source', async () => {
    const db = await openDb();
    await db.send('CreateTable', tableSpec('Cli'));
    const pageA = { Items: [{ pk: { S: 'a' }, name: { S: 'Zoë 😀' } }, { pk: { S: 'b' }, n: { N: '1' } }], Count: 2, ScannedCount: 2, ConsumedCapacity: null };
    const pageB = { Items: [{ pk: { S: 'c' }, l: { L: [{ S: ']}' }, { S: '{"[' }] } }], Count: 1, ScannedCount: 1, ConsumedCapacity: null, NextToken: 'abc' };
    const text = `${JSON.stringify(pageA, null, 4)}\n${JSON.stringify(pageB, null, 2)}\n`;
    const bytes = new TextEncoder().encode(text);
    const chunks = (n) => Array.from({ length: Math.ceil(bytes.length / n) }, (_, i) => bytes.slice(i * n, (i + 1) * n));
    const sources = {
      string: text,
      'string with BOM': `\ufeff${text}`,
      Uint8Array: bytes,
      ArrayBuffer: bytes.slice().buffer,
      Blob: new Blob([text]),
      ReadableStream: new Blob([text]).stream(),
      'async iterable of 7-byte chunks (split inside UTF-8 characters)': (async function* gen() { yield* chunks(7); })(),
      'iterable of strings': text.match(/[^]{1,5}/g),
      'Node Readable': Readable.from(chunks(3).map((c) => Buffer.from(c))),
      gzip: gzipSync(bytes),
    };
    const expected = [...pageA.Items, ...pageB.Items];
    for (const [kind, source] of Object.entries(sources)) {
      await db.send('DeleteTable', { TableName: 'Cli' });
      await db.send('CreateTable', tableSpec('Cli'));
      const result = await db.importTable('Cli', source);
      assert.equal(result.items, 3, kind);
      assert.deepEqual(await scanAll(db, 'Cli'), expected, kind);
    }
    await assert.rejects(db.importTable('Cli', 42), TypeError);
    await assert.rejects(db.importTable('Cli', [{}]), TypeError);
    await db.close();
  });

  test('reports progress after each durable group: items, bytes, batches', async () => {
    const db = await openDb();
    await db.send('CreateTable', tableSpec('Prog'));
    const text = simpleLines(2600);
    const events = [];
    const result = await db.importTable('Prog', text, { onProgress: (p) => events.push(p) });
    assert.ok(events.length >= 3, `${events.length} progress events`);
    for (let i = 1; i < events.length; i++) {
      assert.ok(events[i].items > events[i - 1].items && events[i].batches > events[i - 1].batches);
      assert.ok(events[i].bytes >= events[i - 1].bytes);
    }
    assert.deepEqual(events.at(-1), { items: 2600, bytes: Buffer.byteLength(text), batches: 104 });
    assert.deepEqual(result, { tableName: 'Prog', items: 2600, bytes: Buffer.byteLength(text), batches: 104, created: false });
    assert.equal((await db.send('DescribeTable', { TableName: 'Prog' })).Table.ItemCount, 2600);
    await db.close();
  });

  // Line 60 is bad in each case: batches 1-2 (lines 1-50) are written, batch 3 (lines 51-75) and later are not.
  const badLines = {
    'not JSON': '{"Item": {"pk": {"S": "k000059"}, "n": {"N": 1x}}}',
    'a broken envelope': '{"Item": {"pk": {"S": "k000059"}}',
    'no key attribute': '{"Item": {"n": {"N": "59"}}}',
    'a key of the wrong type': '{"Item": {"pk": {"N": "59"}}}',
    'an item over 400 KB': JSON.stringify({ Item: { pk: { S: 'k000059' }, s: { S: 'z'.repeat(410_000) } } }),
    'an invalid attribute value': '{"Item": {"pk": {"S": "k000059"}, "x": {"SS": []}}}',
    'neither Item nor Items': '{"Row": {"pk": {"S": "k000059"}}}',
  };
  for (const [what, bad] of Object.entries(badLines)) {
    test(`a line with ${what}: ValidationException naming line 60; earlier batches in, its batch absent`, async () => {
      const db = await openDb();
      await db.send('CreateTable', tableSpec('Atomic'));
      const lines = simpleLines(100).split('\n');
      lines[59] = bad;
      const events = [];
      await assert.rejects(db.importTable('Atomic', lines.join('\n'), { onProgress: (p) => events.push(p) }), (e) => {
        assert.ok(e instanceof ValidationException, `${e.name}: ${e.message}`);
        assert.equal(e.line, 60, e.message);
        assert.equal(e.itemsWritten, 50);
        assert.equal(e.batchesWritten, 2);
        assert.match(e.message, /^Import into table "Atomic" stopped at line 60: .+\. The 50 items before line 51 \(2 batches\) were written and stay; nothing from line 51 on was written\.$/s);
        return true;
      });
      const keys = (await scanAll(db, 'Atomic')).map((it) => it.pk.S);
      assert.deepEqual(keys, Array.from({ length: 50 }, (_, i) => `k${String(i).padStart(6, '0')}`));
      assert.deepEqual(events.at(-1)?.items, 50);
      await db.close();
    });
  }

  test('a bad item in a later group: the group sent after it while it committed writes nothing', async () => {
    const db = await openDb();
    await db.send('CreateTable', tableSpec('Piped'));
    // Groups of 1,000 lines, two in flight: lines 3001-4000 are sent before the group holding
    // line 2510 is known to be refused; the database must skip them.
    const lines = simpleLines(5000).split('\n');
    lines[2509] = '{"Item": {"pk": {"N": "2510"}}}';
    await assert.rejects(db.importTable('Piped', lines.join('\n')), (e) => e.line === 2510 && e.itemsWritten === 2500 && e.batchesWritten === 100);
    const keys = (await scanAll(db, 'Piped')).map((it) => Number(it.pk.S.slice(1)));
    assert.equal(keys.length, 2500);
    assert.equal(Math.max(...keys), 2499);
    // A line that is not JSON in a later group: the complete batches before it are written, nothing after.
    await db.send('CreateTable', tableSpec('Piped2'));
    lines[2509] = '{"Item": {"pk": {"S": "x"}, "n": {"N": 5}}';
    lines[3999] = '{"Item": not json}';
    await assert.rejects(db.importTable('Piped2', lines.join('\n')), (e) => e.line === 2510 && e.itemsWritten === 2500);
    lines[2509] = JSON.stringify({ Item: { pk: { S: 'k002509' } } });
    await db.send('DeleteTable', { TableName: 'Piped2' });
    await db.send('CreateTable', tableSpec('Piped2'));
    await assert.rejects(db.importTable('Piped2', lines.join('\n')), (e) => e.line === 4000 && e.itemsWritten === 3975);
    assert.equal((await scanAll(db, 'Piped2')).length, 3975);
    await db.close();
  });

  test('bad UTF-8 in a byte source names its line', async () => {
    const db = await openDb();
    await db.send('CreateTable', tableSpec('Utf'));
    const text = simpleLines(40);
    const bytes = Buffer.from(text);
    const at = bytes.indexOf('row 30 ');
    bytes[at + 2] = 0xff;
    await assert.rejects(db.importTable('Utf', bytes), (e) => e instanceof ValidationException && e.line === 31 && e.itemsWritten === 25 && /not valid UTF-8/.test(e.message));
    assert.equal((await scanAll(db, 'Utf')).length, 25);
    await db.close();
  });

  test('a source that ends inside an object is refused at its end, after the complete batches', async () => {
    const db = await openDb();
    await db.send('CreateTable', tableSpec('Cut'));
    const text = simpleLines(30);
    await assert.rejects(db.importTable('Cut', text.slice(0, -20)), (e) => e instanceof ValidationException && e.line === 30 && e.itemsWritten === 25 && /ends inside the JSON object that starts on line 30/.test(e.message));
    await db.close();
  });

  test('the table: missing without createTable, created with it, existing with it', async () => {
    const db = await openDb();
    await assert.rejects(db.importTable('Nope', simpleLines(3)), (e) => e instanceof ResourceNotFoundException && /createTable/.test(e.message));
    assert.deepEqual((await db.send('ListTables', {})).TableNames, []);
    const result = await db.importTable('Made', simpleLines(3), { createTable: PK_ONLY });
    assert.deepEqual(result, { tableName: 'Made', items: 3, batches: 1, bytes: Buffer.byteLength(simpleLines(3)), created: true });
    await assert.rejects(db.importTable('Made', simpleLines(3), { createTable: PK_ONLY }), ResourceInUseException);
    await assert.rejects(db.importTable('Bad', simpleLines(3), { createTable: { KeySchema: PK_ONLY.KeySchema } }), ValidationException);
    await assert.rejects(db.importTable('Made', simpleLines(3), { createTable: { ...PK_ONLY, TableName: 'Other' } }), TypeError);
    await assert.rejects(db.importTable('Made', simpleLines(3), { onProgres: () => {} }), TypeError);
    // A created table stays when its import then fails, with the batches written.
    const bad = `${simpleLines(30)}{"Item": 5}\n`;
    await assert.rejects(db.importTable('Half', bad, { createTable: PK_ONLY }), (e) => e.line === 31 && e.itemsWritten === 25);
    assert.equal((await scanAll(db, 'Half')).length, 25);
    await db.close();
  });

  test('a key seen twice ends as its later line (1 and 1.0 are one number key)', async () => {
    const db = await openDb();
    await db.send('CreateTable', { TableName: 'Dup', ...KEYS, BillingMode: 'PAY_PER_REQUEST' });
    const text = [
      { pk: { S: 'a' }, sk: { N: '1' }, v: { S: 'first' } },
      { pk: { S: 'b' }, sk: { N: '1' }, v: { S: 'only' } },
      { pk: { S: 'a' }, sk: { N: '1.0' }, v: { S: 'second' } },
      { pk: { S: 'a' }, sk: { N: '10E-1' }, v: { S: 'third' } },
    ].map((Item) => JSON.stringify({ Item })).join('\n');
    const result = await db.importTable('Dup', text);
    assert.equal(result.items, 4);
    assert.equal(result.batches, 3);
    assert.deepEqual((await scanAll(db, 'Dup')).map((it) => it.v.S), ['third', 'only']);
    await db.close();
  });

  test('20,000 items import in seconds', async () => {
    const db = await openDb();
    await db.send('CreateTable', tableSpec('Big'));
    const text = simpleLines(20_000);
    const t0 = performance.now();
    const result = await db.importTable('Big', text);
    const ms = performance.now() - t0;
    assert.equal(result.items, 20_000);
    assert.equal(result.batches, 800);
    assert.equal((await db.send('DescribeTable', { TableName: 'Big' })).Table.ItemCount, 20_000);
    assert.ok(ms < 20_000, `took ${Math.round(ms)} ms`);
    console.log(`# importTable: 20,000 items (${(text.length / 1e6).toFixed(1)} MB) in ${Math.round(ms)} ms`);
    await db.close();
  });
});

test('a WorkerClient exports and imports through its transport', async () => {
  const { port1, port2 } = new MessageChannel();
  serveDatabase(port1);
  port1.start();
  try {
    const db = await WorkerClient.open(port2, 'worker-transfer', { storage: 'memory' });
    await db.send('CreateTable', tableSpec('Wrk'));
    const result = await db.importTable('Wrk', simpleLines(60));
    assert.equal(result.items, 60);
    const exp = await db.exportTable('Wrk');
    assert.equal(exp.itemCount, 60);
    const parse = (text) => sortItems(text.trim().split('\n').map((line) => JSON.parse(line).Item));
    assert.deepEqual(parse(await exp.text()), parse(simpleLines(60)));
    const lines = simpleLines(60).split('\n');
    lines[30] = '{"Item": {"x": {"S": "no key"}}}';
    await assert.rejects(db.importTable('Wrk', lines.join('\n')), (e) => e.name === 'ValidationException' && e.line === 31 && e.itemsWritten === 25);
    await db.close();
  } finally {
    port1.close();  // an open port would keep the test process alive
    port2.close();
  }
});
