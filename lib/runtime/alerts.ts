/**
 * The alerts function's runtime: its event (SNS records carrying CloudWatch alarm state changes
 * from AlertsTopic), its environment, and the wiring of the raw Bot API caller on the Telegram
 * token (deployed: the Secrets Manager secret TELEGRAM_SECRET_ID, re-read on a 401; locally:
 * TELEGRAM_BOT_TOKEN) — lib/runtime/telegram-secret.ts.
 */
import { z } from 'zod';
import { alarmJsonSchema } from '../alerts/alarm.js';
import type { AlertTuning } from '../alerts/deliver.js';
import { awsEnvShape, configPathShape, parseEnv, telegramTokenSchema } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import type { BotConfig } from '../config/schema.js';
import { silentLog, type Log } from '../ports/log.js';
import type { BotApi } from '../ports/telegram.js';
import type { Sleep } from '../retry.js';
import { botApiFrom, telegramCredentials, telegramSecretEnvShape } from './telegram-secret.js';

/** One Bot API call's timeout: short, so a retry still fits into the function's 30 s. */
export const ALERT_TELEGRAM_TIMEOUT_MS = 8000;

/**
 * SNS → Lambda (serverless.yml: `alerts`, subscribed to AlertsTopic). Each record's
 * `Sns.Message` is the alarm JSON; anything else is INVALID_EVENT naming the record and field
 * (Lambda retries it, then the on-failure destination AlertsFailedQueue keeps it).
 */
export const alertsEventSchema = z.object({
  Records: z
    .array(
      z.looseObject({
        EventSource: z.literal('aws:sns').optional(),
        EventSubscriptionArn: z.string().optional(),
        Sns: z.looseObject({
          MessageId: z.string().optional(),
          TopicArn: z.string().optional(),
          Message: alarmJsonSchema,
        }),
      }),
    )
    .min(1),
});
export type AlertsEvent = z.output<typeof alertsEventSchema>;

const stageSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a stage name (letters, digits, -)');

/** The environment: config, stage (link names), dashboard, the token's source (secret or variable). */
export const alertsEnvSchema = z
  .object({
    ...configPathShape,
    STAGE: stageSchema.default('dev'),
    /** The dashboard's name (serverless.yml: candlebot-<stage>, as infra/dashboard.cjs names it); default candlebot-<STAGE>. */
    DASHBOARD_NAME: z.string().regex(/^[A-Za-z0-9_-]{1,255}$/, 'must be a CloudWatch dashboard name').optional(),
    TELEGRAM_BOT_TOKEN: telegramTokenSchema.optional(),
    /** Only for tests/local: the Bot API root (default https://api.telegram.org). */
    TELEGRAM_API_ROOT: z.url().optional(),
    ...telegramSecretEnvShape,
    ...awsEnvShape,
  })
  .superRefine((env, ctx) => {
    if ((env.TELEGRAM_SECRET_ID === undefined) === (env.TELEGRAM_BOT_TOKEN === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['TELEGRAM_SECRET_ID'], message: 'set exactly one of TELEGRAM_SECRET_ID (deployed: the secret holding the token) and TELEGRAM_BOT_TOKEN (local)' });
    }
  });
export type AlertsEnv = Readonly<z.output<typeof alertsEnvSchema>>;

export interface AlertsRuntime {
  readonly adminChatIds: readonly number[];
  readonly api: BotApi;
  /** The region of the links when the alarm names none (the function's own). */
  readonly region: string;
  readonly dashboardName: string;
  /** The Logs Insights saved query an alert points to (infra/queries.cjs, `candlebot-<stage>/…`). */
  readonly queryName: string;
  readonly log: Log;
  readonly sleep?: Sleep;
  readonly tuning?: AlertTuning;
}

export interface AlertsRuntimeOverrides {
  /** Replaces the Bot API caller built from the token source (tests). */
  readonly api?: BotApi;
  readonly sleep?: Sleep;
  readonly tuning?: AlertTuning;
  readonly log?: Log;
}

/** Wires the runtime from a validated environment and config (once per container). */
export function createAlertsRuntime(env: AlertsEnv, config: BotConfig, overrides: AlertsRuntimeOverrides = {}): AlertsRuntime {
  const log = overrides.log ?? silentLog;
  const api = overrides.api ?? botApiFrom(telegramCredentials(env), { apiRoot: env.TELEGRAM_API_ROOT, timeoutMs: ALERT_TELEGRAM_TIMEOUT_MS, log });
  return Object.freeze({
    adminChatIds: Object.freeze([...config.telegram.adminChatIds]),
    api,
    region: env.AWS_REGION,
    dashboardName: env.DASHBOARD_NAME ?? `candlebot-${env.STAGE}`,
    queryName: `candlebot-${env.STAGE}/failures-by-code`,
    log,
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
    ...(overrides.tuning ? { tuning: overrides.tuning } : {}),
  });
}

/** The runtime from the process environment and the config file it names (the handler's first invocation). */
export function alertsRuntimeFromEnv(processEnv: NodeJS.ProcessEnv, log: Log, overrides: AlertsRuntimeOverrides = {}): AlertsRuntime {
  const env = parseEnv(alertsEnvSchema, processEnv);
  return createAlertsRuntime(env, loadConfigFile(env.CANDLEBOT_CONFIG_PATH), { log, ...overrides });
}
