// Sync: keeps a local table in step with a remote DynamoDB table reached
// through an AWS SDK v3 DynamoDBClient the application gives (docs/sync.md
// has the design: data on each side, outbox, push, pull, conflicts, states).
//
//   const sync = await db.sync({ table: 'Notes', remote: new DynamoDBClient({...}) });
//   await sync.ready;  sync.on('conflict', fn);  await sync.syncNow();  await sync.stop();
//
// The outbox is the set of dirty keys: a key whose local item differs from
// the content recorded in the sync state table (META) when it was last
// reconciled with the remote. The local table's stream (written by the core
// in the same commit as each item) says which keys to look at; every read
// and write of local state that must agree runs in one exclusive turn of the
// database's queue (exclusive.js), committed as one.

import { DynamoDBError, PocketDynamoError } from '../errors.js';
import { convertToAttr, unmarshall, marshall } from '../document/marshall.js';
import { EXCLUSIVE } from './exclusive.js';
import { keyConditionTest } from './scope.js';
import { compareN, maxN, minusMs, nextVersion } from './numbers.js';
import { SHARD_DONE, recordChanges, shardPlan } from './remote-stream.js';
import {
  DELETED, EXPIRES, TIME, VERSION, WRITER, canonicalItem, fromSdk, hashItem, keyOf, toSdk, userContent,
} from './items.js';

/** The local table holding every sync's state (docs/sync.md). */
export const META_TABLE = '_pocketdynamo_sync';
const STATE_FORMAT = 1;   // the rows of META_TABLE (docs/formats.md); in the 'writer' row as f
const STATES = Object.freeze(['starting', 'pulling', 'pushing', 'idle', 'offline', 'error', 'paused', 'stopped']);
const EVENTS = Object.freeze(['state', 'progress', 'push', 'pull', 'conflict', 'error']);
const MAX_BACKOFF_MS = 30_000;
const FIRST_BACKOFF_MS = 250;
const RECORDS_PAGE = 1000;
const MAX_KEY_ATTEMPTS = 8;
const MAX_BATCH = 100;                    // TransactWriteItems: at most 100 actions
const DEFAULT_TOMBSTONE_RETENTION_MS = 30 * 24 * 3600 * 1000;   // remote tombstones expire after (with TTL on _exp)
const DEFAULT_BATCH = 25;                 // keys per transaction by default (docs/sync.md: cost on AWS)
const TRANSACTION_BYTES = 3_500_000;      // and 4 MB in all: items (as canonical text) per transaction, below that
// A transaction the remote cancelled or refused as a whole, having written nothing: its keys go one by one.
const TRANSACTION_CANCELLED = new Set(['TransactionCanceledException', 'TransactionConflictException',
  'TransactionInProgressException', 'ValidationException', 'IdempotentParameterMismatchException']);
const OPTION_NAMES = new Set(['table', 'remote', 'remoteTable', 'scope', 'changeIndex', 'resolve', 'sdk', 'pageSize',
  'pullIntervalMs', 'overlapMs', 'concurrency', 'batchSize', 'tombstoneRetentionMs', 'clock', 'pullFrom', 'remoteStreams',
  'streamsSdk']);
const PULL_FROM = Object.freeze(['auto', 'stream', 'query']);
const DESCRIBE_EVERY_MS = 60_000;   // the remote table's stream (enabled, its ARN) is described again after this
// Answers that mean the remote's stream cannot be read with these credentials or at this endpoint: with
// pullFrom 'auto', the sync pulls by Scan/Query instead.
const NO_STREAM_ACCESS = new Set(['AccessDeniedException', 'UnknownOperationException', 'UnrecognizedClientException']);

function check(condition, message) {
  if (!condition) throw new TypeError(`db.sync(options): ${message}`);
}

/** Starts a sync of db (a Database owning its data) as options say; resolves to the Sync. */
export async function startSync(db, options) {
  check(options !== null && typeof options === 'object', 'options is an object');
  for (const name of Object.keys(options)) check(OPTION_NAMES.has(name), `unknown option "${name}"`);
  check(typeof options.table === 'string' && options.table.length > 0, 'table is the local table name');
  check(options.table !== META_TABLE, `table ${META_TABLE} holds the sync state and cannot be synced`);
  check(options.remote && typeof options.remote.send === 'function',
      'remote is an AWS SDK v3 DynamoDBClient (its credentials are used as they are; none are stored)');
  check(options.remoteTable === undefined || (typeof options.remoteTable === 'string' && options.remoteTable.length > 0),
      'remoteTable is a table name');
  check(options.resolve === undefined || typeof options.resolve === 'function', 'resolve is a function (local, remote) => item');
  check(options.pullFrom === undefined || PULL_FROM.includes(options.pullFrom),
      `pullFrom is one of ${PULL_FROM.map((p) => `'${p}'`).join(', ')}`);
  check(options.remoteStreams === undefined || (options.remoteStreams && typeof options.remoteStreams.send === 'function'),
      'remoteStreams is an AWS SDK v3 DynamoDBStreamsClient');
  check(options.streamsSdk === undefined || (options.streamsSdk !== null && typeof options.streamsSdk === 'object'),
      'streamsSdk is the @aws-sdk/client-dynamodb-streams module');
  check(options.batchSize === undefined || (Number.isInteger(options.batchSize) && options.batchSize >= 1 &&
      options.batchSize <= MAX_BATCH), `batchSize is an integer from 1 to ${MAX_BATCH} (keys per TransactWriteItems)`);
  for (const name of ['pageSize', 'pullIntervalMs', 'overlapMs', 'concurrency', 'tombstoneRetentionMs']) {
    check(options[name] === undefined || (Number.isInteger(options[name]) && options[name] >= (name === 'overlapMs' ? 0 : 1)),
        `${name} is a positive integer`);
  }
  const scope = options.scope ?? null;
  if (scope !== null) {
    check(typeof scope === 'object', 'scope is { partitionKeys: [...] } or { query: {...} } (or omitted for the whole table)');
    if (scope.query !== undefined) {
      check(scope.partitionKeys === undefined, 'scope has partitionKeys or query, not both');
      check(scope.query !== null && typeof scope.query === 'object' && typeof scope.query.KeyConditionExpression === 'string',
          'scope.query is { KeyConditionExpression, ExpressionAttributeNames?, ExpressionAttributeValues? }');
      check(scope.query.IndexName === undefined || (typeof scope.query.IndexName === 'string' && scope.query.IndexName.length > 0),
          'scope.query.IndexName is an index name');
    } else {
      check(Array.isArray(scope.partitionKeys) && scope.partitionKeys.length > 0,
          'scope.partitionKeys is a non-empty array of partition key values');
    }
  }
  let sdk = options.sdk;
  if (sdk === undefined) {
    try {
      sdk = await import('@aws-sdk/client-dynamodb');
    } catch (error) {
      throw new PocketDynamoError('db.sync(): @aws-sdk/client-dynamodb could not be imported here; pass its ' +
          `module as options.sdk (${error.message})`, { cause: error });
    }
  }
  const sync = new Sync(db, options, sdk);
  await sync._setUp();
  return sync;
}

// A push round cut short by pause() or stop(): the cursor stays before what was not pushed.
class Interrupted extends Error {
  constructor(written) {
    super('sync: interrupted');
    this.written = written;
  }
}

/**
 * True for an error with no HTTP answer: the remote could not be reached.
 * A TypeError is a bug, except a fetch that failed in a browser ("Failed to
 * fetch"), which the SDK's middleware gives $metadata ({ attempts }).
 */
