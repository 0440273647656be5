/**
 * The one catalogue of the custom CloudWatch metrics candlebot publishes (EMF, namespace
 * `candlebot`, Powertools' default dimension `service` = `candlebot` on every one). The design
 * (issue 14, /work/notes/ops-contract.md): a custom metric costs $0.30 per metric-month, prorated
 * by the hour and metered only in hours a data point is published, so there is one only where an
 * alarm needs it; everything else the dashboard shows comes from free AWS/* metrics or from Logs
 * Insights over the JSON log lines (`scan finished`, `monitor finished`, `notify batch finished`).
 *
 * Read by: lib/runtime/report-metrics.ts and the handler kit (what is published),
 * infra/alarms.cjs and infra/dashboard.cjs (what is watched), the cost model (`npm run cost`:
 * every name × dimension combination), test/infra/metrics-wiring.test.ts (emitted = catalogued).
 * Pure data: no imports, no side effects.
 */

export const METRIC_NAMESPACE = 'candlebot';

/** Powertools' default dimension, on every metric: `service` = this. */
export const SERVICE_DIMENSION = Object.freeze({ name: 'service', value: 'candlebot' } as const);

/** The Lambda functions of the stack (serverless.yml `functions:`). */
export type FunctionName = 'scan' | 'monitor' | 'health' | 'summary' | 'webhook' | 'notify' | 'alerts' | 'reconcile';

/** Every function that uses DynamoDB (the handler kit publishes DynamoDBErrors for them). */
export const DYNAMODB_FUNCTIONS: readonly FunctionName[] = Object.freeze(['scan', 'monitor', 'health', 'summary', 'webhook', 'notify', 'reconcile']);

export type MetricName = 'ScanFailureRatio' | 'MonitorFailures' | 'OutboxStuck' | 'DynamoDBErrors' | 'WebhookServerErrors' | 'CorruptRowsIgnored' | 'LiveTradingAlerts';

/** The extra dimensions (besides `service`) a metric may carry. */
export type DimensionName = 'timeframe' | 'row';

export interface MetricSpec {
  readonly name: MetricName;
  /** Dimension names besides `service`, in the order they are published. */
  readonly dimensions: readonly DimensionName[];
  /**
   * The values each extra dimension takes: `configured-timeframes` = one per timeframe of the
   * config's exchanges[].timeframes (the scan schedules); a list = those values only.
   */
  readonly dimensionValues: Readonly<Partial<Record<DimensionName, 'configured-timeframes' | readonly string[]>>>;
  readonly emittedBy: readonly FunctionName[];
  /** `every-run`: one data point per completed invocation; `non-zero`: only when the value is > 0. */
  readonly when: 'every-run' | 'non-zero';
  /** CloudWatch unit. */
  readonly unit: 'Count' | 'None';
  readonly meaning: string;
}

/** The `row` kinds of CorruptRowsIgnored (lib/aws/corrupt-rows.ts CachedRowKind). */
export const CORRUPT_ROW_KINDS = Object.freeze(['markets', 'chart-file', 'send-rate', 'breaker', 'heartbeat'] as const);

const spec = (s: MetricSpec): MetricSpec => Object.freeze({ ...s, dimensions: Object.freeze([...s.dimensions]), emittedBy: Object.freeze([...s.emittedBy]) });

export const METRIC_CATALOGUE: readonly MetricSpec[] = Object.freeze([
  spec({
    name: 'ScanFailureRatio',
    dimensions: ['timeframe'],
    dimensionValues: { timeframe: 'configured-timeframes' },
    emittedBy: ['scan'],
    when: 'every-run',
    unit: 'None',
    meaning:
      'once per completed scan invocation: scanned = 0 → 1 (nothing scanned: every symbol failed or was skipped, e.g. an open circuit), else failed / (scanned + failed); scanning paused by /pause → 0. Missing = no completed scan (the ScanStalled dead-man alarm).',
  }),
  spec({
    name: 'MonitorFailures',
    dimensions: [],
    dimensionValues: {},
    emittedBy: ['monitor'],
    when: 'every-run',
    unit: 'Count',
    meaning: 'once per completed monitor run: the positions it failed to mark, advance or close. Missing = no completed run (the MonitorStalled dead-man alarm).',
  }),
  spec({
    name: 'OutboxStuck',
    dimensions: [],
    dimensionValues: {},
    emittedBy: ['scan', 'monitor'],
    when: 'non-zero',
    unit: 'Count',
    meaning:
      'rows the run left PENDING/FAILED in its outbox: scan = signals whose notifications could not be enqueued or re-driven (a failed listing counts as one); monitor = position events not delivered (a failed listing counts as one).',
  }),
  spec({
    name: 'DynamoDBErrors',
    dimensions: [],
    dimensionValues: {},
    emittedBy: DYNAMODB_FUNCTIONS,
    when: 'non-zero',
    unit: 'Count',
    meaning:
      'DynamoDB request attempts of one invocation that were throttled (ThrottlingException, ProvisionedThroughputExceededException, RequestLimitExceeded) or failed with a 5xx, counted by an SDK middleware inside the SDK retry loop (a retried attempt counts).',
  }),
  spec({
    name: 'WebhookServerErrors',
    dimensions: [],
    dimensionValues: {},
    emittedBy: ['webhook'],
    when: 'non-zero',
    unit: 'Count',
    meaning: '1 per webhook invocation answered with a 5xx (Telegram retries the update).',
  }),
  spec({
    name: 'CorruptRowsIgnored',
    dimensions: ['row'],
    dimensionValues: { row: CORRUPT_ROW_KINDS },
    emittedBy: ['scan', 'monitor', 'health', 'webhook', 'notify'],
    when: 'non-zero',
    unit: 'Count',
    meaning: 'a cached or derived row (markets, chart file id, send-rate slot, circuit breaker, scan heartbeat) failed validation and was treated as absent (lib/aws/corrupt-rows.ts).',
  }),
  spec({
    name: 'LiveTradingAlerts',
    dimensions: [],
    dimensionValues: {},
    emittedBy: ['reconcile'],
    when: 'non-zero',
    unit: 'Count',
    meaning:
      'admin alerts one reconcile run raised about live trading (issue 15): an order lost after its look-ups, a protective order that could not be placed or vanished, an unknown bot order or fill adopted, a panic that left something open. Only live exchanges are reconciled: a paper-only config never publishes it (the LiveTradingAlert alarm exists only with a live exchange).',
  }),
]);

/** The catalogue entry of `name` (throws on a name not in the catalogue: a metric is never published unlisted). */
export function metricSpec(name: MetricName): MetricSpec {
  const found = METRIC_CATALOGUE.find((m) => m.name === name);
  if (!found) throw new Error(`metric ${name} is not in the catalogue (lib/runtime/metric-catalogue.ts)`);
  return found;
}

/** The full dimension-name set CloudWatch sees for a metric: `service` plus its extra dimensions. */
export const dimensionSet = (m: MetricSpec): readonly string[] => [SERVICE_DIMENSION.name, ...m.dimensions];
