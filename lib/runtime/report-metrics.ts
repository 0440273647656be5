/**
 * Use case reports → the custom metrics of the catalogue (lib/runtime/metric-catalogue.ts), in
 * one place. Only what an alarm needs is a metric (issue 14's budget: $0.30 per metric-month,
 * metered in the hours a point is published); every other count of a report stays in the
 * report's log line (`scan finished`, `monitor finished`, `notify batch finished`, `reconcile finished`) and the
 * dashboard reads it with Logs Insights. test/infra/metrics-wiring.test.ts checks that what the
 * handlers emit is exactly the catalogue.
 */
import type { MonitorReport } from '../monitor/run-monitor.js';
import type { ScanReport } from '../scan/run-scan.js';
import type { MetricPoint } from './handler-kit.js';

/**
 * ScanFailureRatio of a completed scan: paused by /pause → 0; nothing scanned (every symbol
 * failed or was skipped, e.g. an open circuit) → 1; else failed / (scanned + failed).
 */
export function scanFailureRatio(report: Pick<ScanReport, 'paused' | 'scanned' | 'failed'>): number {
  if (report.paused) return 0;
  if (report.scanned === 0) return 1;
  return report.failed / (report.scanned + report.failed);
}

/**
 * Signals this scan left PENDING/FAILED: recorded but not enqueued (pending) or refused for good
 * (parked), plus re-drives that failed (a failed listing counts as one).
 */
export const scanOutboxStuck = (report: Pick<ScanReport, 'outboxPending' | 'outboxFailed' | 'redrive'>): number => report.outboxPending + report.outboxFailed + report.redrive.failed;

/** Position events the monitor left undelivered: failed sends plus a failed listing. */
export const monitorOutboxStuck = (report: Pick<MonitorReport, 'events'>): number => report.events.failed + report.events.listFailed;

/** `only when > 0` metrics of the catalogue: no point at all for 0 (nothing metered). */
const nonZero = (point: MetricPoint): MetricPoint[] => (point.value > 0 ? [point] : []);

/** ScanFailureRatio {timeframe} every run; OutboxStuck when > 0. */
export function scanMetrics(report: ScanReport): MetricPoint[] {
  return [
    { name: 'ScanFailureRatio', value: scanFailureRatio(report), dimensions: { timeframe: report.timeframe } },
    ...nonZero({ name: 'OutboxStuck', value: scanOutboxStuck(report) }),
  ];
}

/** MonitorFailures every run; OutboxStuck when > 0. */
export function monitorMetrics(report: MonitorReport): MetricPoint[] {
  return [{ name: 'MonitorFailures', value: report.failed }, ...nonZero({ name: 'OutboxStuck', value: monitorOutboxStuck(report) })];
}

/** WebhookServerErrors: 1 for an answer with a 5xx status, else nothing. */
export function webhookMetrics(response: { readonly statusCode?: number | undefined }): MetricPoint[] {
  return (response.statusCode ?? 200) >= 500 ? [{ name: 'WebhookServerErrors', value: 1 }] : [];
}

/** LiveTradingAlerts when the reconcile run raised admin alerts (> 0), else nothing. */
export function reconcileMetrics(report: { readonly alerts: number }): MetricPoint[] {
  return nonZero({ name: 'LiveTradingAlerts', value: report.alerts });
}
