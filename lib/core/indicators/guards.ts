/**
 * Input guards shared by every indicator. Bad input is a programming or data error that
 * validation should have caught, so it throws (PermanentError, code `INDICATOR_INPUT`);
 * a series merely too short for the period is not an error (all-NaN output).
 */
import { PermanentError } from '../../errors.js';

function fail(message: string): never {
  throw new PermanentError(message, { code: 'INDICATOR_INPUT' });
}

/** Throws unless `period` is an integer >= 1. */
export function assertPeriod(indicator: string, name: string, period: number): void {
  if (!Number.isInteger(period) || period < 1) {
    fail(`${indicator}: ${name} must be an integer >= 1, got ${String(period)}`);
  }
}

/** Throws on the first NaN / ±Infinity (or non-number) in `values`, naming its index. */
export function assertFinite(indicator: string, series: string, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // `v - v` is NaN exactly for NaN and ±Infinity: one subtraction per value keeps this cheap.
    if (typeof v !== 'number' || v - v !== 0) {
      fail(`${indicator}: ${series}[${i}] is ${String(v)}; every input value must be a finite number`);
    }
  }
}

/** Throws unless every series has the same length. */
export function assertSameLength(indicator: string, series: Readonly<Record<string, ArrayLike<number>>>): number {
  let n = -1;
  for (const [name, values] of Object.entries(series)) {
    if (n === -1) n = values.length;
    else if (values.length !== n) fail(`${indicator}: ${name} has ${values.length} values, expected ${n}`);
  }
  return Math.max(n, 0);
}

/** A Float64Array of length n filled with NaN. */
export function nanArray(n: number): Float64Array {
  return new Float64Array(n).fill(Number.NaN);
}
