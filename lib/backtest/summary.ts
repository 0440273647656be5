/** Trade statistics, the equity series, and combining several series' results. */
import type { BacktestResult, CombinedResult, EquityPoint, Summary, Trade } from './types.js';

export interface CandleSpan {
  readonly candles: number;
  readonly firstTime: number | null;
  readonly lastTime: number | null;
}

/** Statistics of `trades` taken in the order given (the drawdown depends on it: exit order). */
export function summarize(trades: readonly Trade[], span: CandleSpan): Summary {
  let wins = 0;
  let losses = 0;
  let grossProfit = 0;
  let grossLoss = 0;
  let fees = 0;
  let equity = 0;
  let peak = 0;
  let maxDrawdown = 0;
  for (const t of trades) {
    if (t.pnl > 0) {
      wins++;
      grossProfit += t.pnl;
    } else if (t.pnl < 0) {
      losses++;
      grossLoss += t.pnl;
    }
    fees += t.fees;
    equity += t.pnl;
    if (equity > peak) peak = equity;
    if (peak - equity > maxDrawdown) maxDrawdown = peak - equity;
  }
  const n = trades.length;
  return {
    trades: n,
    wins,
    losses,
    winRate: n === 0 ? null : wins / n,
    netProfit: equity,
    grossProfit,
    grossLoss,
    profitFactor: losses === 0 ? null : grossProfit / -grossLoss,
    maxDrawdown,
    fees,
    candles: span.candles,
    firstTime: span.firstTime,
    lastTime: span.lastTime,
  };
}

/** Cumulative closed-trade PnL after each trade, in the order given. */
export function equityCurve(trades: readonly Trade[]): EquityPoint[] {
  const out = new Array<EquityPoint>(trades.length);
  let equity = 0;
  for (let i = 0; i < trades.length; i++) {
    const t = trades[i]!;
    equity += t.pnl;
    out[i] = { time: t.exitTime, equity };
  }
  return out;
}

/** All series together: trades ordered by exit time (stable: ties keep the input order). */
export function combineResults(results: readonly BacktestResult[]): CombinedResult {
  const trades = results.flatMap((r) => r.trades).sort((a, b) => a.exitTime - b.exitTime);
  let candles = 0;
  let firstTime: number | null = null;
  let lastTime: number | null = null;
  for (const { summary: s } of results) {
    candles += s.candles;
    if (s.firstTime !== null && (firstTime === null || s.firstTime < firstTime)) firstTime = s.firstTime;
    if (s.lastTime !== null && (lastTime === null || s.lastTime > lastTime)) lastTime = s.lastTime;
  }
  return { trades, summary: summarize(trades, { candles, firstTime, lastTime }), equity: equityCurve(trades) };
}

/** Buy-and-hold return of a series over the same period: first open → last close (a fraction; null without candles or with a non-positive first open). */
export function buyAndHoldReturn(candles: { readonly open: ArrayLike<number>; readonly close: ArrayLike<number> }): number | null {
  const n = candles.close.length;
  if (n === 0) return null;
  const first = candles.open[0]!;
  const last = candles.close[n - 1]!;
  return first > 0 && Number.isFinite(last) ? last / first - 1 : null;
}

/**
 * Return of a backtest as a fraction: net PnL / capital, where capital = stake × number of
 * series (one position at a time per series, so that is all the strategy can have committed at
 * once). Null without a positive stake.
 */
export function strategyReturn(netProfit: number, stake: number, seriesCount = 1): number | null {
  const capital = stake * Math.max(1, seriesCount);
  return capital > 0 ? netProfit / capital : null;
}

/** Mean of the series' buy-and-hold returns (equal capital in each series); null when none is known. */
export function meanBuyAndHold(values: readonly (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? known.reduce((s, v) => s + v, 0) / known.length : null;
}
