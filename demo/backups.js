// The Backups tab: DynamoDB's on-demand backups, kept inside the database:
// create one of a table (CreateBackup), list them (ListBackups), see one
// (DescribeBackup), restore one to a new table (RestoreTableFromBackup) and
// delete one (DeleteBackup). Errors are shown as the core gives them. If the
// core does not answer these operations, the tab says so and offers nothing.

import { $, formatBytes, h, hideError, showError } from './util.js';

let ctx;
let backups = [];       // BackupSummaries, as ListBackups gives them
let restoring = null;   // BackupArn whose restore form is open

export function initBackups(context) {
  ctx = context;
  const panel = $('#tab-backups');
  panel.append(
    h('p', { className: 'muted' }, 'A backup is a consistent copy of one table, taken at once and kept inside this database '
      + '(CreateBackup); restoring makes a new table from it (RestoreTableFromBackup). Backups share the replicas with the '
      + 'tables: they undo mistakes, but only an exported file (Items tab, Export) survives the browser clearing this site\'s storage.'),
    h('form', { id: 'b-create', className: 'box bar' },
      h('label', {}, 'Table ', h('select', { id: 'b-table' })),
      h('label', {}, 'Backup name ', h('input', { id: 'b-name', autocomplete: 'off', placeholder: 'name' })),
      h('button', { type: 'submit', className: 'primary', id: 'b-create-run' }, 'Create backup')),
    h('p', { id: 'b-error', className: 'error', role: 'alert', hidden: true }),
    h('p', { id: 'b-msg', className: 'muted', role: 'status' }),
    h('div', { className: 'grid-wrap' }, h('table', { id: 'b-list', className: 'grid backups' })),
    h('div', { id: 'b-details', hidden: true },
      h('div', { className: 'bar' }, h('strong', { id: 'b-details-title' }), h('span', { className: 'spacer' }),
        h('button', { type: 'button', id: 'b-details-close', onclick: () => { $('#b-details').hidden = true; } }, 'Close')),
      h('pre', { id: 'b-details-json' })));
  $('#b-create').addEventListener('submit', (e) => { e.preventDefault(); createBackup(); });
  $('#b-table').addEventListener('change', suggestName);
  document.addEventListener('tableschanged', fillTables);
  document.addEventListener('tabshown', (e) => { if (e.detail === 'backups') refresh(); });
  fillTables();
}

function fillTables() {
  const select = $('#b-table');
  const chosen = select.value || ctx.current();
  const names = ctx.tables().map((t) => t.name);
  select.replaceChildren(...names.map((n) => h('option', { value: n }, n)));
  if (names.includes(chosen)) select.value = chosen;
  $('#b-create-run').disabled = names.length === 0 || select.dataset.unavailable === 'true';
  suggestName();
}

function suggestName() {
  const table = $('#b-table').value;
  if (!table) return;
  const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  $('#b-name').value = `${table}-${stamp}`;
}

async function listAll() {
  const all = [];
  let start;
  do {
    const out = await ctx.db.send('ListBackups', start ? { ExclusiveStartBackupArn: start } : {});
    all.push(...out.BackupSummaries);
    start = out.LastEvaluatedBackupArn;
  } while (start);
  return all;
}

async function refresh() {
  try {
    backups = await listAll();
  } catch (error) {
    if (error.name === 'UnknownOperationException') return unavailable(error);
    showError($('#b-error'), error);
    return;
  }
  render();
}

function unavailable(error) {
  $('#b-table').dataset.unavailable = 'true';
  $('#b-create-run').disabled = true;
  showError($('#b-error'), { name: 'Backups are not available in this build', message: `the core does not answer ListBackups (${error.name}: ${error.message})` });
}

const when = (seconds) => (typeof seconds === 'number' ? new Date(seconds * 1000).toLocaleString() : '');

