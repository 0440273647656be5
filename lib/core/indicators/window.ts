/**
 * Sliding-window extremes in O(n) (monotonic deque of indices): out[i] = max (or min) of
 * values[i−p+1..i], NaN before index p − 1. No input checks: callers validate.
 */
import { nanArray } from './guards.js';

export function windowMax(values: ArrayLike<number>, period: number): Float64Array {
  const n = values.length;
  const out = nanArray(n);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    while (tail > head && values[deque[tail - 1]!]! <= x) tail--;
    deque[tail++] = i;
    if (deque[head]! <= i - period) head++;
    if (i >= period - 1) out[i] = values[deque[head]!]!;
  }
  return out;
}

export function windowMin(values: ArrayLike<number>, period: number): Float64Array {
  const n = values.length;
  const out = nanArray(n);
  const deque = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    while (tail > head && values[deque[tail - 1]!]! >= x) tail--;
    deque[tail++] = i;
    if (deque[head]! <= i - period) head++;
    if (i >= period - 1) out[i] = values[deque[head]!]!;
  }
  return out;
}

/** (highest high + lowest low) / 2 over the last p candles (Donchian middle, Ichimoku lines). */
export function midRange(high: ArrayLike<number>, low: ArrayLike<number>, period: number): Float64Array {
  const hh = windowMax(high, period);
  const ll = windowMin(low, period);
  for (let i = 0; i < hh.length; i++) hh[i] = (hh[i]! + ll[i]!) / 2;
  return hh;
}
