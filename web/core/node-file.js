// Reads the wasm file from disk in Node (and Deno/Bun). In a browser this
// module is never asked to read: module.js only calls it where `process`
// says Node. Bundlers that honour package.json "browser" replace this file
// with browser-file.js, so no bundle ever sees the node: import below.

/** The wasm bytes at `location` (a file: URL, URL object or path) when running in Node, else undefined. */
export async function readWasmFile(location) {
  if (typeof process === 'undefined' || !process.versions?.node) return undefined;
  const { readFile } = await import('node:fs/promises');
  const target = location instanceof URL || /^file:/i.test(String(location)) ? new URL(location) : location;
  if (target instanceof URL && target.protocol !== 'file:') {
    throw new Error(`pocketdynamo: cannot read the wasm module from ${target.href} in Node; pass wasmBinary`);
  }
  return new Uint8Array(await readFile(target));
}
