/**
 * Shared machinery for the crossing strategies: every strategy here computes its indicator
 * series once, decides a side per candle from values at i and i − 1, and brackets the entry
 * with ATR multiples. `evaluate` and `evaluateAll` run the very same per-index rule on the
 * very same arrays, so they agree by construction (and the tests check it).
 *
 * Entry reference for a signal on candle i: open[i + 1] when that candle is in the series,
 * else the `nextOpen` argument (live: the forming candle's open), else close[i].
 * Long: stop = entry − stopAtr·atr[i], target = entry + takeAtr·atr[i]; short mirrored.
 * No signal when the bracket is degenerate, i.e. stop or target equals entry in floating point
 * (atr[i] = 0, or stopAtr·atr[i] below half an ulp of the price): position sizing would divide
 * by zero. Real prices never get there (TR >= |Δclose| > 0 after any move); the property tests
 * did, with 1-ulp price moves.
 */
import { z } from 'zod';
import type { Candles } from '../candle.js';
import type { IndicatorCache } from '../indicators/cache.js';
import { PermanentError } from '../../errors.js';
import type { SignalIntent, Side, Strategy, StrategyLine } from './types.js';

/** Parameters every strategy here shares: the ATR period and the stop / target multiples. */
export interface BracketParams {
  readonly atr: number;
  readonly stopAtr: number;
  readonly takeAtr: number;
}

/** zod field for an indicator period: an integer >= 1 with a default. */
export function periodField(defaultValue: number) {
  return z.number().int().min(1).default(defaultValue);
}

/** zod fields of `BracketParams`, to spread into a strategy's schema. */
export function bracketFields(defaults: { atr?: number; stopAtr?: number; takeAtr?: number } = {}) {
  return {
    atr: periodField(defaults.atr ?? 14),
    stopAtr: z.number().positive().default(defaults.stopAtr ?? 1.5),
    takeAtr: z.number().positive().default(defaults.takeAtr ?? 3.0),
  };
}

export interface CrossRule<P extends BracketParams, I extends { readonly atr: Float64Array }> {
  readonly name: string;
  readonly description: string;
  readonly params: z.ZodType<P>;
  warmup(params: P): number;
  /**
   * Computes every indicator series once, aligned to the candles; through `cache` when given
   * (lib/core/indicators/of-candles.ts), so series shared by parameter sets are computed once.
   */
  compute(candles: Candles, params: P, cache?: IndicatorCache): I;
  /** The side on the close of candle i (1 <= i < n), or null; NaN inputs must give null. */
  sideAt(ind: I, candles: Candles, i: number, params: P): Side | null;
  /** Key indicator values at i incl. `atr`, for the message text (only called on a signal). */
  snapshot(ind: I, i: number): Record<string, number>;
  /** Indicator lines on the price scale for charts (none when omitted). */
  lines?(candles: Candles, params: P): StrategyLine[];
}

/**
 * True when none of the values is NaN (indicator outputs are finite or NaN). Fixed arity on
 * purpose: a rest parameter allocates an array per call, which was most of the backtest time.
 */
export function defined(a: number, b: number, c = 0, d = 0): boolean {
  return a === a && b === b && c === c && d === d;
}

function invalid(message: string): never {
  throw new PermanentError(message, { code: 'INVALID_CANDLE' });
}

/** Checks the columns have one length and every open is finite; returns that length. */
function checkCandles(strategy: string, candles: Candles): number {
  const n = candles.close.length;
  for (const key of ['time', 'open', 'high', 'low', 'volume'] as const) {
    if (candles[key].length !== n) invalid(`${strategy}: candles.${key} has ${candles[key].length} values, expected ${n}`);
  }
  const open = candles.open;
  for (let i = 0; i < n; i++) {
    const v = open[i]!;
    if (v - v !== 0) invalid(`${strategy}: candles.open[${i}] is ${String(v)}; expected a finite number`);
  }
  return n;
}

export function defineStrategy<P extends BracketParams, I extends { readonly atr: Float64Array }>(
  rule: CrossRule<P, I>,
): Strategy<P> {
  function signalAt(ind: I, candles: Candles, i: number, params: P, nextOpen: number | undefined): SignalIntent | null {
    const side = rule.sideAt(ind, candles, i, params);
    if (side === null) return null;
    const atr = ind.atr[i]!;
    if (atr !== atr) return null;
    const entry = nextOpen ?? candles.close[i]!;
    const sign = side === 'long' ? 1 : -1;
    const stop = entry - sign * params.stopAtr * atr;
    const target = entry + sign * params.takeAtr * atr;
    // A degenerate bracket (stop or target equal to entry) is no trade.
    if (!(sign * (entry - stop) > 0 && sign * (target - entry) > 0)) return null;
    return {
      side,
      index: i,
      candleTime: candles.time[i]!,
      entry,
      stop,
      target,
      indicators: rule.snapshot(ind, i),
    };
  }

  return Object.freeze({
    name: rule.name,
    description: rule.description,
    params: rule.params,
    warmup: (params: P) => rule.warmup(params),
    evaluate(candles: Candles, params: P, nextOpen?: number): SignalIntent | null {
      const n = checkCandles(rule.name, candles);
      if (nextOpen !== undefined && !(Number.isFinite(nextOpen) && nextOpen > 0)) {
        invalid(`${rule.name}: nextOpen must be a finite price > 0, got ${String(nextOpen)}`);
      }
      if (n < 2) return null;
      return signalAt(rule.compute(candles, params), candles, n - 1, params, nextOpen);
    },
    evaluateAll(candles: Candles, params: P, cache?: IndicatorCache): SignalIntent[] {
      const n = checkCandles(rule.name, candles);
      const out: SignalIntent[] = [];
      if (n < 2) return out;
      const ind = rule.compute(candles, params, cache);
      for (let i = 1; i < n; i++) {
        const s = signalAt(ind, candles, i, params, i + 1 < n ? candles.open[i + 1] : undefined);
        if (s !== null) out.push(s);
      }
      return out;
    },
    lines(candles: Candles, params: P): StrategyLine[] {
      checkCandles(rule.name, candles);
      return rule.lines === undefined ? [] : rule.lines(candles, params);
    },
  });
}
