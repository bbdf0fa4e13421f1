// PartiQL through the package: ExecuteStatement, BatchExecuteStatement and
// ExecuteTransaction via db.send (DynamoDB JSON), the real AWS SDK's
// commands (client-dynamodb) and lib-dynamodb's document commands with
// native values; DynamoDB's errors as the SDK's classes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DynamoDBClient, ExecuteStatementCommand, BatchExecuteStatementCommand, ExecuteTransactionCommand,
  DuplicateItemException, ConditionalCheckFailedException, TransactionCanceledException,
  ResourceNotFoundException,
} from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient, ExecuteStatementCommand as DocExecuteStatementCommand,
  BatchExecuteStatementCommand as DocBatchExecuteStatementCommand,
  ExecuteTransactionCommand as DocExecuteTransactionCommand,
} from '@aws-sdk/lib-dynamodb';
import { DuplicateItemException as PdDuplicateItemException } from 'pocketdynamo';
import { openDb, tableSpec } from './support/db.js';

async function setup() {
  const db = await openDb();
  await db.send('CreateTable', tableSpec('Music', { pk: 'Artist', sk: 'SongTitle' }));
  const client = new DynamoDBClient(db.clientConfig());
  const doc = DynamoDBDocumentClient.from(client);
  return { db, client, doc };
}

test('db.send: INSERT, SELECT (Query and Scan), UPDATE, DELETE', async () => {
  const { db } = await setup();
  const insert = await db.send('ExecuteStatement', {
    Statement: "INSERT INTO Music VALUE {'Artist': ?, 'SongTitle': 'One', 'Plays': 1, 'Tags': <<'a'>>}",
    Parameters: [{ S: 'Acme' }],
  });
  assert.deepEqual(insert.Items, []);
  await db.send('ExecuteStatement', { Statement: "INSERT INTO Music VALUE {'Artist': 'Acme', 'SongTitle': 'Two', 'Plays': 5}" });
  await assert.rejects(
    db.send('ExecuteStatement', { Statement: "INSERT INTO Music VALUE {'Artist': 'Acme', 'SongTitle': 'One'}" }),
    (e) => e instanceof PdDuplicateItemException && e.message === 'Duplicate primary key exists in table');

  const q = await db.send('ExecuteStatement', { Statement: "SELECT SongTitle, Plays FROM Music WHERE Artist = 'Acme' ORDER BY SongTitle DESC" });
  assert.deepEqual(q.Items, [{ SongTitle: { S: 'Two' }, Plays: { N: '5' } }, { SongTitle: { S: 'One' }, Plays: { N: '1' } }]);
  const s = await db.send('ExecuteStatement', { Statement: 'SELECT * FROM Music WHERE Plays > 2' });
  assert.equal(s.Items.length, 1);

  const u = await db.send('ExecuteStatement', {
    Statement: "UPDATE Music SET Plays = Plays + 1 SET Tags = set_add(Tags, <<'b'>>) WHERE Artist = 'Acme' AND SongTitle = 'One' RETURNING ALL NEW *",
  });
  assert.equal(u.Items[0].Plays.N, '2');
  assert.deepEqual(u.Items[0].Tags.SS, ['a', 'b']);
  await assert.rejects(
    db.send('ExecuteStatement', { Statement: "UPDATE Music SET Plays = 0 WHERE Artist = 'Acme' AND SongTitle = 'Nope'" }),
    { name: 'ConditionalCheckFailedException' });
  const d = await db.send('ExecuteStatement', { Statement: "DELETE FROM Music WHERE Artist = 'Acme' AND SongTitle = 'Two' RETURNING ALL OLD *" });
  assert.equal(d.Items[0].Plays.N, '5');
  await assert.rejects(db.send('ExecuteStatement', { Statement: 'SELECT * FROM Music WHERE' }), (e) => {
    assert.equal(e.name, 'ValidationException');
    assert.equal(e.message, "Statement wasn't well formed, can't be processed: Unexpected end of statement, expected a value or a path at line 1, column 26");
    return true;
  });
  await db.close();
});

