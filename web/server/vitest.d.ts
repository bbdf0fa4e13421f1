// pocketdynamo/vitest: a vitest globalSetup (test.globalSetup: ['pocketdynamo/vitest']).

/** Starts the server, sets AWS_ENDPOINT_URL_DYNAMODB, provides 'pocketdynamoEndpoint'; returns the teardown. */
export default function setup(project?: { provide?(key: string, value: unknown): void }): Promise<() => Promise<void>>;

declare module 'vitest' {
  export interface ProvidedContext {
    pocketdynamoEndpoint: string;
  }
}
