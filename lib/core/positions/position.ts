/**
 * The position rules (pure): what the backtester runs over arrays and what the live monitor
 * will run one closed candle at a time. The contract:
 *
 * - Entry at the open of the candle after the signal (`fillPending` / `openFromSignal` with that
 *   candle's time and open). Slippage against the trader on entry and exit fills; stop and
 *   target stay where the signal put them (relative to the reference open, not the fill).
 * - `stepOpenPosition` checks one candle, FROM THE ENTRY CANDLE ON, in this order:
 *   1. gap at the open: long open <= stop → exit at the open (stop); open >= target → exit at
 *      the open (target); short: open >= stop → stop at the open; open <= target → target;
 *   2. inside the candle: long low <= stop → exit at stop; else high >= target → exit at target;
 *      short: high >= stop → stop; else low <= target → target. Both touched: the stop wins;
 *   3. time exit: when `maxBars` is set and this is the maxBars-th candle held → exit at the
 *      close (reason `time`);
 *   4. trailing stop (when `trailAtr` is set): best = max(best, high) for a long
 *      (min(best, low) short), stop = max(stop, best − trail) (short: min(stop, best + trail));
 *      it only ever moves in the trader's favour and applies from the next candle.
 * - Signals are the caller's business (see lib/backtest/engine.ts): an opposite signal on a
 *   close exits with `closeAt(…, 'signal')` at the next open and opens the reverse position at
 *   that same price; a same-direction signal is ignored; after an exit, a signal on the same
 *   close opens a new position at the next open. Data ending with a position open: `closeAt`
 *   at the last close with reason `end`.
 * - `bars` counts the candles checked by `stepOpenPosition` (entry candle = 1); an exit at a
 *   candle's open (`signal`) does not count that candle.
 * - PnL and fees: see rules.ts. Computed when the exit is decided (status `closing`).
 *
 * Every function checks the status of its input (ILLEGAL_TRANSITION otherwise) and returns a
 * new object; inputs are never mutated. Candles are trusted here: validate them at the boundary
 * (validateCandles). Hot path: one small object per candle held, nothing else.
 */
import { PermanentError } from '../../errors.js';
import type { SignalIntent } from '../strategies/types.js';
import { entryFill, exitFill, tradeFees, grossPnl } from './rules.js';
import { transition } from './state.js';
import type {
  Bar,
  CancelledPosition,
  ClosedPosition,
  ClosingPosition,
  ExitReason,
  OpenPosition,
  PendingPosition,
  PositionRules,
  RejectedPosition,
} from './types.js';

function bad(message: string, code = 'BAD_POSITION'): never {
  throw new PermanentError(message, { code });
}

const isPrice = (x: number): boolean => Number.isFinite(x) && x > 0;

export interface NewPosition {
  readonly id: string;
  readonly symbol: string;
  readonly intent: Pick<SignalIntent, 'side' | 'candleTime' | 'stop' | 'target' | 'indicators'>;
  /** Quote currency to commit (> 0). */
  readonly stake: number;
}

/**
 * A pending position from a signal. With a trailing stop the distance is
 * rules.trailAtr × intent.indicators.atr (every built-in strategy reports `atr`; a missing or
 * non-positive one throws NO_ATR).
 */
export function pendingFromSignal(input: NewPosition, rules: PositionRules): PendingPosition {
  const { id, symbol, intent, stake } = input;
  const { side, stop, target } = intent;
  if (!(Number.isFinite(stake) && stake > 0)) bad(`${symbol}: stake must be a finite number > 0, got ${String(stake)}`);
  if (!(isPrice(stop) && isPrice(target))) bad(`${symbol}: stop and target must be finite prices > 0`);
  if (side === 'long' ? !(stop < target) : !(stop > target)) bad(`${symbol}: a ${side} needs its stop on the losing side of its target`);
  let trail = 0;
  if (rules.trailAtr !== null) {
    const atr = intent.indicators.atr;
    if (atr === undefined || !(Number.isFinite(atr) && atr > 0)) {
      bad(`${symbol}: a trailing stop needs the signal's indicators.atr > 0, got ${String(atr)}`, 'NO_ATR');
    }
    trail = rules.trailAtr * atr;
  }
  return { status: 'pending', id, symbol, side, signalTime: intent.candleTime, stake, stop, target, trail };
}

