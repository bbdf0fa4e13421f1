// One writer per database (DESIGN.md): the owner is the context (tab or
// worker) holding the Web Lock named after the database, `pocketdynamo:<name>`,
// for as long as it has the database open. The lock goes away with its
// holder: close(), a closed tab, or a crashed renderer all release it, and
// the next waiter in line gets it.
//
//   const lock = await tryAcquire('shop');      // OwnerLock, or null if another context owns it
//   lock.release();
//   const wait = waitFor('shop');               // { promise: Promise<OwnerLock>, cancel() }
//
// REQUIRES for both: locksAvailable() (navigator.locks: every current
// browser, in pages and workers, on secure contexts including 127.0.0.1).

import { PocketDynamoError } from '../errors.js';

/** The lock's name for database `name`. */
export function lockName(name) {
  return `pocketdynamo:${name}`;
}

/** True where Web Locks exist. */
export function locksAvailable() {
  return typeof globalThis.navigator?.locks?.request === 'function';
}

/** A held lock; release() gives it up (idempotent). */
export class OwnerLock {
  #release;

  constructor(release) {
    this.#release = release;
  }

  get held() { return this.#release !== null; }

  release() {
    if (this.#release !== null) {
      this.#release();
      this.#release = null;
    }
  }
}

/** Takes the lock if nobody holds it: resolves to an OwnerLock, or null when another context owns the database. */
export function tryAcquire(name) {
  return new Promise((resolve, reject) => {
    navigator.locks.request(lockName(name), { ifAvailable: true }, (lock) => {
      if (lock === null) {
        resolve(null);
        return undefined;
      }
      return new Promise((release) => resolve(new OwnerLock(release)));
    }).catch(reject);
  });
}

/**
 * Queues for the lock. promise resolves with the OwnerLock once this context
 * gets it (after every holder and earlier waiter); cancel() leaves the queue
 * (promise then rejects with a PocketDynamoError).
 */
export function waitFor(name) {
  const abort = new AbortController();
  const promise = new Promise((resolve, reject) => {
    navigator.locks.request(lockName(name), { signal: abort.signal }, (lock) => {
      if (abort.signal.aborted) return undefined;
      return new Promise((release) => resolve(new OwnerLock(release)));
    }).catch((error) => {
      reject(abort.signal.aborted
        ? new PocketDynamoError(`Stopped waiting to own database "${name}"`)
        : error);
    });
  });
  promise.catch(() => {});
  return { promise, cancel: () => abort.abort() };
}
