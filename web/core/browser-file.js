// The browser stand-in for node-file.js (package.json "browser" maps one to
// the other): browsers fetch the wasm by URL, so there is no file to read.

/** Always undefined: the caller fetches by URL instead. */
export async function readWasmFile() {
  return undefined;
}
