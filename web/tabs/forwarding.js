// Forwarding between tabs: a context that opens a database another context
// owns (owner-lock.js) sends its calls to the owner over a BroadcastChannel
// named `pocketdynamo:<name>` and gets the results, and errors, back. Only
// the owner ever writes to the replicas. The calls, their results, errors
// and events are web/rpc.js's, the same as a WorkerClient's.
//
// Messages (every one carries { tag: TAG }):
//   client -> all     { type: 'hello', from }                   who owns this database?
//   owner  -> all     { type: 'owner', owner }                  I do (answer to hello; also sent on takeover)
//   client -> owner   { type: 'request', from, to, id, call, args }     call: a name in rpc.js CALLS
//   owner  -> client  { type: 'reply', to, id, result }         or { ..., error } (rpc.js errorToWire;
//                                                               error.retry: not run, send it to the next owner)
//   owner  -> all     { type: 'event', owner, name, detail }    db.on events and 'changes' (rpc.js eventToWire)
//   client -> owner   { type: 'watch', from, to, on }          this client has subscribers (db.subscribe,
//                                                               db.live) and wants 'changes' (on), or no more;
//                                                               also sent (on: false) to each new owner it learns of
//   owner  -> all     { type: 'closing', owner }                the owner stops serving
// `from`/`to`/`owner` are random context ids; ids pair replies with requests.
//
// Exactly once: the owner answers every request it received before it
// announces 'closing' (results, or { retry: true } for requests that came
// after it began closing: those were not run), and it closes its channel
// right after announcing. Messages between two contexts arrive in order, so
// when a client sees 'closing', a request still unanswered never reached that
// owner and is sent again to the next one. If the owner disappears without
// 'closing' (a killed tab), unanswered requests reject with an error saying
// their outcome is unknown; they are never sent twice.
//
// Changes only while someone watches: the owner's core collects the change
// feed, and the owner posts 'changes', only while a client (or the owner
// itself) has subscribers: building, parsing and cloning every committed item's
// change record for nobody took more than half of a bulk load's time in
// Chromium (docs/design.md, Changes). A client says 'watch' when its first
// subscription starts and when it learns of a new owner, and unwatches when its
// last ends or it closes; a client that vanishes without a word leaves the feed
// on (only a cost). A watch reaches the owner before any request the client
// sends after it (messages between two contexts arrive in order), so a client
// sees every change committed after its own later calls; what other tabs
// committed before its watch arrived it misses, as if it had subscribed a
// moment later.
//
// Events only once a client is known: the owner posts 'event' messages only
// after some client said 'hello', 'watch' or sent a request (a client tells
// each new owner it learns of with a 'watch'), or from the start when it took
// over from another owner (clients: true). A BroadcastChannel postMessage
// costs the owner's main thread about 0.5 ms in Chromium under load, in every
// commit's path ('commit', 'replica' events): awaited PutItem p50 4.3 ->
// 3.5 ms with no tab to hear them (bench/awaited-ab.mjs, load average 14).
//
//   owner:   const server = new ForwardingServer(name, (call, args) => runCall(db, call, args));
//            server.announce(); ... await server.close();
//   client:  const client = new ForwardingClient(name, { onEvent }); await client.connect(timeoutMs);
//            await client.call('sendJson', { operation, json });
//            client.handOver(run)   // this context became the owner: queued calls run locally

import { PocketDynamoError } from '../errors.js';
import { errorFromWire, errorToWire, eventFromWire, eventToWire } from '../rpc.js';
import { lockName } from './owner-lock.js';

// /2: calls, errors and events of web/rpc.js; /3: 'watch'; /4: results carry `failed` (rpc.js)
export const TAG = 'pocketdynamo-tabs/4';

/** True where BroadcastChannel exists. */
export function channelsAvailable() {
  return typeof globalThis.BroadcastChannel === 'function';
}

