/**
 * Fan-out: who gets a notification. Queries the sparse GSI `subscribers` for the signal's
 * symbol and for `*` (paginated, bounded), keeps subscriptions whose strategy and timeframe
 * match (`*` or equal), reads the chats' profiles (BatchGetItem, 100 keys a call, unprocessed
 * keys retried with backoff, bounded) and keeps the active chats whose settings accept the
 * kind. Results are memoised per (symbol, strategy, timeframe, kind) in the resolver: build
 * one resolver per scan/monitor invocation (the runtimes' deps()), nothing outlives it.
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from '../aws/errors.js';
import { TransientError } from '../errors.js';
import type { Log } from '../ports/log.js';
import type { NotificationKind } from '../notify/notification.js';
import type { ChatSettings, RecipientQuery, RecipientResolver } from '../ports/users.js';
import { backoffMs, DEFAULT_RETRY, type RetryPolicy } from '../store/dynamo-position-transact.js';
import { ANY, chatPk, chatSettingsSchema, PROFILE_SK, SUBSCRIBERS_INDEX } from './user-rows.js';

export interface DynamoRecipientOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** Subscription rows read per fan key at most (default 10 000); more are logged and left out. */
  readonly maxSubscriptions?: number;
  readonly log?: Log;
  readonly retry?: Partial<RetryPolicy>;
}

const BATCH_GET_MAX = 100;

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
      let page;
      try {
        page = await client.send(
          new QueryCommand({
            TableName: table,
            IndexName: SUBSCRIBERS_INDEX,
            KeyConditionExpression: 'fanKey = :k',
            ExpressionAttributeValues: { ':k': fanKey },
            ProjectionExpression: 'chatId, strategy, timeframe',
            ExclusiveStartKey: start,
          }),
        );
      } catch (error) {
        throw translateAwsError(error, `query subscribers of ${fanKey}`);
      }
      for (const item of page.Items ?? []) {
        if (typeof item.chatId === 'number' && typeof item.strategy === 'string' && typeof item.timeframe === 'string') {
          rows.push({ chatId: item.chatId, strategy: item.strategy, timeframe: item.timeframe });
        } else log?.warn('subscription row without chatId/strategy/timeframe ignored', { fanKey });
      }
      start = page.LastEvaluatedKey;
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
    for (let i = 0; i < chatIds.length; i += BATCH_GET_MAX) {
      let keys: Record<string, unknown>[] = chatIds.slice(i, i + BATCH_GET_MAX).map((id) => ({ pk: chatPk(id), sk: PROFILE_SK }));
      for (let attempt = 1; keys.length > 0; attempt++) {
        let res;
        try {
          res = await client.send(
            new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'chatId, active, settings' } } }),
          );
        } catch (error) {
          throw translateAwsError(error, 'read subscriber profiles');
        }
        for (const item of res.Responses?.[table] ?? []) {
          const settings = chatSettingsSchema.safeParse(item.settings);
          if (typeof item.chatId !== 'number') continue;
          if (!settings.success) {
            log?.warn('subscriber profile with invalid settings left out', { chatId: item.chatId });
            continue;
          }
          if (item.active === true) out.set(item.chatId, settings.data);
        }
        keys = (res.UnprocessedKeys?.[table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
        if (keys.length === 0) break;
        if (attempt >= retry.attempts) {
          throw new TransientError(`read subscriber profiles: ${keys.length} keys still unprocessed after ${attempt} attempts`, { code: 'AWS_TRANSIENT' });
        }
        await retry.sleep(backoffMs(retry, attempt));
      }
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
