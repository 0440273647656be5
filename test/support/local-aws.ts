/**
 * Test helpers on the local stack started once by test/run.ts (`npm test`):
 * `testResources(prefix)` creates an isolated copy of the tables and queues of infra/*.yml
 * and returns their names/URLs with ready clients for the local endpoints.
 */
import { randomBytes } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { localDocumentClient, localDynamoDb, localSqs } from '../../infra/local-clients.js';
import { createResources } from '../../infra/local-resources.js';
import { localEnv, type LocalEnv } from '../../infra/local-stack.js';

export const TEST_DDB_ENDPOINT_VAR = 'CANDLEBOT_TEST_DDB_ENDPOINT';
export const TEST_SQS_ENDPOINT_VAR = 'CANDLEBOT_TEST_SQS_ENDPOINT';

export interface TestResources {
  readonly prefix: string;
  readonly ddbEndpoint: string;
  readonly sqsEndpoint: string;
  /** Logical id → table name (SignalsTable, StateTable). */
  readonly tables: Readonly<Record<string, string>>;
  /** Logical id → queue URL (NotifyQueue, NotifyDeadLetterQueue). */
  readonly queues: Readonly<Record<string, string>>;
  readonly queueArns: Readonly<Record<string, string>>;
  /** SIGNALS_TABLE, STATE_TABLE, NOTIFY_QUEUE_URL, NOTIFY_DLQ_URL, endpoints, region… */
  readonly env: LocalEnv;
  readonly ddb: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** Destroys the clients (the emulators go away with the test run). */
  close(): void;
}

/** The endpoints of the stack test/run.ts started; a clear error when run another way. */
export function testEndpoints(): { ddbEndpoint: string; sqsEndpoint: string } {
  const ddbEndpoint = process.env[TEST_DDB_ENDPOINT_VAR];
  const sqsEndpoint = process.env[TEST_SQS_ENDPOINT_VAR];
  if (!ddbEndpoint || !sqsEndpoint) {
    throw new Error(
      `${TEST_DDB_ENDPOINT_VAR} / ${TEST_SQS_ENDPOINT_VAR} are not set: run tests with npm test (it starts the local stack once)`,
    );
  }
  return { ddbEndpoint, sqsEndpoint };
}

/** A unique prefix per call: `<name>-<random>`. */
export function uniquePrefix(name: string): string {
  const clean = name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 24);
  return `${clean}-${randomBytes(4).toString('hex')}`;
}

/**
 * Creates isolated tables/queues named `<prefix>-<random>-<LogicalId>` on the running stack.
 * TTL is off unless asked for: tests run on fixed clocks (often months ago), and DynamoDB Local
 * deletes rows whose `expiresAt` has passed within seconds — a row could vanish mid-test.
 */
export async function testResources(prefix: string, options: { readonly timeToLive?: boolean } = {}): Promise<TestResources> {
  const { ddbEndpoint, sqsEndpoint } = testEndpoints();
  const unique = uniquePrefix(prefix);
  const created = await createResources({ ddbEndpoint, sqsEndpoint, prefix: unique, timeToLive: options.timeToLive ?? false });
  const doc = localDocumentClient(ddbEndpoint);
  const ddb = localDynamoDb(ddbEndpoint);
  const sqs = localSqs(sqsEndpoint);
  return {
    prefix: unique,
    ddbEndpoint,
    sqsEndpoint,
    tables: created.tables,
    queues: created.queues,
    queueArns: created.queueArns,
    env: localEnv(created, ddbEndpoint, sqsEndpoint),
    ddb,
    doc,
    sqs,
    close() {
      doc.destroy();
      ddb.destroy();
      sqs.destroy();
    },
  };
}
