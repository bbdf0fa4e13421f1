// Backups against the built package: CreateBackup, DescribeBackup,
// ListBackups, DeleteBackup and RestoreTableFromBackup through db.send and
// through the real @aws-sdk/client-dynamodb (db.clientConfig()), round trips
// that keep every item exactly (all ten attribute types, items near the
// 400 KB limit), and backups kept across close/reopen of file replicas.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DynamoDBClient, CreateBackupCommand, DescribeBackupCommand, ListBackupsCommand, DeleteBackupCommand,
  RestoreTableFromBackupCommand, DescribeTableCommand, ScanCommand,
  BackupNotFoundException as SdkBackupNotFound, TableNotFoundException as SdkTableNotFound,
  TableAlreadyExistsException as SdkTableAlreadyExists,
} from '@aws-sdk/client-dynamodb';
import {
  open, BackupNotFoundException, TableNotFoundException, TableAlreadyExistsException, ValidationException,
} from 'pocketdynamo';
import { openDb, tableSpec } from './support/db.js';

let work;
before(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'pd-backups-')); });
after(() => { if (work) fs.rmSync(work, { recursive: true, force: true }); });

const b64 = (bytes) => Buffer.from(bytes).toString('base64');

// Items of every attribute type, and two near the 400 KB item limit.
function sampleItems() {
  const items = [];
  items.push({
    pk: { S: 'all-types' }, sk: { N: '1' },
    s: { S: 'héllo wörld ✓' }, n: { N: '-12345678901234567890.123456789012345678' },
    b: { B: b64([0, 1, 2, 253, 254, 255]) }, t: { BOOL: true }, f: { BOOL: false }, z: { NULL: true },
    m: { M: { inner: { L: [{ S: 'x' }, { N: '2' }, { M: { deep: { SS: ['a', 'b'] } } }] }, e: { S: '' } } },
    l: { L: [{ NULL: true }, { BOOL: false }, { B: b64([7]) }, { L: [] }, { M: {} }] },
    ss: { SS: ['apple', 'banana', 'cherry'] }, ns: { NS: ['-1', '0.5', '1E+100'] },
    bs: { BS: [b64([1]), b64([2, 3]), b64([255])] },
  });
  items.push({ pk: { S: 'big' }, sk: { N: '1' }, body: { S: 'x'.repeat(400 * 1024 - 100) } });
  items.push({ pk: { S: 'big' }, sk: { N: '2' }, blob: { B: b64(new Uint8Array(300 * 1024).map((_, i) => i % 251)) },
    tail: { S: 'y'.repeat(90 * 1024) } });
  for (let i = 0; i < 200; i += 1) {
    items.push({ pk: { S: `p${i % 17}` }, sk: { N: String(i) }, v: { S: `value-${i}` }, n: { N: String(i * 1.5) } });
  }
  return items;
}

