/**
 * The backtest engine: one strategy over one symbol's candles, one position at a time, with
 * the very same strategy code (`evaluateAll`) and position rules (lib/core/positions) as live.
 *
 * For each candle i, in order:
 *   1. the open position (if any) is checked against candle i (`stepOpenPosition`'s rules: gaps,
 *      stop, target, time exit, trailing stop; run over the whole stretch of candles between two
 *      signals at once by `advanceOpenPosition`); an exit is settled into a Trade;
 *   2. while a position is still open after step 1 and the strategy's exit rule (`exitsAll`) fires
 *      for its side on the close of i: exit at open[i+1] (slippage as a `signal` exit), reason
 *      `rule`, the rule's reason as the trade's `exitNote` (no exit on the last candle: no next open);
 *   3. a signal on the close of i (entry reference open[i+1], its stop and target as given):
 *      - no position (none, or it exited in step 1 or 2): open at open[i+1];
 *      - opposite position: exit at open[i+1] (reason `signal`) and open the reverse position at
 *        that same price;
 *      - same-direction position: ignored.
 *      A signal on the last candle has no next open: it is ignored.
 * A position still open after the last candle exits at the last close (reason `end`).
 * Rows are used as given: a gap in the data is just the next row.
 */
import { positionRules } from '../core/positions/rules.js';
import { advanceOpenPosition, closeAt, openFromSignal, settle } from '../core/positions/position.js';
import type { ClosingPosition, OpenPosition } from '../core/positions/types.js';
import type { ExitIntent } from '../core/strategies/types.js';
import { PermanentError } from '../errors.js';
import { buyAndHoldReturn, equityCurve, summarize } from './summary.js';
import type { BacktestInput, BacktestResult, Trade } from './types.js';

function toTrade(c: ClosingPosition, exitNote?: string): Trade {
  const p = settle(c);
  // Plain literals, no spread: a spread in the middle of a literal makes every property after it a
  // runtime call, once per trade of every optimiser set.
  if (exitNote !== undefined) {
    return { symbol: p.symbol, side: p.side, entryTime: p.entryTime, entryPrice: p.entryPrice, exitTime: p.exitTime, exitPrice: p.exitPrice, exitReason: p.exitReason, exitNote, pnl: p.pnl, fees: p.fees, bars: p.bars, stop: p.stop, target: p.target };
  }
  return { symbol: p.symbol, side: p.side, entryTime: p.entryTime, entryPrice: p.entryPrice, exitTime: p.exitTime, exitPrice: p.exitPrice, exitReason: p.exitReason, pnl: p.pnl, fees: p.fees, bars: p.bars, stop: p.stop, target: p.target };
}

function badSignals(strategy: string, after: number, index: number): never {
  throw new PermanentError(`${strategy}: evaluateAll must return signals in strictly increasing index order; got index ${index} after ${after}`, {
    code: 'BAD_SIGNALS',
  });
}

const NO_EXITS: readonly ExitIntent[] = Object.freeze([]);

/** Exits in increasing index order, at most one per (index, side), at integer indices in [0, n). */
function checkExits(strategy: string, exits: readonly ExitIntent[], n: number): void {
  let prev: ExitIntent | null = null;
  for (const x of exits) {
    const ordered = prev === null || x.index > prev.index || (x.index === prev.index && x.side !== prev.side);
    if (!(Number.isInteger(x.index) && x.index >= 0 && x.index < n && ordered && (x.side === 'long' || x.side === 'short'))) {
      throw new PermanentError(
        `${strategy}: exitsAll must return exits at candle indices in increasing order, at most one per index and side; got ${JSON.stringify({ index: x.index, side: x.side })} after ${JSON.stringify(prev === null ? null : { index: prev.index, side: prev.side })}`,
        { code: 'BAD_SIGNALS' },
      );
    }
    prev = x;
  }
}

