// The environment the test presets (vitest.js, jest.js) give the test
// workers: the endpoint for every AWS SDK, and placeholder region and
// credentials where none are set (a local endpoint checks no signature).

export const PLACEHOLDER = { region: 'local', accessKeyId: 'local', secretAccessKey: 'local' };

export function setEndpointEnvironment(endpoint) {
  process.env.AWS_ENDPOINT_URL_DYNAMODB = endpoint;
  process.env.POCKETDYNAMO_ENDPOINT = endpoint;
  process.env.AWS_REGION ??= PLACEHOLDER.region;
  process.env.AWS_ACCESS_KEY_ID ??= PLACEHOLDER.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= PLACEHOLDER.secretAccessKey;
}
