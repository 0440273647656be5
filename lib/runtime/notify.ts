/**
 * The notify function's runtime: its SQS event, the wiring of the consumer (built once per
 * container: SDK clients, telegraf, immutable config) and its answer.
 */
import type { SQSBatchResponse } from 'aws-lambda';
import { z } from 'zod';
import type { DynamoErrorCounter } from '../aws/dynamo-errors.js';
import { parseEnv } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import type { BotConfig } from '../config/schema.js';
import { createChartPhotos, type RenderChart } from '../notify/chart-photos.js';
import type { BackoffOptions } from '../notify/policy.js';
import type { BatchDeps, BatchReport, NotifyRecord } from '../notify/run-batch.js';
import { createSqsVisibility } from '../queue/sqs-visibility.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { DeliveryStore } from '../ports/delivery.js';
import { silentLog, type Log } from '../ports/log.js';
import type { TelegramPort } from '../ports/telegram.js';
import type { UserStore } from '../ports/users.js';
import { createDynamoDeliveryStore } from '../store/deliveries/deliveries.js';
import { createDynamoChartFileCache } from '../store/state/chart-files.js';
import { createDynamoSendRateLimiter } from '../store/state/send-rate.js';
import { createAwsClients, userStore } from './adapters.js';
import { notifyFunctionEnvSchema, telegramCredentials, telegramPortFrom, type NotifyFunctionEnv } from './telegram-secret.js';

/**
 * The SQS event (serverless.yml: NotifyQueue, batch ≤ 10, ReportBatchItemFailures). Only the
 * fields the consumer reads are checked; bodies are validated one by one (a malformed body is
 * recorded and dropped, it never fails the batch).
 */
export const sqsEventSchema = z.looseObject({
  Records: z
    .array(
      z.looseObject({
        messageId: z.string().min(1),
        receiptHandle: z.string().min(1),
        body: z.string(),
        attributes: z.looseObject({ ApproximateReceiveCount: z.string().regex(/^\d+$/, 'must be a count') }),
      }),
    )
    .max(10_000),
});

/** The records as the batch use case takes them. */
export function sqsRecords(event: z.output<typeof sqsEventSchema>): NotifyRecord[] {
  return event.Records.map((r) => ({ messageId: r.messageId, receiptHandle: r.receiptHandle, body: r.body, receiveCount: Number(r.attributes.ApproximateReceiveCount) }));
}

/** Only the failed items (each already given its retry delay); Lambda's event source deletes the rest. */
export const batchResponse = (report: BatchReport): SQSBatchResponse => ({ batchItemFailures: report.failures.map((itemIdentifier) => ({ itemIdentifier })) });

/** Knobs of the consumer; defaults fit the deployed function (timeout 30 s, queue visibility 180 s). */
export interface NotifyTuning {
  /** A claim owns a delivery this long (longer than one invocation, shorter than the queue's visibility). */
  readonly leaseMs: number;
  /** Chats handled in parallel inside one invocation. */
  readonly concurrency: number;
  /** Records are given back (visibility 0) when less than this is left of the invocation. */
  readonly reserveMs: number;
  /** Retry delays of 5xx / network / unexpected failures, by receive count. */
  readonly backoff: BackoffOptions;
  /** Telegram HTTP timeout per call. */
  readonly telegramTimeoutMs: number;
  /** Length of one global send-rate window (see dynamo-send-rate.ts). */
  readonly rateWindowMs: number;
}

export const DEFAULT_NOTIFY_TUNING: NotifyTuning = Object.freeze({
  leaseMs: 60_000,
  concurrency: 5,
  reserveMs: 3_000,
  backoff: Object.freeze({ baseMs: 10_000, capMs: 900_000 }),
  telegramTimeoutMs: 10_000,
  rateWindowMs: 100,
});

