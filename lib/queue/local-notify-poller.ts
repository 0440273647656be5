import { randomUUID } from 'node:crypto';
import { DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { localContext } from '../aws/lambda-context.js';
import { describeError } from '../errors.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface LocalNotifyPollerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly handler: SqsHandler;
  /** Parallel receive loops, like the event source's maximumConcurrency (default 1). */
  readonly concurrency?: number;
  /** Messages per batch, ≤ 10 (default 10, as serverless.yml). */
  readonly batchSize?: number;
  /** Long-poll wait per receive (default 1 s, so stop() is quick). */
  readonly waitSeconds?: number;
  /** Each invocation's time budget, as the deployed function's timeout (default 30 s). */
  readonly timeoutMs?: number;
  readonly region?: string;
  readonly onError?: (message: string) => void;
}

export interface PollerStats {
  readonly batches: number;
  readonly received: number;
  readonly deleted: number;
  readonly failedItems: number;
  /** Invocations that threw (the whole batch stays on the queue, as with Lambda). */
  readonly handlerErrors: number;
}

export interface LocalNotifyPoller {
  start(): void;
  /** Stops receiving, waits for the batches in progress. */
  stop(): Promise<void>;
  readonly stats: PollerStats;
}

/**
 * Local stand-in for Lambda's SQS event source (npm start, tests, bench): long-polls the notify
 * queue, hands each batch to the notify handler as a Lambda SQS event and deletes only the
 * records that are not in `batchItemFailures` (a partial batch response; failed records come
 * back after their visibility timeout, which the handler sets). A handler that throws leaves
 * the whole batch on the queue, as Lambda does.
 */
export function createLocalNotifyPoller(options: LocalNotifyPollerOptions): LocalNotifyPoller {
  const { sqs, queueUrl, handler } = options;
  const concurrency = Math.max(1, Math.min(50, options.concurrency ?? 1));
  const batchSize = Math.max(1, Math.min(10, options.batchSize ?? 10));
  const waitSeconds = options.waitSeconds ?? 1;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const region = options.region ?? 'us-east-1';
  const onError = options.onError ?? ((m: string) => console.warn(m));
  const stats = { batches: 0, received: 0, deleted: 0, failedItems: 0, handlerErrors: 0 };
  let stopping = false;
  let loops: Promise<void>[] = [];
  let arn: Promise<string> | undefined;

  const queueArn = (): Promise<string> =>
    (arn ??= sqs
      .send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))
      .then((out) => out.Attributes?.['QueueArn'] ?? `arn:aws:sqs:${region}:000000000000:local-notify`));

  function toRecord(m: Message, eventSourceARN: string): SQSRecord {
    const a = m.Attributes ?? {};
    return {
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: a['ApproximateReceiveCount'] ?? '1',
        SentTimestamp: a['SentTimestamp'] ?? String(Date.now()),
        SenderId: a['SenderId'] ?? 'local',
        ApproximateFirstReceiveTimestamp: a['ApproximateFirstReceiveTimestamp'] ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN,
      awsRegion: region,
    };
  }

  async function pollOnce(): Promise<void> {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batchSize, WaitTimeSeconds: waitSeconds, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
    );
    const messages = (out.Messages ?? []).filter((m) => m.MessageId && m.ReceiptHandle);
    if (messages.length === 0) return;
    stats.batches++;
    stats.received += messages.length;
    const eventSourceARN = await queueArn();
    const event: SQSEvent = { Records: messages.map((m) => toRecord(m, eventSourceARN)) };
    let failed: Set<string>;
    try {
      const response = await handler(event, localContext('candlebot-local-notify', timeoutMs, randomUUID()));
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      stats.handlerErrors++;
      onError(`notify handler failed; the batch of ${messages.length} stays on the queue: ${describeError(error)}`);
      return;
    }
    stats.failedItems += failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId!));
    if (done.length === 0) return;
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }),
    );
    stats.deleted += deleted.Successful?.length ?? 0;
    for (const f of deleted.Failed ?? []) onError(`could not delete a delivered message (it will be redelivered and skipped by its sent marker): ${f.Code} ${f.Message}`);
  }

  async function loop(): Promise<void> {
    while (!stopping) {
      try {
        await pollOnce();
      } catch (error) {
        if (stopping) return;
        onError(`notify poller: ${describeError(error)}; retrying in 1 s`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  return {
    stats,
    start() {
      if (loops.length > 0) return;
      stopping = false;
      loops = Array.from({ length: concurrency }, () => loop());
    },
    async stop() {
      stopping = true;
      await Promise.all(loops);
      loops = [];
    },
  };
}
