/**
 * The scan function's runtime: its event, the wiring of its adapters (built once per
 * container) and the answer it returns (functions/scan.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DynamoErrorCounter } from '../aws/dynamo-errors.js';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { parseEnv, scanEnvSchema, type ScanEnv } from '../config/env.js';
import { ConfigError } from '../errors.js';
import { loadConfigFile } from '../config/load.js';
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import { timeframeSchema } from '../core/timeframe.js';
import { createLiveOpener } from '../live/live-opener.js';
import { createPositionOpener } from '../portfolio/open-from-signal.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import type { PositionOpener } from '../ports/positions.js';
import type { TradingPort } from '../ports/trading.js';
import type { ScanDeps, ScanReport } from '../scan/run-scan.js';
import { createDynamoBreakerStore } from '../store/state/breaker-store.js';
import { createDynamoHeartbeatStore } from '../store/state/heartbeat-store.js';
import { createDynamoSignalStore } from '../store/signals/signal-store.js';
import { ccxtExchanges, controlStore, createAwsClients, notificationQueue, positionStore, recipientResolverFor } from './adapters.js';
import { createLiveWiring, liveDepsFor, liveExchangeIds } from './live-wiring.js';
import { createOpenerRouter } from './opener-router.js';

/** The EventBridge schedule's input (serverless.yml: one schedule per timeframe). */
export const scanEventSchema = z.object({ timeframe: timeframeSchema }).strict();

export interface ScanResult {
  readonly timeframe: string;
  readonly candleTime: string;
  readonly scanned: number;
  readonly failed: number;
  readonly skipped: number;
  readonly signalled: number;
  /** The admin paused scanning (/pause): nothing was fetched or recorded. */
  readonly paused: boolean;
  /** The admin paused trading: signals were recorded and notified, no paper position opened. */
  readonly tradingPaused: boolean;
}

/** The handler's answer: the report's counts. */
export function scanResult(report: ScanReport): ScanResult {
  return {
    timeframe: report.timeframe,
    candleTime: new Date(report.candleTime).toISOString(),
    scanned: report.scanned,
    failed: report.failed,
    skipped: report.skipped,
    signalled: report.signalled,
    paused: report.paused,
    tradingPaused: report.tradingPaused,
  };
}

/** How long the signal writer owns the outbox row before a later run may re-drive it. */
export const OUTBOX_LEASE_MS = 60_000;
/** A circuit-breaker trial may take this long before another invocation may try. */
const BREAKER_TRIAL_MS = 120_000;

export interface ScanRuntime {
  readonly config: BotConfig;
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  /** DynamoDB attempts throttled or failed with a 5xx (the handler kit publishes DynamoDBErrors). */
  readonly dynamoErrors: DynamoErrorCounter;
  /** Scan dependencies for one invocation. */
  deps(options: { log: Log; remainingMs: () => number; clock?: Clock; exchange?: (c: ExchangeConfig) => Promise<ExchangePort>; trading?: (exchange: string) => Promise<TradingPort> }): ScanDeps;
}

/**
 * Wires the scan's adapters from a validated environment and config. Built once per
 * container; holds only immutable config and SDK clients (connection reuse), no state that
 * must survive an invocation.
 */
/**
 * `recipients`: fixed chats for every notification (npm start without a Telegram token, tests);
 * absent: the subscribers of USERS_TABLE when set, else telegram.adminChatIds. `processEnv`: where
 * the local exchange key variables are read (live trading, lib/runtime/exchange-keys.ts).
 */
export function createScanRuntime(env: ScanEnv, config: BotConfig, recipients?: readonly number[], processEnv: NodeJS.ProcessEnv = process.env): ScanRuntime {
  const { ddb, sqs, dynamoErrors } = createAwsClients(env);
  const signals = createDynamoSignalStore({ client: ddb, table: env.SIGNALS_TABLE, leaseMs: OUTBOX_LEASE_MS, ttlDays: config.signals.ttlDays });
  const queue = notificationQueue(sqs, env.NOTIFY_QUEUE_URL);
  const breaker = createDynamoBreakerStore({
    client: ddb,
    table: env.STATE_TABLE,
    failureThreshold: config.breaker.failureThreshold,
    cooldownMs: config.breaker.cooldownSeconds * 1000,
    trialMs: BREAKER_TRIAL_MS,
  });
  const heartbeat = createDynamoHeartbeatStore(ddb, env.STATE_TABLE);
  const control = controlStore(ddb, env.STATE_TABLE);
  // Paper trading is on when the environment names the positions table (serverless.yml, local stack).
  const positions = env.POSITIONS_TABLE ? positionStore(ddb, env.POSITIONS_TABLE, config) : undefined;
  const ccxtExchange = ccxtExchanges(ddb, env.STATE_TABLE, config);
  // Live trading: signals of a live exchange place orders (lib/live/live-opener.ts); the others open paper positions.
  const live = liveExchangeIds(config);
  const liveWiring = live.length > 0 ? createLiveWiring({ ddb, env, processEnv, config, what: 'scan' }) : undefined;
  if (liveWiring && !positions && live.length < config.exchanges.length) {
    throw new ConfigError('invalid environment: POSITIONS_TABLE is required by the scan function: the paper-mode exchanges open paper positions next to the live ones', { code: 'INVALID_ENV' });
  }

  return Object.freeze({
    config,
    ddb,
    sqs,
    dynamoErrors,
    deps({ log, remainingMs, clock = systemClock, exchange, trading }: Parameters<ScanRuntime['deps']>[0]): ScanDeps {
      // A new resolver per invocation: its memo never outlives the run.
      const chats = recipientResolverFor({ client: ddb, usersTable: env.USERS_TABLE, fixed: recipients, adminChatIds: config.telegram.adminChatIds, log });
      const exchangeFor = exchange ?? ((c: ExchangeConfig) => ccxtExchange(c, clock));
      // The opener reads a holder's closed candles through the scan's adapters (its exit rule on the signal candle).
      const paper = positions && createPositionOpener({ store: positions, config, clock, log, recipients: chats, exchange: exchangeFor });
      let opener: PositionOpener | undefined = paper;
      if (liveWiring) {
        const liveDeps = liveDepsFor(liveWiring, { config, clock, log, queue, recipients: chats, remainingMs });
        const liveOpener = createLiveOpener(trading ? { ...liveDeps, trading } : liveDeps);
        opener = paper ? createOpenerRouter({ paper, live: liveOpener, liveExchanges: live }) : liveOpener;
      }
      return {
        config,
        exchange: exchangeFor,
        signals,
        queue,
        breaker,
        heartbeat,
        clock,
        log,
        remainingMs,
        recipients: chats,
        control,
        positions: opener,
      };
    },
  });
}

/** The runtime from the process environment and the config file it names (the handler's first invocation). */
export function scanRuntimeFromEnv(processEnv: NodeJS.ProcessEnv): ScanRuntime {
  const env = parseEnv(scanEnvSchema, processEnv);
  return createScanRuntime(env, loadConfigFile(env.CANDLEBOT_CONFIG_PATH), undefined, processEnv);
}
