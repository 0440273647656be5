/**
 * The reconcile function's runtime (live trading, issue 15): its event, the wiring of its
 * adapters (built once per container: SDK clients, the live store, one trading adapter per live
 * exchange built on first use) and its answer.
 *
 * A config without a live exchange builds nothing: the handler returns at once, without reading
 * the environment's tables or making any AWS call (its schedule is disabled then anyway,
 * infra/live-trading.cjs; this covers a manual invocation).
 */
import { z } from 'zod';
import type { DynamoErrorCounter } from '../aws/dynamo-errors.js';
import { configPathShape, parseEnv, reconcileEnvSchema } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import type { BotConfig } from '../config/schema.js';
import type { LiveDeps } from '../live/deps.js';
import type { ReconcileReport } from '../live/reconcile.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { ExchangeConfig } from '../config/schema.js';
import type { ExchangePort, MarketsCache, MarketsSnapshot } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import type { TradingPort } from '../ports/trading.js';
import { ccxtExchangeFactory, createAwsClients, marketsTtlMs, notificationQueue, recipientResolverFor } from './adapters.js';
import { createLiveWiring, liveDepsFor, liveExchangeIds } from './live-wiring.js';

/** The EventBridge scheduled event (serverless.yml: every minute when an exchange trades live), or `{}` for a manual run. */
export const reconcileEventSchema = z.union([z.looseObject({ 'detail-type': z.literal('Scheduled Event'), source: z.literal('aws.events') }), z.object({}).strict()]);

export interface ReconcileResult {
  /** The live exchanges of the config (none: nothing was done). */
  readonly exchanges: readonly string[];
  readonly alerts: number;
  readonly failed: number;
}

export interface ReconcileRuntime {
  readonly config: BotConfig;
  /** Ids of the live exchanges; empty: the run returns at once. */
  readonly live: readonly string[];
  /** DynamoDB attempts throttled or failed with a 5xx (the handler kit publishes DynamoDBErrors); absent when nothing was built. */
  readonly dynamoErrors?: DynamoErrorCounter;
  /** The use case's dependencies for one invocation (only when `live` is not empty). */
  deps(options: { log: Log; remainingMs: () => number; clock?: Clock; trading?: (exchange: string) => Promise<TradingPort>; candles?: (c: ExchangeConfig) => Promise<ExchangePort> }): LiveDeps;
}

/** The handler's answer. */
export const reconcileResult = (live: readonly string[], report: Pick<ReconcileReport, 'alerts' | 'failed'> | undefined): ReconcileResult => ({
  exchanges: live,
  alerts: report?.alerts ?? 0,
  failed: report?.failed ?? 0,
});

/** The 'reconcile finished' log line: the report's counts, the live exchanges by id, at most 50 item errors. */
export function reconcileLogLine(live: readonly string[], report: ReconcileReport): Record<string, unknown> {
  return { ...report, liveExchanges: live, errors: report.errors.slice(0, 50) };
}

/** The runtime of a paper-only config: nothing built, no deps. */
function idleRuntime(config: BotConfig): ReconcileRuntime {
  return Object.freeze({
    config,
    live: Object.freeze([]),
    deps(): LiveDeps {
      throw new Error('reconcile: no exchange trades live, there is nothing to reconcile');
    },
  });
}

/**
 * Wires reconcile from the process environment and a loaded config. `recipients`: fixed chats
 * for every message (tests, npm start without a Telegram token); absent: USERS_TABLE subscribers,
 * else the admin chats.
 */
export function createReconcileRuntime(processEnv: NodeJS.ProcessEnv, config: BotConfig, recipients?: readonly number[]): ReconcileRuntime {
  const live = liveExchangeIds(config);
  if (live.length === 0) return idleRuntime(config);
  const env = parseEnv(reconcileEnvSchema, processEnv);
  const clients = createAwsClients(env);
  const wiring = createLiveWiring({ ddb: clients.ddb, env, processEnv, config, what: 'reconcile' });
  const queue = notificationQueue(clients.sqs, env.NOTIFY_QUEUE_URL);
  // The exit rule's candles (lib/live/rule-exit.ts): the scan's public ccxt port, markets kept in
  // the container only (no StateTable read: reconcile needs no AWS permission for them).
  const ccxtExchange = ccxtExchangeFactory(containerMarketsCache(), marketsTtlMs(config));
  return Object.freeze({
    config,
    live: Object.freeze(live),
    dynamoErrors: clients.dynamoErrors,
    deps({ log, remainingMs, clock = systemClock, trading, candles }: Parameters<ReconcileRuntime['deps']>[0]): LiveDeps {
      // A new resolver per invocation: its memo never outlives the run.
      const chats = recipientResolverFor({ client: clients.ddb, usersTable: env.USERS_TABLE, fixed: recipients, adminChatIds: config.telegram.adminChatIds, log });
      const deps = liveDepsFor(wiring, { config, clock, log, queue, recipients: chats, remainingMs, candles: candles ?? ((c) => ccxtExchange(c, clock)) });
      return trading ? { ...deps, trading } : deps;
    },
  });
}

/** Markets snapshots held by one container (reconcile has no StateTable); a cold start loads them from the exchange once. */
function containerMarketsCache(): MarketsCache {
  const snapshots = new Map<string, MarketsSnapshot>();
  return {
    get: async (exchange) => snapshots.get(exchange),
    put: async (snapshot) => {
      snapshots.set(snapshot.exchange, snapshot);
    },
  };
}

/** The runtime from the process environment and the config file it names (the handler's first invocation). */
export function reconcileRuntimeFromEnv(processEnv: NodeJS.ProcessEnv): ReconcileRuntime {
  const { CANDLEBOT_CONFIG_PATH } = parseEnv(z.object(configPathShape), processEnv);
  return createReconcileRuntime(processEnv, loadConfigFile(CANDLEBOT_CONFIG_PATH));
}