function render() {
  const list = $('#b-list');
  if (!backups.length) {
    list.replaceChildren(h('tbody', {}, h('tr', {}, h('td', { className: 'muted' }, 'No backups yet.'))));
    return;
  }
  const rows = [];
  for (const b of backups) {
    rows.push(h('tr', { 'data-backup': b.BackupName },
      h('td', { className: 'key' }, b.BackupName),
      h('td', {}, b.TableName),
      h('td', {}, when(b.BackupCreationDateTime)),
      h('td', {}, typeof b.BackupSizeBytes === 'number' ? formatBytes(b.BackupSizeBytes) : ''),
      h('td', {}, h('span', { className: `badge${b.BackupStatus === 'AVAILABLE' ? '' : ' stale'}` }, b.BackupStatus)),
      h('td', {}, h('div', { className: 'bar' },
        h('button', { type: 'button', onclick: () => { restoring = restoring === b.BackupArn ? null : b.BackupArn; render(); } }, 'Restore…'),
        h('button', { type: 'button', onclick: () => describe(b) }, 'Details'),
        h('button', { type: 'button', className: 'danger', onclick: () => remove(b) }, 'Delete')))));
    if (restoring === b.BackupArn) rows.push(restoreRow(b));
  }
  list.replaceChildren(
    h('thead', {}, h('tr', {}, ['Backup', 'Table', 'Created', 'Size', 'Status', ''].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, rows));
  list.querySelector('.restore-row input')?.focus();
}

function restoreRow(b) {
  const input = h('input', { 'aria-label': 'New table name', value: `${b.TableName}-restored`, autocomplete: 'off' });
  const form = h('form', { className: 'bar' }, 'Restore to a new table ', input,
    h('button', { type: 'submit', className: 'primary' }, 'Restore'),
    h('button', { type: 'button', onclick: () => { restoring = null; render(); } }, 'Cancel'));
  form.addEventListener('submit', (e) => { e.preventDefault(); restore(b, input.value.trim()); });
  return h('tr', { className: 'restore-row' }, h('td', { colspan: '6' }, form));
}

async function createBackup() {
  const table = $('#b-table').value;
  const name = $('#b-name').value.trim();
  hideError($('#b-error'));
  try {
    const { BackupDetails } = await ctx.db.send('CreateBackup', { TableName: table, BackupName: name });
    $('#b-msg').textContent = `Backup ${BackupDetails.BackupName} of ${table} created (${BackupDetails.BackupStatus}, ${formatBytes(BackupDetails.BackupSizeBytes ?? 0)}).`;
    ctx.status(`Created backup ${BackupDetails.BackupName}`);
    suggestName();
  } catch (error) {
    showError($('#b-error'), error);
  }
  await refresh();
}

async function restore(b, target) {
  hideError($('#b-error'));
  try {
    const { TableDescription } = await ctx.db.send('RestoreTableFromBackup', { BackupArn: b.BackupArn, TargetTableName: target });
    restoring = null;
    $('#b-msg').textContent = `Restored ${b.BackupName} to the new table ${TableDescription.TableName} (${TableDescription.ItemCount} items).`;
    ctx.status(`Restored ${b.BackupName} to ${TableDescription.TableName}`);
    await ctx.select(TableDescription.TableName);
  } catch (error) {
    showError($('#b-error'), error);
  }
  await refresh();
}

async function describe(b) {
  hideError($('#b-error'));
  try {
    const out = await ctx.db.send('DescribeBackup', { BackupArn: b.BackupArn });
    $('#b-details-title').textContent = `DescribeBackup: ${b.BackupName}`;
    $('#b-details-json').textContent = JSON.stringify(out, null, 2);
    $('#b-details').hidden = false;
  } catch (error) {
    showError($('#b-error'), error);
  }
}

async function remove(b) {
  if (!confirm(`Delete backup "${b.BackupName}"?`)) return;
  hideError($('#b-error'));
  try {
    await ctx.db.send('DeleteBackup', { BackupArn: b.BackupArn });
    $('#b-msg').textContent = `Deleted backup ${b.BackupName}.`;
    if (restoring === b.BackupArn) restoring = null;
    $('#b-details').hidden = true;
  } catch (error) {
    showError($('#b-error'), error);
  }
  await refresh();
}