export interface NotifyRuntimeOverrides {
  /** Replaces the telegraf adapter (tests with a port double). */
  readonly telegram?: TelegramPort;
  /** Replaces the chart renderer (tests: a failing renderer). */
  readonly render?: RenderChart;
  readonly users?: UserStore;
  readonly tuning?: Partial<NotifyTuning>;
  /** Logger of the Telegram adapter (container-wide). */
  readonly log?: Log;
  readonly clock?: Clock;
}

export interface NotifyRuntime {
  readonly config: BotConfig;
  readonly deliveries: DeliveryStore;
  readonly tuning: NotifyTuning;
  /** DynamoDB attempts throttled or failed with a 5xx (the handler kit publishes DynamoDBErrors); absent in test doubles. */
  readonly dynamoErrors?: DynamoErrorCounter;
  /** Dependencies of one invocation (a fresh chart memo each time). */
  deps(options: { log: Log; remainingMs: () => number }): BatchDeps;
}

/** The chart renderer, loaded on first use: a renderer that cannot load only costs the chart. */
const lazyRender: RenderChart = async (spec) => {
  const { renderChartPng } = await import('../chart/render.js');
  return renderChartPng(spec);
};

/**
 * Wires the notify consumer from a validated environment and config. Built once per container
 * (SDK clients, telegraf, immutable config); nothing that must survive an invocation.
 */
export function createNotifyRuntime(env: NotifyFunctionEnv, config: BotConfig, overrides: NotifyRuntimeOverrides = {}): NotifyRuntime {
  const tuning: NotifyTuning = Object.freeze({ ...DEFAULT_NOTIFY_TUNING, ...overrides.tuning });
  const clock = overrides.clock ?? systemClock;
  const { ddb, sqs, dynamoErrors } = createAwsClients(env);
  const delivery = config.telegram.delivery;
  const deliveries = createDynamoDeliveryStore({ client: ddb, table: env.DELIVERIES_TABLE });
  const limiter = createDynamoSendRateLimiter({
    client: ddb,
    table: env.STATE_TABLE,
    perChatIntervalMs: delivery.perChatIntervalMs,
    globalPerSecond: delivery.globalPerSecond,
    windowMs: tuning.rateWindowMs,
    clock,
  });
  const chartCache = createDynamoChartFileCache({ client: ddb, table: env.STATE_TABLE });
  const users = overrides.users ?? userStore(ddb, env.USERS_TABLE, config);
  const telegram =
    overrides.telegram ??
    // The token: deployed from the Secrets Manager secret TELEGRAM_SECRET_ID (re-read on a 401), locally TELEGRAM_BOT_TOKEN.
    telegramPortFrom(telegramCredentials(env), { apiRoot: env.TELEGRAM_API_ROOT, timeoutMs: tuning.telegramTimeoutMs, log: overrides.log ?? silentLog });
  const visibility = createSqsVisibility({ client: sqs, queueUrl: env.NOTIFY_QUEUE_URL });
  const render = overrides.render ?? lazyRender;

  return Object.freeze({
    config,
    deliveries,
    tuning,
    dynamoErrors,
    deps({ log, remainingMs }: { log: Log; remainingMs: () => number }): BatchDeps {
      return {
        telegram,
        deliveries,
        limiter,
        users,
        charts: delivery.charts ? createChartPhotos({ render, cache: chartCache, clock, log }) : undefined,
        clock,
        log,
        leaseMs: tuning.leaseMs,
        backoff: tuning.backoff,
        visibility,
        remainingMs,
        concurrency: tuning.concurrency,
        reserveMs: tuning.reserveMs,
      };
    },
  });
}

/** The runtime from the process environment and the config file it names (the handler's first invocation). */
export function notifyRuntimeFromEnv(processEnv: NodeJS.ProcessEnv, log: Log): NotifyRuntime {
  const env = parseEnv(notifyFunctionEnvSchema, processEnv);
  return createNotifyRuntime(env, loadConfigFile(env.CANDLEBOT_CONFIG_PATH), { log });
}
