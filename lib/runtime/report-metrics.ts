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

type NumberField<R> = { [K in keyof R]: R[K] extends number ? K : never }[keyof R];

/** Count metrics read straight off a report: `{ MetricName: 'reportField' }`. */
function counts<R>(report: R, fields: Readonly<Record<string, NumberField<R>>>): MetricPoint[] {
  return Object.entries(fields).map(([name, field]) => ({ name, value: report[field] as number }));
}

/** Dimension `timeframe` (set on the invocation's metrics) comes with these. */
export function scanMetrics(report: ScanReport): MetricPoint[] {
  return [
    ...counts(report, { SymbolsScanned: 'scanned', SymbolsFailed: 'failed', SymbolsSkipped: 'skipped', Signals: 'signalled', OutboxPending: 'outboxPending', CandleGaps: 'gaps' }),
    // Signals the re-drive could not enqueue (a listing failure counts as one): they stay pending.
    { name: 'OutboxRedriveFailures', value: report.redrive.failed },
    { name: 'ScanDuration', value: report.durationMs, unit: 'Milliseconds' },
  ];
}

export function monitorMetrics(report: MonitorReport): MetricPoint[] {
  const points: MetricPoint[] = [
    ...counts(report, { PositionsListed: 'listed', PositionsClosed: 'closed', RowsQuarantined: 'quarantined', MonitorFailures: 'failed' }),
    { name: 'PositionsMarked', value: report.marked + report.progressed },
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
    ...counts(report, { Received: 'received', Sent: 'sent', Duplicates: 'duplicates', Retried: 'retried', GivenBack: 'givenBack' }),
    { name: 'RateLimitWaitMs', value: report.rateWaitMs, unit: 'Milliseconds' },
    ...Object.entries(report.dropped).map(([reason, count]): MetricPoint => ({ name: 'Dropped', value: count, dimension: ['reason', reason] })),
  ];
}

export function summaryMetrics(report: SummaryReport): MetricPoint[] {
  return [{ name: 'DailySummariesEnqueued', value: report.enqueued }];
}
