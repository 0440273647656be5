/**
 * Subscriptions: one item each (`chat#<id>` / `sub#<symbol>#<strategy>#<timeframe>`), so
 * concurrent /subscribe commands of one chat never overwrite each other. The profile's
 * `subCount` bounds them (maxSubscriptionsPerChat): add and count move in ONE transaction,
 * the add conditional on the item being absent (a repeat is `exists` and counts nothing), the
 * count conditional on staying under the limit. Conflicting transactions (real DynamoDB under
 * contention) are retried with jittered backoff, bounded (lib/store/dynamo/transact.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { PermanentError } from '../../errors.js';
import { DEFAULT_CHAT_SETTINGS, type Subscription } from '../../ports/users.js';
import { queryPage } from '../dynamo/read.js';
import { send } from '../dynamo/send.js';
import { CONDITION_FAILED, transactWrite, type RetryPolicy } from '../dynamo/transact.js';
import { checkSubscription, chatPk, PROFILE_SK, SUB_PREFIX, subItem, subRowSchema, subSk } from './user-rows.js';

export interface SubscriptionDeps {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  readonly maxSubscriptions: number;
  readonly retry: RetryPolicy;
}

/** Rows read by list(): the limit (≤ 500 by config) plus room for rows written before a lower limit. */
const LIST_BOUND = 1000;

export async function subscribe(deps: SubscriptionDeps, input: Subscription, now: number): Promise<'added' | 'exists'> {
  const sub = checkSubscription(input);
  const { table, maxSubscriptions } = deps;
  const result = await transactWrite(
    deps.client,
    [
      { Put: { TableName: table, Item: subItem(sub, now), ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        // Creates the profile when the chat subscribes before /start (active, default settings).
        Update: {
          TableName: table,
          Key: { pk: chatPk(sub.chatId), sk: PROFILE_SK },
          UpdateExpression:
            'SET subCount = if_not_exists(subCount, :zero) + :one, chatId = :chat, active = if_not_exists(active, :true), createdAt = if_not_exists(createdAt, :now), updatedAt = :now, settings = if_not_exists(settings, :settings), version = if_not_exists(version, :zero) + :one',
          ConditionExpression: 'attribute_not_exists(subCount) OR subCount < :max',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':chat': sub.chatId, ':true': true, ':now': now, ':settings': DEFAULT_CHAT_SETTINGS, ':max': maxSubscriptions },
        },
      },
    ],
    `subscribe ${sub.chatId} ${subSk(sub)}`,
    deps.retry,
  );
  if (result.ok) return 'added';
  if (result.reasons[0]?.code === CONDITION_FAILED) return 'exists';
  throw new PermanentError(`chat ${sub.chatId} already has the maximum of ${maxSubscriptions} subscriptions; remove one with /unsubscribe first`, {
    code: 'SUBSCRIPTION_LIMIT',
  });
}

export async function unsubscribe(deps: SubscriptionDeps, input: Subscription): Promise<boolean> {
  const sub = checkSubscription(input);
  const key = { pk: chatPk(sub.chatId), sk: subSk(sub) };
  const label = `unsubscribe ${sub.chatId} ${key.sk}`;
  const result = await transactWrite(
    deps.client,
    [
      { Delete: { TableName: deps.table, Key: key, ConditionExpression: 'attribute_exists(pk)' } },
      {
        Update: {
          TableName: deps.table,
          Key: { pk: key.pk, sk: PROFILE_SK },
          UpdateExpression: 'SET subCount = subCount - :one',
          ConditionExpression: 'subCount > :zero',
          ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
        },
      },
    ],
    label,
    deps.retry,
  );
  if (result.ok) return true;
  if (result.reasons[0]?.code === CONDITION_FAILED) return false;
  // The item exists but the counter is already 0 (a row written outside this store): delete it alone.
  return (await send(deps.client, { Delete: { TableName: deps.table, Key: key, ConditionExpression: 'attribute_exists(pk)' } }, label)).ok;
}

export async function listSubscriptions(deps: Pick<SubscriptionDeps, 'client' | 'table'>, chatId: number): Promise<Subscription[]> {
  const out: Subscription[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await queryPage(
      deps.client,
      {
        TableName: deps.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sub)',
        ExpressionAttributeValues: { ':pk': chatPk(chatId), ':sub': SUB_PREFIX },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      },
      `list subscriptions of ${chatId}`,
    );
    for (const item of page.items) {
      const row = subRowSchema.safeParse(item);
      if (!row.success) throw new PermanentError(`subscription row ${String(item['pk'])} ${String(item['sk'])} is invalid`, { code: 'CORRUPT_SUBSCRIPTION', cause: row.error });
      out.push({ chatId: row.data.chatId, symbol: row.data.symbol, strategy: row.data.strategy, timeframe: row.data.timeframe });
    }
    start = page.next;
  } while (start && out.length < LIST_BOUND);
  return out;
}

