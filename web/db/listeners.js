// Listeners: the db.on(name, fn) registry that a Database and a WorkerClient
// share. Events are rpc.js EVENTS; a listener that throws never breaks the
// database (its error surfaces on its own, in a microtask).

import { EVENTS } from '../rpc.js';

export class Listeners {
  #byName = new Map();  // event name -> Set of fn

  /** Adds fn for event `name`; true when it is the first listener of that event. Throws TypeError for a bad name or fn. */
  add(name, fn) {
    if (!EVENTS.includes(name)) throw new TypeError(`Unknown event ${JSON.stringify(name)}; events: ${EVENTS.join(', ')}`);
    if (typeof fn !== 'function') throw new TypeError('on(name, fn): fn must be a function');
    const first = !this.#byName.has(name);
    if (first) this.#byName.set(name, new Set());
    this.#byName.get(name).add(fn);
    return first;
  }

  /** Removes fn; true when it was the last listener of event `name`. */
  remove(name, fn) {
    const set = this.#byName.get(name);
    if (!set?.delete(fn) || set.size > 0) return false;
    this.#byName.delete(name);
    return true;
  }

  /** Calls every listener of `name` with detail. */
  emit(name, detail) {
    for (const fn of this.#byName.get(name) ?? []) {
      try {
        fn(detail);
      } catch (error) {
        queueMicrotask(() => { throw error; });  // a listener's bug surfaces, never breaks the database
      }
    }
  }
}