function isNetworkError(error) {
  return error?.$metadata?.httpStatusCode === undefined && error?.$response === undefined &&
      !(error instanceof PocketDynamoError) && !(error instanceof DynamoDBError) &&
      (!(error instanceof TypeError) || error.$metadata !== undefined);
}

function throwIfError(response, what) {
  if (response && typeof response.__type === 'string') {
    throw new PocketDynamoError(`sync: ${what} failed locally: ${response.__type.split('#').pop()}: ${response.message}`);
  }
  return response;
}

export class Sync {
  #db;
  #table;
  #remote;
  #remoteTable;
  #sdk;
  #resolve;
  #scope;            // Set of canonical partition key values, or null
  #query = null;     // scope.query (values in wire form), or null
  #queryTest = null; // its key test (scope.js)
  #indexScope = null; // scope.query on an index: { lsi } (an LSI reads consistently), else null
  #changeIndex;
  #pageSize;
  #pullIntervalMs;
  #overlapMs;
  #concurrency;
  #batchSize;
  #tombstoneRetentionMs;
  #transactions = null;  // the remote has TransactWriteItems: true, false (UnknownOperationException), null: not known yet
  #clock;
  #keyNames = [];    // local key schema: [partition, sort?]
  #writer = '';
  #state = 'starting';
  #listeners = new Map();
  #paused = false;
  #stopped = false;
  #wakeUp = null;    // resolve of the loop's current wait
  #wantPull = true;
  #wantPush = true;
  #loop = null;
  #unsubscribe = null;
  #onOnline = null;
  #pending = new Map();    // canonical key -> its local change not yet pushed (stamp of the record that said so)
  #stamp = 0;
  #own = new WeakSet();    // change records of the sync's own local writes (pulled items): not pending
  #waiters = [];     // { round, resolve, reject } of syncNow() calls
  #round = 0;        // rounds started
  #readyResolve;
  #readyReject;
  #backoff = FIRST_BACKOFF_MS;
  #stream = null;    // { arn, shardId } of the local table's stream (described again after a failed round)
  #iterator = null;  // GetRecords iterator where the last round stopped (valid 15 minutes)
  #pullFrom;         // 'auto', 'stream', 'query' (options.pullFrom)
  #streamsOption;    // options.remoteStreams, or undefined
  #streamsSdk;       // options.streamsSdk, or undefined (imported when needed)
  #streams;          // { client, sdk } for the remote's stream; null: not available here (auto: Scan/Query); undefined: not yet
  #remoteStream;     // { arn (null: none), at } the remote table's stream as last described; undefined: describe it
  #noStreamAccess = false;   // auto: the remote's stream answered NO_STREAM_ACCESS; Scan/Query from then on
  #shardIterators = new Map();   // remote shard id -> iterator where the last round stopped (valid 15 minutes)
  #shards = null;    // { arn, list, at }: the remote stream's shards as last described (DescribeStream)
  #pullSource = null;            // 'stream' or 'query': what the last pull round read
  #offline = false;  // a browser's 'offline' event came (and no 'online' since)
  #onOffline = null;

  /** Resolves after the first complete round (hydrated and pushed); rejects if stopped before. */
  ready;
  /** Time (ms since the epoch) the last round ended with nothing left to push, or null. */
  lastSyncedAt = null;

