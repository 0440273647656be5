/**
 * Trade statistics kept as one aggregate per strategy and per (exchange, symbol), updated in
 * the close transaction (pure arithmetic here; the store applies it under a version check).
 * Same definitions as the backtester's summary (lib/backtest/summary.ts): a win is pnl > 0,
 * a loss pnl < 0; grossLoss is the (negative) sum of losing PnL; profit factor =
 * grossProfit / −grossLoss (null without a loss); max drawdown = largest fall of cumulative
 * closed-trade PnL from its running peak (the peak starts at 0), in the order the trades were
 * recorded (`seq`). netPnl is that cumulative PnL.
 */
import { money } from './money.js';

/** Aggregate statistics (definitions below). */
export interface TradeStats {
  readonly count: number;
  readonly wins: number;
  readonly losses: number;
  readonly netPnl: number;
  readonly grossProfit: number;
  readonly grossLoss: number;
  readonly fees: number;
  readonly peak: number;
  readonly maxDrawdown: number;
}

export const EMPTY_STATS: TradeStats = Object.freeze({
  count: 0,
  wins: 0,
  losses: 0,
  netPnl: 0,
  grossProfit: 0,
  grossLoss: 0,
  fees: 0,
  peak: 0,
  maxDrawdown: 0,
});

/** The aggregate after one more trade (amounts already on the money grid). */
export function addTrade(s: TradeStats, trade: { readonly pnl: number; readonly fees: number }): TradeStats {
  const netPnl = money(s.netPnl + trade.pnl);
  const peak = Math.max(s.peak, netPnl);
  return {
    count: s.count + 1,
    wins: s.wins + (trade.pnl > 0 ? 1 : 0),
    losses: s.losses + (trade.pnl < 0 ? 1 : 0),
    netPnl,
    grossProfit: trade.pnl > 0 ? money(s.grossProfit + trade.pnl) : s.grossProfit,
    grossLoss: trade.pnl < 0 ? money(s.grossLoss + trade.pnl) : s.grossLoss,
    fees: money(s.fees + trade.fees),
    peak,
    maxDrawdown: Math.max(s.maxDrawdown, money(peak - netPnl)),
  };
}

export function profitFactor(s: TradeStats): number | null {
  return s.losses === 0 ? null : s.grossProfit / -s.grossLoss;
}

export function winRate(s: TradeStats): number | null {
  return s.count === 0 ? null : s.wins / s.count;
}
