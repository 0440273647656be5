/** Helpers of `npm run cost`'s scenarios (test/bench/cost/scenarios.ts): the queued messages, SQS events, table sizes, log lines. */
import { ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { localDocumentClient, localSqs } from '../../../infra/local-clients.js';
import type { Quantities } from '../../../lib/cost/measurement.js';

/** Notify batch sizes, in turn (full batches and partial ones, for the per-message fit). */
export const BATCH_SIZES = [10, 10, 3, 10, 1, 5, 10, 2];

/** Every message of the queue (hidden for the measurement), grouped by the signal/close/summary they carry, in queue order. */
export async function queuedBySource(sqs: ReturnType<typeof localSqs>, queueUrl: string): Promise<Message[][]> {
  const groups = new Map<string, Message[]>();
  for (;;) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 900, MessageSystemAttributeNames: ['All'] }));
    const messages = out.Messages ?? [];
    if (messages.length === 0) break;
    for (const m of messages) {
      let source = '?';
      try {
        source = String((JSON.parse(m.Body ?? '') as { sourceId?: unknown }).sourceId ?? '?');
      } catch {
        source = 'not-json';
      }
      groups.set(source, [...(groups.get(source) ?? []), m]);
    }
  }
  return [...groups.values()];
}

/** The SQS event Lambda's event source mapping hands notify. */
export function sqsEvent(messages: readonly Message[]) {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: { ApproximateReceiveCount: m.Attributes?.['ApproximateReceiveCount'] ?? '1', SentTimestamp: '0', SenderId: 'cost', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:NotifyQueue',
      awsRegion: 'us-east-1',
    })),
  };
}

/** What a warm-up invocation (module loading, first use) took here: not part of the per-invocation figures. */
export const warmUpNote = (fn: string, q: Quantities): string =>
  `${fn}: the first invocation in this process (module loading through tsx, not a bundle) took ${q.wallMs.toFixed(0)} ms wall, ${q.cpuMs.toFixed(0)} ms CPU — counted as INIT (--init-ms) instead of per cold start`;

/** The message of the first error-level JSON log line (what a failed invocation says). */
export function firstError(log: string): string {
  for (const line of log.split('\n')) {
    if (!line.includes('"level":"ERROR"') && !line.includes('"level":"WARN"')) continue;
    try {
      const o = JSON.parse(line) as { message?: string; error?: { message?: string } };
      return `${o.message ?? ''}${o.error?.message ? `: ${o.error.message}` : ''}`.slice(0, 200);
    } catch {
      return line.slice(0, 200);
    }
  }
  return 'no error line logged';
}

/** Approximate DynamoDB size of the rows of a table (attribute names + JSON values + 100 bytes per item). */
export async function tableBytes(doc: ReturnType<typeof localDocumentClient>, table: string): Promise<number> {
  let bytes = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) bytes += 100 + Object.entries(item).reduce((s, [k, v]) => s + k.length + JSON.stringify(v ?? null).length, 0);
    start = out.LastEvaluatedKey;
  } while (start);
  return bytes;
}
