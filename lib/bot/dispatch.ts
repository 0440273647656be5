/**
 * The bot core: routes one validated update to a command, applying the per-chat rate limit,
 * the admin gate and the error policy. Used by the telegraf assembly (create-bot.ts) for both
 * the webhook function and local long polling.
 *
 * Error policy (what the webhook answers Telegram, see lib/webhook/handle-request.ts):
 * - CommandInputError (bad symbol, bad args…) → its message is the reply; 200.
 * - Reply refused with 403 (blocked, kicked) or 400 "chat not found" → the chat is deactivated
 *   (UserStore.deactivate with that reason); 200 — nothing more can be said to it.
 * - Transient failure (DynamoDB throttling/5xx, Telegram 429/5xx/timeouts, handler timeout) →
 *   rethrown, the webhook answers 500 and Telegram re-delivers the update later. Every command
 *   is safe to run again: /start, /stop, /subscribe, /unsubscribe and /settings write absolute
 *   states (a repeated /subscribe answers "already subscribed"); the only effect that can repeat
 *   is a reply being sent twice, and one more token taken from the chat's bucket.
 * - Misconfiguration (ConfigError, a token Telegram refuses) → rethrown, 500: retried once fixed.
 * - Anything else (a bug, a corrupt row, Telegram refusing our HTML) → logged as an error and
 *   answered with a short apology; 200, since the same update would fail the same way again.
 * Nothing is swallowed: every branch logs or replies.
 */
import { CommandInputError, type BotCommand } from './command.js';
import { createCommandContext } from './context.js';
import { clipText, codePointLength, echo } from './echo.js';
import type { PageCodec } from './pagination.js';
import type { ActionCodec } from './action-buttons.js';
import { MAX_ARG_LENGTH, parseCommand } from './parse-command.js';
import type { BotCallbackQuery, BotMessage, BotUpdate } from './update-schema.js';
import { ConfigError, describeError, isTransient } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { TelegramApiError, type TelegramPort } from '../ports/telegram.js';
import type { CommandBucket, SlowdownNotice, UserStore } from '../ports/users.js';
import { redactSecrets } from './redact.js';

export interface DispatcherDeps {
  readonly commands: readonly BotCommand[];
  readonly telegram: TelegramPort;
  readonly users: Pick<UserStore, 'deactivate'>;
  readonly bucket: CommandBucket;
  readonly slowdown: SlowdownNotice;
  readonly adminChatIds: readonly number[];
  readonly clock: Clock;
  readonly log: Log;
  /** Strings that must never reach a log line (bot token, webhook secret). */
  readonly secrets: readonly string[];
  /** Signs and checks page buttons (only PAGEABLE_COMMANDS, only for the chat they were sent to). */
  readonly pages: PageCodec;
  /** Signs and checks action buttons (only ACTION_BUTTONS, only for the chat they were sent to); none without it. */
  readonly actions?: ActionCodec;
}

export type UpdateOutcome = 'handled' | 'ignored' | 'rate-limited' | 'deactivated' | 'failed';

export interface Dispatcher {
  /** Resolves with what happened; rejects only with transient errors (the update should be retried). */
  handle(update: BotUpdate, botUsername: string): Promise<UpdateOutcome>;
}

const PLAIN_TEXT_HINT = 'I only understand commands. Send /help to see them.';