export function runBacktest<P extends object>(input: BacktestInput<P>): BacktestResult {
  const { symbol, timeframe, candles } = input;
  const trades = backtestTrades(input);
  const n = candles.close.length;
  const span = { candles: n, firstTime: n > 0 ? candles.time[0]! : null, lastTime: n > 0 ? candles.time[n - 1]! : null };
  return { symbol, timeframe, trades, summary: summarize(trades, span), equity: equityCurve(trades), buyAndHold: buyAndHoldReturn(candles) };
}

/**
 * The trades of `runBacktest` alone, without its per-series summary, equity curve and
 * buy-and-hold (the optimiser summarises the trades of all series together, per set).
 */
export function backtestTrades<P extends object>(input: BacktestInput<P>): Trade[] {
  const { symbol, timeframe, candles, strategy, params, stake } = input;
  if (!(Number.isFinite(stake) && stake > 0)) {
    throw new PermanentError(`stake must be a finite number > 0, got ${String(stake)}`, { code: 'BAD_BACKTEST_INPUT' });
  }
  const rules = positionRules({
    feeRate: input.feeRate,
    slippageBps: input.slippageBps ?? 0,
    trailAtr: input.trailAtr ?? null,
    maxBars: input.maxBars ?? null,
  });
  const context = { timeframe };
  const intents = strategy.evaluateAll(candles, params, input.cache, context);
  const exits = strategy.exitsAll === undefined ? NO_EXITS : strategy.exitsAll(candles, params, input.cache, context);
  const { time, open, close } = candles;
  const n = close.length;
  const trades: Trade[] = [];
  let pos: OpenPosition | null = null;
  let k = 0;
  let x = 0;
  let nextSignal = intents.length > 0 ? intents[0]!.index : n;
  if (!(Number.isInteger(nextSignal) && nextSignal >= 0)) badSignals(strategy.name, -1, nextSignal);
  checkExits(strategy.name, exits, n);

  // Candles from..upTo inclusive: step 1 for each (advanceOpenPosition), then steps 2 and 3 on
  // upTo, which is the next signal or the next rule exit of the held side, whichever comes first.
  // An index that can never match a row (≥ n, not an integer) ends the signals, as in a
  // candle-by-candle loop.
  for (let from = 0; from < n; ) {
    const signalled = Number.isInteger(nextSignal) && nextSignal < n;
    let upTo = signalled ? nextSignal : n - 1;
    let ruleExit: ExitIntent | null = null;
    if (pos !== null) {
      while (x < exits.length && exits[x]!.index < from) x++;
      for (let y = x; y < exits.length && exits[y]!.index <= upTo; y++) {
        if (exits[y]!.side === pos.side) {
          ruleExit = exits[y]!;
          upTo = ruleExit.index;
          break;
        }
      }
    }
    if (pos !== null) {
      const next: OpenPosition | ClosingPosition = advanceOpenPosition(pos, candles, from, upTo + 1, rules).position;
      if (next.status === 'open') pos = next;
      else {
        trades.push(toTrade(next));
        pos = null;
      }
    }
    from = upTo + 1;
    if (ruleExit !== null && pos !== null && upTo + 1 < n) {
      trades.push(toTrade(closeAt(pos, time[upTo + 1]!, open[upTo + 1]!, 'rule', rules), ruleExit.reason));
      pos = null;
    }
    if (!signalled) {
      if (ruleExit === null) break;
      continue;
    }
    if (upTo !== nextSignal) continue;
    const i = upTo;
    const intent = intents[k++]!;
    nextSignal = k < intents.length ? intents[k]!.index : n;
    if (!(nextSignal > i)) badSignals(strategy.name, i, nextSignal);
    if (i + 1 >= n) continue;
    if (pos !== null) {
      if (pos.side === intent.side) continue;
      trades.push(toTrade(closeAt(pos, time[i + 1]!, open[i + 1]!, 'signal', rules)));
    }
    pos = openFromSignal({ id: `${symbol}#${intent.candleTime}`, symbol, intent, stake }, time[i + 1]!, open[i + 1]!, rules);
  }
  if (pos !== null) trades.push(toTrade(closeAt(pos, time[n - 1]!, close[n - 1]!, 'end', rules)));
  return trades;
}
