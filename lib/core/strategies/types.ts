import type { z } from 'zod';
import type { Candles } from '../candle.js';
import type { IndicatorCache } from '../indicators/cache.js';

export type Side = 'long' | 'short';

/**
 * What a strategy says on the close of one candle. Prices are in quote currency.
 * `entry` is the reference entry price: the next candle's open when known, else the
 * signal candle's close (documented per strategy).
 */
export interface SignalIntent {
  readonly side: Side;
  /** Index (in the candles given) of the candle on whose close the signal fires. */
  readonly index: number;
  /** Open time (ms) of that candle. */
  readonly candleTime: number;
  readonly entry: number;
  readonly stop: number;
  readonly target: number;
  /** Indicator values at the signal candle, for the message text (finite numbers only). */
  readonly indicators: Readonly<Record<string, number>>;
}

/** One indicator series drawn on the price chart, aligned to the candles (NaN where undefined). */
export interface StrategyLine {
  readonly name: string;
  readonly values: Float64Array;
}

export interface Strategy<P extends object = Record<string, number>> {
  /** Registry name used in config, e.g. `ema-cross`. */
  readonly name: string;
  /** One-paragraph description for README and /help. */
  readonly description: string;
  /** zod schema for the params; every field has a default so `{}` parses. */
  readonly params: z.ZodType<P>;
  /** Fewest closed candles for which `evaluate` can return a signal on the last one. */
  warmup(params: P): number;
  /**
   * Pure: the signal on the close of the LAST candle, or null.
   * `nextOpen`, when known (live: the forming candle's open), is the entry reference;
   * otherwise the last close is used.
   */
  evaluate(candles: Candles, params: P, nextOpen?: number): SignalIntent | null;
  /**
   * Pure: every signal over the whole series, computing indicators once (the backtester's
   * path). For each index i, the result equals `evaluate(candles[0..i], params, open[i+1])`.
   * `cache`, when given, memoises the indicator series per candles object so that parameter
   * sets sharing one compute it once (the optimizer); the result is the same with or without it.
   */
  evaluateAll(candles: Candles, params: P, cache?: IndicatorCache): SignalIntent[];
  /**
   * Pure, optional: the strategy's indicator lines on the PRICE scale (for charts), aligned to
   * the candles. Empty when its indicators are not prices (RSI, MACD).
   */
  lines?(candles: Candles, params: P): StrategyLine[];
}
