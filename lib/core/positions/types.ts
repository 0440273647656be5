/**
 * Position types shared by the backtester and (later) the live paper-trading monitor.
 *
 * A position is a plain, immutable, JSON-safe object whose `status` says where it is in the
 * state machine of `state.ts`:
 *
 *   pending ──fill──▶ open ──exit decided──▶ closing ──settled──▶ closed
 *      │
 *      ├──cancel──▶ cancelled   (e.g. superseded, or no next candle to fill at)
 *      └──reject──▶ rejected    (e.g. the ledger cannot reserve the stake)
 *
 * Prices are in quote currency; times are epoch ms candle OPEN times (the candle in which the
 * fill happened, also for fills at that candle's close: `time` and `end` exits).
 */
import type { Candles } from '../candle.js';
import type { Side } from '../strategies/types.js';

export type { Side };

export type PositionStatus = 'pending' | 'open' | 'closing' | 'closed' | 'cancelled' | 'rejected';

/**
 * Why a position was closed. `rule`: the strategy's exit rule fired on a candle's close; the
 * position exits at the next candle's open (slippage as a `signal` exit), its reason in a note.
 */
export type ExitReason = 'stop' | 'target' | 'signal' | 'end' | 'time' | 'rule';

/** One candle as the position rules see it (a live monitor passes the candle it just saw). */
export interface Bar {
  /** Open time, epoch ms. */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
}

/** Candles in column form, as `advanceOpenPosition` walks them (a `Candles` will do). */
export type CandleColumns = Pick<Candles, 'time' | 'open' | 'high' | 'low' | 'close'>;

/** Validated trading rules; build them with `positionRules` (rules.ts). */
export interface PositionRules {
  /** Fee per side, as a fraction of notional (0.001 = 0.1 %). */
  readonly feeRate: number;
  /** Slippage against the trader on every fill, in basis points. */
  readonly slippageBps: number;
  /** Trailing-stop distance in ATRs of the signal candle; null = no trailing stop. */
  readonly trailAtr: number | null;
  /** Exit at the close of the n-th candle held; null = no time exit. */
  readonly maxBars: number | null;
}

interface PositionBase {
  /** Caller-chosen unique id (live: the signal id). */
  readonly id: string;
  readonly symbol: string;
  readonly side: Side;
  /** Open time of the candle on whose close the signal fired. */
  readonly signalTime: number;
  /** Quote currency committed to the position (entry notional). */
  readonly stake: number;
  /** Stop level; with a trailing stop, the current (ratcheted) level. */
  readonly stop: number;
  readonly target: number;
  /** Trailing distance in price (trailAtr × ATR at the signal); 0 = no trailing stop. */
  readonly trail: number;
}

export interface PendingPosition extends PositionBase {
  readonly status: 'pending';
}

interface Filled extends PositionBase {
  /** Open time of the entry candle (the fill is at its open). */
  readonly entryTime: number;
  /** Entry fill price, slippage included. */
  readonly entryPrice: number;
  /** Base quantity: stake / entryPrice. */
  readonly qty: number;
  /** Best price reached since entry (long: highest high, short: lowest low; starts at the entry candle's open). */
  readonly best: number;
  /** Candles whose prices the position has been checked against (the entry candle is 1). */
  readonly bars: number;
}

export interface OpenPosition extends Filled {
  readonly status: 'open';
}

interface Exited extends Filled {
  /** Open time of the candle in which the exit fill happened. */
  readonly exitTime: number;
  /** Exit fill price, slippage included. */
  readonly exitPrice: number;
  readonly exitReason: ExitReason;
  /** Net PnL in quote currency, fees included (see `tradePnl`). */
  readonly pnl: number;
  /** Fees of both sides, in quote currency. */
  readonly fees: number;
}

/** The exit is decided and priced; not yet settled (live: not yet recorded in the ledger). */
export interface ClosingPosition extends Exited {
  readonly status: 'closing';
}

export interface ClosedPosition extends Exited {
  readonly status: 'closed';
}

export interface CancelledPosition extends PositionBase {
  readonly status: 'cancelled';
  readonly reason: string;
}

export interface RejectedPosition extends PositionBase {
  readonly status: 'rejected';
  readonly reason: string;
}

export type Position =
  | PendingPosition
  | OpenPosition
  | ClosingPosition
  | ClosedPosition
  | CancelledPosition
  | RejectedPosition;
