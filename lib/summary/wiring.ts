import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { strategyNames, type BotConfig } from '../config/schema.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createSqsNotificationQueue } from '../queue/sqs-notification-queue.js';
import { createDynamoClosedTrades } from '../store/positions/closed-trades.js';
import { createDynamoPositionStore } from '../store/positions/position-store.js';
import { chatsAccepting, fanKeys, readSubscribers } from '../store/users/audience.js';
import type { SummaryDeps } from './run-summary.js';

export interface SummaryWiring {
  readonly config: BotConfig;
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly positionsTable: string;
  readonly usersTable: string;
  readonly queueUrl: string;
  readonly clock: Clock;
  readonly log: Log;
}

/**
 * Recipients: every chat subscribed to a configured symbol or `*` (GSI `subscribers`) plus the
 * configured admins, kept when the profile is active and accepts `daily-summary` (admins
 * without a profile too: they receive everything).
 */
export function createSummaryDeps(w: SummaryWiring): SummaryDeps {
  const { config, ddb, log } = w;
  const admins = new Set(config.telegram.adminChatIds);
  return {
    trades: createDynamoClosedTrades({ client: ddb, table: w.positionsTable }),
    positions: createDynamoPositionStore({ client: ddb, table: w.positionsTable, ttlDays: config.signals.ttlDays }),
    async recipients() {
      const subscribed = await readSubscribers(ddb, w.usersTable, fanKeys(config.exchanges.flatMap((e) => e.symbols)));
      if (subscribed.truncated) log.warn('daily summary: more subscriptions than read; some chats miss the summary', { read: subscribed.subscriptions });
      return chatsAccepting(ddb, w.usersTable, subscribed.chats, 'daily-summary', admins);
    },
    queue: createSqsNotificationQueue({ client: w.sqs, queueUrl: w.queueUrl }),
    clock: w.clock,
    log,
    strategies: strategyNames(config),
  };
}
