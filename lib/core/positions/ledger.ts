/**
 * A tiny pure paper ledger: free cash plus stakes reserved by positions.
 *
 * - `reserve` (when a position is taken, pending or open): cash −= stake, reserved += stake.
 *   Refused with INSUFFICIENT_BALANCE when cash < stake (the caller then rejects the pending
 *   position), DUPLICATE_POSITION when the id already holds a reservation.
 * - `release` (when a position is closing/closed): reserved −= stake, cash += stake + pnl, where
 *   pnl is the position's net PnL (fees included, rules.ts); gross and fees are booked apart.
 * - `unreserve` (a pending position cancelled after its reservation): cash += stake back.
 *
 * Invariant (checked by property tests, to 1e-9): cash + reserved = start + realisedGross − fees.
 * Every function returns a new frozen ledger; inputs are never mutated.
 */
import { PermanentError, type PermanentCode } from '../../errors.js';
import { grossPnl } from './rules.js';
import type { ClosedPosition, ClosingPosition, PositionStatus } from './types.js';

export interface Ledger {
  readonly start: number;
  /** Free balance. */
  readonly cash: number;
  /** Sum of the stakes of the reserved (pending or open) positions. */
  readonly reserved: number;
  /** Sum of the settled positions' price-move PnL, before fees. */
  readonly realisedGross: number;
  /** Sum of the settled positions' fees. */
  readonly fees: number;
  /** Reserved stake per position id. */
  readonly stakes: Readonly<Record<string, number>>;
}

function fail(message: string, code: PermanentCode): never {
  throw new PermanentError(message, { code });
}

export function newLedger(start: number): Ledger {
  if (!(Number.isFinite(start) && start >= 0)) fail(`starting balance must be a finite number >= 0, got ${String(start)}`, 'BAD_LEDGER');
  return Object.freeze({ start, cash: start, reserved: 0, realisedGross: 0, fees: 0, stakes: Object.freeze({}) });
}

/** Cash plus reserved stakes (closed-trade equity; open positions at cost). */
export function ledgerEquity(l: Ledger): number {
  return l.cash + l.reserved;
}

export function canReserve(l: Ledger, stake: number): boolean {
  return Number.isFinite(stake) && stake > 0 && stake <= l.cash;
}

export function reserve(l: Ledger, p: { readonly id: string; readonly stake: number; readonly status: PositionStatus }): Ledger {
  if (p.status !== 'pending' && p.status !== 'open') fail(`cannot reserve a stake for a ${p.status} position ${p.id}`, 'ILLEGAL_TRANSITION');
  if (Object.hasOwn(l.stakes, p.id)) fail(`position ${p.id} already holds a reservation`, 'DUPLICATE_POSITION');
  if (!canReserve(l, p.stake)) fail(`cannot reserve ${p.stake} for ${p.id}: ${l.cash} available`, 'INSUFFICIENT_BALANCE');
  return Object.freeze({
    ...l,
    cash: l.cash - p.stake,
    reserved: l.reserved + p.stake,
    stakes: Object.freeze({ ...l.stakes, [p.id]: p.stake }),
  });
}

function without(stakes: Readonly<Record<string, number>>, id: string): Readonly<Record<string, number>> {
  const { [id]: _, ...rest } = stakes;
  return Object.freeze(rest);
}

function stakeOf(l: Ledger, id: string): number {
  const stake = Object.hasOwn(l.stakes, id) ? l.stakes[id] : undefined;
  if (stake === undefined) fail(`position ${id} holds no reservation`, 'UNKNOWN_POSITION');
  return stake;
}

/** Settles an exited position: releases its stake plus its net PnL. */
export function release(l: Ledger, p: ClosingPosition | ClosedPosition): Ledger {
  const status: PositionStatus = p.status;
  if (status !== 'closing' && status !== 'closed') fail(`cannot settle a ${status} position ${p.id}`, 'ILLEGAL_TRANSITION');
  const stake = stakeOf(l, p.id);
  if (stake !== p.stake) fail(`position ${p.id} reserved ${stake} but closes with stake ${p.stake}`, 'STAKE_MISMATCH');
  const gross = grossPnl(p.side, p.qty, p.entryPrice, p.exitPrice);
  return Object.freeze({
    ...l,
    cash: l.cash + stake + p.pnl,
    reserved: l.reserved - stake,
    realisedGross: l.realisedGross + gross,
    fees: l.fees + p.fees,
    stakes: without(l.stakes, p.id),
  });
}

/** Gives a reservation back unchanged (a pending position cancelled or rejected after reserving). */
export function unreserve(l: Ledger, id: string): Ledger {
  const stake = stakeOf(l, id);
  return Object.freeze({ ...l, cash: l.cash + stake, reserved: l.reserved - stake, stakes: without(l.stakes, id) });
}
