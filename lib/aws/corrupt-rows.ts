/**
 * Cached and derived rows (markets cache, chart file ids, send-rate slots, circuit breaker,
 * scan heartbeat) can always be re-created, so a row that fails validation must never stop the
 * bot: the store treats it as absent (it is rewritten by the next write) and reports it here —
 * a warning with the table, key and reason, logged once per row and reason per container, and
 * the metric `CorruptRowsIgnored` (namespace candlebot, dimension `row` = the row kind) counted
 * on every occurrence.
 *
 * Why a reporter of its own rather than the invocation's Log and Metrics: these stores are
 * built once per container (lib/runtime, lib/notify, lib/monitor, lib/bot, lib/health wiring)
 * before any invocation's logger exists, and the handlers publish metrics from their use
 * case's report, which knows nothing of a cache row. Threading a log and a counter through
 * every port and report would touch every wiring file for an event that should never happen;
 * instead the default reporter writes the warning with Powertools' Logger and the metric with
 * Powertools' `singleMetric()` (EMF, flushed at once) — the same tools, output and namespace as
 * the handlers. Every store takes an optional `corruptRows` reporter (tests pass a recorder).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { describeIssues } from '../core/zod-issues.js';

export type CachedRowKind = 'markets' | 'chart-file' | 'send-rate' | 'breaker' | 'heartbeat';

export interface CorruptRow {
  readonly kind: CachedRowKind;
  readonly table: string;
  /** The row's key, e.g. `markets#binance`. */
  readonly key: string;
  /** What failed: bad gzip, bad JSON, the schema's issues… */
  readonly reason: string;
}

export interface CorruptRowReporter {
  corrupt(row: CorruptRow): void;
}

export const CORRUPT_ROWS_METRIC = 'CorruptRowsIgnored';

export interface CorruptRowSink {
  warn(message: string, extra: Record<string, unknown>): void;
  count(kind: CachedRowKind): void;
}

/**
 * Logs each (table, key, reason) once — the set of rows already logged is bounded (`remember`;
 * it starts over when full) — and counts every occurrence.
 */
export function corruptRowReporter(sink: CorruptRowSink, remember = 1000): CorruptRowReporter {
  const logged = new Set<string>();
  return {
    corrupt(row) {
      sink.count(row.kind);
      const id = `${row.table}\u0000${row.key}\u0000${row.reason}`;
      if (logged.has(id)) return;
      if (logged.size >= remember) logged.clear();
      logged.add(id);
      sink.warn('cached row failed validation; treated as absent and rewritten', { ...row });
    },
  };
}

/**
 * The default for a store built without a reporter: Powertools Logger (warn) and an EMF metric
 * per occurrence. A new reporter per call (no module state): each store, built once per
 * container, remembers what it has logged.
 */
export function defaultCorruptRowReporter(): CorruptRowReporter {
  const logger = new Logger({ serviceName: 'candlebot' });
  const metrics = new Metrics({ namespace: 'candlebot', serviceName: 'candlebot' });
  return corruptRowReporter({
    warn: (message, extra) => logger.warn(message, extra as never),
    count: (kind) => {
      const one = metrics.singleMetric();
      one.addDimension('row', kind);
      one.addMetric(CORRUPT_ROWS_METRIC, MetricUnit.Count, 1);
    },
  });
}

/** A zod error (or anything thrown) as one line. */
export function reasonOf(error: unknown): string {
  const issues = (error as { issues?: readonly { path: readonly PropertyKey[]; message: string }[] } | undefined)?.issues;
  if (Array.isArray(issues)) return describeIssues(issues, { root: '(row)' });
  return error instanceof Error ? error.message : String(error);
}
