import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';

export interface AwsClientOptions {
  readonly region: string;
  /** Local stack endpoint; omitted in production. */
  readonly endpoint?: string | undefined;
}

/** Bounded: 3 attempts (SDK backoff), 1 s to connect, 5 s per request. */
const bounded = { maxAttempts: 3, requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 } } as const;

export function createDocumentClient(options: AwsClientOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ region: options.region, ...bounded, ...(options.endpoint ? { endpoint: options.endpoint } : {}) });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function createSqsClient(options: AwsClientOptions): SQSClient {
  // Long polls (20 s) need a longer request timeout than the DynamoDB calls.
  return new SQSClient({
    region: options.region,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 25_000 },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
  });
}
