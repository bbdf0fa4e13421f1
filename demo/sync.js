// The sync demo (demo/sync.html): a notes list in IndexedDB, synced with a
// DynamoDB table through db.sync() (docs/sync.md). The AWS SDK is the
// browser bundle `npm run build:demo` writes to pkg/sdk/.
import { open } from './pkg/dist/index.js';

const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };
let db = null;
let sync = null;
let user = 'demo';

function render(items) {
  const list = $('notes');
  list.replaceChildren(...items.map((item) => {
    const li = document.createElement('li');
    li.textContent = item.text.S;
    li.dataset.sk = item.sk.S;
    const del = document.createElement('button');
    del.type = 'button';
    del.textContent = '×';
    del.title = 'Delete';
    del.onclick = () => db.send('DeleteItem', { TableName: 'Notes', Key: { pk: item.pk, sk: item.sk } });
    li.append(' ', del);
    return li;
  }));
}

function showState() {
  if (!sync) return;
  const at = sync.lastSyncedAt ? new Date(sync.lastSyncedAt).toLocaleTimeString() : 'never';
  status(`Sync ${sync.state}; ${sync.pending} local change(s) pending; last round ${at}.`);
}

async function ensureTable(target, create) {
  try {
    await create();
  } catch (error) {
    if (error.name !== 'ResourceInUseException') throw new Error(`${target}: ${error.message}`, { cause: error });
  }
}

const KEYS = {
  BillingMode: 'PAY_PER_REQUEST',
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }],
};

$('connect').onsubmit = async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  user = String(form.get('user'));
  try {
    status('Starting…');
    let sdk;
    try {
      sdk = await import('./pkg/sdk/client-dynamodb.js');
    } catch (error) {
      throw new Error('the AWS SDK bundle is missing: build the demo with `npm run build:demo`', { cause: error });
    }
    db ??= await open('sync-demo');
    await ensureTable('local', () => db.send('CreateTable', { TableName: 'Notes', ...KEYS }));
    const remote = new sdk.DynamoDBClient({ endpoint: String(form.get('endpoint')), region: 'us-east-1', maxAttempts: 1,
      credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' } });
    const remoteTable = String(form.get('table'));
    await ensureTable('remote', () => remote.send(new sdk.CreateTableCommand({ TableName: remoteTable, ...KEYS })));
    await sync?.stop();
    sync = await db.sync({ table: 'Notes', remote, remoteTable, sdk, scope: { partitionKeys: [user] }, pullIntervalMs: 1000 });
    sync.on('state', showState);
    sync.on('push', showState);
    sync.on('conflict', (c) => {
      const li = document.createElement('li');
      li.textContent = `${c.key.sk}: ${c.winner} won (local ${JSON.stringify(c.local?.text)}, remote ${JSON.stringify(c.remote?.text)})`;
      $('conflicts').append(li);
    });
    sync.on('error', ({ error, key }) => status(`Sync ${sync.state}: ${key ? `${JSON.stringify(key)}: ` : ''}${error.message}`));
    db.live({ TableName: 'Notes', KeyConditionExpression: 'pk = :u', ExpressionAttributeValues: { ':u': { S: user } } },
      (result) => render(result.Items));
    $('add').hidden = false;
    await sync.ready;
    showState();
  } catch (error) {
    status(`Could not start: ${error.message}`);
  }
};

$('add').onsubmit = async (event) => {
  event.preventDefault();
  const input = event.target.elements.text;
  const sk = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
  await db.send('PutItem', { TableName: 'Notes', Item: { pk: { S: user }, sk: { S: sk }, text: { S: input.value } } });
  input.value = '';
};
