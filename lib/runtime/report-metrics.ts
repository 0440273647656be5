/**
 * Use case reports → CloudWatch metrics (EMF, namespace `candlebot`), in one place. The names
 * and dimensions are part of the deployment: alarms and the dashboard in serverless.yml read
 * them (test/infra checks the wiring).
 */
import type { MonitorReport } from '../monitor/run-monitor.js';
import type { BatchReport } from '../notify/run-batch.js';
import type { ScanReport } from '../scan/run-scan.js';
import type { SummaryReport } from '../summary/run-summary.js';
import type { MetricPoint } from './handler-kit.js';

/** Dimension `timeframe` (set on the invocation's metrics) comes with these. */
export function scanMetrics(report: ScanReport): MetricPoint[] {
  return [
    { name: 'SymbolsScanned', value: report.scanned },
    { name: 'SymbolsFailed', value: report.failed },
    { name: 'SymbolsSkipped', value: report.skipped },
    { name: 'Signals', value: report.signalled },
    { name: 'OutboxPending', value: report.outboxPending },
    // Signals the re-drive could not enqueue (a listing failure counts as one): they stay pending.
    { name: 'OutboxRedriveFailures', value: report.redrive.failed },
    { name: 'CandleGaps', value: report.gaps },
    { name: 'ScanDuration', value: report.durationMs, unit: 'Milliseconds' },
  ];
}

export function monitorMetrics(report: MonitorReport): MetricPoint[] {
  const points: MetricPoint[] = [
    { name: 'PositionsListed', value: report.listed },
    { name: 'PositionsClosed', value: report.closed },
    { name: 'PositionsMarked', value: report.marked + report.progressed },
    { name: 'RowsQuarantined', value: report.quarantined },
    { name: 'MonitorFailures', value: report.failed },
    { name: 'PositionEventsDelivered', value: report.events.delivered },
    // Events not delivered this run (send failures and a failed listing of the outbox): still pending.
    { name: 'PositionEventFailures', value: report.events.failed + report.events.listFailed },
    { name: 'MonitorDuration', value: report.durationMs, unit: 'Milliseconds' },
  ];
  // The pinned dashboards refreshed after the positions (absent: off, no USERS_TABLE).
  const dash = report.dashboards;
  if (dash) points.push('failed' in dash ? { name: 'DashboardRefreshFailures', value: 1 } : { name: 'DashboardsEnqueued', value: dash.enqueued });
  return points;
}

/** `Dropped` once per reason, each with dimension `reason`. */
export function notifyMetrics(report: BatchReport): MetricPoint[] {
  return [
    { name: 'Received', value: report.received },
    { name: 'Sent', value: report.sent },
    { name: 'Duplicates', value: report.duplicates },
    { name: 'Retried', value: report.retried },
    { name: 'GivenBack', value: report.givenBack },
    { name: 'RateLimitWaitMs', value: report.rateWaitMs, unit: 'Milliseconds' },
    ...Object.entries(report.dropped).map(([reason, count]): MetricPoint => ({ name: 'Dropped', value: count, dimension: ['reason', reason] })),
  ];
}

export function summaryMetrics(report: SummaryReport): MetricPoint[] {
  return [{ name: 'DailySummariesEnqueued', value: report.enqueued }];
}
