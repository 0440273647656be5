/**
 * The live order state machine (issue 15): intent → submitted → open → partially-filled →
 * filled | cancelled | rejected | expired | lost. Only forward: a status may jump forward
 * (submitted → filled) or stay (more fills, one more look-up), never go back; a final status
 * never changes. The store applies each change as a versioned conditional update.
 */
export const ORDER_STATUSES = ['intent', 'submitted', 'open', 'partially-filled', 'filled', 'cancelled', 'rejected', 'expired', 'lost'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const FINAL_STATUSES: readonly OrderStatus[] = Object.freeze(['filled', 'cancelled', 'rejected', 'expired', 'lost']);

/** Rank along the machine: finals share the last rank (one final never becomes another). */
const RANK: Readonly<Record<OrderStatus, number>> = Object.freeze({
  intent: 0,
  submitted: 1,
  open: 2,
  'partially-filled': 3,
  filled: 4,
  cancelled: 4,
  rejected: 4,
  expired: 4,
  lost: 4,
});

export function isFinal(status: OrderStatus): boolean {
  return RANK[status] === 4;
}

/**
 * May an order in `from` be written as `to`? Forward jumps yes; the same non-final status yes
 * (fills or a look-up recorded without a status change); backward, or anything from a final
 * status, no. `lost` is reached only from `submitted` (an order sent whose answer was lost and
 * that the exchange does not know) or `intent`.
 */
export function canAdvance(from: OrderStatus, to: OrderStatus): boolean {
  if (isFinal(from)) return false;
  if (to === 'lost') return from === 'submitted' || from === 'intent';
  return RANK[to] >= RANK[from];
}

/** The statuses an order in `from` may be written as (in machine order). */
export function nextStatuses(from: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((to) => canAdvance(from, to));
}

/** A submitted order not found by this many look-ups (separate reconcile runs) is `lost`. */
export const LOOKUPS_BEFORE_LOST = 3;
