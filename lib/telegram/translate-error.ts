/**
 * Every failure of a Bot API call becomes a `TelegramApiError` (lib/ports/telegram.ts) with the
 * original error as `cause`.
 *
 * Secrets: telegraf builds URLs `…/bot<token>/<method>` and node-fetch puts the URL in some
 * error messages (network errors, "invalid json response body at <url>"). The translated
 * message never contains the token, and the cause's own `message`/`stack` are redacted in
 * place too; still, log only the translated error's message/code, never `cause` raw.
 */
import { TelegramApiError, type TelegramFailure } from '../ports/telegram.js';

const REDACTED = '<redacted>';

/** Replaces `bot<token>` by `bot<redacted>` and any other occurrence of the token by `<redacted>`. */
export function redactToken(text: string, token: string): string {
  if (!token) return text;
  let out = text.split(`bot${token}`).join(`bot${REDACTED}`);
  out = out.split(token).join(REDACTED);
  const encoded = encodeURIComponent(token);
  if (encoded !== token) out = out.split(encoded).join(REDACTED);
  // The secret part alone (after "<bot id>:"), e.g. in telegraf's own "[REDACTED]" variants.
  const secret = token.includes(':') ? token.slice(token.indexOf(':') + 1) : '';
  if (secret.length >= 8) out = out.split(secret).join(REDACTED);
  return out;
}

interface TelegrafErrorShape {
  readonly response: { readonly error_code?: unknown; readonly description?: unknown; readonly parameters?: { readonly retry_after?: unknown } };
}

function isTelegrafError(error: unknown): error is Error & TelegrafErrorShape {
  if (!(error instanceof Error) || !('response' in error)) return false;
  const response = (error as { response: unknown }).response;
  return typeof response === 'object' && response !== null && 'error_code' in response;
}

const MESSAGE_GONE = ['message to edit not found', 'message to pin not found', 'message to delete not found', 'message_id_invalid'];

/** Failure class of a Bot API answer (`error_code` + `description`). */
export function classifyApiError(status: number, description: string): TelegramFailure {
  const text = description.toLowerCase();
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'unavailable';
  if (status === 403) return 'blocked';
  if (status === 401 || status === 404) return 'unauthorized';
  if (status === 400 && text.includes('chat not found')) return 'chat-not-found';
  if (status === 400 && MESSAGE_GONE.some((m) => text.includes(m))) return 'message-gone';
  return 'bad-request';
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'UND_ERR_SOCKET']);

function scrub(error: unknown, token: string): void {
  if (!(error instanceof Error)) return;
  try {
    error.message = redactToken(error.message, token);
    if (error.stack) error.stack = redactToken(error.stack, token);
  } catch {
    // frozen error objects keep their text; the translated message is redacted regardless
  }
}

export interface TranslateContext {
  readonly token: string;
  /** Bot API method, for the message. */
  readonly method: string;
  /** Set when our own timeout aborted the call. */
  readonly timedOutAfterMs?: number;
}

/** Translates anything a telegraf call threw; an existing TelegramApiError passes through. */
export function translateTelegramError(error: unknown, context: TranslateContext): TelegramApiError {
  if (error instanceof TelegramApiError) return error;
  const { token, method } = context;
  scrub(error, token);
  const wrap = (failure: TelegramFailure, detail: string, status?: number, retryAfterMs?: number): TelegramApiError =>
    new TelegramApiError(redactToken(`Telegram ${method} failed: ${detail}`, token), { failure, status, retryAfterMs, cause: error });

  if (isTelegrafError(error)) {
    const status = typeof error.response.error_code === 'number' ? error.response.error_code : 0;
    const description = typeof error.response.description === 'string' ? error.response.description : '';
    const failure = classifyApiError(status, description);
    const retryAfter = error.response.parameters?.retry_after;
    const retryAfterMs = failure === 'rate-limited' && typeof retryAfter === 'number' && retryAfter >= 0 ? retryAfter * 1000 : undefined;
    return wrap(failure, `${status} ${description}`.trim(), status || undefined, retryAfterMs);
  }
  const name = error instanceof Error ? error.name : '';
  const type = typeof error === 'object' && error !== null && 'type' in error ? String((error as { type: unknown }).type) : '';
  const code = typeof error === 'object' && error !== null && 'code' in error ? String((error as { code: unknown }).code) : '';
  const message = error instanceof Error ? error.message : String(error);
  if (context.timedOutAfterMs !== undefined || name === 'AbortError' || name === 'TimeoutError') {
    return wrap('unavailable', `no answer within ${context.timedOutAfterMs ?? '?'} ms (${message})`);
  }
  if (name === 'FetchError') {
    const what = type === 'invalid-json' ? 'malformed response' : type === 'system' ? `network error ${code}` : `fetch error ${type}`;
    return wrap('unavailable', `${what}: ${message}`);
  }
  if (NETWORK_CODES.has(code) || error instanceof SyntaxError) return wrap('unavailable', `network error ${code}: ${message}`);
  return wrap('bad-request', `unexpected error ${name || typeof error}: ${message}`);
}
