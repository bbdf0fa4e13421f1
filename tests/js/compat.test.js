// Issue #14's last compatibility details through the real AWS SDK v3 clients:
// DynamoDB's tag character set and texts, a stream's ARN as a tag resource,
// DynamoDB Streams' "Invalid StreamArn", and Query/Scan's Select texts.
import {CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand, QueryCommand, ResourceNotFoundException, ScanCommand, TagResourceCommand, UntagResourceCommand,} from '@aws-sdk/client-dynamodb';
import {DescribeStreamCommand, DynamoDBStreamsClient, GetShardIteratorCommand} from '@aws-sdk/client-dynamodb-streams';
import assert from 'node:assert/strict';
import {test} from 'node:test';

import {openDb, tableSpec} from './support/db.js';

async function setup() {
  const db = await openDb();
  const client = new DynamoDBClient(db.clientConfig());
  const created = await client.send(new CreateTableCommand({
    ...tableSpec('Tbl'),
    StreamSpecification: {StreamEnabled: true, StreamViewType: 'KEYS_ONLY'},
  }));
  return {
    db,
    client,
    arn: created.TableDescription.TableArn,
    streamArn: created.TableDescription.LatestStreamArn
  };
}

test('tags: letters of any script, DynamoDB\'s texts for the rest, all or nothing', async () => {
  const {client, arn} = await setup();
  const good = [
    {Key: 'ключ', Value: 'café'},
    {Key: '表 x', Value: 'a+b-c=d.e_f:g/h@i'},
    {Key: 'א'.repeat(128), Value: ''},
  ];
  await client.send(new TagResourceCommand({ResourceArn: arn, Tags: good}));
  assert.deepEqual(
      (await client.send(new ListTagsOfResourceCommand({ResourceArn: arn}))).Tags, good);
  for (const [tags, message] of [
           [
             [{Key: 'ok', Value: '1'}, {Key: 'bad#char', Value: 'v'}],
             'The Tag Key provided is invalid, Key: bad#char'
           ],
           [[{Key: 'k', Value: '100%'}], 'The Tag Value provided is invalid, Value: 100%'],
           [[{Key: '🔑', Value: 'v'}], 'The Tag Key provided is invalid, Key: 🔑'],
           [
             [{Key: 'x'.repeat(129), Value: 'v'}],
             `The Tag Key provided is invalid, Key: ${'x'.repeat(129)}`
           ],
           [
             [{Key: 'k', Value: 'v'.repeat(257)}],
             `The Tag Value provided is invalid, Value: ${'v'.repeat(257)}`
           ],
           [[{Key: 'AWS:x', Value: 'v'}], 'Tag Key cannot be prefixed with aws:, Key: AWS:x'],
  ]) {
    await assert.rejects(
        client.send(new TagResourceCommand({ResourceArn: arn, Tags: tags})),
        {name: 'ValidationException', message});
  }
  await assert.rejects(
      client.send(new UntagResourceCommand({ResourceArn: arn, TagKeys: ['']})),
      {name: 'ValidationException', message: 'The Tag Key provided is invalid, Key: '});
  assert.deepEqual(
      (await client.send(new ListTagsOfResourceCommand({ResourceArn: arn}))).Tags, good);

  // CreateTable checks its Tags the same way, and creates nothing when they are bad.
  await assert.rejects(
      client.send(new CreateTableCommand({...tableSpec('Bad'), Tags: [{Key: 'a,b', Value: ''}]})),
      {name: 'ValidationException', message: 'The Tag Key provided is invalid, Key: a,b'});
  const fiftyOne = Array.from({length: 51}, (_, i) => ({Key: `k${i}`, Value: ''}));
  await assert.rejects(client.send(new CreateTableCommand({...tableSpec('Bad'), Tags: fiftyOne})), {
    name: 'ValidationException',
    message: 'Number of Tags exceed the current limit for the provided ResourceArn'
  });
  await assert.rejects(
      client.send(new DescribeTableCommand({TableName: 'Bad'})), ResourceNotFoundException);
});

