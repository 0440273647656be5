/** Printing backtest results: the `--json` document and the readable tables. */
import { commonQuote, formatPercent, formatPrice } from '../core/format.js';
import { meanBuyAndHold, strategyReturn } from './summary.js';
import type { BacktestResult, CombinedResult, Summary, Trade } from './types.js';

/** The trade fields of the `--json` document, in this order. */
export const JSON_TRADE_KEYS = ['symbol', 'side', 'entryTime', 'entryPrice', 'exitTime', 'exitPrice', 'exitReason', 'pnl'] as const;

/** The `--json` trade; a `rule` exit also carries the strategy's reason (`exitNote`, after exitReason). */
export type JsonTrade = Pick<Trade, (typeof JSON_TRADE_KEYS)[number]> & Pick<Trade, 'exitNote'>;

export interface JsonReport {
  readonly trades: JsonTrade[];
  readonly summary: Summary;
}

/** One trade as the `--json` document writes it (also the replay's `--trades-json`, lib/replay/trades-report.ts). */
export function jsonTrade(t: JsonTrade): JsonTrade {
  return {
    symbol: t.symbol,
    side: t.side,
    entryTime: t.entryTime,
    entryPrice: t.entryPrice,
    exitTime: t.exitTime,
    exitPrice: t.exitPrice,
    exitReason: t.exitReason,
    ...(t.exitNote === undefined ? {} : { exitNote: t.exitNote }),
    pnl: t.pnl,
  };
}

/** `{ trades: [...], summary }` for all series together (trades in exit-time order). */
export function jsonReport(combined: CombinedResult): JsonReport {
  return { trades: combined.trades.map(jsonTrade), summary: combined.summary };
}

/** A number with 6 significant digits as a plain decimal (lib/core/format.ts formatPrice: never `e` notation); `–` for null. */
export function fmt(x: number | null): string {
  return x === null ? '–' : formatPrice(x);
}

/** A fraction as a signed percentage (`+12.34%`); `–` for null. */
export const pctSigned = (x: number | null): string => (x === null ? '–' : formatPercent(x));

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const day = (t: number | null): string => (t === null ? '–' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));

function headers(quote: string): string[] {
  const q = quote ? ` (${quote})` : '';
  return ['series', 'from', 'to', 'candles', 'trades', 'wins', 'losses', 'win rate', `net profit${q}`, 'return', 'buy & hold', 'profit factor', `max drawdown${q}`, `fees${q}`];
}

function row(label: string, s: Summary, ret: number | null, hold: number | null): string[] {
  return [
    label,
    day(s.firstTime),
    day(s.lastTime),
    String(s.candles),
    String(s.trades),
    String(s.wins),
    String(s.losses),
    pct(s.winRate),
    fmt(s.netProfit),
    pctSigned(ret),
    pctSigned(hold),
    fmt(s.profitFactor),
    fmt(s.maxDrawdown),
    fmt(s.fees),
  ];
}

/**
 * A fixed-width table: one row per series and a TOTAL row (profit factor `–` = no losing trade).
 * Amounts are in the quote currency named in the header (when the series share one); return =
 * net profit / (stake × series); buy & hold = first open → last close of the series (TOTAL: their
 * mean); max drawdown is a positive magnitude.
 */
export function summaryTable(results: readonly BacktestResult[], combined: CombinedResult, stake?: number): string {
  const HEADERS = headers(commonQuote(results.map((r) => r.symbol)));
  const ret = (s: Summary, n: number): number | null => (stake === undefined ? null : strategyReturn(s.netProfit, stake, n));
  const holds = results.map((r) => r.buyAndHold ?? null);
  const rows = [
    HEADERS,
    ...results.map((r, k) => row(`${r.symbol} ${r.timeframe}`, r.summary, ret(r.summary, 1), holds[k]!)),
    row('TOTAL', combined.summary, ret(combined.summary, results.length), meanBuyAndHold(holds)),
  ];
  const widths = HEADERS.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: readonly string[]): string => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const body = rows.map(line);
  return [body[0], rule, ...body.slice(1, -1), rule, body[body.length - 1]].join('\n');
}

/** Exit reasons per series, e.g. `ETH/BTC 5m: stop 120, target 40, signal 150, end 1`. */
export function reasonLine(r: BacktestResult): string {
  const counts = new Map<string, number>();
  for (const t of r.trades) counts.set(t.exitReason, (counts.get(t.exitReason) ?? 0) + 1);
  const parts = [...counts].map(([k, v]) => `${k} ${v}`);
  return `${r.symbol} ${r.timeframe}: exits ${parts.length ? parts.join(', ') : 'none'}`;
}
