// pocketdynamo/server: a database as a local DynamoDB endpoint over HTTP
// (plain node:http), for any DynamoDB client: the AWS SDKs, boto3, the aws
// CLI, a browser page (CORS).
//
//   import { startServer } from 'pocketdynamo/server';
//   const server = await startServer({ port: 8000 });       // in memory; { path } for files
//   // new DynamoDBClient({ endpoint: server.endpoint, region: 'local', credentials: {...} })
//   await server.close();                                    // in-flight requests finish first
//
// The wire protocol is DynamoDB's (AWS JSON 1.0): POST with header
// X-Amz-Target 'DynamoDB_20120810.<Operation>' (or
// 'DynamoDBStreams_20120810.<Operation>' for ListStreams, DescribeStream,
// GetShardIterator, GetRecords) and a JSON body; the answer is 200 with the
// response JSON or 400 with DynamoDB's error JSON ({"__type":
// "<namespace>#<Exception>", "message": ...}, as the core writes it:
// "Message" for SerializationException, CancellationReasons, Item). Every
// answer carries x-amzn-RequestId (52 characters, as DynamoDB's) and
// x-amz-crc32 (the CRC32 of the body, which boto3 checks). What the server
// itself answers, in this order (the order DynamoDB checks in):
//
//   OPTIONS with Origin        CORS preflight: 200, no body
//   GET                        200 'healthy: pocketdynamo' (a health check)
//   not POST, or a body whose Content-Type is not application/x-amz-json-1.0
//   or application/json        404 '<UnknownOperationException/>' (as DynamoDB)
//   body over maxBodyBytes     413, connection closed (DynamoDB: 16 MB)
//   X-Amz-Target missing or not one of the two services' operations
//                              400 com.amazon.coral.service#UnknownOperationException
//   credentials option set and the request not signed by one of them
//                              400 MissingAuthenticationToken / UnrecognizedClient /
//                              IncompleteSignature / InvalidSignature Exception (sigv4.js)
//   the database rejects (closed, storage failure)
//                              500 com.amazonaws.dynamodb.v20120810#InternalServerError
// and everything else (bodies that are not JSON: SerializationException; an
// operation the core does not have: UnknownOperationException; every
// validation) is the core's answer, as for db.send().
//
// A request whose headers and body have not fully arrived after
// requestTimeoutMs (a slow or stalled client) is answered 408 by node:http
// and its connection closed. Requests run concurrently; the database's
// operation queue serialises them in arrival order.
//
// close(): stops accepting connections, lets the requests already received
// finish (at most closeTimeoutMs, then their connections are cut), closes
// idle keep-alive connections, then closes the database if the server
// opened it (a database given as options.db stays open: its owner closes it).

import http from 'node:http';
import { randomFillSync } from 'node:crypto';
import zlib from 'node:zlib';
import { open } from '../index.js';
import { exceptionName } from '../errors.js';
import { checkSignature } from './sigv4.js';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;   // DynamoDB's limit on a request
const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;
const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 600_000;
const JSON_TYPES = ['application/x-amz-json-1.0', 'application/json'];
const DYNAMODB_PREFIX = 'DynamoDB_20120810.';
const STREAMS_PREFIX = 'DynamoDBStreams_20120810.';
const STREAMS_OPERATIONS = new Set(['ListStreams', 'DescribeStream', 'GetShardIterator', 'GetRecords']);
const CORAL = 'com.amazon.coral.service';
const DDB = 'com.amazonaws.dynamodb.v20120810';
const ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const EXPOSED_HEADERS = 'x-amzn-RequestId, x-amz-crc32, x-amz-id-2';

// ------------------------------------------------------------------ CRC32

