/**
 * Chart data for notifications: the pure step that turns the candles a producer already holds
 * into a `ChartSpec` (lib/notify/notification.ts), which the notify consumer renders to PNG
 * (lib/chart/render.ts). Deterministic: the same inputs give the same spec.
 *
 * - The window is the last `count` candles (clamped to 2..300, the schema's bounds) ending at the
 *   signal candle (signals) or at the exit candle (closes).
 * - The strategy's price-scale lines (`Strategy.lines`) are computed over ALL the candles given
 *   (so they are warmed up) and sliced to the window; NaN becomes null.
 * - Prices are rounded to 10 significant digits to keep the queue message small.
 *
 * Returns `undefined` when no chart can be drawn (fewer than 2 candles in the window, or the
 * signal / exit candle is not in the series). Throws PermanentError `CHART_DATA_INVALID` (with
 * the zod error as `cause`) when the data cannot form a valid spec (e.g. a non-finite price):
 * callers send the message without a chart in that case.
 */
import { PermanentError } from '../errors.js';
import { chartSpecSchema, type ChartSpec } from '../notify/notification.js';
import type { Candles } from './candle.js';
import type { Signal } from './signal.js';
import { TIMEFRAMES, timeframeMs, type Timeframe } from './timeframe.js';
import type { Strategy } from './strategies/types.js';

export const CHART_MAX_CANDLES = 300;
const MAX_LINES = 6;
const MAX_LINE_NAME = 40;
const MAX_TITLE = 200;

export interface ChartForSignalInput {
  readonly candles: Candles;
  readonly signal: Signal;
  readonly strategy: Strategy<any>;
  /** The strategy's params (parsed or raw config params; parsed again with the strategy's schema). */
  readonly params: object;
  /** Candles to show (clamped to 2..300); ~150 is a good default. */
  readonly count: number;
  readonly priceDecimals?: number;
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

interface Levels {
  entry?: number;
  stop?: number;
  target?: number;
  exit?: number;
}

function buildSpec(
  input: { candles: Candles; strategy: Strategy<any>; params: object; count: number; priceDecimals?: number | undefined },
  end: number,
  title: string,
  tfMs: number | undefined,
  levels: Levels,
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
  let lines: { name: string; values: (number | null)[] }[] = [];
  const strategy = input.strategy;
  if (strategy.lines !== undefined) {
    const params = strategy.params.parse(input.params);
    // Indicators are causal: values up to `end` do not depend on later candles.
    lines = strategy
      .lines(candles, params)
      .slice(0, MAX_LINES)
      .map((l) => ({
        name: l.name.slice(0, MAX_LINE_NAME),
        values: Array.from(l.values.subarray(from, end + 1), (v) => (Number.isFinite(v) ? roundPrice(v) : null)),
      }));
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
  return buildSpec(input, end, title, timeframeOf(signal.timeframe, candles.time), {
    entry: signal.entry,
    stop: signal.stop,
    target: signal.target,
  });
}

/** Chart of the last `count` candles up to and including the exit candle, with all four levels. */
export function chartForClose(input: ChartForCloseInput): ChartSpec | undefined {
  const end = lastIndexAtOrBefore(input.candles.time, input.exitTime);
  return buildSpec(input, end, input.title, input.timeframeMs ?? inferTimeframeMs(input.candles.time), {
    entry: input.entry,
    stop: input.stop,
    target: input.target,
    exit: input.exit,
  });
}
