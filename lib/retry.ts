/**
 * The one retry helper: bounded attempts, bounded total wait, exponential backoff with full
 * jitter, and the retry decided by the error's class (lib/errors.ts: only transient errors are
 * retried unless the caller says otherwise). Everything that retries uses it.
 *
 * - The wait after failed attempt n (1-based) is `random() × min(capMs, baseMs × 2^(n−1))`
 *   (full jitter: concurrent Lambdas contending for one row or queue spread out), or exactly
 *   `min(capMs, baseMs × 2^(n−1))` with `jitter: 'none'` — for a single sequential client
 *   (the downloader), where there is no one to spread out from and predictable pacing is worth more.
 * - A `retryAfterMs` hint on the error (a server's Retry-After) is a minimum; a hint above
 *   `capMs` gives up at once instead of sleeping for minutes.
 * - `maxTotalMs` bounds the sum of the waits: a retry that would exceed it is not made.
 * - After the last attempt the last error is rethrown unchanged (callers translate it).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { isCandlebotError, isTransient, type ErrorCode } from './errors.js';

export interface RetryPolicy {
  /** Total tries, the first included (≥ 1). */
  readonly attempts: number;
  /** Wait (upper bound with jitter) after the first failure; doubled after each further one. */
  readonly baseMs: number;
  /** Upper bound of one wait. */
  readonly capMs: number;
  /** Upper bound of all waits together (default: unbounded beyond attempts × capMs). */
  readonly maxTotalMs?: number;
  /** 'full' (default) or 'none'. */
  readonly jitter?: 'full' | 'none';
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realSleep: Sleep = (ms, signal) => delay(ms, undefined, signal === undefined ? undefined : { signal });

export interface RetryEvent {
  readonly error: unknown;
  /** The attempt that just failed (1-based). */
  readonly attempt: number;
  readonly attempts: number;
  /** The wait before the next attempt. */
  readonly delayMs: number;
}

export interface RetryEnv {
  readonly sleep?: Sleep;
  /** In [0, 1); default Math.random. */
  readonly random?: () => number;
  readonly onRetry?: (event: RetryEvent) => void;
  readonly signal?: AbortSignal;
  /** Whether an error is worth another attempt (default: its class is transient). */
  readonly retryable?: (error: unknown) => boolean;
  /** The server's minimum wait carried by an error (default: a CandlebotError's `retryAfterMs`). */
  readonly hint?: (error: unknown) => number | undefined;
}

/** The backoff ceiling after failed attempt `attempt` (1-based), before jitter. */
export function backoffCeiling(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
}

/** The wait after failed attempt `attempt` (1-based), or undefined when a hint exceeds the cap. */
export function retryDelay(policy: RetryPolicy, attempt: number, retryAfterMs: number | undefined, random: () => number = Math.random): number | undefined {
  const ceiling = backoffCeiling(policy, attempt);
  const backoff = policy.jitter === 'none' ? ceiling : Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return backoff;
  if (retryAfterMs > policy.capMs) return undefined;
  return Math.max(backoff, retryAfterMs);
}

/** Retries only errors of this code: a contention the caller resolves by reading again (e.g. STATS_CONTENDED). */
export const retryOnCode =
  (code: ErrorCode) =>
  (error: unknown): boolean =>
    isCandlebotError(error) && error.code === code;

function hintOf(error: unknown): number | undefined {
  return isCandlebotError(error) ? error.retryAfterMs : undefined;
}

export async function retry<T>(call: (attempt: number) => Promise<T>, policy: RetryPolicy, env: RetryEnv = {}): Promise<T> {
  const { sleep = realSleep, random = Math.random, retryable = isTransient, hint = hintOf } = env;
  let waited = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (!retryable(error) || attempt >= policy.attempts) throw error;
      const wait = retryDelay(policy, attempt, hint(error), random);
      if (wait === undefined || (policy.maxTotalMs !== undefined && waited + wait > policy.maxTotalMs)) throw error;
      env.onRetry?.({ error, attempt, attempts: policy.attempts, delayMs: wait });
      waited += wait;
      await sleep(wait, env.signal);
    }
  }
}
