/**
 * Bot API calls the bot makes outside the TelegramPort (getMe, getUpdates, setWebhook,
 * setMyCommands…): the adapter's caller (lib/telegram), with our own timeout, every failure
 * translated into TelegramApiError and the token redacted.
 */
import { createTelegramCaller, type CallOptions } from '../telegram/telegraf-telegram.js';

export interface BotApi {
  /** `method` is a raw Bot API method (`getMe`, `getUpdates`, `setWebhook`…), `payload` its parameters. */
  call(method: string, payload: Readonly<Record<string, unknown>>, options?: CallOptions): Promise<unknown>;
}

export function createBotApi(options: { readonly token: string; readonly apiRoot?: string | undefined; readonly timeoutMs: number }): BotApi {
  const call = createTelegramCaller({ token: options.token, timeoutMs: options.timeoutMs, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) });
  return { call };
}
