#!/usr/bin/env node
// The pocketdynamo command (package.json "bin": dist/server/cli.js):
//
//   npx pocketdynamo serve [--port 8000] [--host 127.0.0.1] [--path ./data | --memory]
//                          [--table create-table.json]... [--seed [TABLE=]items.jsonl]...
//                          [--access-key-id ID --secret-access-key SECRET]
//
// serve: a local DynamoDB endpoint (pocketdynamo/server) until Ctrl-C
// (SIGINT) or SIGTERM, which stop it cleanly (requests in flight are
// answered, the database is closed). --table runs CreateTable with a JSON
// file of its input (as `aws dynamodb create-table --cli-input-json`; a table
// that already exists is kept), --seed imports DynamoDB JSON lines (or the
// output of `aws dynamodb scan`) into TABLE (default: the file's name up to
// its first '.'), both before the endpoint is printed. With
// --access-key-id/--secret-access-key only requests signed with that key are
// accepted. Exit status: 0 after a clean stop, 1 when starting fails, 2 for
// bad arguments.

import fs from 'node:fs';
import path from 'node:path';
import { startServer } from './index.js';

const USAGE = `usage: pocketdynamo serve [options]

  --port N                 port to listen on (default 8000; 0 = any free port)
  --host HOST              address to listen on (default 127.0.0.1)
  --path DIR               keep the data in three file replicas under DIR
  --memory                 keep the data in memory (the default): gone when stopped
  --table FILE.json        create a table from CreateTable's input (repeatable)
  --seed [TABLE=]FILE      import DynamoDB JSON lines into TABLE (repeatable;
                           TABLE defaults to FILE's name before its first '.')
  --access-key-id ID       with --secret-access-key: accept only requests signed
  --secret-access-key KEY  with this key (default: accept any request)
  --quiet                  print only the endpoint
  -h, --help               this text`;

function fail(message, status = 2) {
  console.error(`pocketdynamo: ${message}`);
  if (status === 2) console.error(USAGE);
  process.exit(status);
}

function parse(argv) {
  const options = { port: 8000, host: '127.0.0.1', path: undefined, memory: false, tables: [], seeds: [], quiet: false };
  const value = (i, name) => {
    if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) fail(`${name} needs a value`);
    return argv[i + 1];
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) {   // --port=8000
      argv.splice(i, 1, arg.slice(0, eq), arg.slice(eq + 1));
      i--;
      continue;
    }
    switch (arg) {
      case '--port': {
        const text = value(i++, arg);
        const port = Number(text);
        if (!/^\d+$/.test(text) || port > 65535) fail(`--port ${text}: not a port number`);
        options.port = port;
        break;
      }
      case '--host': options.host = value(i++, arg); break;
      case '--path': options.path = value(i++, arg); break;
      case '--memory': options.memory = true; break;
      case '--table': options.tables.push(value(i++, arg)); break;
      case '--seed': options.seeds.push(value(i++, arg)); break;
      case '--access-key-id': options.accessKeyId = value(i++, arg); break;
      case '--secret-access-key': options.secretAccessKey = value(i++, arg); break;
      case '--quiet': options.quiet = true; break;
      case '-h': case '--help': console.log(USAGE); process.exit(0); break;
      default: fail(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  if (options.path !== undefined && options.memory) fail('--path and --memory exclude each other');
  if ((options.accessKeyId === undefined) !== (options.secretAccessKey === undefined)) {
    fail('--access-key-id and --secret-access-key go together');
  }
  return options;
}

async function prepare(db, options) {
  for (const file of options.tables) {
    let input;
    try {
      input = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`--table ${file}: ${error.message}`, { cause: error });
    }
    try {
      await db.send('CreateTable', input);
      if (!options.quiet) console.log(`created table ${input.TableName} (${file})`);
    } catch (error) {
      if (error.name !== 'ResourceInUseException') {
        throw new Error(`--table ${file}: ${error.name}: ${error.message}`, { cause: error });
      }
      if (!options.quiet) console.log(`table ${input.TableName} exists: kept (${file})`);
    }
  }
  for (const spec of options.seeds) {
    const eq = spec.indexOf('=');
    const file = eq > 0 ? spec.slice(eq + 1) : spec;
    const table = eq > 0 ? spec.slice(0, eq) : path.basename(file).split('.')[0];
    try {
      const result = await db.importTable(table, fs.createReadStream(file));
      if (!options.quiet) console.log(`seeded ${table}: ${result.items} items from ${file}`);
    } catch (error) {
      throw new Error(`--seed ${spec}: ${error.name}: ${error.message}`, { cause: error });
    }
  }
}

async function serve(argv) {
  const options = parse(argv);
  const started = performance.now();
  let server;
  try {
    server = await startServer({
      port: options.port,
      host: options.host,
      path: options.path,
      credentials: options.accessKeyId === undefined ? undefined
        : { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    });
    await prepare(server.db, options);
  } catch (error) {
    await server?.close().catch(() => {});
    fail(error.code === 'EADDRINUSE' ? `port ${options.port} is in use (try --port 0 or another port)` : error.message, 1);
  }
  const ms = (performance.now() - started).toFixed(0);
  if (options.quiet) {
    console.log(server.endpoint);
  } else {
    const where = options.path === undefined ? 'in memory (gone when stopped)' : `in ${path.resolve(options.path)}`;
    const keyId = options.accessKeyId ?? 'local';
    const secret = options.secretAccessKey ?? 'local';
    console.log(`pocketdynamo: DynamoDB endpoint ${server.endpoint} (data ${where}; ready in ${ms} ms)

  aws CLI:     aws dynamodb list-tables --endpoint-url ${server.endpoint}
               (with AWS_ACCESS_KEY_ID=${keyId} AWS_SECRET_ACCESS_KEY=${secret} AWS_REGION=local if unset)
  any SDK:     export AWS_ENDPOINT_URL_DYNAMODB=${server.endpoint}
  JavaScript:  new DynamoDBClient({ endpoint: '${server.endpoint}', region: 'local',
                 credentials: { accessKeyId: '${keyId}', secretAccessKey: '${secret}' } })
  boto3:       boto3.client('dynamodb', endpoint_url='${server.endpoint}', region_name='local',
                 aws_access_key_id='${keyId}', aws_secret_access_key='${secret}')

Ctrl-C stops it.`);
  }
  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      console.error('pocketdynamo: stopping now');
      process.exit(1);
    }
    stopping = true;
    if (!options.quiet) console.log(`\npocketdynamo: ${signal}: stopping (requests in flight finish, the database is closed)`);
    server.close().then(() => {
      if (!options.quiet) console.log('pocketdynamo: stopped');
      process.exit(0);
    }, (error) => {
      console.error(`pocketdynamo: stopping failed: ${error.message}`);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

const [command, ...rest] = process.argv.slice(2);
if (command === 'serve') {
  await serve(rest);
} else if (command === undefined || command === '-h' || command === '--help') {
  console.log(USAGE);
  if (command === undefined) process.exitCode = 2;
} else {
  fail(`unknown command ${JSON.stringify(command)}`);
}
