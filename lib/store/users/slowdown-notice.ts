/**
 * "Slow down" is said once per refusal window, not once per refused message: a chat flooding
 * the bot gets one short answer, then silence until its bucket has a token again. The window is
 * a conditional write on UsersTable `chat#<id>` / `slowdown` (`until` ms, TTL `expiresAt`), so
 * concurrent refused commands (parallel webhook invocations) still produce a single reply.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SlowdownNotice } from '../../ports/users.js';
import { send } from '../dynamo/send.js';
import { chatPk } from './user-rows.js';

export const SLOWDOWN_SK = 'slowdown';

export function createDynamoSlowdownNotice(options: { readonly client: DynamoDBDocumentClient; readonly table: string }): SlowdownNotice {
  const { client, table } = options;
  return {
    async first(chatId, now, windowMs) {
      const until = now + Math.max(1000, windowMs);
      const put = {
        TableName: table,
        Item: { pk: chatPk(chatId), sk: SLOWDOWN_SK, until, expiresAt: Math.ceil(until / 1000) + 60 },
        ConditionExpression: 'attribute_not_exists(pk) OR #until <= :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': now },
      };
      return (await send(client, { Put: put }, `slowdown notice of ${chatId}`)).ok;
    },
  };
}
