/**
 * Where the Telegram bot token and webhook secret come from:
 * - deployed: TELEGRAM_SECRET_ID names a Secrets Manager secret, JSON {"botToken","webhookSecret"},
 *   read at runtime (lib/aws/secrets.ts: cached ≤ SECRET_MAX_AGE_SECONDS) — never an environment
 *   variable or a template value;
 * - locally (npm start, tests): TELEGRAM_BOT_TOKEN / TELEGRAM_WEBHOOK_SECRET, exactly as before.
 *
 * A Telegram 401 on a token read from the secret re-reads the secret once (forced, past the
 * cache) and, when the token changed, repeats the call once with the new one: a token rotated
 * with `aws secretsmanager put-secret-value` works without a redeploy. Forced re-reads are
 * single-flight and at most one per MIN_REFRESH_INTERVAL_MS per container (a token that is
 * simply wrong does not turn every send into a Secrets Manager call).
 */
import { z } from 'zod';
import { appendAwsCallLog } from '../aws/call-recorder.js';
import { createJsonSecret, createSecretsManagerClient, type JsonSecret } from '../aws/secrets.js';
import { notifyEnvSchema, telegramTokenSchema, webhookEnvSchema } from '../config/env.js';
import { systemClock, type Clock } from '../ports/clock.js';
import { silentLog, type Log } from '../ports/log.js';
import { TelegramApiError, type BotApi, type TelegramPort } from '../ports/telegram.js';
import { createBotApi } from '../telegram/bot-api.js';
import { createTelegrafTelegram } from '../telegram/telegraf-telegram.js';
import type { AwsEnv } from './adapters.js';

/** The secret's JSON (`candlebot/<stage>/telegram`). */
export const telegramSecretSchema = z.object({
  botToken: telegramTokenSchema,
  webhookSecret: webhookEnvSchema.shape.TELEGRAM_WEBHOOK_SECRET,
});
export type TelegramSecret = z.output<typeof telegramSecretSchema>;

/** Forced re-reads of the secret (after a 401) at most this often per container. */
export const MIN_REFRESH_INTERVAL_MS = 30_000;

/** The environment naming the secret (deployed) and, for tests only, a Secrets Manager double. */
export const telegramSecretEnvShape = {
  /** Name (or ARN) of the secret, e.g. `candlebot/prod/telegram`; a name, not a secret. */
  TELEGRAM_SECRET_ID: z
    .string()
    .regex(/^[A-Za-z0-9/_+=.@:-]{1,2048}$/, 'must be a Secrets Manager secret name or ARN')
    .optional(),
  /** Tests only: the Secrets Manager endpoint (a double on 127.0.0.1). */
  CANDLEBOT_SECRETS_ENDPOINT: z.url().optional(),
};

/** Either the secret or the variables, never both (two sources of one token would disagree one day). */
function oneSource(keys: readonly ('TELEGRAM_BOT_TOKEN' | 'TELEGRAM_WEBHOOK_SECRET')[]) {
  return (env: Partial<Record<string, unknown>>, ctx: z.RefinementCtx): void => {
    for (const key of keys) {
      if (env['TELEGRAM_SECRET_ID'] !== undefined && env[key] !== undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'must not be set together with TELEGRAM_SECRET_ID (the secret holds it)' });
      }
      if (env['TELEGRAM_SECRET_ID'] === undefined && env[key] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required (or TELEGRAM_SECRET_ID naming the Secrets Manager secret that holds it)' });
      }
    }
  };
}

/** The notify function's environment: the token from TELEGRAM_SECRET_ID (deployed) or TELEGRAM_BOT_TOKEN (local). */
export const notifyFunctionEnvSchema = notifyEnvSchema
  .extend({ TELEGRAM_BOT_TOKEN: telegramTokenSchema.optional(), ...telegramSecretEnvShape })
  .superRefine(oneSource(['TELEGRAM_BOT_TOKEN']));
