import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { ScanEnv } from '../config/env.js';
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import { ccxtExchangeFactory, createAwsClients } from './wiring.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { ExchangePort, MarketsCache } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import { createSqsNotificationQueue } from '../queue/sqs-notification-queue.js';
import type { ScanDeps } from '../scan/run-scan.js';
import { createDynamoBreakerStore } from '../store/state/breaker-store.js';
import { createDynamoHeartbeatStore } from '../store/state/heartbeat-store.js';
import { createDynamoMarketsCache } from '../store/state/markets-cache.js';
import { createDynamoSignalStore } from '../store/signals/signal-store.js';
import { createDynamoPositionStore } from '../store/positions/position-store.js';
import { createPositionOpener } from '../portfolio/open-from-signal.js';
import { createDynamoControlStore } from '../store/state/control-store.js';
import { recipientResolverFor } from './recipients-for.js';

/** How long the signal writer owns the outbox row before a later run may re-drive it. */
export const OUTBOX_LEASE_MS = 60_000;
/** A circuit-breaker trial may take this long before another invocation may try. */
const BREAKER_TRIAL_MS = 120_000;

export interface ScanRuntime {
  readonly config: BotConfig;
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** Scan dependencies for one invocation. */
  deps(options: { log: Log; remainingMs: () => number; clock?: Clock; exchange?: (c: ExchangeConfig) => Promise<ExchangePort> }): ScanDeps;
}

/**
 * Wires the scan's adapters from a validated environment and config. Built once per
 * container; holds only immutable config and SDK clients (connection reuse), no state that
 * must survive an invocation.
 */
/**
 * `recipients`: fixed chats for every notification (npm start without a Telegram token, tests);
 * absent: the subscribers of USERS_TABLE when set, else telegram.adminChatIds.
 */
export function createScanRuntime(env: ScanEnv, config: BotConfig, recipients?: readonly number[]): ScanRuntime {
  const { ddb, sqs } = createAwsClients(env);
  const marketsTtlMs = config.markets.cacheHours * 3_600_000;
  const marketsCache: MarketsCache = createDynamoMarketsCache({ client: ddb, table: env.STATE_TABLE, retainMs: marketsTtlMs * 2 });
  const signals = createDynamoSignalStore({ client: ddb, table: env.SIGNALS_TABLE, leaseMs: OUTBOX_LEASE_MS, ttlDays: config.signals.ttlDays });
  const queue = createSqsNotificationQueue({ client: sqs, queueUrl: env.NOTIFY_QUEUE_URL });
  const breaker = createDynamoBreakerStore({
    client: ddb,
    table: env.STATE_TABLE,
    failureThreshold: config.breaker.failureThreshold,
    cooldownMs: config.breaker.cooldownSeconds * 1000,
    trialMs: BREAKER_TRIAL_MS,
  });
  const heartbeat = createDynamoHeartbeatStore(ddb, env.STATE_TABLE);
  const control = createDynamoControlStore({ client: ddb, table: env.STATE_TABLE });
  // Paper trading is on when the environment names the positions table (serverless.yml, local stack).
  const positionStore = env.POSITIONS_TABLE ? createDynamoPositionStore({ client: ddb, table: env.POSITIONS_TABLE, ttlDays: config.signals.ttlDays }) : undefined;
  const ccxtExchange = ccxtExchangeFactory(marketsCache, marketsTtlMs);

  return Object.freeze({
    config,
    ddb,
    sqs,
    deps({ log, remainingMs, clock = systemClock, exchange }: Parameters<ScanRuntime['deps']>[0]): ScanDeps {
      // A new resolver per invocation: its memo never outlives the run.
      const chats = recipientResolverFor({ client: ddb, usersTable: env.USERS_TABLE, fixed: recipients, adminChatIds: config.telegram.adminChatIds, log });
      return {
        config,
        exchange: exchange ?? ((c: ExchangeConfig) => ccxtExchange(c, clock)),
        signals,
        queue,
        breaker,
        heartbeat,
        clock,
        log,
        remainingMs,
        recipients: chats,
        control,
        positions: positionStore && createPositionOpener({ store: positionStore, config, clock, log, recipients: chats }),
      };
    },
  });
}
