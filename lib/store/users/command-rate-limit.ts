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
import type { DynamoDBDocumentClient, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { PermanentError, TransientError } from '../../errors.js';
import type { CommandBucket, TakeResult } from '../../ports/users.js';
import { numberAt } from '../dynamo/codec.js';
import { send } from '../dynamo/send.js';
import { chatPk } from './user-rows.js';

export const RATE_LIMIT_SK = 'ratelimit';

export interface CommandRateLimitOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  readonly perMinute: number;
  readonly burst: number;
}

/** Branch switches (busy ↔ idle) per take; each needs another writer in between, so this is ample. */
const MAX_ROUNDS = 6;


export function createCommandRateLimit(options: CommandRateLimitOptions): CommandBucket {
  const { client, table, perMinute, burst } = options;
  if (!(Number.isInteger(perMinute) && perMinute > 0 && Number.isInteger(burst) && burst > 0)) {
    throw new PermanentError(`command rate limit: perMinute (${perMinute}) and burst (${burst}) must be positive integers`, { code: 'BAD_CONFIG' });
  }
  const interval = Math.ceil(60_000 / perMinute);

  /** ok, or the condition failed; then the stored tat (undefined = no row, or no number). */
  async function update(input: Omit<UpdateCommandInput, 'TableName'>, label: string): Promise<{ ok: true } | { ok: false; tat: number | undefined }> {
    const out = await send(client, { Update: { TableName: table, ...input } }, label);
    return out.ok ? { ok: true } : { ok: false, tat: numberAt(out.old, 'tat') };
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
