/**
 * The daily-summary function's runtime: its event and the wiring of its adapters (trades and
 * portfolio in PositionsTable, the chats in UsersTable, the notify queue).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import type { DynamoErrorCounter } from '../aws/dynamo-errors.js';
import { parseEnv } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import { strategyNames, type BotConfig } from '../config/schema.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createDynamoClosedTrades } from '../store/positions/closed-trades.js';
import { chatsAccepting, fanKeys, readSubscribers } from '../store/users/audience.js';
import { summaryEnvSchema } from '../summary/env.js';
import { utcDay, type SummaryDeps } from '../summary/run-summary.js';
import { createAwsClients, notificationQueue, positionStore } from './adapters.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a calendar date');

/**
 * The EventBridge schedule (serverless.yml: daily at 00:05 UTC) summarises the UTC day before;
 * a manual `{ "date": "yyyy-mm-dd" }` re-sends that day (same ids: chats that got it are skipped
 * by the consumer).
 */
export const summaryEventSchema = z.union([
  z.looseObject({ 'detail-type': z.literal('Scheduled Event'), source: z.literal('aws.events') }),
  z.object({ date: isoDate.optional() }).strict(),
]);

/** The day a manual event names, or undefined (the day before, by the use case's clock). */
export function summaryDay(event: z.output<typeof summaryEventSchema>): ReturnType<typeof utcDay> | undefined {
  return 'date' in event && typeof event.date === 'string' ? utcDay(event.date) : undefined;
}

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
    positions: positionStore(ddb, w.positionsTable, config),
    async recipients() {
      const subscribed = await readSubscribers(ddb, w.usersTable, fanKeys(config.exchanges.flatMap((e) => e.symbols)));
      if (subscribed.truncated) log.warn('daily summary: more subscriptions than read; some chats miss the summary', { read: subscribed.subscriptions });
      return chatsAccepting(ddb, w.usersTable, subscribed.chats, 'daily-summary', admins);
    },
    queue: notificationQueue(w.sqs, w.queueUrl),
    clock: w.clock,
    log,
    strategies: strategyNames(config),
  };
}

/** The deps from the process environment and the config file it names (the handler's first invocation). */
export function summaryDepsFromEnv(processEnv: NodeJS.ProcessEnv, log: Log): SummaryDeps & { readonly dynamoErrors: DynamoErrorCounter } {
  const env = parseEnv(summaryEnvSchema, processEnv);
  const config = loadConfigFile(env.CANDLEBOT_CONFIG_PATH);
  const { ddb, sqs, dynamoErrors } = createAwsClients(env);
  return { ...createSummaryDeps({ config, ddb, sqs, positionsTable: env.POSITIONS_TABLE, usersTable: env.USERS_TABLE, queueUrl: env.NOTIFY_QUEUE_URL, clock: systemClock, log }), dynamoErrors };
}
