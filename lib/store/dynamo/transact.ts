/**
 * TransactWriteItems with bounded, jittered retries of the transient outcomes only, and the
 * cancellation reasons handed back to the caller, who derives which condition failed.
 *
 * - A cancellation with any ConditionalCheckFailed is a decision, returned as is.
 * - TransactionConflict / throttling reasons, TransactionConflictException, throttling and 5xx
 *   errors are transient: retried up to `attempts` times with exponential backoff and full
 *   jitter; then a TransientError (code TRANSACTION_CONFLICT) keeps the last error as cause.
 * - Anything else (validation, access) is permanent and thrown at once.
 */
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../../aws/errors.js';
import { storableProblem } from '../../core/store-bounds.js';
import { isTransient, PermanentError, TransientError } from '../../errors.js';
import { retry } from '../../retry.js';

import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { plainItem } from './codec.js';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** One entry per transaction item, in order. `item` is the old item (plain JS, ./codec.ts) when asked for. */
export interface CancelReason {
  readonly code: string;
  readonly item?: Readonly<Record<string, unknown>>;
}

export type TransactResult = { readonly ok: true } | { readonly ok: false; readonly reasons: readonly CancelReason[] };

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly capMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  attempts: 8,
  baseMs: 20,
  capMs: 1000,
  sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
});

export const CONDITION_FAILED = 'ConditionalCheckFailed';
const TRANSIENT_REASONS = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded', 'RequestLimitExceeded', 'InternalServerError']);

/**
 * Runs `call` under a store RetryPolicy through the one retry helper (lib/retry.ts): full
 * jitter, at most min(capMs, baseMs × 2ⁿ) after failed attempt n, retrying what `retryable`
 * accepts (default: transient errors).
 */
export function withStoreRetry<T>(policy: RetryPolicy, call: (attempt: number) => Promise<T>, retryable: (error: unknown) => boolean = isTransient): Promise<T> {
  return retry(call, { attempts: policy.attempts, baseMs: policy.baseMs * 2, capMs: policy.capMs }, { sleep: policy.sleep, random: policy.random, retryable });
}

function reasonsOf(error: unknown): CancelReason[] {
  const raw = (error as { CancellationReasons?: { Code?: string; Item?: Record<string, AttributeValue> }[] }).CancellationReasons ?? [];
  return raw.map((r) => (r.Item ? { code: r.Code ?? 'None', item: plainItem(r.Item) } : { code: r.Code ?? 'None' }));
}

/** The first number in `value` the store cannot hold, as `path: reason`, or null. */
function unstorable(value: unknown, path: string): string | null {
  if (typeof value === 'number') {
    return storableProblem(path, value);
  }
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = unstorable(inner, Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

/**
 * A transaction that would write a number the store cannot hold (a PnL from prices of two
 * fetches far apart, say) is refused before sending: UNSTORABLE_NUMBER naming the value and
 * its place, instead of the document client's AWS_PERMANENT "greater than MAX_SAFE_INTEGER".
 */
function checkStorable(items: readonly TransactItem[], label: string): void {
  for (const item of items) {
    const [kind, action] = Object.entries(item).find(([, v]) => v !== undefined) as [string, { Item?: object; Key?: object; ExpressionAttributeValues?: object }];
    const key = JSON.stringify(action.Key ?? { pk: (action.Item as { pk?: unknown } | undefined)?.pk });
    const problem = unstorable(action.Item ?? action.ExpressionAttributeValues, `${kind} ${key}: value`);
    if (problem !== null) throw new PermanentError(`${label}: ${problem}; nothing written`, { code: 'UNSTORABLE_NUMBER' });
  }
}

export async function transactWrite(client: DynamoDBDocumentClient, items: readonly TransactItem[], label: string, policy: RetryPolicy): Promise<TransactResult> {
  checkStorable(items, label);
  return withStoreRetry(policy, async (attempt) => {
    try {
      await client.send(new TransactWriteCommand({ TransactItems: [...items] }));
      return { ok: true };
    } catch (error) {
      let last: unknown = error;
      if (awsErrorName(error) === 'TransactionCanceledException') {
        const reasons = reasonsOf(error);
        if (reasons.some((r) => r.code === CONDITION_FAILED)) return { ok: false, reasons };
        if (!reasons.some((r) => TRANSIENT_REASONS.has(r.code))) {
          throw new PermanentError(`${label}: transaction cancelled [${reasons.map((r) => r.code).join(', ')}]`, { code: 'TRANSACTION_CANCELLED', cause: error });
        }
      } else {
        last = translateAwsError(error, label);
        if (!isTransient(last)) throw last;
      }
      throw new TransientError(`${label}: still conflicting or throttled after ${attempt} attempts`, { code: 'TRANSACTION_CONFLICT', cause: last });
    }
  });
}
