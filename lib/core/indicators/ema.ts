/**
 * Exponential moving average, TA-Lib convention.
 *
 * k = 2 / (p + 1). The first value, at index p − 1, is the simple mean of the first p
 * values; then ema[i] = x[i]·k + ema[i−1]·(1 − k).
 * First defined index: p − 1 (all NaN when fewer than p values).
 *
 * Floating point (measured, see index.ts): computed as TA-Lib does, ema[i−1] + (x[i] − ema[i−1])·k,
 * and the seed as x[s] + Σ(x[j] − x[s]) / p. Both equal the formula above to ~1e-15 relative,
 * but on a FLAT stretch they give exactly x, whereas the literal x·k + ema·(1 − k) and Σx / p
 * drift by 1 ulp and make two EMAs of a constant series "cross" (a fake ema-cross signal with
 * stop = entry = target, found by the property tests). Flat stretches are common on illiquid pairs.
 */
import { assertFinite, assertPeriod, nanArray } from './guards.js';

/**
 * Writes the EMA of `values[start..]` into `out[start..]` (earlier slots untouched, slots
 * before `start + period − 1` set to NaN). No input checks: callers validate. O(n).
 */
export function emaFrom(values: ArrayLike<number>, period: number, start: number, out: Float64Array): void {
  const n = values.length;
  const seedAt = start + period - 1;
  for (let i = start; i < n && i < seedAt; i++) out[i] = Number.NaN;
  if (seedAt >= n) return;
  const base = values[start]!;
  let deviation = 0;
  for (let i = start; i <= seedAt; i++) deviation += values[i]! - base;
  let prev = base + deviation / period;
  out[seedAt] = prev;
  const k = 2 / (period + 1);
  for (let i = seedAt + 1; i < n; i++) {
    prev += (values[i]! - prev) * k;
    out[i] = prev;
  }
}

/** EMA(period) of `values`, aligned to the input. First defined index: period − 1. */
export function ema(values: ArrayLike<number>, period: number): Float64Array {
  assertPeriod('EMA', 'period', period);
  assertFinite('EMA', 'values', values);
  const out = nanArray(values.length);
  emaFrom(values, period, 0, out);
  return out;
}
