import type { z } from 'zod';
import type { Candles } from '../candle.js';
import type { IndicatorCache } from '../indicators/cache.js';
import type { Timeframe } from '../timeframe.js';

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

/** An exit-rule decision: close an open `side` position on the close of candle `index`. */
export interface ExitIntent {
  /** Index (in the candles given) of the candle on whose close the rule fires. */
  readonly index: number;
  /** Open time (ms) of that candle. */
  readonly candleTime: number;
  /** The side of the position the rule closes. */
  readonly side: Side;
  /** Why, for the trader (1–40 characters). */
  readonly reason: string;
}

/** One indicator series drawn on the price chart, aligned to the candles (NaN where undefined). */
export interface StrategyLine {
  readonly name: string;
  readonly values: Float64Array;
}

/** What the caller knows about the candles besides their values (all optional). */
export interface EvalContext {
  /** The candles' timeframe; required when the strategy has `higher`. */
  readonly timeframe?: Timeframe;
  /** Closed+forming candles of higher timeframes as fetched (live). Missing ones are resampled from the candles (backtest). */
  readonly higher?: Readonly<Partial<Record<Timeframe, Candles>>>;
}

/** A higher timeframe a strategy reads, and how many of its candles it needs. */
export interface HigherNeed {
  readonly timeframe: Timeframe;
  readonly candles: number;
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
  evaluate(candles: Candles, params: P, nextOpen?: number, context?: EvalContext): SignalIntent | null;
  /**
   * Pure: every signal over the whole series, computing indicators once (the backtester's
   * path). For each index i, the result equals `evaluate(candles[0..i], params, open[i+1])`.
   * `cache`, when given, memoises the indicator series per candles object so that parameter
   * sets sharing one compute it once (the optimizer); the result is the same with or without it.
   */
  evaluateAll(candles: Candles, params: P, cache?: IndicatorCache, context?: EvalContext): SignalIntent[];
  /**
   * Pure, optional (only when the strategy has an exit rule): exit decisions over the whole
   * series, increasing index, at most one per (index, side). For each i they equal
   * `exitAt(candles[0..i], params, side, context)`.
   */
  exitsAll?(candles: Candles, params: P, cache?: IndicatorCache, context?: EvalContext): readonly ExitIntent[];
  /** Pure, optional: the exit rule on the close of the LAST candle for an open `side` position: the reason, or null. */
  exitAt?(candles: Candles, params: P, side: Side, context?: EvalContext): string | null;
  /**
   * Higher timeframes needed for these params (empty when none): what the scan must fetch.
   * Every kit strategy (defineStrategy) has it; optional only so hand-written test doubles
   * stay valid — call it as `strategy.higherTimeframes?.(params) ?? []`.
   */
  higherTimeframes?(params: P): readonly HigherNeed[];
  /** Where the strategy comes from: built into lib/core, or a user's strategies/<file>.ts (kit strategies always set it). */
  readonly origin?: 'built-in' | 'user';
  /**
   * Pure, optional: the strategy's indicator lines on the PRICE scale (for charts), aligned to
   * the candles. Empty when its indicators are not prices (RSI, MACD).
   */
  lines?(candles: Candles, params: P, context?: EvalContext): StrategyLine[];
  /**
   * Pure, optional: indicator panes drawn under the price (RSI, MACD, …), aligned to the candles.
   * The built-ins declare theirs in lib/core/chart-data.ts (STRATEGY_CHARTS); kit strategies here.
   */
  panes?(candles: Candles, params: P, context?: EvalContext): StrategyPane[];
}

/** One indicator pane under the price chart: its series (lines or a histogram) and horizontal levels. */
export interface StrategyPane {
  readonly name: string;
  readonly series: readonly { readonly name: string; readonly kind: 'line' | 'histogram'; readonly values: Float64Array }[];
  readonly levels?: readonly number[];
}
