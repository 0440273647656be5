/**
 * The dashboard refresh as the monitor runs it (lib/monitor/run-monitor.ts, after the
 * positions): a failure is logged with its code and reported, never thrown — the positions
 * were already handled, and the next run (a minute later) refreshes again.
 */
import { describeError, isCandlebotError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { DashboardRefreshReport } from './refresh.js';

/** refreshDashboards over wired adapters (lib/runtime/monitor.ts). */
export type DashboardRefresher = (log: Log, clock: Clock) => Promise<DashboardRefreshReport>;

export type DashboardOutcome = DashboardRefreshReport | { readonly failed: string };

/**
 * Runs the refresh after the monitor's work is done; `getRefresher` returns null when the
 * dashboards are off (no USERS_TABLE). Resolves undefined when off.
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
