// AWS Signature Version 4 checking for the server's `credentials` option
// (index.js). Without that option the server accepts any request, signed or
// not, as DynamoDB Local does; with it, a request must carry an
// Authorization header signed with one of the given key pairs:
//
//   no Authorization header               MissingAuthenticationTokenException
//   not 'AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...'
//                                          IncompleteSignatureException
//   an access key id not among the given   UnrecognizedClientException
//   a signature that does not match        InvalidSignatureException
//
// (DynamoDB's types and messages, all status 400, in namespace
// com.amazon.coral.service.) The request's date is not checked against the
// clock: a local endpoint has no replay to fear, and test clocks may be
// fake. Query-string signing (presigned URLs) is not accepted: DynamoDB's
// clients never use it.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

const CORAL = 'com.amazon.coral.service';
const ALGORITHM = 'AWS4-HMAC-SHA256';

function failure(name, message) {
  return { __type: `${CORAL}#${name}`, message };
}

function sha256Hex(data) {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key, data) {
  return createHmac('sha256', key).update(data).digest();
}

// "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=x;y, Signature=hex" -> fields, or null.
function parseAuthorization(value) {
  const text = value.trim();
  if (!text.startsWith(`${ALGORITHM} `)) return null;
  const fields = Object.create(null);
  for (const part of text.slice(ALGORITHM.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) return null;
    fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  if (!fields.Credential || fields.SignedHeaders === undefined || !fields.Signature) return null;
  const scope = fields.Credential.split('/');
  if (scope.length !== 5) return null;
  return { accessKeyId: scope[0], scope, signedHeaders: fields.SignedHeaders.split(';'), signature: fields.Signature };
}

// RFC 3986 encoding as SigV4 wants it (every character but A-Z a-z 0-9 - _ . ~).
function encode(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonicalQuery(search) {
  if (search.length <= 1) return '';
  const pairs = [];
  for (const part of search.slice(1).split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const key = decodeURIComponent((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
    const value = eq < 0 ? '' : decodeURIComponent(part.slice(eq + 1).replace(/\+/g, ' '));
    pairs.push([encode(key), encode(value)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/**
 * Checks the SigV4 signature of a request. REQUIRES: keys maps access key
 * id -> secret access key; rawHeaders is Node's req.rawHeaders; body the
 * request body bytes. Returns null when the request is signed by one of the
 * keys, else DynamoDB's error body.
 */
export function checkSignature(keys, method, url, rawHeaders, body) {
  let authorization;
  const headers = new Map();   // lower-case name -> values in order
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (name === 'authorization') authorization = rawHeaders[i + 1];
    if (!headers.has(name)) headers.set(name, []);
    headers.get(name).push(rawHeaders[i + 1].trim().replace(/\s+/g, ' '));
  }
  if (authorization === undefined) {
    return failure('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
  }
  const auth = parseAuthorization(authorization);
  if (auth === null) {
    return failure('IncompleteSignatureException',
        `Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters ` +
        `(algorithm ${ALGORITHM}). Authorization=${authorization}`);
  }
  const secret = keys.get(auth.accessKeyId);
  if (secret === undefined) {
    return failure('UnrecognizedClientException', 'The security token included in the request is invalid.');
  }
  const amzDate = headers.get('x-amz-date')?.[0] ?? headers.get('date')?.[0];
  if (amzDate === undefined) {
    return failure('IncompleteSignatureException',
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const search = queryAt < 0 ? '' : url.slice(queryAt);
  const canonicalHeaders = auth.signedHeaders.map((name) => `${name}:${(headers.get(name) ?? []).join(',')}\n`).join('');
  // The signature covers x-amz-content-sha256 when the client sent it; the body must then match it.
  const bodyHash = sha256Hex(body);
  const payloadHash = headers.get('x-amz-content-sha256')?.[0] ?? bodyHash;
  if (payloadHash !== bodyHash) {
    return failure('InvalidSignatureException',
        "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const canonicalRequest = [method, path || '/', canonicalQuery(search), canonicalHeaders,
    auth.signedHeaders.join(';'), payloadHash].join('\n');
  const [, date, region, service, terminator] = auth.scope;
  const stringToSign = [ALGORITHM, amzDate, `${date}/${region}/${service}/${terminator}`,
    sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), terminator);
  const expected = Buffer.from(hmac(signingKey, stringToSign).toString('hex'));
  const given = Buffer.from(auth.signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return failure('InvalidSignatureException', 'The request signature we calculated does not match the ' +
        'signature you provided. Check your AWS Secret Access Key and signing method. Consult the service ' +
        'documentation for details.');
  }
  return null;
}
