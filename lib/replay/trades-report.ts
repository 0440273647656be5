/**
 * The paper trades of a replay in the backtest's `--json` format (`npm start -- --replay <dir>
 * --trades-json <file>`), so a replay can be diffed against `npm run backtest -- --json` on the
 * same files, per strategy:
 *
 *   { "strategies": { "<name>": { "trades": [...], "summary": {...}, "open": [...] } } }
 *
 * - `trades`: the closed paper trades (the ledger's trade rows), each exactly as the backtest
 *   writes a trade (lib/backtest/format.ts `jsonTrade`), in the backtest's order: exit time, then
 *   series (file) order, then entry time. `pnl` is the ledger's (rounded to 1e-10, ../portfolio/money.ts).
 * - `summary`: the backtest's summary (lib/backtest/summary.ts) of those closed trades over the
 *   replayed candles.
 * - `open`: positions still open when the data ended, `{symbol, side, entryTime, entryPrice}`;
 *   the backtest closes these at the last close with reason `end` (./parity.ts).
 */
import { jsonTrade, type JsonTrade } from '../backtest/format.js';
import { summarize } from '../backtest/summary.js';
import type { Summary, Trade } from '../backtest/types.js';
import type { Side } from '../core/positions/index.js';
import { PermanentError } from '../errors.js';
import type { PositionQueries, TradeRecord } from '../ports/positions.js';
import type { OhlcvFile } from './ohlcv-files.js';

export interface ReplayOpenPosition {
  readonly symbol: string;
  readonly side: Side;
  readonly entryTime: number;
  readonly entryPrice: number;
}

export interface ReplayStrategyTrades {
  readonly trades: JsonTrade[];
  readonly summary: Summary;
  readonly open: ReplayOpenPosition[];
}

export interface ReplayTradesReport {
  readonly strategies: Record<string, ReplayStrategyTrades>;
}

/** More trade rows than any replay writes (1000 open positions at most, ≤ 1 trade per candle and strategy and market). */
const TRADE_LIMIT = 10_000_000;
/** The monitor's own bound (maxOpenPositions ≤ 1000). */
const OPEN_LIMIT = 1000;

const seriesKey = (symbol: string, timeframe: string) => `${symbol}|${timeframe}`;

function toTrade(t: TradeRecord): Trade {
  const { symbol, side, entryTime, entryPrice, exitTime, exitPrice, exitReason, pnl, fees, bars } = t;
  return { symbol, side, entryTime, entryPrice, exitTime, exitPrice, exitReason, pnl, fees, bars };
}

/** Reads the replay's ledger (fresh tables: everything in them is the replay's). Throws on a corrupt or truncated read: a report is complete or not written. */
export async function replayTradesReport(
  store: Pick<PositionQueries, 'listTrades' | 'listOpen'>,
  strategies: readonly string[],
  files: readonly OhlcvFile[],
): Promise<ReplayTradesReport> {
  const order = new Map(files.map((f, k) => [seriesKey(f.symbol, f.timeframe), k]));
  const seriesOf = (symbol: string, timeframe: string) => order.get(seriesKey(symbol, timeframe)) ?? files.length;
  const listed = await store.listOpen(OPEN_LIMIT);
  if (listed.truncated || listed.corrupt.length > 0) {
    throw new PermanentError(`replay trades: open positions ${listed.truncated ? 'truncated' : `with ${listed.corrupt.length} corrupt rows`}`, { code: 'REPLAY_REPORT' });
  }
  const span = {
    candles: files.reduce((n, f) => n + f.rows.length, 0),
    firstTime: files.length ? Math.min(...files.map((f) => Number(f.rows[0]?.[0] ?? Infinity))) : null,
    lastTime: files.length ? Math.max(...files.map((f) => Number(f.rows.at(-1)?.[0] ?? -Infinity))) : null,
  };
  const out: Record<string, ReplayStrategyTrades> = {};
  for (const name of new Set(strategies)) {
    const { trades, corrupt } = await store.listTrades(name, TRADE_LIMIT);
    if (corrupt.length > 0) throw new PermanentError(`replay trades of ${name}: ${corrupt.length} corrupt trade rows`, { code: 'REPLAY_REPORT' });
    const sorted = [...trades].sort(
      (a, b) => a.exitTime - b.exitTime || seriesOf(a.symbol, a.timeframe) - seriesOf(b.symbol, b.timeframe) || a.entryTime - b.entryTime,
    );
    const open = listed.positions
      .filter((p) => p.meta.strategy === name)
      .sort((a, b) => seriesOf(a.position.symbol, a.meta.timeframe) - seriesOf(b.position.symbol, b.meta.timeframe) || a.position.entryTime - b.position.entryTime)
      .map(({ position: p }) => ({ symbol: p.symbol, side: p.side, entryTime: p.entryTime, entryPrice: p.entryPrice }));
    out[name] = { trades: sorted.map(jsonTrade), summary: summarize(sorted.map(toTrade), span), open };
  }
  return { strategies: out };
}
