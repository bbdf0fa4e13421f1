// Export and import on the Items tab, over the package's db.exportTable and
// db.importTable (README "Export and import"):
//   Export     downloads the selected table as DynamoDB JSON lines,
//              <table>.jsonl (one {"Item": {...}} per line, as DynamoDB's
//              export to S3 writes them);
//   Import…    opens a panel: a file (JSON lines, the JSON of `aws dynamodb
//              scan`, or either gzip-compressed) into the selected table or
//              a new table with the selected table's keys, with a progress
//              bar; a bad line is shown with its number and what was kept.

import { $, formatBytes, h, hideError, showError } from './util.js';

let ctx;

export function initTransfer(context) {
  ctx = context;
  $('#export').addEventListener('click', () => {
    hideError($('#items-error'));
    exportTable().catch((error) => { ctx.status('Export failed'); showError($('#items-error'), error); });
  });
  $('#import-open').addEventListener('click', () => toggleImport(true));
  $('#import-close').addEventListener('click', () => toggleImport(false));
  $('#import').addEventListener('change', () => {
    const file = $('#import').files[0];
    $('#import-file').textContent = file ? `${file.name} (${formatBytes(file.size)})` : 'No file chosen';
    $('#import-run').disabled = !file;
  });
  $('#import-new').addEventListener('input', () => { $('#import-into-new').checked = true; });
  $('#import-box').addEventListener('submit', (e) => {
    e.preventDefault();
    runImport();
  });
  document.addEventListener('tableschanged', () => {
    $('#import-current').textContent = ctx.current() ?? '';
  });
}

function toggleImport(open) {
  $('#import-box').hidden = !open;
  $('#import-open').setAttribute('aria-expanded', String(open));
  if (open) {
    $('#import-current').textContent = ctx.current() ?? '';
    $('#import-box').querySelector('.file-btn input').focus();
  }
}

async function exportTable() {
  const name = ctx.current();
  const t0 = performance.now();
  ctx.status(`Exporting ${name}…`);
  const exp = await ctx.db.exportTable(name);
  const blob = await exp.blob();
  const a = h('a', { href: URL.createObjectURL(blob), download: `${name}.jsonl` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  const ms = Math.round(performance.now() - t0);
  ctx.status(`Exported ${exp.itemCount} ${exp.itemCount === 1 ? 'item' : 'items'} of ${name} (${formatBytes(blob.size)}, ${ms} ms)`);
}

// CreateTable parameters with the keys of table `name` (from the sidebar's DescribeTable).
function keysOf(name) {
  const t = ctx.tables().find((x) => x.name === name);
  return {
    KeySchema: t.keys.map((k) => ({ AttributeName: k.name, KeyType: k.role })),
    AttributeDefinitions: t.keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
  };
}

async function runImport() {
  const file = $('#import').files[0];
  const current = ctx.current();
  if (!file || !current) return;
  const intoNew = $('#import-into-new').checked;
  const target = intoNew ? $('#import-new').value.trim() : current;
  const bar = $('#import-progress');
  const msg = $('#import-msg');
  const err = $('#import-error');
  hideError(err);
  const options = {
    onProgress: ({ items, bytes }) => {
      bar.value = bytes;
      msg.textContent = `Importing into ${target}: ${items} ${items === 1 ? 'item' : 'items'} written, ${formatBytes(bytes)} of ${formatBytes(file.size)} read…`;
    },
  };
  if (intoNew) options.createTable = keysOf(current);
  bar.max = Math.max(file.size, 1);
  bar.value = 0;
  bar.hidden = false;
  $('#import-run').disabled = true;
  msg.textContent = `Importing ${file.name} into ${target}…`;
  const t0 = performance.now();
  try {
    const result = await ctx.db.importTable(target, file, options);
    const ms = Math.round(performance.now() - t0);
    msg.textContent = `Imported ${result.items} ${result.items === 1 ? 'item' : 'items'} into ${target} ` +
        `(${result.batches} ${result.batches === 1 ? 'batch' : 'batches'}, ${formatBytes(result.bytes)}, ${ms} ms).`;
    ctx.status(`Imported ${result.items} items into ${target}`);
    if (intoNew) $('#import-new').value = '';
    await ctx.select(target);
  } catch (error) {
    msg.textContent = '';
    showError(err, error);
    await ctx.refresh();
  } finally {
    bar.hidden = true;
    $('#import-run').disabled = !$('#import').files[0];
  }
}
