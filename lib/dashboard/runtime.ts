import { z } from 'zod';
import type { BotConfig } from '../config/schema.js';
import { awsEnvShape, parseEnv } from '../config/env.js';
import { describeError, isCandlebotError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { createSqsNotificationQueue } from '../queue/sqs-notification-queue.js';
import { createAwsClients } from '../runtime/wiring.js';
import { createDynamoControlStore } from '../store/state/control-store.js';
import { createDynamoPositionStore } from '../store/positions/position-store.js';
import { createDynamoUserStore } from '../store/users/user-store.js';
import { refreshDashboards, type DashboardRefreshReport } from './refresh.js';

/** What the dashboard refresh reads in the monitor's environment; without USERS_TABLE it is off. */
export const dashboardEnvSchema = z.object({
  USERS_TABLE: z.string().min(3).optional(),
  POSITIONS_TABLE: z.string().min(3),
  STATE_TABLE: z.string().min(3),
  NOTIFY_QUEUE_URL: z.url(),
  ...awsEnvShape,
});

export type DashboardRefresher = (log: Log, clock: Clock) => Promise<DashboardRefreshReport>;

/** The refresher wired from the environment (built once per container), or null when USERS_TABLE is not set. */
export function createDashboardRefresher(processEnv: NodeJS.ProcessEnv, config: BotConfig): DashboardRefresher | null {
  const env = parseEnv(dashboardEnvSchema, processEnv);
  if (env.USERS_TABLE === undefined) return null;
  const { ddb, sqs } = createAwsClients(env);
  const users = createDynamoUserStore({ client: ddb, table: env.USERS_TABLE });
  const positions = createDynamoPositionStore({ client: ddb, table: env.POSITIONS_TABLE, ttlDays: config.signals.ttlDays });
  const control = createDynamoControlStore({ client: ddb, table: env.STATE_TABLE });
  const queue = createSqsNotificationQueue({ client: sqs, queueUrl: env.NOTIFY_QUEUE_URL });
  return (log, clock) => refreshDashboards({ users, positions, control, queue, clock, log });
}

export type DashboardOutcome = DashboardRefreshReport | { readonly failed: string };

/**
 * Runs the refresh after the monitor's work is done: a failure (wiring included) is logged with its code and
 * reported, not thrown — the positions were already handled, and the next run (a minute
 * later) refreshes again.
 */
export async function refreshAfterMonitor(getRefresher: () => DashboardRefresher | null, log: Log, clock: Clock): Promise<DashboardOutcome | undefined> {
  try {
    const refresher = getRefresher();
    if (!refresher) return undefined;
    const report = await refresher(log, clock);
    if (report.chats > 0) log.info('dashboards refreshed', { ...report });
    return report;
  } catch (error) {
    log.error('dashboard refresh failed; the next monitor run retries', { error: describeError(error), transient: isCandlebotError(error) && error.kind === 'transient' });
    return { failed: isCandlebotError(error) ? error.code : 'UNEXPECTED' };
  }
}
