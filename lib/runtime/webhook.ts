/**
 * The webhook function's runtime: the bot wired from a validated environment and config (AWS
 * clients, the Telegram adapter, every command group, the rate limit and the dispatcher, under
 * one telegraf instance), built once per container (webhook function) or once per process
 * (local long polling); and the request glue of POST /telegram/webhook.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { UserFromGetMe } from 'telegraf/types';
import type { DynamoErrorCounter } from '../aws/dynamo-errors.js';
import { powertoolsLog } from '../aws/powertools-log.js';
import type { BotCommand } from '../bot/command.js';
import { createBot, type Bot } from '../bot/create-bot.js';
import { createDispatcher } from '../bot/dispatch.js';
import { createPageCodec, deriveCallbackKey } from '../bot/pagination.js';
import { createActionCodec } from '../bot/action-buttons.js';
import { parseEnv, webhookEnvSchema, type WebhookEnv } from '../config/env.js';
import { describeError, isCandlebotError } from '../errors.js';

export type { WebhookEnv } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import type { BotConfig } from '../config/schema.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createCommandRateLimit } from '../store/users/command-rate-limit.js';
import { createDynamoSlowdownNotice } from '../store/users/slowdown-notice.js';
import { boundTexts } from '../telegram/bound-texts.js';
import { waitOnRateLimit } from '../telegram/wait-on-rate-limit.js';
import { handleWebhookRequest } from '../webhook/handle-request.js';
import { DEFAULT_MAX_BODY_BYTES } from '../webhook/read-body.js';
import { createAwsClients, userStore } from './adapters.js';
import { allCommands, type BotWiringInput } from './bot-commands.js';
import { botApiFrom, environmentCredentials, telegramCredentials, telegramPortFrom, webhookFunctionEnvSchema, type TelegramCredentialSource, type WebhookFunctionEnv } from './telegram-secret.js';

/**
 * What the bot needs from the environment: the webhook's, its secret optional (local long
 * polling has none). The secret only keys the page buttons' signatures (callbackKey).
 */
export const botEnvSchema = webhookEnvSchema.extend({ TELEGRAM_WEBHOOK_SECRET: webhookEnvSchema.shape.TELEGRAM_WEBHOOK_SECRET.optional() });
export type BotEnv = Omit<WebhookEnv, 'TELEGRAM_WEBHOOK_SECRET'> & { readonly TELEGRAM_WEBHOOK_SECRET?: string | undefined };

/**
 * The key page buttons are signed with. Deployed, from the webhook secret. Long polling without
 * one: from the bot token — a secret the process always has, the same after a restart (so
 * buttons already in chats keep working, which a random per-process key would break), and whoever
 * holds it controls the bot anyway. With a secret in the local environment, long polling uses it
 * too, so buttons survive switching between webhook and long polling.
 */
export function callbackKey(env: Pick<BotEnv, 'TELEGRAM_BOT_TOKEN' | 'TELEGRAM_WEBHOOK_SECRET'>): Buffer {
  return env.TELEGRAM_WEBHOOK_SECRET ? deriveCallbackKey(env.TELEGRAM_WEBHOOK_SECRET, 'webhook-secret') : deriveCallbackKey(env.TELEGRAM_BOT_TOKEN, 'bot-token');
}

export interface BotRuntimeOptions {
  readonly log: Log;
  readonly clock?: Clock;
  /** Also redacted from logs (the webhook secret; the token always is). */
  readonly secrets?: readonly string[];
  /** Replaces the assembled command list (tests of the core with extra commands). */
  readonly commands?: (input: BotWiringInput) => readonly BotCommand[];
  readonly botInfo?: UserFromGetMe;
  readonly handlerTimeoutMs?: number;
  /** Timeout of each Bot API call (default 10 s). */
  readonly telegramTimeoutMs?: number;
  /** Where the token is re-read after a 401 (deployed: the secret); default the env's token, never re-read. */
  readonly credentials?: TelegramCredentialSource;
}

export interface BotRuntime {
  readonly bot: Bot;
  readonly input: BotWiringInput;
  readonly commands: readonly BotCommand[];
  /** DynamoDB attempts throttled or failed with a 5xx (the handler kit publishes DynamoDBErrors); absent in test doubles. */
  readonly dynamoErrors?: DynamoErrorCounter;
}

