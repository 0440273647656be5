/**
 * Pure text of the market-data commands (/signals, /positions, /pnl, /chart's text fallback):
 * Telegram HTML lines, every stored or exchange-supplied string escaped, numbers through
 * formatPrice. One item per line so the paginator never splits an item.
 */
import { escapeHtml, formatPrice, formatUtc } from '../../core/format.js';
import type { PositionMark, StoredOpenPosition } from '../../ports/positions.js';
import type { Summary } from '../../backtest/types.js';
import type { RecentSignal } from '../../ports/recent-signals.js';

const e = escapeHtml;

/** A signed amount: `+12.3457`, `-0.5`, `0`. */
export function formatSigned(value: number, significant = 6): string {
  const text = formatPrice(value, significant);
  return value > 0 ? `+${text}` : text;
}

/** `66.7%`; `—` when undefined. */
export function formatPercent(fraction: number | null): string {
  return fraction === null || !Number.isFinite(fraction) ? '—' : `${(fraction * 100).toFixed(1)}%`;
}

const sideLabel = (side: 'long' | 'short'): string => (side === 'long' ? '🟢 LONG' : '🔴 SHORT');

/** One /signals line: time, market, strategy, side and levels. */
export function signalLine(s: RecentSignal, showExchange: boolean): string {
  const where = showExchange ? ` (${e(s.exchange)})` : '';
  return (
    `<code>${formatUtc(s.createdAt)}</code> <b>${e(s.symbol)}</b>${where} ${e(s.timeframe)} · ${e(s.strategy)} · ${sideLabel(s.side)}` +
    ` · entry ${formatPrice(s.entry)} · stop ${formatPrice(s.stop)} · target ${formatPrice(s.target)}`
  );
}

/** The price an open position is valued at: live from the exchange, or the monitor's last mark, or none. */
export type Valuation =
  | { readonly kind: 'live'; readonly mark: PositionMark }
  | { readonly kind: 'stored'; readonly mark: PositionMark }
  | { readonly kind: 'unavailable' };

/** One /positions line. */
export function positionLine(stored: StoredOpenPosition, valuation: Valuation, showExchange: boolean): string {
  const p = stored.position;
  const where = showExchange ? ` (${e(stored.meta.exchange)})` : '';
  const head =
    `<b>${e(p.symbol)}</b>${where} ${e(stored.meta.timeframe)} · ${e(stored.meta.strategy)} · ${sideLabel(p.side)}` +
    ` · stake ${formatPrice(p.stake, 6)} · entry ${formatPrice(p.entryPrice)} · stop ${formatPrice(p.stop)} · target ${formatPrice(p.target)}`;
  if (valuation.kind === 'unavailable') return `${head} · <i>price unavailable</i>`;
  const { price, unrealisedPnl, at } = valuation.mark;
  const pct = p.stake > 0 ? ` (${formatSigned((unrealisedPnl / p.stake) * 100, 3)}%)` : '';
  const stale = valuation.kind === 'stored' ? ` <i>(live price unavailable; mark of ${formatUtc(at)})</i>` : '';
  return `${head} · now ${formatPrice(price)} · PnL ${formatSigned(unrealisedPnl)}${pct}${stale}`;
}

/** The heading of /positions: count, stake and the unrealised PnL of the valued positions. */
export function positionsTitle(rows: readonly { readonly stored: StoredOpenPosition; readonly valuation: Valuation }[], truncated: boolean): string {
  let stake = 0;
  let pnl = 0;
  let unvalued = 0;
  for (const { stored, valuation } of rows) {
    stake += stored.position.stake;
    if (valuation.kind === 'unavailable') unvalued++;
    else pnl += valuation.mark.unrealisedPnl;
  }
  const missing = unvalued > 0 ? ` (${unvalued} without a price)` : '';
  const more = truncated ? ' — more are open than listed' : '';
  return `<b>Open positions: ${rows.length}</b> · stake ${formatPrice(stake, 6)} · unrealised PnL ${formatSigned(pnl)}${missing}${more}`;
}

export const PNL_PERIODS = ['7d', '30d', 'all'] as const;
export type PnlPeriod = (typeof PNL_PERIODS)[number];

export function periodLabel(period: PnlPeriod): string {
  return period === 'all' ? 'all time' : `last ${period === '7d' ? 7 : 30} days`;
}

/** /pnl lines: the overall statistics, then one line per strategy. */
export function pnlLines(total: Summary, byStrategy: readonly { readonly strategy: string; readonly summary: Summary }[]): string[] {
  const lines = [
    `Trades: <b>${total.trades}</b> (${total.wins} won, ${total.losses} lost) · win rate ${formatPercent(total.winRate)}`,
    `Net PnL: <b>${formatSigned(total.netProfit)}</b> (fees ${formatPrice(total.fees, 6)})`,
    `Profit factor: ${total.profitFactor === null ? '— (no losing trade)' : total.profitFactor.toFixed(2)} · max drawdown ${formatPrice(total.maxDrawdown, 6)}`,
  ];
  if (byStrategy.length > 1) {
    lines.push('');
    for (const { strategy, summary: s } of byStrategy) {
      lines.push(`${e(strategy)}: ${s.trades} trades · win rate ${formatPercent(s.winRate)} · net ${formatSigned(s.netProfit)}`);
    }
  }
  return lines;
}

/** A short text of the chart's candles when the image cannot be produced. */
export function candleSummary(rows: readonly (readonly [number, number, number, number, number])[]): string {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return 'no candles';
  let high = -Infinity;
  let low = Infinity;
  for (const r of rows) {
    high = Math.max(high, r[2]);
    low = Math.min(low, r[3]);
  }
  const change = first[1] > 0 ? (last[4] - first[1]) / first[1] : null;
  return (
    `last close ${formatPrice(last[4])} (${formatUtc(last[0])} open) · ` +
    `${change === null ? '—' : `${formatSigned(change * 100, 3)}%`} over ${rows.length} candles · high ${formatPrice(high)} · low ${formatPrice(low)}`
  );
}
