// OperationQueue: the owner's one queue. Every operation on the engine runs
// in a turn of its own, in call order, so concurrent calls are safe and see
// each other's effects in call order; a turn that fails does not stop the
// ones after it.

export class OperationQueue {
  #tail = Promise.resolve();  // the last queued turn, settled or not

  /** Runs fn() after every turn queued before; resolves or rejects as fn does. */
  enqueue(fn) {
    const run = this.#tail.then(fn);
    this.#tail = run.catch(() => {});
    return run;
  }

  /** Resolves once every turn queued so far has settled (never rejects). */
  settled() {
    return this.#tail;
  }
}