export type NotifyFunctionEnv = Readonly<z.output<typeof notifyFunctionEnvSchema>>;

/** The webhook function's environment: token and webhook secret from the secret (deployed) or the variables (local). */
export const webhookFunctionEnvSchema = webhookEnvSchema
  .extend({
    TELEGRAM_BOT_TOKEN: telegramTokenSchema.optional(),
    TELEGRAM_WEBHOOK_SECRET: webhookEnvSchema.shape.TELEGRAM_WEBHOOK_SECRET.optional(),
    ...telegramSecretEnvShape,
  })
  .superRefine(oneSource(['TELEGRAM_BOT_TOKEN', 'TELEGRAM_WEBHOOK_SECRET']));
export type WebhookFunctionEnv = Readonly<z.output<typeof webhookFunctionEnvSchema>>;

export interface TelegramCredentials {
  readonly botToken: string;
  /** Undefined only locally without TELEGRAM_WEBHOOK_SECRET (notify, long polling). */
  readonly webhookSecret: string | undefined;
}

export interface TelegramCredentialSource {
  /** `secret <id>` or `environment`, for logs. */
  readonly from: string;
  /** True when the values come from the secret (a 401 is worth a re-read). */
  readonly rotates: boolean;
  get(): Promise<TelegramCredentials>;
  /** Re-reads the source past any cache (single-flight, at most once per MIN_REFRESH_INTERVAL_MS). */
  refresh(): Promise<TelegramCredentials>;
}

/** The values of the local environment (nothing to re-read). */
export function environmentCredentials(env: { readonly TELEGRAM_BOT_TOKEN: string; readonly TELEGRAM_WEBHOOK_SECRET?: string | undefined }): TelegramCredentialSource {
  const values: Promise<TelegramCredentials> = Promise.resolve(Object.freeze({ botToken: env.TELEGRAM_BOT_TOKEN, webhookSecret: env.TELEGRAM_WEBHOOK_SECRET }));
  return Object.freeze({ from: 'environment', rotates: false, get: () => values, refresh: () => values });
}

/**
 * The values of the secret, cached by the secret reader. Concurrent reads share one request (a
 * cold container sending a batch asks once); forced re-reads are bounded as described above.
 */
export function secretCredentials(secret: JsonSecret<TelegramSecret>, options: { readonly clock?: Clock; readonly minRefreshIntervalMs?: number } = {}): TelegramCredentialSource {
  const clock = options.clock ?? systemClock;
  const interval = options.minRefreshIntervalMs ?? MIN_REFRESH_INTERVAL_MS;
  let reading: Promise<TelegramSecret> | undefined;
  let refreshing: Promise<TelegramSecret> | undefined;
  let lastForcedAt = Number.NEGATIVE_INFINITY;
  const get = (): Promise<TelegramSecret> => {
    if (refreshing) return refreshing;
    reading ??= secret.get().finally(() => {
      reading = undefined;
    });
    return reading;
  };
  const refresh = (): Promise<TelegramSecret> => {
    if (refreshing) return refreshing;
    if (clock.now() - lastForcedAt < interval) return get();
    lastForcedAt = clock.now();
    refreshing = secret.refresh().finally(() => {
      refreshing = undefined;
    });
    return refreshing;
  };
  return Object.freeze({ from: `secret ${secret.secretId}`, rotates: true, get, refresh });
}

/** The environment parts the source is chosen from. */
export type TelegramSourceEnv = AwsEnv & {
  readonly TELEGRAM_SECRET_ID?: string | undefined;
  readonly CANDLEBOT_SECRETS_ENDPOINT?: string | undefined;
  readonly TELEGRAM_BOT_TOKEN?: string | undefined;
  readonly TELEGRAM_WEBHOOK_SECRET?: string | undefined;
};

