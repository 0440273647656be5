/**
 * Bot API calls the bot makes outside the TelegramPort (getMe, getUpdates, setWebhook,
 * setMyCommands…): the adapter's caller (lib/telegram), with our own timeout, every failure
 * translated into TelegramApiError and the token redacted.
 */
import type { BotApi } from '../ports/telegram.js';
import { createTelegramCaller } from './telegraf-telegram.js';

export function createBotApi(options: { readonly token: string; readonly apiRoot?: string | undefined; readonly timeoutMs: number }): BotApi {
  const call = createTelegramCaller({ token: options.token, timeoutMs: options.timeoutMs, ...(options.apiRoot ? { apiRoot: options.apiRoot } : {}) });
  return { call };
}
