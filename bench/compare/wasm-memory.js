// Counts the WebAssembly memory of a bench page: imported first by every
// page, it wraps WebAssembly.Memory, instantiate(), instantiateStreaming()
// and Instance so that every memory the engine creates or exports is seen.
// wasmMemoryBytes() is the sum of their current sizes.

const memories = new Set();

function track(instance) {
  for (const value of Object.values(instance.exports)) {
    if (value instanceof WebAssembly.Memory) memories.add(value);
  }
}

const { Memory, Instance, instantiate, instantiateStreaming } = WebAssembly;
WebAssembly.Memory = new Proxy(Memory, {
  construct(target, args, newTarget) {
    const memory = Reflect.construct(target, args, newTarget);
    memories.add(memory);
    return memory;
  },
});
WebAssembly.Instance = new Proxy(Instance, {
  construct(target, args, newTarget) {
    const instance = Reflect.construct(target, args, newTarget);
    track(instance);
    return instance;
  },
});
WebAssembly.instantiate = async (...args) => {
  const out = await instantiate.apply(WebAssembly, args);
  track(out instanceof Instance ? out : out.instance);
  return out;
};
if (instantiateStreaming) {
  WebAssembly.instantiateStreaming = async (...args) => {
    const out = await instantiateStreaming.apply(WebAssembly, args);
    track(out.instance);
    return out;
  };
}

export function wasmMemoryBytes() {
  let bytes = 0;
  for (const memory of memories) bytes += memory.buffer.byteLength;
  return bytes;
}
