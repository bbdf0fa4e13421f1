// pocketdynamo/jest: jest's globalSetup ('pocketdynamo/jest') and
// globalTeardown ('pocketdynamo/jest/teardown').

/** Starts the server and sets AWS_ENDPOINT_URL_DYNAMODB (and POCKETDYNAMO_ENDPOINT). */
export default function globalSetup(): Promise<void>;
/** Stops the server globalSetup started. */
export declare function globalTeardown(): Promise<void>;
