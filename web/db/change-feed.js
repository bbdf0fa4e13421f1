// ChangeFeed: db.subscribe(tableName, fn) for a Database and a WorkerClient.
// Committed changes arrive as [{ TableName, Record }] (the core's change feed,
// rpc.js 'changes'); deliver() hands each subscriber of a table that table's
// records, in order, in one call. A subscriber that throws never breaks the
// database (its error surfaces on its own, in a microtask).

/** Throws TypeError unless subscribe(tableName, fn) got a table name and a function. */
export function checkSubscription(tableName, fn) {
  if (typeof tableName !== 'string' || tableName.length === 0) {
    throw new TypeError('subscribe(tableName, fn): tableName must be a table name');
  }
  if (typeof fn !== 'function') throw new TypeError('subscribe(tableName, fn): fn must be a function');
}

export class ChangeFeed {
  #subscribers = new Map();  // table name -> Set of fn(records)

  /** Tables with at least one subscriber. */
  get size() { return this.#subscribers.size; }

  /**
   * Subscribes fn(records) to `tableName`; returns { first, remove } where
   * first says it is the table's first subscriber and remove() unsubscribes
   * this call (once) and returns true when it was the table's last.
   * Throws TypeError for a bad table name or fn.
   */
  add(tableName, fn) {
    checkSubscription(tableName, fn);
    const first = !this.#subscribers.has(tableName);
    if (first) this.#subscribers.set(tableName, new Set());
    const entry = (records) => fn(records);  // one registration per call, even for the same fn
    this.#subscribers.get(tableName).add(entry);
    const remove = () => {
      const set = this.#subscribers.get(tableName);
      if (!set?.delete(entry) || set.size > 0) return false;
      this.#subscribers.delete(tableName);
      return true;
    };
    return { first, remove };
  }

  /** Delivers committed changes [{ TableName, Record }] to the subscribers of their tables. */
  deliver(changes) {
    if (!Array.isArray(changes) || this.#subscribers.size === 0) return;
    const byTable = new Map();
    for (const { TableName, Record } of changes) {
      if (!this.#subscribers.has(TableName)) continue;
      if (!byTable.has(TableName)) byTable.set(TableName, []);
      byTable.get(TableName).push(Record);
    }
    for (const [table, records] of byTable) {
      for (const fn of [...(this.#subscribers.get(table) ?? [])]) {
        try {
          fn(records);
        } catch (error) {
          queueMicrotask(() => { throw error; });  // a subscriber's bug surfaces, never breaks the database
        }
      }
    }
  }
}
