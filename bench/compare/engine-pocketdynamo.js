// pocketdynamo as a bench engine (bench/compare/workload.js describes the
// interface), through db.send and DynamoDB JSON, in Chromium and in Node.
// storage: 'idb' (three IndexedDB replicas, each write on two before it
// resolves), 'memory', or undefined (Node's default, memory). Bulk load is
// 40 BatchWriteItems of 25 issued together per batch of 1,000 (one group
// commit); putMany issues one PutItem per item (group-committed).

export const TABLE = 'Bench';

export const tableSpec = {
  TableName: TABLE,
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
  BillingMode: 'PAY_PER_REQUEST',
};

export function toDdb(item) {
  return { pk: { S: item.pk }, sk: { S: item.sk }, n: { N: String(item.n) }, body: { S: item.body }, tag: { S: item.tag } };
}

export function fromDdb(item) {
  return item && { pk: item.pk.S, sk: item.sk.S, n: Number(item.n.N), body: item.body.S, tag: item.tag.S };
}

/** Bulk load through BatchWriteItem: 25 items per call, all calls of the batch issued together. */
export async function batchWrite(send, items) {
  const calls = [];
  for (let k = 0; k < items.length; k += 25) {
    const requests = items.slice(k, k + 25).map((item) => ({ PutRequest: { Item: toDdb(item) } }));
    calls.push(send('BatchWriteItem', { RequestItems: { [TABLE]: requests } }));
  }
  for (const out of await Promise.all(calls)) {
    if (out.UnprocessedItems && Object.keys(out.UnprocessedItems).length > 0) {
      throw new Error('BatchWriteItem left unprocessed items');
    }
  }
}

export function rangeRequest(pk, lo, hi) {
  return {
    TableName: TABLE,
    KeyConditionExpression: 'pk = :p AND sk BETWEEN :lo AND :hi',
    ExpressionAttributeValues: { ':p': { S: pk }, ':lo': { S: lo }, ':hi': { S: hi } },
  };
}

/** An engine over any send(op, request) -> response in DynamoDB JSON. */
export function sendEngine(send) {
  return {
    bulk: (items) => batchWrite(send, items),
    put: (item) => send('PutItem', { TableName: TABLE, Item: toDdb(item) }),
    putMany: (items) => Promise.all(items.map((item) => send('PutItem', { TableName: TABLE, Item: toDdb(item) }))),
    get: async (pk, sk) => fromDdb((await send('GetItem', { TableName: TABLE, Key: { pk: { S: pk }, sk: { S: sk } } })).Item),
    range: async (pk, lo, hi) => {
      const out = await send('Query', rangeRequest(pk, lo, hi));
      if (out.LastEvaluatedKey) throw new Error('range query was paged');
      return out.Items.map(fromDdb);
    },
  };
}

export function pocketdynamoEngine(open, { name = 'bench', storage } = {}) {
  let db = null;
  const send = (op, request) => db.send(op, request);
  const openDb = () => open(name, storage ? { storage } : {});
  const engine = {
    ...sendEngine(send),
    async open() {
      db = await openDb();
      await db.send('CreateTable', tableSpec);
    },
    async reopen() {
      db = await openDb();
    },
    /** IndexedDB: until all three replicas are healthy (the third may trail the quorum). */
    async settle() {
      if (storage === 'idb') await db.whenHealthy(300_000);
    },
    async close() {
      await db.close();
      db = null;
    },
    get db() { return db; },
  };
  if (storage !== 'idb') delete engine.reopen;   // memory keeps nothing to reopen
  return engine;
}
