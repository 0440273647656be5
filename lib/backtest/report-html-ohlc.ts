/**
 * OHLC aggregation for the report's candlestick charts: a series of n candles is cut into
 * consecutive buckets of `ceil(n / max)` candles (open of the first, max high, min low, close of
 * the last), so a chart never draws more than `max` candles.
 */
import type { Candles } from '../core/candle.js';

/** Upper bound on the candles drawn per chart (after aggregation). */
export const MAX_CHART_CANDLES = 1500;

export interface OhlcBuckets {
  /** Source candles per bucket (the last bucket may hold fewer). */
  readonly size: number;
  /** Open time of each bucket's first candle. */
  readonly time: number[];
  readonly open: number[];
  readonly high: number[];
  readonly low: number[];
  readonly close: number[];
}

/** OHLC aggregation of consecutive candles into at most `max` buckets. */
export function downsampleOhlc(c: Candles, max: number = MAX_CHART_CANDLES): OhlcBuckets {
  const n = c.time.length;
  const size = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(max))));
  const out: OhlcBuckets = { size, time: [], open: [], high: [], low: [], close: [] };
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    let hi = -Infinity;
    let lo = Infinity;
    for (let i = start; i < end; i++) {
      if (c.high[i]! > hi) hi = c.high[i]!;
      if (c.low[i]! < lo) lo = c.low[i]!;
    }
    out.time.push(c.time[start]!);
    out.open.push(c.open[start]!);
    out.high.push(hi);
    out.low.push(lo);
    out.close.push(c.close[end - 1]!);
  }
  return out;
}

/** Index of the last candle whose open time is ≤ t (0 when t precedes every candle). */
export function candleIndexAt(time: readonly number[], t: number): number {
  let lo = 0;
  let hi = time.length - 1;
  if (hi < 0 || t < time[0]!) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (time[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