export function createBotRuntime(env: BotEnv, config: BotConfig, options: BotRuntimeOptions): BotRuntime {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const token = env.TELEGRAM_BOT_TOKEN;
  // The commands never see the webhook secret; it only keys the page buttons.
  const { TELEGRAM_WEBHOOK_SECRET: webhookSecret, ...commandEnv } = env;
  const { ddb, sqs, dynamoErrors } = createAwsClients(commandEnv);
  // Replies wait out a short 429 (≤ 3 s, twice at most) instead of failing the update: the
  // handler has 20 s, and a failed update is re-run by Telegram. Outermost, every text is kept
  // within Telegram's limits whatever a command built (the last line of defence: a 400 "message
  // is too long" would leave the user with nothing).
  const credentials = options.credentials ?? environmentCredentials(env);
  const telegram = boundTexts(waitOnRateLimit(telegramPortFrom(credentials, { apiRoot: env.TELEGRAM_API_ROOT, timeoutMs: options.telegramTimeoutMs, log }), { maxWaitMs: 3_000 }), { log });
  const input: BotWiringInput = Object.freeze({ env: commandEnv, config, ddb, sqs, clock, log, telegram });
  const commands = (options.commands ?? allCommands)(input);
  const dispatcher = createDispatcher({
    commands,
    telegram,
    users: userStore(ddb, env.USERS_TABLE, config),
    bucket: createCommandRateLimit({ client: ddb, table: env.USERS_TABLE, perMinute: config.telegram.commands.perMinute, burst: config.telegram.commands.burst }),
    slowdown: createDynamoSlowdownNotice({ client: ddb, table: env.USERS_TABLE }),
    adminChatIds: config.telegram.adminChatIds,
    clock,
    log,
    secrets: [token, ...(webhookSecret ? [webhookSecret] : []), ...(options.secrets ?? [])],
    pages: createPageCodec(callbackKey(env)),
    // /panic's "Confirm panic" button (signed for the chat, stamped with its time).
    actions: createActionCodec(callbackKey(env)),
  });
  const bot = createBot({
    token,
    apiRoot: env.TELEGRAM_API_ROOT,
    dispatcher,
    handlerTimeoutMs: options.handlerTimeoutMs,
    api: botApiFrom(credentials, { apiRoot: env.TELEGRAM_API_ROOT, timeoutMs: options.telegramTimeoutMs ?? BOT_API_TIMEOUT_MS, log }),
    botInfo: options.botInfo,
  });
  return Object.freeze({ bot, input, commands, dynamoErrors });
}

/** Timeout of getMe and the other direct Bot API calls. */
const BOT_API_TIMEOUT_MS = 10_000;

/** Update handling must end before the function's timeout (serverless.yml: 25 s). */
export const HANDLER_TIMEOUT_MS = 20_000;

export interface WebhookOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the bot built from env + config file (tests). */
  readonly runtime?: (env: WebhookEnv) => BotRuntime;
  readonly logger: Logger;
  readonly maxBodyBytes?: number;
}

/**
 * POST /telegram/webhook (API Gateway HTTP API, payload v2): the request goes to
 * lib/webhook/handle-request.ts (secret, size, JSON, zod, the bot). The environment is parsed on
 * the first request; the bot (config, clients, telegraf) is built on the first request that
 * passes the secret check, and reused by warm invocations.
 */
export interface WebhookResponder {
  (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2>;
  /** The bot runtime's DynamoDB error counter once the bot is built (the handler kit publishes DynamoDBErrors). */
  dynamoErrors(): DynamoErrorCounter | undefined;
}

export function webhookResponder(options: WebhookOptions): WebhookResponder {
  const log = powertoolsLog(options.logger);
  let env: WebhookFunctionEnv | undefined;
  let credentials: TelegramCredentialSource | undefined;
  let runtime: BotRuntime | undefined;
  const getEnv = (): WebhookFunctionEnv => (env ??= parseEnv(webhookFunctionEnvSchema, options.env ?? process.env));
  // Deployed: the Secrets Manager secret TELEGRAM_SECRET_ID (cached, re-read on a 401); locally the two variables.
  const getCredentials = (e: WebhookFunctionEnv): TelegramCredentialSource => (credentials ??= telegramCredentials(e));
  const getRuntime = (e: WebhookEnv, source: TelegramCredentialSource): BotRuntime =>
    (runtime ??= options.runtime
      ? options.runtime(e)
      : createBotRuntime(e, loadConfigFile(e.CANDLEBOT_CONFIG_PATH), { log, secrets: [e.TELEGRAM_WEBHOOK_SECRET], handlerTimeoutMs: HANDLER_TIMEOUT_MS, credentials: source }));

  const respond = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const fnEnv = getEnv();
    const source = getCredentials(fnEnv);
    let e: WebhookEnv;
    try {
      const { botToken, webhookSecret } = await source.get();
      if (webhookSecret === undefined) throw new TypeError('webhook: no webhook secret (the env schema requires one)');
      e = { ...fnEnv, TELEGRAM_BOT_TOKEN: botToken, TELEGRAM_WEBHOOK_SECRET: webhookSecret };
    } catch (error) {
      // The secret cannot be read (missing, access denied, invalid, Secrets Manager down): every
      // update fails until it can, so none is acknowledged; Telegram re-delivers them.
      log.error('webhook cannot read its Telegram secret; Telegram will retry the update', { source: source.from, code: isCandlebotError(error) ? error.code : undefined, error: describeError(error) });
      return { statusCode: 500, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ok: false, error: 'bot misconfigured' }) };
    }
    const response = await handleWebhookRequest(
      { headers: event.headers, body: event.body, isBase64Encoded: event.isBase64Encoded },
      {
        secret: e.TELEGRAM_WEBHOOK_SECRET,
        maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
        handleUpdate: (update) => getRuntime(e, source).bot.handleUpdate(update),
        log,
        secrets: [e.TELEGRAM_BOT_TOKEN, e.TELEGRAM_WEBHOOK_SECRET],
      },
    );
    return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body };
  };
  return Object.assign(respond, { dynamoErrors: () => runtime?.dynamoErrors });
}
