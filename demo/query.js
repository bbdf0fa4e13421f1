// The Query tab: a form building a Query or Scan request, the request shown
// as AWS SDK v3 code and as DynamoDB JSON (with copy buttons), the results
// with Count, ScannedCount, ConsumedCapacity and time, and paging through
// LastEvaluatedKey.

import { $, h, cellText, showError, hideError } from './util.js';

let ctx;
const pages = [];   // ExclusiveStartKey of each page run so far
let lastKey = null;

const OPS = ['=', '<', '<=', '>', '>=', 'between', 'begins_with'];

export function initQuery(context) {
  ctx = context;
  const panel = $('#tab-query');
  const field = (label, control) => [h('label', { for: control.id }, label), control];
  panel.append(
    h('div', { className: 'cols' },
      h('form', { id: 'query-form', className: 'box', novalidate: true },
        h('div', { className: 'form-grid' },
          ...field('Operation', h('select', { id: 'q-op' }, h('option', {}, 'Query'), h('option', {}, 'Scan'))),
          ...field('Table', h('select', { id: 'q-table' })),
          ...field('Partition key', h('input', { id: 'q-pk', autocomplete: 'off' })),
          ...field('Sort key condition', h('span', { className: 'bar', style: 'margin:0' },
            h('select', { id: 'q-skop', 'aria-label': 'Sort key operator' }, h('option', { value: '' }, '(none)'), OPS.map((o) => h('option', {}, o))),
            h('input', { id: 'q-sk1', 'aria-label': 'Sort key value', autocomplete: 'off', style: 'flex:1' }),
            h('input', { id: 'q-sk2', 'aria-label': 'Sort key second value (between)', autocomplete: 'off', hidden: true, style: 'flex:1' }))),
          ...field('Filter expression', h('input', { id: 'q-filter', placeholder: 'e.g. #status = :s', autocomplete: 'off' })),
          ...field('Filter names/values', h('input', { id: 'q-values', placeholder: '{"#status":"status", ":s":{"S":"SHIPPED"}}', autocomplete: 'off' })),
          ...field('Projection', h('input', { id: 'q-proj', placeholder: 'attributes, comma-separated', autocomplete: 'off' })),
          ...field('Order', h('select', { id: 'q-order' }, h('option', { value: 'asc' }, 'Ascending'), h('option', { value: 'desc' }, 'Descending'))),
          ...field('Limit', h('input', { id: 'q-limit', type: 'number', min: '1', value: '25' }))),
        h('div', { className: 'bar' }, h('button', { type: 'submit', className: 'primary' }, 'Run'),
          h('button', { type: 'button', id: 'q-next', disabled: true }, 'Next page'))),
      h('div', {},
        h('div', { className: 'bar' }, h('strong', {}, 'AWS SDK v3 (JavaScript)'), h('span', { className: 'spacer' }),
          h('button', { type: 'button', id: 'copy-sdk' }, 'Copy')),
        h('pre', { id: 'q-sdk' }),
        h('div', { className: 'bar' }, h('strong', {}, 'DynamoDB JSON'), h('span', { className: 'spacer' }),
          h('button', { type: 'button', id: 'copy-json' }, 'Copy')),
        h('pre', { id: 'q-json' }))),
    h('p', { className: 'error', id: 'q-error', role: 'alert', hidden: true }),
    h('div', { className: 'stats', id: 'q-stats', role: 'status' }),
    h('div', { className: 'grid-wrap' }, h('table', { className: 'grid', id: 'q-grid' })));

  $('#query-form').addEventListener('submit', (e) => { e.preventDefault(); pages.length = 0; run(undefined); });
  $('#query-form').addEventListener('input', preview);
  $('#query-form').addEventListener('change', preview);
  $('#q-skop').addEventListener('change', () => { $('#q-sk2').hidden = $('#q-skop').value !== 'between'; });
  $('#q-op').addEventListener('change', () => {
    const scan = $('#q-op').value === 'Scan';
    for (const id of ['#q-pk', '#q-skop', '#q-sk1', '#q-sk2', '#q-order']) $(id).disabled = scan;
  });
  $('#q-next').addEventListener('click', () => { pages.push(lastKey); run(lastKey); });
  $('#copy-sdk').addEventListener('click', () => copy('#q-sdk', '#copy-sdk'));
  $('#copy-json').addEventListener('click', () => copy('#q-json', '#copy-json'));
  document.addEventListener('tableschanged', syncTables);
  syncTables();
}

function syncTables() {
  const select = $('#q-table');
  const keep = select.value;
  select.replaceChildren(...ctx.tables().map((t) => h('option', {}, t.name)));
  select.value = ctx.tables().some((t) => t.name === keep) ? keep : (ctx.current() ?? '');
  preview();
}

function av(type, text) {
  return type === 'N' ? { N: text } : type === 'B' ? { B: text } : { S: text };
}

