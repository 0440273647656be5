/**
 * UserStore on DynamoDB (UsersTable, layout in ./user-rows.ts). Every profile write is either
 * one atomic update expression (register, deactivate, subscription counts) or conditional on
 * the version read (settings) or on the stored dashboard id (setDashboard): concurrent
 * commands of one chat never lose each other's changes.
 */
import type { DynamoDBDocumentClient, UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { PermanentError, TransientError } from '../../errors.js';
import { DEFAULT_CHAT_SETTINGS, type ChatProfile, type ChatSettings, type UserStore } from '../../ports/users.js';
import { Expr } from '../dynamo/expr.js';
import { getItem, queryPage } from '../dynamo/read.js';
import { send } from '../dynamo/send.js';
import { DEFAULT_RETRY, withStoreRetry, type RetryPolicy } from '../dynamo/transact.js';
import { retryOnCode } from '../../retry.js';
import { listSubscriptions, subscribe, unsubscribe, type SubscriptionDeps } from './subscriptions.js';
import { chatPk, checkSettings, DASHBOARD_KEY, DASHBOARDS_INDEX, parseProfile, PROFILE_SK, toProfile } from './user-rows.js';

export interface DynamoUserStoreOptions {
  readonly client: DynamoDBDocumentClient;
  readonly table: string;
  /** config.telegram.maxSubscriptionsPerChat (default 100). */
  readonly maxSubscriptions?: number;
  /** Retries of conflicting writes (settings versions, subscription transactions). */
  readonly retry?: Partial<RetryPolicy>;
}

/** Enough for dozens of concurrent writers of one profile; each retry waits a jittered, growing delay. */
const USER_RETRY: RetryPolicy = { ...DEFAULT_RETRY, attempts: 40, baseMs: 10, capMs: 250 };

export function createDynamoUserStore(options: DynamoUserStoreOptions): UserStore {
  const { client, table } = options;
  const retry: RetryPolicy = { ...USER_RETRY, ...options.retry };
  const subs: SubscriptionDeps = { client, table, maxSubscriptions: options.maxSubscriptions ?? 100, retry };
  const key = (chatId: number) => ({ pk: chatPk(chatId), sk: PROFILE_SK });

  async function read(chatId: number): Promise<ReturnType<typeof parseProfile> | undefined> {
    const item = await getItem(client, { TableName: table, Key: key(chatId), ConsistentRead: true }, `read profile ${chatId}`);
    return item ? parseProfile(item) : undefined;
  }

  /** An update; false when its condition failed. */
  async function update(input: UpdateCommandInput, label: string): Promise<Record<string, unknown> | false> {
    const out = await send(client, { Update: input }, label);
    return out.ok ? (out.attributes ?? {}) : false;
  }

  return {
    async register(chatId, now) {
      const out = await update(
        {
          TableName: table,
          Key: key(chatId),
          UpdateExpression:
            'SET chatId = :chat, active = :true, createdAt = if_not_exists(createdAt, :now), updatedAt = :now, settings = if_not_exists(settings, :settings), subCount = if_not_exists(subCount, :zero), version = if_not_exists(version, :zero) + :one REMOVE inactiveReason',
          ExpressionAttributeValues: { ':chat': chatId, ':true': true, ':now': now, ':settings': DEFAULT_CHAT_SETTINGS, ':zero': 0, ':one': 1 },
          ReturnValues: 'ALL_NEW',
        },
        `register ${chatId}`,
      );
      return toProfile(parseProfile(out || {}));
    },

    async deactivate(chatId, reason, now) {
      // Absent or already inactive: nothing to do (idempotent; the first reason is kept).
      await update(
        {
          TableName: table,
          Key: key(chatId),
          UpdateExpression: 'SET active = :false, inactiveReason = :reason, updatedAt = :now ADD version :one',
          ConditionExpression: 'attribute_exists(pk) AND active = :true',
          ExpressionAttributeValues: { ':false': false, ':true': true, ':reason': reason.slice(0, 200), ':now': now, ':one': 1 },
        },
        `deactivate ${chatId}`,
      );
    },

    async get(chatId) {
      const row = await read(chatId);
      return row && toProfile(row);
    },

    async updateSettings(chatId, change, now): Promise<ChatProfile> {
      return withStoreRetry(
        retry,
        async (attempt) => {
          const row = await read(chatId);
          if (!row) throw new PermanentError(`chat ${chatId} is not registered (send /start first)`, { code: 'NOT_REGISTERED' });
          const settings: ChatSettings = checkSettings(change(row.settings));
          const out = await update(
            {
              TableName: table,
              Key: key(chatId),
              UpdateExpression: 'SET settings = :s, updatedAt = :now, version = :next',
              ConditionExpression: 'version = :seen',
              ExpressionAttributeValues: { ':s': settings, ':now': now, ':next': row.version + 1, ':seen': row.version },
              ReturnValues: 'ALL_NEW',
            },
            `update settings ${chatId}`,
          );
          if (out) return toProfile(parseProfile(out));
          throw new TransientError(`update settings ${chatId}: the profile kept changing for ${attempt} attempts`, { code: 'PROFILE_CONTENDED' });
        },
        retryOnCode('PROFILE_CONTENDED'),
      );
    },

    subscribe: (sub, now) => subscribe(subs, sub, now),
    unsubscribe: (sub) => unsubscribe(subs, sub),
    list: (chatId) => listSubscriptions(subs, chatId),

    async setDashboard(chatId, messageId, expected, now) {
      const e = new Expr();
      const stored = e.n('dashboardMessageId');
      const condition = `attribute_exists(${e.n('pk')}) AND ${expected === undefined ? `attribute_not_exists(${stored})` : `${stored} = ${e.v(expected)}`}`;
      // Setting it also puts the chat in the dashboards index (dashKey); clearing takes it out.
      const sets = e.sets(messageId === undefined ? { updatedAt: now } : { dashboardMessageId: messageId, dashKey: DASHBOARD_KEY, updatedAt: now });
      const removes = messageId === undefined ? ` REMOVE ${stored}, ${e.n('dashKey')}` : '';
      const expression = `SET ${sets.join(', ')} ADD ${e.n('version')} ${e.v(1)}${removes}`;
      const out = await update({ TableName: table, Key: key(chatId), UpdateExpression: expression, ConditionExpression: condition, ...e.parts() }, `set dashboard ${chatId}`);
      return out !== false;
    },

    async dashboards(limit) {
      const out: { chatId: number; messageId: number }[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page = await queryPage(
          client,
          {
            TableName: table,
            IndexName: DASHBOARDS_INDEX,
            KeyConditionExpression: 'dashKey = :dash',
            FilterExpression: 'active = :true',
            ExpressionAttributeValues: { ':dash': DASHBOARD_KEY, ':true': true },
            Limit: Math.max(1, Math.min(limit, 1000)),
            ExclusiveStartKey: start,
          },
          'list dashboards',
        );
        for (const item of page.items) {
          if (out.length >= limit) break;
          if (typeof item['chatId'] === 'number' && typeof item['dashboardMessageId'] === 'number') out.push({ chatId: item['chatId'], messageId: item['dashboardMessageId'] });
        }
        start = page.next;
      } while (start && out.length < limit);
      return out;
    },
  };
}
