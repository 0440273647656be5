/**
 * Average true range, Wilder / TA-Lib convention.
 *
 * TR[i] = max(high[i] − low[i], |high[i] − close[i−1]|, |low[i] − close[i−1]|) for i ≥ 1
 * (index 0 has no previous close and is not used). The first ATR, at index p, is the mean of
 * TR[1..p]; then atr[i] = (atr[i−1]·(p − 1) + TR[i]) / p.
 * First defined index: p (all NaN when fewer than p + 1 candles).
 */
import { assertFinite, assertPeriod, assertSameLength, nanArray } from './guards.js';

export function atr(
  high: ArrayLike<number>,
  low: ArrayLike<number>,
  close: ArrayLike<number>,
  period: number,
): Float64Array {
  assertPeriod('ATR', 'period', period);
  const n = assertSameLength('ATR', { high, low, close });
  assertFinite('ATR', 'high', high);
  assertFinite('ATR', 'low', low);
  assertFinite('ATR', 'close', close);
  const out = nanArray(n);
  if (n <= period) return out;

  let sum = 0;
  for (let i = 1; i <= period; i++) sum += trueRange(high[i]!, low[i]!, close[i - 1]!);
  let prev = sum / period;
  out[period] = prev;
  const p1 = period - 1;
  for (let i = period + 1; i < n; i++) {
    prev = (prev * p1 + trueRange(high[i]!, low[i]!, close[i - 1]!)) / period;
    out[i] = prev;
  }
  return out;
}

function trueRange(high: number, low: number, prevClose: number): number {
  return Math.max(high - low, Math.abs(high - prevClose), Math.abs(low - prevClose));
}
