/**
 * Chart data for notifications: the pure step that turns the candles a producer already holds
 * into a `ChartSpec` (lib/core/notification.ts), which the notify consumer renders to PNG
 * (lib/chart/render.ts). Deterministic: the same inputs give the same spec.
 *
 * - The window is the last `count` candles (clamped to 2..300, the schema's bounds) ending at the
 *   signal candle (signals) or at the exit candle (closes).
 * - The strategy's price-scale lines (`Strategy.lines`) are computed over ALL the candles given
 *   (so they are warmed up) and sliced to the window; NaN becomes null.
 * - Prices are rounded to 10 significant digits to keep the queue message small; volume and
 *   pane (RSI, MACD) values to 6 (they are only drawn).
 * - What is drawn for a strategy (`STRATEGY_CHARTS`): its price overlays (`Strategy.lines`: EMA
 *   lines, Bollinger bands) and its indicator panes under the price (rsi-reversion: RSI with its
 *   configured oversold / overbought lines; macd-trend: MACD line, signal line, histogram), so
 *   the chart shows why the signal fired. Plus volume, a marker on the signal candle, and on a
 *   close chart markers on the entry and exit candles.
 *
 * Returns `undefined` when no chart can be drawn (fewer than 2 candles in the window, or the
 * signal / exit candle is not in the series). Throws PermanentError `CHART_DATA_INVALID` (with
 * the zod error as `cause`) when the data cannot form a valid spec (e.g. a non-finite price):
 * callers send the message without a chart in that case.
 */
import { PermanentError } from '../errors.js';
import { chartSpecSchema, type ChartSpec } from './notification.js';
import type { Candles } from './candle.js';
import type { Signal } from './signal.js';
import { TIMEFRAMES, timeframeMs, type Timeframe } from './timeframe.js';
import { macdOfClose, rsiOfClose } from './indicators/of-candles.js';
import type { EvalContext, Side, Strategy, StrategyLine } from './strategies/types.js';

export const CHART_MAX_CANDLES = 300;
const MAX_LINES = 6;
const MAX_LINE_NAME = 40;
const MAX_TITLE = 200;

const MAX_PANES = 2;

/** One series of an indicator pane: a line, or a histogram (bars around 0). */
export interface PaneSeries {
  readonly name: string;
  readonly kind: 'line' | 'histogram';
  readonly values: Float64Array;
}

/** An indicator pane under the price: its series and horizontal reference levels. */
export interface ChartPane {
  readonly name: string;
  readonly series: readonly PaneSeries[];
  readonly levels?: readonly number[];
}

/**
 * What a strategy's charts draw: its price-scale overlays (`'lines'`: the strategy's own
 * `Strategy.lines`, i.e. EMA lines or Bollinger bands; `'none'`) and its indicator panes.
 */
export interface StrategyChart {
  readonly overlays: 'lines' | 'none';
  panes(candles: Candles, params: any): ChartPane[];
}

/**
 * Every built-in strategy's chart: the indicators its rule reads. A strategy missing here (a new
 * one) still gets its `Strategy.lines` overlays and no pane; test/chart/strategy-charts.test.ts
 * checks that every registered strategy is listed.
 */
export const STRATEGY_CHARTS: Readonly<Record<string, StrategyChart>> = Object.freeze({
  'ema-cross': { overlays: 'lines', panes: () => [] },
  'bollinger-breakout': { overlays: 'lines', panes: () => [] },
  'rsi-reversion': {
    overlays: 'none',
    panes: (c: Candles, p: { period: number; oversold: number; overbought: number }): ChartPane[] => [
      { name: `RSI ${p.period}`, series: [{ name: `RSI ${p.period}`, kind: 'line', values: rsiOfClose(c, p.period) }], levels: [p.oversold, p.overbought] },
    ],
  },
  'macd-trend': {
    overlays: 'none',
    panes: (c: Candles, p: { fast: number; slow: number; signal: number }): ChartPane[] => {
      const m = macdOfClose(c, p.fast, p.slow, p.signal);
      return [
        {
          name: `MACD ${p.fast}/${p.slow}/${p.signal}`,
          series: [
            { name: 'MACD histogram', kind: 'histogram', values: m.histogram },
            { name: 'MACD', kind: 'line', values: m.macd },
            { name: 'Signal', kind: 'line', values: m.signal },
          ],
          levels: [0],
        },
      ];
    },
  },
} satisfies Record<string, StrategyChart>);

