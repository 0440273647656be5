/**
 * The ONE adapter over technicalindicators (3.1.x). Each function returns a Float64Array of the
 * input length: technicalindicators returns only the defined values (a shorter array), which are
 * placed at the END (its outputs drop warm-up values only at the start; the length is checked),
 * NaN before. Input is checked first (finite numbers, same lengths, valid arguments:
 * PermanentError INDICATOR_INPUT) and passed as fresh plain-array copies, so technicalindicators
 * can never mutate a caller's data (it reverses inputs in place when `reversedInput` is set; we
 * never set it). Its process-global `setConfig('precision', n)` rounds every value that goes
 * through its `format` (toPrecision) — unset by default, so no rounding by default; OBV and PSAR
 * never call `format`, and the test sets precision 2 and checks nothing here changes. Anything
 * added here must pass `format: (v) => v` in its input for the same reason.
 *
 * Used where technicalindicators computes the documented convention and is fast enough: OBV and
 * Parabolic SAR (O(n), ~8–10 ms per 100k candles). Everything else is an own loop, because
 * technicalindicators is wrong for us or 10–20× slower (measured, docs/indicators.md): RSI and
 * MFI round to 2 decimals (StochRSI inherits the RSI rounding); MFI also drops the first candle and
 * counts an unchanged typical price as negative flow; Stochastic reads a flat window as 0 and
 * Williams %R as NaN; ADX turns NaN for the rest of the series after a flat start; VWAP is
 * cumulative from the first candle (different live and in backtests); Ichimoku starts every line
 * at index max(periods) − 1; WMA, ADX, Stochastic, %R, CCI, Ichimoku, Keltner, SMA take 6–20× our time.
 */
import { OBV, PSAR } from 'technicalindicators';
import { PermanentError } from '../../../errors.js';
import { assertFinite, assertSameLength, nanArray } from '../guards.js';

function fail(message: string): never {
  throw new PermanentError(message, { code: 'INDICATOR_INPUT' });
}

/** Places `values` (the defined tail) at the end of an n-long NaN array; checks the length. */
export function alignTail(name: string, n: number, values: readonly number[], expected: number): Float64Array {
  const want = Math.max(0, Math.min(n, expected));
  if (values.length !== want) fail(`${name}: technicalindicators returned ${values.length} values, expected ${want}`);
  const out = nanArray(n);
  const offset = n - values.length;
  for (let i = 0; i < values.length; i++) out[offset + i] = values[i]!;
  return out;
}

/** On-balance volume: obv[i] = obv[i−1] ± volume[i] by the sign of close[i] − close[i−1]; obv[0] NaN, obv[1] = ±volume[1]. */
export function obv(close: ArrayLike<number>, volume: ArrayLike<number>): Float64Array {
  const n = assertSameLength('OBV', { close, volume });
  assertFinite('OBV', 'close', close);
  assertFinite('OBV', 'volume', volume);
  // technicalindicators skips its start test when close[0] is 0 (`if (tick.close && …)`): never the case for
  // validated prices, but the output length check below would catch it.
  const out = OBV.calculate({ close: Array.from(close), volume: Array.from(volume) } as never) as number[];
  return alignTail('OBV', n, out, n - 1);
}

/**
 * Parabolic SAR (Wilder) as technicalindicators computes it: starts long at candle 0 (sar = low[0],
 * extreme = high[0]); each candle sar += af·(extreme − sar), clamped below the last two lows (above the
 * last two highs when short); a new extreme raises af by `step` up to `max`; a candle crossing sar flips
 * the trend, sar = the extreme, af = step, extreme = this candle's low/high. Index 0 (the seed) is NaN.
 */
export function psar(high: ArrayLike<number>, low: ArrayLike<number>, step: number, max: number): Float64Array {
  if (!(typeof step === 'number' && Number.isFinite(step) && step > 0)) fail(`PSAR: step must be a finite number > 0, got ${String(step)}`);
  if (!(typeof max === 'number' && Number.isFinite(max) && max >= step)) fail(`PSAR: max must be a finite number >= step, got ${String(max)}`);
  const n = assertSameLength('PSAR', { high, low });
  assertFinite('PSAR', 'high', high);
  assertFinite('PSAR', 'low', low);
  const out = PSAR.calculate({ high: Array.from(high), low: Array.from(low), step, max } as never) as number[];
  const aligned = alignTail('PSAR', n, out, n);
  if (n > 0) aligned[0] = Number.NaN;
  return aligned;
}
