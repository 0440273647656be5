import { CandlebotError, type ErrorCode, type ErrorKind } from '../errors.js';

/**
 * The Telegram Bot API as candlebot uses it. One adapter (lib/telegram, telegraf) translates
 * every vendor error into `TelegramApiError` at the boundary, keeping `cause`.
 * All texts are Telegram HTML (every user/exchange string already escaped by the core).
 */
export interface SendOptions {
  /** Telegram `disable_notification` (quiet hours). */
  readonly silent?: boolean;
  /** Inline keyboard rows (e.g. pagination buttons). */
  readonly buttons?: readonly (readonly InlineButton[])[];
}

export interface InlineButton {
  readonly text: string;
  /** ≤ 64 bytes. */
  readonly callbackData: string;
}

export type PhotoInput = { readonly png: Uint8Array; readonly filename: string } | { readonly fileId: string };

export interface SentMessage {
  readonly messageId: number;
}

export interface SentPhoto extends SentMessage {
  /** Telegram's file id of the uploaded photo (largest size), reusable for other chats. */
  readonly fileId: string;
}

export interface TelegramPort {
  sendMessage(chatId: number, html: string, options?: SendOptions): Promise<SentMessage>;
  /** `captionHtml` ≤ 1024 characters. */
  sendPhoto(chatId: number, photo: PhotoInput, captionHtml?: string, options?: SendOptions): Promise<SentPhoto>;
  /** Editing with identical text is not an error: it resolves `not-modified`. */
  editMessageText(chatId: number, messageId: number, html: string, options?: SendOptions): Promise<'edited' | 'not-modified'>;
  pinChatMessage(chatId: number, messageId: number): Promise<void>;
  answerCallbackQuery(callbackQueryId: string, text?: string): Promise<void>;
}

/**
 * Why a Bot API call failed:
 * - `rate-limited` 429 (retryAfterMs from `parameters.retry_after`) — transient
 * - `unavailable` 5xx, timeout, network error, malformed response — transient
 * - `blocked` 403 (bot blocked, user deactivated, kicked) — permanent
 * - `chat-not-found` 400 "chat not found" — permanent
 * - `message-gone` 400 "message to edit not found" / "message to pin not found" — permanent
 * - `bad-request` any other 400 (e.g. unparsable HTML) — permanent
 * - `unauthorized` 401/404 on the token — permanent (configuration)
 */
export type TelegramFailure = 'rate-limited' | 'unavailable' | 'blocked' | 'chat-not-found' | 'message-gone' | 'bad-request' | 'unauthorized';

const TRANSIENT: ReadonlySet<TelegramFailure> = new Set(['rate-limited', 'unavailable']);

const CODES: Readonly<Record<TelegramFailure, ErrorCode>> = {
  'rate-limited': 'TELEGRAM_RATE_LIMITED',
  unavailable: 'TELEGRAM_UNAVAILABLE',
  blocked: 'TELEGRAM_BLOCKED',
  'chat-not-found': 'TELEGRAM_CHAT_NOT_FOUND',
  'message-gone': 'TELEGRAM_MESSAGE_GONE',
  'bad-request': 'TELEGRAM_BAD_REQUEST',
  unauthorized: 'TELEGRAM_UNAUTHORIZED',
};

export class TelegramApiError extends CandlebotError {
  override readonly name = 'TelegramApiError';
  readonly kind: ErrorKind;
  readonly failure: TelegramFailure;
  /** Telegram's error_code, or undefined for network errors. */
  readonly status: number | undefined;

  constructor(message: string, options: { failure: TelegramFailure; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(message, { code: CODES[options.failure], cause: options.cause, retryAfterMs: options.retryAfterMs });
    this.failure = options.failure;
    this.status = options.status;
    this.kind = TRANSIENT.has(options.failure) ? 'transient' : 'permanent';
  }
}

export interface CallOptions {
  /** This call's timeout instead of the adapter's (long polling waits longer than a send). */
  readonly timeoutMs?: number;
  /** Aborts the call early (e.g. stopping long polling). */
  readonly signal?: AbortSignal;
}

/** Raw Bot API calls with a timeout and translated errors (getUpdates, setWebhook, getMe…). */
export interface BotApi {
  /** `method` is a raw Bot API method (`getMe`, `getUpdates`, `setWebhook`…), `payload` its parameters. */
  call(method: string, payload: Readonly<Record<string, unknown>>, options?: CallOptions): Promise<unknown>;
}
