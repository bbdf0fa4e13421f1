// What the Node benchmarks that time by CPU share (bench/request-pair.mjs,
// sdk-floor-pair.mjs, memory-path.mjs): this process's CPU seconds, the
// median of a list, and a sampling CPU profile written to a file.

/** User + system CPU seconds of this process so far. */
export function cpuSeconds() {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** The median of numbers `xs` (the mean of the middle two for an even count). */
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Starts V8's sampling profiler (50 us) when `file` is given; resolves to
 * stop(), which writes the .cpuprofile there. Without a file, stop() does nothing.
 */
export async function startProfile(file) {
  if (!file) return async () => {};
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    (await import('node:fs')).writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  };
}
