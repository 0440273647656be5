/**
 * Bounded retry of transient failures with exponential backoff.
 *
 * Only `TransientError`s are retried (rate limited, timeout, network, 5xx); anything else
 * is rethrown at once. After `attempts` tries the last error is rethrown unchanged. A
 * server's `retryAfterMs` hint is honoured (the wait is at least that long); when it asks
 * for more than `maxDelayMs` the call gives up at once instead of sleeping for minutes.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { isTransient, type CandlebotError } from '../errors.js';

export interface RetryPolicy {
  /** Total tries, first included (≥ 1). */
  readonly attempts: number;
  /** Wait after the first failure; doubled after each further one. */
  readonly baseDelayMs: number;
  /** Upper bound of one wait. */
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 5, baseDelayMs: 1_000, maxDelayMs: 30_000 });

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, signal === undefined ? undefined : { signal });

export interface RetryEvent {
  readonly error: CandlebotError;
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly attempts: number;
  /** The wait before the next attempt. */
  readonly delayMs: number;
}

export interface RetryHooks {
  readonly sleep: Sleep;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly signal?: AbortSignal;
}

/** The wait after failed attempt `attempt` (1-based), or undefined when the hint exceeds the bound. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined): number | undefined {
  const backoff = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  if (retryAfterMs === undefined) return backoff;
  if (retryAfterMs > policy.maxDelayMs) return undefined;
  return Math.max(backoff, retryAfterMs);
}

export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy, hooks: RetryHooks): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isTransient(error) || attempt >= policy.attempts) throw error;
      const transient = error as CandlebotError;
      const wait = retryDelay(policy, attempt, transient.retryAfterMs);
      if (wait === undefined) throw error;
      hooks.onRetry?.({ error: transient, attempt, attempts: policy.attempts, delayMs: wait });
      await hooks.sleep(wait, hooks.signal);
    }
  }
}
