// The key of Database's exclusive turn (web/database.js), used by the sync
// (web/sync/sync.js): db[EXCLUSIVE](fn) runs fn(exec) as one turn of the
// operation queue, where exec(operation, input) runs one core operation
// synchronously and returns its response object (an error object, with
// __type, for a DynamoDB error). No other operation runs between the calls
// fn makes, and all of its writes share one commit; the promise resolves to
// fn's result once that commit is durable. Owner only.
export const EXCLUSIVE = Symbol.for('pocketdynamo.exclusiveTurn');
