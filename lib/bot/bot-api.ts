/**
 * Bot API calls the bot makes outside the TelegramPort (getMe, getUpdates, setWebhook,
 * setMyCommands…): telegraf's client with a timeout of our own (telegraf's default is 500 s)
 * and every failure translated into TelegramApiError with the token redacted.
 */
import type { Telegram } from 'telegraf';
import { translateTelegramError } from '../telegram/translate-error.js';

export interface BotApi {
  /** `method` is a raw Bot API method (`getMe`, `getUpdates`, `setWebhook`…), `payload` its parameters. */
  call(method: string, payload: Readonly<Record<string, unknown>>, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<unknown>;
}

export function createBotApi(telegram: Telegram, token: string, defaultTimeoutMs: number): BotApi {
  return {
    async call(method, payload, options = {}) {
      const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
      try {
        return await telegram.callApi(method as never, payload as never, { signal: signal as never });
      } catch (error) {
        throw translateTelegramError(error, { token, method, ...(timeout.aborted ? { timedOutAfterMs: timeoutMs } : {}) });
      }
    },
  };
}
