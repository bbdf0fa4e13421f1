// pocketdynamo/worker: run a database in a Web Worker.
//   page:   WorkerClient.open(worker, name, options)  (client.js)
//   worker: serveDatabase()                            (serve.js), or start dist/worker/worker.js
export { WorkerClient } from './client.js';
export { serveDatabase } from './serve.js';
