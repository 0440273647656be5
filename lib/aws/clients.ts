import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { observeAwsCalls, type AwsCallObserver } from './call-recorder.js';
import { countDynamoErrors, type DynamoErrorCounter } from './dynamo-errors.js';

export interface AwsClientOptions {
  readonly region: string;
  /** Local stack endpoint; omitted in production. */
  readonly endpoint?: string | undefined;
  /** Explicit credentials (local stack only). */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
  /** Sees every command the client sends (the IAM coverage test records them); absent in production. */
  readonly onCall?: AwsCallObserver | undefined;
  /** Counts the DynamoDB attempts throttled or failed with a 5xx (metric DynamoDBErrors, lib/aws/dynamo-errors.ts). */
  readonly dynamoErrors?: DynamoErrorCounter | undefined;
}

function common(options: AwsClientOptions) {
  return {
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
  };
}

/** Bounded: 3 attempts (SDK backoff), 1 s to connect, 5 s per request. */
const bounded = { maxAttempts: 3, requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 } } as const;

export function createDocumentClient(options: AwsClientOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ ...common(options), ...bounded });
  // The document client shares this middleware stack: its calls are seen marshalled (PutItem…).
  if (options.onCall) observeAwsCalls(client, 'dynamodb', options.onCall);
  if (options.dynamoErrors) countDynamoErrors(client, options.dynamoErrors);
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function createSqsClient(options: AwsClientOptions): SQSClient {
  // Long polls (20 s) need a longer request timeout than the DynamoDB calls.
  const client = new SQSClient({
    ...common(options),
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 25_000 },
  });
  if (options.onCall) observeAwsCalls(client, 'sqs', options.onCall);
  return client;
}