/** The overlays and panes drawn for `strategy` with parsed `params` over `candles`. */
export function strategyChartIndicators(strategy: Strategy<any>, candles: Candles, params: object, context?: EvalContext): { overlays: StrategyLine[]; panes: ChartPane[] } {
  const chart = Object.hasOwn(STRATEGY_CHARTS, strategy.name) ? STRATEGY_CHARTS[strategy.name] : undefined;
  const overlays = chart === undefined || chart.overlays === 'lines' ? (strategy.lines?.(candles, params, context) ?? []) : [];
  return { overlays, panes: chart !== undefined ? chart.panes(candles, params) : (strategy.panes?.(candles, params, context) ?? []) };
}

/** Rounds to 6 significant digits: values that are only drawn (volume, RSI, MACD). */
export function roundDrawn(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

export interface ChartForSignalInput {
  readonly candles: Candles;
  readonly signal: Signal;
  readonly strategy: Strategy<any>;
  /** The strategy's params (parsed or raw config params; parsed again with the strategy's schema). */
  readonly params: object;
  /** Candles to show (clamped to 2..300); ~150 is a good default. */
  readonly count: number;
  readonly priceDecimals?: number;
  /** What the strategy was evaluated with (multi-timeframe lines); default: the signal's timeframe. */
  readonly context?: EvalContext;
}

export interface ChartForCloseInput {
  readonly candles: Candles;
  readonly strategy: Strategy<any>;
  readonly params: object;
  readonly count: number;
  readonly title: string;
  readonly entry: number;
  readonly stop: number;
  readonly target: number;
  readonly exit: number;
  /** Open time (ms) of the candle in which the position was closed; the window ends there. */
  readonly exitTime: number;
  /** Candle length; inferred from the candle spacing when omitted. */
  readonly timeframeMs?: number;
  readonly priceDecimals?: number;
  /**
   * Open time (ms) of the entry candle and the position's side: with it the entry and exit are
   * drawn as markers on their candles (stop / target as segments between them) instead of
   * lines across the whole chart.
   */
  readonly entryTime?: number;
  readonly side?: Side;
  /** The candles' timeframe (and fetched higher candles) for a multi-timeframe strategy's lines. */
  readonly context?: EvalContext;
}

/** Rounds to 10 significant digits (exact for typical exchange prices; keeps JSON short). */
export function roundPrice(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(10)) : v;
}

