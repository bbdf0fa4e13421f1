// Repairer: keeps the three replicas whole in the background, after open
// (DESIGN.md, Open step 3) and whenever a replica falls behind or is found
// damaged.
//
//   start(scanIndexes)   after recovery: scans the replicas recovery did not
//                        read in full (damaged pages are marked), then lets
//                        the committer repair what needs it
//   verify()             scans every replica now (the playground's "check";
//                        damage done behind the database's back is found here
//                        or at the next open), then repairs
//   whenHealthy(ms)      resolves with the status once all three replicas are
//                        healthy at the durable LSN; rejects after ms
//
// The writing itself is the committer's (it knows when the core's state is
// durable, committer.js) and the replica set's (what each replica lacks,
// replica-set.js). Status changes reach db.on('replica', ...) from there;
// this file adds 'scan' events: { index, lsn, badPages }.

export class Repairer {
  #committer;
  #replicas;
  #emit;
  #scanning = null;       // Promise of the scan under way
  #waiters = new Set();   // whenHealthy() callers: { check() }
  #closed = false;

  constructor(committer, replicas, { emit = () => {} } = {}) {
    this.#committer = committer;
    this.#replicas = replicas;
    this.#emit = emit;
  }

  /**
   * Called by the owner for every 'replica' event: wakes whenHealthy() callers,
   * and schedules a repair (idempotent). A replica's write can fail after its
   * commit already reached the quorum and the committer went idle (seen in
   * Firefox: a write to a replica deleted behind the database's back fails
   * late); nothing else would then start the repair.
   */
  statusChanged() {
    for (const waiter of [...this.#waiters]) waiter.check();
    if (!this.#closed) this.#committer.scheduleRepair();
  }

  /** Scans the given replicas in the background, then schedules repair. */
  start(scanIndexes = []) {
    if (scanIndexes.length === 0) {
      this.#committer.scheduleRepair(0);
      return Promise.resolve([]);
    }
    return this.#scan(scanIndexes);
  }

  /** Scans all three replicas for damaged pages and repairs what is found. Resolves to the scan results. */
  verify() {
    return this.#scan([0, 1, 2]);
  }

  #scan(indexes) {
    const previous = this.#scanning ?? Promise.resolve();
    const run = previous.catch(() => {}).then(async () => {
      if (this.#closed) return [];
      const results = await this.#replicas.scan(indexes);
      for (const result of results) this.#emit('scan', result);
      this.#committer.scheduleRepair(0);
      return results;
    });
    this.#scanning = run;
    run.finally(() => { if (this.#scanning === run) this.#scanning = null; }).catch(() => {});
    return run;
  }

  /** True when every replica is healthy (holds the durable state, nothing damaged known). */
  healthy() {
    return this.#replicas.status().every((r) => r.status === 'healthy' && r.lsn === this.#replicas.durableLsn);
  }

  /** Resolves with replicas' status once all are healthy; rejects after timeoutMs with the status. */
  whenHealthy(timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const waiter = {
        check: () => {
          if (this.#scanning === null && !this.#committer.repairing && this.healthy()) {
            done();
            resolve(this.#replicas.status());
          }
        },
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`replicas not healthy after ${timeoutMs} ms: ${JSON.stringify(this.#replicas.status())}`));
      }, timeoutMs);
      const poll = setInterval(() => waiter.check(), 50);
      const done = () => {
        clearTimeout(timer);
        clearInterval(poll);
        this.#waiters.delete(waiter);
      };
      this.#waiters.add(waiter);
      this.#committer.scheduleRepair(0);
      waiter.check();
    });
  }

  async close() {
    this.#closed = true;
    await this.#scanning?.catch(() => {});
  }
}