export function createDispatcher(deps: DispatcherDeps): Dispatcher {
  const { telegram, log } = deps;
  const byName = new Map(deps.commands.map((c) => [c.name, c]));
  const admins = new Set(deps.adminChatIds);
  const safe = (error: unknown) => redactSecrets(describeError(error), deps.secrets);

  function shortHelp(isAdmin: boolean): string {
    const names = deps.commands.filter((c) => isAdmin || !c.admin).map((c) => `/${c.name}`);
    return `Commands: ${names.join(' ')}\nSend /help for details.`;
  }

  /** Rate limit: true when the chat may go on; on refusal, says "slow down" once per window. */
  async function admit(chatId: number, now: number, onRefused: (seconds: number) => Promise<void>): Promise<boolean> {
    const take = await deps.bucket.take(chatId, now);
    if (take.allowed) return true;
    const seconds = Math.max(1, Math.ceil(take.retryAfterMs / 1000));
    log.info('command rate-limited', { chatId, retryAfterMs: take.retryAfterMs });
    await onRefused(seconds);
    return false;
  }

  async function failure(chatId: number, what: string, error: unknown, now: number, apologised = false): Promise<UpdateOutcome> {
    if (error instanceof CommandInputError && !apologised) {
      try {
        await telegram.sendMessage(chatId, error.message);
        return 'handled';
      } catch (replyError) {
        return failure(chatId, what, replyError, now, true);
      }
    }
    if (error instanceof TelegramApiError && (error.failure === 'blocked' || error.failure === 'chat-not-found')) {
      await deps.users.deactivate(chatId, error.failure, now);
      log.info('chat deactivated: Telegram refused the reply', { chatId, reason: error.failure, command: what });
      return 'deactivated';
    }
    if (isTransient(error)) {
      log.warn('command failed transiently; the update will be retried', { chatId, command: what, error: safe(error) });
      throw error;
    }
    if (error instanceof ConfigError || (error instanceof TelegramApiError && error.failure === 'unauthorized')) {
      // Nothing works until an operator fixes it; the webhook answers 500 so the update is kept.
      throw error;
    }
    log.error('command failed', { chatId, command: what, error: safe(error) });
    if (!apologised) {
      try {
        await telegram.sendMessage(chatId, `Sorry, ${echo(what)} failed. The problem was logged; please try again later.`);
      } catch (replyError) {
        return failure(chatId, what, replyError, now, true);
      }
    }
    return 'failed';
  }

  async function run(command: BotCommand | undefined, input: { chatId: number; name: string; args: readonly string[]; now: number; page: number; editMessageId?: number; action?: { name: string; issuedAt: number } }): Promise<UpdateOutcome> {
    const { chatId, name, now } = input;
    const isAdmin = admins.has(chatId);
    try {
      if (!command) {
        await telegram.sendMessage(chatId, `Unknown command /${echo(name)}.\n${shortHelp(isAdmin)}`);
        return 'handled';
      }
      if (command.admin && !isAdmin) throw new CommandInputError(`/${command.name} is for admins only.`);
      // No command takes a long argument: refused here, so no command ever sees (or echoes) one.
      const long = input.args.find((a) => codePointLength(a) > MAX_ARG_LENGTH);
      if (long !== undefined) {
        throw new CommandInputError(`That argument is too long (at most ${MAX_ARG_LENGTH} characters): "${echo(long, 24)}". Send /help for the usage of /${command.name}.`);
      }
      const ctx = createCommandContext({ telegram, chatId, command: command.name, args: input.args, isAdmin, now, page: input.page, editMessageId: input.editMessageId, pages: deps.pages, actions: deps.actions, action: input.action });
      await command.run(ctx);
      log.info('command handled', { chatId, command: command.name, page: input.page, ...(input.action ? { action: input.action.name } : {}) });
      return 'handled';
    } catch (error) {
      return failure(chatId, `/${command?.name ?? name}`, error, now);
    }
  }

  async function onMessage(message: BotMessage, botUsername: string): Promise<UpdateOutcome> {
    const chatId = message.chat.id;
    if (message.text === undefined) return 'ignored';
    const parsed = parseCommand(message.text);
    const isPrivate = message.chat.type === 'private';
    // In groups, plain text and commands addressed to other bots are not for us.
    if (!parsed && !isPrivate) return 'ignored';
    if (parsed?.mention !== undefined && parsed.mention !== botUsername.toLowerCase()) return 'ignored';
    const now = deps.clock.now();
    const admitted = await admit(chatId, now, async (seconds) => {
      let first: boolean;
      try {
        first = await deps.slowdown.first(chatId, now, seconds * 1000);
      } catch (error) {
        // A refused command is not worth a retry by Telegram: without the window row, stay silent.
        log.warn('slow-down notice check failed; not replying', { chatId, error: safe(error) });
        return;
      }
      if (!first) return;
      try {
        await telegram.sendMessage(chatId, `Slow down: too many commands. Try again in ${seconds} s.`);
      } catch (error) {
        await failure(chatId, 'slow-down notice', error, now, true);
      }
    });
    if (!admitted) return 'rate-limited';
    if (!parsed) {
      try {
        await telegram.sendMessage(chatId, PLAIN_TEXT_HINT);
        return 'handled';
      } catch (error) {
        return failure(chatId, 'hint', error, now, true);
      }
    }
    return run(byName.get(parsed.name), { chatId, name: parsed.name, args: parsed.args, now, page: 1 });
  }

  async function answer(query: BotCallbackQuery, text?: string): Promise<void> {
    try {
      await telegram.answerCallbackQuery(query.id, text);
    } catch (error) {
      // A query older than ~15 min can no longer be answered; the page change still happens.
      log.warn('answerCallbackQuery failed', { error: safe(error) });
      if (isTransient(error)) throw error;
    }
  }

  async function onCallback(query: BotCallbackQuery): Promise<UpdateOutcome> {
    // Only a page button the bot signed for this chat, naming a read-only listing, or an action
    // button it signed for this chat (ACTION_BUTTONS), runs anything; everything else (forged,
    // tampered, another chat's, stale) gets an empty answer — the client's spinner stops — and
    // nothing else happens: no rate-limit row, no reply.
    const chatId = query.message?.chat.id;
    const request = chatId === undefined || query.data === undefined ? undefined : deps.pages.decode(chatId, query.data);
    const pressed = chatId === undefined || query.data === undefined || request ? undefined : deps.actions?.decode(chatId, query.data);
    if (query.message && chatId !== undefined && pressed) {
      const now = deps.clock.now();
      if (!(await admit(chatId, now, (seconds) => answer(query, `Slow down: try again in ${seconds} s.`)))) return 'rate-limited';
      await answer(query);
      return run(byName.get(pressed.command), { chatId, name: pressed.command, args: [], now, page: 1, editMessageId: query.message.message_id, action: { name: pressed.action, issuedAt: pressed.issuedAt } });
    }
    if (!query.message || chatId === undefined || !request) {
      log.info('callback query refused: not a page button of this bot for this chat', { chatId, data: clipText(query.data ?? '', 16) });
      await answer(query);
      return 'ignored';
    }
    const now = deps.clock.now();
    const admitted = await admit(chatId, now, (seconds) => answer(query, `Slow down: try again in ${seconds} s.`));
    if (!admitted) return 'rate-limited';
    await answer(query);
    return run(byName.get(request.command), { chatId, name: request.command, args: request.args, now, page: request.page, editMessageId: query.message.message_id });
  }

  return {
    async handle(update, botUsername) {
      if (update.message) return onMessage(update.message, botUsername);
      if (update.callback_query) return onCallback(update.callback_query);
      log.debug('update ignored', { updateId: update.update_id, types: Object.keys(update).filter((k) => k !== 'update_id') });
      return 'ignored';
    },
  };
}
