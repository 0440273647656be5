/**
 * `npm run dlq:redrive [-- --dry-run] [--max N]`: moves messages from the notification
 * dead-letter queue (NOTIFY_DLQ_URL) back to the notify queue (NOTIFY_QUEUE_URL): receive →
 * send (same body) → delete, in batches of 10, at most `--max` messages (default 1000), and
 * prints the counts. `--dry-run` lists the notification ids without moving anything.
 *
 * Safe to repeat: a message is deleted from the DLQ only after the notify queue accepted its
 * copy, and the consumer skips a notification that was already sent (its sent marker).
 *
 * Deployed: take the URLs from the stack outputs (NotifyQueueUrl, NotifyDeadLetterQueueUrl):
 *   NOTIFY_QUEUE_URL=… NOTIFY_DLQ_URL=… AWS_REGION=… npm run dlq:redrive
 * Local stack: the same variables plus CANDLEBOT_SQS_ENDPOINT (npm run stack prints them).
 */
import { ChangeMessageVisibilityBatchCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { createSqsClient } from '../aws/clients.js';
import { awsEnvShape, parseEnv } from '../config/env.js';
import { describeError, isCandlebotError } from '../errors.js';
import { badArgs, parseFlags } from './flags.js';

/** Only SQS is touched: the DynamoDB endpoint is not read. */
export const redriveEnvSchema = z.object({
  NOTIFY_QUEUE_URL: z.url(),
  NOTIFY_DLQ_URL: z.url(),
  ...awsEnvShape,
}).omit({ CANDLEBOT_DDB_ENDPOINT: true });

export interface RedriveOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly dlqUrl: string;
  readonly max: number;
  readonly dryRun: boolean;
  /** How long received DLQ messages stay hidden while being moved (default 60 s). */
  readonly visibilitySeconds?: number;
}

export interface RedriveReport {
  readonly seen: number;
  readonly moved: number;
  readonly failed: number;
  /** Notification ids (or `?<SQS message id>` for a body without one), for --dry-run. */
  readonly ids: readonly string[];
}

function notificationIdOf(body: string | undefined, messageId: string | undefined): string {
  try {
    const id = (JSON.parse(body ?? '') as { id?: unknown }).id;
    if (typeof id === 'string') return id;
  } catch {
    // not JSON: listed by its SQS id
  }
  return `?${messageId ?? 'unknown'}`;
}

/** Moves (or lists) up to `max` DLQ messages; every receive is bounded, nothing is deleted before its copy is sent. */
export async function redriveDlq(options: RedriveOptions): Promise<RedriveReport> {
  const { sqs, queueUrl, dlqUrl, max, dryRun } = options;
  const visibility = options.visibilitySeconds ?? 60;
  let seen = 0;
  let moved = 0;
  let failed = 0;
  const ids: string[] = [];
  const listed: { Id: string; ReceiptHandle: string }[] = [];
  while (seen < max) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: Math.min(10, max - seen), WaitTimeSeconds: 0, VisibilityTimeout: visibility }),
    );
    const messages = (out.Messages ?? []).filter((m) => m.ReceiptHandle && m.Body !== undefined);
    if (messages.length === 0) break;
    seen += messages.length;
    for (const m of messages) ids.push(notificationIdOf(m.Body, m.MessageId));
    if (dryRun) {
      messages.forEach((m, i) => listed.push({ Id: `${listed.length + i}`, ReceiptHandle: m.ReceiptHandle! }));
      continue;
    }
    const sent = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), MessageBody: m.Body! })) }));
    const ok = new Set((sent.Successful ?? []).map((s) => s.Id));
    failed += messages.length - ok.size;
    const toDelete = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })).filter((e) => ok.has(e.Id));
    if (toDelete.length > 0) {
      const deleted = await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: dlqUrl, Entries: toDelete }));
      // A copy whose DLQ original could not be deleted is sent twice at worst: the sent marker absorbs it.
      moved += deleted.Successful?.length ?? 0;
      failed += deleted.Failed?.length ?? 0;
    }
  }
  // Dry run: make the listed messages visible again at once.
  for (let i = 0; i < listed.length; i += 10) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({ QueueUrl: dlqUrl, Entries: listed.slice(i, i + 10).map((e, j) => ({ Id: String(j), ReceiptHandle: e.ReceiptHandle, VisibilityTimeout: 0 })) }),
    );
  }
  return { seen, moved, failed, ids };
}

export const REDRIVE_USAGE =
  'usage: npm run dlq:redrive [-- --dry-run] [--max N]\n' +
  'env:   NOTIFY_QUEUE_URL, NOTIFY_DLQ_URL, AWS_REGION (stack outputs); locally also CANDLEBOT_SQS_ENDPOINT and the credentials npm run stack prints';

export function parseRedriveArgs(argv: readonly string[]): { dryRun: boolean; max: number; help: boolean } {
  const values = parseFlags(argv, { 'dry-run': { type: 'boolean', default: false }, max: { type: 'string', default: '1000' } });
  const raw = values.max ?? '1000';
  const max = Number(raw);
  if (!/^[-+]?\d+$/.test(raw.trim()) || max < 1 || max > 100_000) badArgs(`--max must be an integer 1..100000, got ${raw}`);
  return { dryRun: values['dry-run'] ?? false, max, help: values.help ?? false };
}

async function main(): Promise<void> {
  const { help, ...args } = parseRedriveArgs(process.argv.slice(2));
  if (help) {
    console.log(REDRIVE_USAGE);
    return;
  }
  const env = parseEnv(redriveEnvSchema, process.env);
  const local = env.CANDLEBOT_SQS_ENDPOINT && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
  const sqs = createSqsClient({
    region: env.AWS_REGION,
    endpoint: env.CANDLEBOT_SQS_ENDPOINT,
    credentials: local ? { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } : undefined,
  });
  try {
    const report = await redriveDlq({ sqs, queueUrl: env.NOTIFY_QUEUE_URL, dlqUrl: env.NOTIFY_DLQ_URL, ...args });
    if (args.dryRun) {
      for (const id of report.ids) console.log(id);
      console.log(`dry run: ${report.seen} message(s) in the DLQ (up to --max ${args.max}); nothing moved.`);
    } else {
      console.log(`re-drove ${report.moved} of ${report.seen} message(s) from the DLQ to the notify queue; ${report.failed} failed (left in the DLQ).`);
    }
    if (report.failed > 0) process.exitCode = 1;
  } finally {
    sqs.destroy();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(`dlq:redrive: ${isCandlebotError(error) ? error.message : describeError(error)}`);
    process.exit(1);
  });
}
