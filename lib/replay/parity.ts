/**
 * Same candles, same trades: compares a replay's paper trades (./trades-report.ts) with the
 * backtest's trades of the same strategy on the same files (`npm run backtest -- --json`).
 *
 * The contract (README "Position rules"):
 * - Every backtest trade that did not end with the data (reason ≠ `end`) is a closed paper trade
 *   with the same symbol, side, entry time and price, exit time and price, exit reason and, for an
 *   exit by the strategy's rule, its note (compared exactly), and a PnL equal within PNL_RELATIVE × |pnl| or PNL_ABSOLUTE, whichever
 *   is larger (the ledger rounds amounts to 10 decimals). In the same order.
 * - The only allowed difference is at the end of the data: a backtest trade with reason `end`
 *   (closed at the last close) is a paper position still OPEN with the same symbol, side, entry
 *   time and price — the replay has no "end", the data just stops. Nothing else: no paper trade
 *   without its backtest trade, no open position without its `end` trade.
 */
import type { JsonTrade } from '../backtest/format.js';
import type { ReplayOpenPosition } from './trades-report.js';

export const PNL_RELATIVE = 1e-9;
/**
 * The ledger books gross and fees each rounded to 1e-10, and pnl = their difference rounded
 * again (../portfolio/money.ts): at most 1.5e-10 from the unrounded PnL, plus float noise.
 */
export const PNL_ABSOLUTE = 2e-10;

export interface ParityReport {
  /** Backtest trades (reason ≠ end) matched by an equal closed paper trade. */
  readonly matched: number;
  /** Backtest `end` trades matched by a still-open paper position. */
  readonly endOfData: number;
  /** Backtest trades (reason ≠ end) with no paper trade of the same symbol, side and entry time. */
  readonly missing: number;
  /** Paper trades with no backtest trade of the same symbol, side and entry time. */
  readonly extra: number;
  /** Same symbol, side and entry time, but another entry price, exit or PnL. */
  readonly different: number;
  /** Open positions without an `end` trade, or `end` trades without an open position. */
  readonly endMismatch: number;
  /** The matched trades come in another order (only checked when nothing else differs). */
  readonly orderDiffers: boolean;
  /** One line per difference (empty when the two agree). */
  readonly differences: readonly string[];
}

const key = (t: { symbol: string; side: string; entryTime: number }) => `${t.symbol} ${t.side} entry ${new Date(t.entryTime).toISOString()}`;

export function pnlAgrees(paper: number, backtest: number): boolean {
  return Math.abs(paper - backtest) <= Math.max(PNL_RELATIVE * Math.abs(backtest), PNL_ABSOLUTE);
}

function fieldDifferences(paper: JsonTrade, bt: JsonTrade): string[] {
  const out: string[] = [];
  for (const f of ['entryPrice', 'exitTime', 'exitPrice', 'exitReason', 'exitNote'] as const) {
    if (paper[f] !== bt[f]) out.push(`${f} ${String(paper[f])} vs ${String(bt[f])}`);
  }
  if (!pnlAgrees(paper.pnl, bt.pnl)) out.push(`pnl ${paper.pnl} vs ${bt.pnl}`);
  return out;
}

export function compareWithBacktest(replay: { readonly trades: readonly JsonTrade[]; readonly open: readonly ReplayOpenPosition[] }, backtest: { readonly trades: readonly JsonTrade[] }): ParityReport {
  const differences: string[] = [];
  const closedBt = backtest.trades.filter((t) => t.exitReason !== 'end');
  const endBt = backtest.trades.filter((t) => t.exitReason === 'end');

  const paperByKey = new Map<string, JsonTrade>();
  for (const t of replay.trades) {
    if (paperByKey.has(key(t))) differences.push(`paper trade twice: ${key(t)}`);
    paperByKey.set(key(t), t);
  }
  let matched = 0;
  let missing = 0;
  let different = 0;
  const seen = new Set<string>();
  for (const bt of closedBt) {
    const paper = paperByKey.get(key(bt));
    seen.add(key(bt));
    if (!paper) {
      missing++;
      differences.push(`missing in the replay: ${key(bt)} → ${bt.exitReason} at ${new Date(bt.exitTime).toISOString()}`);
      continue;
    }
    const diff = fieldDifferences(paper, bt);
    if (diff.length > 0) {
      different++;
      differences.push(`different: ${key(bt)} (paper vs backtest): ${diff.join(', ')}`);
    } else matched++;
  }
  let extra = 0;
  for (const t of replay.trades) {
    if (seen.has(key(t))) continue;
    extra++;
    differences.push(`extra in the replay: ${key(t)} → ${t.exitReason} at ${new Date(t.exitTime).toISOString()}`);
  }

  let endOfData = 0;
  let endMismatch = 0;
  const openByKey = new Map(replay.open.map((p) => [key(p), p]));
  for (const bt of endBt) {
    const open = openByKey.get(key(bt));
    if (open && open.entryPrice === bt.entryPrice) {
      endOfData++;
      openByKey.delete(key(bt));
    } else {
      endMismatch++;
      differences.push(`backtest ends ${key(bt)} with the data, but the replay has no such open position`);
    }
  }
  for (const p of openByKey.values()) {
    endMismatch++;
    differences.push(`open in the replay without a backtest 'end' trade: ${key(p)}`);
  }

  const orderDiffers = differences.length === 0 && replay.trades.some((t, i) => key(t) !== key(closedBt[i]!));
  if (orderDiffers) differences.push('the trades are equal but come in another order');
  return { matched, endOfData, missing, extra, different, endMismatch, orderDiffers, differences };
}
