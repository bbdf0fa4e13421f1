// The report of `npm run bench` (bench/compare.mjs), from the measured
// result only: the terminal table, bench/results/latest.md and the SVG chart
// of pocketdynamo's main ratios. No I/O here (tests/js/bench-report.test.js
// runs it on a fixed input).
//
// result = {
//   date, n, runs, quick, versions: { name: version }, machine: { cpu, cores, loadavg, node, chromium },
//   engines: [{ id, label, where: 'Chromium' | 'Node', ref: id of the pocketdynamo it is compared with }],
//   figures: { engineId: { metricId: median or null (not applicable), ... } },
//   growth: [{ n, readP50, rangeP50, ... }], notes: [text],
// }
// Ratios are figure / the reference pocketdynamo's figure for the same metric.

export const METRICS = [
  { id: 'bulk', label: 'bulk load, items/s', better: 'higher' },
  { id: 'seqOps', label: 'awaited writes, ops/s', better: 'higher' },
  { id: 'seqP50', label: 'awaited write p50, ms', better: 'lower' },
  { id: 'seqP99', label: 'awaited write p99, ms', better: 'lower' },
  { id: 'unawaitedOps', label: 'un-awaited writes, ops/s', better: 'higher' },
  { id: 'readOps', label: 'point reads, ops/s', better: 'higher' },
  { id: 'readP50', label: 'point read p50, ms', better: 'lower' },
  { id: 'readP99', label: 'point read p99, ms', better: 'lower' },
  { id: 'rangeOps', label: 'range queries, ops/s', better: 'higher' },
  { id: 'rangeP50', label: 'range query p50, ms', better: 'lower' },
  { id: 'rangeP99', label: 'range query p99, ms', better: 'lower' },
  { id: 'reopenMs', label: 'reopen until first read, ms', better: 'lower' },
  { id: 'wasmMiB', label: 'wasm memory, MiB', better: 'lower' },
  { id: 'jsHeapMiB', label: 'JS heap, MiB', better: 'lower' },
  { id: 'storageMiB', label: 'storage estimate, MiB', better: 'lower' },
  { id: 'gzipKiB', label: 'download (gzip), KiB', better: 'lower' },
];

/** The metrics of the chart: pocketdynamo's advantage over each engine. */
export const CHART_METRICS = ['bulk', 'seqOps', 'unawaitedOps', 'readOps', 'rangeOps', 'reopenMs', 'gzipKiB'];

