// TtlSweeper: when the owner runs the time-to-live sweep. A round
// (runRound(): the core's bounded steps until none is left, each a turn of
// the operation queue) runs on sweepExpired() and every intervalMs in the
// background; a call while a round runs joins that round.

export class TtlSweeper {
  #runRound;
  #round = null;   // Promise of the round in progress
  #timer = null;   // the background interval

  /** runRound() -> Promise<{ deleted, trimmed }>: one whole sweep. */
  constructor(runRound) {
    this.#runRound = runRound;
  }

  /** The round in progress, or a new one. */
  sweep() {
    this.#round ??= this.#runRound().finally(() => { this.#round = null; });
    return this.#round;
  }

  /** Sweeps every intervalMs (0: never) while no round runs; a failed background round goes to onError(error). */
  start(intervalMs, onError) {
    if (!(intervalMs > 0) || this.#timer !== null) return;
    this.#timer = setInterval(() => {
      if (this.#round === null) this.sweep().catch(onError);
    }, intervalMs);
    this.#timer.unref?.();
  }

  /** Stops the background sweeps (a round in progress goes on: settled() waits for it). */
  stop() {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Resolves once the round in progress, if any, has settled (never rejects). */
  settled() {
    return this.#round?.catch(() => {}) ?? Promise.resolve();
  }
}