test('AWS SDK: ExecuteStatementCommand with paging, errors as SDK classes', async () => {
  const { db, client } = await setup();
  for (let i = 0; i < 7; i++) {
    await client.send(new ExecuteStatementCommand({
      Statement: 'INSERT INTO "Music" VALUE {\'Artist\': ?, \'SongTitle\': ?, \'n\': ?}',
      Parameters: [{ S: 'A' }, { S: `S${i}` }, { N: String(i) }],
    }));
  }
  const titles = [];
  let NextToken;
  let pages = 0;
  do {
    const page = await client.send(new ExecuteStatementCommand({ Statement: 'SELECT SongTitle FROM Music', Limit: 3, NextToken }));
    assert.ok(page.Items.length <= 3);
    titles.push(...page.Items.map((item) => item.SongTitle.S));
    NextToken = page.NextToken;
    pages++;
  } while (NextToken);
  assert.equal(pages, 3);
  assert.deepEqual(titles, ['S0', 'S1', 'S2', 'S3', 'S4', 'S5', 'S6']);
  const rcc = await client.send(new ExecuteStatementCommand({
    Statement: "SELECT * FROM Music WHERE Artist = 'A'", ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL',
  }));
  assert.equal(rcc.ConsumedCapacity.TableName, 'Music');
  assert.ok(rcc.ConsumedCapacity.CapacityUnits > 0);
  await assert.rejects(client.send(new ExecuteStatementCommand({ Statement: "INSERT INTO Music VALUE {'Artist': 'A', 'SongTitle': 'S1'}" })),
    DuplicateItemException);
  await assert.rejects(client.send(new ExecuteStatementCommand({ Statement: "UPDATE Music SET x = 1 WHERE Artist = 'A' AND SongTitle = 'zz'" })),
    ConditionalCheckFailedException);
  await assert.rejects(client.send(new ExecuteStatementCommand({ Statement: 'SELECT * FROM Nope' })), ResourceNotFoundException);
  await assert.rejects(client.send(new ExecuteStatementCommand({ Statement: "UPDATE Music SET x = 1 WHERE Artist = 'A'" })),
    (e) => e.name === 'ValidationException' && e.message === 'Where clause does not contain a mandatory equality on all key attributes');
  await db.close();
});

test('AWS SDK: BatchExecuteStatementCommand and ExecuteTransactionCommand', async () => {
  const { db, client } = await setup();
  const batch = await client.send(new BatchExecuteStatementCommand({
    Statements: [
      { Statement: "INSERT INTO Music VALUE {'Artist': 'B', 'SongTitle': '1'}" },
      { Statement: "INSERT INTO Music VALUE {'Artist': 'B', 'SongTitle': '1'}" },
      { Statement: 'INSERT INTO Music VALUE' },
    ],
  }));
  assert.equal(batch.Responses.length, 3);
  assert.equal(batch.Responses[0].Error, undefined);
  assert.equal(batch.Responses[0].TableName, 'Music');
  assert.equal(batch.Responses[1].Error.Code, 'DuplicateItem');
  assert.equal(batch.Responses[2].Error.Code, 'ValidationError');
  const reads = await client.send(new BatchExecuteStatementCommand({
    Statements: [{ Statement: "SELECT * FROM Music WHERE Artist = 'B' AND SongTitle = '1'" },
      { Statement: "SELECT * FROM Music WHERE Artist = 'B' AND SongTitle = '2'", ConsistentRead: true }],
  }));
  assert.deepEqual(reads.Responses[0].Item, { Artist: { S: 'B' }, SongTitle: { S: '1' } });
  assert.equal(reads.Responses[1].Item, undefined);

  // A write transaction answers an empty Responses list, as DynamoDB does.
  const written = await client.send(new ExecuteTransactionCommand({
    TransactStatements: [
      { Statement: "INSERT INTO Music VALUE {'Artist': 'T', 'SongTitle': '1'}" },
      { Statement: "UPDATE Music SET seen = true WHERE Artist = 'B' AND SongTitle = '1'" },
      { Statement: "NOT EXISTS(SELECT * FROM Music WHERE Artist = 'Z' AND SongTitle = '1')" },
    ],
    ClientRequestToken: 'token-1',
  }));
  assert.deepEqual(written.Responses, []);
  await assert.rejects(client.send(new ExecuteTransactionCommand({
    TransactStatements: [
      { Statement: "INSERT INTO Music VALUE {'Artist': 'T', 'SongTitle': '2'}" },
      { Statement: "INSERT INTO Music VALUE {'Artist': 'T', 'SongTitle': '1'}" },
    ],
  })), (e) => {
    assert.ok(e instanceof TransactionCanceledException);
    assert.deepEqual(e.CancellationReasons.map((r) => r.Code), ['None', 'DuplicateItem']);
    return true;
  });
  const tx = await client.send(new ExecuteTransactionCommand({
    TransactStatements: [{ Statement: "SELECT * FROM Music WHERE Artist = 'T' AND SongTitle = ?", Parameters: [{ S: '1' }] },
      { Statement: "SELECT * FROM Music WHERE Artist = 'T' AND SongTitle = '2'" }],
  }));
  assert.equal(tx.Responses[0].Item.SongTitle.S, '1');
  assert.equal(tx.Responses[1].Item, undefined);
  await db.close();
});

