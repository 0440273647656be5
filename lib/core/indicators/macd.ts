/**
 * MACD with TA-Lib's seeding (TA_MACD called over the whole series from index 0).
 *
 * - slow EMA: as `ema()` — seeded at index slow − 1 with the mean of values[0..slow−1].
 * - fast EMA: TA-Lib starts it so that it lines up with the slow one: it is seeded at index
 *   slow − 1 with the mean of values[slow−fast .. slow−1] (NOT the first `fast` values), then
 *   ema[i] = x[i]·k + ema[i−1]·(1 − k) with k = 2/(fast+1).
 * - macd = fast − slow, defined from index slow − 1.
 * - signal = EMA(signal) of the macd series, seeded with the mean of its first `signal`
 *   values: defined from index slow + signal − 2. histogram = macd − signal, same index.
 * All NaN before those indices (and everywhere when the series is too short). Because the
 * seeds depend only on the start of the series, values on a prefix equal those on the whole.
 */
import { PermanentError } from '../../errors.js';
import { emaFrom } from './ema.js';
import { assertFinite, assertPeriod, nanArray } from './guards.js';

export interface MacdResult {
  readonly macd: Float64Array;
  readonly signal: Float64Array;
  readonly histogram: Float64Array;
}

export function macd(values: ArrayLike<number>, fast: number, slow: number, signal: number): MacdResult {
  assertPeriod('MACD', 'fast period', fast);
  assertPeriod('MACD', 'slow period', slow);
  assertPeriod('MACD', 'signal period', signal);
  assertFastBelowSlow(fast, slow);
  assertFinite('MACD', 'values', values);
  return macdFromLine(lineOf(values, fast, slow), slow, signal);
}

/**
 * The MACD line alone (fast EMA − slow EMA, defined from index slow − 1), with the same checks
 * as `macd`. `macdFromLine(macdLine(v, f, s), s, g)` equals `macd(v, f, s, g)`: the line is what
 * parameter sets differing only in `signal` share (lib/core/indicators/of-candles.ts).
 */
export function macdLine(values: ArrayLike<number>, fast: number, slow: number): Float64Array {
  assertPeriod('MACD', 'fast period', fast);
  assertPeriod('MACD', 'slow period', slow);
  assertFastBelowSlow(fast, slow);
  assertFinite('MACD', 'values', values);
  return lineOf(values, fast, slow);
}

/** Signal line and histogram of a MACD line made with this `slow` period (see `macdLine`). */
export function macdFromLine(line: Float64Array, slow: number, signal: number): MacdResult {
  assertPeriod('MACD', 'slow period', slow);
  assertPeriod('MACD', 'signal period', signal);
  const n = line.length;
  const sig = nanArray(n);
  const histogram = nanArray(n);
  if (n < slow) return { macd: line, signal: sig, histogram };
  emaFrom(line, signal, slow - 1, sig);
  for (let i = slow + signal - 2; i < n; i++) histogram[i] = line[i]! - sig[i]!;
  return { macd: line, signal: sig, histogram };
}

function assertFastBelowSlow(fast: number, slow: number): void {
  if (fast >= slow) {
    throw new PermanentError(`MACD: fast period (${fast}) must be < slow period (${slow})`, {
      code: 'INDICATOR_INPUT',
    });
  }
}

function lineOf(values: ArrayLike<number>, fast: number, slow: number): Float64Array {
  const n = values.length;
  const line = nanArray(n);
  if (n < slow) return line;
  const fastEma = nanArray(n);
  const slowEma = nanArray(n);
  emaFrom(values, fast, slow - fast, fastEma);
  emaFrom(values, slow, 0, slowEma);
  for (let i = slow - 1; i < n; i++) line[i] = fastEma[i]! - slowEma[i]!;
  return line;
}
