/**
 * A TelegramPort that keeps every text within Telegram's limits, whatever the caller built: a
 * message over 4096 characters goes out as several (split on lines, tags balanced, buttons on
 * the last), an edit over 4096 is cut (an edit cannot become two messages), a caption over 1024
 * keeps its first lines and the rest follows as messages, a callback answer over 200 is cut.
 * Over the limit Telegram answers 400 and the user would get nothing at all.
 *
 * The last line of defence for command replies: commands bound what they echo (lib/bot/echo.ts)
 * and paginate long answers; this only acts when something slipped through, and logs it.
 */
import { TELEGRAM_CAPTION_LIMIT, TELEGRAM_TEXT_LIMIT } from '../core/format.js';
import { silentLog, type Log } from '../ports/log.js';
import type { TelegramPort } from '../ports/telegram.js';
import { captionAndRest, splitHtml } from '../core/html-split.js';

/** Telegram's limit on answerCallbackQuery's text. */
export const CALLBACK_ANSWER_LIMIT = 200;

/** splitHtml, or — when a single tag cannot fit in `limit` with its open tags — the same text without its tags. */
function safeSplit(html: string, limit: number): string[] {
  try {
    return splitHtml(html, limit);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return splitHtml(html.replace(/<[^<>]*>/g, ''), limit);
  }
}

/** The longest prefix of `html` within `limit` characters, tags balanced, marked with `…`. */
export function truncateHtml(html: string, limit = TELEGRAM_TEXT_LIMIT): string {
  if (html.length <= limit) return html;
  const [first = ''] = safeSplit(html, limit - 1);
  // splitHtml drops the newline at a cut; a cut inside a line ends with its closing tags.
  return `${first}…`;
}

/** Plain text within `limit` UTF-16 units, never cutting a surrogate pair. */
function truncatePlain(text: string, limit: number): string {
  if (text.length <= limit) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > limit - 1) break;
    out += ch;
  }
  return `${out}…`;
}

export function boundTexts(port: TelegramPort, options: { readonly log?: Log } = {}): TelegramPort {
  const log = options.log ?? silentLog;
  const over = (method: string, length: number, limit: number) => log.warn('Telegram text over the limit: split or cut before sending', { method, length, limit });
  return {
    async sendMessage(chatId, html, sendOptions) {
      if (html.length <= TELEGRAM_TEXT_LIMIT) return port.sendMessage(chatId, html, sendOptions);
      over('sendMessage', html.length, TELEGRAM_TEXT_LIMIT);
      const parts = safeSplit(html, TELEGRAM_TEXT_LIMIT);
      if (parts.length === 0) return port.sendMessage(chatId, html, sendOptions);
      for (const part of parts.slice(0, -1)) await port.sendMessage(chatId, part, { ...sendOptions, buttons: undefined });
      return port.sendMessage(chatId, parts.at(-1)!, sendOptions);
    },
    async sendPhoto(chatId, photo, captionHtml, sendOptions) {
      if (captionHtml === undefined || captionHtml.length <= TELEGRAM_CAPTION_LIMIT) return port.sendPhoto(chatId, photo, captionHtml, sendOptions);
      over('sendPhoto', captionHtml.length, TELEGRAM_CAPTION_LIMIT);
      const { caption, rest } = captionAndRest(captionHtml);
      const sent = await port.sendPhoto(chatId, photo, caption, sendOptions);
      for (const part of rest) await port.sendMessage(chatId, part, { ...(sendOptions?.silent ? { silent: true } : {}) });
      return sent;
    },
    async editMessageText(chatId, messageId, html, sendOptions) {
      if (html.length <= TELEGRAM_TEXT_LIMIT) return port.editMessageText(chatId, messageId, html, sendOptions);
      over('editMessageText', html.length, TELEGRAM_TEXT_LIMIT);
      return port.editMessageText(chatId, messageId, truncateHtml(html), sendOptions);
    },
    pinChatMessage: (chatId, messageId) => port.pinChatMessage(chatId, messageId),
    async answerCallbackQuery(callbackQueryId, text) {
      return port.answerCallbackQuery(callbackQueryId, text === undefined ? undefined : truncatePlain(text, CALLBACK_ANSWER_LIMIT));
    },
  };
}
