// Which stores hold a database's three replicas, from open()'s options
// (PGlite's parseDataDir + loadFs pattern: parse first, load the code for
// that kind only then, so Node-only code never reaches a browser bundle).
//
//   parseStorage(options) -> { kind, name, path? }      pure, synchronous
//   loadStores(parsed, options) -> { kind, persistent, stores: PageStore[3], release() }
//
// Kinds:
//   'idb'     three IndexedDB databases '<name>#0..2' (idb-store.js). The
//             default wherever indexedDB exists (browsers, workers).
//   'memory'  data lives as long as the database object. The default where
//             there is no IndexedDB (Node). database.js opens it without
//             stores or replicas (memory-engine.js: one copy of the pages);
//             loadStores still gives three MemoryStores for it, for callers
//             that want the replica protocol in memory.
//   'file'    three directories under options.path (file-store.js, Node only;
//             imported lazily, mapped to false in package.json "browser").
//   'custom'  options.stores: three PageStore objects given by the caller
//             (tests inject failing stores this way).
// open({ path }) means 'file'; open({ storage }) picks explicitly.

import { PocketDynamoError } from '../errors.js';
import { IdbStore } from './idb-store.js';
import { MemoryStore } from './memory-store.js';

export const REPLICAS = 3;
const KINDS = ['idb', 'memory', 'file'];

/** { kind, name, path } for open() options; throws PocketDynamoError on contradictions. */
export function parseStorage(options = {}) {
  const name = options.name ?? 'default';
  if (typeof name !== 'string' || name.length === 0) {
    throw new PocketDynamoError('open(): name must be a non-empty string');
  }
  if (options.stores !== undefined) {
    if (!Array.isArray(options.stores) || options.stores.length !== REPLICAS) {
      throw new PocketDynamoError(`open(): stores must be an array of ${REPLICAS} PageStores`);
    }
    return { kind: 'custom', name };
  }
  let { storage } = options;
  if (options.path !== undefined) {
    if (storage !== undefined && storage !== 'file') {
      throw new PocketDynamoError(`open(): path is for storage 'file', not ${JSON.stringify(storage)}`);
    }
    if (typeof options.path !== 'string' || options.path.length === 0) {
      throw new PocketDynamoError('open(): path must be a non-empty directory name');
    }
    return { kind: 'file', name, path: options.path };
  }
  storage ??= typeof globalThis.indexedDB === 'undefined' ? 'memory' : 'idb';
  if (!KINDS.includes(storage)) {
    throw new PocketDynamoError(`open(): storage ${JSON.stringify(storage)} is not available: use 'idb' ` +
        "(IndexedDB, browsers), 'memory', or 'file' with a path (Node)");
  }
  if (storage === 'file') throw new PocketDynamoError("open(): storage 'file' needs a path: open({ path: './data' })");
  if (storage === 'idb' && typeof globalThis.indexedDB === 'undefined') {
    throw new PocketDynamoError('open(): storage "idb" is not available here: this environment has no ' +
        "IndexedDB (in Node use open({ path }) for files, or storage 'memory')");
  }
  return { kind: storage, name };
}

/**
 * The stores for a parsed storage. Custom, memory and IndexedDB stores
 * connect on first use (a replica that cannot be reached fails alone, in
 * recovery); file stores are opened here, under the directory's LOCK.
 */
export async function loadStores(parsed, options = {}) {
  const { kind, name } = parsed;
  if (kind === 'custom') {
    return { kind, persistent: options.persistent ?? false, stores: options.stores, release: async () => {} };
  }
  if (kind === 'memory') {
    const stores = Array.from({ length: REPLICAS }, (_, i) => new MemoryStore({ label: `memory replica #${i}` }));
    return { kind, persistent: false, stores, release: async () => {} };
  }
  if (kind === 'idb') {
    const stores = Array.from({ length: REPLICAS },
      (_, i) => new IdbStore(`${name}#${i}`, { quotaBytes: options.testQuotaBytes ?? Infinity }));
    // Each connects on first use, so one replica that cannot open fails alone (recovery reports it).
    return { kind, persistent: true, stores, release: async () => {} };
  }
  let module = null;
  try {
    module = await import('./file-store.js');
  } catch (error) {
    if (globalThis.process?.versions?.node) throw error;
    // a browser without a bundler: node:fs does not resolve
  }
  if (typeof module?.openFileStores !== 'function') {
    throw new PocketDynamoError("storage 'file' (open({ path })) is available in Node only");
  }
  const { stores, release } = await module.openFileStores(parsed.path, REPLICAS);
  return { kind, persistent: true, stores, release };
}
