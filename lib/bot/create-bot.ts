/**
 * The telegraf assembly shared by the webhook function and local long polling: one Telegraf
 * instance whose only middleware hands each update to the dispatcher (dispatch.ts).
 *
 * botInfo: telegraf needs it before the first update (else it calls getMe inside handleUpdate,
 * with no timeout). The bot's username is not configuration (renaming the bot in BotFather
 * must not need a redeploy), so it comes from one getMe per container, memoised, bounded by a
 * timeout, and forgotten on failure (the failing update gets a 500 and is retried).
 */
import { Telegraf } from 'telegraf';
import type { Update, UserFromGetMe } from 'telegraf/types';
import { TransientError } from '../errors.js';
import type { BotApi } from '../ports/telegram.js';
import type { Dispatcher, UpdateOutcome } from './dispatch.js';
import type { BotUpdate } from './update-schema.js';

export interface CreateBotOptions {
  readonly token: string;
  /** Bot API root (tests: the fake's 127.0.0.1 URL). */
  readonly apiRoot?: string;
  readonly dispatcher: Dispatcher;
  /** Upper bound of one update's handling (the Lambda timeout must be larger). */
  readonly handlerTimeoutMs?: number;
  /** Direct Bot API calls (getMe, setWebhook…), with their timeout: lib/telegram/bot-api.ts. */
  readonly api: BotApi;
  /** Preset identity (skips getMe), e.g. in tests or when already known. */
  readonly botInfo?: UserFromGetMe;
}

export interface Bot {
  readonly telegraf: Telegraf;
  /** Direct Bot API calls with timeout and translated errors (getUpdates, setWebhook…). */
  readonly api: BotApi;
  /** Handles one validated update; rejects with a transient error when it should be retried. */
  handleUpdate(update: BotUpdate): Promise<UpdateOutcome>;
}

export const DEFAULT_HANDLER_TIMEOUT_MS = 20_000;

export function createBot(options: CreateBotOptions): Bot {
  const handlerTimeout = options.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS;
  const telegraf = new Telegraf(options.token, { handlerTimeout, telegram: options.apiRoot ? { apiRoot: options.apiRoot } : {} });
  const { api } = options;
  if (options.botInfo) telegraf.botInfo = options.botInfo;

  // The outcome of the update being handled, keyed by the update object itself.
  const outcomes = new WeakMap<object, UpdateOutcome>();
  telegraf.use(async (ctx) => {
    const update = ctx.update as unknown as BotUpdate;
    outcomes.set(update, await options.dispatcher.handle(update, ctx.botInfo.username));
  });
  telegraf.catch((error) => {
    // telegraf's handler timeout (p-timeout's TimeoutError): the work may still finish, but
    // Telegram should try again rather than lose the command.
    if (error instanceof Error && error.name === 'TimeoutError') {
      throw new TransientError(`update handling took longer than ${handlerTimeout} ms`, { code: 'HANDLER_TIMEOUT', cause: error });
    }
    throw error;
  });

  let botInfo: Promise<UserFromGetMe> | undefined;
  const ensureBotInfo = async (): Promise<void> => {
    if (telegraf.botInfo) return;
    botInfo ??= (api.call('getMe', {}) as Promise<UserFromGetMe>).catch((error: unknown) => {
      botInfo = undefined;
      throw error;
    });
    telegraf.botInfo = await botInfo;
  };

  return {
    telegraf,
    api,
    async handleUpdate(update) {
      await ensureBotInfo();
      await telegraf.handleUpdate(update as unknown as Update);
      return outcomes.get(update) ?? 'ignored';
    },
  };
}
