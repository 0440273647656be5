import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { scannedTimeframes, type BotConfig } from '../config/schema.js';
import { PermanentError } from '../errors.js';
import type { HealthEnv } from './env.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createDynamoBreakerStore } from '../store/state/breaker-store.js';
import { createDynamoControlStore } from '../store/state/control-store.js';
import { createDynamoHeartbeatStore } from '../store/state/heartbeat-store.js';
import { createDynamoPositionStore } from '../store/positions/position-store.js';
import { readQueueDepth } from './queue-depth.js';
import type { HealthDeps } from './read-health.js';
import { VERSION } from './version.js';

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
}

/** The health reader's adapters: StateTable (heartbeats, breakers, pause switch), the portfolio row, the two queues. */
export function createHealthDeps(w: HealthWiring): HealthDeps {
  const { config, ddb, sqs } = w;
  const positions = createDynamoPositionStore({ client: ddb, table: w.positionsTable, ttlDays: config.signals.ttlDays });
  return {
    timeframes: scannedTimeframes(config),
    exchanges: config.exchanges.map((e) => e.id),
    heartbeats: createDynamoHeartbeatStore(ddb, w.stateTable),
    // Only read() is used: the thresholds do not matter for reading the state.
    breakers: createDynamoBreakerStore({ client: ddb, table: w.stateTable, failureThreshold: config.breaker.failureThreshold, cooldownMs: config.breaker.cooldownSeconds * 1000, trialMs: 60_000 }),
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
  };
}

/** The variables the health reader needs: the health function's environment, the webhook's (/status) too. */
export type HealthEnvTables = Pick<HealthEnv, 'STATE_TABLE' | 'POSITIONS_TABLE' | 'NOTIFY_QUEUE_URL' | 'NOTIFY_DLQ_URL'>;

/** createHealthDeps with the tables and queues taken from the environment. */
export function createHealthDepsFromEnv(env: HealthEnvTables, parts: Pick<HealthWiring, 'config' | 'ddb' | 'sqs' | 'clock' | 'log'>): HealthDeps {
  return createHealthDeps({
    ...parts,
    stateTable: env.STATE_TABLE,
    positionsTable: env.POSITIONS_TABLE,
    queueUrl: env.NOTIFY_QUEUE_URL,
    deadLetterQueueUrl: env.NOTIFY_DLQ_URL,
  });
}