/** The secret when TELEGRAM_SECRET_ID names one (with its own SDK client), else the environment's values. */
export function telegramCredentials(env: TelegramSourceEnv, options: { readonly clock?: Clock; readonly maxAgeSeconds?: number } = {}): TelegramCredentialSource {
  if (env.TELEGRAM_SECRET_ID === undefined) {
    if (env.TELEGRAM_BOT_TOKEN === undefined) throw new TypeError('telegramCredentials: neither TELEGRAM_SECRET_ID nor TELEGRAM_BOT_TOKEN (the env schema requires one)');
    return environmentCredentials({ TELEGRAM_BOT_TOKEN: env.TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET: env.TELEGRAM_WEBHOOK_SECRET });
  }
  const local = env.CANDLEBOT_SECRETS_ENDPOINT !== undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
  const client = createSecretsManagerClient({
    region: env.AWS_REGION,
    endpoint: env.CANDLEBOT_SECRETS_ENDPOINT,
    credentials: local ? { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } : undefined,
    onCall: env.CANDLEBOT_AWS_CALL_LOG ? appendAwsCallLog(env.CANDLEBOT_AWS_CALL_LOG) : undefined,
  });
  const secret = createJsonSecret({ client, secretId: env.TELEGRAM_SECRET_ID, schema: telegramSecretSchema, ...(options.maxAgeSeconds ? { maxAgeSeconds: options.maxAgeSeconds } : {}) });
  return secretCredentials(secret, options.clock ? { clock: options.clock } : {});
}

/**
 * Runs `use` on the adapter built for the current token; on a 401 of a rotating source, re-reads
 * it and, when the token changed, runs `use` once more on an adapter for the new token.
 */
export function withTokenRefresh<P>(source: TelegramCredentialSource, build: (token: string) => P, log: Log): <R>(use: (port: P) => Promise<R>) => Promise<R> {
  let current: { readonly token: string; readonly port: P } | undefined;
  const portFor = (token: string): P => {
    if (current?.token !== token) current = { token, port: build(token) };
    return current.port;
  };
  return async (use) => {
    const { botToken } = await source.get();
    try {
      return await use(portFor(botToken));
    } catch (error) {
      if (!(source.rotates && error instanceof TelegramApiError && error.failure === 'unauthorized')) throw error;
      const fresh = (await source.refresh()).botToken;
      if (fresh === botToken) throw error;
      log.info('Telegram refused the bot token; retrying once with the rotated token', { source: source.from });
      return use(portFor(fresh));
    }
  };
}

export interface TelegramAdapterOptions {
  readonly apiRoot?: string | undefined;
  readonly timeoutMs?: number | undefined;
  readonly log?: Log;
}

/** The TelegramPort (telegraf) on the source's token; a rotating source re-reads it on a 401. */
export function telegramPortFrom(source: TelegramCredentialSource, options: TelegramAdapterOptions): TelegramPort {
  const log = options.log ?? silentLog;
  const build = (token: string) => createTelegrafTelegram({ token, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}), ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}), log });
  const run = withTokenRefresh(source, build, log);
  return {
    sendMessage: (...a) => run((port) => port.sendMessage(...a)),
    sendPhoto: (...a) => run((port) => port.sendPhoto(...a)),
    editMessageText: (...a) => run((port) => port.editMessageText(...a)),
    pinChatMessage: (...a) => run((port) => port.pinChatMessage(...a)),
    answerCallbackQuery: (...a) => run((port) => port.answerCallbackQuery(...a)),
  };
}

/** Raw Bot API calls (getMe…) on the source's token, re-read on a 401 like telegramPortFrom. */
export function botApiFrom(source: TelegramCredentialSource, options: TelegramAdapterOptions & { readonly timeoutMs: number }): BotApi {
  const run = withTokenRefresh(source, (token) => createBotApi({ token, apiRoot: options.apiRoot, timeoutMs: options.timeoutMs }), options.log ?? silentLog);
  return { call: (...a) => run((api) => api.call(...a)) };
}