/** Index of the last candle opening at or before `time`, or -1. Candles are oldest first. */
export function lastIndexAtOrBefore(time: readonly number[], t: number): number {
  let lo = 0;
  let hi = time.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (time[mid]! <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** Smallest positive spacing between consecutive open times (the timeframe, gaps aside). */
export function inferTimeframeMs(time: readonly number[]): number | undefined {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 1; i < time.length; i++) {
    const d = time[i]! - time[i - 1]!;
    if (d > 0 && d < best) best = d;
  }
  return Number.isFinite(best) && Number.isInteger(best) ? best : undefined;
}

function timeframeOf(tf: string, time: readonly number[]): number | undefined {
  return (TIMEFRAMES as readonly string[]).includes(tf) ? timeframeMs(tf as Timeframe) : inferTimeframeMs(time);
}

type ChartMarker = NonNullable<ChartSpec['markers']>[number];

interface Levels {
  entry?: number;
  stop?: number;
  target?: number;
  exit?: number;
}

function buildSpec(
  input: { candles: Candles; strategy: Strategy<any>; params: object; count: number; priceDecimals?: number | undefined; context?: EvalContext | undefined },
  end: number,
  title: string,
  tfMs: number | undefined,
  levels: Levels,
  markers: readonly ChartMarker[] = [],
): ChartSpec | undefined {
  const { candles } = input;
  const count = Math.min(CHART_MAX_CANDLES, Math.max(2, Math.floor(Number.isFinite(input.count) ? input.count : 0)));
  const from = Math.max(0, end - count + 1);
  if (end < 0 || end - from + 1 < 2 || tfMs === undefined) return undefined;

  const rows: [number, number, number, number, number][] = [];
  for (let i = from; i <= end; i++) {
    rows.push([
      candles.time[i]!,
      roundPrice(candles.open[i]!),
      roundPrice(candles.high[i]!),
      roundPrice(candles.low[i]!),
      roundPrice(candles.close[i]!),
    ]);
  }
  const strategy = input.strategy;
  const params = strategy.params.parse(input.params) as object;
  // Indicators are causal: values up to `end` do not depend on later candles.
  const { overlays, panes } = strategyChartIndicators(strategy, candles, params, input.context);
  const window = (values: Float64Array, round: (v: number) => number): (number | null)[] =>
    Array.from(values.subarray(from, end + 1), (v) => (Number.isFinite(v) ? round(v) : null));
  const lines = overlays.slice(0, MAX_LINES).map((l) => ({ name: l.name.slice(0, MAX_LINE_NAME), values: window(l.values, roundPrice) }));
  const paneSpecs = panes.slice(0, MAX_PANES).map((p) => ({
    name: p.name.slice(0, MAX_LINE_NAME),
    series: p.series.slice(0, 4).map((x) => ({ name: x.name.slice(0, MAX_LINE_NAME), kind: x.kind, values: window(x.values, roundDrawn) })),
    ...(p.levels === undefined ? {} : { levels: p.levels.slice(0, 4) }),
  }));
  const volume: (number | null)[] = [];
  for (let i = from; i <= end; i++) {
    const v = candles.volume[i];
    volume.push(v !== undefined && Number.isFinite(v) && v >= 0 ? roundDrawn(v) : null);
  }
  const roundedLevels: Levels = {};
  for (const key of ['entry', 'stop', 'target', 'exit'] as const) {
    const v = levels[key];
    if (v !== undefined) roundedLevels[key] = roundPrice(v);
  }
  const parsed = chartSpecSchema.safeParse({
    title: title.slice(0, MAX_TITLE),
    timeframeMs: tfMs,
    candles: rows,
    lines,
    levels: roundedLevels,
    ...(input.priceDecimals === undefined ? {} : { priceDecimals: input.priceDecimals }),
    ...(volume.some((v) => v !== null) ? { volume } : {}),
    ...(paneSpecs.length === 0 ? {} : { panes: paneSpecs }),
    ...(markers.length === 0 ? {} : { markers: markers.map((m) => ({ ...m, price: roundPrice(m.price) })) }),
  });
  if (!parsed.success) {
    throw new PermanentError(`Chart data for "${title}" is invalid: ${parsed.error.message}`, { code: 'CHART_DATA_INVALID', cause: parsed.error });
  }
  return parsed.data;
}

/** Chart of the last `count` candles up to and including the signal candle, with entry/stop/target. */
export function chartForSignal(input: ChartForSignalInput): ChartSpec | undefined {
  const { signal, candles } = input;
  const end = lastIndexAtOrBefore(candles.time, signal.candleTime);
  if (end < 0 || candles.time[end] !== signal.candleTime) return undefined;
  const title = `${signal.symbol} · ${signal.timeframe} · ${signal.strategy} · ${signal.side.toUpperCase()}`;
  // The marker sits under the signal candle's low (long) or over its high (short).
  const markerPrice = signal.side === 'long' ? candles.low[end]! : candles.high[end]!;
  const context = input.context ?? ((TIMEFRAMES as readonly string[]).includes(signal.timeframe) ? { timeframe: signal.timeframe as Timeframe } : undefined);
  return buildSpec(
    { ...input, context },
    end,
    title,
    timeframeOf(signal.timeframe, candles.time),
    { entry: signal.entry, stop: signal.stop, target: signal.target },
    [{ kind: 'signal', time: signal.candleTime, price: markerPrice, side: signal.side }],
  );
}

/**
 * Chart of the last `count` candles up to and including the exit candle, with all four levels;
 * with `entryTime`, entry and exit markers (the entry candle's open time is snapped to the
 * candle containing it).
 */
export function chartForClose(input: ChartForCloseInput): ChartSpec | undefined {
  const end = lastIndexAtOrBefore(input.candles.time, input.exitTime);
  const side = input.side === undefined ? {} : { side: input.side };
  const markers: ChartMarker[] =
    input.entryTime === undefined
      ? []
      : [
          { kind: 'entry', time: input.entryTime, price: input.entry, ...side },
          { kind: 'exit', time: input.candles.time[end] ?? input.exitTime, price: input.exit, ...side },
        ];
  return buildSpec(
    input,
    end,
    input.title,
    input.timeframeMs ?? inferTimeframeMs(input.candles.time),
    { entry: input.entry, stop: input.stop, target: input.target, exit: input.exit },
    markers,
  );
}
