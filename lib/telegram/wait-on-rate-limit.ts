import { TelegramApiError, type TelegramPort } from '../ports/telegram.js';
import { retry, type RetryPolicy } from '../retry.js';

export interface WaitOnRateLimitOptions {
  /** Longest `retry_after` worth waiting for inside the caller (longer: the error propagates). */
  readonly maxWaitMs: number;
  /** Waits per call before giving up (default 2). */
  readonly attempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * A TelegramPort that, on a 429 whose `retry_after` is short, waits and sends again instead of
 * failing. For command replies: two commands in one second from one chat must not fail the
 * second update (the webhook would answer 500 and Telegram would re-run the command). The
 * notify consumer does not use it: it has its own cross-invocation limiter and SQS retries.
 */
export function waitOnRateLimit(port: TelegramPort, options: WaitOnRateLimitOptions): TelegramPort {
  const attempts = options.attempts ?? 2;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // No backoff of its own (baseMs 0): it waits exactly the retry_after Telegram asks for (1 s
  // when absent), and gives up when that is longer than maxWaitMs.
  const policy: RetryPolicy = { attempts: attempts + 1, baseMs: 0, capMs: options.maxWaitMs, jitter: 'none' };
  const rateLimited = (error: unknown): error is TelegramApiError => error instanceof TelegramApiError && error.failure === 'rate-limited';
  const retrying = <T>(call: () => Promise<T>): Promise<T> =>
    retry(call, policy, { sleep, retryable: rateLimited, hint: (error) => (rateLimited(error) ? (error.retryAfterMs ?? 1000) : undefined) });
  return {
    sendMessage: (...a) => retrying(() => port.sendMessage(...a)),
    sendPhoto: (...a) => retrying(() => port.sendPhoto(...a)),
    editMessageText: (...a) => retrying(() => port.editMessageText(...a)),
    pinChatMessage: (...a) => retrying(() => port.pinChatMessage(...a)),
    answerCallbackQuery: (...a) => retrying(() => port.answerCallbackQuery(...a)),
  };
}
