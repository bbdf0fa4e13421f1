// The playground's entry: opens the database (IndexedDB, three replicas),
// the tables sidebar (list, create, delete), the Items tab (grid with
// paging, item editor) and the tab switcher. Export/import (on the Items
// tab) live in transfer.js; the Query, Console, Replicas and Backups tabs in
// query.js, console.js, replicas.js and backups.js.
//
// window.playground exposes { db, ready } for tests and the curious.

import { open } from './pkg/dist/index.js';
import { $, h, cellText, formatBytes, itemToPlain, itemFromPlain, showError, hideError } from './util.js';
import { loadSample } from './samples/shop.js';
import { initQuery } from './query.js';
import { initConsole } from './console.js';
import { initReplicas } from './replicas.js';
import { initTransfer } from './transfer.js';
import { initBackups } from './backups.js';

const state = {
  db: null,
  tables: [],        // [{ name, keys: [{ name, type, role }], count, bytes }]
  current: null,     // selected table name
  pageKeys: [],      // ExclusiveStartKey of each page shown so far (undefined for the first)
  lastKey: null,     // LastEvaluatedKey of the page shown
  items: [],         // items of the page shown
  editing: null,     // { key } of the item in the editor, null for a new item
};

const status = (text) => { $('#status').textContent = text; };

async function main() {
  const t0 = performance.now();
  state.db = await open('playground');
  status(`Ready in ${Math.round(performance.now() - t0)} ms · ${state.db.persistent ? 'stored in IndexedDB (3 replicas)' : 'in memory only'}`);
  const ctx = { db: state.db, tables: () => state.tables, current: () => state.current, refresh: refreshTables, select: selectTable, status };
  initTabs();
  initCreate();
  initItems();
  initQuery(ctx);
  initConsole(ctx);
  initReplicas(ctx);
  initTransfer(ctx);
  initBackups(ctx);
  $('#refresh').addEventListener('click', refreshTables);
  $('#sample').addEventListener('click', onSample);
  await refreshTables();
  window.playground = { db: state.db, ready: true };
  document.body.dataset.ready = 'true';
}

function initTabs() {
  const tabs = [...document.querySelectorAll('[role=tab]')];
  for (const tab of tabs) {
    tab.addEventListener('click', () => selectTab(tab.dataset.tab));
    tab.addEventListener('keydown', (e) => {
      const i = tabs.indexOf(tab);
      const next = e.key === 'ArrowRight' ? tabs[(i + 1) % tabs.length] : e.key === 'ArrowLeft' ? tabs[(i + tabs.length - 1) % tabs.length] : null;
      if (next) { next.focus(); selectTab(next.dataset.tab); }
    });
  }
}

function selectTab(name) {
  for (const tab of document.querySelectorAll('[role=tab]')) tab.setAttribute('aria-selected', String(tab.dataset.tab === name));
  for (const panel of document.querySelectorAll('.tab')) panel.hidden = panel.id !== `tab-${name}`;
  document.dispatchEvent(new CustomEvent('tabshown', { detail: name }));
}

// ---- Sidebar ----

async function refreshTables() {
  const names = [];
  let start;
  do {
    const out = await state.db.send('ListTables', start ? { ExclusiveStartTableName: start } : {});
    names.push(...out.TableNames);
    start = out.LastEvaluatedTableName;
  } while (start);
  state.tables = await Promise.all(names.map(async (name) => {
    const { Table: t } = await state.db.send('DescribeTable', { TableName: name });
    const types = Object.fromEntries(t.AttributeDefinitions.map((a) => [a.AttributeName, a.AttributeType]));
    return {
      name,
      keys: t.KeySchema.map((k) => ({ name: k.AttributeName, type: types[k.AttributeName], role: k.KeyType })),
      count: t.ItemCount,
      bytes: t.TableSizeBytes,
    };
  }));
  if (state.current && !names.includes(state.current)) state.current = null;
  if (!state.current && names.length) state.current = names[0];
  renderTables();
  document.dispatchEvent(new CustomEvent('tableschanged'));
  await showPage(state.pageKeys.length ? state.pageKeys[state.pageKeys.length - 1] : undefined, true);
}

