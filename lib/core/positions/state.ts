/**
 * The position state machine. Every legal transition is listed here and nowhere else:
 *
 *   pending → open        the entry is filled (at the open of the candle after the signal)
 *   pending → cancelled   the entry will not happen (superseded, no next candle, operator)
 *   pending → rejected    the entry is refused (e.g. the ledger cannot reserve the stake)
 *   open    → closing     the exit is decided and priced (stop, target, signal, time, end)
 *   closing → closed      the exit is settled (backtest: at once; live: once recorded)
 *
 * closed, cancelled and rejected are final. Anything else throws a PermanentError with code
 * ILLEGAL_TRANSITION naming both states. Every function of `position.ts` checks its input's
 * status through `transition`, so the rule also holds for positions read back from storage.
 */
import { PermanentError } from '../../errors.js';
import type { PositionStatus } from './types.js';

export const POSITION_STATUSES: readonly PositionStatus[] = Object.freeze([
  'pending',
  'open',
  'closing',
  'closed',
  'cancelled',
  'rejected',
]);

export const TRANSITIONS: Readonly<Record<PositionStatus, readonly PositionStatus[]>> = Object.freeze({
  pending: Object.freeze(['open', 'cancelled', 'rejected'] as const),
  open: Object.freeze(['closing'] as const),
  closing: Object.freeze(['closed'] as const),
  closed: Object.freeze([] as const),
  cancelled: Object.freeze([] as const),
  rejected: Object.freeze([] as const),
});

export function canTransition(from: PositionStatus, to: PositionStatus): boolean {
  const allowed = Object.hasOwn(TRANSITIONS, from) ? TRANSITIONS[from] : undefined;
  return allowed !== undefined && allowed.includes(to);
}

/** Returns `to` when `from → to` is legal; throws PermanentError ILLEGAL_TRANSITION otherwise. */
export function transition<T extends PositionStatus>(from: PositionStatus, to: T): T {
  if (!canTransition(from, to)) {
    throw new PermanentError(`Illegal position transition from ${String(from)} to ${to}`, {
      code: 'ILLEGAL_TRANSITION',
    });
  }
  return to;
}
