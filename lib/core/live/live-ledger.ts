/**
 * The live budget's arithmetic (issue 15), one function per money-moving step, all on the
 * 1e-10 grid of lib/core/money.ts. The store applies the same deltas atomically in its
 * transactions (lib/store/live/); the property tests replay random paths through these.
 *
 *   reserve  (recordIntent):  available −= stake, reserved += stake, openCount += 1
 *   settle   (entry final):   reserved −= stake,
 *                             available += stake − cost − (fee − feeFromBase),
 *                             invested += cost − feeFromBase  (the position's book cost),
 *                             fees += fee; nothing filled → openCount −= 1
 *   close    (exit filled):   invested −= bookCost, available += proceeds − exitFee,
 *                             realised += proceeds − bookCost, fees += exitFee, openCount −= 1,
 *                             peakEquity = max(peakEquity, equity)
 *
 * A fee taken in the base asset (feeFromBase) is not paid from quote cash: the position holds
 * that much base less, so its book cost excludes it and the fee still counts in `fees`.
 * Conservation, exact on the grid: available + reserved + invested = start + realised − fees.
 */
import { PermanentError } from '../../errors.js';
import { money } from '../money.js';

export interface LiveBook {
  readonly start: number;
  readonly available: number;
  readonly reserved: number;
  readonly invested: number;
  readonly realised: number;
  readonly fees: number;
  readonly openCount: number;
  readonly peakEquity: number;
}

/** Signed changes of a step (what the store ADDs); peakEquity is a max, not a delta. */
export interface BookDelta {
  readonly available: number;
  readonly reserved: number;
  readonly invested: number;
  readonly realised: number;
  readonly fees: number;
  readonly openCount: number;
}

function amount(x: number, what: string): number {
  if (!(Number.isFinite(x) && x >= 0)) throw new PermanentError(`${what} must be a finite amount ≥ 0, got ${String(x)}`, { code: 'BAD_LIVE_AMOUNT' });
  return money(x);
}

export function newBook(start: number): LiveBook {
  const s = amount(start, 'budget');
  return Object.freeze({ start: s, available: s, reserved: 0, invested: 0, realised: 0, fees: 0, openCount: 0, peakEquity: s });
}

/** start + realised − fees: the budget's value with open positions at book cost. */
export const equity = (b: Pick<LiveBook, 'start' | 'realised' | 'fees'>): number => money(b.start + b.realised - b.fees);

/** (available + reserved + invested) − (start + realised − fees); 0 on a conserved book. */
export const conservationDrift = (b: LiveBook): number => money(b.available + b.reserved + b.invested) - equity(b);

export function reserveDelta(stake: number): BookDelta {
  const s = amount(stake, 'stake');
  if (s <= 0) throw new PermanentError('stake must be > 0', { code: 'BAD_LIVE_AMOUNT' });
  return { available: -s, reserved: s, invested: 0, realised: 0, fees: 0, openCount: 1 };
}

export interface EntrySettlement {
  readonly stake: number;
  /** Base filled (0: the entry never filled; its lock and slot are released). */
  readonly filled: number;
  /** Quote paid for the fills. */
  readonly cost: number;
  /** Every entry fee in quote. */
  readonly fee: number;
  /** The part of `fee` taken in base (quote value). */
  readonly feeFromBase: number;
}

/** The position's book cost: what the fills cost, less the fee taken in base. */
export const bookCost = (s: Pick<EntrySettlement, 'cost' | 'feeFromBase'>): number => money(amount(s.cost, 'cost') - amount(s.feeFromBase, 'fee from base'));

export function settleDelta(s: EntrySettlement): BookDelta {
  const stake = amount(s.stake, 'stake');
  const cost = amount(s.cost, 'cost');
  const fee = amount(s.fee, 'fee');
  const fromBase = amount(s.feeFromBase, 'fee from base');
  if (fromBase > fee) throw new PermanentError(`fee from base ${fromBase} exceeds the fee ${fee}`, { code: 'BAD_LIVE_AMOUNT' });
  if (fromBase > cost) throw new PermanentError(`fee from base ${fromBase} exceeds the cost ${cost}`, { code: 'BAD_LIVE_AMOUNT' });
  const book = bookCost(s);
  const paid = money(cost + money(fee - fromBase));
  const none = !(s.filled > 0);
  if (none && (cost !== 0 || fee !== 0)) throw new PermanentError(`an entry with nothing filled has cost ${cost} and fee ${fee}`, { code: 'BAD_LIVE_AMOUNT' });
  return { available: money(stake - paid), reserved: -stake, invested: book, realised: 0, fees: fee, openCount: none ? -1 : 0 };
}

export interface PositionClose {
  /** The position's book cost (LivePosition.cost). */
  readonly bookCost: number;
  readonly entryFee: number;
  /** Quote received for the exit fills. */
  readonly proceeds: number;
  readonly exitFee: number;
}

export interface CloseBooking {
  readonly delta: BookDelta;
  /** proceeds − bookCost. */
  readonly gross: number;
  /** gross − entryFee − exitFee: the position's net PnL (the day row adds it). */
  readonly pnl: number;
}

export function closeDelta(c: PositionClose): CloseBooking {
  const book = amount(c.bookCost, 'book cost');
  const proceeds = amount(c.proceeds, 'proceeds');
  const exitFee = amount(c.exitFee, 'exit fee');
  const entryFee = amount(c.entryFee, 'entry fee');
  const gross = money(proceeds - book);
  const pnl = money(gross - money(entryFee + exitFee));
  return { gross, pnl, delta: { available: money(proceeds - exitFee), reserved: 0, invested: -book, realised: gross, fees: exitFee, openCount: -1 } };
}

/** The book after a step (every sum on the grid); peakEquity rises to the new equity after a close. */
export function applyDelta(b: LiveBook, d: BookDelta, raisePeak = false): LiveBook {
  const next = {
    start: b.start,
    available: money(b.available + d.available),
    reserved: money(b.reserved + d.reserved),
    invested: money(b.invested + d.invested),
    realised: money(b.realised + d.realised),
    fees: money(b.fees + d.fees),
    openCount: b.openCount + d.openCount,
    peakEquity: b.peakEquity,
  };
  return Object.freeze(raisePeak ? { ...next, peakEquity: Math.max(b.peakEquity, equity(next)) } : next);
}

/** Equity below peak × (1 − maxDrawdown)? The halt's reason with the numbers, else undefined. */
export function drawdownHalt(equityNow: number, peak: number, maxDrawdown: number): string | undefined {
  if (!(peak > 0) || !(maxDrawdown > 0 && maxDrawdown < 1)) return undefined;
  const floor = money(peak * (1 - maxDrawdown));
  if (!(equityNow < floor)) return undefined;
  const dd = ((peak - equityNow) / peak) * 100;
  return `drawdown ${Number(dd.toFixed(2))}% > ${Number((maxDrawdown * 100).toFixed(2))}% (equity ${equityNow}, peak ${peak})`;
}

/** The UTC day (yyyy-mm-dd) of an epoch ms, the day row's key. */
export function utcDay(ms: number): string {
  if (!Number.isFinite(ms)) throw new PermanentError(`Time must be a finite number of ms, got ${String(ms)}`, { code: 'INVALID_TIME' });
  return new Date(ms).toISOString().slice(0, 10);
}
