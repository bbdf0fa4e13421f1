// Killed browsers: Chromium is SIGKILLed (its whole process group) at random
// moments while un-awaited PutItems stream in, again and again on the same
// profile. The page reports every write whose promise resolved to the test
// (exposeFunction) before the kill. After each restart: every reported write
// is there with its value, the core's integrity check passes; at the end no
// replica is left broken after repair.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { appPage, freshProfile, servePages, startChromium } from './harness.js';

const KILLS = Number(process.env.PD_CRASH_KILLS || 20);
let server;
let profile;

before(async () => {
  server = await servePages();
  profile = freshProfile();
});

after(async () => {
  await server?.close();
  if (profile) fs.rmSync(profile, { recursive: true, force: true });
});

// A deterministic random sequence, so a failing run can be repeated (PD_CRASH_SEED).
function rng(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    return x / 2 ** 32;
  };
}

test(`no acknowledged write is lost across ${KILLS} SIGKILLs at random moments`, async (t) => {
  const seed = Number(process.env.PD_CRASH_SEED || Date.now() % 100000);
  const random = rng(seed);
  const acked = new Set();
  let outOfStep = 0;   // restarts that found the replicas at different LSNs (a commit cut short)
  let chrome = null;
  try {
    for (let round = 0; round < KILLS; round++) {
      chrome = await startChromium({ profile });
      const page = await appPage(chrome.context, server.url);
      const info = await page.evaluate(() => app.openDb('crash'));
      // Everything acknowledged in earlier rounds is there, with the right value.
      const all = await page.evaluate(() => app.readAll());
      const present = new Set(all.keys);
      const missing = [...acked].filter((k) => !present.has(k));
      assert.deepEqual(missing, [], `round ${round} (seed ${seed}): acknowledged writes lost`);
      assert.deepEqual(all.wrong, [], `round ${round} (seed ${seed}): wrong values`);
      assert.equal(await page.evaluate(() => app.check()), '', `round ${round}: integrity check`);
      assert.equal(info.role, 'owner');
      if (new Set(info.replicas.map((r) => r.lsn)).size > 1) outOfStep++;
      // Stream writes, and kill at a random moment (sometimes right away, while open's repair may run).
      await page.exposeFunction('reportAck', (key) => { acked.add(key); });
      await page.evaluate((prefix) => app.streamWrites(prefix), `r${String(round).padStart(2, '0')}-`);
      const waitMs = random() < 0.15 ? Math.floor(random() * 30) : 300 + Math.floor(random() * 1500);
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      await chrome.kill();
      chrome = null;
    }
    // A clean session at the end: all of it there, and every replica whole after repair.
    chrome = await startChromium({ profile });
    const page = await appPage(chrome.context, server.url);
    await page.evaluate(() => app.openDb('crash'));
    const all = await page.evaluate(() => app.readAll());
    const present = new Set(all.keys);
    assert.deepEqual([...acked].filter((k) => !present.has(k)), [], `seed ${seed}: acknowledged writes lost`);
    assert.deepEqual(all.wrong, []);
    assert.ok(acked.size > KILLS * 10, `only ${acked.size} writes were acknowledged: the test did not write much`);
    const healthy = await page.evaluate(() => app.whenHealthy(30_000));
    assert.ok(healthy.every((r) => r.status === 'healthy' && r.lsn === healthy[0].lsn), JSON.stringify(healthy));
    const scanned = await page.evaluate(() => app.verifyReplicas());
    assert.ok(scanned.every((r) => r.status === 'healthy'), JSON.stringify(scanned));
    const events = await page.evaluate(() => app.replicaEvents());
    assert.ok(!events.some((e) => e.status === 'failed'), `a replica failed: ${JSON.stringify(events)}`);
    assert.equal(await page.evaluate(() => app.check()), '');
    assert.deepEqual(page.errors, []);
    await page.evaluate(() => app.close());
    t.diagnostic(`seed ${seed}: ${acked.size} acknowledged writes; ${outOfStep} of ${KILLS} restarts found ` +
      'the replicas at different LSNs');
  } finally {
    if (chrome) await chrome.close();
  }
});
