/**
 * The monitor function's runtime: its event, the wiring of its adapters (built once per
 * container: SDK clients, one ccxt instance per exchange with its rate limiter, markets from
 * the DynamoDB cache, the dashboard refresh when USERS_TABLE is set) and its answer. No state
 * that must survive an invocation lives here.
 */
import { z } from 'zod';
import type { DynamoErrorCounter } from '../aws/dynamo-errors.js';
import { monitorEnvSchema, parseEnv, type MonitorEnv } from '../config/env.js';
import { loadConfigFile } from '../config/load.js';
import type { BotConfig, ExchangeConfig } from '../config/schema.js';
import type { DashboardRefresher } from '../dashboard/after-monitor.js';
import { refreshDashboards } from '../dashboard/refresh.js';
import type { MonitorDeps, MonitorReport } from '../monitor/run-monitor.js';
import { systemClock, type Clock } from '../ports/clock.js';
import type { ExchangePort } from '../ports/exchange.js';
import type { Log } from '../ports/log.js';
import type { PositionStore } from '../ports/positions.js';
import type { NotificationQueue } from '../ports/queue.js';
import { monitorOutboxStuck } from './report-metrics.js';
import { ccxtExchanges, controlStore, createAwsClients, notificationQueue, positionStore, recipientResolverFor, userStore, type AwsClients } from './adapters.js';

/** The EventBridge scheduled event (serverless.yml: every minute), or `{}` for a manual run. */
export const monitorEventSchema = z.union([z.looseObject({ 'detail-type': z.literal('Scheduled Event'), source: z.literal('aws.events') }), z.object({}).strict()]);

export interface MonitorResult {
  readonly listed: number;
  readonly closed: number;
  readonly quarantined: number;
  readonly failed: number;
  readonly notified: number;
}

export const monitorResult = (report: MonitorReport): MonitorResult => ({
  listed: report.listed,
  closed: report.closed,
  quarantined: report.quarantined,
  failed: report.failed,
  notified: report.events.delivered,
});

/** The 'monitor finished' log line: the report without the dashboard outcome (logged apart), at most 50 failures. */
export function monitorLogLine(report: MonitorReport): Record<string, unknown> {
  const { dashboards: _logged, ...rest } = report;
  return { ...rest, outboxStuck: monitorOutboxStuck(report), failures: report.failures.slice(0, 50) };
}

/** How long an event claimer owns a position event before another run may take it over. */
export const EVENT_LEASE_MS = 60_000;

export interface MonitorRuntime {
  readonly config: BotConfig;
  /** DynamoDB attempts throttled or failed with a 5xx (the handler kit publishes DynamoDBErrors); absent in test doubles. */
  readonly dynamoErrors?: DynamoErrorCounter;
  /** `dashboards: false`: no dashboard refresh in this run (replay). */
  deps(options: { log: Log; remainingMs: () => number; clock?: Clock; exchange?: (c: ExchangeConfig) => Promise<ExchangePort>; dashboards?: false }): MonitorDeps;
}

/** The dashboard refresh over UsersTable (GSI `dashboards`), the positions, the control row and the queue. */
function dashboardRefresher({ ddb }: AwsClients, env: MonitorEnv & { USERS_TABLE: string }, config: BotConfig, positions: PositionStore, queue: NotificationQueue): DashboardRefresher {
  const users = userStore(ddb, env.USERS_TABLE, config);
  const control = controlStore(ddb, env.STATE_TABLE);
  return (log, clock) => refreshDashboards({ users, positions, control, queue, clock, log });
}

/** `recipients`: as createScanRuntime (fixed chats; absent: USERS_TABLE subscribers, else the admin chats). */
export function createMonitorRuntime(env: MonitorEnv, config: BotConfig, recipients?: readonly number[]): MonitorRuntime {
  const clients = createAwsClients(env);
  const { ddb, sqs } = clients;
  const store = positionStore(ddb, env.POSITIONS_TABLE, config, { leaseMs: EVENT_LEASE_MS });
  const queue = notificationQueue(sqs, env.NOTIFY_QUEUE_URL);
  const ccxtExchange = ccxtExchanges(ddb, env.STATE_TABLE, config);
  const usersTable = env.USERS_TABLE;
  // The pinned dashboards (lib/dashboard) are refreshed after the positions when USERS_TABLE is set.
  const dashboards = usersTable === undefined ? undefined : dashboardRefresher(clients, { ...env, USERS_TABLE: usersTable }, config, store, queue);

  return Object.freeze({
    config,
    dynamoErrors: clients.dynamoErrors,
    deps({ log, remainingMs, clock = systemClock, exchange, dashboards: wanted }: Parameters<MonitorRuntime['deps']>[0]): MonitorDeps {
      // A new resolver per invocation: its memo never outlives the run.
      const chats = recipientResolverFor({ client: ddb, usersTable, fixed: recipients, adminChatIds: config.telegram.adminChatIds, log });
      return {
        config,
        store,
        exchange: exchange ?? ((c: ExchangeConfig) => ccxtExchange(c, clock)),
        queue,
        clock,
        log,
        remainingMs,
        recipients: chats,
        ...(dashboards && wanted !== false ? { dashboards } : {}),
      };
    },
  });
}

/** The runtime from the process environment and the config file it names (the handler's first invocation). */
export function monitorRuntimeFromEnv(processEnv: NodeJS.ProcessEnv): MonitorRuntime {
  const env = parseEnv(monitorEnvSchema, processEnv);
  return createMonitorRuntime(env, loadConfigFile(env.CANDLEBOT_CONFIG_PATH));
}
