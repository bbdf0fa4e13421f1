// An AWS SDK for JavaScript v3 request handler that answers DynamoDB requests
// from a pocketdynamo database instead of the network:
//
//   import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
//   const client = new DynamoDBClient(db.clientConfig());
//   // or: new DynamoDBClient({ region: 'local', credentials: {...}, requestHandler: db.requestHandler() })
//
// The SDK serialises each command as an HTTP request: POST with header
// X-Amz-Target "DynamoDB_20120810.<Operation>" and the request as JSON (AWS
// JSON 1.0). The DynamoDB Streams client (@aws-sdk/client-dynamodb-streams)
// works the same way with "DynamoDBStreams_20120810.<Operation>" (ListStreams,
// DescribeStream, GetShardIterator, GetRecords): the same handler serves it. handle() runs that operation and answers as DynamoDB does:
// status 200 with the response JSON, or status 400 with the error JSON
// {"__type": "...#<Exception>", "message": "..."} from which the SDK builds
// its own error classes (ConditionalCheckFailedException, ...).
//
// The response is a plain object with the shape of @smithy/types'
// HttpResponse ({ statusCode, reason?, headers, body }); body is a Uint8Array,
// which the SDK's body collector takes as it is. No @smithy package is needed
// at run time. Requests are not signed or checked: credentials are ignored.

const TARGET_PREFIXES = ['DynamoDB_20120810.', 'DynamoDBStreams_20120810.'];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function header(headers, name) {
  const lower = name.toLowerCase();
  for (const key of Object.keys(headers ?? {})) {
    if (key.toLowerCase() === lower) return headers[key];
  }
  return undefined;
}

function bodyText(body) {
  if (body === undefined || body === null) return '{}';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return decoder.decode(body);
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    return decoder.decode(body instanceof ArrayBuffer ? new Uint8Array(body)
        : new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  }
  throw new TypeError('pocketdynamo request handler: unsupported request body type');
}

function response(statusCode, text, requestId) {
  const body = encoder.encode(text);
  return {
    response: {
      statusCode,
      reason: statusCode === 200 ? 'OK' : 'Bad Request',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'content-length': String(body.byteLength),
        'x-amzn-requestid': requestId,
      },
      body,
    },
  };
}

/**
 * A request handler for the AWS SDK v3. REQUIRES: sendJsonOutcome(operation,
 * requestJson) resolves to { text, failed }: the core's response JSON text
 * (success or error) and whether it is an error (database-base.js), so the
 * status never depends on what the text holds.
 * @param {(operation: string, requestJson: string) => Promise<{ text: string, failed: boolean }>} sendJsonOutcome
 */
export function createRequestHandler(sendJsonOutcome) {
  let counter = 0;
  const config = {};
  return {
    metadata: { handlerProtocol: 'pocketdynamo' },
    async handle(request, options) {
      if (options?.abortSignal?.aborted) {
        const error = new Error('Request aborted');
        error.name = 'AbortError';
        throw error;
      }
      const requestId = `pocketdynamo-${++counter}`;
      const target = header(request.headers, 'x-amz-target');
      const prefix = typeof target === 'string' ? TARGET_PREFIXES.find((p) => target.startsWith(p)) : undefined;
      if (prefix === undefined) {
        return response(400, JSON.stringify({
          __type: 'com.amazon.coral.service#UnknownOperationException',
          message: `Missing or unsupported X-Amz-Target header: ${String(target)}`,
        }), requestId);
      }
      const operation = target.slice(prefix.length);
      const { text, failed } = await sendJsonOutcome(operation, bodyText(request.body));
      return response(failed ? 400 : 200, text, requestId);
    },
    updateHttpClientConfig(key, value) {
      config[key] = value;
    },
    httpHandlerConfigs() {
      return { ...config };
    },
    destroy() {},
  };
}
