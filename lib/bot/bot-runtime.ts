/**
 * Wires the bot from a validated environment and config: AWS clients, the Telegram adapter,
 * every command group, the rate limit and the dispatcher, under one telegraf instance.
 * Built once per container (webhook function) or once per process (local long polling).
 */
import type { UserFromGetMe } from 'telegraf/types';
import { webhookEnvSchema, type WebhookEnv } from '../config/env.js';
import type { BotConfig } from '../config/schema.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createAwsClients } from '../runtime/wiring.js';
import { createCommandRateLimit } from './command-rate-limit.js';
import { createTelegrafTelegram } from '../telegram/telegraf-telegram.js';
import { waitOnRateLimit } from '../telegram/wait-on-rate-limit.js';
import { createDynamoUserStore } from '../users/dynamo-user-store.js';
import type { BotCommand } from './command.js';
import { allCommands } from './commands/index.js';
import { createBot, type Bot } from './create-bot.js';
import { createDispatcher } from './dispatch.js';
import { createDynamoSlowdownNotice } from './slowdown-notice.js';
import type { BotWiringInput } from './wiring-input.js';

/** What the bot needs from the environment (the webhook's, without its secret). */
export const botEnvSchema = webhookEnvSchema.omit({ TELEGRAM_WEBHOOK_SECRET: true });
export type BotEnv = Omit<WebhookEnv, 'TELEGRAM_WEBHOOK_SECRET'>;

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
  const { ddb, sqs } = createAwsClients(env);
  // Replies wait out a short 429 (≤ 3 s, twice at most) instead of failing the update: the
  // handler has 20 s, and a failed update is re-run by Telegram.
  const telegram = waitOnRateLimit(createTelegrafTelegram({ token, apiRoot: env.TELEGRAM_API_ROOT, timeoutMs: options.telegramTimeoutMs, log }), { maxWaitMs: 3_000 });
  const input: BotWiringInput = Object.freeze({ env, config, ddb, sqs, clock, log, telegram });
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
    secrets: [token, ...(options.secrets ?? [])],
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
