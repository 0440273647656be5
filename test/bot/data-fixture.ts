/** Shared helpers of the market-data command tests: a recording CommandContext and the wiring input. */
import { randomBytes } from 'node:crypto';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { BotCommand, CommandContext } from '../../lib/bot/command.js';
import { createCommandContext } from '../../lib/bot/context.js';
import { createPageCodec, paginate } from '../../lib/bot/pagination.js';
import type { BotWiringInput } from '../../lib/runtime/bot-commands.js';
import type { BotConfig } from '../../lib/config/schema.js';
import type { Clock } from '../../lib/ports/clock.js';
import type { Log } from '../../lib/ports/log.js';
import type { SendOptions, TelegramPort } from '../../lib/ports/telegram.js';
import type { TestResources } from '../support/local-aws.js';

export type Reply =
  | { readonly kind: 'text'; readonly html: string }
  | { readonly kind: 'lines'; readonly title: string; readonly lines: readonly string[]; readonly pages: readonly string[] }
  | { readonly kind: 'photo'; readonly png: Uint8Array; readonly caption: string };

/** A CommandContext that records what the command answers (replyLines also paginated with the bot's paginator). */
export function recordingContext(args: readonly string[], now: number, page = 1): CommandContext & { readonly replies: Reply[] } {
  const replies: Reply[] = [];
  return {
    chatId: 42,
    args,
    isAdmin: false,
    now,
    page,
    replies,
    async reply(html: string, _options?: SendOptions) {
      replies.push({ kind: 'text', html });
    },
    async replyLines(title, lines) {
      replies.push({ kind: 'lines', title, lines: [...lines], pages: paginate(title, lines) });
    },
    async replyPhoto(png, caption) {
      replies.push({ kind: 'photo', png, caption });
    },
  };
}

/** Runs a command; its single reply. */
export async function runCommand(command: BotCommand, args: readonly string[], now: number): Promise<Reply> {
  const ctx = recordingContext(args, now);
  await command.run(ctx);
  if (ctx.replies.length !== 1) throw new Error(`expected one reply, got ${ctx.replies.length}: ${JSON.stringify(ctx.replies)}`);
  return ctx.replies[0]!;
}

export function textOf(reply: Reply): string {
  if (reply.kind === 'text') return reply.html;
  if (reply.kind === 'lines') return [reply.title, ...reply.lines].join('\n');
  return reply.caption;
}

/** A TelegramPort recording sent/edited texts (for the real CommandContext). */
export function recordingTelegram(): TelegramPort & { readonly texts: { text: string; buttons: string[] }[] } {
  const texts: { text: string; buttons: string[] }[] = [];
  let id = 0;
  const buttonsOf = (o?: SendOptions) => (o?.buttons ?? []).flat().map((b) => b.callbackData);
  return {
    texts,
    async sendMessage(_chat, html, options) {
      texts.push({ text: html, buttons: buttonsOf(options) });
      return { messageId: ++id };
    },
    async sendPhoto() {
      return { messageId: ++id, fileId: `f${id}` };
    },
    async editMessageText(_chat, _m, html, options) {
      texts.push({ text: html, buttons: buttonsOf(options) });
      return 'edited';
    },
    async pinChatMessage() {},
    async answerCallbackQuery() {},
  };
}

/** Every page of a paginated answer through the bot's real CommandContext, following the ▸ buttons. */
export async function allPages(command: BotCommand, args: readonly string[], now: number): Promise<string[]> {
  const telegram = recordingTelegram();
  const codec = createPageCodec(randomBytes(32));
  const pages: string[] = [];
  for (let page = 1; page <= 100; page++) {
    const before = telegram.texts.length;
    await command.run(createCommandContext({ telegram, chatId: 42, command: command.name, args, isAdmin: false, now, page, pages: codec, ...(page > 1 ? { editMessageId: 1 } : {}) }));
    const sent = telegram.texts.slice(before);
    if (sent.length !== 1) throw new Error(`page ${page}: ${sent.length} messages`);
    pages.push(sent[0]!.text);
    if (!sent[0]!.buttons.some((b) => codec.decode(42, b)?.page === page + 1)) break;
  }
  return pages;
}

/** The wiring input of the webhook over the test resources (telegram and SQS unused by these commands). */
export function wiringInput(r: TestResources, config: BotConfig, clock: Clock, log: Log): BotWiringInput {
  return {
    env: {
      CANDLEBOT_CONFIG_PATH: 'unused.yml',
      SIGNALS_TABLE: r.tables.SignalsTable!,
      STATE_TABLE: r.tables.StateTable!,
      POSITIONS_TABLE: r.tables.PositionsTable!,
      USERS_TABLE: r.tables.UsersTable!,
      NOTIFY_QUEUE_URL: r.queues.NotifyQueue!,
      NOTIFY_DLQ_URL: r.queues.NotifyDeadLetterQueue!,
      TELEGRAM_BOT_TOKEN: '123456:unused-unused-unused-unused-unused-unused',
      AWS_REGION: 'us-east-1',
    },
    config,
    ddb: r.doc,
    sqs: r.sqs as SQSClient,
    clock,
    log,
    telegram: recordingTelegram(),
  };
}
