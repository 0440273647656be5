/**
 * VWAP anchored to the UTC day (the session convention of most exchanges' charts).
 *
 * vwap[i] = Σ tp·volume / Σ volume over the candles of i's UTC day up to and including i,
 * tp = (high + low + close)/3; while the day's volume so far is 0, the mean tp of the day so far.
 * A day starts at the first candle whose UTC date differs from the previous candle's. The first
 * day of the series is defined only when candle 0 opens exactly at 00:00 UTC; otherwise its
 * candles are NaN (warm-up), because the part of that day before the data is unknown.
 * So a value depends only on its own day's candles: the same on any series (or prefix) that
 * holds the whole day up to i, live and in backtests. Candles of 1d or longer: vwap = tp.
 */
import type { Candles } from '../candle.js';
import { assertFinite, assertSameLength, nanArray } from './guards.js';

const DAY_MS = 86_400_000;

export function vwap(c: Candles): Float64Array {
  const { time, high, low, close, volume } = c;
  const n = assertSameLength('VWAP', { time, high, low, close, volume });
  assertFinite('VWAP', 'time', time);
  assertFinite('VWAP', 'high', high);
  assertFinite('VWAP', 'low', low);
  assertFinite('VWAP', 'close', close);
  assertFinite('VWAP', 'volume', volume);
  const out = nanArray(n);
  // The first day is warm-up unless candle 0 opens at 00:00 UTC.
  const skipDay = n > 0 && time[0]! % DAY_MS !== 0 ? Math.floor(time[0]! / DAY_MS) : Number.NaN;
  let day = Number.NaN;
  // Summed as deviations from the day's first typical price, and tp as low + (range + close − low)/3:
  // equal to the formula above to ~1e-16 relative, but EXACTLY the price on a flat stretch (a
  // literal (h + l + c)/3 and Σtp·v/Σv are 1 ulp off there: a fake "close below VWAP").
  let base = 0;
  let pv = 0;
  let vol = 0;
  let tpSum = 0;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.floor(time[i]! / DAY_MS);
    if (d === skipDay) continue;
    const tp = low[i]! + (high[i]! - low[i]! + (close[i]! - low[i]!)) / 3;
    if (d !== day) {
      day = d;
      base = tp;
      pv = 0;
      vol = 0;
      tpSum = 0;
      count = 0;
    }
    const dev = tp - base;
    pv += dev * volume[i]!;
    vol += volume[i]!;
    tpSum += dev;
    count++;
    out[i] = base + (vol === 0 ? tpSum / count : pv / vol);
  }
  return out;
}
