// The messages between WorkerClient (client.js) and serveDatabase (serve.js).
//
//   client -> worker   { id, call: 'open', options }        options: structured-cloneable open() options
//                      { id, call: 'sendJson', operation, json }
//                      { id, call: 'snapshot' } | { id, call: 'check' } | { id, call: 'close' }
//   worker -> client   { id, result }                       open: { name, storage, persistent }
//                      { id, error: { name, message } }     a failure of the database itself
//
// DynamoDB errors are not `error`: they travel inside sendJson's result as
// the core's error JSON, and the client's send() turns them into errors
// exactly as in the page (errors.js fromWire). `id` pairs a reply with its call.

export const TAG = 'pocketdynamo/1';  // every message carries { tag: TAG }
