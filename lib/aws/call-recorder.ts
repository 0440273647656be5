/**
 * Recording of the AWS SDK calls a function issues, for the IAM coverage test
 * (test/infra/iam-coverage.test.ts): each call's command and the resources it names (tables,
 * indexes, queue URLs, every item of a transaction or batch), never item contents. Off unless
 * the environment sets CANDLEBOT_AWS_CALL_LOG (tests only; never set by serverless.yml).
 */
import { appendFileSync } from 'node:fs';

export type AwsService = 'dynamodb' | 'sqs' | 'secretsmanager';

/** One part of a multi-item call: a TransactWriteItems action or a Batch* request, with its table. */
export interface AwsCallItem {
  /** Put | Update | Delete | ConditionCheck | Get */
  readonly kind: string;
  readonly tableName: string;
}

export interface AwsCallRecord {
  readonly service: AwsService;
  /** The SDK command without `Command`: PutItem, TransactWriteItems, SendMessageBatch… */
  readonly command: string;
  readonly tableName?: string;
  readonly indexName?: string;
  readonly queueUrl?: string;
  /** Secrets Manager: the SecretId asked for (a name or ARN, never a value). */
  readonly secretId?: string;
  /** TransactWriteItems / TransactGetItems / BatchGetItem / BatchWriteItem: one entry per (kind, table). */
  readonly items?: readonly AwsCallItem[];
}

export type AwsCallObserver = (call: AwsCallRecord) => void;

type Input = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const obj = (v: unknown): Input => (v && typeof v === 'object' ? (v as Input) : {});

function uniqueItems(items: AwsCallItem[]): AwsCallItem[] {
  const seen = new Map<string, AwsCallItem>();
  for (const i of items) seen.set(`${i.kind}\u0000${i.tableName}`, i);
  return [...seen.values()];
}

/** The resource-naming parts of one SDK call's input (the marshalled input for DynamoDB). */
export function describeAwsCall(service: AwsService, commandName: string, rawInput: unknown): AwsCallRecord {
  const command = commandName.replace(/Command$/, '');
  const input = obj(rawInput);
  const items: AwsCallItem[] = [];
  if (Array.isArray(input['TransactItems'])) {
    for (const t of input['TransactItems'] as unknown[]) {
      for (const [kind, body] of Object.entries(obj(t))) items.push({ kind, tableName: str(obj(body)['TableName']) ?? '' });
    }
  }
  if (input['RequestItems'] && typeof input['RequestItems'] === 'object') {
    for (const [tableName, requests] of Object.entries(obj(input['RequestItems']))) {
      if (command === 'BatchGetItem') items.push({ kind: 'Get', tableName });
      else for (const r of Array.isArray(requests) ? requests : []) for (const kind of Object.keys(obj(r))) items.push({ kind: kind.replace(/Request$/, ''), tableName });
    }
  }
  const tableName = str(input['TableName']);
  const indexName = str(input['IndexName']);
  const queueUrl = str(input['QueueUrl']);
  const secretId = str(input['SecretId']);
  return {
    service,
    command,
    ...(tableName !== undefined ? { tableName } : {}),
    ...(indexName !== undefined ? { indexName } : {}),
    ...(queueUrl !== undefined ? { queueUrl } : {}),
    ...(secretId !== undefined ? { secretId } : {}),
    ...(items.length ? { items: uniqueItems(items) } : {}),
  };
}

/** The client surface the recorder needs (every SDK v3 client has it). */
interface WithMiddlewareStack {
  readonly middlewareStack: {
    add(middleware: (next: (args: any) => Promise<any>, context: { commandName?: string }) => (args: any) => Promise<any>, options: { step: 'initialize'; name: string }): void;
  };
}

/** Adds a middleware that reports every command sent through `client` (once per call, before retries). */
export function observeAwsCalls(client: WithMiddlewareStack, service: AwsService, observer: AwsCallObserver): void {
  client.middlewareStack.add(
    (next, context) => async (args: { input?: unknown }) => {
      observer(describeAwsCall(service, context.commandName ?? 'Unknown', args.input));
      return next(args);
    },
    { step: 'initialize', name: 'candlebotAwsCallRecorder' },
  );
}

/** An observer appending one JSON line per call to `path` (synchronously: concurrent calls never interleave). */
export function appendAwsCallLog(path: string): AwsCallObserver {
  return (call) => appendFileSync(path, `${JSON.stringify(call)}\n`);
}
