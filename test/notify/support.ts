/**
 * Shared set-up of the notify tests: isolated tables/queues on the local stack, the fake Bot
 * API, the notify runtime + handler wired exactly as deployed (telegraf adapter, DynamoDB
 * stores, D's user store), and helpers to enqueue and to invoke the handler with real SQS
 * receipts.
 */
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageBatchCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent } from 'aws-lambda';
import { makeNotifyHandler } from '../../functions/notify.js';
import { notifyEnvSchema, parseEnv } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig, BotConfigInput } from '../../lib/config/schema.js';
import { localContext } from '../../lib/aws/lambda-context.js';
import { notificationSchema, type Notification, type NotificationInput } from '../../lib/core/notification.js';
import { createNotifyRuntime, type NotifyRuntime, type NotifyTuning } from '../../lib/runtime/notify.js';
import type { RenderChart } from '../../lib/notify/chart-photos.js';
import { asciiJson } from '../../lib/queue/sqs-notification-queue.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import type { UserStore } from '../../lib/ports/users.js';
import { startFakeTelegram, DEFAULT_FAKE_TOKEN, type FakeTelegram, type FakeTelegramOptions } from '../support/fake-telegram/index.js';
import { testResources, type TestResources } from '../support/local-aws.js';

process.env.POWERTOOLS_METRICS_DISABLED = 'true';
process.env.POWERTOOLS_DEV = 'false';

export const BASE_CONFIG: BotConfigInput = {
  exchanges: [{ id: 'binance', symbols: ['BTC/USDT'], timeframes: ['1h'] }],
  strategies: [{ name: 'ema-cross' }],
};

export function testConfig(delivery: Partial<NonNullable<NonNullable<BotConfigInput['telegram']>['delivery']>> = {}): BotConfig {
  return parseConfig({ ...BASE_CONFIG, telegram: { delivery: { perChatIntervalMs: 1000, globalPerSecond: 25, charts: true, chartCandles: 150, ...delivery } } });
}

export interface NotifySetup {
  readonly res: TestResources;
  readonly fake: FakeTelegram;
  readonly runtime: NotifyRuntime;
  readonly users: UserStore;
  readonly handler: ReturnType<typeof makeNotifyHandler>;
  /** Another handler with its own runtime (a separate Lambda container: own clients, limiter, memo). */
  newHandler(): ReturnType<typeof makeNotifyHandler>;
  readonly env: Record<string, string>;
  /** Sends bodies (notifications are serialised as the producer does; strings as they are). */
  enqueue(items: readonly (NotificationInput | string)[]): Promise<void>;
  /** Receives up to 10 visible messages as a Lambda SQS event (waits up to `waitSeconds`). */
  receive(waitSeconds?: number): Promise<SQSEvent>;
  /** Invokes the handler; returns the failed message ids. */
  invoke(event: SQSEvent, timeoutMs?: number): Promise<string[]>;
  /** Visible + in-flight messages of the notify queue. */
  depth(): Promise<{ visible: number; inFlight: number }>;
  close(): Promise<void>;
}

export async function notifySetup(
  prefix: string,
  options: { fake?: FakeTelegramOptions; config?: BotConfig; tuning?: Partial<NotifyTuning>; render?: RenderChart; token?: string } = {},
): Promise<NotifySetup> {
  const res = await testResources(prefix);
  const fake = await startFakeTelegram(options.fake ?? {});
  const env = { ...res.env, TELEGRAM_BOT_TOKEN: options.token ?? DEFAULT_FAKE_TOKEN, TELEGRAM_API_ROOT: fake.apiRoot } as Record<string, string>;
  const notifyEnv = parseEnv(notifyEnvSchema, env);
  const users = createDynamoUserStore({ client: res.doc, table: notifyEnv.USERS_TABLE });
  const config = options.config ?? testConfig();
  const build = () =>
    createNotifyRuntime(notifyEnv, config, {
      tuning: { backoff: { baseMs: 1000, capMs: 2000 }, telegramTimeoutMs: 2000, ...options.tuning },
      ...(options.render ? { render: options.render } : {}),
    });
  const runtime = build();
  const logger = new Logger({ serviceName: 'candlebot-test', logLevel: (process.env.NOTIFY_TEST_LOG as 'INFO' | undefined) ?? 'SILENT' });
  const handler = makeNotifyHandler({ runtime, logger });
  const queueUrl = res.queues['NotifyQueue']!;
  return {
    res,
    fake,
    runtime,
    users,
    handler,
    newHandler: () => makeNotifyHandler({ runtime: build(), logger }),
    env,
    async enqueue(items) {
      for (let i = 0; i < items.length; i += 10) {
        const entries = items.slice(i, i + 10).map((item, j) => ({
          Id: String(j),
          MessageBody: typeof item === 'string' ? item : asciiJson(notificationSchema.parse(item)),
        }));
        const out = await res.sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (out.Failed?.length) throw new Error(`enqueue failed: ${JSON.stringify(out.Failed)}`);
      }
    },
    async receive(waitSeconds = 0) {
      const out = await res.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitSeconds, AttributeNames: ['All'], MessageSystemAttributeNames: ['All'] }),
      );
      return {
        Records: (out.Messages ?? []).map((m) => ({
          messageId: m.MessageId!,
          receiptHandle: m.ReceiptHandle!,
          body: m.Body!,
          attributes: {
            ApproximateReceiveCount: m.Attributes?.['ApproximateReceiveCount'] ?? '1',
            SentTimestamp: '0',
            SenderId: 'test',
            ApproximateFirstReceiveTimestamp: '0',
          },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
          awsRegion: 'us-east-1',
        })),
      };
    },
    async invoke(event, timeoutMs = 30_000) {
      const out = await handler(event, localContext('notify-test', timeoutMs, randomUUID()));
      return (out?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
    },
    async depth() {
      const out = await res.sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return { visible: Number(out.Attributes?.['ApproximateNumberOfMessages'] ?? 0), inFlight: Number(out.Attributes?.['ApproximateNumberOfMessagesNotVisible'] ?? 0) };
    },
    async close() {
      await fake.close();
      res.close();
    },
  };
}

let seq = 0;
/** A valid notification (unique id per call unless given). */
export function note(chatId: number, extra: Partial<NotificationInput> = {}): NotificationInput {
  seq++;
  const sourceId = extra.sourceId ?? `sig-${process.pid}-${seq}`;
  return {
    v: 1,
    id: extra.id ?? `${sourceId}#chat#${chatId}`,
    kind: 'signal',
    chatId,
    text: `<b>BUY</b> BTC/USDT #${seq}`,
    parseMode: 'HTML',
    sourceId,
    createdAt: Date.now(),
    ...extra,
  };
}

/** A small valid chart spec. */
export function chartSpec(candles = 30): NonNullable<Notification['chart']> {
  const t0 = Date.UTC(2026, 0, 1);
  const rows: [number, number, number, number, number][] = Array.from({ length: candles }, (_, i) => {
    const o = 100 + Math.sin(i / 3) * 5;
    const c = o + Math.cos(i / 2) * 2;
    return [t0 + i * 3_600_000, o, Math.max(o, c) + 1, Math.min(o, c) - 1, c];
  });
  return { title: 'BTC/USDT 1h', timeframeMs: 3_600_000, candles: rows, lines: [], levels: { entry: 101, stop: 95, target: 110 } };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
