/**
 * The daily summary (sent once a day after 00:00 UTC for the UTC day before). Pure. Every
 * exchange/config string is escaped; amounts are formatted, never interpolated raw.
 */
import { formatSigned } from './dashboard-text.js';
import { commonQuote, escapeHtml, formatPrice, quoteCurrency } from './format.js';

/** Strategies listed one per line at most (the rest are summed up in one line). */
export const SUMMARY_MAX_STRATEGIES = 20;

export interface SummaryTrade {
  readonly strategy: string;
  readonly exchange: string;
  readonly symbol: string;
  readonly side: 'long' | 'short';
  readonly pnl: number;
  readonly fees: number;
  readonly stake: number;
}

export interface DailySummaryData {
  /** The UTC day summarised, `yyyy-mm-dd`. */
  readonly date: string;
  /** Paper trades closed during that day. */
  readonly trades: readonly SummaryTrade[];
  /** More trades were closed than were read. */
  readonly truncated: boolean;
  readonly portfolio?: { readonly start: number; readonly available: number; readonly reserved: number; readonly openCount: number };
}

interface Totals {
  count: number;
  wins: number;
  losses: number;
  pnl: number;
  fees: number;
}

const empty = (): Totals => ({ count: 0, wins: 0, losses: 0, pnl: 0, fees: 0 });

function add(t: Totals, trade: SummaryTrade): void {
  t.count++;
  if (trade.pnl > 0) t.wins++;
  else if (trade.pnl < 0) t.losses++;
  t.pnl += trade.pnl;
  t.fees += trade.fees;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** " BTC" after an amount when the currency is known, else nothing. */
const unit = (currency: string): string => (currency ? ` ${escapeHtml(currency)}` : '');

function tradeLabel(t: SummaryTrade): string {
  return `${escapeHtml(t.symbol)} ${t.side.toUpperCase()} (<code>${escapeHtml(t.strategy)}</code>, ${escapeHtml(t.exchange)}) <code>${formatSigned(t.pnl)}${unit(quoteCurrency(t.symbol))}</code>`;
}

export function renderDailySummaryText(data: DailySummaryData): string {
  const lines = [`<b>🗓 Daily summary ${escapeHtml(data.date)}</b> (UTC)`];
  const all = empty();
  const byStrategy = new Map<string, Totals>();
  for (const trade of data.trades) {
    add(all, trade);
    let s = byStrategy.get(trade.strategy);
    if (!s) byStrategy.set(trade.strategy, (s = empty()));
    add(s, trade);
  }
  const more = data.truncated ? '+' : '';
  // Totals name the quote currency when every trade has the same one.
  const cur = unit(commonQuote(data.trades.map((t) => t.symbol)));

  if (all.count === 0) lines.push(`no paper trade closed${data.truncated ? ' (list incomplete)' : ''}`);
  else {
    const decided = all.wins + all.losses;
    const rate = decided > 0 ? ` (${((all.wins / decided) * 100).toFixed(0)} % won)` : '';
    lines.push(
      `closed trades: ${all.count}${more} · ${plural(all.wins, 'win')} / ${plural(all.losses, 'loss', 'losses')}${rate}`,
      `net PnL <code>${formatSigned(all.pnl)}${cur}</code> · fees <code>${formatPrice(all.fees, 6)}${cur}</code>`,
    );
    const sorted = [...data.trades].sort((a, b) => b.pnl - a.pnl);
    const best = sorted[0]!;
    const worstTrade = sorted[sorted.length - 1]!;
    lines.push(`best ${tradeLabel(best)}`);
    if (sorted.length > 1) lines.push(`worst ${tradeLabel(worstTrade)}`);

    lines.push('', '<b>By strategy</b>');
    const strategies = [...byStrategy.entries()].sort((a, b) => b[1].pnl - a[1].pnl || a[0].localeCompare(b[0]));
    for (const [name, t] of strategies.slice(0, SUMMARY_MAX_STRATEGIES)) {
      lines.push(`<code>${escapeHtml(name)}</code>: ${plural(t.count, 'trade')}, ${t.wins}/${t.losses} won/lost, PnL <code>${formatSigned(t.pnl)}${cur}</code>`);
    }
    const rest = strategies.slice(SUMMARY_MAX_STRATEGIES);
    if (rest.length > 0) {
      const pnl = rest.reduce((sum, [, t]) => sum + t.pnl, 0);
      lines.push(`… ${plural(rest.length, 'more strategy', 'more strategies')}, PnL <code>${formatSigned(pnl)}${cur}</code>`);
    }
  }

  if (data.portfolio) {
    const pf = data.portfolio;
    lines.push(
      '',
      `portfolio: cash + stakes <code>${formatPrice(pf.available + pf.reserved, 8)}</code> (start <code>${formatPrice(pf.start, 8)}</code>) · ${plural(pf.openCount, 'open position')}`,
    );
  }
  return lines.join('\n');
}