function renderTables() {
  const list = $('#tables');
  if (!state.tables.length) {
    list.replaceChildren(h('li', { className: 'muted' }, 'No tables yet. Create one, or load the sample data.'));
  } else {
    list.replaceChildren(...state.tables.map((t) => h('li', {},
      h('button', {
        type: 'button', 'aria-current': String(t.name === state.current), 'data-table': t.name,
        onclick: () => { state.current = t.name; state.pageKeys = []; renderTables(); showPage(undefined, false); document.dispatchEvent(new CustomEvent('tableschanged')); },
      }, h('span', {}, t.name), h('span', { className: 'meta' }, `${t.count} ${t.count === 1 ? 'item' : 'items'} · ${formatBytes(t.bytes)}`)))));
  }
  const has = Boolean(state.current);
  for (const id of ['#new-item', '#export', '#import-open', '#delete-table']) $(id).disabled = !has;
}

/** Shows table `name` (after refreshing the sidebar, so a new table is listed). */
async function selectTable(name) {
  state.current = name;
  state.pageKeys = [];
  await refreshTables();
}

function initCreate() {
  const form = $('#create-form');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(form);
    const name = f.get('name');
    const attrs = [{ AttributeName: f.get('pk'), AttributeType: f.get('pkType') }];
    const keys = [{ AttributeName: f.get('pk'), KeyType: 'HASH' }];
    if (f.get('sk')) {
      attrs.push({ AttributeName: f.get('sk'), AttributeType: f.get('skType') });
      keys.push({ AttributeName: f.get('sk'), KeyType: 'RANGE' });
    }
    const err = $('#create-error');
    try {
      await state.db.send('CreateTable', { TableName: name, AttributeDefinitions: attrs, KeySchema: keys, BillingMode: 'PAY_PER_REQUEST' });
      hideError(err);
      form.reset();
      state.current = name;
      state.pageKeys = [];
      status(`Created table ${name}`);
      await refreshTables();
    } catch (error) {
      showError(err, error);
    }
  });
}

// ---- Items tab ----

function tableInfo() { return state.tables.find((t) => t.name === state.current); }

function initItems() {
  $('#next-page').addEventListener('click', () => { state.pageKeys.push(state.lastKey); showPage(state.lastKey, false); });
  $('#first-page').addEventListener('click', () => { state.pageKeys = []; showPage(undefined, false); });
  $('#page-size').addEventListener('change', () => { state.pageKeys = []; showPage(undefined, false); });
  $('#new-item').addEventListener('click', () => openEditor(null));
  $('#close-editor').addEventListener('click', closeEditor);
  $('#save-item').addEventListener('click', saveItem);
  $('#delete-item').addEventListener('click', deleteItem);
  $('#ddb-json').addEventListener('change', toggleJsonMode);
  $('#editor-text').addEventListener('keydown', (e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); saveItem(); } });
  $('#delete-table').addEventListener('click', deleteTable);
}

async function showPage(startKey, keepEditor) {
  const grid = $('#grid');
  const t = tableInfo();
  if (!keepEditor) closeEditor();
  if (!t) {
    $('#items-title').textContent = 'No table selected';
    grid.replaceChildren();
    $('#items-msg').textContent = '';
    $('#next-page').disabled = $('#first-page').disabled = true;
    return;
  }
  $('#items-title').textContent = t.name;
  $('#items-msg').textContent = 'Loading…';
  const input = { TableName: t.name, Limit: Number($('#page-size').value) };
  if (startKey) input.ExclusiveStartKey = startKey;
  const out = await state.db.send('Scan', input);
  state.items = out.Items;
  state.lastKey = out.LastEvaluatedKey ?? null;
  const keyNames = t.keys.map((k) => k.name);
  const cols = [...keyNames];
  for (const item of out.Items) for (const k of Object.keys(item)) if (!cols.includes(k)) cols.push(k);
  grid.replaceChildren(
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col', className: keyNames.includes(c) ? 'key' : null }, c)))),
    h('tbody', {}, out.Items.map((item, i) => h('tr', {
      tabindex: '0', 'data-row': String(i),
      onclick: () => openEditor(item),
      onkeydown: (e) => { if (e.key === 'Enter') openEditor(item); },
    }, cols.map((c) => { const text = cellText(item[c]); return h('td', { title: text.length > 40 ? text : null }, text.length > 120 ? `${text.slice(0, 117)}…` : text); })))));
  const pageNo = state.pageKeys.length + 1;
  $('#items-msg').textContent = out.Items.length
    ? `Page ${pageNo}: ${out.Items.length} ${out.Items.length === 1 ? 'item' : 'items'}${state.lastKey ? ' (more on the next page)' : ''}. Click a row (or press Enter on it) to edit.`
    : (pageNo > 1 ? 'No more items.' : 'This table is empty. Add an item with "New item".');
  $('#next-page').disabled = !state.lastKey;
  $('#first-page').disabled = pageNo === 1;
}

