/**
 * The DynamoDBErrors counter (lib/aws/dynamo-errors.ts) on a real document client
 * (lib/aws/clients.ts) against a fake DynamoDB endpoint on 127.0.0.1: every attempt inside the
 * SDK's retries that was throttled or answered 5xx counts; a transaction conflict, a failed
 * condition and a success do not.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GetCommand, TransactWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/aws/clients.js';
import { createDynamoErrorCounter, isDynamoErrorAttempt } from '../../lib/aws/dynamo-errors.js';

type Answer = readonly [status: number, body: Record<string, unknown>];
const error = (status: number, type: string): Answer => [status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message: type }];

/** A fake DynamoDB answering the scripted answers in order (then 200 `{}`), counting requests. */
async function fakeDynamo(script: Answer[]): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      requests++;
      const [status, body] = script.shift() ?? [200, {}];
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function withClient(script: Answer[], run: (send: (command: never) => Promise<unknown>) => Promise<void>): Promise<{ counted: number; requests: number }> {
  const fake = await fakeDynamo(script);
  const counter = createDynamoErrorCounter();
  const client = createDocumentClient({ region: 'us-east-1', endpoint: fake.url, credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, dynamoErrors: counter });
  try {
    await run((command) => client.send(command));
    return { counted: counter.take(), requests: fake.requests() };
  } finally {
    client.destroy();
    await fake.close();
  }
}

describe('DynamoDBErrors counter', () => {
  it('counts each throttled or 5xx attempt inside the SDK retries, even when the call finally succeeds', async () => {
    const r = await withClient([error(400, 'ThrottlingException'), error(500, 'InternalServerError')], async (send) => {
      await send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }) as never);
    });
    assert.deepEqual(r, { counted: 2, requests: 3 });
  });
  it('counts ProvisionedThroughputExceededException and RequestLimitExceeded; a call that fails after its attempts counts each', async () => {
    const r = await withClient([error(400, 'ProvisionedThroughputExceededException'), error(400, 'RequestLimitExceeded'), error(503, 'ServiceUnavailable')], async (send) => {
      await assert.rejects(send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }) as never), /ServiceUnavailable/);
    });
    assert.deepEqual(r, { counted: 3, requests: 3 });
  });
  it('does not count a transaction conflict, a failed condition or a success', async () => {
    const r = await withClient([error(400, 'TransactionConflictException'), error(400, 'ConditionalCheckFailedException')], async (send) => {
      await assert.rejects(send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: 't', Item: { pk: 'a' } } }] }) as never));
      await assert.rejects(send(new PutCommand({ TableName: 't', Item: { pk: 'a' }, ConditionExpression: 'attribute_not_exists(pk)' }) as never), /ConditionalCheckFailed/);
      await send(new GetCommand({ TableName: 't', Key: { pk: 'a' } }) as never);
    });
    assert.equal(r.counted, 0);
  });
  it('take() resets; isDynamoErrorAttempt classifies by name and HTTP status', () => {
    const counter = createDynamoErrorCounter();
    counter.add();
    assert.equal(counter.take(), 1);
    assert.equal(counter.take(), 0);
    assert.equal(isDynamoErrorAttempt({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }), true);
    assert.equal(isDynamoErrorAttempt({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } }), true);
    assert.equal(isDynamoErrorAttempt({ name: 'TransactionCanceledException', $metadata: { httpStatusCode: 400 } }), false);
    assert.equal(isDynamoErrorAttempt(new Error('socket hang up')), false);
    assert.equal(isDynamoErrorAttempt(undefined), false);
  });
});
