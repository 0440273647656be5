import { describeError, isCandlebotError } from '../errors.js';
import { TelegramApiError } from '../ports/telegram.js';

/**
 * What to do with a notification whose send failed:
 * - `retry`: release the claim, make the SQS message visible again after `delayMs`, report it
 *   as a batch item failure (after maxReceiveCount receives SQS moves it to the DLQ);
 * - `drop`: record the reason and stop (no retry); `deactivate` names the chat's new
 *   inactive reason when the chat itself is gone.
 */
export type FailureAction =
  | { readonly type: 'retry'; readonly delayMs: number; readonly reason: string; readonly rateLimited: boolean; readonly severity: 'warn' | 'error' }
  | { readonly type: 'drop'; readonly reason: string; readonly deactivate?: 'blocked' | 'chat-not-found' };

export interface BackoffOptions {
  /** First retry delay (receive 1). Default 2 s. */
  readonly baseMs: number;
  /** Longest delay. Default 5 minutes. */
  readonly capMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = Object.freeze({ baseMs: 2000, capMs: 300_000 });

/** Exponential backoff by the SQS receive count (1, 2, …): base × 2^(n-1), capped, with ±20 % jitter. */
export function backoffMs(receiveCount: number, options: BackoffOptions, random: () => number = Math.random): number {
  const n = Math.max(1, Math.min(30, receiveCount));
  const raw = Math.min(options.capMs, options.baseMs * 2 ** (n - 1));
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/** Short text for a drop reason / log line: never the message text, bounded. */
function short(error: unknown): string {
  return describeError(error).replace(/\s+/g, ' ').slice(0, 200);
}

/** Classifies a send failure (TelegramApiError from the adapter, or anything else). */
export function failureAction(error: unknown, receiveCount: number, backoff: BackoffOptions, random: () => number = Math.random): FailureAction {
  if (error instanceof TelegramApiError) {
    switch (error.failure) {
      case 'rate-limited': {
        // Telegram says how long to wait; add up to 1 s of jitter so retries do not arrive together.
        const after = error.retryAfterMs ?? backoff.baseMs;
        return { type: 'retry', delayMs: after + Math.round(random() * 1000), reason: 'rate-limited', rateLimited: true, severity: 'warn' };
      }
      case 'unavailable':
        return { type: 'retry', delayMs: backoffMs(receiveCount, backoff, random), reason: `unavailable: ${short(error)}`, rateLimited: false, severity: 'warn' };
      case 'blocked':
        return { type: 'drop', reason: `blocked: ${short(error)}`, deactivate: 'blocked' };
      case 'chat-not-found':
        return { type: 'drop', reason: `chat-not-found: ${short(error)}`, deactivate: 'chat-not-found' };
      case 'bad-request':
      case 'message-gone':
        return { type: 'drop', reason: `bad-request: ${short(error)}` };
      case 'unauthorized':
        // A configuration problem (wrong token): never drop, let messages wait (and reach the DLQ).
        return { type: 'retry', delayMs: backoffMs(receiveCount, backoff, random), reason: `unauthorized: ${short(error)}`, rateLimited: false, severity: 'error' };
    }
  }
  // Anything else (DynamoDB, a bug): retried, eventually the DLQ; logged as an error, never swallowed.
  const transient = isCandlebotError(error) && error.kind === 'transient';
  return {
    type: 'retry',
    delayMs: backoffMs(receiveCount, backoff, random),
    reason: `${transient ? 'transient' : 'unexpected'}: ${short(error)}`,
    rateLimited: false,
    severity: transient ? 'warn' : 'error',
  };
}
