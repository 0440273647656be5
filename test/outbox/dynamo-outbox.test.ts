import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoPositionStore } from '../../lib/store/positions/position-store.js';
import { eventItem } from '../../lib/store/positions/rows.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { sampleSignal } from '../support/signals.js';

const LEASE = 60_000;
// Near the real clock: rows whose TTL (ttlDays after T0) has passed may be deleted by DynamoDB Local meanwhile.
const T0 = Math.floor(Date.now() / 3_600_000) * 3_600_000;

describe('the shared DynamoDB outbox (lib/store/dynamo/outbox.ts) on both tables', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('dynamo-outbox');
  });
  after(() => r.close());

  it('signals: due exactly at the end of the lease; one claimer wins; park keeps it out; backlog counts what waits past its lease', async () => {
    const signals = createDynamoSignalStore({ client: r.doc, table: r.tables.SignalsTable!, leaseMs: LEASE, ttlDays: 90 });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const s = sampleSignal(T0 - (i + 1) * 3_600_000, 'ETH/USDT');
      ids.push(s.id);
      assert.equal((await signals.record(s, [1], T0 + i * 1000)).status, 'recorded');
    }
    // Leases end at T0 + LEASE + i s.
    assert.equal((await signals.listDue(T0 + LEASE - 1, 25)).entries.length, 0);
    const due = await signals.listDue(T0 + LEASE, 25);
    assert.deepEqual(due.entries.map((p) => p.signal.id), [ids[0]], 'a lease that ends exactly now is due');
    assert.deepEqual(due.corrupt, []);

    const claims = await Promise.all(Array.from({ length: 5 }, () => signals.claim(due.entries[0]!, T0 + LEASE)));
    assert.equal(claims.filter(Boolean).length, 1, 'one claimer wins');
    assert.equal(claims.find(Boolean)!.leaseUntil, T0 + 2 * LEASE);

    const later = await signals.listDue(T0 + LEASE + 3000, 25);
    assert.deepEqual(later.entries.map((p) => p.signal.id), [ids[1], ids[2], ids[3]], 'oldest lease first; the claimed one is leased again');
    await signals.park(later.entries[0]!, 'x'.repeat(2000), T0 + LEASE + 3000);
    await signals.complete(later.entries[1]!, T0 + LEASE + 3000);
    const parked = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: ids[1] } }))).Item!;
    assert.equal(parked['outbox'], 'FAILED');
    assert.equal(String(parked['outboxError']).length, 1000);
    const done = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: ids[2] } }))).Item!;
    assert.equal(done['outbox'], undefined);
    assert.equal(done['notifiedAt'], T0 + LEASE + 3000);
    // A park after someone completed it: nothing changes, no error.
    await signals.park(later.entries[1]!, 'late', T0 + LEASE + 4000);
    assert.equal((await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: ids[2] } }))).Item!['outbox'], undefined);

    // Still PENDING: ids[0] (lease T0 + 2 LEASE) and ids[3] (lease T0 + LEASE + 3 s).
    assert.deepEqual(await signals.backlog(T0 + LEASE + 2999, 10), { overdue: 0, truncated: false, oldestLeaseUntil: null });
    assert.deepEqual(await signals.backlog(T0 + LEASE + 3000, 10), { overdue: 1, truncated: false, oldestLeaseUntil: T0 + LEASE + 3000 });
    const both = await signals.backlog(T0 + 3 * LEASE, 10);
    assert.equal(both.overdue, 2);
    assert.equal(both.oldestLeaseUntil, T0 + LEASE + 3000);
    const bounded = await signals.backlog(T0 + 3 * LEASE, 1);
    assert.equal(bounded.overdue, 1);
    assert.equal(bounded.truncated, true, 'the read stops at its limit and says so');
  });

  it('position events: a row written with leaseUntil = now is due at once; corrupt rows are listed apart; complete sets the TTL', async () => {
    const store = createDynamoPositionStore({ client: r.doc, table: r.tables.PositionsTable!, ttlDays: 30, leaseMs: LEASE });
    await r.doc.send(new PutCommand({ TableName: r.tables.PositionsTable!, Item: eventItem('pos-1', { kind: 'opened', recipients: [7], text: 'opened' }, T0) }));
    await r.doc.send(new PutCommand({ TableName: r.tables.PositionsTable!, Item: { ...eventItem('pos-2', { kind: 'closed', recipients: [7], text: 'closed' }, T0 + 1), text: '' } }));
    const due = await store.listDue(T0, 25);
    assert.deepEqual(due.entries.map((e) => e.positionId), ['pos-1']);
    assert.deepEqual(due.corrupt, []);
    const both = await store.listDue(T0 + 1, 25);
    assert.equal(both.entries.length, 1);
    assert.equal(both.corrupt.length, 1);
    assert.match(JSON.stringify(both.corrupt[0]), /position#pos-2/, 'the corrupt row is named');
    assert.deepEqual(await store.backlog(T0 + 1, 10), { overdue: 2, truncated: false, oldestLeaseUntil: T0 });

    const claimed = await store.claim(due.entries[0]!, T0 + 5);
    assert.ok(claimed);
    assert.equal(await store.claim(due.entries[0]!, T0 + 5), undefined, 'the listed lease moved: a second claim loses');
    await store.complete(claimed, T0 + 10);
    const row = (await r.doc.send(new GetCommand({ TableName: r.tables.PositionsTable!, Key: { pk: 'position#pos-1', sk: 'event#opened' } }))).Item!;
    assert.equal(row['outbox'], undefined);
    assert.equal(row['leaseUntil'], undefined);
    assert.equal(row['notifiedAt'], T0 + 10);
    assert.equal(row['expiresAt'], Math.floor((T0 + 10) / 1000) + 30 * 86_400);
  });
});
