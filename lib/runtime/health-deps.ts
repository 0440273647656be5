import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { scannedTimeframes, type BotConfig } from '../config/schema.js';
import { ConfigError, PermanentError } from '../errors.js';
import type { HealthEnv } from '../health/env.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createDynamoBreakerReader } from '../store/state/breaker-store.js';
import { createDynamoControlStore } from '../store/state/control-store.js';
import { createDynamoHeartbeatStore } from '../store/state/heartbeat-store.js';
import { createDynamoSignalStore } from '../store/signals/signal-store.js';
import { readQueueDepth } from '../queue/queue-depth.js';
import type { HealthDeps, OutboxProbe } from '../health/read-health.js';
import { VERSION } from '../health/version.js';
import { POSITION_EVENTS_THRESHOLD_MS, signalOutboxThresholdMs } from '../health/outbox-thresholds.js';
import type { PositionStore } from '../ports/positions.js';
import { positionStore } from './adapters.js';

export interface HealthWiring {
  readonly config: BotConfig;
  readonly ddb: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly stateTable: string;
  readonly positionsTable: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
  readonly clock: Clock;
  readonly log: Log;
  readonly version?: string;
  readonly probeTimeoutMs?: number;
  readonly backlogThreshold?: number;
  /**
   * Probe both outboxes for rows still PENDING past their lease (Query on the `outbox-pending`
   * index of SignalsTable and PositionsTable: the health role allows it, infra/iam.yml).
   */
  readonly outboxes?: boolean;
  /** SignalsTable (the signal outbox); when `outboxes` is set without it, that probe reports INVALID_ENV. */
  readonly signalsTable?: string | undefined;
  /** Overrides of how long a row may wait past its lease before its outbox counts as degraded. */
  readonly outboxThresholdMs?: { readonly signals?: number; readonly positionEvents?: number };
}

function outboxProbes(w: HealthWiring, events: PositionStore): OutboxProbe[] {
  const { config, ddb } = w;
  // Only backlog() is used: the lease length does not matter for reading.
  const signals = w.signalsTable === undefined ? undefined : createDynamoSignalStore({ client: ddb, table: w.signalsTable, leaseMs: 60_000, ttlDays: config.signals.ttlDays });
  return [
    {
      name: 'signals',
      thresholdMs: w.outboxThresholdMs?.signals ?? signalOutboxThresholdMs(config),
      backlog: (cutoff, limit, signal) =>
        signals ? signals.backlog(cutoff, limit, signal) : Promise.reject(new ConfigError('SIGNALS_TABLE is not set: the signal outbox cannot be read', { code: 'INVALID_ENV' })),
    },
    { name: 'position events', thresholdMs: w.outboxThresholdMs?.positionEvents ?? POSITION_EVENTS_THRESHOLD_MS, backlog: (cutoff, limit, signal) => events.backlog(cutoff, limit, signal) },
  ];
}

/**
 * The health reader's adapters: StateTable (heartbeats, breakers, pause switch), the portfolio
 * row, the two queues and, with `outboxes`, the backlog of both outboxes.
 */
export function createHealthDeps(w: HealthWiring): HealthDeps {
  const { config, ddb, sqs } = w;
  const positions = positionStore(ddb, w.positionsTable, config);
  return {
    timeframes: scannedTimeframes(config),
    exchanges: config.exchanges.map((e) => e.id),
    heartbeats: createDynamoHeartbeatStore(ddb, w.stateTable),
    breakers: createDynamoBreakerReader({ client: ddb, table: w.stateTable }),
    control: createDynamoControlStore({ client: ddb, table: w.stateTable }),
    async openPositions() {
      const read = await positions.getPortfolio();
      if (read === undefined) return 0; // no paper trade yet
      if (!read.ok) throw new PermanentError('the portfolio row is invalid', { code: 'CORRUPT_PORTFOLIO' });
      return read.value.openCount;
    },
    queueDepth: (which, signal) => readQueueDepth(sqs, which === 'queue' ? w.queueUrl : w.deadLetterQueueUrl, signal),
    clock: w.clock,
    log: w.log,
    version: w.version ?? VERSION,
    ...(w.probeTimeoutMs !== undefined ? { probeTimeoutMs: w.probeTimeoutMs } : {}),
    ...(w.backlogThreshold !== undefined ? { backlogThreshold: w.backlogThreshold } : {}),
    ...(w.outboxes ? { outboxes: outboxProbes(w, positions) } : {}),
  };
}

/** The variables the health reader needs: the health function's environment, the webhook's (/status) too. */
export type HealthEnvTables = Pick<HealthEnv, 'STATE_TABLE' | 'POSITIONS_TABLE' | 'NOTIFY_QUEUE_URL' | 'NOTIFY_DLQ_URL' | 'SIGNALS_TABLE'>;

/**
 * createHealthDeps with the tables and queues taken from the environment. `outboxes: true`
 * adds the outbox backlog probes (the health function; its role allows the Query).
 */
export function createHealthDepsFromEnv(env: HealthEnvTables, parts: Pick<HealthWiring, 'config' | 'ddb' | 'sqs' | 'clock' | 'log' | 'outboxes'>): HealthDeps {
  return createHealthDeps({
    ...parts,
    signalsTable: env.SIGNALS_TABLE,
    stateTable: env.STATE_TABLE,
    positionsTable: env.POSITIONS_TABLE,
    queueUrl: env.NOTIFY_QUEUE_URL,
    deadLetterQueueUrl: env.NOTIFY_DLQ_URL,
  });
}
