/**
 * The CommandContext a command runs with: replies go through the TelegramPort (errors already
 * translated to TelegramApiError), long answers are paginated with ◂ ▸ buttons, and a page
 * change (callback query) edits the message in place instead of sending a new one.
 */
import type { CommandContext } from './command.js';
import { TelegramApiError, type InlineButton, type SendOptions, type TelegramPort } from '../ports/telegram.js';
import { splitHtml } from '../core/html-split.js';
import { paginate, type PageCodec } from './pagination.js';
import type { ActionCodec } from './action-buttons.js';
import { TELEGRAM_TEXT_LIMIT } from '../core/format.js';

export interface ContextInput {
  readonly telegram: TelegramPort;
  readonly chatId: number;
  /** The command's name (for the page buttons' callback data) and its arguments. */
  readonly command: string;
  readonly args: readonly string[];
  readonly isAdmin: boolean;
  readonly now: number;
  readonly page: number;
  /** Signs the page buttons (only for PAGEABLE_COMMANDS; others send every page as a message). */
  readonly pages: PageCodec;
  /** Set for a page or action button: the message carrying the buttons, edited in place. */
  readonly editMessageId?: number;
  /** Signs action buttons (lib/bot/action-buttons.ts); without it a command can make none. */
  readonly actions?: ActionCodec;
  /** Set for a press of an action button of this command. */
  readonly action?: { readonly name: string; readonly issuedAt: number };
}

export function createCommandContext(input: ContextInput): CommandContext {
  const { telegram, chatId, command, args, editMessageId, pages: codec } = input;

  async function reply(html: string, options?: SendOptions): Promise<void> {
    if (html.length <= TELEGRAM_TEXT_LIMIT) {
      await telegram.sendMessage(chatId, html, options);
      return;
    }
    // Never cut off: an over-long reply goes out as several messages, buttons on the last.
    const parts = splitHtml(html, TELEGRAM_TEXT_LIMIT);
    for (const [i, part] of parts.entries()) {
      await telegram.sendMessage(chatId, part, i === parts.length - 1 ? options : { ...options, buttons: undefined });
    }
  }

  /** Edits the paginated message in place; sends a new one when the old message is gone. */
  async function show(html: string, buttons: readonly (readonly InlineButton[])[] | undefined): Promise<void> {
    if (editMessageId !== undefined) {
      try {
        // 'not-modified' (the same page twice) is fine: the user sees the right page already.
        await telegram.editMessageText(chatId, editMessageId, html, { buttons: buttons ?? [] });
        return;
      } catch (error) {
        if (!(error instanceof TelegramApiError && error.failure === 'message-gone')) throw error;
      }
    }
    await telegram.sendMessage(chatId, html, buttons ? { buttons } : undefined);
  }

  async function replyLines(title: string, lines: readonly string[]): Promise<void> {
    const pages = paginate(title, lines);
    const total = pages.length;
    if (total === 1) return show(pages[0]!, undefined);
    const page = Math.min(Math.max(1, Math.trunc(input.page) || 1), total);
    const prev = page > 1 ? codec.encode(chatId, { page: page - 1, command, args }) : '';
    const next = page < total ? codec.encode(chatId, { page: page + 1, command, args }) : '';
    if (prev === undefined || next === undefined) {
      // Not a pageable command, or its arguments do not fit in a button's 64 bytes: every page
      // as its own message instead.
      for (const text of pages) await telegram.sendMessage(chatId, text);
      return;
    }
    const row: InlineButton[] = [];
    if (prev) row.push({ text: `◂ ${page - 1}/${total}`, callbackData: prev });
    if (next) row.push({ text: `${page + 1}/${total} ▸`, callbackData: next });
    await show(pages[page - 1]!, [row]);
  }

  const { actions, action } = input;
  return Object.freeze({
    chatId,
    args,
    isAdmin: input.isAdmin,
    now: input.now,
    page: input.page,
    reply,
    replyLines,
    async replyPhoto(png: Uint8Array, captionHtml: string): Promise<void> {
      await telegram.sendPhoto(chatId, { png, filename: 'chart.png' }, captionHtml);
    },
    ...(action ? { action: Object.freeze({ ...action, edit: (html: string) => show(html, undefined) }) } : {}),
    actionButton(text: string, name: string): InlineButton | undefined {
      const data = actions?.encode(chatId, { command, action: name, issuedAt: input.now });
      return data === undefined ? undefined : { text, callbackData: data };
    },
  });
}
