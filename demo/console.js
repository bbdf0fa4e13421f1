// The Console tab: any operation's request as DynamoDB JSON, run with
// Ctrl+Enter (or the Run button); the response, or the error's name and
// message; a history of requests kept in localStorage (click to restore).
// PartiQL mode: a statement (and optional ? parameters as a JSON array of
// AttributeValues) run with ExecuteStatement, its items shown, and a "Next
// page" button while the answer carries a NextToken.

import { $, h, showError, hideError } from './util.js';

const HISTORY_KEY = 'pocketdynamo-playground-history';
const HISTORY_MAX = 50;

const EXAMPLES = {
  ListTables: [{ Limit: 10 }],
  CreateTable: [{
    TableName: 'Music',
    AttributeDefinitions: [{ AttributeName: 'Artist', AttributeType: 'S' }, { AttributeName: 'SongTitle', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'Artist', KeyType: 'HASH' }, { AttributeName: 'SongTitle', KeyType: 'RANGE' }],
    BillingMode: 'PAY_PER_REQUEST',
  }, { TableName: 'ab', AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], BillingMode: 'PAY_PER_REQUEST' }],
  DescribeTable: [{ TableName: 'Music' }],
  DeleteTable: [{ TableName: 'Music' }],
  UpdateTable: [{ TableName: 'Music', BillingMode: 'PROVISIONED', ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } }],
  PutItem: [{ TableName: 'Music', Item: { Artist: { S: 'No One You Know' }, SongTitle: { S: 'Call Me Today' }, Year: { N: '2024' } } },
    { TableName: 'Music', Item: { Artist: { S: 'No One You Know' }, SongTitle: { S: 'Call Me Today' } }, ConditionExpression: 'attribute_not_exists(Artist)' }],
  GetItem: [{ TableName: 'Music', Key: { Artist: { S: 'No One You Know' }, SongTitle: { S: 'Call Me Today' } } }],
  UpdateItem: [{ TableName: 'Music', Key: { Artist: { S: 'No One You Know' }, SongTitle: { S: 'Call Me Today' } },
    UpdateExpression: 'SET Plays = if_not_exists(Plays, :zero) + :one', ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' } }, ReturnValues: 'ALL_NEW' }],
  DeleteItem: [{ TableName: 'Music', Key: { Artist: { S: 'No One You Know' }, SongTitle: { S: 'Call Me Today' } }, ReturnValues: 'ALL_OLD' }],
  Query: [{ TableName: 'shop', KeyConditionExpression: 'pk = :pk AND begins_with(sk, :o)', ExpressionAttributeValues: { ':pk': { S: 'CUSTOMER#0001' }, ':o': { S: 'ORDER#' } } }],
  Scan: [{ TableName: 'shop', FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': { S: 'RETURNED' } }, Limit: 100 }],
  BatchGetItem: [{ RequestItems: { shop: { Keys: [{ pk: { S: 'CUSTOMER#0001' }, sk: { S: 'PROFILE' } }, { pk: { S: 'CUSTOMER#0002' }, sk: { S: 'PROFILE' } }] } } }],
  BatchWriteItem: [{ RequestItems: { Music: [{ PutRequest: { Item: { Artist: { S: 'Acme Band' }, SongTitle: { S: 'Happy Day' } } } }] } }],
  TransactWriteItems: [{ TransactItems: [
    { Put: { TableName: 'Music', Item: { Artist: { S: 'Acme Band' }, SongTitle: { S: 'Tuesday' } } } },
    { ConditionCheck: { TableName: 'Music', Key: { Artist: { S: 'Acme Band' }, SongTitle: { S: 'Happy Day' } }, ConditionExpression: 'attribute_exists(Artist)' } }] }],
  TransactGetItems: [{ TransactItems: [{ Get: { TableName: 'Music', Key: { Artist: { S: 'Acme Band' }, SongTitle: { S: 'Happy Day' } } } }] }],
};

// PartiQL mode's examples (the Music table of the JSON examples).
const PARTIQL_EXAMPLES = [
  { statement: "SELECT * FROM \"Music\" WHERE Artist = 'No One You Know'" },
  { statement: "SELECT SongTitle, \"Year\" FROM \"Music\" WHERE Artist = ? ORDER BY SongTitle DESC", params: '[{ "S": "No One You Know" }]' },
  { statement: "INSERT INTO \"Music\" VALUE {'Artist': 'Acme Band', 'SongTitle': 'PartiQL Rocks', 'Awards': 1, 'Tags': <<'new'>>}" },
  { statement: "UPDATE \"Music\" SET Awards = Awards + 1 SET Tags = set_add(Tags, <<'hit'>>) WHERE Artist = 'Acme Band' AND SongTitle = 'PartiQL Rocks' RETURNING ALL NEW *" },
  { statement: "DELETE FROM \"Music\" WHERE Artist = 'Acme Band' AND SongTitle = 'PartiQL Rocks' RETURNING ALL OLD *" },
  { statement: "SELECT * FROM \"shop\" WHERE begins_with(sk, 'ORDER#') AND status IN ['RETURNED', 'SHIPPED']" },
];
const PARTIQL = 'PartiQL';

let ctx;
let nextToken = null;  // PartiQL mode: the NextToken of the last page shown

export function initConsole(context) {
  ctx = context;
  const panel = $('#tab-console');
  panel.append(
    h('div', { className: 'cols' },
      h('div', {},
        h('div', { className: 'bar' },
          h('label', {}, 'Mode ', h('select', { id: 'c-mode' }, h('option', { value: 'json' }, 'DynamoDB JSON'), h('option', { value: 'partiql' }, PARTIQL))),
          h('label', { id: 'c-op-label' }, 'Operation ', h('select', { id: 'c-op' }, Object.keys(EXAMPLES).map((op) => h('option', {}, op)))),
          h('label', {}, 'Example ', h('select', { id: 'c-example' })),
          h('span', { className: 'spacer' }),
          h('button', { type: 'button', id: 'c-run', className: 'primary', title: 'Ctrl+Enter' }, 'Run (Ctrl+Enter)')),
        h('textarea', { id: 'c-input', rows: '16', spellcheck: 'false', 'aria-label': 'Request (DynamoDB JSON)' }),
        h('label', { id: 'c-params-label', hidden: true }, 'Parameters (JSON array of AttributeValues, for each ?) ',
          h('input', { id: 'c-params', type: 'text', spellcheck: 'false', placeholder: '[{ "S": "value" }]' })),
        h('p', { className: 'error', id: 'c-error', role: 'alert', hidden: true }),
        h('p', { className: 'muted', id: 'c-meta', role: 'status' }),
        h('pre', { id: 'c-output', 'aria-label': 'Response' }),
        h('button', { type: 'button', id: 'c-next', hidden: true }, 'Next page')),
      h('div', {},
        h('div', { className: 'bar' }, h('strong', {}, 'History'), h('span', { className: 'spacer' }),
          h('button', { type: 'button', id: 'c-clear' }, 'Clear')),
        h('ul', { className: 'history', id: 'c-history' }))));
  $('#c-mode').addEventListener('change', () => { setMode(); fillExamples(); loadExample(); });
  $('#c-next').addEventListener('click', () => run(nextToken));
  $('#c-op').addEventListener('change', () => { fillExamples(); loadExample(); });
  $('#c-example').addEventListener('change', loadExample);
  $('#c-run').addEventListener('click', () => run());
  $('#c-input').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
  $('#c-clear').addEventListener('click', () => { localStorage.removeItem(HISTORY_KEY); renderHistory(); });
  fillExamples();
  loadExample();
  renderHistory();
}

function partiql() {
  return $('#c-mode').value === 'partiql';
}

function setMode() {
  const on = partiql();
  $('#c-op-label').hidden = on;
  $('#c-params-label').hidden = !on;
  $('#c-input').setAttribute('aria-label', on ? 'PartiQL statement' : 'Request (DynamoDB JSON)');
  $('#c-input').rows = on ? 6 : 16;
  $('#c-next').hidden = true;
}

function fillExamples() {
  const list = partiql() ? PARTIQL_EXAMPLES : EXAMPLES[$('#c-op').value];
  $('#c-example').replaceChildren(...list.map((_, i) => h('option', { value: String(i) }, `Example ${i + 1}`)));
}

function loadExample() {
  if (partiql()) {
    const example = PARTIQL_EXAMPLES[Number($('#c-example').value) || 0];
    $('#c-input').value = example.statement;
    $('#c-params').value = example.params ?? '';
    return;
  }
  $('#c-input').value = JSON.stringify(EXAMPLES[$('#c-op').value][Number($('#c-example').value) || 0], null, 2);
}

function history() {
  try {
    return JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]');
  } catch {
    return [];
  }
}

function renderHistory() {
  const entries = history();
  $('#c-history').replaceChildren(...(entries.length ? entries.map((e) => h('li', {},
    h('button', { type: 'button', title: e.request, onclick: () => restore(e) },
      `${e.ok ? '✓' : '✗'} ${e.op} `, h('span', { className: 'muted' }, e.request.replace(/\s+/g, ' ').slice(0, 70)))))
    : [h('li', { className: 'muted' }, 'Requests you run appear here.')]));
}

function restore(entry) {
  $('#c-mode').value = entry.op === PARTIQL ? 'partiql' : 'json';
  setMode();
  if (entry.op === PARTIQL) {
    fillExamples();
    $('#c-input').value = entry.request;
    $('#c-params').value = entry.params ?? '';
    $('#c-input').focus();
    return;
  }
  $('#c-op').value = entry.op;
  fillExamples();
  $('#c-input').value = entry.request;
  $('#c-input').focus();
}

async function run(token) {
  const isPartiql = partiql();
  const op = isPartiql ? PARTIQL : $('#c-op').value;
  const text = $('#c-input').value;
  const params = isPartiql ? $('#c-params').value.trim() : '';
  const err = $('#c-error');
  let input;
  try {
    if (isPartiql) {
      input = { Statement: text };
      if (params) input.Parameters = JSON.parse(params);
      if (token) input.NextToken = token;
    } else {
      input = JSON.parse(text);
    }
  } catch (error) {
    showError(err, { name: 'Invalid JSON', message: error.message });
    return;
  }
  $('#c-meta').textContent = 'Running…';
  const t0 = performance.now();
  let ok = true;
  try {
    const out = await ctx.db.send(isPartiql ? 'ExecuteStatement' : op, input);
    hideError(err);
    if (isPartiql) {
      nextToken = out.NextToken ?? null;
      $('#c-next').hidden = !nextToken;
      const { Items, ...rest } = out;
      delete rest.NextToken;
      $('#c-output').textContent = `${Items.length} item${Items.length === 1 ? '' : 's'}${nextToken ? ' (more: Next page)' : ''}\n` +
        JSON.stringify(Items, null, 2) + (Object.keys(rest).length ? `\n${JSON.stringify(rest, null, 2)}` : '');
    } else {
      $('#c-output').textContent = JSON.stringify(out, null, 2);
    }
  } catch (error) {
    ok = false;
    showError(err, error);
    $('#c-output').textContent = '';
    $('#c-next').hidden = true;
  }
  const label = isPartiql ? `ExecuteStatement${token ? ' (next page)' : ''}` : op;
  $('#c-meta').textContent = `${label} ${ok ? 'succeeded' : 'failed'} in ${(performance.now() - t0).toFixed(1)} ms`;
  if (token) return;  // a next page is not a new request
  const entry = isPartiql ? { op, request: text, params, ok } : { op, request: text, ok };
  const entries = [entry, ...history().filter((e) => e.op !== op || e.request !== text)].slice(0, HISTORY_MAX);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(entries));
  renderHistory();
  if (ok && (/Table|Item|Batch|Transact/.test(op) || (isPartiql && !/^\s*select\b/i.test(text))) && op !== 'DescribeTable') ctx.refresh();
}
