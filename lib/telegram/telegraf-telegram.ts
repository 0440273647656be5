/**
 * TelegramPort on telegraf 4.16.3's `Telegram` client.
 *
 * - Own HTTP timeout: telegraf hard-codes node-fetch's 500 s; every call here passes an
 *   `AbortSignal.timeout(timeoutMs)` through `callApi(method, payload, { signal })`.
 * - Texts are sent with `parse_mode: 'HTML'`; `silent` → `disable_notification`;
 *   `buttons` → `reply_markup.inline_keyboard`.
 * - editMessageText without `buttons` removes the message's inline keyboard (Telegram semantics:
 *   the markup is replaced, not kept); 400 "message is not modified" resolves `not-modified`.
 * - pinChatMessage pins without notifying the chat members.
 * - Every failure is a `TelegramApiError` (translate-error.ts); messages never carry the token.
 *   Failures are logged once at warn with method/failure/status/retryAfterMs and the redacted
 *   message (never the raw cause).
 */
import { Telegram } from 'telegraf';
import type { Log } from '../ports/log.js';
import { silentLog } from '../ports/log.js';
import type { CallOptions, PhotoInput, SendOptions, SentPhoto, TelegramPort } from '../ports/telegram.js';
import { TelegramApiError } from '../ports/telegram.js';
import { translateTelegramError } from './translate-error.js';

export const DEFAULT_TELEGRAM_TIMEOUT_MS = 10_000;

export interface TelegrafTelegramOptions {
  readonly token: string;
  /** Bot API root, e.g. the fake's `http://127.0.0.1:PORT` (default https://api.telegram.org). */
  readonly apiRoot?: string;
  /** Whole-call timeout in ms, upload included (default 10 000). */
  readonly timeoutMs?: number;
  readonly log?: Log;
}

/**
 * One Bot API call (`method` as the Bot API names it) with timeout and error translation,
 * resolving to the raw `result`. Other adapters (webhook setup, commands) may use it.
 */
export type TelegramCall = (method: string, payload: Readonly<Record<string, unknown>>, options?: CallOptions) => Promise<unknown>;

interface MessageResult {
  readonly message_id: number;
  readonly photo?: readonly PhotoSize[];
}

export function createTelegramCaller(options: TelegrafTelegramOptions): TelegramCall {
  const { token } = options;
  if (!token) throw new TypeError('Telegram adapter: token is required');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TELEGRAM_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
  const log = options.log ?? silentLog;
  const telegram = new Telegram(token, { ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}), webhookReply: false });

  return async (method, payload, callOptions = {}) => {
    const limitMs = callOptions.timeoutMs ?? timeoutMs;
    const timeout = AbortSignal.timeout(limitMs);
    const signal = callOptions.signal ? AbortSignal.any([timeout, callOptions.signal]) : timeout;
    try {
      // callApi is typed per method by typegram; payloads are built (and typed) by the port below.
      return await telegram.callApi(method as never, payload as never, { signal: signal as never });
    } catch (error) {
      const timedOut = timeout.aborted && !(error instanceof Error && 'response' in error);
      const translated = translateTelegramError(error, { token, method, ...(timedOut ? { timedOutAfterMs: limitMs } : {}) });
      if (!isNotModified(translated)) {
        log.warn('Telegram call failed', { method, failure: translated.failure, status: translated.status, retryAfterMs: translated.retryAfterMs, error: translated.message });
      }
      throw translated;
    }
  };
}

function isNotModified(error: TelegramApiError): boolean {
  return error.failure === 'bad-request' && /message is not modified/i.test(error.message);
}

function extra(options: SendOptions | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { parse_mode: 'HTML' };
  if (options?.silent) out.disable_notification = true;
  if (options?.buttons?.length) {
    out.reply_markup = { inline_keyboard: options.buttons.map((row) => row.map((b) => ({ text: b.text, callback_data: b.callbackData }))) };
  }
  return out;
}

function photoSource(photo: PhotoInput): unknown {
  if ('fileId' in photo) return photo.fileId;
  const bytes = Buffer.from(photo.png.buffer, photo.png.byteOffset, photo.png.byteLength);
  return { source: bytes, filename: photo.filename };
}

interface PhotoSize {
  readonly file_id: string;
  readonly width: number;
  readonly height: number;
  readonly file_size?: number;
}

function largestFileId(sizes: readonly PhotoSize[] | undefined, method: string): string {
  let best: PhotoSize | undefined;
  for (const size of sizes ?? []) {
    if (!best || size.width * size.height > best.width * best.height || (size.width * size.height === best.width * best.height && (size.file_size ?? 0) > (best.file_size ?? 0))) best = size;
  }
  if (!best) throw new TelegramApiError(`Telegram ${method} returned a message without photo sizes`, { failure: 'unavailable' });
  return best.file_id;
}

function asMessage(result: unknown, method: string): MessageResult {
  const message = result as Partial<MessageResult> | null;
  if (typeof message?.message_id !== 'number') {
    throw new TelegramApiError(`Telegram ${method} returned no message_id`, { failure: 'unavailable' });
  }
  return message as MessageResult;
}

export function createTelegrafTelegram(options: TelegrafTelegramOptions): TelegramPort {
  const call = createTelegramCaller(options);
  return {
    async sendMessage(chatId, html, sendOptions) {
      const message = asMessage(await call('sendMessage', { chat_id: chatId, text: html, ...extra(sendOptions) }), 'sendMessage');
      return { messageId: message.message_id };
    },
    async sendPhoto(chatId, photo, captionHtml, sendOptions): Promise<SentPhoto> {
      const payload: Record<string, unknown> = { chat_id: chatId, photo: photoSource(photo), ...extra(sendOptions) };
      if (captionHtml !== undefined && captionHtml !== '') payload.caption = captionHtml;
      const message = asMessage(await call('sendPhoto', payload), 'sendPhoto');
      return { messageId: message.message_id, fileId: largestFileId(message.photo, 'sendPhoto') };
    },
    async editMessageText(chatId, messageId, html, sendOptions) {
      try {
        await call('editMessageText', { chat_id: chatId, message_id: messageId, text: html, ...extra(sendOptions) });
        return 'edited';
      } catch (error) {
        if (error instanceof TelegramApiError && isNotModified(error)) return 'not-modified';
        throw error;
      }
    },
    async pinChatMessage(chatId, messageId) {
      await call('pinChatMessage', { chat_id: chatId, message_id: messageId, disable_notification: true });
    },
    async answerCallbackQuery(callbackQueryId, text) {
      await call('answerCallbackQuery', { callback_query_id: callbackQueryId, ...(text === undefined ? {} : { text }) });
    },
  };
}
