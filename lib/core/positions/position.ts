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
 * - `advanceOpenPosition` is `stepOpenPosition` folded over a range of column arrays (the same
 *   rule code, see `candleExit`), stopping at the first exit.
 * - `bars` counts the candles checked by `stepOpenPosition` (entry candle = 1); an exit at a
 *   candle's open (`signal`) does not count that candle.
 * - PnL and fees: see rules.ts. Computed when the exit is decided (status `closing`).
 *
 * Every function checks the status of its input (ILLEGAL_TRANSITION otherwise) and returns a
 * new object; inputs are never mutated. Candles are trusted here: validate them at the boundary
 * (validateCandles). Hot path: `advanceOpenPosition` walks many candles allocating only the final
 * position; `stepOpenPosition` (one candle, the live monitor) allocates one small object.
 */
import { PermanentError, type PermanentCode } from '../../errors.js';
import type { SignalIntent } from '../strategies/types.js';
import { entryFill, exitFill, tradeFees, grossPnl } from './rules.js';
import { transition } from './state.js';
import type {
  Bar,
  CandleColumns,
  CancelledPosition,
  ClosedPosition,
  ClosingPosition,
  ExitReason,
  OpenPosition,
  PendingPosition,
  PositionRules,
  RejectedPosition,
} from './types.js';