test('lib-dynamodb: document commands with native values', async () => {
  const { db, doc } = await setup();
  await doc.send(new DocExecuteStatementCommand({
    Statement: 'INSERT INTO Music VALUE {\'Artist\': ?, \'SongTitle\': ?, \'info\': ?, \'tags\': ?}',
    Parameters: ['Doc', 'One', { released: 2024, list: [1, 'x'] }, new Set(['a', 'b'])],
  }));
  const r = await doc.send(new DocExecuteStatementCommand({
    Statement: 'SELECT * FROM Music WHERE Artist = ? AND info.released = ?', Parameters: ['Doc', 2024],
  }));
  assert.deepEqual(r.Items, [{ Artist: 'Doc', SongTitle: 'One', info: { released: 2024, list: [1, 'x'] }, tags: new Set(['a', 'b']) }]);
  const b = await doc.send(new DocBatchExecuteStatementCommand({
    Statements: [{ Statement: 'SELECT SongTitle FROM Music WHERE Artist = ? AND SongTitle = ?', Parameters: ['Doc', 'One'] }],
  }));
  assert.deepEqual(b.Responses[0].Item, { SongTitle: 'One' });
  const t = await doc.send(new DocExecuteTransactionCommand({
    TransactStatements: [{ Statement: 'SELECT info.released FROM Music WHERE Artist = ? AND SongTitle = ?', Parameters: ['Doc', 'One'] }],
  }));
  assert.deepEqual(t.Responses[0].Item, { info: { released: 2024 } });
  await db.close();
});

test('db.executeStatement: native parameters and items, paging', async () => {
  const { db } = await setup();
  for (let i = 0; i < 3; i++) {
    await db.executeStatement("INSERT INTO Music VALUE {'Artist': ?, 'SongTitle': ?, 'meta': ?}", ['N', `t${i}`, { i, tags: new Set([i]) }]);
  }
  const first = await db.executeStatement('SELECT * FROM Music WHERE Artist = ?', ['N'], { limit: 2, consistentRead: true });
  assert.deepEqual(first.items.map((item) => item.SongTitle), ['t0', 't1']);
  assert.deepEqual(first.items[0].meta, { i: 0, tags: new Set([0]) });
  assert.equal(typeof first.nextToken, 'string');
  const second = await db.executeStatement('SELECT * FROM Music WHERE Artist = ?', ['N'], { limit: 2, nextToken: first.nextToken });
  assert.deepEqual(second.items.map((item) => item.SongTitle), ['t2']);
  assert.equal(second.nextToken, undefined);
  await assert.rejects(db.executeStatement("DELETE FROM Music WHERE Artist = 'N'"), { name: 'ValidationException' });
  await db.close();
});
