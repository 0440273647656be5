import { TelegramApiError, type TelegramPort } from '../ports/telegram.js';

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
  async function retrying<T>(call: () => Promise<T>): Promise<T> {
    for (let waited = 0; ; waited++) {
      try {
        return await call();
      } catch (error) {
        const wait = error instanceof TelegramApiError && error.failure === 'rate-limited' ? (error.retryAfterMs ?? 1000) : undefined;
        if (wait === undefined || wait > options.maxWaitMs || waited >= attempts) throw error;
        await sleep(wait);
      }
    }
  }
  return {
    sendMessage: (...a) => retrying(() => port.sendMessage(...a)),
    sendPhoto: (...a) => retrying(() => port.sendPhoto(...a)),
    editMessageText: (...a) => retrying(() => port.editMessageText(...a)),
    pinChatMessage: (...a) => retrying(() => port.pinChatMessage(...a)),
    answerCallbackQuery: (...a) => retrying(() => port.answerCallbackQuery(...a)),
  };
}