/** pending → open: filled at `refPrice` (the entry candle's open) ± slippage, at candle `time`. */
export function fillPending(p: PendingPosition, time: number, refPrice: number, rules: PositionRules): OpenPosition {
  const status = transition(p.status, 'open');
  if (!isPrice(refPrice)) bad(`${p.symbol}: entry price must be a finite price > 0, got ${String(refPrice)}`);
  const entryPrice = entryFill(p.side, refPrice, rules.slippageBps);
  return {
    status,
    id: p.id,
    symbol: p.symbol,
    side: p.side,
    signalTime: p.signalTime,
    stake: p.stake,
    stop: p.stop,
    target: p.target,
    trail: p.trail,
    entryTime: time,
    entryPrice,
    qty: p.stake / entryPrice,
    best: refPrice,
    bars: 0,
  };
}

/** pendingFromSignal then fillPending: the entry at the next candle's `time` and open `refPrice`. */
export function openFromSignal(input: NewPosition, time: number, refPrice: number, rules: PositionRules): OpenPosition {
  return fillPending(pendingFromSignal(input, rules), time, refPrice, rules);
}

/** pending → cancelled. */
export function cancelPending(p: PendingPosition, reason: string): CancelledPosition {
  const status = transition(p.status, 'cancelled');
  return { ...p, status, reason };
}

/** pending → rejected. */
export function rejectPending(p: PendingPosition, reason: string): RejectedPosition {
  const status = transition(p.status, 'rejected');
  return { ...p, status, reason };
}

function exited(p: OpenPosition, bars: number, time: number, refPrice: number, reason: ExitReason, rules: PositionRules): ClosingPosition {
  const exitPrice = exitFill(p.side, refPrice, rules.slippageBps);
  const fees = tradeFees(p.qty, p.entryPrice, exitPrice, rules.feeRate);
  return {
    status: 'closing',
    id: p.id,
    symbol: p.symbol,
    side: p.side,
    signalTime: p.signalTime,
    stake: p.stake,
    stop: p.stop,
    target: p.target,
    trail: p.trail,
    entryTime: p.entryTime,
    entryPrice: p.entryPrice,
    qty: p.qty,
    best: p.best,
    bars,
    exitTime: time,
    exitPrice,
    exitReason: reason,
    pnl: grossPnl(p.side, p.qty, p.entryPrice, exitPrice) - fees,
    fees,
  };
}

/** open → closing at reference price `refPrice` ± slippage (signal: next open; end: last close). */
export function closeAt(p: OpenPosition, time: number, refPrice: number, reason: ExitReason, rules: PositionRules): ClosingPosition {
  transition(p.status, 'closing');
  if (!isPrice(refPrice)) bad(`${p.symbol}: exit price must be a finite price > 0, got ${String(refPrice)}`);
  return exited(p, p.bars, time, refPrice, reason, rules);
}

/** closing → closed (backtest: immediately; live: once the exit is recorded). */
export function settle(p: ClosingPosition): ClosedPosition {
  const status = transition(p.status, 'closed');
  return { ...p, status };
}

/** One candle for an open position: still open (maybe with a trailed stop), or closing. */
export function stepOpenPosition(p: OpenPosition, bar: Bar, rules: PositionRules): OpenPosition | ClosingPosition {
  if (p.status !== 'open') transition(p.status, 'closing');
  const bars = p.bars + 1;
  const { open, high, low } = bar;
  const stop = p.stop;
  const target = p.target;
  if (p.side === 'long') {
    if (open <= stop) return exited(p, bars, bar.time, open, 'stop', rules);
    if (open >= target) return exited(p, bars, bar.time, open, 'target', rules);
    if (low <= stop) return exited(p, bars, bar.time, stop, 'stop', rules);
    if (high >= target) return exited(p, bars, bar.time, target, 'target', rules);
  } else {
    if (open >= stop) return exited(p, bars, bar.time, open, 'stop', rules);
    if (open <= target) return exited(p, bars, bar.time, open, 'target', rules);
    if (high >= stop) return exited(p, bars, bar.time, stop, 'stop', rules);
    if (low <= target) return exited(p, bars, bar.time, target, 'target', rules);
  }
  if (rules.maxBars !== null && bars >= rules.maxBars) return exited(p, bars, bar.time, bar.close, 'time', rules);
  let best = p.best;
  let nextStop = stop;
  const trail = p.trail;
  if (trail > 0) {
    if (p.side === 'long') {
      if (high > best) best = high;
      if (best - trail > nextStop) nextStop = best - trail;
    } else {
      if (low < best) best = low;
      if (best + trail < nextStop) nextStop = best + trail;
    }
  }
  return {
    status: 'open',
    id: p.id,
    symbol: p.symbol,
    side: p.side,
    signalTime: p.signalTime,
    stake: p.stake,
    stop: nextStop,
    target,
    trail,
    entryTime: p.entryTime,
    entryPrice: p.entryPrice,
    qty: p.qty,
    best,
    bars,
  };
}
