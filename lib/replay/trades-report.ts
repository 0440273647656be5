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
import { summarize, type CandleSpan } from '../backtest/summary.js';
import type { Summary, Trade } from '../backtest/types.js';
import type { Side } from '../core/positions/index.js';
import { quoteCurrency } from '../core/format.js';
import { PermanentError } from '../errors.js';
import type { PositionQueries, StoredOpenPosition, TradeRecord } from '../ports/positions.js';
import type { OhlcvFile } from '../backtest/ohlcv-files.js';

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
  const { symbol, side, entryTime, entryPrice, exitTime, exitPrice, exitReason, exitNote, pnl, fees, bars } = t;
  return { symbol, side, entryTime, entryPrice, exitTime, exitPrice, exitReason, ...(exitNote === undefined ? {} : { exitNote }), pnl, fees, bars };
}

/** The replay's closed trades (per strategy, in the backtest's order) and open positions, read once from the ledger. */
export interface ReplayLedger {
  readonly strategies: ReadonlyMap<string, { readonly trades: readonly TradeRecord[]; readonly open: readonly StoredOpenPosition[] }>;
  readonly span: CandleSpan;
}

/** Reads the replay's ledger (fresh tables: everything in them is the replay's). Throws on a corrupt or truncated read: a report is complete or not written. */
export async function readReplayLedger(
  store: Pick<PositionQueries, 'listTrades' | 'listOpen'>,
  strategies: readonly string[],
  files: readonly OhlcvFile[],
): Promise<ReplayLedger> {
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
  const out = new Map<string, { trades: TradeRecord[]; open: StoredOpenPosition[] }>();
  for (const name of new Set(strategies)) {
    const { trades, corrupt } = await store.listTrades(name, TRADE_LIMIT);
    if (corrupt.length > 0) throw new PermanentError(`replay trades of ${name}: ${corrupt.length} corrupt trade rows`, { code: 'REPLAY_REPORT' });
    const sorted = [...trades].sort(
      (a, b) => a.exitTime - b.exitTime || seriesOf(a.symbol, a.timeframe) - seriesOf(b.symbol, b.timeframe) || a.entryTime - b.entryTime,
    );
    const open = listed.positions
      .filter((p) => p.meta.strategy === name)
      .sort((a, b) => seriesOf(a.position.symbol, a.meta.timeframe) - seriesOf(b.position.symbol, b.meta.timeframe) || a.position.entryTime - b.position.entryTime);
    out.set(name, { trades: sorted, open });
  }
  return { strategies: out, span };
}

/** The ledger in the backtest's `--json` format, per strategy. */
export function tradesReportOf(ledger: ReplayLedger): ReplayTradesReport {
  const out: Record<string, ReplayStrategyTrades> = {};
  for (const [name, { trades, open }] of ledger.strategies) {
    out[name] = {
      trades: trades.map(jsonTrade),
      summary: summarize(trades.map(toTrade), ledger.span),
      open: open.map(({ position: p }) => ({ symbol: p.symbol, side: p.side, entryTime: p.entryTime, entryPrice: p.entryPrice })),
    };
  }
  return { strategies: out };
}

/** Reads the ledger and returns it in the backtest's format (see the top of this file). */
export async function replayTradesReport(
  store: Pick<PositionQueries, 'listTrades' | 'listOpen'>,
  strategies: readonly string[],
  files: readonly OhlcvFile[],
): Promise<ReplayTradesReport> {
  return tradesReportOf(await readReplayLedger(store, strategies, files));
}

/** One strategy on one market (symbol and timeframe): the backtest's statistics of its closed trades. */
export interface MarketResult {
  readonly strategy: string;
  readonly symbol: string;
  readonly timeframe: string;
  /** The symbol's quote currency (PnL is in it). */
  readonly quote: string;
  /** lib/backtest/summary.ts over these trades, in exit order (max drawdown of the closed-trade PnL). */
  readonly summary: Summary;
  /** Sum of the stakes put into these trades (quote currency). */
  readonly staked: number;
  /** Still open at the end of the data. */
  readonly open: number;
}


/** Per strategy and market, every market a strategy traded or holds (strategy order, then first trade). */
export function marketResults(ledger: ReplayLedger): MarketResult[] {
  const out: MarketResult[] = [];
  for (const [strategy, { trades, open }] of ledger.strategies) {
    const markets = new Map<string, { symbol: string; timeframe: string; trades: TradeRecord[]; open: number }>();
    const at = (symbol: string, timeframe: string) => {
      const key = seriesKey(symbol, timeframe);
      const m = markets.get(key) ?? { symbol, timeframe, trades: [], open: 0 };
      markets.set(key, m);
      return m;
    };
    for (const t of trades) at(t.symbol, t.timeframe).trades.push(t);
    for (const p of open) at(p.position.symbol, p.meta.timeframe).open++;
    for (const m of markets.values()) {
      out.push({
        strategy,
        symbol: m.symbol,
        timeframe: m.timeframe,
        quote: quoteCurrency(m.symbol) || m.symbol,
        summary: summarize(m.trades.map(toTrade), ledger.span),
        staked: m.trades.reduce((n, t) => n + t.stake, 0),
        open: m.open,
      });
    }
  }
  return out;
}

/** Every strategy's closed trades together, in exit order (the portfolio's closed-trade equity path). */
export function allTrades(ledger: ReplayLedger): Trade[] {
  return [...ledger.strategies.values()].flatMap((s) => s.trades.map(toTrade)).sort((a, b) => a.exitTime - b.exitTime);
}
