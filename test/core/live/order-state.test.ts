import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canAdvance, FINAL_STATUSES, isFinal, nextStatuses, ORDER_STATUSES, type OrderStatus } from '../../../lib/core/live/order-state.js';

describe('live order state machine', () => {
  it('finals are exactly filled, cancelled, rejected, expired, lost', () => {
    assert.deepEqual(ORDER_STATUSES.filter(isFinal), ['filled', 'cancelled', 'rejected', 'expired', 'lost']);
    assert.deepEqual([...FINAL_STATUSES], ORDER_STATUSES.filter(isFinal));
  });

  it('a final status never changes, not even to itself', () => {
    for (const from of FINAL_STATUSES) assert.deepEqual(nextStatuses(from), [], from);
  });

  it('only forward: the exact table', () => {
    const expected: Record<OrderStatus, OrderStatus[]> = {
      intent: ['intent', 'submitted', 'open', 'partially-filled', 'filled', 'cancelled', 'rejected', 'expired', 'lost'],
      submitted: ['submitted', 'open', 'partially-filled', 'filled', 'cancelled', 'rejected', 'expired', 'lost'],
      open: ['open', 'partially-filled', 'filled', 'cancelled', 'rejected', 'expired'],
      'partially-filled': ['partially-filled', 'filled', 'cancelled', 'rejected', 'expired'],
      filled: [],
      cancelled: [],
      rejected: [],
      expired: [],
      lost: [],
    };
    for (const from of ORDER_STATUSES) assert.deepEqual(nextStatuses(from), expected[from], from);
  });

  it('backward changes are refused', () => {
    assert.equal(canAdvance('open', 'submitted'), false);
    assert.equal(canAdvance('partially-filled', 'open'), false);
    assert.equal(canAdvance('submitted', 'intent'), false);
    assert.equal(canAdvance('filled', 'partially-filled'), false);
    // An order the exchange acknowledged is never lost: it can be looked up.
    assert.equal(canAdvance('open', 'lost'), false);
  });
});
