/** The monitor's position-event delivery over the shared relay: what its report says when things fail. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, TransientError } from '../../lib/errors.js';
import { deliverPositionEvents, type EventDeliveryDeps } from '../../lib/portfolio/deliver-events.js';
import type { Log } from '../../lib/ports/log.js';
import type { PositionEvent } from '../../lib/ports/positions.js';
import { testClock } from '../support/clock.js';

const lines: { level: string; message: string }[] = [];
const log: Log = {
  debug: () => undefined,
  info: () => undefined,
  warn: (message) => void lines.push({ level: 'warn', message }),
  error: (message) => void lines.push({ level: 'error', message }),
};

const event = (positionId: string): PositionEvent => ({ positionId, kind: 'opened', recipients: [1], text: `opened ${positionId}`, createdAt: 1, leaseUntil: 1 });

function store(over: Partial<EventDeliveryDeps['store']> = {}): EventDeliveryDeps['store'] & { parked: string[]; completed: string[] } {
  const parked: string[] = [];
  const completed: string[] = [];
  return {
    parked,
    completed,
    listDue: async () => ({ entries: [event('a'), event('b'), event('c')], corrupt: [] }),
    claim: async (e, now) => ({ ...e, leaseUntil: now + 1 }),
    complete: async (e) => void completed.push(e.positionId),
    park: async (e) => void parked.push(e.positionId),
    backlog: async () => ({ overdue: 0, truncated: false, oldestLeaseUntil: null }),
    quarantine: async () => true,
    ...over,
  };
}

describe('deliverPositionEvents (lib/portfolio/deliver-events.ts)', () => {
  it('a listing failure is a failure in the report (listFailed: 1, logged), never an empty outbox', async () => {
    lines.length = 0;
    const broken = store({ listDue: () => Promise.reject(new TransientError('throttled', { code: 'AWS_TRANSIENT' })) });
    const report = await deliverPositionEvents({ store: broken, queue: { send: async () => assert.fail('nothing listed') }, clock: testClock(10), log }, 50);
    assert.deepEqual(report, { found: 0, delivered: 0, skipped: 0, failed: 0, quarantined: 0, listFailed: 1 });
    assert.deepEqual(lines, [{ level: 'error', message: 'position events could not be listed; the next run retries' }]);
  });

  it('counts delivered and failed events (transient: left pending; permanent: parked), listFailed 0', async () => {
    lines.length = 0;
    const s = store();
    const queue = {
      async send(notifications: readonly { text: string }[]) {
        if (notifications[0]!.text === 'opened b') throw new TransientError('busy', { code: 'AWS_TRANSIENT' });
        if (notifications[0]!.text === 'opened c') throw new PermanentError('gone', { code: 'AWS_PERMANENT' });
      },
    };
    const report = await deliverPositionEvents({ store: s, queue, clock: testClock(10), log }, 50);
    assert.deepEqual(report, { found: 3, delivered: 1, skipped: 0, failed: 2, quarantined: 0, listFailed: 0 });
    assert.deepEqual(s.completed, ['a']);
    assert.deepEqual(s.parked, ['c']);
    assert.deepEqual(lines.map((l) => l.message), ['position notifications not enqueued; retried after the lease', 'position notifications refused for good; parked as FAILED']);
  });
});
