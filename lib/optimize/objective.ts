/**
 * Objectives and ranking.
 *
 * - `netProfit`: sum of net trade PnL (fees included), quote currency.
 * - `profitFactor`: gross profit / |gross loss|; null (unranked) without a losing trade.
 * - `sharpe`: per-trade Sharpe ratio scaled by √N, i.e. the t-statistic of the mean trade return.
 *   With r_j = pnl_j / stake (net return on the stake of trade j, fees included) over the N
 *   trades of all series: sharpe = mean(r) / s(r) · √N, s = sample standard deviation
 *   (divisor N − 1). Not annualised, no risk-free rate; null when N < 2 or s = 0. The √N factor
 *   rewards a consistent edge over many trades rather than a few lucky ones.
 * - `returnDd`: drawdown-penalised return, netProfit − λ · maxDrawdown (`--dd-penalty λ`,
 *   default 1), both in the quote currency over the same closed trades (maxDrawdown ≥ 0: the
 *   largest fall of cumulative net PnL from its peak). Chosen over return / maxDrawdown (a
 *   Calmar-like ratio) because a difference stays finite and ordered at zero drawdown (a set
 *   whose every trade won scores its profit, instead of dividing by 0) and does not reward tiny
 *   samples (one small winning trade has an infinite ratio). λ = 1: a unit of drawdown costs a
 *   unit of profit; λ = 0 is netProfit. null (unranked, after every number) with no trade: a
 *   set that never trades is not a candidate.
 *
 * Ranking: higher score first; null scores after every number; ties by grid index (lowest
 * first), so the order never depends on which worker finished first.
 */
import { summarize } from '../backtest/summary.js';
import type { BacktestResult, Trade } from '../backtest/types.js';
import type { Metrics, Objective } from './types.js';

/**
 * mean(r) / s(r) · √N with r = pnl / stake; null when N < 2 or s = 0 (see above). Deviations
 * are taken from r[0] first (shifted data), so identical returns give s = 0 exactly rather than
 * a rounding residue and an absurd ratio.
 */
export function tradeSharpe(trades: readonly Pick<Trade, 'pnl'>[], stake: number): number | null {
  const n = trades.length;
  if (n < 2) return null;
  const r0 = trades[0]!.pnl / stake;
  let sum = 0;
  for (const t of trades) sum += t.pnl / stake - r0;
  const shift = sum / n;
  let sq = 0;
  for (const t of trades) {
    const d = t.pnl / stake - r0 - shift;
    sq += d * d;
  }
  const sd = Math.sqrt(sq / (n - 1));
  if (!(sd > 0)) return null;
  const s = ((r0 + shift) / sd) * Math.sqrt(n);
  return Number.isFinite(s) ? s : null;
}

/**
 * All series' trades in exit-time order, ties in the order of the series then of the trades:
 * exactly the order of combineResults (lib/backtest/summary.ts: a stable sort of the
 * concatenation), obtained by merging the already ordered per-series lists in O(trades · series)
 * instead of sorting (the sort was ~7% of the optimizer's time).
 */
export function mergeByExitTime(results: readonly Pick<BacktestResult, 'trades'>[]): readonly Trade[] {
  if (results.length === 1) return results[0]!.trades;
  const heads = results.map(() => 0);
  const total = results.reduce((n, r) => n + r.trades.length, 0);
  const out = new Array<Trade>(total);
  for (let k = 0; k < total; k++) {
    let best = -1;
    let bestTime = Infinity;
    for (let s = 0; s < results.length; s++) {
      const t = results[s]!.trades[heads[s]!];
      if (t !== undefined && (best === -1 || t.exitTime < bestTime)) {
        best = s;
        bestTime = t.exitTime;
      }
    }
    out[k] = results[best]!.trades[heads[best]!++]!;
  }
  return out;
}

/** The optimizer's statistics of several series' results taken together (as combineResults). */
export function metricsOf(results: readonly Pick<BacktestResult, 'trades'>[], stake: number): Metrics {
  const trades = mergeByExitTime(results);
  const s = summarize(trades, { candles: 0, firstTime: null, lastTime: null });
  return {
    trades: s.trades,
    wins: s.wins,
    losses: s.losses,
    winRate: s.winRate,
    netProfit: s.netProfit,
    grossProfit: s.grossProfit,
    grossLoss: s.grossLoss,
    profitFactor: s.profitFactor,
    maxDrawdown: s.maxDrawdown,
    fees: s.fees,
    sharpe: tradeSharpe(trades, stake),
  };
}

/** λ of `returnDd` when `--dd-penalty` is not given. */
export const DEFAULT_DD_PENALTY = 1;

export function scoreOf(m: Metrics, objective: Objective, ddPenalty = DEFAULT_DD_PENALTY): number | null {
  if (objective === 'returnDd') return m.trades === 0 ? null : m.netProfit - ddPenalty * m.maxDrawdown;
  return m[objective];
}

export interface Scored {
  readonly index: number;
  readonly score: number | null;
}

/** Sort order: score descending, null last, then grid index ascending. */
export function compareScored(a: Scored, b: Scored): number {
  if (a.score !== b.score) {
    if (a.score === null) return 1;
    if (b.score === null) return -1;
    return b.score - a.score;
  }
  return a.index - b.index;
}

/** 1-based rank of `index` among `all` (ordered with compareScored). */
export function rankOf(all: readonly Scored[], index: number): number {
  const target = all.find((s) => s.index === index);
  if (target === undefined) return 0;
  let rank = 1;
  for (const s of all) if (compareScored(s, target) < 0) rank++;
  return rank;
}
