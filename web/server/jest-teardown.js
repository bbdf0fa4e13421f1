// pocketdynamo/jest/teardown: jest's globalTeardown for pocketdynamo/jest
// (jest.js): stops the server the setup started.

export { globalTeardown as default } from './jest.js';