  constructor(db, options, sdk) {
    this.#db = db;
    this.#table = options.table;
    this.#remote = options.remote;
    this.#remoteTable = options.remoteTable ?? options.table;
    this.#sdk = sdk;
    this.#resolve = options.resolve ?? null;
    this.#changeIndex = options.changeIndex ?? null;
    this.#pageSize = options.pageSize ?? 500;
    this.#pullIntervalMs = options.pullIntervalMs ?? 2000;
    this.#overlapMs = options.overlapMs ?? 300_000;
    this.#concurrency = options.concurrency ?? 8;
    this.#batchSize = options.batchSize ?? DEFAULT_BATCH;
    this.#tombstoneRetentionMs = options.tombstoneRetentionMs ?? DEFAULT_TOMBSTONE_RETENTION_MS;
    this.#clock = options.clock ?? (() => Date.now());
    this.#pullFrom = options.pullFrom ?? 'auto';
    this.#streamsOption = options.remoteStreams;
    this.#streamsSdk = options.streamsSdk;
    this.#scope = options.scope?.partitionKeys
      ? new Set(options.scope.partitionKeys.map((v) => canonicalItem({ v: convertToAttr(v) }))) : null;
    this.#query = options.scope?.query ? { ...options.scope.query,
      ExpressionAttributeValues: fromSdk(options.scope.query.ExpressionAttributeValues ?? {}) } : null;
    this.ready = new Promise((resolve, reject) => { this.#readyResolve = resolve; this.#readyReject = reject; });
    this.ready.catch(() => {});
  }

  /** The current state: 'starting', 'pulling', 'pushing', 'idle', 'offline', 'error', 'paused' or 'stopped'. */
  get state() { return this.#state; }
  /**
   * Keys in scope with a local change not yet on the remote (distinct keys:
   * ten writes to one item count once; an item the remote refused counts
   * until it is pushed). Dirty keys from before a restart count once the
   * first push round has found them.
   */
  get pending() { return this.#pending.size; }
  /** This database's writer id (the `_w` of the remote items it writes). */
  get writer() { return this.#writer; }
  /** The local table synced. */
  get table() { return this.#table; }
  /**
   * What the last pull round read: 'stream' (the remote table's stream),
   * 'query' (Scan/Query: no stream, pullFrom 'query', or the stream not
   * readable here), or null before the first pull.
   */
  get pullSource() { return this.#pullSource; }

  /** Subscribes fn to an event ('state', 'progress', 'push', 'pull', 'conflict', 'error'); returns the unsubscribe function. */
  on(name, fn) {
    if (!EVENTS.includes(name)) throw new TypeError(`Unknown sync event ${JSON.stringify(name)}; events: ${EVENTS.join(', ')}`);
    if (typeof fn !== 'function') throw new TypeError('sync.on(name, fn): fn must be a function');
    if (!this.#listeners.has(name)) this.#listeners.set(name, new Set());
    this.#listeners.get(name).add(fn);
    return () => this.#listeners.get(name)?.delete(fn);
  }

  #emit(name, detail) {
    for (const fn of this.#listeners.get(name) ?? []) {
      try {
        fn(detail);
      } catch (error) {
        queueMicrotask(() => { throw error; });
      }
    }
  }

  #setState(state) {
    if (this.#state === state || this.#state === 'stopped') return;
    this.#state = state;
    this.#emit('state', { state });
  }

  // ---- setup --------------------------------------------------------------------------------

  /** Creates the state table, enables the local stream, reads the writer id; starts the loop. */
  async _setUp() {
    const db = this.#db;
    const described = await db.send('DescribeTable', { TableName: this.#table });
    const schema = described.Table.KeySchema;
    this.#keyNames = [schema.find((k) => k.KeyType === 'HASH').AttributeName];
    const range = schema.find((k) => k.KeyType === 'RANGE');
    if (range) this.#keyNames.push(range.AttributeName);
    if (this.#query?.IndexName !== undefined) {
      // A Query on an index: its key condition is on the index's key attributes, which the local table's index of
      // the same name gives (the remote table is expected to have the same index).
      const name = this.#query.IndexName;
      const lsi = (described.Table.LocalSecondaryIndexes ?? []).find((i) => i.IndexName === name);
      const index = lsi ?? (described.Table.GlobalSecondaryIndexes ?? []).find((i) => i.IndexName === name);
      if (!index) {
        throw new PocketDynamoError(`db.sync(): scope.query.IndexName ${name}: the local table ${this.#table} has no ` +
            'index of that name; a scope on an index needs the same index on both tables (docs/sync.md)');
      }
      const indexKeys = [index.KeySchema.find((k) => k.KeyType === 'HASH').AttributeName];
      const indexRange = index.KeySchema.find((k) => k.KeyType === 'RANGE');
      if (indexRange) indexKeys.push(indexRange.AttributeName);
      this.#queryTest = keyConditionTest(this.#query, indexKeys);
      this.#indexScope = { lsi: lsi !== undefined };
    } else if (this.#query !== null) {
      this.#queryTest = keyConditionTest(this.#query, this.#keyNames);
    }
    if (!described.Table.StreamSpecification?.StreamEnabled) {
      await db.send('UpdateTable', { TableName: this.#table,
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'KEYS_ONLY' } });
    }
    try {
      await db.send('CreateTable', { TableName: META_TABLE, BillingMode: 'PAY_PER_REQUEST',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }] });
    } catch (error) {
      if (error.name !== 'ResourceInUseException') throw error;
    }
    const fresh = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
    this.#writer = await this.#turn(async (exec) => {
      const row = throwIfError(await exec('GetItem', { TableName: META_TABLE, Key: this.#metaKey('writer') }), 'reading the writer id');
      if (row.Item) {
        const format = Number(row.Item.f?.N ?? 0);
        if (format !== STATE_FORMAT) {
          throw new PocketDynamoError(`sync: the sync state of table ${this.#table} has format ${format}; this version ` +
              `reads format ${STATE_FORMAT} (docs/formats.md)`);
        }
        return row.Item.w.S;
      }
      throwIfError(await exec('PutItem', { TableName: META_TABLE,
        Item: { ...this.#metaKey('writer'), w: { S: fresh }, f: { N: String(STATE_FORMAT) } } }), 'writing the writer id');
      return fresh;
    });
    this.#unsubscribe = db.subscribe(this.#table, (records) => {
      let mine = true;
      for (const record of records) {
        if (this.#own.has(record)) continue;
        mine = false;
        const key = record.dynamodb.Keys;
        const counts = this.#indexScope === null ? this.#inScope(key)
          : [record.dynamodb.NewImage, record.dynamodb.OldImage].some((image) => image && this.#queryTest(image));
        if (counts) this.#pending.set(canonicalItem(key), ++this.#stamp);
      }
      if (!mine) this.#wake('push');
    });
    if (typeof globalThis.addEventListener === 'function') {
      // Browsers (tabs and workers): 'offline' shows the state at once and retries only at the longest back-off
      // (an endpoint on this machine may still answer); 'online' retries at once.
      this.#onOnline = () => {
        this.#offline = false;
        this.#backoff = FIRST_BACKOFF_MS;
        this.#wake('all');
      };
      this.#onOffline = () => {
        this.#offline = true;
        this.#backoff = MAX_BACKOFF_MS;
        if (!this.#paused) this.#setState('offline');
      };
      globalThis.addEventListener('online', this.#onOnline);
      globalThis.addEventListener('offline', this.#onOffline);
    }
    this.#loop = this.#run();
  }

  // ---- control -------------------------------------------------------------------------------

  /** Stops after the round in progress; resume() continues. */
  pause() {
    if (this.#stopped) return;
    this.#paused = true;
    if (this.#state === 'idle' || this.#state === 'offline' || this.#state === 'error') this.#setState('paused');
    this.#wake(null);
  }

  /** Continues after pause(), with a round now. */
  resume() {
    if (this.#stopped || !this.#paused) return;
    this.#paused = false;
    this.#wake('all');
  }

  /**
   * Runs a complete round (pull, then push) now; resolves when one that
   * started after this call ends with nothing left to push, rejects if the
   * sync stops first.
   */
  syncNow() {
    if (this.#stopped) return Promise.reject(new PocketDynamoError('sync: stopped'));
    return new Promise((resolve, reject) => {
      this.#waiters.push({ round: this.#round + 1, resolve, reject });
      this.#wake('all');
    });
  }

  /** Stops the sync (the round in progress ends first); what is not pushed stays in the outbox. Idempotent. */
  async stop() {
    if (this.#stopped) return this.#loop?.catch(() => {});
    this.#stopped = true;
    this.#unsubscribe?.();
    if (this.#onOnline) globalThis.removeEventListener('online', this.#onOnline);
    if (this.#onOffline) globalThis.removeEventListener('offline', this.#onOffline);
    this.#wake(null);
    await this.#loop?.catch(() => {});
    this.#setState('stopped');
    this.#state = 'stopped';
    const stopped = new PocketDynamoError('sync: stopped');
    this.#readyReject(stopped);
    for (const w of this.#waiters.splice(0)) w.reject(stopped);
  }

  #wake(what) {
    if (what === 'push' || what === 'all') this.#wantPush = true;
    if (what === 'all') this.#wantPull = true;
    const wake = this.#wakeUp;
    this.#wakeUp = null;
    wake?.();
  }

  #sleep(ms) {
    return new Promise((resolve) => {
      const timer = ms === Infinity ? null : setTimeout(() => { this.#wakeUp = null; this.#wantPull = true; resolve(); }, ms);
      timer?.unref?.();   // as the database's own timers: a running sync does not keep Node alive
      this.#wakeUp = () => { if (timer !== null) clearTimeout(timer); resolve(); };
    });
  }

  // ---- the loop ------------------------------------------------------------------------------

  async #run() {
    let first = true;
    while (!this.#stopped) {
      if (this.#paused) {
        this.#setState('paused');
        await this.#sleep(Infinity);
        continue;
      }
      if (!this.#wantPull && !this.#wantPush) {
        this.#setState(this.#offline ? 'offline' : 'idle');
        await this.#sleep(this.#pullIntervalMs);
        continue;
      }
      const round = ++this.#round;
      const full = this.#wantPull;
      try {
        if (this.#stopped || this.#paused) continue;
        if (this.#wantPull) {
          this.#wantPull = false;
          this.#setState('pulling');
          await this.#pullRound();
        }
        if (this.#stopped) break;
        this.#wantPush = false;
        this.#setState('pushing');
        await this.#pushRound();
        this.#backoff = FIRST_BACKOFF_MS;
        this.#offline = false;   // the remote answered: whatever the browser says, it is reachable
        this.lastSyncedAt = this.#clock();
        if (first && full) {
          first = false;
          this.#readyResolve();
        }
        if (full) {
          const done = this.#waiters.filter((w) => w.round <= round);
          this.#waiters = this.#waiters.filter((w) => w.round > round);
          for (const w of done) w.resolve();
        }
      } catch (error) {
        this.#stream = null;
        this.#iterator = null;
        this.#remoteStream = undefined;
        this.#shards = null;
        this.#shardIterators.clear();
        if (this.#stopped) break;
        if (this.#db.closed) {   // the database was closed under the sync: it stops
          void this.stop();
          break;
        }
        if (error instanceof Interrupted) {
          this.#wantPush = true;
          this.#wantPull = this.#wantPull || full;
          continue;
        }
        this.#wantPull = this.#wantPull || full;
        this.#wantPush = true;
        this.#setState(isNetworkError(error) ? 'offline' : 'error');
        this.#emit('error', { error });
        const delay = this.#backoff * (0.8 + Math.random() * 0.4);
        this.#backoff = Math.min(this.#backoff * 2, MAX_BACKOFF_MS);
        await this.#sleep(delay);
        this.#wantPush = true;
        this.#wantPull = this.#wantPull || full;
      }
    }
  }

  // ---- local state ---------------------------------------------------------------------------

  #turn(fn) {
    return this.#db[EXCLUSIVE](fn, (changes) => {
      for (const { Record } of changes) this.#own.add(Record);
    });
  }

  #metaKey(sk) {
    return { pk: { S: this.#table }, sk: { S: sk } };
  }

  #keyText(key) {
    return `k#${canonicalItem(key)}`;
  }

  // Whether a key may be in scope. With a scope on an index, any key may (the item's attributes decide: see
  // #inScopeItem, checked on the item in the push's turn).
  #inScope(key) {
    if (this.#indexScope !== null) return true;
    if (this.#queryTest !== null) return this.#queryTest(key);
    return this.#scope === null || this.#scope.has(canonicalItem({ v: key[this.#keyNames[0]] }));
  }

  // In a turn: the local item (or null) and its state row { v, h } (or null).
  async #readLocal(exec, key) {
    const item = throwIfError(await exec('GetItem', { TableName: this.#table, Key: key, ConsistentRead: true }),
        'GetItem').Item ?? null;
    const row = throwIfError(await exec('GetItem', { TableName: META_TABLE, Key: this.#metaKey(this.#keyText(key)) }), 'GetItem').Item;
    const meta = row ? { v: row.v.N, h: row.h.S } : null;
    return { item, meta };
  }

  // In a turn: writes the local item (null: deletes it) and returns its hash as stored.
  async #writeLocal(exec, key, content) {
    if (content === null) {
      throwIfError(await exec('DeleteItem', { TableName: this.#table, Key: key }), 'DeleteItem');
      return '-';
    }
    throwIfError(await exec('PutItem', { TableName: this.#table, Item: content }), 'PutItem');
    const back = throwIfError(await exec('GetItem', { TableName: this.#table, Key: key, ConsistentRead: true }),
        'GetItem').Item ?? null;
    return hashItem(back);
  }

  async #writeMeta(exec, key, v, h) {
    throwIfError(await exec('PutItem', { TableName: META_TABLE,
      Item: { ...this.#metaKey(this.#keyText(key)), v: { N: String(v) }, h: { S: h } } }), 'PutItem');
  }

  static #same(a, b) {
    return (a === null && b === null) || (a !== null && b !== null && a.v === b.v && a.h === b.h);
  }

  // ---- remote --------------------------------------------------------------------------------

  // Sends operation `name` to the remote, on the remote table (withTable) or as `input` says.
  #send(name, input, withTable = true) {
    const Command = this.#sdk[`${name}Command`];
    if (typeof Command !== 'function') throw new PocketDynamoError(`sync: options.sdk has no ${name}Command`);
    return this.#remote.send(new Command(withTable ? { TableName: this.#remoteTable, ...input } : input));
  }

  // ---- pull ----------------------------------------------------------------------------------

  async #pullRound() {
    const row = await this.#turn(async (exec) => (await exec('GetItem', { TableName: META_TABLE,
      Key: this.#metaKey('pull') })).Item ?? null);
    const now = String(this.#clock());
    const hydrating = row === null;
    // A full pull (every item in scope, consistent reads) when this side has not pulled for longer than remote
    // tombstones are kept (it may have missed deletions whose tombstones are gone), and at least once per that
    // time (it drops the state rows of deletions the remote no longer remembers). docs/sync.md "Tombstones".
    const oldest = minusMs(now, this.#tombstoneRetentionMs);
    let full = !hydrating && (compareN(row.at?.N ?? now, oldest) < 0 || compareN(row.full?.N ?? now, oldest) < 0);
    let stream = await this.#streamSource();
    if (stream !== null && !hydrating && !full) {
      const streamed = await this.#pullStream(stream, row, now);
      if (streamed === true) {
        this.#pullSource = 'stream';
        return;
      }
      // null: the stream is not readable here (pullFrom 'auto'): Scan/Query. false: the stream cannot say what
      // changed since this side read it (records trimmed, a new stream, no position kept): a full pull, then the
      // stream from its oldest record (described again first: its records must cover the time of the full pull).
      if (streamed === false) {
        full = true;
        this.#remoteStream = undefined;
        this.#shards = null;
        stream = await this.#streamSource();
      } else {
        stream = null;
      }
    }
    this.#pullSource = stream === null ? 'query' : 'stream';
    const since = hydrating || full ? null : minusMs(row.since.N, this.#overlapMs);
    let maxTime = hydrating ? '0' : row.since.N;
    const progress = { loaded: 0, pages: 0, done: false };
    // The keys a full pull saw, to drop the ones the remote no longer has: only from consistent reads (not a GSI).
    const seen = full && (this.#indexScope === null || this.#indexScope.lsi) ? new Set() : null;
    let applied = 0;
    for await (const page of this.#remotePages(since, full)) {
      const items = page.map(fromSdk);
      for (const item of items) {
        maxTime = maxN(maxTime, item[TIME]?.N ?? '0');
        if (seen !== null) seen.add(canonicalItem(keyOf(item, this.#keyNames)));
      }
      applied += await this.#applyPage(items);
      if (hydrating) {
        progress.loaded += items.length;
        progress.pages += 1;
        this.#emit('progress', { ...progress });
      }
    }
    if (hydrating) this.#emit('progress', { ...progress, done: true });
    if (seen !== null) applied += await this.#dropVanished(seen);
    const fullAt = hydrating || full ? now : (row.full?.N ?? now);
    this.#shardIterators.clear();
    await this.#turn(async (exec) => {
      throwIfError(await exec('PutItem', { TableName: META_TABLE,
        Item: { ...this.#metaKey('pull'), since: { N: maxTime }, at: { N: now }, full: { N: fullAt } } }), 'PutItem');
      // The remote's stream from its oldest record on (TRIM_HORIZON of every shard): no position kept yet.
      if (stream !== null) await this.#writeStreamState(exec, stream.arn, {});
    });
    if (applied > 0) this.#emit('pull', { count: applied });
  }

  // ---- pull from the remote's stream ---------------------------------------------------------

  /**
   * The remote table's stream to pull from ({ arn }), or null: pull by
   * Scan/Query (pullFrom 'query'; no stream; with pullFrom 'auto', a scope,
   * no @aws-sdk/client-dynamodb-streams here or the stream not readable
   * with these credentials). Described again every DESCRIBE_EVERY_MS, after a
   * failed round and when its shards are all read to their end.
   */
  async #streamSource() {
    if (this.#pullFrom === 'query' || this.#noStreamAccess) return null;
    // A scoped sync reads its scope only: a stream carries the whole table's changes (every user's, for a table
    // shared by users) to a reader that could not be kept to the scope. 'stream' asks for it anyway.
    if (this.#pullFrom === 'auto' && (this.#scope !== null || this.#query !== null)) return null;
    if (this.#remoteStream === undefined || this.#clock() - this.#remoteStream.at >= DESCRIBE_EVERY_MS) {
      let table;
      try {
        table = (await this.#send('DescribeTable', {})).Table;
      } catch (error) {
        if (this.#pullFrom === 'auto' && NO_STREAM_ACCESS.has(error.name)) return this.#streamRefused();
        throw error;
      }
      const enabled = table.StreamSpecification?.StreamEnabled === true && typeof table.LatestStreamArn === 'string';
      this.#remoteStream = { arn: enabled ? table.LatestStreamArn : null, at: this.#clock() };
    }
    if (this.#remoteStream.arn === null) {
      if (this.#pullFrom === 'stream') {
        throw new PocketDynamoError(`sync: pullFrom 'stream', but the remote table ${this.#remoteTable} has no stream ` +
            'enabled (UpdateTable StreamSpecification; or pullFrom \'auto\' / \'query\')');
      }
      return null;
    }
    if (await this.#streamsClient() === null) return null;
    return { arn: this.#remoteStream.arn };
  }

  #streamRefused() {
    this.#noStreamAccess = true;
    return null;
  }

  // The client of the remote's stream: options.remoteStreams, else one made from the remote client's
  // configuration (region, credentials, request handler, and its endpoint when it was given one).
  async #streamsClient() {
    if (this.#streams !== undefined) return this.#streams;
    let sdk = this.#streamsSdk;
    if (sdk === undefined) {
      try {
        sdk = await import('@aws-sdk/client-dynamodb-streams');
      } catch (error) {
        if (this.#pullFrom === 'stream') {
          throw new PocketDynamoError('sync: pullFrom \'stream\' needs @aws-sdk/client-dynamodb-streams, which could not ' +
              `be imported here; pass its module as options.streamsSdk (${error.message})`, { cause: error });
        }
        this.#streams = null;
        return null;
      }
    }
    let client = this.#streamsOption;
    const config = this.#remote.config;
    if (client === undefined && config && typeof sdk.DynamoDBStreamsClient === 'function') {
      client = new sdk.DynamoDBStreamsClient({ region: config.region, credentials: config.credentials,
        maxAttempts: config.maxAttempts, requestHandler: config.requestHandler,
        ...(config.isCustomEndpoint && config.endpoint ? { endpoint: config.endpoint } : {}) });
    }
    if (client === undefined) {
      if (this.#pullFrom === 'stream') {
        throw new PocketDynamoError('sync: pullFrom \'stream\': pass options.remoteStreams (a DynamoDBStreamsClient); ' +
            'options.remote has no SDK configuration to make one from');
      }
      this.#streams = null;
      return null;
    }
    this.#streams = { client, sdk };
    return this.#streams;
  }

  #streamCall(name, input) {
    const { client, sdk } = this.#streams;
    const Command = sdk[`${name}Command`];
    if (typeof Command !== 'function') throw new PocketDynamoError(`sync: the streams SDK module has no ${name}Command`);
    return client.send(new Command(input));
  }

  async #writeStreamState(exec, arn, positions) {
    throwIfError(await exec('PutItem', { TableName: META_TABLE,
      Item: { ...this.#metaKey('rstream'), arn: { S: arn }, shards: { S: JSON.stringify(positions) } } }), 'PutItem');
  }

  /**
   * One pull round from the remote's stream: every shard read from the
   * position kept (the last sequence number applied, or its oldest record),
   * parents before children (remote-stream.js), each page applied by the
   * same rules as a pulled item and its position kept in the same turn.
   * Resolves to true; to false when the stream cannot say what changed (no
   * position for this stream, records trimmed, a shard gone): the caller
   * pulls in full; to null when the stream is not readable with these
   * credentials (pullFrom 'auto'): the caller pulls by Scan/Query.
   */
  async #pullStream({ arn }, row, now) {
    const state = await this.#turn(async (exec) => (await exec('GetItem', { TableName: META_TABLE,
      Key: this.#metaKey('rstream') })).Item ?? null);
    if (state === null || state.arn.S !== arn) return false;
    let shards;
    try {
      // Described again every DESCRIBE_EVERY_MS and once a shard has ended (its children appear then).
      if (this.#shards === null || this.#shards.arn !== arn || this.#clock() - this.#shards.at >= DESCRIBE_EVERY_MS) {
        this.#shards = { arn, list: await this.#describeShards(arn), at: this.#clock() };
      }
      shards = this.#shards.list;
    } catch (error) {
      if (error.name === 'ResourceNotFoundException') return false;
      if (this.#pullFrom === 'auto' && NO_STREAM_ACCESS.has(error.name)) return this.#streamRefused();
      throw error;
    }
    const plan = shardPlan(shards, JSON.parse(state.shards.S));
    if (plan.lost) return false;
    const positions = plan.positions;
    const listed = new Set(shards.map((s) => s.ShardId));
    let maxTime = row.since.N;
    let applied = 0;
    for (const shard of plan.order) {
      const id = shard.ShardId;
      // A child's records come after its parent's: it waits until the parent is read to its end.
      if (shard.ParentShardId && listed.has(shard.ParentShardId) && positions[shard.ParentShardId] !== SHARD_DONE) continue;
      let iterator = this.#shardIterators.get(id) ?? null;
      this.#shardIterators.delete(id);
      for (let renewed = 0; ;) {
        let page;
        try {
          if (iterator === null) {
            const from = positions[id] === undefined ? { ShardIteratorType: 'TRIM_HORIZON' }
              : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: positions[id] };
            iterator = (await this.#streamCall('GetShardIterator', { StreamArn: arn, ShardId: id, ...from })).ShardIterator;
          }
          page = await this.#streamCall('GetRecords', { ShardIterator: iterator, Limit: RECORDS_PAGE });
        } catch (error) {
          // An iterator is valid 15 minutes: a new one from the position kept.
          if (error.name === 'ExpiredIteratorException' && renewed++ < 2) {
            iterator = null;
            continue;
          }
          if (error.name === 'TrimmedDataAccessException' || error.name === 'ResourceNotFoundException') return false;
          if (this.#pullFrom === 'auto' && NO_STREAM_ACCESS.has(error.name)) return this.#streamRefused();
          throw error;
        }
        const records = page.Records ?? [];
        const next = page.NextShardIterator ?? null;
        if (records.length > 0 || next === null) {
          let got = { applied: 0, maxTime };
          if (records.length > 0) got = await this.#applyStreamRecords(records, maxTime);
          applied += got.applied;
          maxTime = got.maxTime;
          positions[id] = next === null ? SHARD_DONE : records[records.length - 1].dynamodb.SequenceNumber;
          await this.#turn((exec) => this.#writeStreamState(exec, arn, positions));
        }
        if (next === null) {                // the shard is closed and read to its end
          this.#shards = null;
          break;
        }
        if (records.length === 0) {         // caught up with an open shard: the next round goes on from here
          this.#shardIterators.set(id, next);
          break;
        }
        iterator = next;
      }
    }
    // Every shard closed and read (the stream was disabled): the table is described again next round.
    if (shards.every((s) => positions[s.ShardId] === SHARD_DONE)) this.#remoteStream = undefined;
    await this.#turn(async (exec) => {
      throwIfError(await exec('PutItem', { TableName: META_TABLE, Item: { ...this.#metaKey('pull'), since: { N: maxTime },
        at: { N: now }, full: { N: row.full?.N ?? now } } }), 'PutItem');
      await this.#writeStreamState(exec, arn, positions);
    });
    if (applied > 0) this.#emit('pull', { count: applied });
    return true;
  }

  async #describeShards(arn) {
    const shards = [];
    let start;
    do {
      const out = (await this.#streamCall('DescribeStream', { StreamArn: arn, ExclusiveStartShardId: start })).StreamDescription;
      shards.push(...(out.Shards ?? []));
      start = out.LastEvaluatedShardId;
    } while (start);
    return shards;
  }

  /**
   * A page of remote stream records: each key's removal (REMOVE: dropped
   * locally unless changed locally, as after a full pull) and then its last
   * image (read from the remote when the stream has no new images) applied
   * as a pulled item. Resolves to { applied, maxTime }.
   */
  async #applyStreamRecords(records, maxTime) {
    const changes = recordChanges(records, (key) => canonicalItem(fromSdk(key)));
    const removed = [];
    const items = [];
    const toRead = [];
    for (const change of changes) {
      if (change.removed) removed.push(fromSdk(change.key));
      if (change.image === null) toRead.push(change.key);
      else if (change.image !== undefined) items.push(fromSdk(change.image));
    }
    let next = 0;
    const after = [];   // items read back that are gone meanwhile: removals after everything else of the page
    const reader = async () => {
      while (next < toRead.length) {
        const key = toRead[next++];
        const out = await this.#send('GetItem', { Key: key, ConsistentRead: true });
        if (out.Item) items.push(fromSdk(out.Item));
        else after.push(fromSdk(key));
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, toRead.length) }, reader));
    let applied = removed.length > 0 ? await this.#dropKeys(removed) : 0;
    for (const item of items) maxTime = maxN(maxTime, item[TIME]?.N ?? '0');
    applied += await this.#applyPage(items);
    if (after.length > 0) applied += await this.#dropKeys(after);
    return { applied, maxTime };
  }

  /**
   * After a full pull that saw the keys `seen` (canonical text): every key in
   * scope with a state row that the remote no longer has (its tombstone
   * expired, or it was deleted outright) and no local change is dropped
   * here: the local item deleted, the state row removed. A key changed
   * locally stays (its push writes it anew). Returns the count of local
   * items deleted.
   */
  async #dropVanished(seen) {
    const vanished = [];
    let start;
    do {
      const out = await this.#db.send('Query', { TableName: META_TABLE, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :k)',
        ExpressionAttributeValues: { ':pk': { S: this.#table }, ':k': { S: 'k#' } }, ExclusiveStartKey: start });
      for (const r of out.Items) {
        const text = r.sk.S.slice(2);
        const key = JSON.parse(text);
        if (!seen.has(canonicalItem(key))) vanished.push(key);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return this.#dropKeys(vanished);
  }

  /**
   * Keys (wire form) the remote no longer has: each one in scope with a
   * state row and no local change is dropped (the local item deleted, the
   * state row removed); a key changed locally stays (its push writes it
   * anew). Returns the count of local items deleted.
   */
  async #dropKeys(keys) {
    const vanished = keys.filter((key) => this.#inScope(key));
    let deleted = 0;
    for (let i = 0; i < vanished.length; i += RECORDS_PAGE) {
      deleted += await this.#turn(async (exec) => {
        let n = 0;
        for (const key of vanished.slice(i, i + RECORDS_PAGE)) {
          const { item, meta } = await this.#readLocal(exec, key);
          if (meta === null || hashItem(item) !== meta.h) continue;   // changed locally: pushed anew
          if (item !== null) {
            await this.#writeLocal(exec, key, null);
            n++;
          }
          throwIfError(await exec('DeleteItem', { TableName: META_TABLE, Key: this.#metaKey(this.#keyText(key)) }), 'DeleteItem');
        }
        return n;
      });
    }
    return deleted;
  }

  // Pages of remote items (SDK form) in scope, changed after `since` (null: all).
  async* #remotePages(since, consistent = false) {
    const names = { '#t': TIME };
    const values = since === null ? {} : { ':since': { N: since } };
    const requests = [];
    if (this.#query !== null) {
      const q = this.#query;
      const input = { KeyConditionExpression: q.KeyConditionExpression,
        ExpressionAttributeValues: toSdk(q.ExpressionAttributeValues) };
      if (q.IndexName !== undefined) input.IndexName = q.IndexName;
      if (q.ExpressionAttributeNames) input.ExpressionAttributeNames = { ...q.ExpressionAttributeNames };
      if (since !== null) {
        input.ExpressionAttributeNames = { ...input.ExpressionAttributeNames, '#pd_sync_t': TIME };
        input.ExpressionAttributeValues[':pd_sync_since'] = values[':since'];
        input.FilterExpression = '#pd_sync_t > :pd_sync_since';
      }
      requests.push(['Query', input]);
    } else if (this.#scope === null) {
      requests.push(['Scan', since === null ? {} : { FilterExpression: '#t > :since' }]);
    } else {
      for (const text of this.#scope) {
        const pkValue = JSON.parse(text).v;
        const input = { KeyConditionExpression: '#pk = :pk', ExpressionAttributeNames: { '#pk': this.#keyNames[0] },
          ExpressionAttributeValues: { ':pk': toSdk({ x: pkValue }).x } };
        if (since !== null) {
          input.ExpressionAttributeNames['#t'] = TIME;
          input.ExpressionAttributeValues[':since'] = values[':since'];
          if (this.#changeIndex !== null) {
            input.IndexName = this.#changeIndex;
            input.KeyConditionExpression += ' AND #t > :since';
          } else {
            input.FilterExpression = '#t > :since';
          }
        }
        requests.push(['Query', input]);
      }
    }
    for (const [operation, base] of requests) {
      const input = { ...base, Limit: this.#pageSize };
      if (consistent && (input.IndexName === undefined || this.#indexScope?.lsi)) input.ConsistentRead = true;
      if (operation === 'Scan' && since !== null) {
        input.ExpressionAttributeNames = names;
        input.ExpressionAttributeValues = values;
      }
      for (;;) {
        const out = await this.#send(operation, input);
        if (out.Items?.length) yield out.Items;
        if (!out.LastEvaluatedKey) break;
        input.ExclusiveStartKey = out.LastEvaluatedKey;
      }
    }
  }

  // Applies remote items (wire form): clean keys in one turn, conflicts one by one. Returns the count applied.
  async #applyPage(items) {
    const inScope = items.filter((item) => (this.#indexScope !== null ? this.#queryTest(item)
      : this.#inScope(keyOf(item, this.#keyNames))));
    const conflicts = await this.#turn(async (exec) => {
      const later = [];
      for (const remote of inScope) {
        const key = keyOf(remote, this.#keyNames);
        const { item, meta } = await this.#readLocal(exec, key);
        // Already have it (or a newer one). An item without _v (written by something else) is version 0.
        if (meta !== null && compareN(remote[VERSION]?.N ?? '0', meta.v) <= 0) continue;
        if (hashItem(item) !== (meta?.h ?? '-')) {
          later.push(remote);
          continue;
        }
        const h = await this.#writeLocal(exec, key, userContent(remote));
        await this.#writeMeta(exec, key, remote[VERSION]?.N ?? '0', h);
      }
      return later;
    });
    let applied = inScope.length - conflicts.length;
    for (const remote of conflicts) {
      if (await this.#reconcileRemote(keyOf(remote, this.#keyNames), remote)) applied++;
    }
    return applied;
  }

  /**
   * The remote item `remote` (wire form, null if missing) for `key`:
   * applies it to a clean key, resolves it against a dirty one. Returns
   * true if local state changed.
   */
  async #reconcileRemote(key, remote) {
    const remoteV = remote?.[VERSION]?.N ?? '0';
    const remoteContent = userContent(remote);
    for (let attempt = 0; attempt < MAX_KEY_ATTEMPTS; attempt++) {
      const seen = await this.#turn((exec) => this.#readLocal(exec, key));
      const v = seen.meta?.v ?? '0';
      if (seen.meta !== null && compareN(remoteV, v) <= 0) return false;
      const dirty = hashItem(seen.item) !== (seen.meta?.h ?? '-');
      let outcome;  // { content, winner }
      if (!dirty) {
        outcome = { content: remoteContent, winner: null };
      } else if (hashItem(seen.item) === hashItem(remoteContent)) {
        // The local change is what the remote already holds (or a turn split across two commits by a crash
        // left the item written and its state row not): recorded as reconciled, no conflict.
        outcome = { content: seen.item, winner: null };
      } else if (remote?.[WRITER]?.S === this.#writer && compareN(remoteV, nextVersion(v)) === 0) {
        // Our own push whose state update was lost (a crash): record it, the local item stays dirty if it changed since.
        outcome = { content: seen.item, winner: 'own' };
      } else if (this.#resolve !== null) {
        const merged = await this.#resolve(seen.item === null ? null : unmarshall(seen.item),
            remoteContent === null ? null : unmarshall(remoteContent));
        const content = merged === null || merged === undefined ? null : marshall(merged, { removeUndefinedValues: true });
        const h = hashItem(content);
        outcome = { content, winner: h === hashItem(remoteContent) ? 'remote' : h === hashItem(seen.item) ? 'local' : 'merged' };
      } else {
        const order = compareN(nextVersion(v), remoteV);   // the local change would be written as v + 1
        const theirs = remote?.[WRITER]?.S ?? '';
        const localWins = order > 0 || (order === 0 && this.#writer > theirs);
        outcome = localWins ? { content: seen.item, winner: 'local' } : { content: remoteContent, winner: 'remote' };
      }
      const done = await this.#turn(async (exec) => {
        const now = await this.#readLocal(exec, key);
        if (hashItem(now.item) !== hashItem(seen.item) || !Sync.#same(now.meta, seen.meta)) return false;  // changed: again
        let h = hashItem(outcome.content);
        if (h !== hashItem(seen.item)) h = await this.#writeLocal(exec, key, outcome.content);
        // The state records the remote's content at remoteV: a local result that differs is dirty and pushed next.
        const remoteH = outcome.winner === null || outcome.winner === 'remote' ? h : hashItem(remoteContent);
        await this.#writeMeta(exec, key, remoteV, remoteH);
        if (h === remoteH) this.#pending.delete(canonicalItem(key));   // the local item is what the remote has
        return true;
      });
      if (!done) continue;
      if (outcome.winner !== null && outcome.winner !== 'own') {
        this.#emit('conflict', {
          key: unmarshall(key),
          local: seen.item === null ? null : unmarshall(seen.item),
          remote: remoteContent === null ? null : unmarshall(remoteContent),
          winner: outcome.winner,
        });
      }
      return true;
    }
    throw new PocketDynamoError(`sync: the local item ${canonicalItem(key)} kept changing while its conflict was resolved`);
  }

  // ---- push ----------------------------------------------------------------------------------

  async #pushRound() {
    if (this.#stream === null) {
      const described = await this.#db.send('DescribeTable', { TableName: this.#table });
      const arn = described.Table.LatestStreamArn;
      if (!described.Table.StreamSpecification?.StreamEnabled || !arn) {
        throw new PocketDynamoError(`sync: the stream of table ${this.#table} was disabled; the sync needs it (docs/sync.md)`);
      }
      const stream = await this.#db.send('DescribeStream', { StreamArn: arn });
      this.#stream = { arn, shardId: stream.StreamDescription.Shards[0].ShardId };
      this.#iterator = null;
    }
    const { arn, shardId } = this.#stream;
    let pushed = 0;
    let iterator = this.#iterator;
    this.#iterator = null;            // kept only when this round reads to the end
    const fromStart = async () => {   // no cursor, or the records after it are gone: every key is looked at
      pushed += await this.#reconcileAll();
      return (await this.#db.send('GetShardIterator', { StreamArn: arn, ShardId: shardId,
        ShardIteratorType: 'TRIM_HORIZON' })).ShardIterator;
    };
    const fromCursor = async () => {
      const row = await this.#turn(async (exec) => (await exec('GetItem', { TableName: META_TABLE,
        Key: this.#metaKey('cursor') })).Item ?? null);
      if (row === null || row.arn.S !== arn) return fromStart();
      try {
        return (await this.#db.send('GetShardIterator', { StreamArn: arn, ShardId: shardId,
          ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: row.seq.S })).ShardIterator;
      } catch (error) {
        if (error.name !== 'TrimmedDataAccessException') throw error;
        return fromStart();
      }
    };
    if (iterator === null) iterator = await fromCursor();
    for (;;) {
      let page;
      try {
        page = await this.#db.send('GetRecords', { ShardIterator: iterator, Limit: RECORDS_PAGE });
      } catch (error) {
        if (error.name === 'TrimmedDataAccessException') iterator = await fromStart();
        else if (error.name === 'ExpiredIteratorException') iterator = await fromCursor();
        else throw error;
        continue;
      }
      if (page.Records.length === 0) {
        this.#iterator = page.NextShardIterator ?? null;
        break;
      }
      const keys = new Map();
      for (const record of page.Records) {
        const key = record.dynamodb.Keys;
        if (this.#inScope(key)) keys.set(canonicalItem(key), key);
      }
      const seq = page.Records[page.Records.length - 1].dynamodb.SequenceNumber;
      pushed += await this.#pushKeys([...keys.values()], { arn, seq });
      iterator = page.NextShardIterator;
      if (!iterator) break;
    }
    if (pushed > 0) this.#emit('push', { count: pushed });
  }

  // Every local item in scope and every state row: the keys to push. Returns the count pushed.
  async #reconcileAll() {
    const keys = new Map();
    let start;
    do {
      const out = await this.#db.send('Scan', { TableName: this.#table, ExclusiveStartKey: start,
        ProjectionExpression: this.#keyNames.map((_, i) => `#k${i}`).join(', '),
        ExpressionAttributeNames: Object.fromEntries(this.#keyNames.map((n, i) => [`#k${i}`, n])) });
      for (const item of out.Items) {
        const key = keyOf(item, this.#keyNames);
        if (this.#inScope(key)) keys.set(canonicalItem(key), key);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    do {
      const out = await this.#db.send('Query', { TableName: META_TABLE, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :k)',
        ExpressionAttributeValues: { ':pk': { S: this.#table }, ':k': { S: 'k#' } }, ExclusiveStartKey: start });
      for (const row of out.Items) {
        const key = JSON.parse(row.sk.S.slice(2));
        if (this.#inScope(key)) keys.set(canonicalItem(key), key);
      }
      start = out.LastEvaluatedKey;
    } while (start);
    return this.#pushKeys([...keys.values()]);
  }

  /**
   * Pushes the dirty ones of `all` (found in one turn): in transactions of
   * up to `batchSize` keys when the remote has TransactWriteItems, else one
   * conditional PutItem per key; `concurrency` requests at a time. Then
   * records their new versions, and the stream cursor when given ({ arn,
   * seq }), in one turn. Resolves to the count written.
   */
  async #pushKeys(all, cursor = null) {
    const keys = await this.#turn(async (exec) => {
      const dirty = [];
      for (const key of all) {
        const seen = await this.#readLocal(exec, key);
        const text = canonicalItem(key);
        // On an index scope: an item goes when it matches the scope or was synced before (it may be leaving it).
        const inScope = this.#indexScope === null || seen.meta !== null || (seen.item !== null && this.#queryTest(seen.item));
        if (inScope && hashItem(seen.item) !== (seen.meta?.h ?? '-')) {
          dirty.push({ key, seen });
          if (!this.#pending.has(text)) this.#pending.set(text, ++this.#stamp);   // dirty from before a restart
        } else {
          this.#pending.delete(text);
        }
      }
      return dirty;
    });
    const chunks = this.#chunks(keys);
    let next = 0;
    const written = [];  // { key, base, version, h } of the remote writes made
    let failure = null;
    const pushChunk = async (chunk) => {
      try {
        const batch = chunk.length > 1 && this.#transactions !== false ? await this.#pushBatch(chunk) : null;
        if (batch !== null) {
          written.push(...batch);
          return;
        }
        // One key, no transactions, or a transaction cancelled (a conflict, an item the remote refuses):
        // key by key, where each conflict and each refused item is handled on its own.
        for (const { key, seen } of chunk) {
          const done = await this.#pushKey(key, seen);
          if (done !== null) written.push(done);
        }
      } catch (error) {
        failure ??= error;
      }
    };
    const worker = async () => {
      while (next < chunks.length && failure === null && !this.#stopped && !this.#paused) await pushChunk(chunks[next++]);
    };
    // Whether the remote has transactions is learnt from one request, not from `concurrency` at once.
    if (this.#transactions === null && chunks.length > 0 && chunks[0].length > 1) await pushChunk(chunks[next++]);
    await Promise.all(Array.from({ length: Math.min(this.#concurrency, chunks.length - next) }, worker));
    // What reached the remote is recorded even when something failed (were it not, the next round would find
    // these writes on the remote as its own and record them then).
    const complete = failure === null && next >= chunks.length;
    await this.#turn(async (exec) => {
      for (const { key, base, version, h } of written) {
        const now = await this.#readLocal(exec, key);
        let recorded = now.meta?.h ?? '-';
        if (compareN(now.meta?.v ?? '0', base) === 0) {
          await this.#writeMeta(exec, key, version, h);
          recorded = h;
        }
        if (hashItem(now.item) === recorded) this.#pending.delete(canonicalItem(key));   // not changed again meanwhile
      }
      if (complete && cursor !== null) {
        throwIfError(await exec('PutItem', { TableName: META_TABLE,
          Item: { ...this.#metaKey('cursor'), arn: { S: cursor.arn }, seq: { S: cursor.seq } } }), 'PutItem');
      }
    });
    if (failure !== null) throw failure;
    if (!complete) throw new Interrupted(written.length);   // paused or stopped: the rest stays in the outbox
    return written.length;
  }

  // The dirty keys in the groups one request pushes: `batchSize` keys and at most TRANSACTION_BYTES of items each
  // while the remote may have transactions, else one key each.
  #chunks(keys) {
    if (this.#batchSize === 1 || this.#transactions === false) return keys.map((k) => [k]);
    const chunks = [];
    let chunk = [];
    let bytes = 0;
    for (const k of keys) {
      const size = k.seen.item === null ? 0 : canonicalItem(k.seen.item).length;
      if (chunk.length > 0 && (chunk.length === this.#batchSize || bytes + size > TRANSACTION_BYTES)) {
        chunks.push(chunk);
        chunk = [];
        bytes = 0;
      }
      chunk.push(k);
      bytes += size;
    }
    if (chunk.length > 0) chunks.push(chunk);
    return chunks;
  }

  // The remote write of a dirty key as `seen` ({ item, meta }) has it: { base, version, h, put } where put is
  // the conditional Put (SDK form, no table name). gone: the remote item vanished, written anew.
  #remoteWrite(key, { item, meta }, gone) {
    const h = hashItem(item);
    const base = meta?.v ?? '0';
    const version = nextVersion(base);
    const stamp = { [VERSION]: { N: version }, [WRITER]: { S: this.#writer }, [TIME]: { N: String(this.#clock()) } };
    // A tombstone carries _exp (epoch seconds) for the remote table's TTL, when the user enables it on _exp.
    const expires = String(Math.ceil((this.#clock() + this.#tombstoneRetentionMs) / 1000));
    const remoteItem = item === null ? { ...key, ...stamp, [DELETED]: { BOOL: true }, [EXPIRES]: { N: expires } }
      : { ...item, ...stamp };
    const condition = compareN(base, '0') === 0 || gone
      ? { ConditionExpression: 'attribute_not_exists(#v)', ExpressionAttributeNames: { '#v': VERSION } }
      : { ConditionExpression: '#v = :base', ExpressionAttributeNames: { '#v': VERSION },
        ExpressionAttributeValues: { ':base': { N: base } } };
    return { base, version, h, put: { Item: toSdk(remoteItem), ...condition } };
  }

  /**
   * Pushes the keys of `chunk` ([{ key, seen }], dirty) in one
   * TransactWriteItems of conditional Puts. Resolves to the writes made ([{
   * key, base, version, h }]), or null when the remote wrote none of them:
   * a condition failed (a conflict), an item is refused, or the remote has
   * no transactions (remembered: PutItems from then on).
   */
  async #pushBatch(chunk) {
    const writes = chunk.map(({ key, seen }) => ({ key, ...this.#remoteWrite(key, seen, false) }));
    try {
      await this.#send('TransactWriteItems', {
        TransactItems: writes.map((w) => ({ Put: { TableName: this.#remoteTable, ...w.put } })),
      }, false);
    } catch (error) {
      if (error.name === 'UnknownOperationException') {
        this.#transactions = false;
        return null;
      }
      if (TRANSACTION_CANCELLED.has(error.name)) return null;
      throw error;
    }
    this.#transactions = true;
    return writes.map(({ key, base, version, h }) => ({ key, base, version, h }));
  }

  // Pushes one key if dirty. Returns { key, base, version, h } of the write it made, or null.
  async #pushKey(key, seen) {
    let gone = false;  // the remote item vanished (deleted by something that is not a sync): write it anew
    for (let attempt = 0; attempt < MAX_KEY_ATTEMPTS; attempt++) {
      const now = attempt === 0 ? seen : await this.#turn((exec) => this.#readLocal(exec, key));
      if (hashItem(now.item) === (now.meta?.h ?? '-')) return null;   // clean
      const { base, version, h, put } = this.#remoteWrite(key, now, gone);
      try {
        await this.#send('PutItem', put);
      } catch (error) {
        if (error.name === 'ConditionalCheckFailedException') {
          const current = await this.#send('GetItem', { Key: toSdk(key), ConsistentRead: true });
          gone = current.Item === undefined;
          if (!gone) await this.#reconcileRemote(key, fromSdk(current.Item));
          continue;
        }
        if (error.name === 'ValidationException' || error.name === 'ItemCollectionSizeLimitExceededException') {
          // This item cannot be written there; reported, and the rest goes on. It is retried when it changes again.
          this.#emit('error', { error, key: unmarshall(key) });
          return null;
        }
        throw error;
      }
      return { key, base, version, h };
    }
    throw new PocketDynamoError(`sync: pushing ${canonicalItem(key)} kept conflicting (${MAX_KEY_ATTEMPTS} attempts)`);
  }
}

export { STATES as SYNC_STATES };
