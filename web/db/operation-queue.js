// OperationQueue: the owner's one queue. Every operation on the engine runs
// in a turn of its own, in call order, so concurrent calls are safe and see
// each other's effects in call order; a turn that fails does not stop the
// ones after it. waiting says how many turns are queued behind the running
// one: an owner that commits in memory commits at once when none is, and
// groups the turns of a burst into one commit otherwise (memory-engine.js).

export class OperationQueue {
  #tail = Promise.resolve();  // the last queued turn, settled or not
  #waiting = 0;               // turns queued that have not started yet

  /** Runs fn() after every turn queued before; resolves or rejects as fn does. */
  enqueue(fn) {
    this.#waiting++;
    const run = this.#tail.then(() => {
      this.#waiting--;
      return fn();
    });
    this.#tail = run.catch(() => {});
    return run;
  }

  /** How many turns are queued and not started (inside a turn: how many come after it). */
  get waiting() {
    return this.#waiting;
  }

  /** Resolves once every turn queued so far has settled (never rejects). */
  settled() {
    return this.#tail;
  }
}
