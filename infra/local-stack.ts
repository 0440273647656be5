/**
 * The local AWS stack for `npm start`, `npm run stack` and the tests: DynamoDB Local + the
 * fauxqs SQS emulator, with the tables and queues of infra/*.yml created on them.
 */
import { buildApp } from 'fauxqs';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-clients.js';
import { createResources, type LocalResources } from './local-resources.js';

export { createResources, type LocalResources } from './local-resources.js';
export { JavaMissingError, JAVA_MISSING_MESSAGE } from './java.js';

/** Logical id (infra/*.yml) → environment variable the functions read. */
export const RESOURCE_ENV = {
  SignalsTable: 'SIGNALS_TABLE',
  StateTable: 'STATE_TABLE',
  PositionsTable: 'POSITIONS_TABLE',
  UsersTable: 'USERS_TABLE',
  DeliveriesTable: 'DELIVERIES_TABLE',
  LiveTable: 'LIVE_TABLE',
  NotifyQueue: 'NOTIFY_QUEUE_URL',
  NotifyDeadLetterQueue: 'NOTIFY_DLQ_URL',
} as const;

/** Environment variables for the functions (table names, queue URLs, endpoints, region…). */
export type LocalEnv = Readonly<
  Record<(typeof RESOURCE_ENV)[keyof typeof RESOURCE_ENV], string> & {
    AWS_REGION: string;
    AWS_ACCESS_KEY_ID: string;
    AWS_SECRET_ACCESS_KEY: string;
    CANDLEBOT_DDB_ENDPOINT: string;
    CANDLEBOT_SQS_ENDPOINT: string;
  }
>;

export interface LocalStack {
  readonly ddbEndpoint: string;
  readonly sqsEndpoint: string;
  readonly tables: Readonly<Record<string, string>>;
  readonly queues: Readonly<Record<string, string>>;
  readonly env: LocalEnv;
  stop(): Promise<void>;
}

export interface LocalStackOptions {
  readonly prefix?: string;
  /** Default: a free random high port. */
  readonly ddbPort?: number;
  /** Default: a free random port chosen by the OS. */
  readonly sqsPort?: number;
  /** Apply the tables' TTL (default true); off for a replay, whose clock stands in the past (infra/local-resources.ts). */
  readonly timeToLive?: boolean;
}

/** The variables functions read to reach the given resources on the local endpoints. */
export function localEnv(resources: Pick<LocalResources, 'tables' | 'queues'>, ddbEndpoint: string, sqsEndpoint: string): LocalEnv {
  const all: Readonly<Record<string, string>> = { ...resources.tables, ...resources.queues };
  const named = {} as Record<(typeof RESOURCE_ENV)[keyof typeof RESOURCE_ENV], string>;
  for (const [logicalId, name] of Object.entries(RESOURCE_ENV)) {
    const value = all[logicalId];
    if (value === undefined) throw new Error(`infra/*.yml has no ${logicalId} (needed for ${name})`);
    named[name] = value;
  }
  return {
    ...named,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    CANDLEBOT_DDB_ENDPOINT: ddbEndpoint,
    CANDLEBOT_SQS_ENDPOINT: sqsEndpoint,
  };
}

/** Starts the SQS emulator on 127.0.0.1. */
export async function startSqsEmulator(port = 0): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION });
  await app.listen({ port, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address !== 'object') throw new Error('fauxqs: no listening address');
  return { endpoint: `http://127.0.0.1:${address.port}`, stop: () => app.close() };
}

/** Throws JavaMissingError (message: JAVA_MISSING_MESSAGE) when Java 17 is not available. */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const prefix = options.prefix ?? 'candlebot-local';
  const ddb = await startDynamoDbLocal(options.ddbPort ? { port: options.ddbPort } : {});
  let sqs: Awaited<ReturnType<typeof startSqsEmulator>> | undefined;
  try {
    sqs = await startSqsEmulator(options.sqsPort);
    const resources = await createResources({ ddbEndpoint: ddb.endpoint, sqsEndpoint: sqs.endpoint, prefix, timeToLive: options.timeToLive ?? true });
    const sqsStop = sqs.stop;
    let stopped: Promise<void> | undefined;
    return {
      ddbEndpoint: ddb.endpoint,
      sqsEndpoint: sqs.endpoint,
      tables: resources.tables,
      queues: resources.queues,
      env: localEnv(resources, ddb.endpoint, sqs.endpoint),
      stop: () => (stopped ??= Promise.all([ddb.stop(), sqsStop()]).then(() => undefined)),
    };
  } catch (error) {
    await Promise.allSettled([ddb.stop(), sqs?.stop()]);
    throw error;
  }
}
