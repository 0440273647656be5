/**
 * Range oscillators and volume flow. Conventions (docs/indicators.md has the full table):
 * - A flat window (highest = lowest, or no flow at all) reads NEUTRAL (50; −50 for %R; 0 for
 *   CCI), never the 0 / NaN a literal division gives: a fake "oversold" on illiquid pairs would
 *   fake a signal (same choice as rsi.ts).
 * - Windows include the current candle.
 */
import { assertFinite, assertPeriod, assertSameLength, nanArray } from './guards.js';
import { rsi } from './rsi.js';
import { smaFrom } from './sma.js';
import { windowMax, windowMin } from './window.js';

export interface StochResult {
  readonly k: Float64Array;
  readonly d: Float64Array;
}

/** 100·(x − min)/(max − min) of the last `period` values from index start + period − 1; 50 if flat. */
function rangePosition(x: ArrayLike<number>, hi: Float64Array, lo: Float64Array, from: number, out: Float64Array): void {
  for (let i = from; i < x.length; i++) {
    const range = hi[i]! - lo[i]!;
    out[i] = range === 0 ? 50 : (100 * (x[i]! - lo[i]!)) / range;
  }
}

/**
 * Stochastic(kPeriod, kSmooth, dPeriod): raw %K over kPeriod candles (first index kPeriod − 1),
 * k = SMA(kSmooth) of raw %K (first kPeriod + kSmooth − 2; kSmooth 1 = fast stochastic),
 * d = SMA(dPeriod) of k (first kPeriod + kSmooth + dPeriod − 3).
 */
export function stochastic(
  high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>,
  kPeriod: number, kSmooth: number, dPeriod: number,
): StochResult {
  assertPeriod('Stochastic', 'k period', kPeriod);
  assertPeriod('Stochastic', 'k smoothing', kSmooth);
  assertPeriod('Stochastic', 'd period', dPeriod);
  const n = assertSameLength('Stochastic', { high, low, close });
  assertFinite('Stochastic', 'high', high);
  assertFinite('Stochastic', 'low', low);
  assertFinite('Stochastic', 'close', close);
  const raw = nanArray(n);
  rangePosition(close, windowMax(high, kPeriod), windowMin(low, kPeriod), kPeriod - 1, raw);
  const k = smaFrom(raw, kSmooth, kPeriod - 1);
  return { k, d: smaFrom(k, dPeriod, kPeriod + kSmooth - 2) };
}

/**
 * StochRSI(rsiPeriod, stochPeriod, kSmooth, dPeriod), 0–100 scale: r = rsi(rsiPeriod) (first
 * index rsiPeriod), raw = 100·(r − min r)/(max r − min r) over stochPeriod RSI values (first
 * rsiPeriod + stochPeriod − 1), k = SMA(kSmooth) of raw, d = SMA(dPeriod) of k.
 */
export function stochRsi(
  values: ArrayLike<number>, rsiPeriod: number, stochPeriod: number, kSmooth: number, dPeriod: number,
): StochResult {
  assertPeriod('StochRSI', 'stochastic period', stochPeriod);
  assertPeriod('StochRSI', 'k smoothing', kSmooth);
  assertPeriod('StochRSI', 'd period', dPeriod);
  const r = rsi(values, rsiPeriod); // checks rsiPeriod and the values
  const n = r.length;
  const raw = nanArray(n);
  // NaN warm-up of r never reaches the window extremes used from rsiPeriod + stochPeriod − 1 on.
  const rr = r.subarray(rsiPeriod);
  const hi = nanArray(n);
  const lo = nanArray(n);
  if (n > rsiPeriod) {
    hi.set(windowMax(rr, stochPeriod), rsiPeriod);
    lo.set(windowMin(rr, stochPeriod), rsiPeriod);
  }
  rangePosition(r, hi, lo, rsiPeriod + stochPeriod - 1, raw);
  const start = rsiPeriod + stochPeriod - 1;
  const k = smaFrom(raw, kSmooth, start);
  return { k, d: smaFrom(k, dPeriod, start + kSmooth - 1) };
}

/** Williams %R(p) = −100·(HH − close)/(HH − LL) over p candles; −50 when flat. First index p − 1. */
export function williamsR(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period: number): Float64Array {
  assertPeriod('Williams %R', 'period', period);
  const n = assertSameLength('Williams %R', { high, low, close });
  assertFinite('Williams %R', 'high', high);
  assertFinite('Williams %R', 'low', low);
  assertFinite('Williams %R', 'close', close);
  const out = nanArray(n);
  rangePosition(close, windowMax(high, period), windowMin(low, period), period - 1, out);
  for (let i = period - 1; i < n; i++) out[i] = out[i]! - 100;
  return out;
}

/**
 * CCI(p) = (tp − SMA(tp)) / (0.015 · mean |tp − SMA(tp)|) over p candles, tp = (h + l + c)/3;
 * 0 when the window is flat. First index p − 1. O(n·p) (the mean deviation needs the window).
 */
export function cci(high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, period: number): Float64Array {
  assertPeriod('CCI', 'period', period);
  const n = assertSameLength('CCI', { high, low, close });
  assertFinite('CCI', 'high', high);
  assertFinite('CCI', 'low', low);
  assertFinite('CCI', 'close', close);
  const tp = new Float64Array(n);
  for (let i = 0; i < n; i++) tp[i] = (high[i]! + low[i]! + close[i]!) / 3;
  const out = nanArray(n);
  for (let i = period - 1; i < n; i++) {
    const from = i - period + 1;
    const base = tp[from]!;
    let dev = 0;
    for (let j = from; j <= i; j++) dev += tp[j]! - base;
    const mean = base + dev / period;
    let md = 0;
    for (let j = from; j <= i; j++) md += Math.abs(tp[j]! - mean);
    md /= period;
    out[i] = md === 0 ? 0 : (tp[i]! - mean) / (0.015 * md);
  }
  return out;
}

/**
 * MFI(p): tp = (h + l + c)/3, flow = tp·volume; for i ≥ 1 the flow is positive when tp[i] > tp[i−1],
 * negative when tp[i] < tp[i−1], neither when equal. mfi = 100·Σpos/(Σpos + Σneg) over the last p
 * flows; 50 when both sums are 0. First index p.
 */
export function mfi(
  high: ArrayLike<number>, low: ArrayLike<number>, close: ArrayLike<number>, volume: ArrayLike<number>, period: number,
): Float64Array {
  assertPeriod('MFI', 'period', period);
  const n = assertSameLength('MFI', { high, low, close, volume });
  assertFinite('MFI', 'high', high);
  assertFinite('MFI', 'low', low);
  assertFinite('MFI', 'close', close);
  assertFinite('MFI', 'volume', volume);
  const out = nanArray(n);
  const pos = new Float64Array(n);
  const neg = new Float64Array(n);
  let prev = (high[0]! + low[0]! + close[0]!) / 3;
  for (let i = 1; i < n; i++) {
    const tp = (high[i]! + low[i]! + close[i]!) / 3;
    if (tp > prev) pos[i] = tp * volume[i]!;
    else if (tp < prev) neg[i] = tp * volume[i]!;
    prev = tp;
  }
  // Direct window sums (p adds per value): no running-sum drift, exact zeros on flat stretches.
  for (let i = period; i < n; i++) {
    let p = 0;
    let m = 0;
    for (let j = i - period + 1; j <= i; j++) {
      p += pos[j]!;
      m += neg[j]!;
    }
    out[i] = p + m === 0 ? 50 : (100 * p) / (p + m);
  }
  return out;
}