function randomId() {
  return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// A PocketDynamoError from the owner names the database, unless it already does.
function withDatabase(error, name) {
  if (error instanceof PocketDynamoError && error.database === undefined) error.database = name;
  return error;
}

/** The owner's side: answers forwarded calls with serve(call, args). */
export class ForwardingServer {
  #id;
  #channel;
  #serve;
  #inProgress = new Set();   // promises of requests being run
  #closing = false;
  #watchers = new Set();     // ids of clients that want 'changes'
  #onWatch;
  #clients;                  // some client may listen: events are posted (the header)

  /**
   * serve(call, args) -> Promise of the result: runs one forwarded call (rpc.js runCall);
   * onWatch(): the set of watching clients changed (see `watched`); clients: post events from
   * the start (a takeover: the old owner's clients are there), else once a client is known.
   */
  constructor(name, serve, { id = randomId(), onWatch = () => {}, clients = false } = {}) {
    this.#id = id;
    this.#clients = clients;
    this.#serve = serve;
    this.#onWatch = onWatch;
    this.#channel = new BroadcastChannel(lockName(name));
    this.#channel.onmessage = (event) => this.#receive(event.data);
  }

  get id() { return this.#id; }

  /** True while some client wants 'changes' (the header: changes only while someone watches). */
  get watched() { return this.#watchers.size > 0; }

  /** Tells every client that this context now serves the database. */
  announce() {
    this.#post({ type: 'owner', owner: this.#id });
  }

  /** Relays an event (db.on events, 'changes' while a client watches) to the clients. */
  event(name, detail) {
    if (!this.#clients || (name === 'changes' && this.#watchers.size === 0)) return;
    if (!this.#closing) this.#post({ type: 'event', owner: this.#id, name, detail: eventToWire(detail) });
  }

  #post(message) {
    try {
      this.#channel.postMessage({ tag: TAG, ...message });
    } catch {
      // closed, or detail not cloneable: clients do without
    }
  }

  #receive(message) {
    if (message === null || typeof message !== 'object' || message.tag !== TAG) return;
    if (message.type === 'hello') {
      this.#clients = true;
      if (!this.#closing) this.#post({ type: 'owner', owner: this.#id });
      return;
    }
    if (message.to === this.#id) this.#clients = true;   // a watch or a request
    if (message.type === 'watch' && message.to === this.#id) {
      const had = this.#watchers.size > 0;
      if (message.on === true) this.#watchers.add(message.from);
      else this.#watchers.delete(message.from);
      if (had !== this.#watchers.size > 0) this.#onWatch();
      return;
    }
    if (message.type !== 'request' || message.to !== this.#id) return;
    const { from, id, call, args } = message;
    if (this.#closing) {
      const error = errorToWire(new PocketDynamoError('owner closing'));
      this.#post({ type: 'reply', to: from, id, error: { ...error, retry: true } });
      return;
    }
    const run = (async () => this.#serve(call, args ?? {}))();
    const done = run.then(
      (result) => this.#post({ type: 'reply', to: from, id, result }),
      (error) => this.#post({ type: 'reply', to: from, id, error: errorToWire(error) }),
    );
    this.#inProgress.add(done);
    done.finally(() => this.#inProgress.delete(done));
  }

  /** Stops serving: answers what it received, announces 'closing', closes the channel. */
  async close() {
    if (this.#closing) return;
    this.#closing = true;
    while (this.#inProgress.size > 0) await Promise.allSettled([...this.#inProgress]);
    this.#post({ type: 'closing', owner: this.#id });
    this.#channel.close();
  }
}

/** The side of a context that does not own the database. */
export class ForwardingClient {
  #name;
  #id = randomId();
  #channel;
  #owner = null;          // id of the context serving, null while there is none
  #sent = new Map();      // request id -> { call, args, resolve, reject } sent to #owner
  #queued = [];           // calls waiting for an owner: { call, args, resolve, reject }
  #nextId = 1;
  #onEvent;
  #ownerWaiters = [];     // resolve() of connect()
  #local = null;          // run(call, args) after handOver
  #handingOver = false;   // handOver() under way: new calls wait in #queued
  #closed = false;
  #watching = false;      // this context has subscribers: the owner is told (the header)

  /** onEvent(name, detail): events the owner relays. */
  constructor(name, { onEvent = () => {} } = {}) {
    this.#name = name;
    this.#onEvent = onEvent;
    this.#channel = new BroadcastChannel(lockName(name));
    this.#channel.onmessage = (event) => this.#receive(event.data);
  }

  /**
   * Finds the owner. Rejects with a PocketDynamoError after timeoutMs if no
   * owner answers (it holds the lock but does not serve: an older version, a
   * frozen tab, a context without BroadcastChannel); the caller must then
   * close() this client: nothing was written.
   */
  connect(timeoutMs) {
    if (this.#owner !== null) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#ownerWaiters = this.#ownerWaiters.filter((w) => w !== waiter);
        reject(new PocketDynamoError(`Database "${this.#name}" is open in another tab or worker, which did not ` +
            `answer within ${timeoutMs} ms, so its operations cannot be forwarded there. Nothing was written; ` +
            'close the other tab (or reload it with this version of pocketdynamo) and open again.'));
      }, timeoutMs);
      const waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      this.#ownerWaiters.push(waiter);
      this.#post({ type: 'hello', from: this.#id });
    });
  }

  #post(message) {
    this.#channel.postMessage({ tag: TAG, ...message });
  }

  /** Tells the owner whether this context wants 'changes' (it has subscribers); again to each new owner. */
  watch(on) {
    on = Boolean(on);
    if (on === this.#watching) return;
    this.#watching = on;
    if (this.#owner !== null && !this.#handingOver && !this.#closed) {
      this.#post({ type: 'watch', from: this.#id, to: this.#owner, on });
    }
  }

  /** Runs `call` at the owner (or locally after handOver). Resolves to its result. */
  call(call, args) {
    if (this.#closed) return Promise.reject(new PocketDynamoError('The database is closed'));
    if (this.#local !== null) return this.#local(call, args);
    return new Promise((resolve, reject) => {
      const entry = { call, args, resolve, reject };
      if (this.#owner === null || this.#handingOver) this.#queued.push(entry);
      else this.#send(entry);
    });
  }

  #send(entry) {
    const id = this.#nextId++;
    this.#sent.set(id, entry);
    this.#post({ type: 'request', from: this.#id, to: this.#owner, id, call: entry.call, args: entry.args });
  }

  #receive(message) {
    if (message === null || typeof message !== 'object' || message.tag !== TAG) return;
    switch (message.type) {
      case 'owner':
        this.#ownerIs(message.owner);
        break;
      case 'closing':
        if (message.owner === this.#owner) {
          // Everything it received was answered before this: what is left never reached it.
          this.#owner = null;
          const unsent = [...this.#sent.values()];
          this.#sent.clear();
          this.#queued.unshift(...unsent);
        }
        break;
      case 'reply': {
        if (message.to !== this.#id) break;
        const entry = this.#sent.get(message.id);
        if (!entry) break;
        this.#sent.delete(message.id);
        if (message.error?.retry) this.#queued.push(entry);
        else if (message.error) entry.reject(withDatabase(errorFromWire(message.error), this.#name));
        else entry.resolve(message.result);
        break;
      }
      case 'event':
        if (message.owner === this.#owner) this.#onEvent(message.name, eventFromWire(message.detail));
        break;
      default:
        break;
    }
  }

  #ownerIs(owner) {
    if (this.#handingOver) return;
    if (this.#owner !== null && this.#owner !== owner) this.#ownerLost();
    const changed = this.#owner !== owner;
    this.#owner = owner;
    // Before the queued calls, so that the new owner collects their changes for this context; sent
    // (on: false) when it has no subscribers too, so that the owner knows a client listens to events.
    if (changed) this.#post({ type: 'watch', from: this.#id, to: owner, on: this.#watching });
    for (const waiter of this.#ownerWaiters.splice(0)) waiter();
    const queued = this.#queued.splice(0);
    for (const entry of queued) this.#send(entry);
  }

  // The owner went away without 'closing': unanswered requests may or may not have run.
  #ownerLost() {
    for (const entry of this.#sent.values()) {
      entry.reject(new PocketDynamoError(`The tab that owned database "${this.#name}" went away before ` +
          'answering; this operation may or may not have been applied. Read the data again before retrying.'));
    }
    this.#sent.clear();
  }

  /**
   * This context now owns the database: calls still queued, and every later
   * call, run through run(call, args); unanswered ones sent to a vanished
   * owner reject (outcome unknown). The channel is closed. Resolves once the
   * queued calls were handed to run.
   */
  async handOver(run) {
    this.#handingOver = true;
    // A closing owner posts its last replies and 'closing' before it lets the
    // lock go, but the lock may reach us first: give those messages a moment.
    for (let waited = 0; this.#sent.size > 0 && waited < 1000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    this.#ownerLost();
    this.#local = run;
    this.#owner = null;
    for (const entry of this.#queued.splice(0)) run(entry.call, entry.args).then(entry.resolve, entry.reject);
    this.#channel.close();
  }

  /** Rejects every unanswered call and closes the channel. */
  close() {
    if (this.#closed) return;
    this.#closed = true;
    const error = new PocketDynamoError('The database is closed');
    for (const entry of [...this.#sent.values(), ...this.#queued]) entry.reject(error);
    this.#sent.clear();
    this.#queued = [];
    try {
      if (this.#watching && this.#owner !== null && this.#local === null) {
        this.#post({ type: 'watch', from: this.#id, to: this.#owner, on: false });
      }
      this.#channel.close();
    } catch {
      // already closed by handOver
    }
  }
}