function keyOf(item) {
  return Object.fromEntries(tableInfo().keys.map((k) => [k.name, item[k.name]]));
}

function openEditor(item) {
  state.editing = item ? { key: keyOf(item) } : null;
  const t = tableInfo();
  const template = item ?? Object.fromEntries(t.keys.map((k) => [k.name, k.type === 'N' ? { N: '1' } : k.type === 'B' ? { B: 'AA==' } : { S: '' }]));
  $('#editor').hidden = false;
  $('#editor-title').textContent = item ? `Edit item in ${t.name}` : `New item in ${t.name}`;
  $('#delete-item').hidden = !item;
  setEditorItem(template);
  hideError($('#editor-error'));
  $('#editor-text').focus();
}

function setEditorItem(item) {
  const ddb = $('#ddb-json').checked;
  $('#editor-text').value = JSON.stringify(ddb ? item : itemToPlain(item), null, 2);
}

function readEditorItem(ddb = $('#ddb-json').checked) {
  const obj = JSON.parse($('#editor-text').value);
  return ddb ? obj : itemFromPlain(obj);
}

function toggleJsonMode() {
  const box = $('#ddb-json');
  try {
    const item = readEditorItem(!box.checked);
    setEditorItem(item);
    hideError($('#editor-error'));
  } catch (error) {
    box.checked = !box.checked;
    showError($('#editor-error'), { name: 'Invalid JSON', message: error.message });
  }
}

function closeEditor() { $('#editor').hidden = true; state.editing = null; }

async function saveItem() {
  const err = $('#editor-error');
  let item;
  try {
    item = readEditorItem();
  } catch (error) {
    return showError(err, { name: 'Invalid JSON', message: error.message });
  }
  try {
    const t = tableInfo();
    if (state.editing && JSON.stringify(keyOf(item)) !== JSON.stringify(state.editing.key)) {
      // The key was edited: a rename, put and delete in one transaction.
      await state.db.send('TransactWriteItems', { TransactItems: [
        { Put: { TableName: t.name, Item: item } },
        { Delete: { TableName: t.name, Key: state.editing.key } }] });
    } else {
      await state.db.send('PutItem', { TableName: t.name, Item: item });
    }
    hideError(err);
    status(`Saved item in ${t.name}`);
    closeEditor();
    await refreshTables();
  } catch (error) {
    showError(err, error);
  }
}

async function deleteItem() {
  if (!state.editing) return;
  if (!confirm('Delete this item?')) return;
  try {
    await state.db.send('DeleteItem', { TableName: state.current, Key: state.editing.key });
    closeEditor();
    status('Item deleted');
    await refreshTables();
  } catch (error) {
    showError($('#editor-error'), error);
  }
}

async function deleteTable() {
  const name = state.current;
  if (!name || !confirm(`Delete table "${name}" and all its items?`)) return;
  await state.db.send('DeleteTable', { TableName: name });
  state.current = null;
  state.pageKeys = [];
  status(`Deleted table ${name}`);
  await refreshTables();
}

async function onSample() {
  const button = $('#sample');
  const bar = $('#sample-progress');
  const note = $('#sample-status');
  button.disabled = true;
  bar.hidden = false;
  try {
    const { table, count } = await loadSample(state.db, (done, total) => {
      bar.max = total;
      bar.value = done;
      note.textContent = `Writing ${done} / ${total} items…`;
    });
    note.textContent = `Loaded ${count} items into "${table}".`;
    state.current = table;
    state.pageKeys = [];
    await refreshTables();
  } catch (error) {
    note.textContent = `${error.name}: ${error.message}`;
  } finally {
    button.disabled = false;
    bar.hidden = true;
  }
}

main().catch((error) => {
  status(`Could not open the database: ${error.name}: ${error.message}`);
  throw error;
});
