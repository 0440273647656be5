import { z } from 'zod';
import { ConfigError } from '../errors.js';
import { listIssues } from '../core/zod-issues.js';

/** The YAML configuration file every function reads (relative to the working directory). */
export const configPathShape = {
  CANDLEBOT_CONFIG_PATH: z.string().min(1).default('candlebot.config.yml'),
};

/** The AWS fields every function reads (spread into each function's schema). */
export const awsEnvShape = {
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** Only for the local stack: explicit endpoints (production uses the SDK defaults). */
  CANDLEBOT_DDB_ENDPOINT: z.url().optional(),
  CANDLEBOT_SQS_ENDPOINT: z.url().optional(),
  /** Read explicitly only with the local endpoints; deployed, the SDK's default chain applies. */
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Tests only (test/infra/iam-coverage.test.ts): a JSONL file receiving every AWS SDK call (lib/aws/call-recorder.ts). */
  CANDLEBOT_AWS_CALL_LOG: z.string().min(1).optional(),
};

/**
 * Live trading (issue 15): the live table and where the exchange API keys are (functions that
 * trade: scan, reconcile). EXCHANGE_SECRET_PREFIX names secrets, it holds none: the keys are read
 * at runtime from `<prefix><exchange id>` (lib/runtime/exchange-keys.ts); locally they may come
 * from CANDLEBOT_<ID>_API_KEY / CANDLEBOT_<ID>_SECRET instead.
 */
export const liveEnvShape = {
  LIVE_TABLE: z.string().min(3).optional(),
  EXCHANGE_SECRET_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@-]{1,400}\/$/, 'must be a Secrets Manager name prefix ending in "/", e.g. candlebot/prod/exchange/')
    .optional(),
  /** Tests only: the Secrets Manager endpoint (a double on 127.0.0.1). */
  CANDLEBOT_SECRETS_ENDPOINT: z.url().optional(),
};

/** Environment of the scan function (deployed: set by serverless.yml; local: by the local stack). */
export const scanEnvSchema = z.object({
  ...configPathShape,
  SIGNALS_TABLE: z.string().min(3),
  STATE_TABLE: z.string().min(3),
  NOTIFY_QUEUE_URL: z.url(),
  /** Paper trading: when set, every recorded signal opens (or is refused) a paper position in this table. */
  POSITIONS_TABLE: z.string().min(3).optional(),
  /** Telegram users: when set, notifications fan out to the subscribed chats (else to telegram.adminChatIds). */
  USERS_TABLE: z.string().min(3).optional(),
  /** Live trading: signals of a live exchange place orders (needs LIVE_TABLE when the config has one). */
  ...liveEnvShape,
  ...awsEnvShape,
});

export type ScanEnv = Readonly<z.output<typeof scanEnvSchema>>;

/** Environment of the monitor function: positions, the markets cache (state table) and the queue. */
export const monitorEnvSchema = z.object({
  ...configPathShape,
  POSITIONS_TABLE: z.string().min(3),
  STATE_TABLE: z.string().min(3),
  NOTIFY_QUEUE_URL: z.url(),
  /** Telegram users: when set, close notifications fan out to the subscribed chats (else to telegram.adminChatIds). */
  USERS_TABLE: z.string().min(3).optional(),
  ...awsEnvShape,
});

export type MonitorEnv = Readonly<z.output<typeof monitorEnvSchema>>;

/**
 * Environment of the reconcile function (live trading, every minute): the live table, the queue
 * (order, fill and alert messages: to the chats stored on each position, alerts to the admin
 * chats) and the exchange keys' secret prefix. USERS_TABLE is not deployed (reconcile resolves no
 * subscribers); when given, the use cases' resolver would use it. Checked only when the config
 * has a live exchange: a paper-only config makes the function return before it reads anything.
 */
export const reconcileEnvSchema = z.object({
  ...configPathShape,
  ...liveEnvShape,
  LIVE_TABLE: z.string().min(3),
  NOTIFY_QUEUE_URL: z.url(),
  USERS_TABLE: z.string().min(3).optional(),
  ...awsEnvShape,
});

export type ReconcileEnv = Readonly<z.output<typeof reconcileEnvSchema>>;

export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): Readonly<z.output<S>> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(`invalid environment:\n${listIssues(result.error.issues)}`, { code: 'INVALID_ENV' });
  }
  return Object.freeze(result.data) as Readonly<z.output<S>>;
}

/** A Telegram bot token as BotFather issues it (`<bot id>:<35 characters>`). */
export const telegramTokenSchema = z.string().regex(/^\d{5,}:[A-Za-z0-9_-]{30,}$/, 'is not a Telegram bot token (<bot id>:<secret>)');

/**
 * Environment of the webhook function (POST /telegram/webhook): every table the commands read
 * or write, the queues (/status shows their depth), the bot token and the webhook secret.
 */
export const webhookEnvSchema = z.object({
  ...configPathShape,
  SIGNALS_TABLE: z.string().min(3),
  STATE_TABLE: z.string().min(3),
  POSITIONS_TABLE: z.string().min(3),
  USERS_TABLE: z.string().min(3),
  NOTIFY_QUEUE_URL: z.url(),
  NOTIFY_DLQ_URL: z.url(),
  TELEGRAM_BOT_TOKEN: telegramTokenSchema,
  /** Telegram's `secret_token` (1-256 of A-Z a-z 0-9 _ -), echoed in X-Telegram-Bot-Api-Secret-Token. */
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'must be 16-256 characters of A-Z a-z 0-9 _ -'),
  /** Only for tests/local: the Bot API root (default https://api.telegram.org). */
  TELEGRAM_API_ROOT: z.url().optional(),
  /** Live trading: /orders, /balance, /panic and /resume read and write the live table. */
  LIVE_TABLE: z.string().min(3).optional(),
  ...awsEnvShape,
});

export type WebhookEnv = Readonly<z.output<typeof webhookEnvSchema>>;

/**
 * Environment of the notify function (SQS consumer, issue 4): deliveries, users and state
 * tables, the queue (retry delays via ChangeMessageVisibility), the bot token.
 */
export const notifyEnvSchema = z.object({
  ...configPathShape,
  DELIVERIES_TABLE: z.string().min(3),
  USERS_TABLE: z.string().min(3),
  STATE_TABLE: z.string().min(3),
  NOTIFY_QUEUE_URL: z.url(),
  NOTIFY_DLQ_URL: z.url().optional(),
  TELEGRAM_BOT_TOKEN: telegramTokenSchema,
  /** Only for tests/local: the Bot API root (default https://api.telegram.org). */
  TELEGRAM_API_ROOT: z.url().optional(),
  ...awsEnvShape,
});

export type NotifyEnv = Readonly<z.output<typeof notifyEnvSchema>>;
