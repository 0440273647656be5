/**
 * Multi-timeframe without lookahead: higher-timeframe candles built from (or fetched beside) a
 * lower series, and the visibility rule that keeps a strategy from seeing a higher candle
 * before it has closed.
 *
 * Visibility: at the close of lower candle i (instant `lower.time[i] + lowerMs`) the visible
 * higher candles are exactly those whose own close `higher.time[h] + higherMs` is at or before
 * that instant. A 4h candle opening at 08:00 closes at 12:00: the 15m candle opening at 11:45
 * (closing at 12:00) sees it, the 11:30 one does not. The same rule holds live (where the
 * fetched higher series ends with the forming candle) and in backtests (where the last bucket
 * of a resample may be partial): neither is ever visible before it closes.
 */
import type { Candles } from '../candle.js';
import { timeframeMs, type Timeframe } from '../timeframe.js';
import { PermanentError } from '../../errors.js';

/**
 * Most closed candles of one higher timeframe a strategy may need: the live scan fetches them
 * with the forming one in ONE request, and 1000 rows is what an exchange returns at most (Binance).
 */
export const MAX_HIGHER_CANDLES = 999;

/**
 * Why a strategy running on `lowerTf` candles cannot read `need` closed `higherTf` candles, or
 * undefined when it can (the config's check and the scan's share it).
 */
export function higherNeedProblem(lowerTf: Timeframe, higherTf: Timeframe, need: unknown): string | undefined {
  const lowerMs = timeframeMs(lowerTf);
  const higherMs = timeframeMs(higherTf);
  if (higherMs <= lowerMs || higherMs % lowerMs !== 0) {
    return `${higherTf} is not a strict multiple of ${lowerTf}: ${higherTf} candles cannot be built from ${lowerTf} candles`;
  }
  if (!(typeof need === 'number' && Number.isSafeInteger(need) && need >= 1 && need <= MAX_HIGHER_CANDLES)) {
    return `it needs ${String(need)} closed ${higherTf} candles; the scan fetches them in one request: an integer from 1 to ${MAX_HIGHER_CANDLES}`;
  }
  return undefined;
}

/** The two timeframes' lengths; throws BAD_HIGHER_TIMEFRAME unless higher is a strict multiple of lower. */
export function higherRatio(lowerTf: Timeframe, higherTf: Timeframe): { lowerMs: number; higherMs: number } {
  const lowerMs = timeframeMs(lowerTf);
  const higherMs = timeframeMs(higherTf);
  if (higherMs <= lowerMs || higherMs % lowerMs !== 0) {
    throw new PermanentError(
      `Higher timeframe ${higherTf} must be a strict multiple of the candles' timeframe ${lowerTf}`,
      { code: 'BAD_HIGHER_TIMEFRAME' },
    );
  }
  return { lowerMs, higherMs };
}

/**
 * Aggregates `lower` (time-ordered, open times aligned to `lowerTf`) into `higherTf` candles,
 * bucketed by UTC-aligned open time floor(time / higherMs)·higherMs as exchanges do: open = first
 * open, high = max high, low = min low, close = last close, volume = sum. A bucket with missing
 * lower rows (a gap, or a series starting or ending mid-bucket) is still emitted from the rows it
 * has; the last bucket may therefore be still forming — `alignHigher` never shows it early.
 */
export function resample(lower: Candles, lowerTf: Timeframe, higherTf: Timeframe): Candles {
  const { higherMs } = higherRatio(lowerTf, higherTf);
  const time: number[] = [];
  const open: number[] = [];
  const high: number[] = [];
  const low: number[] = [];
  const close: number[] = [];
  const volume: number[] = [];
  const n = lower.time.length;
  let k = -1;
  for (let i = 0; i < n; i++) {
    const bucket = Math.floor(lower.time[i]! / higherMs) * higherMs;
    if (k < 0 || bucket !== time[k]) {
      if (k >= 0 && bucket < time[k]!) {
        throw new PermanentError(`Candles out of order at index ${i} (time ${lower.time[i]})`, { code: 'INVALID_CANDLE' });
      }
      k++;
      time.push(bucket);
      open.push(lower.open[i]!);
      high.push(lower.high[i]!);
      low.push(lower.low[i]!);
      close.push(lower.close[i]!);
      volume.push(lower.volume[i]!);
      continue;
    }
    if (lower.high[i]! > high[k]!) high[k] = lower.high[i]!;
    if (lower.low[i]! < low[k]!) low[k] = lower.low[i]!;
    close[k] = lower.close[i]!;
    volume[k] = volume[k]! + lower.volume[i]!;
  }
  return { time, open, high, low, close, volume };
}

/**
 * For each lower candle i, the index of the LAST higher candle closed when lower i closes
 * (`higher.time[h] + higherMs <= lower.time[i] + lowerMs`), or −1 when none is. Both series must
 * be time-ordered; `higher` may be fetched (ending with its forming candle) or resampled.
 */
export function alignHigher(lower: Candles, lowerTf: Timeframe, higher: Candles, higherTf: Timeframe): Int32Array {
  const { lowerMs, higherMs } = higherRatio(lowerTf, higherTf);
  const n = lower.time.length;
  const m = higher.time.length;
  const out = new Int32Array(n);
  let h = -1;
  for (let i = 0; i < n; i++) {
    const closeAt = lower.time[i]! + lowerMs;
    while (h + 1 < m && higher.time[h + 1]! + higherMs <= closeAt) h++;
    out[i] = h;
  }
  return out;
}

/** `series` (one value per higher candle) seen from each lower candle: series[index[i]], NaN where index is −1. */
export function alignSeries(series: ArrayLike<number>, index: Int32Array): Float64Array {
  const out = new Float64Array(index.length);
  for (let i = 0; i < index.length; i++) {
    const h = index[i]!;
    if (h >= series.length) {
      throw new PermanentError(`Aligned index ${h} outside a series of ${series.length}`, { code: 'BAD_RANGE' });
    }
    out[i] = h >= 0 ? series[h]! : Number.NaN;
  }
  return out;
}
