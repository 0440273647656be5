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
  const n = values.length;
  const out = nanArray(n);
  if (n < period) return out;
  let sum = 0;
  let comp = 0;
  let runStart = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    if (i > 0 && x !== values[i - 1]) runStart = i;
    // Neumaier: add x, then remove the value leaving the window.
    let t = sum + x;
    comp += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    if (i >= period) {
      const y = -values[i - period]!;
      t = sum + y;
      comp += Math.abs(sum) >= Math.abs(y) ? sum - t + y : y - t + sum;
      sum = t;
    }
    if (i >= period - 1) out[i] = i - runStart + 1 >= period ? x : (sum + comp) / period;
  }
  return out;
}
