// The durability marker: a record OUTSIDE IndexedDB that database `name` has
// held data, so that open() can tell "never written" from "the browser threw
// the data away" (recovery.js, DataLossError).
//
// Chromium keeps all of an origin's IndexedDB databases in ONE LevelDB store;
// when that store is found corrupt on open it deletes it whole (all three
// replicas with it) and reports this once, as the non-standard
// event.dataLoss / dataLossMessage of the first open's upgradeneeded
// (idb-store.js). localStorage lives in a separate store, untouched by that
// wipe, so the marker survives it:
//
//   localStorage['pocketdynamo:<name>'] = '{"lsn": <last LSN known>, "at": <ISO time>}'
//
// Written once when the database first becomes durable at LSN >= 1 (before
// the writes of that commit resolve), and again at close (the LSN it reached).
// Chromium writes localStorage to disk a few seconds after setItem (a value set
// 3 s before a SIGKILL was gone after the restart, one set 6 s before was
// there; session 11): a database killed in its first seconds may have no
// marker yet, and then only Chromium's dataLoss report tells a later open of
// a wipe. A marker from an earlier session stays until the new one is written.
// "Clear site data" removes it together with the IndexedDB data, as it should.
// Where there is no localStorage (workers) the marker is a file
// 'pocketdynamo-<name>.marker.json' in the origin private file system
// (navigator.storage.getDirectory(), also outside IndexedDB's store). Where
// neither exists (Node) markerFor() returns null and only Chromium's dataLoss
// report could detect the loss (types/options.d.ts says so).
//
// Every method may return a Promise (OPFS); callers await them.

const PREFIX = 'pocketdynamo:';

function storage() {
  try {
    const ls = globalThis.localStorage;
    return ls && typeof ls.getItem === 'function' ? ls : null;
  } catch {
    return null;   // a sandboxed frame may throw on access
  }
}

/** { read(), write(lsn), clear() } for database `name` (localStorage, else OPFS), or null. */
export function markerFor(name) {
  const ls = storage();
  if (!ls) return opfsMarker(name);
  const key = PREFIX + name;
  return {
    key,
    where: `localStorage "${key}"`,
    /** { lsn, at } or null. */
    read() {
      let text;
      try {
        text = ls.getItem(key);
      } catch {
        return null;
      }
      if (text === null) return null;
      return parse(text);
    },
    /** lsn: the last LSN known (null: unknown, kept after a reported loss). */
    write(lsn) {
      try {
        ls.setItem(key, JSON.stringify({ lsn, at: new Date().toISOString() }));
        return true;
      } catch {
        return false;   // localStorage full or refused: dataLoss detection still works
      }
    },
    clear() {
      try {
        ls.removeItem(key);
      } catch {
        // nothing to do
      }
    },
  };
}

function parse(text) {
  try {
    const value = JSON.parse(text);
    return { lsn: Number.isFinite(value?.lsn) ? value.lsn : null, at: String(value?.at ?? '') };
  } catch {
    return { lsn: null, at: '' };   // present but unreadable: still says data existed
  }
}

// The marker as a file in the origin private file system (workers have no localStorage).
function opfsMarker(name) {
  const getDirectory = globalThis.navigator?.storage?.getDirectory;
  if (typeof getDirectory !== 'function') return null;
  const file = `pocketdynamo-${encodeURIComponent(name)}.marker.json`;
  const directory = () => globalThis.navigator.storage.getDirectory();
  return {
    key: `opfs:${file}`,
    where: `the origin private file system's "${file}"`,
    async read() {
      let handle;
      try {
        handle = await (await directory()).getFileHandle(file);
      } catch {
        return null;   // NotFoundError (no marker), or no OPFS here
      }
      try {
        return parse(await (await handle.getFile()).text());
      } catch {
        return { lsn: null, at: '' };
      }
    },
    async write(lsn) {
      try {
        const handle = await (await directory()).getFileHandle(file, { create: true });
        const text = JSON.stringify({ lsn, at: new Date().toISOString() });
        if (typeof handle.createWritable === 'function') {
          const out = await handle.createWritable();
          await out.write(text);
          await out.close();
        } else {
          const sync = await handle.createSyncAccessHandle();
          try {
            const bytes = new TextEncoder().encode(text);
            sync.truncate(0);
            sync.write(bytes, { at: 0 });
            sync.flush();
          } finally {
            sync.close();
          }
        }
        return true;
      } catch {
        return false;
      }
    },
    async clear() {
      try {
        await (await directory()).removeEntry(file);
      } catch {
        // none
      }
    },
  };
}
