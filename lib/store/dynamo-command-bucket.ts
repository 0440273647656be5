/**
 * Per-chat command rate limit: a token bucket of `burst` tokens refilled at `perMinute`, on
 * UsersTable `chat#<id>` / `bucket`. Every take is a read then a write conditional on the
 * version read, so concurrent commands of one chat (parallel webhook invocations) never take
 * more tokens than the bucket holds. The row expires (TTL) once it would be full again: an
 * absent row is a full bucket.
 */
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../aws/errors.js';
import { PermanentError } from '../errors.js';
import { BUCKET_SK, chatPk } from '../users/user-rows.js';
import { backoffMs, DEFAULT_RETRY, type RetryPolicy } from './dynamo-position-transact.js';

export interface DynamoCommandBucketOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  readonly perMinute: number;
  readonly burst: number;
  readonly retry?: Partial<RetryPolicy>;
}

export type TakeResult = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

export interface CommandBucket {
  take(chatId: number, now: number): Promise<TakeResult>;
}

const BUCKET_RETRY: RetryPolicy = { ...DEFAULT_RETRY, attempts: 12, baseMs: 5, capMs: 100 };

export function createDynamoCommandBucket(options: DynamoCommandBucketOptions): CommandBucket {
  const { client, table, perMinute, burst } = options;
  if (!(Number.isInteger(perMinute) && perMinute > 0 && Number.isInteger(burst) && burst > 0)) {
    throw new PermanentError(`command bucket: perMinute (${perMinute}) and burst (${burst}) must be positive integers`, { code: 'BAD_CONFIG' });
  }
  const retry: RetryPolicy = { ...BUCKET_RETRY, ...options.retry };
  const msPerToken = 60_000 / perMinute;
  const fullAfterMs = burst * msPerToken;

  return {
    async take(chatId, now) {
      const Key = { pk: chatPk(chatId), sk: BUCKET_SK };
      const label = `command bucket of ${chatId}`;
      for (let attempt = 1; ; attempt++) {
        let item;
        try {
          item = (await client.send(new GetCommand({ TableName: table, Key, ConsistentRead: true }))).Item;
        } catch (error) {
          throw translateAwsError(error, label);
        }
        const seen = typeof item?.version === 'number' ? item.version : undefined;
        const storedTokens = typeof item?.tokens === 'number' && Number.isFinite(item.tokens) ? item.tokens : burst;
        const storedAt = typeof item?.updatedAt === 'number' ? item.updatedAt : now;
        // A writer with a later clock moved updatedAt ahead: no refill for the gap, never negative.
        const at = Math.max(now, storedAt);
        const tokens = seen === undefined ? burst : Math.min(burst, Math.max(0, storedTokens) + (Math.max(0, now - storedAt) / msPerToken));
        if (tokens < 1) return { allowed: false, retryAfterMs: Math.ceil((1 - tokens) * msPerToken) };
        try {
          await client.send(
            new PutCommand({
              TableName: table,
              Item: { ...Key, chatId, tokens: tokens - 1, updatedAt: at, version: (seen ?? 0) + 1, expiresAt: Math.ceil((at + fullAfterMs) / 1000) + 60 },
              ConditionExpression: seen === undefined ? 'attribute_not_exists(pk)' : 'version = :seen',
              ...(seen === undefined ? {} : { ExpressionAttributeValues: { ':seen': seen } }),
            }),
          );
          return { allowed: true };
        } catch (error) {
          if (awsErrorName(error) !== 'ConditionalCheckFailedException') throw translateAwsError(error, label);
        }
        // Many commands of this chat at once: that is the flood the bucket exists for; refuse rather than spin.
        if (attempt >= retry.attempts) return { allowed: false, retryAfterMs: Math.ceil(msPerToken) };
        await retry.sleep(backoffMs(retry, attempt));
      }
    },
  };
}
