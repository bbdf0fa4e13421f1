// The messages between WorkerClient (client.js) and serveDatabase (serve.js).
// The calls, their results, the error form and the events are web/rpc.js's,
// the same as a forwarding tab's (tabs/forwarding.js); this file adds only
// what a worker needs besides them.
//
//   client -> worker   { type: 'request', id, call, args }
//     call: a name in rpc.js CALLS, or one of the worker's own:
//       'open'       { options }            -> info (below); options: structured-cloneable open()
//                                              options, merged over serveDatabase's
//       'close'      {}                     -> undefined; closes the database (not the worker)
//       'listen'     { name, on }           -> undefined; relay db.on(name) events (on) or stop
//       'subscribe'  { tableName, on }      -> undefined; relay the table's committed changes
//                                              as 'changes' events (on) or stop
//   worker -> client   { type: 'reply', id, result } | { type: 'reply', id, error }   error: rpc.js errorToWire
//                      { type: 'event', name, detail }    a db.on event, or 'changes' [{ TableName, Record }]
//                      { type: 'state', info }            role, persisted or recovery changed
//   info: { name, storage, persistent, persisted, role, recovery }
// Every message carries { tag: TAG }; `id` pairs a reply with its request.
// DynamoDB errors of sendJson are results ({ text, failed }: the core's error
// JSON and the core's word that it is one), which the client's send() throws
// exactly as in the page (errors.js fromWire).

export const TAG = 'pocketdynamo-worker/3';  // /3: sendJson, scanTable, sendJsonSequence carry `failed`
