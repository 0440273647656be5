/**
 * The adapters every function is wired from, built in one place: the AWS SDK clients, the
 * DynamoDB stores shared by several functions (the position store above all), the ccxt exchange
 * factory and the recipient resolver. The per-function runtimes (lib/runtime/<function>.ts)
 * combine them; use cases only see the ports.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { appendAwsCallLog } from '../aws/call-recorder.js';
import { createDocumentClient, createSqsClient } from '../aws/clients.js';
import { createDynamoErrorCounter, type DynamoErrorCounter } from '../aws/dynamo-errors.js';
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import { createCcxtExchange } from '../exchange/ccxt-exchange.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort, MarketsCache } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import type { PositionStore } from '../ports/positions.js';
import type { RecipientResolver, UserStore } from '../ports/users.js';
import { createSqsNotificationQueue } from '../queue/sqs-notification-queue.js';
import { createDynamoPositionStore } from '../store/positions/position-store.js';
import { createDynamoControlStore } from '../store/state/control-store.js';
import { createDynamoMarketsCache } from '../store/state/markets-cache.js';
import { createDynamoRecipientResolver } from '../store/users/recipients.js';
import { createDynamoUserStore } from '../store/users/user-store.js';
import { createStaticRecipientResolver } from '../users/static-recipients.js';

/** The environment every function shares for reaching AWS (deployed) or the local stack. */
export interface AwsEnv {
  readonly AWS_REGION: string;
  readonly CANDLEBOT_DDB_ENDPOINT?: string | undefined;
  readonly CANDLEBOT_SQS_ENDPOINT?: string | undefined;
  readonly AWS_ACCESS_KEY_ID?: string | undefined;
  readonly AWS_SECRET_ACCESS_KEY?: string | undefined;
  /** Tests only (IAM coverage): a file that receives one JSON line per SDK call (lib/aws/call-recorder.ts). */
  readonly CANDLEBOT_AWS_CALL_LOG?: string | undefined;
}

export interface AwsClients {
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** The DynamoDB attempts throttled or failed with a 5xx since the handler kit last took the count (metric DynamoDBErrors). */
  readonly dynamoErrors: DynamoErrorCounter;
}

/**
 * SDK clients for DynamoDB and SQS. With the local endpoints, the local stack's credentials are
 * passed explicitly; deployed, the SDK's default credential chain (the function's role) applies.
 */
export function createAwsClients(env: AwsEnv): AwsClients {
  const local = env.CANDLEBOT_DDB_ENDPOINT !== undefined && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY;
  const credentials = local ? { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! } : undefined;
  const onCall = env.CANDLEBOT_AWS_CALL_LOG ? appendAwsCallLog(env.CANDLEBOT_AWS_CALL_LOG) : undefined;
  const dynamoErrors = createDynamoErrorCounter();
  return {
    ddb: createDocumentClient({ region: env.AWS_REGION, endpoint: env.CANDLEBOT_DDB_ENDPOINT, credentials, onCall, dynamoErrors }),
    dynamoErrors,
    sqs: createSqsClient({ region: env.AWS_REGION, endpoint: env.CANDLEBOT_SQS_ENDPOINT, credentials, onCall }),
  };
}

/** The one PositionsTable store factory (scan, monitor, dashboards, summary, bot). */
export function positionStore(ddb: DynamoDBDocumentClient, table: string, config: BotConfig, options: { readonly leaseMs?: number } = {}): PositionStore {
  return createDynamoPositionStore({ client: ddb, table, ttlDays: config.signals.ttlDays, ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }) });
}

/** UsersTable: profiles, subscriptions (at most `telegram.maxSubscriptionsPerChat` per chat), dashboards. */
export function userStore(ddb: DynamoDBDocumentClient, table: string, config: BotConfig): UserStore {
  return createDynamoUserStore({ client: ddb, table, maxSubscriptions: config.telegram.maxSubscriptionsPerChat });
}

export const controlStore = (ddb: DynamoDBDocumentClient, stateTable: string) => createDynamoControlStore({ client: ddb, table: stateTable });

export const notificationQueue = (sqs: SQSClient, queueUrl: string) => createSqsNotificationQueue({ client: sqs, queueUrl });

/** How long loaded markets are fresh (`markets.cacheHours`). */
export const marketsTtlMs = (config: BotConfig): number => config.markets.cacheHours * 3_600_000;

/** StateTable `markets#<exchange>`, rows kept twice their freshness. */
export function marketsCache(ddb: DynamoDBDocumentClient, stateTable: string, config: BotConfig): MarketsCache {
  return createDynamoMarketsCache({ client: ddb, table: stateTable, retainMs: marketsTtlMs(config) * 2 });
}

/**
 * One ccxt adapter per exchange per container: its rate limiter and loaded markets carry over
 * to warm invocations (markets freshness is still checked on every prepare()). A failed
 * construction is forgotten, so the next invocation tries again; its error reaches the caller.
 */
export function ccxtExchangeFactory(cache: MarketsCache, ttlMs: number): (c: ExchangeConfig, clock: Clock) => Promise<ExchangePort> {
  const adapters = new Map<string, Promise<ExchangePort>>();
  return (c, clock) => {
    let adapter = adapters.get(c.id);
    if (!adapter) {
      adapter = createCcxtExchange({ id: c.id, marketsCache: cache, apiBase: c.apiBase, timeoutMs: c.timeoutMs, marketsTtlMs: ttlMs, clock });
      adapter.catch(() => adapters.delete(c.id));
      adapters.set(c.id, adapter);
    }
    return adapter;
  };
}

/** The ccxt factory over the DynamoDB markets cache of `stateTable`. */
export function ccxtExchanges(ddb: DynamoDBDocumentClient, stateTable: string, config: BotConfig): (c: ExchangeConfig, clock: Clock) => Promise<ExchangePort> {
  return ccxtExchangeFactory(marketsCache(ddb, stateTable, config), marketsTtlMs(config));
}

/**
 * The recipients of one scan/monitor invocation (call once per invocation: the Dynamo
 * resolver memoises for that invocation only):
 * - `fixed` chats when given (npm start without a Telegram token, tests),
 * - else the subscribers in `usersTable` when the environment names it (deployed),
 * - else the configured admin chats.
 */
export function recipientResolverFor(options: {
  readonly client: DynamoDBDocumentClient;
  readonly usersTable: string | undefined;
  readonly fixed: readonly number[] | undefined;
  readonly adminChatIds: readonly number[];
  readonly log: Log;
}): RecipientResolver {
  if (options.fixed) return createStaticRecipientResolver(options.fixed);
  if (options.usersTable) return createDynamoRecipientResolver({ client: options.client, table: options.usersTable, log: options.log });
  return createStaticRecipientResolver(options.adminChatIds);
}