// Every item of a table, sorted by key, through Scan pages.
async function scanAll(send, table) {
  const items = [];
  let start;
  do {
    const page = await send('Scan', { TableName: table, ConsistentRead: true, ExclusiveStartKey: start });
    items.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  const key = (it) => `${it.pk.S}\u0000${it.sk.N.padStart(8, '0')}`;
  return items.sort((a, c) => (key(a) < key(c) ? -1 : key(a) > key(c) ? 1 : 0));
}

async function fill(db, table) {
  await db.send('CreateTable', tableSpec(table, { sk: 'sk', skType: 'N' }));
  await Promise.all(sampleItems().map((Item) => db.send('PutItem', { TableName: table, Item })));
}

test('db.send: backup, change, restore gives the snapshot exactly', async () => {
  const db = await openDb();
  const send = (op, input) => db.send(op, input);
  await fill(db, 'Orders');
  const snapshot = await scanAll(send, 'Orders');
  const source = (await db.send('DescribeTable', { TableName: 'Orders' })).Table;

  const { BackupDetails: details } = await db.send('CreateBackup', { TableName: 'Orders', BackupName: 'before-change' });
  assert.match(details.BackupArn, /^arn:aws:dynamodb:local:000000000000:table\/Orders\/backup\/\d{14}-[0-9a-f]{8}$/);
  assert.equal(details.BackupStatus, 'AVAILABLE');
  assert.equal(details.BackupType, 'USER');
  assert.equal(details.BackupName, 'before-change');
  assert.equal(details.BackupSizeBytes, source.TableSizeBytes);
  assert.equal(typeof details.BackupCreationDateTime, 'number');

  // Change the source: the backup does not follow.
  await db.send('DeleteItem', { TableName: 'Orders', Key: { pk: { S: 'all-types' }, sk: { N: '1' } } });
  await db.send('PutItem', { TableName: 'Orders', Item: { pk: { S: 'new' }, sk: { N: '0' } } });
  assert.deepEqual((await db.send('DescribeTable', { TableName: 'Orders' })).Table.ItemCount, source.ItemCount);

  const described = (await db.send('DescribeBackup', { BackupArn: details.BackupArn })).BackupDescription;
  assert.deepEqual(described.BackupDetails, details);
  assert.equal(described.SourceTableDetails.ItemCount, snapshot.length);
  assert.equal(described.SourceTableDetails.TableId, source.TableId);
  assert.equal(described.SourceTableDetails.BillingMode, 'PAY_PER_REQUEST');

  const restored = (await db.send('RestoreTableFromBackup', { TargetTableName: 'Restored', BackupArn: details.BackupArn }))
    .TableDescription;
  assert.equal(restored.TableName, 'Restored');
  assert.equal(restored.ItemCount, snapshot.length);
  assert.deepEqual(restored.RestoreSummary, {
    SourceBackupArn: details.BackupArn, SourceTableArn: source.TableArn,
    RestoreDateTime: restored.RestoreSummary.RestoreDateTime, RestoreInProgress: false,
  });
  assert.deepEqual(await scanAll(send, 'Restored'), snapshot);
  assert.deepEqual((await db.send('DescribeTable', { TableName: 'Restored' })).Table.RestoreSummary, restored.RestoreSummary);

  const listed = await db.send('ListBackups', {});
  assert.deepEqual(listed.BackupSummaries.map((s) => s.BackupArn), [details.BackupArn]);
  assert.equal(listed.LastEvaluatedBackupArn, undefined);

  // Errors, with DynamoDB's classes.
  await assert.rejects(db.send('CreateBackup', { TableName: 'Nope', BackupName: 'bk1' }), (e) => {
    assert.ok(e instanceof TableNotFoundException);
    assert.equal(e.message, 'Table not found: Nope');
    return true;
  });
  await assert.rejects(db.send('RestoreTableFromBackup', { TargetTableName: 'Orders', BackupArn: details.BackupArn }),
    (e) => e instanceof TableAlreadyExistsException && e.message === 'Table already exists: Orders');
  await assert.rejects(db.send('CreateBackup', { TableName: 'Orders', BackupName: 'no spaces' }), ValidationException);

  const deleted = (await db.send('DeleteBackup', { BackupArn: details.BackupArn })).BackupDescription;
  assert.equal(deleted.BackupDetails.BackupStatus, 'DELETED');
  await assert.rejects(db.send('DescribeBackup', { BackupArn: details.BackupArn }), (e) => {
    assert.ok(e instanceof BackupNotFoundException);
    assert.equal(e.message, `Backup not found: ${details.BackupArn}`);
    return true;
  });
  assert.deepEqual((await db.send('ListBackups', {})).BackupSummaries, []);
  await db.close();
});

test('AWS SDK: CreateBackupCommand ... RestoreTableFromBackupCommand, SDK error classes', async () => {
  const db = await openDb();
  const client = new DynamoDBClient(db.clientConfig());
  await fill(db, 'Music');
  const send = (op, input) => db.send(op, input);
  const snapshot = await scanAll(send, 'Music');

  const created = await client.send(new CreateBackupCommand({ TableName: 'Music', BackupName: 'MusicBackup' }));
  const arn = created.BackupDetails.BackupArn;
  assert.ok(created.BackupDetails.BackupCreationDateTime instanceof Date);
  assert.equal(created.BackupDetails.BackupStatus, 'AVAILABLE');
  const second = await client.send(new CreateBackupCommand({ TableName: 'Music', BackupName: 'MusicBackup2' }));

  const described = await client.send(new DescribeBackupCommand({ BackupArn: arn }));
  assert.equal(described.BackupDescription.SourceTableDetails.TableName, 'Music');
  assert.ok(described.BackupDescription.SourceTableDetails.TableCreationDateTime instanceof Date);

  // ListBackups: paging and a time range given as Dates (sent as epoch seconds).
  const page1 = await client.send(new ListBackupsCommand({ TableName: 'Music', Limit: 1 }));
  assert.equal(page1.BackupSummaries.length, 1);
  assert.equal(page1.LastEvaluatedBackupArn, page1.BackupSummaries[0].BackupArn);
  const page2 = await client.send(new ListBackupsCommand({ TableName: 'Music', Limit: 1, ExclusiveStartBackupArn: page1.LastEvaluatedBackupArn }));
  assert.equal(page2.BackupSummaries.length, 1);
  assert.deepEqual([page1, page2].map((p) => p.BackupSummaries[0].BackupArn).sort(),
    [arn, second.BackupDetails.BackupArn].sort());
  const t = created.BackupDetails.BackupCreationDateTime.getTime();
  const inRange = await client.send(new ListBackupsCommand({
    TimeRangeLowerBound: new Date(t), TimeRangeUpperBound: new Date(t + 1),
  }));
  assert.ok(inRange.BackupSummaries.some((s) => s.BackupArn === arn));
  const before = await client.send(new ListBackupsCommand({ TimeRangeUpperBound: new Date(t) }));
  assert.ok(!before.BackupSummaries.some((s) => s.BackupArn === arn));

  const restored = await client.send(new RestoreTableFromBackupCommand({ TargetTableName: 'MusicCopy', BackupArn: arn }));
  assert.equal(restored.TableDescription.RestoreSummary.RestoreInProgress, false);
  assert.ok(restored.TableDescription.RestoreSummary.RestoreDateTime instanceof Date);
  const scanned = [];
  let start;
  do {
    const page = await client.send(new ScanCommand({ TableName: 'MusicCopy', ExclusiveStartKey: start }));
    scanned.push(...page.Items);
    start = page.LastEvaluatedKey;
  } while (start);
  assert.equal(scanned.length, snapshot.length);
  const allTypes = scanned.find((it) => it.pk.S === 'all-types');
  assert.deepEqual(Buffer.from(allTypes.b.B), Buffer.from([0, 1, 2, 253, 254, 255]));
  const original = snapshot.find((it) => it.pk.S === 'all-types');
  assert.deepEqual([...allTypes.ns.NS].sort(), [...original.ns.NS].sort());
  assert.deepEqual([...allTypes.ss.SS].sort(), ['apple', 'banana', 'cherry']);
  assert.deepEqual(await scanAll(send, 'MusicCopy'), snapshot);
  assert.equal((await client.send(new DescribeTableCommand({ TableName: 'MusicCopy' }))).Table.ItemCount, snapshot.length);

  await assert.rejects(client.send(new CreateBackupCommand({ TableName: 'Missing', BackupName: 'abc' })), SdkTableNotFound);
  await assert.rejects(client.send(new RestoreTableFromBackupCommand({ TargetTableName: 'Music', BackupArn: arn })),
    SdkTableAlreadyExists);
  const deleted = await client.send(new DeleteBackupCommand({ BackupArn: arn }));
  assert.equal(deleted.BackupDescription.BackupDetails.BackupStatus, 'DELETED');
  await assert.rejects(client.send(new DescribeBackupCommand({ BackupArn: arn })), (e) => {
    assert.ok(e instanceof SdkBackupNotFound);
    assert.equal(e.message, `Backup not found: ${arn}`);
    return true;
  });
  await db.close();
});

test('backups survive close/reopen of file replicas and DeleteTable of their source', async () => {
  const dir = path.join(work, 'db');
  let db = await open({ path: dir });
  await fill(db, 'Keep');
  const send = (op, input) => db.send(op, input);
  const snapshot = await scanAll(send, 'Keep');
  const { BackupDetails: { BackupArn: arn } } = await db.send('CreateBackup', { TableName: 'Keep', BackupName: 'on-disk' });
  await db.send('DeleteTable', { TableName: 'Keep' });
  await db.close();

  db = await open({ path: dir });
  const listed = await db.send('ListBackups', {});
  assert.deepEqual(listed.BackupSummaries.map((s) => s.BackupArn), [arn]);
  await db.send('RestoreTableFromBackup', { TargetTableName: 'Keep', BackupArn: arn });
  await db.close();

  db = await open({ path: dir });
  assert.deepEqual(await scanAll(send, 'Keep'), snapshot);
  await db.close();
});
