// pocketdynamo/jest/teardown: jest's globalTeardown for pocketdynamo/jest.

/** Stops the server pocketdynamo/jest started. */
export default function globalTeardown(): Promise<void>;
