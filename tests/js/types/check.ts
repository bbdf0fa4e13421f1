// Compile-only test of the package's typings (tsc --noEmit -p tests/js/types):
// the common calls type-check, and wrong ones are rejected (@ts-expect-error
// fails the compile if the line below it is NOT an error).
import {
  open, Database, Table, NumberValue, marshall, unmarshall,
  ConditionalCheckFailedException, DynamoDBError, PocketDynamoError, DataLossError, ValidationException,
  type AttributeMap, type Page, type Snapshot, MemoryStore, type ReplicaStatus,
  type TableExport, type ImportResult, type ImportProgress, type ImportErrorFields,
  type ChangeRecord, type LiveQuery, type DatabaseHandle, type Sync, type SyncState,
} from 'pocketdynamo';
import { WorkerClient, serveDatabase } from 'pocketdynamo/worker';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

interface Order {
  pk: string;
  sk: string;
  status: 'new' | 'shipped';
  total: number;
  tags?: Set<string>;
  lines?: { sku: string; qty: number }[];
}
type OrderKey = Pick<Order, 'pk' | 'sk'>;

async function main(): Promise<void> {
  const db: Database = await open('shop');
  const memory = await open({ storage: 'memory', pageSize: 8192 });
  const named = await open('x', { pageSize: 4096 });
  const files = await open({ path: './data' });
  const custom = await open({ stores: [new MemoryStore(), new MemoryStore(), new MemoryStore()] });
  // @ts-expect-error: storage is 'idb' | 'memory' | 'file'
  await open({ storage: 'disk' });
  const persistent: boolean = db.persistent;
  const persisted: boolean | null = db.persisted;
  const replicas: ReplicaStatus[] = await db.replicas();
  const status: 'healthy' | 'stale' | 'repairing' | 'failed' = replicas[0].status;
  const off = db.on('replica', (r) => { const lsn: number | null = r.lsn; });
  off();
  db.on('commit', (c) => { const n: number = c.operations; });
  // @ts-expect-error: no such event
  db.on('nonsense', () => {});

  const created = await db.send<{ TableDescription: { TableName: string } }>('CreateTable', {
    TableName: 'Orders',
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
  });
  const tableName: string = created.TableDescription.TableName;

  const orders: Table<Order, OrderKey> = db.table<Order, OrderKey>('Orders');
  await orders.put({ pk: 'u#1', sk: 'o#1', status: 'new', total: 12.5 }, { ifNotExists: true });
  // @ts-expect-error: status must be 'new' | 'shipped'
  await orders.put({ pk: 'u#1', sk: 'o#2', status: 'lost', total: 1 });
  const one: Order | undefined = await orders.get({ pk: 'u#1', sk: 'o#1' }, { consistent: true });
  // @ts-expect-error: the key type has no 'status'
  await orders.get({ pk: 'u#1', sk: 'o#1', status: 'new' });
  const updated = await orders.update({ pk: 'u#1', sk: 'o#1' },
    { set: { status: 'shipped' }, add: { total: 1 }, remove: ['tags'] },
    { condition: { status: 'new', total: { gt: 5 } } });
  const total: number | undefined = updated?.total;
  await orders.update({ pk: 'u#1', sk: 'o#1' }, { set: [[['lines', 0, 'qty'], 3]] });
  await orders.update({ pk: 'u#1', sk: 'o#1' }, { expression: 'SET #s = :s', names: { '#s': 'status' }, values: { ':s': 'new' } });
  const page: Page<Order, OrderKey> = await orders.query({ pk: 'u#1', sk: { beginsWith: 'o#' } },
    { reverse: true, limit: 10, filter: { status: 'new' } });
  const next: OrderKey | undefined = page.lastKey;
  for await (const o of orders.queryAll({ pk: 'u#1' })) { const s: string = o.sk; }
  for await (const o of orders.scanAll({ filter: { or: [{ status: 'new' }, { total: { between: [1, 2] } }] } })) { o.pk; }
  await orders.delete({ pk: 'u#1', sk: 'o#1' }, { returnValues: 'ALL_OLD' });

  const untyped = db.table('Anything');
  const anything = await untyped.get({ id: 1 });
  anything?.whatever;

  const item: AttributeMap = marshall({ a: 1, n: NumberValue.from('1.00000000000000000001') });
  const back = unmarshall<{ a: number }>(item, { wrapNumbers: false });
  const big: bigint = new NumberValue('12345678901234567890').toBigInt();

  try {
    await orders.put({ pk: 'u#1', sk: 'o#1', status: 'new', total: 1 }, { ifNotExists: true });
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) { const n: string = e.name; const t: string = e.__type; }
    if (e instanceof DynamoDBError && e.name === 'ValidationException') { e.message; }
    if (e instanceof PocketDynamoError) { e.message; }
  }
  try {
    await open('shop');
  } catch (e) {
    if (e instanceof DataLossError) { const n: 'DataLossError' = e.name; const l: number | null = e.lastLsn; e.dataLossMessage; }
  }
  const accepted = await open('shop', { acceptDataLoss: true });
  const lost: number | null | undefined = accepted.recovery?.dataLoss?.lastLsn;
  const v = new ValidationException('bad');
  const vn: 'ValidationException' = v.name;

  const client = new DynamoDBClient(db.clientConfig());
  const client2 = new DynamoDBClient({ region: 'local', requestHandler: db.requestHandler(),
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const doc = DynamoDBDocumentClient.from(client);
  await client2.send(new GetItemCommand({ TableName: 'Orders', Key: { pk: { S: 'u#1' }, sk: { S: 'o#1' } } }));

  // db.sync (docs/sync.md)
  const sync: Sync<{ pk: string; text?: string }> = await db.sync<{ pk: string; text?: string }>({
    table: 'Orders', remote: new DynamoDBClient({ region: 'eu-west-1' }), scope: { partitionKeys: ['u#1'] },
    resolve: (local, theirs) => (local && theirs ? { ...theirs, ...local } : local ?? theirs), pullFrom: 'auto',
  });
  await sync.ready;
  const syncState: SyncState = sync.state;
  const pendingCount: number = sync.pending;
  sync.on('conflict', (c) => { const w: 'local' | 'remote' | 'merged' = c.winner; void [w, c.local?.text]; });
  sync.on('progress', (p) => void p.loaded);
  // @ts-expect-error no such sync event
  sync.on('bogus', () => {});
  // @ts-expect-error remote is required
  await db.sync({ table: 'Orders' });
  // @ts-expect-error pullFrom is 'auto', 'stream' or 'query'
  await db.sync({ table: 'Orders', remote: new DynamoDBClient({}), pullFrom: 'kinesis' });
  const source: 'stream' | 'query' | null = sync.pullSource;
  sync.pause(); sync.resume(); await sync.syncNow(); await sync.stop();
  void [syncState, pendingCount, source];

  const exported: TableExport = await db.exportTable('Orders');
  const count: number = exported.itemCount;
  const bytes: ReadableStream<Uint8Array> = exported.stream({ gzip: true });
  const file: Blob = await exported.blob();
  for await (const line of exported) { const text: string = line; }
  for (const it of exported.items()) { const pk: AttributeMap[string] = it.pk; }
  const imported: ImportResult = await db.importTable('Copy', file, {
    createTable: {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    },
    onProgress: (p: ImportProgress) => { const n: number = p.items + p.bytes + p.batches; },
  });
  await db.importTable('Copy', '{"Item": {"pk": {"S": "a"}}}\n');
  await db.importTable('Copy', exported.stream());
  // @ts-expect-error: a number is no source
  await db.importTable('Copy', 42);
  // @ts-expect-error: KeyType is HASH or RANGE
  await db.importTable('Copy', '', { createTable: { KeySchema: [{ AttributeName: 'pk', KeyType: 'PRIMARY' }], AttributeDefinitions: [] } });
  try { await db.importTable('Copy', file); } catch (e) { const f = e as InstanceType<typeof ValidationException> & ImportErrorFields; const line: number = f.line; }
  const unsubscribe: () => void = db.subscribe('Orders', (records: ChangeRecord[]) => {
    for (const r of records) {
      const kind: 'INSERT' | 'MODIFY' | 'REMOVE' = r.eventName;
      const image = r.dynamodb.NewImage ?? r.dynamodb.OldImage;
      void [kind, image, r.dynamodb.Keys, r.userIdentity?.Type];
    }
  });
  const live: LiveQuery<{ Items?: object[] }> = db.live<{ Items?: object[] }>(
    { TableName: 'Orders', KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': { S: 'u#1' } } },
    (result) => { void result.Items; }, { onError: (e: Error) => void e.message });
  await live.ready;
  live.stop();
  unsubscribe();
  const swept: { deleted: number; trimmed: number } = await db.sweepExpired();
  const timed = await open({ storage: 'memory', clock: () => 0, ttlSweepIntervalMs: 0 });
  void [swept, timed];

  const snap: Snapshot = await db.snapshot();
  const reopened = await open({ snapshot: snap });
  const health: string = await reopened.check();
  await db.close();

  const worker = new MessageChannel().port1;
  const remote: WorkerClient = await WorkerClient.open(worker, 'shop');
  await remote.table<Order>('Orders').get({ pk: 'a', sk: 'b' });
  const remoteReplicas: ReplicaStatus[] = await remote.whenHealthy(1000);
  const remoteRole: 'owner' | 'forwarding' = remote.role;
  const offRemote = remote.on('commit', (c) => void c);
  offRemote();
  remote.subscribe('Orders', (records) => void records.length)();
  const handles: DatabaseHandle[] = [db, remote];
  serveDatabase(new MessageChannel().port2, { options: { clock: () => 0 } });
  // @ts-expect-error a function cannot be sent to a worker
  await WorkerClient.open(worker, 'shop', { clock: () => 0 });
  // @ts-expect-error transport internals are not public
  await db.scanTableJson('Orders');
  // @ts-expect-error transport internals are not public
  await db.sendJsonOutcome('ListTables', '{}');
  void [remoteReplicas, remoteRole, handles];
  void [memory, named, persistent, tableName, one, total, next, back, big, doc, health, remote];
}
void main;
