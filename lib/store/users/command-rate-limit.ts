/**
 * Per-chat command rate limit as GCRA (the token bucket's equivalent with one number): a chat
 * may run `burst` commands at once, then one per `60 000 / perMinute` ms.
 *
 * State: UsersTable `chat#<id>` / `ratelimit`, attribute `tat` (theoretical arrival time, ms),
 * TTL `expiresAt` shortly after the bucket would be full again (an absent row = full bucket).
 *
 * Every take is ONE atomic UpdateItem in the common case, without a read:
 *  - busy chat (tat ≥ now):  `ADD tat :interval` if `tat <= now + (burst-1)·interval`;
 *  - idle chat (tat < now):  `SET tat = now + interval` if still idle.
 * A failed condition returns the stored tat (ReturnValuesOnConditionCheckFailure), which says
 * whether the chat is over its limit (refuse, with the wait) or went idle (take the other branch).
 * So 50 commands of one chat arriving at once never contend on a version: each is admitted or
 * refused by the counter alone (an optimistic read-modify-write refused some of them under
 * that load, and took seconds).
 */
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../../aws/errors.js';
import { PermanentError, TransientError } from '../../errors.js';
import { chatPk } from './user-rows.js';

export const RATE_LIMIT_SK = 'ratelimit';

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/** A per-chat command allowance. */
export interface CommandBucket {
  take(chatId: number, now: number): Promise<TakeResult>;
}

export interface CommandRateLimitOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  readonly perMinute: number;
  readonly burst: number;
}

/** Branch switches (busy ↔ idle) per take; each needs another writer in between, so this is ample. */
const MAX_ROUNDS = 6;

function storedTat(error: unknown): number | undefined {
  const item = (error as { Item?: Record<string, unknown> }).Item;
  const raw = item?.tat as unknown;
  if (typeof raw === 'number') return raw;
  if (raw && typeof raw === 'object' && 'N' in raw) return Number((raw as { N: string }).N);
  return undefined;
}

export function createCommandRateLimit(options: CommandRateLimitOptions): CommandBucket {
  const { client, table, perMinute, burst } = options;
  if (!(Number.isInteger(perMinute) && perMinute > 0 && Number.isInteger(burst) && burst > 0)) {
    throw new PermanentError(`command rate limit: perMinute (${perMinute}) and burst (${burst}) must be positive integers`, { code: 'BAD_CONFIG' });
  }
  const interval = Math.ceil(60_000 / perMinute);

  /** undefined when the condition failed; then the stored tat (undefined = no row). */
  async function update(input: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName'>, label: string): Promise<{ ok: true } | { ok: false; tat: number | undefined }> {
    try {
      await client.send(new UpdateCommand({ TableName: table, ReturnValuesOnConditionCheckFailure: 'ALL_OLD', ...input }));
      return { ok: true };
    } catch (error) {
      if (awsErrorName(error) === 'ConditionalCheckFailedException') return { ok: false, tat: storedTat(error) };
      throw translateAwsError(error, label);
    }
  }

  return {
    async take(chatId, now): Promise<TakeResult> {
      const Key = { pk: chatPk(chatId), sk: RATE_LIMIT_SK };
      const label = `command rate limit of ${chatId}`;
      const max = now + (burst - 1) * interval;
      const expiresAt = Math.ceil((max + interval) / 1000) + 60;
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const busy = await update(
          {
            Key,
            UpdateExpression: 'SET chatId = :chat, expiresAt = :exp ADD tat :interval',
            ConditionExpression: 'tat >= :now AND tat <= :max',
            ExpressionAttributeValues: { ':chat': chatId, ':exp': expiresAt, ':interval': interval, ':now': now, ':max': max },
          },
          label,
        );
        if (busy.ok) return { allowed: true };
        if (busy.tat !== undefined && busy.tat > max) return { allowed: false, retryAfterMs: busy.tat - max };
        const idle = await update(
          {
            Key,
            UpdateExpression: 'SET chatId = :chat, expiresAt = :exp, tat = :tat',
            ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
            ExpressionAttributeValues: { ':chat': chatId, ':exp': expiresAt, ':tat': now + interval, ':now': now },
          },
          label,
        );
        if (idle.ok) return { allowed: true };
        if (idle.tat !== undefined && idle.tat > max) return { allowed: false, retryAfterMs: idle.tat - max };
      }
      throw new TransientError(`${label}: the row kept changing between idle and busy`, { code: 'RATE_LIMIT_CONTENDED' });
    },
  };
}
