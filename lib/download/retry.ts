/**
 * The downloader's retry: lib/retry.ts with its own policy and the retried error as the
 * CandlebotError the observer reports. No jitter: the downloader is one sequential client
 * pacing itself against the exchange (lib/retry.ts explains when jitter helps).
 */
import { asCandlebotError, type CandlebotError } from '../errors.js';
import { retry, type RetryEvent, type RetryPolicy, type Sleep } from '../retry.js';

/** 5 tries, 1 s doubling to at most 30 s; a Retry-After above 30 s gives up at once. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 5, baseMs: 1_000, capMs: 30_000, jitter: 'none' });

export interface DownloadRetryEvent extends Omit<RetryEvent, 'error'> {
  readonly error: CandlebotError;
}

export function withRetry<T>(
  call: () => Promise<T>,
  policy: RetryPolicy,
  hooks: { readonly sleep: Sleep; readonly signal?: AbortSignal; readonly onRetry?: (event: DownloadRetryEvent) => void },
): Promise<T> {
  const { onRetry } = hooks;
  return retry(call, policy, {
    sleep: hooks.sleep,
    ...(hooks.signal === undefined ? {} : { signal: hooks.signal }),
    ...(onRetry === undefined ? {} : { onRetry: (event: RetryEvent) => onRetry({ ...event, error: asCandlebotError(event.error) }) }),
  });
}
