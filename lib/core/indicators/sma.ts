/**
 * Simple moving average: sma[i] = mean of values[i−p+1..i]. First defined index: p − 1.
 *
 * O(n): a running window sum with Neumaier compensation (no drift over long series), and a
 * flat-window rule: when the last p values are all equal the output IS that value (a plain
 * running sum can be 1 ulp off there, which would make two SMAs of a flat stretch "cross").
 */
import { assertFinite, assertPeriod, nanArray } from './guards.js';

export function sma(values: ArrayLike<number>, period: number): Float64Array {
  assertPeriod('SMA', 'period', period);
  assertFinite('SMA', 'values', values);
  return smaFrom(values, period, 0);
}

/**
 * SMA of values[start..] (values before `start` ignored, e.g. another indicator's warm-up NaN),
 * aligned to the input: first defined index start + p − 1. No input checks: callers validate.
 */
export function smaFrom(values: ArrayLike<number>, period: number, start: number): Float64Array {
  const n = values.length;
  const out = nanArray(n);
  let sum = 0;
  let comp = 0;
  let runStart = start;
  for (let i = start; i < n; i++) {
    const x = values[i]!;
    if (i > start && x !== values[i - 1]) runStart = i;
    // Neumaier: add x, then remove the value leaving the window.
    let t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    if (i - start >= period) {
      const y = -values[i - period]!;
      t = sum + y;
      comp += Math.abs(sum) >= Math.abs(y) ? sum - t + y : y - t + sum;
      sum = t;
    }
    if (i - start >= period - 1) out[i] = i - runStart + 1 >= period ? x : (sum + comp) / period;
  }
  return out;
}
