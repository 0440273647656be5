import { PermanentError, TransientError, type CandlebotError } from '../errors.js';

const TRANSIENT_NAMES = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'TransactionConflictException',
  'TransactionInProgressException',
  'RequestThrottled',
  'KMSThrottlingException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** Name of an AWS SDK v3 error (`name`), or undefined for something else. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * Translates an AWS SDK error into candlebot's classes, keeping it as `cause`.
 * Throttling, 5xx, transaction conflicts and network failures are transient; validation,
 * missing resources and access errors are permanent.
 */
export function translateAwsError(error: unknown, operation: string): CandlebotError {
  const name = awsErrorName(error) ?? 'Unknown';
  const meta = (error as { $metadata?: { httpStatusCode?: number }; $retryable?: unknown; code?: string } | undefined) ?? {};
  const status = meta.$metadata?.httpStatusCode;
  const code = meta.code;
  const message = `${operation} failed: ${name}: ${error instanceof Error ? error.message : String(error)}`;
  if (
    TRANSIENT_NAMES.has(name) ||
    meta.$retryable !== undefined ||
    (status !== undefined && status >= 500) ||
    (code !== undefined && NETWORK_CODES.has(code))
  ) {
    return new TransientError(message, { code: 'AWS_TRANSIENT', cause: error });
  }
  return new PermanentError(message, { code: 'AWS_PERMANENT', cause: error });
}
