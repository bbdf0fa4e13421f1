// OwnerCalls: the rpc.js calls as the owner runs them on its engine, each in
// a turn of the operation queue (operation-queue.js): an operation runs
// through the page-fault loop when the core has a bounded cache, its
// committed changes are published (publish(changes), once durable) and its
// promise resolves once the commit is durable. Each turn tells the owner's
// afterOperation whether other turns wait behind it (storage 'memory' then
// groups, else commits at once: persistence/memory-engine.js; the replicated
// committer groups by macrotask and ignores it). DynamoDB errors are results
// (the error JSON text); the core says which texts are errors beside them
// (core/engine.js lastFailed) and the results carry it ({ text, failed },
// rpc.js), so nothing searches a text for "__type".
// Database (database.js) makes one per owner; forwarding tabs send their
// calls to it (rpc.js runCall on the owner's Database).

import { rememberStopped } from '../database-base.js';
import { PocketDynamoError, fromWire, isWireError } from '../errors.js';
import { runWithPages, wholeDatabaseReadAhead } from '../persistence/page-fetcher.js';
import { EXPORT_PAGE_ITEMS, lastEvaluatedKey } from '../transfer/export.js';

const SWEEP_STEP_ITEMS = 100;   // expired items one sweep step deletes at most
export const NO_CHANGES = [];

// engine.execute's text and whether it is a DynamoDB error (the core says so beside it).
function executed(engine, operation, json) {
  const text = engine.execute(operation, json);
  return { text, failed: engine.lastFailed };
}

// Runs fn (one engine call) on the owner's engine: with a bounded page cache,
// through the fault loop (persistence/page-fetcher.js: a page the core lacks
// is read from a replica and the call runs again); otherwise at once.
export function paged(owner, fn, options) {
  const fetcher = owner.pageFetcher ?? null;
  return fetcher === null ? fn() : runWithPages(fn, fetcher, options);
}

// For a core call that visits every page: read them 64 at a time, not one per fault (page-fetcher.js).
function everyPage(owner) {
  return { readAhead: wholeDatabaseReadAhead(() => owner.engine.pageCount) };
}

export class OwnerCalls {
  #owner;      // ReplicatedEngine or MemoryEngine
  #queue;      // OperationQueue
  #clock;      // open({ clock }) or undefined
  #publish;    // publish(changes): committed changes, once durable
  #stoppedSequences = new Set();  // stop keys of sendJsonSequence calls that hit an error

  constructor(owner, { queue, clock, publish }) {
    this.#owner = owner;
    this.#queue = queue;
    this.#clock = clock;
    this.#publish = publish;
  }

  /** The core's clock before each operation, when open({ clock }) gave one. */
  tick() {
    if (typeof this.#clock === 'function') this.#owner.engine.setNow(this.#clock());
  }

  /** Runs rpc.js call `call` (all but sweepExpired: ttl-sweeper.js runs sweepRound) on the owner. */
  run(call, args = {}) {
    const owner = this.#owner;
    switch (call) {
      case 'sendJson': {
        const step = this.#queue.enqueue(async () => {
          this.tick();
          const outcome = await paged(owner, () => executed(owner.engine, String(args.operation), String(args.json)));
          const changes = owner.engine.closed ? NO_CHANGES : owner.engine.takeChanges();
          return { outcome, changes, durable: owner.afterOperation(this.#queue.waiting > 0) };
        });
        return step.then(({ outcome, changes, durable }) => durable.then(() => {
          this.#publish(changes);
          return outcome;
        }));
      }
      case 'scanTable': {
        // Every page in one turn of the queue: no write lands between them (transfer/export.js).
        const step = this.#queue.enqueue(async () => {
          const request = { TableName: String(args.tableName), Limit: EXPORT_PAGE_ITEMS };
          const pages = [];
          let failed = false;
          for (;;) {
            const json = JSON.stringify(request);
            const outcome = await paged(owner, () => executed(owner.engine, 'Scan', json));
            pages.push(outcome.text);
            failed = outcome.failed;
            if (failed) break;
            const last = lastEvaluatedKey(outcome.text);
            if (last === undefined) break;
            request.ExclusiveStartKey = last;
            await new Promise((resolve) => setTimeout(resolve, 0));  // the page stays responsive
          }
          return { pages, failed, durable: owner.afterOperation(this.#queue.waiting > 0) };
        });
        return step.then(({ pages, failed, durable }) => durable.then(() => ({ pages, failed })));
      }
      case 'sendJsonSequence': {
        // In order, in one turn of the queue, up to the first error; one durability wait for all.
        // Nothing runs once a sequence with the same stop key stopped (transfer/import.js).
        const key = args.stopKey ?? null;
        const step = this.#queue.enqueue(async () => {
          this.tick();
          const texts = [];
          let failed = false;
          if (key !== null && this.#stoppedSequences.has(key)) return { texts, failed, changes: NO_CHANGES, durable: Promise.resolve() };
          for (const { operation, json } of args.calls) {
            // Each operation on its own: a fault undoes only the one that faulted.
            const outcome = await paged(owner, () => executed(owner.engine, String(operation), String(json)));
            texts.push(outcome.text);
            failed = outcome.failed;
            if (failed) {
              if (key !== null) rememberStopped(this.#stoppedSequences, key);
              break;
            }
          }
          const changes = owner.engine.closed ? NO_CHANGES : owner.engine.takeChanges();
          return { texts, failed, changes, durable: owner.afterOperation(this.#queue.waiting > 0) };
        });
        return step.then(({ texts, failed, changes, durable }) => durable.then(() => {
          this.#publish(changes);
          return { texts, failed };
        }));
      }
      case 'check': return this.#queue.enqueue(() => paged(owner, () => owner.engine.check(), everyPage(owner)));
      case 'snapshot':
        // A durable state: wait for commits with the queue held, so nothing new is applied meanwhile.
        return this.#queue.enqueue(async () => {
          await owner.drain();
          return paged(owner, () => owner.engine.snapshot(), everyPage(owner));
        });
      case 'whenHealthy': return owner.whenHealthy(args.timeoutMs);
      case 'replicas': return Promise.resolve(owner.replicas());
      case 'verifyReplicas': return owner.verify().then(() => owner.replicas());
      default: return Promise.reject(new PocketDynamoError(`Unknown call ${call}`));
    }
  }

  /** One TTL sweep round: core steps until none is left, each one turn of the queue; { deleted, trimmed }. */
  async sweepRound() {
    const owner = this.#owner;
    let deleted = 0;
    let trimmed = 0;
    for (;;) {
      const { result, changes, durable } = await this.#queue.enqueue(async () => {
        this.tick();
        const result = await paged(owner, () => owner.engine.sweepExpired(SWEEP_STEP_ITEMS));
        const changes = owner.engine.takeChanges();
        return { result, changes, durable: owner.afterOperation(this.#queue.waiting > 0) };
      });
      await durable;
      this.#publish(changes);
      if (isWireError(result)) throw fromWire(result);
      deleted += result.Deleted;
      trimmed += result.Trimmed;
      if (!result.More) return { deleted, trimmed };
    }
  }
}
