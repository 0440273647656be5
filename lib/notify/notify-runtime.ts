import type { NotifyEnv } from '../config/env.js';
import type { BotConfig } from '../config/schema.js';
import { systemClock, type Clock } from '../ports/clock.js';
import { silentLog, type Log } from '../ports/log.js';
import type { TelegramPort } from '../ports/telegram.js';
import type { UserStore } from '../ports/users.js';
import { createAwsClients } from '../runtime/wiring.js';
import { createDynamoChartFileCache } from '../store/state/chart-files.js';
import { createDynamoDeliveryStore } from '../store/deliveries/deliveries.js';
import { createDynamoSendRateLimiter } from '../store/state/send-rate.js';
import { createTelegrafTelegram } from '../telegram/telegraf-telegram.js';
import { createDynamoUserStore } from '../store/users/user-store.js';
import { createChartPhotos, type RenderChart } from './chart-photos.js';
import type { DeliveryStore } from '../ports/delivery.js';
import { DEFAULT_BACKOFF, type BackoffOptions } from './policy.js';
import type { BatchDeps } from './run-batch.js';
import { createSqsVisibility } from './sqs-visibility.js';

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
export function createNotifyRuntime(env: NotifyEnv, config: BotConfig, overrides: NotifyRuntimeOverrides = {}): NotifyRuntime {
  const tuning: NotifyTuning = Object.freeze({ ...DEFAULT_NOTIFY_TUNING, ...overrides.tuning });
  const clock = overrides.clock ?? systemClock;
  const { ddb, sqs } = createAwsClients(env);
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
  const users = overrides.users ?? createDynamoUserStore({ client: ddb, table: env.USERS_TABLE, maxSubscriptions: config.telegram.maxSubscriptionsPerChat });
  const telegram =
    overrides.telegram ??
    createTelegrafTelegram({
      token: env.TELEGRAM_BOT_TOKEN,
      ...(env.TELEGRAM_API_ROOT ? { apiRoot: env.TELEGRAM_API_ROOT } : {}),
      timeoutMs: tuning.telegramTimeoutMs,
      log: overrides.log ?? silentLog,
    });
  const visibility = createSqsVisibility({ client: sqs, queueUrl: env.NOTIFY_QUEUE_URL });
  const render = overrides.render ?? lazyRender;

  return Object.freeze({
    config,
    deliveries,
    tuning,
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
