// The page of bench/persistence-bulk-profile.mjs: the bulk load of
// `npm run bench` (bench/compare/workload.js: batches of 1,000 items, each
// 40 BatchWriteItems of 25 issued together) into a database with three
// IndexedDB replicas, with every step of the write path timed: the core's
// work (Engine.execute, takeCommit, durableImages), the replica set's commit
// (quorum and last append), and each IndexedDB transaction the stores run
// (appendRecords, writePages, flipHead), by patching the prototypes of the
// package's own modules (the database uses the same module instances).

import { open } from '/dist/index.js';
import { Engine } from '/dist/core/engine.js';
import { IdbStore } from '/dist/persistence/idb-store.js';
import { ReplicaSet } from '/dist/persistence/replica-set.js';
import { batchWrite, tableSpec } from '/bench/compare/engine-pocketdynamo.js';
import { BATCH, bulkLoad, makeItem } from '/bench/compare/workload.js';
import { idbEngine } from '/bench/compare/engine-idb.js';

const now = () => performance.now();
const events = [];        // { what, start, end, bytes?, pages?, replica? }

// Sums of the time spent in synchronous core calls.
const core = { execute: 0, executeCalls: 0, takeCommit: 0, takeCommits: 0, durableImages: 0, durableImageCalls: 0 };

function timeSync(proto, name, add) {
  const original = proto[name];
  proto[name] = function timed(...args) {
    const t = now();
    try {
      return original.apply(this, args);
    } finally {
      add(now() - t, args);
    }
  };
}

timeSync(Engine.prototype, 'execute', (ms) => { core.execute += ms; core.executeCalls++; });
timeSync(Engine.prototype, 'takeCommit', (ms) => { core.takeCommit += ms; core.takeCommits++; });
timeSync(Engine.prototype, 'durableImages', (ms) => { core.durableImages += ms; core.durableImageCalls++; });

function timeAsync(proto, name, describe) {
  const original = proto[name];
  proto[name] = function timed(...args) {
    const start = now();
    const event = { what: name, start, end: NaN, replica: this.describe?.(), ...describe(args) };
    events.push(event);
    const done = () => { event.end = now(); };
    const out = original.apply(this, args);
    // The synchronous part (building the transaction's requests) ends here.
    event.issued = now();
    Promise.resolve(out).then(done, done);
    return out;
  };
}

timeAsync(IdbStore.prototype, 'appendRecords', ([entries]) => ({
  bytes: entries.reduce((n, e) => n + e.record.byteLength, 0), records: entries.length }));
timeAsync(IdbStore.prototype, 'writePages', ([pages]) => ({ pages: pages.length, bytes: pages.length * (pages[0]?.[1].byteLength ?? 0) }));
timeAsync(IdbStore.prototype, 'flipHead', ([, written]) => ({ pages: written.size }));
timeAsync(IdbStore.prototype, 'writeFull', ([, pages]) => ({ pages: pages.length }));

// The replica set's commit: from the call to the quorum, and to the last append settled.
const commits = [];
const originalCommit = ReplicaSet.prototype.commit;
ReplicaSet.prototype.commit = function timed(entry) {
  const start = now();
  const c = { lsn: entry.lsn, start, bytes: entry.record.byteLength, pages: entry.pageIds.length, quorum: NaN, settled: NaN };
  commits.push(c);
  const out = originalCommit.call(this, entry);
  c.issued = now();
  out.quorum.then(() => { c.quorum = now(); }, () => {});
  out.settled.then(() => { c.settled = now(); });
  return out;
};

// Experiment (run({ skipVersionDeletes: true })): head flips that leave the replaced page versions
// in place (an empty `written` map), to see what deleting them costs. Leaves garbage: bench only.
let skipVersionDeletes = false;
const originalFlip = IdbStore.prototype.flipHead;
IdbStore.prototype.flipHead = function flip(meta, written) {
  return originalFlip.call(this, meta, skipVersionDeletes ? new Map() : written);
};

// Experiment (run({ experiment: { noChangeFeed: true } })): the core's change feed off (it feeds
// other tabs' and this tab's live queries: JSON built in the core, parsed by takeChanges, posted
// on the tabs' BroadcastChannel), to see what it costs a bulk load. Breaks live queries: bench only.
let noChangeFeed = false;
const originalTakeChanges = Engine.prototype.takeChanges;
Engine.prototype.takeChanges = function takeChanges() {
  if (noChangeFeed) {
    this.setChangeFeed(false);
    return [];
  }
  return originalTakeChanges.call(this);
};

let db = null;

export async function run({ name = 'bulkprof', items = 100_000, settle = true, options = {}, experiment = {} } = {}) {
  skipVersionDeletes = experiment.skipVersionDeletes === true;
  noChangeFeed = experiment.noChangeFeed === true;
  db = await open(name, { storage: 'idb', ...options });
  await db.send('CreateTable', tableSpec);
  const send = (op, request) => db.send(op, request);
  const batches = [];
  const t0 = now();
  for (let start = 0; start < items; start += BATCH) {
    const list = [];
    for (let i = start; i < Math.min(items, start + BATCH); i++) list.push(makeItem(i));
    const b = { start: now() };
    await batchWrite(send, list);
    b.end = now();
    batches.push(b);
  }
  const loadMs = now() - t0;
  let settleMs = 0;
  if (settle) {
    const t = now();
    await db.whenHealthy(300_000);
    settleMs = now() - t;
  }
  return { items, loadMs, itemsPerSec: (items / loadMs) * 1000, settleMs, t0, batches, commits, events, core };
}

export async function close() {
  await db?.close();
  db = null;
}

/** Raw IndexedDB's bulk load of the same items (bench/compare/engine-idb.js): { ms, itemsPerSec }. */
export async function raw({ items = 100_000 } = {}) {
  const engine = idbEngine({ name: 'bulkprof-raw' });
  await engine.open();
  const out = await bulkLoad(engine, items);
  await engine.close();
  return out;
}
