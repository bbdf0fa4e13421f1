// A ready-made module worker serving one database (see serve.js):
//   new WorkerClient(new Worker(new URL('pocketdynamo/dist/worker/worker.js', import.meta.url), { type: 'module' }))
import { serveDatabase } from './serve.js';

serveDatabase();
