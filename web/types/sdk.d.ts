// The AWS SDK v3 adapter's types, structurally compatible with @smithy/types
// (no dependency on it): pass requestHandler() as DynamoDBClient's requestHandler.

/** The HTTP request the SDK hands to a request handler (the parts used). */
export interface SdkHttpRequest {
  method?: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | ArrayBuffer | ArrayBufferView;
}

/** The HTTP response given back to the SDK (@smithy/types HttpResponse shape). */
export interface SdkHttpResponse {
  statusCode: number;
  reason?: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** An AWS SDK v3 HttpHandler that answers DynamoDB requests from the database. */
export interface RequestHandler {
  metadata: { handlerProtocol: string };
  handle(request: SdkHttpRequest, options?: { abortSignal?: { aborted: boolean } }): Promise<{ response: SdkHttpResponse }>;
  updateHttpClientConfig(key: PropertyKey, value: unknown): void;
  httpHandlerConfigs(): Record<PropertyKey, unknown>;
  destroy(): void;
}

/** What db.clientConfig() returns: a DynamoDBClient configuration. */
export interface ClientConfig {
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts: number;
  requestHandler: RequestHandler;
}
