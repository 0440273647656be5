import type { MonitorEnv } from '../config/env.js';
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import { ccxtExchangeFactory, createAwsClients } from '../runtime/wiring.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import { createSqsNotificationQueue } from '../queue/sqs-notification-queue.js';
import { createDynamoMarketsCache } from '../store/state/markets-cache.js';
import { createDynamoPositionStore } from '../store/positions/position-store.js';
import { recipientResolverFor } from '../runtime/recipients-for.js';
import type { MonitorDeps } from './run-monitor.js';

/** How long an event claimer owns a position event before another run may take it over. */
export const EVENT_LEASE_MS = 60_000;

export interface MonitorRuntime {
  readonly config: BotConfig;
  deps(options: { log: Log; remainingMs: () => number; clock?: Clock; exchange?: (c: ExchangeConfig) => Promise<ExchangePort> }): MonitorDeps;
}

/**
 * Wires the monitor's adapters (built once per container: SDK clients, one ccxt instance per
 * exchange with its rate limiter, markets from the DynamoDB cache). No state that must survive
 * an invocation lives here.
 */
/** `recipients`: as createScanRuntime (fixed chats; absent: USERS_TABLE subscribers, else the admin chats). */
export function createMonitorRuntime(env: MonitorEnv, config: BotConfig, recipients?: readonly number[]): MonitorRuntime {
  const { ddb, sqs } = createAwsClients(env);
  const marketsTtlMs = config.markets.cacheHours * 3_600_000;
  const marketsCache = createDynamoMarketsCache({ client: ddb, table: env.STATE_TABLE, retainMs: marketsTtlMs * 2 });
  const store = createDynamoPositionStore({ client: ddb, table: env.POSITIONS_TABLE, ttlDays: config.signals.ttlDays, leaseMs: EVENT_LEASE_MS });
  const queue = createSqsNotificationQueue({ client: sqs, queueUrl: env.NOTIFY_QUEUE_URL });
  const ccxtExchange = ccxtExchangeFactory(marketsCache, marketsTtlMs);

  return Object.freeze({
    config,
    deps({ log, remainingMs, clock = systemClock, exchange }: Parameters<MonitorRuntime['deps']>[0]): MonitorDeps {
      // A new resolver per invocation: its memo never outlives the run.
      const chats = recipientResolverFor({ client: ddb, usersTable: env.USERS_TABLE, fixed: recipients, adminChatIds: config.telegram.adminChatIds, log });
      return { config, store, exchange: exchange ?? ((c: ExchangeConfig) => ccxtExchange(c, clock)), queue, clock, log, remainingMs, recipients: chats };
    },
  });
}
