/**
 * Custom CloudWatch metrics in metric-months: every name × dimension-value combination a metric
 * design publishes, each prorated by the share of the month's hours in which it gets a data point
 * (CloudWatch meters a custom metric by the hour, only in hours it is published). A metric sent
 * only when non-zero (failures) costs ~0 in the nominal month modelled here. Pure: the design is
 * data (today's is lib/runtime/metric-catalogue.ts, passed in by the CLI; wave 1's is below).
 */
import { hoursActive, timeframeHours, type Usage } from './usage.js';

export interface MetricDesign {
  readonly name: string;
  /** Extra dimensions and their values (`configured-timeframes`: one per scanned timeframe). */
  readonly dimensionValues: Readonly<Record<string, 'configured-timeframes' | readonly string[]>>;
  readonly emittedBy: readonly string[];
  readonly when: 'every-run' | 'non-zero';
}

export interface MetricCombination {
  readonly name: string;
  readonly dimensions: string;
  /** Share of the month's hours with a data point. */
  readonly hours: number;
}

export interface MetricsCost {
  readonly combinations: readonly MetricCombination[];
  /** Σ hours: billed metric-months. */
  readonly metricMonths: number;
}

/** The combinations a design publishes for the scanned timeframes and their billed share of the month. */
export function metricMonths(design: readonly MetricDesign[], timeframes: readonly { tf: string; minutes: number }[], usage: Usage): MetricsCost {
  const combinations: MetricCombination[] = [];
  for (const m of design) {
    let combos: Record<string, string>[] = [{}];
    for (const [dim, values] of Object.entries(m.dimensionValues)) {
      const list = values === 'configured-timeframes' ? timeframes.map((t) => t.tf) : values;
      combos = combos.flatMap((c) => list.map((v) => ({ ...c, [dim]: v })));
    }
    for (const c of combos) {
      const tf = c['timeframe'] !== undefined ? timeframes.find((t) => t.tf === c['timeframe']) : undefined;
      const runs = Math.max(0, ...m.emittedBy.map((f) => hoursActive(usage.functions[f as keyof Usage['functions']]?.invocations ?? 0)));
      const hours = m.when === 'non-zero' ? 0 : tf ? timeframeHours(tf.minutes) : runs;
      combinations.push({ name: m.name, dimensions: Object.entries(c).map(([k, v]) => `${k}=${v}`).join(','), hours });
    }
  }
  return { combinations, metricMonths: combinations.reduce((s, c) => s + c.hours, 0) };
}

const every = (name: string, fn: string, dims: MetricDesign['dimensionValues'] = {}): MetricDesign => ({ name, dimensionValues: dims, emittedBy: [fn], when: 'every-run' });

/**
 * Wave 1 (before issue 14; lib/runtime/report-metrics.ts at commit 5452f50): every count of
 * every report published on every invocation — scan 8 × timeframe, monitor 9, notify 6 plus
 * Dropped × 5 reasons (those only when non-zero), summary 1.
 */
export const WAVE1_DESIGN: readonly MetricDesign[] = [
  ...['SymbolsScanned', 'SymbolsFailed', 'SymbolsSkipped', 'Signals', 'OutboxPending', 'CandleGaps', 'OutboxRedriveFailures', 'ScanDuration'].map((n) =>
    every(n, 'scan', { timeframe: 'configured-timeframes' }),
  ),
  ...['PositionsListed', 'PositionsClosed', 'RowsQuarantined', 'MonitorFailures', 'PositionsMarked', 'PositionEventsDelivered', 'PositionEventFailures', 'MonitorDuration', 'DashboardsEnqueued'].map((n) =>
    every(n, 'monitor'),
  ),
  ...['Received', 'Sent', 'Duplicates', 'Retried', 'GivenBack', 'RateLimitWaitMs'].map((n) => every(n, 'notify')),
  { name: 'Dropped', dimensionValues: { reason: ['blocked', 'chat-not-found', 'bad-request', 'inactive', 'malformed'] }, emittedBy: ['notify'], when: 'non-zero' },
  every('DailySummariesEnqueued', 'summary'),
];
