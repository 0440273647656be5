/** Printing backtest results: the `--json` document and the readable tables. */
import type { BacktestResult, CombinedResult, Summary, Trade } from './types.js';

/** The trade fields of the `--json` document, in this order. */
export const JSON_TRADE_KEYS = ['symbol', 'side', 'entryTime', 'entryPrice', 'exitTime', 'exitPrice', 'exitReason', 'pnl'] as const;

export type JsonTrade = Pick<Trade, (typeof JSON_TRADE_KEYS)[number]>;

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
    pnl: t.pnl,
  };
}

/** `{ trades: [...], summary }` for all series together (trades in exit-time order). */
export function jsonReport(combined: CombinedResult): JsonReport {
  return { trades: combined.trades.map(jsonTrade), summary: combined.summary };
}

/** 6 significant digits, no exponent for ordinary magnitudes; `–` for null. */
export function fmt(x: number | null): string {
  if (x === null) return '–';
  if (x === 0) return '0';
  const s = Math.abs(x) >= 1e-4 && Math.abs(x) < 1e15 ? String(Number(x.toPrecision(6))) : x.toExponential(5);
  return s;
}

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)}%`);
const day = (t: number | null): string => (t === null ? '–' : new Date(t).toISOString().slice(0, 16).replace('T', ' '));

const HEADERS = ['series', 'from', 'to', 'candles', 'trades', 'wins', 'losses', 'win rate', 'net profit', 'profit factor', 'max drawdown', 'fees'];

function row(label: string, s: Summary): string[] {
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
    fmt(s.profitFactor),
    fmt(s.maxDrawdown),
    fmt(s.fees),
  ];
}

/** A fixed-width table: one row per series and a TOTAL row (profit factor `–` = no losing trade). */
export function summaryTable(results: readonly BacktestResult[], combined: CombinedResult): string {
  const rows = [HEADERS, ...results.map((r) => row(`${r.symbol} ${r.timeframe}`, r.summary)), row('TOTAL', combined.summary)];
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
