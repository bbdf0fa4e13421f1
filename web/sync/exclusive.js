// The key of Database's exclusive turn (web/database.js), used by the sync
// (web/sync/sync.js): db[EXCLUSIVE](fn) runs `await fn(exec)` as one turn of
// the operation queue, where `await exec(operation, input)` runs one core
// operation and gives its response object (an error object, with __type,
// for a DynamoDB error). With a core page cache, a call that needs pages
// the core lacks waits while they are read (the call changed nothing and
// runs again). No other operation runs between the calls fn makes, and its
// writes are committed together; the promise resolves to fn's result once
// they are durable; db[EXCLUSIVE](fn, own) also calls own(changes) with the
// turn's change records ([{ TableName, Record }]) just before subscribers get
// the same Record objects. fn must not wait for anything but exec (a remote call
// inside a turn would hold every local operation). Owner only.
export const EXCLUSIVE = Symbol.for('pocketdynamo.exclusiveTurn');
