// Persistent storage (the browser does not evict this origin's data under
// storage pressure). open() only reads the state (navigator.storage.persisted(),
// which never prompts); asking (navigator.storage.persist()) is the
// application's decision: open(name, { persist: true }) or db.persist(),
// because Firefox answers persist() with a permission prompt to the user.
// Resolves to true / false as the browser says; null where there is nothing
// to ask or read (Node, storage other than 'idb', a browser without
// navigator.storage or without that method, e.g. persist() in a worker).
export async function askPersistence(kind, { ask = false } = {}) {
  if (kind !== 'idb') return null;
  const storage = globalThis.navigator?.storage;
  const method = ask ? 'persist' : 'persisted';
  if (typeof storage?.[method] !== 'function') return null;
  try {
    if (ask && typeof storage.persisted === 'function' && await storage.persisted()) return true;
    return Boolean(await storage[method]());
  } catch {
    return false;
  }
}
