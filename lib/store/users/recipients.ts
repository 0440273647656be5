/**
 * Fan-out: who gets a notification. Queries the sparse GSI `subscribers` for the signal's
 * symbol and for `*` (paginated, bounded), keeps subscriptions whose strategy and timeframe
 * match (`*` or equal), reads the chats' profiles (BatchGetItem, 100 keys a call, unprocessed
 * keys retried with backoff, bounded) and keeps the active chats whose settings accept the
 * kind. Results are memoised per (symbol, strategy, timeframe, kind) in the resolver: build
 * one resolver per scan/monitor invocation (the runtimes' deps()), nothing outlives it.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Log } from '../../ports/log.js';
import type { NotificationKind } from '../../core/notification.js';
import type { ChatSettings, RecipientQuery, RecipientResolver } from '../../ports/users.js';
import { DEFAULT_RETRY, type RetryPolicy } from '../dynamo/transact.js';
import { batchGetProfiles } from './batch-get-profiles.js';
import { querySubscribersPage } from './subscribers-page.js';
import { ANY } from './user-rows.js';

export interface DynamoRecipientOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Subscription rows read per fan key at most (default 10 000); more are logged and left out. */
  readonly maxSubscriptions?: number;
  readonly log?: Log;
  readonly retry?: Partial<RetryPolicy>;
}

/** Whether a chat with these settings receives this kind of notification. */
export function acceptsKind(settings: ChatSettings, kind: NotificationKind): boolean {
  switch (kind) {
    case 'signal':
      return settings.notify.signals;
    case 'position-opened':
    case 'position-closed':
      return settings.notify.positions;
    case 'daily-summary':
      return settings.notify.summary;
    case 'dashboard':
      return true;
  }
}

export function createDynamoRecipientResolver(options: DynamoRecipientOptions): RecipientResolver {
  const { client, table, log } = options;
  const bound = options.maxSubscriptions ?? 10_000;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const memo = new Map<string, Promise<readonly number[]>>();
  const fanMemo = new Map<string, Promise<readonly { chatId: number; strategy: string; timeframe: string }[]>>();

  async function queryFan(fanKey: string) {
    const rows: { chatId: number; strategy: string; timeframe: string }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await querySubscribersPage(client, table, fanKey, 'chatId, strategy, timeframe', start);
      for (const { chatId, strategy, timeframe } of page.items) {
        if (typeof chatId === 'number' && typeof strategy === 'string' && typeof timeframe === 'string') rows.push({ chatId, strategy, timeframe });
        else log?.warn('subscription row without chatId/strategy/timeframe ignored', { fanKey });
      }
      start = page.next;
      if (start && rows.length >= bound) {
        log?.error('more subscriptions than the fan-out reads; the rest are not notified', { fanKey, bound });
        break;
      }
    } while (start);
    return rows;
  }

  function fan(fanKey: string) {
    let p = fanMemo.get(fanKey);
    if (!p) {
      p = queryFan(fanKey);
      p.catch(() => fanMemo.delete(fanKey));
      fanMemo.set(fanKey, p);
    }
    return p;
  }

  /** Settings of the active chats among `chatIds` (inactive, missing or invalid profiles left out). */
  async function activeSettings(chatIds: readonly number[]): Promise<Map<number, ChatSettings>> {
    const out = new Map<number, ChatSettings>();
    for (const profile of await batchGetProfiles(client, table, chatIds, retry)) {
      if (!profile.settings) {
        log?.warn('subscriber profile with invalid settings left out', { chatId: profile.chatId });
        continue;
      }
      if (profile.active) out.set(profile.chatId, profile.settings);
    }
    return out;
  }

  async function compute(q: RecipientQuery): Promise<readonly number[]> {
    const [own, any] = await Promise.all([q.symbol === ANY ? Promise.resolve([]) : fan(q.symbol), fan(ANY)]);
    const matching = new Set<number>();
    for (const s of [...own, ...any]) {
      if ((s.strategy === ANY || s.strategy === q.strategy) && (s.timeframe === ANY || s.timeframe === q.timeframe)) matching.add(s.chatId);
    }
    if (matching.size === 0) return [];
    const settings = await activeSettings([...matching].sort((a, b) => a - b));
    return Object.freeze([...settings.entries()].filter(([, s]) => acceptsKind(s, q.kind)).map(([id]) => id).sort((a, b) => a - b));
  }

  return {
    resolve(query) {
      const k = JSON.stringify([query.symbol, query.strategy, query.timeframe, query.kind]);
      let p = memo.get(k);
      if (!p) {
        p = compute(query);
        p.catch(() => memo.delete(k));
        memo.set(k, p);
      }
      return p;
    },
  };
}
