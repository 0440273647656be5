/**
 * Channels and Ichimoku, built from window extremes and the own EMA/ATR loops.
 */
import { PermanentError } from '../../errors.js';
import { atr } from './atr.js';
import { ema } from './ema.js';
import { assertFinite, assertPeriod, assertSameLength, nanArray } from './guards.js';
import { midRange, windowMax, windowMin } from './window.js';

export interface ChannelBands {
  readonly upper: Float64Array;
  readonly middle: Float64Array;
  readonly lower: Float64Array;
}

export interface IchimokuResult {
  readonly conversion: Float64Array;
  readonly base: Float64Array;
  readonly spanA: Float64Array;
  readonly spanB: Float64Array;
}

function checkHighLow(name: string, high: ArrayLike<number>, low: ArrayLike<number>): number {
  const n = assertSameLength(name, { high, low });
  assertFinite(name, 'high', high);
  assertFinite(name, 'low', low);
  return n;
}

/** Donchian(p): upper = highest high, lower = lowest low of the last p candles (current included), middle = mean. First p − 1. */
export function donchian(high: ArrayLike<number>, low: ArrayLike<number>, period: number): ChannelBands {
  assertPeriod('Donchian', 'period', period);
  const n = checkHighLow('Donchian', high, low);
  const upper = windowMax(high, period);
  const lower = windowMin(low, period);
  const middle = nanArray(n);
  for (let i = period - 1; i < n; i++) middle[i] = (upper[i]! + lower[i]!) / 2;
  return { upper, middle, lower };
}

/** Keltner(p, atrP, k): middle = EMA(p) of close, bands = middle ± k·ATR(atrP). First max(p − 1, atrP). */
export function keltner(
  high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period: number, atrPeriod: number, k: number,
): ChannelBands {
  assertMultiplier(k);
  return keltnerFrom(ema(close, period), atr(high, low, close, atrPeriod), k);
}

/** Keltner bands from an EMA and an ATR series (e.g. cached ones): NaN where either is NaN. */
export function keltnerFrom(ema: Float64Array, range: Float64Array, k: number): ChannelBands {
  assertMultiplier(k);
  const n = ema.length;
  const upper = nanArray(n);
  const middle = nanArray(n);
  const lower = nanArray(n);
  for (let i = 0; i < n; i++) {
    const m = ema[i]!;
    const r = range[i]!;
    if (Number.isNaN(m) || Number.isNaN(r)) continue;
    middle[i] = m;
    upper[i] = m + k * r;
    lower[i] = m - k * r;
  }
  return { upper, middle, lower };
}

function assertMultiplier(k: number): void {
  if (typeof k !== 'number' || !Number.isFinite(k) || k < 0) {
    throw new PermanentError(`Keltner: k must be a finite number >= 0, got ${String(k)}`, { code: 'INDICATOR_INPUT' });
  }
}

/**
 * Ichimoku(conversion, base, spanB, displacement), WITHOUT lookahead:
 * conversion = midRange(conversion) (first conversion − 1), base = midRange(base) (first base − 1);
 * spanA[i] and spanB[i] are the cloud a chart draws UNDER candle i: the spans computed at
 * i − displacement (spanA = (conversion + base)/2 there, spanB = midRange(spanB) there), so they use
 * data up to i − displacement only. displacement 0 gives the unshifted spans. The lagging span
 * (close drawn displacement candles back) is omitted: at candle i it would need candle i + displacement.
 */
export function ichimoku(
  high: ArrayLike<number>, low: ArrayLike<number>, conversion: number, base: number, spanB: number, displacement: number,
): IchimokuResult {
  assertPeriod('Ichimoku', 'conversion period', conversion);
  assertPeriod('Ichimoku', 'base period', base);
  assertPeriod('Ichimoku', 'span B period', spanB);
  if (!Number.isInteger(displacement) || displacement < 0) {
    throw new PermanentError(`Ichimoku: displacement must be an integer >= 0, got ${String(displacement)}`, {
      code: 'INDICATOR_INPUT',
    });
  }
  const n = checkHighLow('Ichimoku', high, low);
  const conv = midRange(high, low, conversion);
  const baseLine = midRange(high, low, base);
  const b = midRange(high, low, spanB);
  const spanA = nanArray(n);
  const spanBOut = nanArray(n);
  for (let i = displacement; i < n; i++) {
    const j = i - displacement;
    spanA[i] = (conv[j]! + baseLine[j]!) / 2;
    spanBOut[i] = b[j]!;
  }
  return { conversion: conv, base: baseLine, spanA, spanB: spanBOut };
}
