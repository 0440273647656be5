/**
 * Wires the bot from a validated environment and config: AWS clients, the Telegram adapter,
 * every command group, the rate limit and the dispatcher, under one telegraf instance.
 * Built once per container (webhook function) or once per process (local long polling).
 */
import type { UserFromGetMe } from 'telegraf/types';
import { webhookEnvSchema, type WebhookEnv } from '../config/env.js';
import { boundTexts } from '../telegram/bound-texts.js';
import type { BotConfig } from '../config/schema.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createAwsClients } from '../runtime/wiring.js';
import { createCommandRateLimit } from '../store/users/command-rate-limit.js';
import { createTelegrafTelegram } from '../telegram/telegraf-telegram.js';
import { waitOnRateLimit } from '../telegram/wait-on-rate-limit.js';
import { createDynamoUserStore } from '../store/users/user-store.js';
import type { BotCommand } from './command.js';
import { allCommands } from './commands/index.js';
import { createBot, type Bot } from './create-bot.js';
import { createDispatcher } from './dispatch.js';
import { createPageCodec, deriveCallbackKey } from './pagination.js';
import { createDynamoSlowdownNotice } from '../store/users/slowdown-notice.js';
import type { BotWiringInput } from './wiring-input.js';

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
}

export interface BotRuntime {
  readonly bot: Bot;
  readonly input: BotWiringInput;
  readonly commands: readonly BotCommand[];
}

export function createBotRuntime(env: BotEnv, config: BotConfig, options: BotRuntimeOptions): BotRuntime {
  const { log } = options;
  const clock = options.clock ?? systemClock;
  const token = env.TELEGRAM_BOT_TOKEN;
  // The commands never see the webhook secret; it only keys the page buttons.
  const { TELEGRAM_WEBHOOK_SECRET: webhookSecret, ...commandEnv } = env;
  const { ddb, sqs } = createAwsClients(commandEnv);
  // Replies wait out a short 429 (≤ 3 s, twice at most) instead of failing the update: the
  // handler has 20 s, and a failed update is re-run by Telegram. Outermost, every text is kept
  // within Telegram's limits whatever a command built (the last line of defence: a 400 "message
  // is too long" would leave the user with nothing).
  const telegram = boundTexts(waitOnRateLimit(createTelegrafTelegram({ token, apiRoot: env.TELEGRAM_API_ROOT, timeoutMs: options.telegramTimeoutMs, log }), { maxWaitMs: 3_000 }), { log });
  const input: BotWiringInput = Object.freeze({ env: commandEnv, config, ddb, sqs, clock, log, telegram });
  const commands = (options.commands ?? allCommands)(input);
  const dispatcher = createDispatcher({
    commands,
    telegram,
    users: createDynamoUserStore({ client: ddb, table: env.USERS_TABLE, maxSubscriptions: config.telegram.maxSubscriptionsPerChat }),
    bucket: createCommandRateLimit({ client: ddb, table: env.USERS_TABLE, perMinute: config.telegram.commands.perMinute, burst: config.telegram.commands.burst }),
    slowdown: createDynamoSlowdownNotice({ client: ddb, table: env.USERS_TABLE }),
    adminChatIds: config.telegram.adminChatIds,
    clock,
    log,
    secrets: [token, ...(webhookSecret ? [webhookSecret] : []), ...(options.secrets ?? [])],
    pages: createPageCodec(callbackKey(env)),
  });
  const bot = createBot({
    token,
    apiRoot: env.TELEGRAM_API_ROOT,
    dispatcher,
    handlerTimeoutMs: options.handlerTimeoutMs,
    apiTimeoutMs: options.telegramTimeoutMs,
    botInfo: options.botInfo,
  });
  return Object.freeze({ bot, input, commands });
}
