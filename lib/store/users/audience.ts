/**
 * Who is subscribed, read from UsersTable without a Scan: the sparse GSI `subscribers` is
 * queried per fan key (each configured symbol and `*`), bounded; profiles are read with
 * BatchGetItem (100 keys a call, unprocessed keys retried a bounded number of times).
 * Used by the daily summary's fan-out and the admin's /stats.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SubscribersRead } from '../../ports/users.js';
import type { NotificationKind } from '../../core/notification.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../dynamo/transact.js';
import { batchGetProfiles } from './batch-get-profiles.js';
import { acceptsKind } from './recipients.js';
import { querySubscribersPage } from './subscribers-page.js';
import { ANY } from './user-rows.js';

export const DEFAULT_MAX_SUBSCRIPTION_ROWS = 20_000;
/** 5 attempts, waiting 100, 200, 400, 800 ms between them (no jitter). */
const PROFILE_READ_RETRY: RetryPolicy = { ...DEFAULT_RETRY, attempts: 5, baseMs: 50, capMs: 800, random: () => 1 };


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
      const page = await querySubscribersPage(client, table, fanKey, 'chatId', start, Math.min(1000, bound - subscriptions));
      for (const item of page.items) {
        subscriptions++;
        if (typeof item['chatId'] === 'number') chats.add(item['chatId']);
      }
      start = page.next;
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
  for (const profile of await batchGetProfiles(client, table, ids, { ...PROFILE_READ_RETRY, sleep })) {
    seen.add(profile.chatId);
    if (profile.active && profile.settings && acceptsKind(profile.settings, kind)) accepted.add(profile.chatId);
  }
  for (const id of keepWithoutProfile) if (!seen.has(id)) accepted.add(id);
  return [...accepted].sort((a, b) => a - b);
}
