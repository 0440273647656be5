import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { translateAwsError } from '../aws/errors.js';
import { PermanentError, TransientError } from '../errors.js';
import { notificationSchema, type Notification } from '../notify/notification.js';
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
 * JSON with every non-ASCII character escaped (\\uXXXX): the body is plain ASCII, so no
 * SQS implementation can refuse a character of it (emoji in message text included).
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Sends notifications in batches of 10. Entries SQS rejects as its own fault are retried
 * (bounded, with backoff); a sender-fault entry is a permanent error; after the last attempt
 * a transient error is thrown so the outbox row stays pending and is re-driven.
 */
export function createSqsNotificationQueue(options: SqsQueueOptions): NotificationQueue {
  const { client, queueUrl, attempts = 3 } = options;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));

  async function sendBatch(batch: readonly Notification[]): Promise<void> {
    let remaining = batch.map((n, i) => ({ Id: String(i), MessageBody: asciiJson(notificationSchema.parse(n)), id: n.id }));
    for (let attempt = 1; remaining.length > 0; attempt++) {
      let failed: { Id?: string | undefined; SenderFault?: boolean | undefined; Code?: string | undefined; Message?: string | undefined }[];
      try {
        const out = await client.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: remaining.map(({ Id, MessageBody }) => ({ Id, MessageBody })) }),
        );
        failed = out.Failed ?? [];
      } catch (error) {
        const translated = translateAwsError(error, 'enqueue notifications');
        if (translated instanceof TransientError && attempt < attempts) {
          await sleep(100 * 2 ** attempt);
          continue;
        }
        throw translated;
      }
      const senderFault = failed.find((f) => f.SenderFault);
      if (senderFault) {
        const entry = remaining.find((r) => r.Id === senderFault.Id);
        throw new PermanentError(`SQS rejected notification ${entry?.id}: ${senderFault.Code} ${senderFault.Message}`, { code: 'QUEUE_REJECTED' });
      }
      const failedIds = new Set(failed.map((f) => f.Id));
      remaining = remaining.filter((r) => failedIds.has(r.Id));
      if (remaining.length > 0) {
        if (attempt >= attempts) {
          throw new TransientError(`SQS did not accept ${remaining.length} notification(s) after ${attempts} attempts`, { code: 'QUEUE_PARTIAL' });
        }
        await sleep(100 * 2 ** attempt);
      }
    }
  }

  return {
    async send(notifications) {
      for (let i = 0; i < notifications.length; i += BATCH) {
        await sendBatch(notifications.slice(i, i + BATCH));
      }
    },
  };
}