let crcTable = null;
function crc32Fallback(bytes) {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** CRC32 (IEEE, as x-amz-crc32 carries it) of bytes, unsigned. */
export const crc32 = typeof zlib.crc32 === 'function' ? (bytes) => zlib.crc32(bytes) >>> 0 : crc32Fallback;

// ---------------------------------------------------------------- helpers

// Random bytes for request ids, drawn 52 at a time from a pool refilled 80 ids at a time.
const ID_LENGTH = 52;
const idPool = Buffer.alloc(ID_LENGTH * 80);
let idAt = idPool.length;

/** A request id as DynamoDB writes them: 52 characters of A-Z and 0-9. */
function requestId() {
  if (idAt === idPool.length) {
    randomFillSync(idPool);
    idAt = 0;
  }
  let id = '';
  for (let i = idAt; i < idAt + ID_LENGTH; i++) id += ID_CHARS[idPool[i] % 36];
  idAt += ID_LENGTH;
  return id;
}

function header(req, name) {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function send(res, status, contentType, text) {
  const body = Buffer.from(text, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', body.length);
  res.setHeader('x-amz-crc32', String(crc32(body)));
  res.end(body);
}

function sendError(res, status, contentType, type, message) {
  send(res, status, contentType, JSON.stringify(message === undefined ? { __type: type } : { __type: type, message }));
}

// The HTTP status for an error body from the core (one the core said is an error).
function errorStatus(text) {
  const name = exceptionName(JSON.parse(text).__type);
  return name === 'InternalServerError' || name === 'InternalFailure' ? 500 : 400;
}

function parseCredentials(credentials) {
  if (credentials === undefined || credentials === null) return null;
  const list = Array.isArray(credentials) ? credentials : [credentials];
  const keys = new Map();
  for (const entry of list) {
    if (typeof entry?.accessKeyId !== 'string' || entry.accessKeyId === '' || typeof entry.secretAccessKey !== 'string') {
      throw new TypeError('server credentials: each entry is { accessKeyId, secretAccessKey } (non-empty strings)');
    }
    keys.set(entry.accessKeyId, entry.secretAccessKey);
  }
  if (keys.size === 0) throw new TypeError('server credentials: give at least one { accessKeyId, secretAccessKey }');
  return keys;
}

// ---------------------------------------------------------------- handler

/**
 * A node:http request listener answering DynamoDB requests from db (any
 * DatabaseBase: sendJsonOutcome(operation, json)). options: credentials,
 * maxBodyBytes, cors (default true), onError(error) for failures of the
 * database (default: none). Returns the listener with .active (the number
 * of requests not yet answered), .idle() (resolves when it is 0) and
 * .shutdown() (answers close their connections from then on).
 */
export function createRequestListener(db, options = {}) {
  if (typeof db?.sendJsonOutcome !== 'function') throw new TypeError('createRequestListener(db): db is an open pocketdynamo database');
  const keys = parseCredentials(options.credentials);
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  if (!Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) throw new TypeError('maxBodyBytes must be a positive integer');
  const cors = options.cors ?? true;
  const onError = typeof options.onError === 'function' ? options.onError : null;
  let active = 0;
  let waiters = [];

  function finished() {
    active--;
    if (active === 0) {
      const list = waiters;
      waiters = [];
      for (const resolve of list) resolve();
    }
  }

  async function answer(req, res, body, contentType) {
    const target = header(req, 'x-amz-target') ?? '';
    let operation = null;
    if (target.startsWith(DYNAMODB_PREFIX)) {
      operation = target.slice(DYNAMODB_PREFIX.length);
      if (STREAMS_OPERATIONS.has(operation)) operation = null;
    } else if (target.startsWith(STREAMS_PREFIX)) {
      operation = target.slice(STREAMS_PREFIX.length);
      if (!STREAMS_OPERATIONS.has(operation)) operation = null;
    }
    const text = body.toString('utf8');
    if (operation === null || operation === '') {
      // DynamoDB reads the body before the target: a body that is not JSON is a SerializationException.
      if (text !== '' && !isJson(text)) return sendError(res, 400, contentType, `${CORAL}#SerializationException`);
      return sendError(res, 400, contentType, `${CORAL}#UnknownOperationException`);
    }
    if (keys !== null) {
      const refused = checkSignature(keys, req.method, req.url, req.rawHeaders, body);
      if (refused !== null) return send(res, 400, contentType, JSON.stringify(refused));
    }
    let outcome;
    try {
      outcome = await db.sendJsonOutcome(operation, text);
    } catch (error) {
      onError?.(error);
      return sendError(res, 500, contentType, `${DDB}#InternalServerError`,
          `pocketdynamo: ${error instanceof Error ? error.message : String(error)}`);
    }
    send(res, outcome.failed ? errorStatus(outcome.text) : 200, contentType, outcome.text);
  }

  let shuttingDown = false;
  const listener = (req, res) => {
    active++;
    res.on('close', finished);
    if (shuttingDown) res.setHeader('Connection', 'close');
    res.setHeader('x-amzn-RequestId', requestId());
    const origin = header(req, 'origin');
    if (cors && origin !== undefined) {
      res.setHeader('Access-Control-Allow-Origin', '*');
      res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      if (req.method === 'OPTIONS') {
        const headers = header(req, 'access-control-request-headers');
        res.setHeader('Access-Control-Allow-Headers', headers ?? 'content-type, x-amz-target, authorization, x-amz-date');
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, OPTIONS');
        res.setHeader('Access-Control-Max-Age', '172800');
        res.statusCode = 200;
        res.setHeader('Content-Length', '0');
        res.end();
        return;
      }
    }
    if (req.method === 'GET' || req.method === 'HEAD') {
      send(res, 200, 'text/plain; charset=utf-8', 'healthy: pocketdynamo\n');
      return;
    }
    const contentType = (header(req, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
    const declared = header(req, 'content-length');
    const hasBody = (declared !== undefined && declared !== '0') || header(req, 'transfer-encoding') !== undefined;
    if (req.method !== 'POST' || (hasBody && !JSON_TYPES.includes(contentType))) {
      res.setHeader('Connection', 'close');   // the body (if any) is not read
      send(res, 404, 'text/xml', '<UnknownOperationException/>\n');
      return;
    }
    const responseType = contentType === 'application/json' ? 'application/json' : 'application/x-amz-json-1.0';
    const tooLarge = () => {
      // DynamoDB answers 413 without a JSON error; the connection is closed, the rest never read.
      res.setHeader('Connection', 'close');
      send(res, 413, 'text/plain; charset=utf-8',
          `Request Entity Too Large: the body exceeds the limit of ${maxBodyBytes} bytes\n`);
      req.pause();
    };
    if (declared !== undefined && Number(declared) > maxBodyBytes) {
      tooLarge();
      return;
    }
    const chunks = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk) => {
      if (refused) return;
      size += chunk.length;
      if (size > maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        tooLarge();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      answer(req, res, Buffer.concat(chunks, size), responseType).catch((error) => {
        onError?.(error);
        if (!res.headersSent) {
          sendError(res, 500, responseType, `${DDB}#InternalServerError`, `pocketdynamo: ${error.message}`);
        } else {
          res.destroy();
        }
      });
    });
    req.on('error', () => {});   // a client that goes away: nothing to answer
  };
  Object.defineProperty(listener, 'active', { get: () => active });
  /** From now on every answer closes its connection (keep-alive ends). */
  listener.shutdown = () => { shuttingDown = true; };
  listener.idle = () => (active === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)));
  return listener;
}

function isJson(text) {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// ----------------------------------------------------------------- server

/** A running server (startServer): see the header. */
export class LocalDynamoServer {
  #http;
  #listener;
  #db;
  #ownsDb;
  #closeTimeoutMs;
  #closing = null;

  /** Use startServer(). */
  constructor(httpServer, listener, db, ownsDb, closeTimeoutMs) {
    this.#http = httpServer;
    this.#listener = listener;
    this.#db = db;
    this.#ownsDb = ownsDb;
    this.#closeTimeoutMs = closeTimeoutMs;
  }

  /** The database the server answers from. */
  get db() { return this.#db; }
  /** The node:http server. */
  get httpServer() { return this.#http; }
  /** The port listened on. */
  get port() { return this.#http.address()?.port ?? null; }
  /** The host listened on, as given (default '127.0.0.1'). */
  get host() { return this.#host ?? '127.0.0.1'; }
  #host = null;
  /** The endpoint URL to give a DynamoDB client, e.g. 'http://127.0.0.1:8000'. */
  get endpoint() {
    const host = this.host;
    const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
    return `http://${shown}:${this.port}`;
  }
  /** Requests received and not yet answered. */
  get activeRequests() { return this.#listener.active; }
  /** True once close() was called. */
  get closing() { return this.#closing !== null; }

  /** @internal */
  async listen(port, host) {
    this.#host = host;
    await new Promise((resolve, reject) => {
      const onError = (error) => reject(error);
      this.#http.once('error', onError);
      this.#http.listen(port, host, () => {
        this.#http.off('error', onError);
        resolve();
      });
    });
    return this;
  }

  /**
   * Stops the server: no new connection is accepted, requests already
   * received are answered (those still unanswered after closeTimeoutMs have
   * their connections cut), then the database is closed if the server opened
   * it. Idempotent; resolves when done.
   */
  close() {
    this.#closing ??= (async () => {
      const stopped = new Promise((resolve) => this.#http.close(() => resolve()));
      // Keep-alive connections: answered requests close theirs, idle ones are closed now.
      this.#listener.shutdown();
      this.#http.closeIdleConnections?.();
      let timer;
      const deadline = new Promise((resolve) => { timer = setTimeout(resolve, this.#closeTimeoutMs); });
      await Promise.race([this.#listener.idle(), deadline]);
      clearTimeout(timer);
      this.#http.closeAllConnections?.();
      await stopped;
      if (this.#ownsDb) await this.#db.close();
    })();
    return this.#closing;
  }
}

/**
 * Starts a server (see the header). options:
 *   db            an open database to serve (the caller closes it); else one is opened with
 *                 open(options.open ?? {}), or open({ path }) when path is given, and closed by close()
 *   path          Node: keep the data in three file replicas under this directory
 *   port          default 0 (a free port; see server.port); host default '127.0.0.1'
 *   credentials   { accessKeyId, secretAccessKey } or a list: only requests signed with one are
 *                 accepted (default: any request, signed or not)
 *   maxBodyBytes  default 16 MiB; requestTimeoutMs default 60 s; closeTimeoutMs default 10 s;
 *                 keepAliveTimeoutMs (idle keep-alive connections) default 10 minutes
 *   cors          default true
 * Resolves to a LocalDynamoServer once it listens.
 */
export async function startServer(options = {}) {
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) throw new TypeError('requestTimeoutMs must be a positive number');
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;
  let db = options.db ?? null;
  const ownsDb = db === null;
  parseCredentials(options.credentials);   // refuse bad options before opening anything
  if (ownsDb) {
    const openOptions = { ttlSweepIntervalMs: 10_000, ...(options.open ?? {}) };
    if (options.path !== undefined) openOptions.path = options.path;
    db = await open(openOptions);
  }
  let listener;
  try {
    listener = createRequestListener(db, options);
  } catch (error) {
    if (ownsDb) await db.close();
    throw error;
  }
  const httpServer = http.createServer({
    requestTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(requestTimeoutMs / 4))),
    // Idle keep-alive connections stay open (Node's default closes them after 5 s, and an SDK
    // that reuses one just as it closes gets ECONNRESET); close() closes them.
    keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  }, listener);
  const server = new LocalDynamoServer(httpServer, listener, db, ownsDb, closeTimeoutMs);
  try {
    await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  } catch (error) {
    if (ownsDb) await db.close();
    throw error;
  }
  return server;
}
