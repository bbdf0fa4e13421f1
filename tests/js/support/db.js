// Helpers for tests against the built package: a fresh in-memory database
// and the tables most tests use.
import { open } from 'pocketdynamo';

/** A new in-memory database. */
export function openDb(name = 'test') {
  return open(name);
}

/** CreateTable input for a table with a string partition key and optional sort key. */
export function tableSpec(name, { pk = 'pk', sk, pkType = 'S', skType = 'S' } = {}) {
  const spec = {
    TableName: name,
    KeySchema: [{ AttributeName: pk, KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: pk, AttributeType: pkType }],
    BillingMode: 'PAY_PER_REQUEST',
  };
  if (sk) {
    spec.KeySchema.push({ AttributeName: sk, KeyType: 'RANGE' });
    spec.AttributeDefinitions.push({ AttributeName: sk, AttributeType: skType });
  }
  return spec;
}

/** A fresh database holding table `name` (options as tableSpec). */
export async function dbWithTable(name = 'Tbl', options = {}) {
  const db = await openDb();
  await db.send('CreateTable', tableSpec(name, options));
  return db;
}