export function format(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

export function ratio(result, engineId, metricId) {
  const engine = result.engines.find((e) => e.id === engineId);
  const value = result.figures[engineId]?.[metricId];
  const reference = result.figures[engine.ref]?.[metricId];
  if (value === null || value === undefined || !reference) return null;
  return value / reference;
}

/** How many times better pocketdynamo is than engineId on metricId (> 1: pocketdynamo ahead). */
export function advantage(result, engineId, metricId) {
  const r = ratio(result, engineId, metricId);
  if (r === null || r === 0) return null;
  const metric = METRICS.find((m) => m.id === metricId);
  return metric.better === 'higher' ? 1 / r : r;
}

function cell(result, engineId, metricId) {
  const value = result.figures[engineId]?.[metricId];
  if (value === null || value === undefined) return 'n/a';
  const engine = result.engines.find((e) => e.id === engineId);
  if (engine.ref === engineId) return format(value);
  const r = ratio(result, engineId, metricId);
  return r === null ? format(value) : `${format(value)} (${r.toFixed(2)}x)`;
}

function groups(result) {
  const out = [];
  for (const where of ['Chromium', 'Node']) {
    const engines = result.engines.filter((e) => e.where === where);
    if (engines.length > 0) out.push({ where, engines });
  }
  return out;
}

function rowsOf(result, engines) {
  return METRICS.filter((m) => engines.some((e) => result.figures[e.id]?.[m.id] != null))
    .map((m) => [`${m.label} (${m.better} is better)`, ...engines.map((e) => cell(result, e.id, m.id))]);
}

/** The engine x workload tables as plain text for the terminal. */
export function textTable(result) {
  const lines = [];
  for (const { where, engines } of groups(result)) {
    const header = [`${where}, N = ${result.n.toLocaleString('en')}`, ...engines.map((e) => e.label)];
    const rows = [header, ...rowsOf(result, engines)];
    const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    for (const [k, row] of rows.entries()) {
      lines.push(row.map((text, c) => (c === 0 ? text.padEnd(widths[c]) : text.padStart(widths[c]))).join('  '));
      if (k === 0) lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
    }
    lines.push('');
  }
  if (result.growth?.length) lines.push(...growthLines(result), '');
  lines.push('(ratio) = figure / pocketdynamo\'s figure in the same group: ' +
    result.engines.filter((e) => e.ref !== e.id).map((e) => `${e.label} vs ${labelOf(result, e.ref)}`).join('; '));
  return lines.join('\n');
}

function labelOf(result, id) {
  return result.engines.find((e) => e.id === id)?.label ?? id;
}

function growthLines(result) {
  const first = result.growth[0];
  const lines = ['pocketdynamo growth (Node, memory storage; partitions of 1,000 items):'];
  for (const g of result.growth) {
    lines.push(`  ${g.n.toLocaleString('en').padStart(10)} items: point read p50 ${format(g.readP50 * 1000)} us ` +
      `(${(g.readP50 / first.readP50).toFixed(2)}x), ${g.itemsPerQuery}-item query p50 ${format(g.rangeP50 * 1000)} us ` +
      `(${(g.rangeP50 / first.rangeP50).toFixed(2)}x)`);
  }
  return lines;
}

/**
 * Where another engine beats pocketdynamo by more than `threshold` (default
 * 10 %): [{ engine, metric, factor }] sorted by factor, largest first.
 */
export function behind(result, threshold = 1.1) {
  const out = [];
  for (const engine of result.engines.filter((e) => e.ref !== e.id)) {
    for (const metric of METRICS) {
      const a = advantage(result, engine.id, metric.id);
      if (a !== null && a > 0 && 1 / a > threshold) {
        out.push({ engine: engine.label, ref: labelOf(result, engine.ref), metric: metric.label, factor: 1 / a });
      }
    }
  }
  return out.sort((x, y) => y.factor - x.factor);
}

function mdEscape(text) {
  return String(text).replace(/\|/g, '\\|');
}

/** bench/results/latest.md */
export function markdown(result, { svgName = 'latest.svg' } = {}) {
  const m = result.machine;
  const out = [
    '# pocketdynamo beside its alternatives',
    '',
    `Generated by \`npm run bench${result.quick ? ' -- --quick' : ''}\` (bench/compare.mjs) on ${result.date}. ` +
      `N = ${result.n.toLocaleString('en')} items of about 250 bytes; every figure is the median of ` +
      `${result.runs} run${result.runs === 1 ? '' : 's'}; (ratio) = the figure divided by pocketdynamo's in the same group.`,
    '',
    `Machine: ${m.cpu}, ${m.cores} cores, load average ${m.loadavg.map((x) => x.toFixed(2)).join(' ')} at the start ` +
      `(a shared machine: compare ratios within this run, not absolute figures across runs); Node ${m.node}; ${m.chromium}.`,
    '',
    `Versions: ${Object.entries(result.versions).map(([k, v]) => `${k} ${v}`).join(', ')}.`,
    '',
    `![pocketdynamo's advantage per workload](${svgName})`,
    '',
  ];
  for (const { where, engines } of groups(result)) {
    out.push(`## ${where}`, '');
    out.push(`| workload | ${engines.map((e) => mdEscape(e.label)).join(' | ')} |`);
    out.push(`| --- | ${engines.map(() => '---:').join(' | ')} |`);
    for (const row of rowsOf(result, engines)) out.push(`| ${row.map(mdEscape).join(' | ')} |`);
    out.push('');
  }
  if (result.growth?.length) {
    const g0 = result.growth[0];
    out.push('## Growth', '', 'pocketdynamo in Node, memory storage, keys in partitions of 1,000 items so that every ' +
      `query returns 100 items; p50 of ${(g0.reads ?? 10_000).toLocaleString('en')} random point reads and of ` +
      `${(g0.queries ?? 1000).toLocaleString('en')} queries (median of ${g0.rounds ?? 3} rounds on one load).`, '');
    out.push('| items | point read p50, us | vs first | 100-item query p50, us | vs first | load, items/s |');
    out.push('| ---: | ---: | ---: | ---: | ---: | ---: |');
    const first = result.growth[0];
    for (const g of result.growth) {
      out.push(`| ${g.n.toLocaleString('en')} | ${format(g.readP50 * 1000)} | ${(g.readP50 / first.readP50).toFixed(2)}x | ` +
        `${format(g.rangeP50 * 1000)} | ${(g.rangeP50 / first.rangeP50).toFixed(2)}x | ${format(g.n / (g.loadMs / 1000))} |`);
    }
    out.push('');
  }
  const lagging = behind(result);
  if (lagging.length) {
    out.push('## Where pocketdynamo is behind', '', 'Every figure where another engine is more than 10 % better ' +
      'than the pocketdynamo it is compared with:', '');
    for (const b of lagging) {
      out.push(`- ${mdEscape(b.metric)}: ${mdEscape(b.engine)} ${b.factor.toFixed(2)}x better than ${mdEscape(b.ref)}`);
    }
    out.push('');
  }
  if (result.notes?.length) {
    out.push('## Notes', '', ...result.notes.map((n) => `- ${n}`), '');
  }
  return out.join('\n');
}

function factor(a) {
  return a >= 10 ? a.toFixed(1) : a >= 0.1 ? a.toFixed(2) : a.toPrecision(2);
}

function escapeXml(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#b07aa1', '#9c755f', '#edc948'];

/**
 * The chart: for each workload, one bar per other engine showing
 * pocketdynamo's advantage over it on a log scale centred on 1x (right:
 * pocketdynamo better, left: the other engine better).
 */
export function svgChart(result) {
  const others = result.engines.filter((e) => e.ref !== e.id);
  const metrics = CHART_METRICS.filter((id) => others.some((e) => advantage(result, e.id, id) !== null));
  const rowH = 14;
  const groupGap = 12;
  const left = 230;
  const plotW = 440;
  const top = 56;
  const legendH = Math.ceil(others.length / 2) * 18 + 10;
  const bars = metrics.map((id) => others.filter((e) => advantage(result, e.id, id) !== null));
  const height = top + bars.reduce((s, b) => s + b.length * rowH + groupGap, 0) + 30 + legendH;
  const width = left + plotW + 90;
  const maxLog = Math.max(1, ...metrics.flatMap((id, k) => bars[k].map((e) => Math.abs(Math.log10(advantage(result, e.id, id))))));
  const span = Math.ceil(maxLog);
  const x = (v) => left + plotW / 2 + (Math.log10(v) / span) * (plotW / 2);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      'font-family="sans-serif" font-size="11">',
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="18" text-anchor="middle" font-size="14" font-weight="bold">` +
      `pocketdynamo's advantage (N = ${result.n.toLocaleString('en')}, medians of ${result.runs})</text>`,
    `<text x="${width / 2}" y="34" text-anchor="middle" fill="#555">right of 1x: pocketdynamo better by that factor; ` +
      'left: the other engine better (log scale)</text>',
  ];
  const plotBottom = height - 30 - legendH;
  for (let p = -span; p <= span; p++) {
    const v = 10 ** p;
    const gx = x(v);
    out.push(`<line x1="${gx}" y1="${top - 6}" x2="${gx}" y2="${plotBottom}" stroke="${p === 0 ? '#000' : '#ddd'}"/>`);
    out.push(`<text x="${gx}" y="${plotBottom + 14}" text-anchor="middle" fill="#555">${v >= 1 ? v : `1/${1 / v}`}x</text>`);
  }
  let y = top;
  for (const [k, id] of metrics.entries()) {
    const metric = METRICS.find((m) => m.id === id);
    const groupH = bars[k].length * rowH;
    out.push(`<text x="${left - 8}" y="${y + groupH / 2 + 4}" text-anchor="end">${escapeXml(metric.label)}</text>`);
    for (const e of bars[k]) {
      const a = advantage(result, e.id, id);
      const x0 = x(1);
      const x1 = x(Math.min(10 ** span, Math.max(10 ** -span, a)));
      const color = COLORS[others.indexOf(e) % COLORS.length];
      out.push(`<rect x="${Math.min(x0, x1).toFixed(1)}" y="${y + 1}" width="${Math.abs(x1 - x0).toFixed(1)}" ` +
        `height="${rowH - 2}" fill="${color}"><title>${escapeXml(`${e.label}: ${factor(a)}x`)}</title></rect>`);
      out.push(`<text x="${(a >= 1 ? Math.max(x0, x1) + 3 : Math.min(x0, x1) - 3).toFixed(1)}" y="${y + rowH - 3}" ` +
        `text-anchor="${a >= 1 ? 'start' : 'end'}" font-size="9" fill="#333">${factor(a)}x</text>`);
      y += rowH;
    }
    y += groupGap;
  }
  const legendTop = plotBottom + 28;
  for (const [k, e] of others.entries()) {
    const lx = 20 + (k % 2) * (width / 2);
    const ly = legendTop + Math.floor(k / 2) * 18;
    out.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${COLORS[k % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 18}" y="${ly + 10}">${escapeXml(`${e.label} (vs ${labelOf(result, e.ref)})`)}</text>`);
  }
  out.push('</svg>', '');
  return out.join('\n');
}

/** The median of the numbers in xs (null entries are dropped; null if none). */
export function median(xs) {
  const v = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}
