import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { translateAwsError } from '../aws/errors.js';
import { PermanentError, TransientError } from '../errors.js';
import { retry, type RetryPolicy } from '../retry.js';
import { notificationSchema } from '../core/notification.js';
import type { NotificationQueue } from '../ports/queue.js';

export interface SqsQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Attempts for entries SQS reports as failed without the sender's fault. */
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

const BATCH = 10; // SQS SendMessageBatch limit
/**
 * SQS limits a batch's total payload (and one message) to 256 KiB. Notifications with a chart
 * are ~13-40 KB each, so batches are cut by bytes as well as by count.
 */
export const MAX_BATCH_BYTES = 256 * 1024 - 1024;

/** Splits encoded bodies into SendMessageBatch groups: ≤ 10 entries and ≤ maxBytes each. */
export function batchesOf<T extends { readonly body: string }>(items: readonly T[], maxBytes = MAX_BATCH_BYTES): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(item.body);
    if (size > maxBytes) throw new PermanentError(`a notification body is ${size} bytes, over the SQS limit of ${maxBytes}`, { code: 'NOTIFICATION_TOO_LARGE' });
    if (current.length === BATCH || (current.length > 0 && bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * JSON with every non-ASCII character escaped (\\uXXXX): the body is plain ASCII, so no
 * SQS implementation can refuse a character of it (emoji in message text included).
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Retries of entries SQS failed on its side: full jitter, 200 ms doubling, at most 2 s a wait. */
const QUEUE_RETRY = { baseMs: 200, capMs: 2_000 } as const;

/**
 * Sends notifications in batches of 10. Entries SQS rejects as its own fault, and transient
 * errors of the call, are retried (lib/retry.ts: bounded, jittered backoff); a sender-fault
 * entry is a permanent error; after the last attempt a transient error is thrown so the outbox
 * row stays pending and is re-driven.
 */
export function createSqsNotificationQueue(options: SqsQueueOptions): NotificationQueue {
  const { client, queueUrl, attempts = 3 } = options;
  const policy: RetryPolicy = { ...QUEUE_RETRY, attempts };

  async function sendBatch(batch: readonly { readonly body: string; readonly id: string }[]): Promise<void> {
    let remaining = batch.map((n, i) => ({ Id: String(i), MessageBody: n.body, id: n.id }));
    const sendRemaining = async (attempt: number): Promise<void> => {
      let out;
      try {
        out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: remaining.map(({ Id, MessageBody }) => ({ Id, MessageBody })) }));
      } catch (error) {
        throw translateAwsError(error, 'enqueue notifications');
      }
      const failed = out.Failed ?? [];
      const senderFault = failed.find((f) => f.SenderFault);
      if (senderFault) {
        const entry = remaining.find((r) => r.Id === senderFault.Id);
        throw new PermanentError(`SQS rejected notification ${entry?.id}: ${senderFault.Code} ${senderFault.Message}`, { code: 'QUEUE_REJECTED' });
      }
      const failedIds = new Set(failed.map((f) => f.Id));
      remaining = remaining.filter((r) => failedIds.has(r.Id));
      if (remaining.length > 0) {
        throw new TransientError(`SQS did not accept ${remaining.length} notification(s) after ${attempt} attempts`, { code: 'QUEUE_PARTIAL' });
      }
    };
    await retry(sendRemaining, policy, options.sleep === undefined ? {} : { sleep: options.sleep });
  }

  return {
    async send(notifications) {
      const encoded = notifications.map((n) => ({ id: n.id, body: asciiJson(notificationSchema.parse(n)) }));
      for (const batch of batchesOf(encoded)) await sendBatch(batch);
    },
  };
}
