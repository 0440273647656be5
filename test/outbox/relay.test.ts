import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PermanentError, TransientError } from '../../lib/errors.js';
import { relayOutbox, settle, type RelayFailure } from '../../lib/outbox/relay.js';
import type { OutboxStore } from '../../lib/ports/outbox.js';
import { testClock } from '../support/clock.js';

interface Row {
  readonly id: string;
  readonly leaseUntil: number;
}

/** An in-memory outbox with the store's semantics (conditional claim on the listed lease). */
function memoryOutbox(rows: Row[], corrupt: string[] = []) {
  const state = new Map(rows.map((r) => [r.id, { ...r, status: 'PENDING' as 'PENDING' | 'DONE' | 'FAILED', reason: '' }]));
  const calls: string[] = [];
  const store: OutboxStore<Row, string> = {
    async listDue(now, limit) {
      const entries = [...state.values()].filter((r) => r.status === 'PENDING' && r.leaseUntil <= now).sort((a, b) => a.leaseUntil - b.leaseUntil).slice(0, limit);
      return { entries: entries.map(({ id, leaseUntil }) => ({ id, leaseUntil })), corrupt };
    },
    async claim(entry, now) {
      const row = state.get(entry.id);
      if (!row || row.status !== 'PENDING' || row.leaseUntil !== entry.leaseUntil) return undefined;
      row.leaseUntil = now + 1000;
      calls.push(`claim ${entry.id}`);
      return { id: entry.id, leaseUntil: row.leaseUntil };
    },
    async complete(entry) {
      state.get(entry.id)!.status = 'DONE';
      calls.push(`complete ${entry.id}`);
    },
    async park(entry, reason) {
      const row = state.get(entry.id)!;
      row.status = 'FAILED';
      row.reason = reason;
      calls.push(`park ${entry.id}`);
    },
    async backlog() {
      return { overdue: 0, truncated: false, oldestLeaseUntil: null };
    },
  };
  return { store, state, calls };
}

describe('the outbox relay (lib/outbox/relay.ts)', () => {
  it('delivers and completes due entries; a transient error stays pending, a permanent one is parked with its reason', async () => {
    const clock = testClock(10_000);
    const { store, state, calls } = memoryOutbox([
      { id: 'ok', leaseUntil: 9_000 },
      { id: 'transient', leaseUntil: 9_500 },
      { id: 'permanent', leaseUntil: 10_000 },
      { id: 'not-due', leaseUntil: 10_001 },
    ]);
    const told: RelayFailure[] = [];
    const report = await relayOutbox(
      {
        store,
        clock,
        id: (e) => e.id,
        failure: (f) => told.push(f),
        async deliver(e) {
          if (e.id === 'transient') throw new TransientError('queue busy', { code: 'AWS_TRANSIENT' });
          if (e.id === 'permanent') throw new PermanentError('queue gone', { code: 'AWS_PERMANENT' });
          return { status: 'delivered', value: undefined };
        },
      },
      25,
    );
    assert.equal(report.found, 3, 'a lease that ends exactly now is due; one that ends later is not');
    assert.equal(report.delivered, 1);
    assert.deepEqual(report.deliveredIds, ['ok'], 'the delivered ids, for the log lines');
    assert.equal(report.skipped, 0);
    assert.deepEqual(report.failed.map((f) => [f.id, f.parked]), [['transient', false], ['permanent', true]]);
    assert.deepEqual(told.map((f) => f.id), ['transient', 'permanent']);
    assert.equal('listError' in report, false);
    assert.equal(state.get('ok')!.status, 'DONE');
    assert.equal(state.get('transient')!.status, 'PENDING');
    assert.equal(state.get('permanent')!.status, 'FAILED');
    assert.match(state.get('permanent')!.reason, /queue gone/);
    assert.deepEqual(calls, ['claim ok', 'complete ok', 'claim transient', 'claim permanent', 'park permanent']);
  });

  it('an entry claimed by another relay first is skipped; concurrent relays deliver each entry once', async () => {
    const clock = testClock(10_000);
    const { store } = memoryOutbox([{ id: 'a', leaseUntil: 1 }, { id: 'b', leaseUntil: 2 }]);
    let deliveries = 0;
    const deps = { store, clock, id: (e: Row) => e.id, deliver: async () => (deliveries++, { status: 'delivered' as const, value: undefined }) };
    const reports = await Promise.all([relayOutbox(deps, 25), relayOutbox(deps, 25), relayOutbox(deps, 25)]);
    assert.equal(deliveries, 2);
    assert.equal(reports.reduce((n, r) => n + r.delivered, 0), 2);
    assert.equal(reports.reduce((n, r) => n + r.skipped, 0), 4);
  });

  it('rows that fail validation go to `corrupt` (counted when quarantined), never to deliver', async () => {
    const { store } = memoryOutbox([{ id: 'a', leaseUntil: 1 }], ['bad-1', 'bad-2']);
    const seen: string[] = [];
    const report = await relayOutbox(
      { store, clock: testClock(5), id: (e) => e.id, corrupt: async (p) => (seen.push(p), p === 'bad-1'), deliver: async () => ({ status: 'delivered', value: undefined }) },
      25,
    );
    assert.deepEqual(seen, ['bad-1', 'bad-2']);
    assert.equal(report.quarantined, 1);
    assert.equal(report.found, 3);
    assert.equal(report.delivered, 1);
  });

  it('a listing failure is reported as listError (nothing attempted), not as an empty outbox', async () => {
    const { store } = memoryOutbox([]);
    const boom = new TransientError('throttled', { code: 'AWS_TRANSIENT' });
    const report = await relayOutbox({ store: { ...store, listDue: async () => Promise.reject(boom) }, clock: testClock(5), id: (e) => e.id, deliver: async () => assert.fail('nothing listed') }, 25);
    assert.equal(report.listError, boom);
    assert.deepEqual({ ...report, listError: undefined }, { found: 0, delivered: 0, deliveredIds: [], skipped: 0, failed: [], quarantined: 0, listError: undefined });
  });

  it('settle: a delivery that asks to be parked is parked with its reason (after delivering), not completed', async () => {
    const { store, state } = memoryOutbox([{ id: 'p', leaseUntil: 1 }]);
    const cause = new PermanentError('no budget', { code: 'AWS_PERMANENT' });
    const settled = await settle(store, testClock(5), { id: 'p', leaseUntil: 1 }, async () => ({ status: 'park', reason: 'open position: no budget', error: cause }));
    assert.deepEqual(settled, { status: 'parked', error: cause });
    assert.equal(state.get('p')!.status, 'FAILED');
    assert.equal(state.get('p')!.reason, 'open position: no budget');
  });
});
