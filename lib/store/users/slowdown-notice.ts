/**
 * "Slow down" is said once per refusal window, not once per refused message: a chat flooding
 * the bot gets one short answer, then silence until its bucket has a token again. The window is
 * a conditional write on UsersTable `chat#<id>` / `slowdown` (`until` ms, TTL `expiresAt`), so
 * concurrent refused commands (parallel webhook invocations) still produce a single reply.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { awsErrorName, translateAwsError } from '../../aws/errors.js';
import { chatPk } from './user-rows.js';

export const SLOWDOWN_SK = 'slowdown';

export interface SlowdownNotice {
  /** True for the first refusal of a window of `windowMs` from `now` (the caller then replies once). */
  first(chatId: number, now: number, windowMs: number): Promise<boolean>;
}

export function createDynamoSlowdownNotice(options: { readonly client: DynamoDBDocumentClient; readonly table: string }): SlowdownNotice {
  const { client, table } = options;
  return {
    async first(chatId, now, windowMs) {
      const until = now + Math.max(1000, windowMs);
      try {
        await client.send(
          new PutCommand({
            TableName: table,
            Item: { pk: chatPk(chatId), sk: SLOWDOWN_SK, until, expiresAt: Math.ceil(until / 1000) + 60 },
            ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':now': now },
          }),
        );
        return true;
      } catch (error) {
        if (awsErrorName(error) === 'ConditionalCheckFailedException') return false;
        throw translateAwsError(error, `slowdown notice of ${chatId}`);
      }
    },
  };
}