function bad(message: string, code: PermanentCode = 'BAD_POSITION'): never {
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

function exited(
  p: OpenPosition,
  stop: number,
  best: number,
  bars: number,
  time: number,
  refPrice: number,
  reason: ExitReason,
  rules: PositionRules,
): ClosingPosition {
  const exitPrice = exitFill(p.side, refPrice, rules.slippageBps);
  const fees = tradeFees(p.qty, p.entryPrice, exitPrice, rules.feeRate);
  return {
    status: 'closing',
    id: p.id,
    symbol: p.symbol,
    side: p.side,
    signalTime: p.signalTime,
    stake: p.stake,
    stop,
    target: p.target,
    trail: p.trail,
    entryTime: p.entryTime,
    entryPrice: p.entryPrice,
    qty: p.qty,
    best,
    bars,
    exitTime: time,
    exitPrice,
    exitReason: reason,
    pnl: grossPnl(p.side, p.qty, p.entryPrice, exitPrice) - fees,
    fees,
  };
}

function held(p: OpenPosition, stop: number, best: number, bars: number): OpenPosition {
  return {
    status: 'open',
    id: p.id,
    symbol: p.symbol,
    side: p.side,
    signalTime: p.signalTime,
    stake: p.stake,
    stop,
    target: p.target,
    trail: p.trail,
    entryTime: p.entryTime,
    entryPrice: p.entryPrice,
    qty: p.qty,
    best,
    bars,
  };
}

/*
 * THE per-candle rule, shared by `stepOpenPosition` (one Bar) and `advanceOpenPosition`
 * (column arrays), allocation-free: `candleExit` says whether and why the candle exits
 * (steps 1–3 of the contract above), `exitReference` at which reference price; when it holds,
 * `trailedBest` then `trailedStop` ratchet the trailing stop (step 4, only when trail > 0).
 */
const HOLD = 0;
const GAP_STOP = 1;
const GAP_TARGET = 2;
const HIT_STOP = 3;
const HIT_TARGET = 4;
const TIME_EXIT = 5;
const EXIT_REASONS: readonly ExitReason[] = ['stop', 'stop', 'target', 'stop', 'target', 'time'];

/** HOLD, or the exit code of candle number `bars` (entry candle = 1) for the given levels. */
function candleExit(long: boolean, stop: number, target: number, open: number, high: number, low: number, bars: number, maxBars: number | null): number {
  if (long) {
    if (open <= stop) return GAP_STOP;
    if (open >= target) return GAP_TARGET;
    if (low <= stop) return HIT_STOP;
    if (high >= target) return HIT_TARGET;
  } else {
    if (open >= stop) return GAP_STOP;
    if (open <= target) return GAP_TARGET;
    if (high >= stop) return HIT_STOP;
    if (low <= target) return HIT_TARGET;
  }
  if (maxBars !== null && bars >= maxBars) return TIME_EXIT;
  return HOLD;
}

/** The reference price of an exit code: gaps at the open, hits at the level, time at the close. */
function exitReference(code: number, stop: number, target: number, open: number, close: number): number {
  if (code === HIT_STOP) return stop;
  if (code === HIT_TARGET) return target;
  if (code === TIME_EXIT) return close;
  return open;
}

/** Best price after a held candle: long max(best, high), short min(best, low). */
function trailedBest(long: boolean, best: number, high: number, low: number): number {
  if (long) return high > best ? high : best;
  return low < best ? low : best;
}

/** Stop after a held candle (given the new best): only ever moves in the trader's favour. */
function trailedStop(long: boolean, stop: number, best: number, trail: number): number {
  if (long) return best - trail > stop ? best - trail : stop;
  return best + trail < stop ? best + trail : stop;
}

/** open → closing at reference price `refPrice` ± slippage (signal: next open; end: last close). */
export function closeAt(p: OpenPosition, time: number, refPrice: number, reason: ExitReason, rules: PositionRules): ClosingPosition {
  transition(p.status, 'closing');
  if (!isPrice(refPrice)) bad(`${p.symbol}: exit price must be a finite price > 0, got ${String(refPrice)}`);
  return exited(p, p.stop, p.best, p.bars, time, refPrice, reason, rules);
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
  const long = p.side === 'long';
  const { stop, best } = p;
  const code = candleExit(long, stop, p.target, bar.open, bar.high, bar.low, bars, rules.maxBars);
  if (code !== HOLD) return exited(p, stop, best, bars, bar.time, exitReference(code, stop, p.target, bar.open, bar.close), EXIT_REASONS[code]!, rules);
  if (p.trail > 0) {
    const nextBest = trailedBest(long, best, bar.high, bar.low);
    return held(p, trailedStop(long, stop, nextBest, p.trail), nextBest, bars);
  }
  return held(p, stop, best, bars);
}

/** What `advanceOpenPosition` returns. */
export interface Advanced {
  /** Still open after candle `index − 1`, or closing at candle `index`. */
  readonly position: OpenPosition | ClosingPosition;
  /** The exit candle when closing; `to` (the next candle to check) when still open. */
  readonly index: number;
}

/**
 * `stepOpenPosition` over candles `from` … `to − 1` of column arrays, stopping at the first
 * exit: exactly the same result as folding `stepOpenPosition` candle by candle (same rule code),
 * but allocating only the final position (the input itself when `from === to`). For the
 * backtester, which holds positions over long runs of candles between signals.
 */
export function advanceOpenPosition(p: OpenPosition, candles: CandleColumns, from: number, to: number, rules: PositionRules): Advanced {
  if (p.status !== 'open') transition(p.status, 'closing');
  const { time, open, high, low, close } = candles;
  if (!(Number.isSafeInteger(from) && Number.isSafeInteger(to) && from >= 0 && from <= to && to <= close.length)) {
    bad(`${p.symbol}: candle range [${String(from)}, ${String(to)}) is not within 0…${close.length}`, 'BAD_RANGE');
  }
  if (from === to) return { position: p, index: to };
  const long = p.side === 'long';
  const { target, trail } = p;
  const maxBars = rules.maxBars;
  let { stop, best, bars } = p;
  for (let i = from; i < to; i++) {
    bars++;
    const o = open[i]!;
    const code = candleExit(long, stop, target, o, high[i]!, low[i]!, bars, maxBars);
    if (code !== HOLD) {
      return { position: exited(p, stop, best, bars, time[i]!, exitReference(code, stop, target, o, close[i]!), EXIT_REASONS[code]!, rules), index: i };
    }
    if (trail > 0) {
      best = trailedBest(long, best, high[i]!, low[i]!);
      stop = trailedStop(long, stop, best, trail);
    }
  }
  return { position: held(p, stop, best, bars), index: to };
}
