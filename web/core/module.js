// Loads the WebAssembly core (dist/core/pocketdynamo-core.wasm + its
// Emscripten glue) once per set of options and hands out the Module.
//
// Where the wasm comes from, first that applies:
//   1. options.wasmBinary: the bytes (ArrayBuffer / Uint8Array), e.g. read by the app;
//   2. options.wasmUrl: fetched (browser) or read from disk (Node; a path or file: URL);
//   3. 'pocketdynamo-core.wasm' next to this file: new URL(..., import.meta.url).
//      Served as plain files, that is dist/core/ of the package. In an app
//      bundled by esbuild (or any bundler that keeps import.meta.url),
//      import.meta.url is the bundle's URL: copy dist/core/pocketdynamo-core.wasm
//      next to the bundle, or pass wasmUrl.
// In Node the file is read from disk and passed to the glue as wasmBinary
// (Emscripten 3.1.6's own Node path breaks on Node 20, so the glue is built
// for web and worker only).
//
// REQUIRES: nothing else in the package imports the glue; core/engine.js is
// the only user of the Module this returns.

import createPocketDynamoCore from './pocketdynamo-core.js';
import { readWasmFile } from './node-file.js';

const WASM_FILE = 'pocketdynamo-core.wasm';
let defaultModule = null;  // Promise<Module> for the default location

/** Promise of an instantiated Module. Rejects if the wasm cannot be loaded. */
export function loadModule(options = {}) {
  if (options.wasmBinary === undefined && options.wasmUrl === undefined) {
    defaultModule ??= instantiate({}).catch((error) => {
      defaultModule = null;  // let a later open() try again
      throw error;
    });
    return defaultModule;
  }
  return instantiate(options);
}

async function instantiate({ wasmBinary, wasmUrl }) {
  const location = wasmUrl ?? new URL(WASM_FILE, import.meta.url);
  const binary = wasmBinary ?? await readWasmFile(location);
  const moduleArgs = {
    print: () => {},
    printErr: () => {},
  };
  if (binary !== undefined) {
    moduleArgs.wasmBinary = binary instanceof Uint8Array ? binary : new Uint8Array(binary);
  } else {
    moduleArgs.locateFile = (path, prefix) => (path.endsWith('.wasm') ? String(location) : prefix + path);
  }
  try {
    return await createPocketDynamoCore(moduleArgs);
  } catch (error) {
    throw new Error(`pocketdynamo: could not load the wasm core from ${String(location)}: ` +
        `${error?.message ?? error}`, { cause: error });
  }
}
