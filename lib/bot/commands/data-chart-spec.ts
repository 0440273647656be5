/**
 * Pure: the ChartSpec of /chart — a market's last closed candles with, when a configured
 * strategy trades that timeframe, its price-scale lines (no signal, so no levels). The
 * signal / close charts are lib/core/chart-data.ts (chartForSignal / chartForClose); this one
 * only differs by having no signal candle to end on and no levels, and reuses its rounding.
 */
import { candlesFromRows, type OhlcvRow } from '../../core/candle.js';
import { CHART_MAX_CANDLES, roundPrice } from '../../core/chart-data.js';
import type { Strategy } from '../../core/strategies/types.js';
import { PermanentError } from '../../errors.js';
import { chartSpecSchema, type ChartSpec } from '../../core/notification.js';

const MAX_LINES = 6;

export interface MarketChartInput {
  /** Validated closed candles, oldest first (more than `count` warms the lines up). */
  readonly rows: readonly OhlcvRow[];
  readonly title: string;
  readonly timeframeMs: number;
  /** Candles shown: the last `count` (2..300). */
  readonly count: number;
  readonly strategy?: { readonly strategy: Strategy<any>; readonly params: object };
}

/** The spec, or undefined with fewer than 2 candles; PermanentError CHART_DATA_INVALID when the data cannot form one. */
export function chartForMarket(input: MarketChartInput): ChartSpec | undefined {
  const count = Math.min(CHART_MAX_CANDLES, Math.max(2, Math.floor(input.count)));
  const from = Math.max(0, input.rows.length - count);
  if (input.rows.length - from < 2) return undefined;
  const candles = input.rows.slice(from).map(([t, o, h, l, c]) => [t, roundPrice(o), roundPrice(h), roundPrice(l), roundPrice(c)] as [number, number, number, number, number]);
  let lines: { name: string; values: (number | null)[] }[] = [];
  const s = input.strategy;
  if (s?.strategy.lines) {
    const all = s.strategy.lines(candlesFromRows(input.rows), s.strategy.params.parse(s.params));
    lines = all.slice(0, MAX_LINES).map((l) => ({
      name: l.name.slice(0, 40),
      values: Array.from(l.values.subarray(from), (v) => (Number.isFinite(v) ? roundPrice(v) : null)),
    }));
  }
  const parsed = chartSpecSchema.safeParse({ title: input.title.slice(0, 200), timeframeMs: input.timeframeMs, candles, lines, levels: {} });
  if (!parsed.success) throw new PermanentError(`Chart data for "${input.title}" is invalid: ${parsed.error.message}`, { code: 'CHART_DATA_INVALID', cause: parsed.error });
  return parsed.data;
}
