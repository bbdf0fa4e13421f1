// One small end-to-end scenario run the same way everywhere the package must
// work: Node from a packed tarball, an esbuild bundle in Chromium, plain
// files in Chromium, a Web Worker. Plain ESM, no imports: the caller passes
// an open database (Database or WorkerClient). expectedSmoke is what a
// correct package returns.

export async function smoke(db) {
  await db.send('CreateTable', {
    TableName: 'Things',
    KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  const things = db.table('Things');
  await things.put({ id: 'a', n: 1, tags: new Set(['x', 'y']), bin: new Uint8Array([1, 2, 255]), nested: { l: [true, null] } });
  const item = await things.get({ id: 'a' });
  let conditional = null;
  try {
    await things.put({ id: 'a' }, { ifNotExists: true });
  } catch (error) {
    conditional = `${error.name}: ${error.message}`;
  }
  let missing = null;
  try {
    await db.send('GetItem', { TableName: 'Nope', Key: { id: { S: 'a' } } });
  } catch (error) {
    missing = error.name;
  }
  const updated = await things.update({ id: 'a' }, { add: { n: 2 }, remove: ['nested'] });
  const tables = await db.send('ListTables', {});
  return {
    item: { id: item.id, n: item.n, tags: [...item.tags].sort(), bin: [...item.bin], nested: item.nested },
    conditional,
    missing,
    updated: Object.keys(updated).sort().map((k) => [k, k === 'tags' ? [...updated[k]].sort() : k === 'bin' ? [...updated[k]] : updated[k]]),
    tables: tables.TableNames,
    persistent: db.persistent,
  };
}

export const expectedSmoke = {
  item: { id: 'a', n: 1, tags: ['x', 'y'], bin: [1, 2, 255], nested: { l: [true, null] } },
  conditional: 'ConditionalCheckFailedException: The conditional request failed',
  missing: 'ResourceNotFoundException',
  updated: [['bin', [1, 2, 255]], ['id', 'a'], ['n', 3], ['tags', ['x', 'y']]],
  tables: ['Things'],
  persistent: false,
};
