import { DeleteMessageBatchCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { notificationSchema, type Notification } from '../../lib/core/notification.js';

/** Drains every message from a queue (until it answers empty twice), parsing each with the producer's schema. */
export async function drainQueue(sqs: SQSClient, queueUrl: string): Promise<Notification[]> {
  const out: Notification[] = [];
  for (let empty = 0; empty < 2; ) {
    const res = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 300 }));
    const messages = res.Messages ?? [];
    if (messages.length === 0) {
      empty++;
      continue;
    }
    empty = 0;
    for (const m of messages) out.push(notificationSchema.parse(JSON.parse(m.Body!)));
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  return out;
}
