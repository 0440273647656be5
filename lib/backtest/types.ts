/** Backtest inputs and results. Everything in a result is JSON-safe (no NaN, no Infinity). */
import type { Candles } from '../core/candle.js';
import type { IndicatorCache } from '../core/indicators/cache.js';
import type { ExitReason, Side } from '../core/positions/types.js';
import type { Strategy } from '../core/strategies/types.js';
import type { Timeframe } from '../core/timeframe.js';

export interface BacktestInput<P extends object = Record<string, number>> {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  /** Validated candles, oldest first; rows used as given (no gap filling). */
  readonly candles: Candles;
  readonly strategy: Strategy<P>;
  /** Already parsed by `strategy.params` (the CLI does it; the engine does not re-parse). */
  readonly params: P;
  /** Quote currency per trade (> 0). */
  readonly stake: number;
  /** Fee per side on notional, e.g. 0.001. */
  readonly feeRate: number;
  readonly slippageBps?: number;
  readonly trailAtr?: number;
  readonly maxBars?: number;
  /** Memo of indicator series shared by runs over the same candles (the optimiser); results are the same without. */
  readonly cache?: IndicatorCache;
}

export interface Trade {
  readonly symbol: string;
  readonly side: Side;
  /** Open time of the entry candle (entry at its open). */
  readonly entryTime: number;
  /** Entry fill, slippage included. */
  readonly entryPrice: number;
  /** Open time of the candle in which the exit filled (at its open, a level, or its close). */
  readonly exitTime: number;
  /** Exit fill, slippage included. */
  readonly exitPrice: number;
  readonly exitReason: ExitReason;
  /** With exitReason `rule`: the strategy's reason for the exit (1–40 characters). */
  readonly exitNote?: string;
  /** Net PnL in quote currency, fees included. */
  readonly pnl: number;
  readonly fees: number;
  /** Candles checked while held (entry candle = 1; a `signal` exit at an open does not count that candle). */
  readonly bars: number;
  /** The stop level at the exit (with a trailing stop: its last, ratcheted level) and the target; not in the --json trades. */
  readonly stop?: number;
  readonly target?: number;
}

/** Cumulative closed-trade PnL after each trade (one point per trade, in exit order). */
export interface EquityPoint {
  readonly time: number;
  readonly equity: number;
}

export interface Summary {
  readonly trades: number;
  /** Trades with pnl > 0. */
  readonly wins: number;
  /** Trades with pnl < 0 (pnl exactly 0 counts as neither). */
  readonly losses: number;
  /** wins / trades; null without trades. */
  readonly winRate: number | null;
  readonly netProfit: number;
  /** Sum of the positive pnls. */
  readonly grossProfit: number;
  /** Sum of the negative pnls (a number <= 0). */
  readonly grossLoss: number;
  /** grossProfit / |grossLoss|; null when there is no losing trade (undefined or infinite). */
  readonly profitFactor: number | null;
  /** Largest peak-to-trough fall of cumulative closed-trade PnL, starting from 0 (a number >= 0). */
  readonly maxDrawdown: number;
  readonly fees: number;
  /** Candles run through (all series, for a combined summary). */
  readonly candles: number;
  /** Open time of the first / last candle (over all series); null without candles. */
  readonly firstTime: number | null;
  readonly lastTime: number | null;
}

export interface BacktestResult {
  readonly symbol: string;
  readonly timeframe: Timeframe;
  readonly trades: Trade[];
  readonly summary: Summary;
  readonly equity: EquityPoint[];
  /** Buy-and-hold return of the same candles (first open → last close, a fraction); null without candles. */
  readonly buyAndHold?: number | null;
}

export interface CombinedResult {
  /** All trades, ordered by exit time (ties: input order of the results, then entry time). */
  readonly trades: Trade[];
  readonly summary: Summary;
  readonly equity: EquityPoint[];
}
