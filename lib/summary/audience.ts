/**
 * Who is subscribed, read from UsersTable without a Scan: the sparse GSI `subscribers` is
 * queried per fan key (each configured symbol and `*`), bounded; profiles are read with
 * BatchGetItem (100 keys a call, unprocessed keys retried a bounded number of times).
 * Used by the daily summary's fan-out and the admin's /stats.
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from '../aws/errors.js';
import { TransientError } from '../errors.js';
import type { NotificationKind } from '../notify/notification.js';
import { acceptsKind } from '../users/dynamo-recipients.js';
import { ANY, chatPk, chatSettingsSchema, PROFILE_SK, SUBSCRIBERS_INDEX } from '../users/user-rows.js';

export const DEFAULT_MAX_SUBSCRIPTION_ROWS = 20_000;
const BATCH_GET_MAX = 100;
const BATCH_ATTEMPTS = 5;

export interface SubscribersRead {
  /** Subscription rows read. */
  readonly subscriptions: number;
  /** Distinct subscribed chats, sorted. */
  readonly chats: readonly number[];
  /** The row bound was reached: counts are lower bounds. */
  readonly truncated: boolean;
}

/** The fan keys that can hold subscriptions: every configured symbol and `*`. */
export function fanKeys(symbols: readonly string[]): string[] {
  return [...new Set([ANY, ...symbols])];
}

export async function readSubscribers(client: DynamoDBDocumentClient, table: string, keys: readonly string[], bound = DEFAULT_MAX_SUBSCRIPTION_ROWS): Promise<SubscribersRead> {
  let subscriptions = 0;
  const chats = new Set<number>();
  for (const fanKey of keys) {
    let start: Record<string, unknown> | undefined;
    do {
      if (subscriptions >= bound) return { subscriptions, chats: [...chats].sort((a, b) => a - b), truncated: true };
      let page;
      try {
        page = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: SUBSCRIBERS_INDEX,
            KeyConditionExpression: 'fanKey = :k',
            ExpressionAttributeValues: { ':k': fanKey },
            ProjectionExpression: 'chatId',
            Limit: Math.min(1000, bound - subscriptions),
            ExclusiveStartKey: start,
          }),
        );
      } catch (error) {
        throw translateAwsError(error, 'query subscribers');
      }
      for (const item of page.Items ?? []) {
        subscriptions++;
        if (typeof item['chatId'] === 'number') chats.add(item['chatId']);
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return { subscriptions, chats: [...chats].sort((a, b) => a - b), truncated: false };
}

/**
 * The chats among `chatIds` that receive `kind`: an active profile whose settings accept it.
 * `keepWithoutProfile` (the configured admins; candidates too) are kept when they have no profile at all.
 */
export async function chatsAccepting(
  client: DynamoDBDocumentClient,
  table: string,
  chatIds: readonly number[],
  kind: NotificationKind,
  keepWithoutProfile: ReadonlySet<number> = new Set(),
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<number[]> {
  const ids = [...new Set([...chatIds, ...keepWithoutProfile])].sort((a, b) => a - b);
  const seen = new Set<number>();
  const accepted = new Set<number>();
  for (let i = 0; i < ids.length; i += BATCH_GET_MAX) {
    let keys: Record<string, unknown>[] = ids.slice(i, i + BATCH_GET_MAX).map((id) => ({ pk: chatPk(id), sk: PROFILE_SK }));
    for (let attempt = 1; keys.length > 0; attempt++) {
      let res;
      try {
        res = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'chatId, active, settings' } } }));
      } catch (error) {
        throw translateAwsError(error, 'read chat profiles');
      }
      for (const item of res.Responses?.[table] ?? []) {
        if (typeof item['chatId'] !== 'number') continue;
        seen.add(item['chatId']);
        const settings = chatSettingsSchema.safeParse(item['settings']);
        if (item['active'] === true && settings.success && acceptsKind(settings.data, kind)) accepted.add(item['chatId']);
      }
      keys = (res.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      if (keys.length === 0) break;
      if (attempt >= BATCH_ATTEMPTS) throw new TransientError(`read chat profiles: ${keys.length} keys unprocessed after ${attempt} attempts`, { code: 'AWS_TRANSIENT' });
      await sleep(50 * 2 ** attempt);
    }
  }
  for (const id of keepWithoutProfile) if (!seen.has(id)) accepted.add(id);
  return [...accepted].sort((a, b) => a - b);
}