test('tags: a stream\'s ARN has no tags; pocketdynamo says so rather than tag the table', async () => {
  const {client, arn, streamArn} = await setup();
  await client.send(
      new TagResourceCommand({ResourceArn: arn, Tags: [{Key: 'team', Value: 'data'}]}));
  assert.deepEqual(
      (await client.send(new ListTagsOfResourceCommand({ResourceArn: streamArn}))).Tags, []);
  await client.send(new UntagResourceCommand({ResourceArn: streamArn, TagKeys: ['team']}));
  await assert.rejects(
      client.send(new TagResourceCommand({ResourceArn: streamArn, Tags: [{Key: 'a', Value: 'b'}]})),
      {
        name: 'ValidationException',
        message:
            `pocketdynamo keeps no tags on streams (DynamoDB tags a stream apart from its table): ${
                streamArn}`
      });
  assert.deepEqual(
      (await client.send(new ListTagsOfResourceCommand({ResourceArn: arn}))).Tags,
      [{Key: 'team', Value: 'data'}]);
  const index = `${arn}/index/byX`;
  await assert.rejects(client.send(new ListTagsOfResourceCommand({ResourceArn: index})), {
    name: 'ValidationException',
    message:
        `One or more parameter values were invalid: Invalid resource arn provided, only table or stream is accepted. Provided resource arn: ${
            index}`
  });
});

test('DynamoDB Streams: stream ARNs of DynamoDB\'s form, "Invalid StreamArn" for others', async () => {
  const {db, streamArn} = await setup();
  assert.match(
      streamArn,
      /^arn:aws:dynamodb:local:000000000000:table\/Tbl\/stream\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}$/);
  const streams = new DynamoDBStreamsClient(db.clientConfig());
  const described = await streams.send(new DescribeStreamCommand({StreamArn: streamArn}));
  assert.equal(described.StreamDescription.StreamArn, streamArn);
  const shardId = described.StreamDescription.Shards[0].ShardId;
  const unknown = streamArn.replace(/stream\/.*$/, 'stream/2020-01-01T00:00:00.000');
  await assert.rejects(streams.send(new DescribeStreamCommand({StreamArn: unknown})), {
    name: 'ResourceNotFoundException',
    message: `Requested resource not found: Stream: ${unknown} not found`
  });
  for (const bad of [`${streamArn}x`, streamArn.replace('/stream/', '/streams/'), 'x'.repeat(40)]) {
    await assert.rejects(
        streams.send(new DescribeStreamCommand({StreamArn: bad})),
        {name: 'ValidationException', message: 'Invalid StreamArn'});
    await assert.rejects(
        streams.send(new GetShardIteratorCommand(
            {StreamArn: bad, ShardId: shardId, ShardIteratorType: 'LATEST'})),
        {name: 'ValidationException', message: 'Invalid StreamArn'});
  }
});

test(
    'Select with a projection: DynamoDB\'s texts, Query\'s before a syntax error in its filter',
    async () => {
      const {client} = await setup();
      await assert.rejects(
          client.send(new QueryCommand({
            TableName: 'Tbl',
            KeyConditionExpression: 'pk = :p',
            FilterExpression: 'n = :v AND',
            ProjectionExpression: 'pk',
            ExpressionAttributeValues: {':p': {S: 'a'}, ':v': {N: '1'}},
            Select: 'COUNT',
          })),
          {
            name: 'ValidationException',
            message:
                '1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only the Count'
          });
      await assert.rejects(
          client.send(new ScanCommand(
              {TableName: 'Tbl', ProjectionExpression: 'pk', Select: 'ALL_ATTRIBUTES'})),
          {
            name: 'ValidationException',
            message: 'Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES'
          });
      await assert.rejects(
          client.send(
              new ScanCommand({TableName: 'Tbl', AttributesToGet: ['pk'], Select: 'COUNT'})),
          {
            name: 'ValidationException',
            message: 'Cannot specify the AttributesToGet when choosing to get only the Count'
          });
    });
