/**
 * The trader's answer at the end of `npm start -- --replay`: a table per strategy and market
 * (closed paper trades, win rate, net PnL in the quote currency and in % of the stakes put in,
 * max drawdown of the closed-trade PnL), then the paper portfolio (starting balance → ending
 * equity, % return, max drawdown, trades, win rate, open at the end). The statistics are the
 * backtest's (lib/backtest/summary.ts, through lib/replay/trades-report.ts); this file only lays
 * them out.
 */
import { formatAmount, formatPercent, formatPrice } from '../core/format.js';
import type { MarketResult } from '../replay/trades-report.js';
import type { Summary } from '../backtest/types.js';

export interface PortfolioResult {
  /** Quote currencies of the markets traded (the ledger adds them as one amount). */
  readonly quotes: readonly string[];
  readonly startingBalance: number;
  /** Cash + stakes of open positions (closed-trade equity), plus open positions' unrealised PnL at their last mark. */
  readonly endingEquity: number;
  /** Unrealised PnL of the positions still open (included in endingEquity). */
  readonly unrealised: number;
  /** All strategies' closed trades together, in exit order. */
  readonly summary: Summary;
  readonly open: number;
}

const amount = (x: number) => formatPrice(x);
const signed = (x: number) => formatAmount(x, '', { sign: true });
/** A fraction as a percentage with 2 decimals, signed unless `sign` is false (a rate, a share). */
const percent = (fraction: number, sign = true) => (sign ? formatPercent(fraction) : formatPercent(fraction).replace(/^\+/, ''));
const winRate = (s: Summary) => (s.winRate === null ? '–' : percent(s.winRate, false));

function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** The results table and the portfolio lines. */
export function replayResultsText(markets: readonly MarketResult[], portfolio: PortfolioResult): string {
  const quotes = [...new Set(markets.map((m) => m.quote))];
  const one = quotes.length === 1 ? quotes[0]! : undefined;
  const cur = (m: MarketResult) => (one ? '' : ` ${m.quote}`);
  const header = ['strategy', 'market', 'trades', 'win rate', `net PnL${one ? ` (${one})` : ''}`, 'net % of stakes', `max drawdown${one ? ` (${one})` : ''}`, 'open at end'];
  const rows = markets.map((m) => [
    m.strategy,
    `${m.symbol} ${m.timeframe}`,
    String(m.summary.trades),
    winRate(m.summary),
    `${signed(m.summary.netProfit)}${cur(m)}`,
    m.staked > 0 ? percent(m.summary.netProfit / m.staked) : '–',
    `${amount(m.summary.maxDrawdown)}${cur(m)}`,
    String(m.open),
  ]);
  const p = portfolio;
  const pq = p.quotes.length === 1 ? p.quotes[0]! : p.quotes.length === 0 ? '' : `quote units (mixed: ${p.quotes.join(', ')})`;
  const unit = pq ? ` ${pq}` : '';
  const s = p.summary;
  return [
    `results per strategy and market (closed paper trades; PnL net of fees${one ? ` in ${one}` : ', in each market’s quote currency'}; % of the stakes put in; max drawdown of the closed-trade PnL):`,
    ...(rows.length ? table(header, rows, new Set([2, 3, 4, 5, 6, 7])).map((l) => `  ${l}`) : ['  no paper trades.']),
    `paper portfolio: ${amount(p.startingBalance)} → ${amount(p.endingEquity)}${unit} (${percent((p.endingEquity - p.startingBalance) / p.startingBalance)}` +
      `${p.open > 0 ? `, incl. ${signed(p.unrealised)} unrealised on the ${p.open} open at their last price` : ''}), ` +
      `max drawdown ${amount(s.maxDrawdown)}${unit} (${percent(s.maxDrawdown / p.startingBalance, false)} of the starting balance), ` +
      `${s.trades} trades, win rate ${winRate(s)}, ${p.open} open at the end.`,
  ].join('\n');
}
