/**
 * Bollinger bands: middle = SMA(p), upper/lower = middle ± k·σ, where σ is the POPULATION
 * standard deviation (divide by p, as TA-Lib's BBANDS) of the same p values.
 * First defined index: p − 1 (all NaN when fewer than p values).
 *
 * Each window is summed directly (mean, then squared deviations): O(n·p), but free of the
 * drift of running sums and of the negative variance that sum-of-squares gives on flat
 * stretches. The mean is taken as x[first] + Σ(x − x[first]) / p so that a flat window has
 * mean exactly x and σ exactly 0 (Σx / p can be 1 ulp off, which on a flat stretch puts the
 * lower band above the close: a fake breakout).
 */
import { PermanentError } from '../../errors.js';
import { assertFinite, assertPeriod, nanArray } from './guards.js';

export interface BollingerBands {
  readonly middle: Float64Array;
  readonly upper: Float64Array;
  readonly lower: Float64Array;
}

export function bollinger(values: ArrayLike<number>, period: number, k: number): BollingerBands {
  assertPeriod('Bollinger', 'period', period);
  if (typeof k !== 'number' || !Number.isFinite(k) || k < 0) {
    throw new PermanentError(`Bollinger: k must be a finite number >= 0, got ${String(k)}`, {
      code: 'INDICATOR_INPUT',
    });
  }
  assertFinite('Bollinger', 'values', values);
  const n = values.length;
  const middle = nanArray(n);
  const upper = nanArray(n);
  const lower = nanArray(n);
  for (let i = period - 1; i < n; i++) {
    const from = i - period + 1;
    const base = values[from]!;
    let deviation = 0;
    for (let j = from; j <= i; j++) deviation += values[j]! - base;
    const mean = base + deviation / period;
    let sq = 0;
    for (let j = from; j <= i; j++) {
      const d = values[j]! - mean;
      sq += d * d;
    }
    const width = k * Math.sqrt(sq / period);
    middle[i] = mean;
    upper[i] = mean + width;
    lower[i] = mean - width;
  }
  return { middle, upper, lower };
}
