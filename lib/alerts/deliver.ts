/**
 * Tells every admin chat of one alarm state change, directly through the Bot API (not through
 * NotifyQueue: the queue may be what is failing).
 *
 * - Each chat gets bounded retries by error class (lib/retry.ts): Telegram 5xx, timeouts and 429
 *   are retried; a 429's retry_after is waited when it fits into the invocation's remaining time
 *   (minus a reserve for the last call), else that chat gives up at once.
 * - A chat that blocked the bot or does not exist (403, 400 chat not found) is logged with its
 *   code and skipped: the other chats still get the message.
 * - When no chat got it and a failure could pass (Telegram unavailable, rate limited, the token
 *   refused), the use case throws ALERT_UNDELIVERED: Lambda retries the event (twice) and then
 *   puts it on the on-failure destination (AlertsFailedQueue, 14 days).
 * - Nothing is stored: the alert id (alarm name + state change time) is in every log line.
 */
import type { Log } from '../ports/log.js';
import { TelegramApiError, type BotApi, type TelegramFailure } from '../ports/telegram.js';
import { describeError, TransientError } from '../errors.js';
import { retry, type RetryPolicy, type Sleep } from '../retry.js';
import type { AlarmMessage } from './alarm.js';

export interface AlertTuning {
  /** Tries per chat, the first included. */
  readonly attempts: number;
  readonly baseMs: number;
  /** Kept free of waits at the end of the invocation: one more call's timeout plus margin. */
  readonly reserveMs: number;
}

export const DEFAULT_ALERT_TUNING: AlertTuning = Object.freeze({ attempts: 4, baseMs: 500, reserveMs: 12_000 });

export interface AlertDeps {
  readonly api: BotApi;
  readonly adminChatIds: readonly number[];
  readonly log: Log;
  /** The invocation's remaining time (Lambda context). */
  readonly remainingMs: () => number;
  readonly sleep?: Sleep;
  readonly tuning?: AlertTuning;
}

export type ChatOutcome =
  | { readonly chatId: number; readonly status: 'sent'; readonly attempts: number }
  | { readonly chatId: number; readonly status: 'gone' | 'failed'; readonly failure: TelegramFailure | 'error'; readonly error: string };

export interface AlertReport {
  readonly alertId: string;
  readonly alarm: string;
  readonly state: string;
  readonly sent: number;
  readonly chats: readonly ChatOutcome[];
}

/** A chat that cannot take messages (blocked, unknown): logged and skipped, never retried. */
const GONE: ReadonlySet<TelegramFailure> = new Set(['blocked', 'chat-not-found']);

/** The id of one state change (CloudWatch sends each once per action; Lambda may retry it). */
export const alertId = (alarm: AlarmMessage): string => `${alarm.AlarmName}@${new Date(alarm.StateChangeTime).toISOString()}`;

async function sendTo(deps: AlertDeps, chatId: number, html: string, id: string): Promise<ChatOutcome> {
  const tuning = deps.tuning ?? DEFAULT_ALERT_TUNING;
  const budget = Math.max(0, deps.remainingMs() - tuning.reserveMs);
  const policy: RetryPolicy = { attempts: tuning.attempts, baseMs: tuning.baseMs, capMs: Math.max(budget, 1), maxTotalMs: budget };
  let attempts = 0;
  try {
    await retry(
      async () => {
        attempts++;
        await deps.api.call('sendMessage', { chat_id: chatId, text: html, parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
      },
      policy,
      {
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        onRetry: (e) => deps.log.warn('alert send failed; retrying', { alertId: id, chatId, attempt: e.attempt, delayMs: e.delayMs, error: describeError(e.error) }),
      },
    );
    return { chatId, status: 'sent', attempts };
  } catch (error) {
    const failure = error instanceof TelegramApiError ? error.failure : 'error';
    const gone = error instanceof TelegramApiError && GONE.has(error.failure);
    const code = error instanceof TelegramApiError ? error.code : undefined;
    deps.log[gone ? 'warn' : 'error'](gone ? 'admin chat cannot receive alerts (blocked or unknown); skipped' : 'alert not delivered to an admin chat', {
      alertId: id,
      chatId,
      attempts,
      failure,
      ...(code ? { code } : {}),
      error: describeError(error),
    });
    return { chatId, status: gone ? 'gone' : 'failed', failure, error: describeError(error) };
  }
}

/** Sends `html` (the alarm's message) to every admin chat; throws ALERT_UNDELIVERED when none got it and a retry may help. */
export async function deliverAlert(deps: AlertDeps, alarm: AlarmMessage, html: string): Promise<AlertReport> {
  const id = alertId(alarm);
  const base = { alertId: id, alarm: alarm.AlarmName, state: alarm.NewStateValue };
  if (deps.adminChatIds.length === 0) {
    deps.log.error('alarm state change with no admin chat to tell (telegram.adminChatIds is empty)', { ...base, code: 'NO_ADMIN_CHAT' });
    return { ...base, sent: 0, chats: [] };
  }
  const chats: ChatOutcome[] = [];
  // One chat after the other: a handful of admins, and Telegram's per-bot limit stays far away.
  for (const chatId of deps.adminChatIds) chats.push(await sendTo(deps, chatId, html, id));
  const sent = chats.filter((c) => c.status === 'sent').length;
  const failed = chats.filter((c) => c.status === 'failed');
  if (sent === 0 && failed.length > 0) {
    throw new TransientError(`alert ${id} reached no admin chat (${failed.map((c) => `${c.chatId}: ${c.status === 'failed' ? c.error : ''}`).join('; ')})`, { code: 'ALERT_UNDELIVERED' });
  }
  if (sent === 0) deps.log.error('alert reached no admin chat: every admin chat blocked the bot or is unknown', { ...base, code: 'NO_ADMIN_CHAT' });
  return { ...base, sent, chats };
}
