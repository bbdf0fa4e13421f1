// The report generator of `npm run bench` (bench/compare/report.js) on a
// fixed small result: the engine x workload table, ratios to pocketdynamo,
// latest.md and the SVG chart. Needs none of the bench-only packages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  advantage, behind, format, markdown, median, ratio, svgChart, textTable,
} from '../../bench/compare/report.js';

const result = {
  date: '2026-01-02T03:04:05.000Z', n: 10_000, runs: 3, quick: true,
  versions: { pocketdynamo: '0.1.0', dexie: '4.4.7' },
  machine: { cpu: 'Test CPU', cores: 2, loadavg: [1, 0.5, 0.25], node: 'v20.0.0', chromium: 'Chrome/1.0' },
  engines: [
    { id: 'pd-idb', label: 'pocketdynamo (IndexedDB x3)', where: 'Chromium', ref: 'pd-idb' },
    { id: 'dexie', label: 'Dexie', where: 'Chromium', ref: 'pd-idb' },
    { id: 'pd-node', label: 'pocketdynamo (db.send)', where: 'Node', ref: 'pd-node' },
    { id: 'slow', label: 'a|slow <engine>', where: 'Node', ref: 'pd-node' },
  ],
  figures: {
    'pd-idb': { bulk: 20_000, seqP50: 2, reopenMs: 100, gzipKiB: 300 },
    dexie: { bulk: 40_000, seqP50: 4, reopenMs: null, gzipKiB: 30 },
    'pd-node': { bulk: 100_000, readOps: 50_000 },
    slow: { bulk: 10_000, readOps: 5_000 },
  },
  growth: [
    { n: 10_000, readP50: 0.01, rangeP50: 0.1, itemsPerQuery: 100, loadMs: 100 },
    { n: 100_000, readP50: 0.012, rangeP50: 0.11, itemsPerQuery: 100, loadMs: 1100 },
  ],
  notes: ['a note'],
};

test('ratios are figure / the reference pocketdynamo, advantage > 1 where pocketdynamo is better', () => {
  assert.equal(ratio(result, 'dexie', 'bulk'), 2);
  assert.equal(advantage(result, 'dexie', 'bulk'), 0.5);       // Dexie loads twice as fast
  assert.equal(advantage(result, 'dexie', 'seqP50'), 2);       // pocketdynamo's p50 is half
  assert.equal(ratio(result, 'dexie', 'reopenMs'), null);      // not applicable stays n/a
  assert.equal(advantage(result, 'slow', 'readOps'), 10);
  assert.equal(median([3, null, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(median([null]), null);
  assert.deepEqual(behind(result).map((b) => [b.engine, b.metric, b.factor]),
    [['Dexie', 'download (gzip), KiB', 10], ['Dexie', 'bulk load, items/s', 2]]);
  assert.equal(format(null), 'n/a');
  assert.equal(format(12_345.6), '12,346');
  assert.equal(format(0.01234), '0.012');
});

test('the terminal table has one column per engine and ratio cells', () => {
  const text = textTable(result);
  assert.match(text, /Chromium, N = 10,000 +pocketdynamo \(IndexedDB x3\) +Dexie/);
  assert.match(text, /bulk load, items\/s \(higher is better\) +20,000 +40,000 \(2\.00x\)/);
  assert.match(text, /reopen until first read, ms \(lower is better\) +100 +n\/a/);
  assert.match(text, /point reads, ops\/s \(higher is better\) +50,000 +5,000 \(0\.10x\)/);
  assert.match(text, /100,000 items: point read p50 12\.0 us \(1\.20x\), 100-item query p50 110 us \(1\.10x\)/);
  assert.ok(!/readOps/.test(text.split('Node,')[0]), 'metrics nobody in a group measured are left out');
});

test('latest.md carries versions, machine, tables, growth and notes', () => {
  const md = markdown(result, { svgName: 'latest.svg' });
  assert.match(md, /N = 10,000 items/);
  assert.match(md, /Test CPU, 2 cores, load average 1\.00 0\.50 0\.25/);
  assert.match(md, /pocketdynamo 0\.1\.0, dexie 4\.4\.7/);
  assert.match(md, /!\[[^\]]*\]\(latest\.svg\)/);
  assert.match(md, /\| workload \| pocketdynamo \(IndexedDB x3\) \| Dexie \|/);
  assert.match(md, /\| a\\\|slow <engine> \|/);
  assert.match(md, /\| 100,000 \| 12\.0 \| 1\.20x \| 110 \| 1\.10x \| 90,909 \|/);
  assert.match(md, /- a note/);
  assert.match(md, /## Where pocketdynamo is behind\n\n[^\n]*\n\n- download \(gzip\), KiB: Dexie 10\.00x better than pocketdynamo \(IndexedDB x3\)\n- bulk load, items\/s: Dexie 2\.00x better/);
});

test('the SVG chart has one bar per engine and metric, escaped labels', () => {
  const svg = svgChart(result);
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  const bars = svg.match(/<rect [^>]*><title>/g) ?? [];
  // Dexie: bulk, download (reopen n/a); slow: bulk, reads.
  assert.equal(bars.length, 4);
  assert.match(svg, /<title>Dexie: 0\.50x<\/title>/);
  assert.match(svg, /<title>a\|slow &lt;engine&gt;: 10\.0x<\/title>/);
  assert.ok(!svg.includes('NaN'));
});