/** The request the form describes; throws a user-facing Error when the form is incomplete. */
export function buildRequest() {
  const op = $('#q-op').value;
  const table = ctx.tables().find((t) => t.name === $('#q-table').value);
  if (!table) throw new Error('Choose a table (create one first)');
  const input = { TableName: table.name };
  const names = {};
  const values = {};
  if (op === 'Query') {
    const [pk, sk] = table.keys;
    names['#pk'] = pk.name;
    values[':pk'] = av(pk.type, $('#q-pk').value);
    let cond = '#pk = :pk';
    const skop = $('#q-skop').value;
    if (skop && sk) {
      names['#sk'] = sk.name;
      values[':sk1'] = av(sk.type, $('#q-sk1').value);
      if (skop === 'between') {
        values[':sk2'] = av(sk.type, $('#q-sk2').value);
        cond += ' AND #sk BETWEEN :sk1 AND :sk2';
      } else if (skop === 'begins_with') {
        cond += ' AND begins_with(#sk, :sk1)';
      } else {
        cond += ` AND #sk ${skop} :sk1`;
      }
    }
    input.KeyConditionExpression = cond;
    if ($('#q-order').value === 'desc') input.ScanIndexForward = false;
  }
  const filter = $('#q-filter').value.trim();
  if (filter) {
    input.FilterExpression = filter;
    const extra = $('#q-values').value.trim();
    if (extra) {
      let parsed;
      try { parsed = JSON.parse(extra); } catch (e) { throw new Error(`Filter names/values: ${e.message}`, { cause: e }); }
      for (const [k, v] of Object.entries(parsed)) (k.startsWith('#') ? names : values)[k] = v;
    }
  }
  const proj = $('#q-proj').value.split(',').map((s) => s.trim()).filter(Boolean);
  if (proj.length) {
    input.ProjectionExpression = proj.map((p, i) => { names[`#p${i}`] = p; return `#p${i}`; }).join(', ');
  }
  if (Object.keys(names).length) input.ExpressionAttributeNames = names;
  if (Object.keys(values).length) input.ExpressionAttributeValues = values;
  const limit = Number($('#q-limit').value);
  if (limit > 0) input.Limit = limit;
  input.ReturnConsumedCapacity = 'TOTAL';
  return { op, input };
}

function sdkCode(op, input) {
  return `import { DynamoDBClient, ${op}Command } from "@aws-sdk/client-dynamodb";\n\n`
    + `const client = new DynamoDBClient({});\n`
    + `const output = await client.send(new ${op}Command(${JSON.stringify(input, null, 2)}));\n`
    + `console.log(output.Items, output.LastEvaluatedKey);\n`;
}

function preview() {
  try {
    const { op, input } = buildRequest();
    $('#q-sdk').textContent = sdkCode(op, input);
    $('#q-json').textContent = JSON.stringify(input, null, 2);
  } catch (error) {
    $('#q-sdk').textContent = $('#q-json').textContent = `// ${error.message}`;
  }
}

async function copy(source, button) {
  const b = $(button);
  try {
    await navigator.clipboard.writeText($(source).textContent);
    b.textContent = 'Copied';
  } catch {
    // No clipboard permission (e.g. an insecure origin): select the text instead.
    const range = document.createRange();
    range.selectNodeContents($(source));
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    b.textContent = 'Selected: press Ctrl+C';
  }
  setTimeout(() => { b.textContent = 'Copy'; }, 1500);
}

async function run(startKey) {
  const err = $('#q-error');
  let req;
  try {
    req = buildRequest();
  } catch (error) {
    return showError(err, { name: 'Incomplete form', message: error.message });
  }
  if (startKey) req.input.ExclusiveStartKey = startKey;
  $('#q-stats').textContent = 'Running…';
  const t0 = performance.now();
  try {
    const out = await ctx.db.send(req.op, req.input);
    const ms = performance.now() - t0;
    hideError(err);
    lastKey = out.LastEvaluatedKey ?? null;
    $('#q-next').disabled = !lastKey;
    const stat = (label, value, id) => h('span', {}, `${label}: `, h('b', { 'data-stat': id }, String(value)));
    $('#q-stats').replaceChildren(
      stat('Page', pages.length + 1, 'page'), stat('Count', out.Count, 'count'), stat('ScannedCount', out.ScannedCount, 'scanned'),
      stat('ConsumedCapacity', out.ConsumedCapacity ? `${out.ConsumedCapacity.CapacityUnits} RCU` : '-', 'capacity'),
      stat('Time', `${ms.toFixed(1)} ms`, 'time'),
      stat('LastEvaluatedKey', lastKey ? JSON.stringify(lastKey) : 'none', 'lek'));
    const cols = [];
    for (const item of out.Items) for (const k of Object.keys(item)) if (!cols.includes(k)) cols.push(k);
    $('#q-grid').replaceChildren(
      h('thead', {}, h('tr', {}, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, out.Items.map((item) => h('tr', {}, cols.map((c) => {
        const text = cellText(item[c]);
        return h('td', { title: text.length > 40 ? text : null }, text);
      })))));
  } catch (error) {
    $('#q-stats').textContent = '';
    showError(err, error);
  }
}
