/**
 * Error classification used everywhere in candlebot.
 *
 * - `transient`: the same call may succeed later (network, timeouts, 5xx, rate limits,
 *   throttling). Callers retry with a bound, or leave the work for the next run.
 * - `permanent`: retrying cannot help (bad symbol, bad data, bad config, auth). Callers
 *   record the failure with its reason and stop that unit of work.
 *
 * Vendor errors (ccxt, AWS SDK, Telegram) are translated at the adapter boundary into
 * these classes, always keeping the original error as `cause`.
 */
import type { ErrorCode, PermanentCode, TransientCode } from './error-codes.js';

export type { ErrorCode, PermanentCode, TransientCode } from './error-codes.js';
export type ErrorKind = 'transient' | 'permanent';

export interface CandlebotErrorOptions<C extends ErrorCode = ErrorCode> {
  /** A code of the catalogue (lib/error-codes.ts), e.g. `RATE_LIMITED`, `BAD_SYMBOL`. */
  readonly code: C;
  readonly cause?: unknown;
  /** Optional delay hint (ms) before a retry is worth trying. */
  readonly retryAfterMs?: number;
}

/** `C`: the codes this class may carry (the compiler checks a TransientError gets a transient code). */
export abstract class CandlebotError<C extends ErrorCode = ErrorCode> extends Error {
  abstract readonly kind: ErrorKind;
  readonly code: C;
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: CandlebotErrorOptions<C>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
  }
}

export class TransientError extends CandlebotError<TransientCode> {
  override readonly name = 'TransientError';
  readonly kind = 'transient' as const;
}

export class PermanentError extends CandlebotError<PermanentCode> {
  override readonly name = 'PermanentError';
  readonly kind = 'permanent' as const;
}

/** A configuration or environment value is invalid. Always permanent. */
export class ConfigError extends PermanentError {
  override readonly name = 'ConfigError' as 'PermanentError';
}

export function isCandlebotError(error: unknown): error is CandlebotError {
  return error instanceof CandlebotError;
}

export function isTransient(error: unknown): boolean {
  return error instanceof CandlebotError && error.kind === 'transient';
}

/** `error` itself when it is classified, else a permanent `UNEXPECTED` error keeping it as cause. */
export function asCandlebotError(error: unknown): CandlebotError {
  return error instanceof CandlebotError ? error : new PermanentError(describeError(error), { code: 'UNEXPECTED', cause: error });
}

/** A short one-line description of any thrown value, for logs and failure records. */
export function describeError(error: unknown): string {
  if (error instanceof CandlebotError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
