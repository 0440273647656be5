import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import { createDynamoDeliveryStore } from '../../lib/store/deliveries/deliveries.js';
import { createDynamoSendRateLimiter } from '../../lib/store/state/send-rate.js';
import { createDynamoChartFileCache } from '../../lib/store/state/chart-files.js';
import { testResources, type TestResources } from '../support/local-aws.js';

// Now-based: DynamoDB Local applies TTL, and rows expire 21 days after their time.
const T0 = Date.now();
const LEASE = 60_000;

describe('delivery rows in DynamoDB (DeliveriesTable)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('deliveries');
  });
  after(() => r.close());
  // One store per "worker": nothing in memory is shared between them.
  const store = () => createDynamoDeliveryStore({ client: r.doc, table: r.tables['DeliveriesTable']! });

  it('of 10 concurrent claims exactly one wins; the others see the lease as busy', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => store().claim('n1', 7, T0, LEASE)));
    assert.equal(results.filter((c) => c.outcome === 'claimed').length, 1, JSON.stringify(results));
    assert.deepEqual(
      results.filter((c) => c.outcome !== 'claimed'),
      Array.from({ length: 9 }, () => ({ outcome: 'busy', leaseUntil: T0 + LEASE })),
    );
  });

  it('a sent marker stops every later claim (redelivery after success)', async () => {
    const s = store();
    assert.deepEqual(await s.claim('n2', 7, T0, LEASE), { outcome: 'claimed', attempt: 1, progress: undefined });
    await s.markSent('n2', T0 + 10, { messageIds: [11] });
    assert.deepEqual(await store().claim('n2', 7, T0 + LEASE * 2, LEASE), { outcome: 'sent' });
    const row = await s.get('n2');
    assert.equal(row?.status, 'sent');
    assert.equal(row?.leaseUntil, undefined);
  });

  it('a released claim can be taken at once; an expired lease after it ends (attempt counted)', async () => {
    const s = store();
    await s.claim('n3', 7, T0, LEASE);
    await s.release('n3');
    const second = await store().claim('n3', 7, T0 + 1, LEASE);
    assert.deepEqual(second, { outcome: 'claimed', attempt: 2, progress: undefined });
    // Crash: no release. Busy until the lease ends, then claimable again.
    assert.equal((await store().claim('n3', 7, T0 + LEASE, LEASE)).outcome, 'busy');
    assert.deepEqual(await store().claim('n3', 7, T0 + 1 + LEASE + 1, LEASE), { outcome: 'claimed', attempt: 3, progress: undefined });
  });

  it('progress of a multi-part message comes back with the next claim', async () => {
    const s = store();
    await s.claim('n4', 7, T0, LEASE);
    await s.recordProgress('n4', { plan: 'text', partsSent: 2, messageIds: [5, 6] }, T0 + 1);
    await s.release('n4');
    assert.deepEqual(await store().claim('n4', 7, T0 + 2, LEASE), { outcome: 'claimed', attempt: 2, progress: { plan: 'text', partsSent: 2, messageIds: [5, 6] } });
  });

  it('a dropped row keeps its reason and is never claimed again', async () => {
    const s = store();
    await s.claim('n5', 7, T0, LEASE);
    await s.markDropped('n5', 'blocked: Forbidden: bot was blocked by the user', T0 + 1);
    assert.deepEqual(await store().claim('n5', 7, T0 + LEASE * 3, LEASE), { outcome: 'dropped', reason: 'blocked: Forbidden: bot was blocked by the user' });
  });

  it('a malformed body is recorded under malformed#<SQS message id>', async () => {
    await store().recordMalformed('m-1', { issue: 'chatId: expected int', body: '{"chatId":"x"}' }, T0);
    const row = await store().get('malformed#m-1');
    assert.equal(row?.status, 'dropped');
    assert.equal(row?.reason, 'malformed: chatId: expected int');
  });
});

describe('send-rate slots across concurrent invocations (StateTable)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('send-rate');
  });
  after(() => r.close());
  const limiter = (perChatIntervalMs: number, globalPerSecond: number, leaseMs?: number) =>
    createDynamoSendRateLimiter({ client: r.doc, table: r.tables['StateTable']!, perChatIntervalMs, globalPerSecond, ...(leaseMs ? { leaseMs } : {}) });

  it('3 concurrent invocations: each send to one chat starts at least the interval after the previous one finished, however slow the sends', async () => {
    const INTERVAL = 300;
    const sends: { start: number; end: number }[] = [];
    await Promise.all(
      [0, 1, 2].map(async (inv) => {
        const l = limiter(INTERVAL, 25); // a separate instance = a separate invocation
        for (let i = 0; i < 4; i++) {
          const slot = await l.acquire(42, 20_000);
          assert.ok(slot.ok);
          const start = Date.now();
          await sleep(((inv * 4 + i) % 3) * 150); // sends of 0, 150 and 300 ms (a slow Bot API call, a busy CPU)
          sends.push({ start, end: Date.now() });
          await slot.release();
        }
      }),
    );
    sends.sort((a, b) => a.start - b.start);
    assert.equal(sends.length, 12);
    const gaps = sends.slice(1).map((s, i) => s.start - sends[i]!.end);
    assert.ok(Math.min(...gaps) >= INTERVAL - 15, `gaps after the previous send finished: ${gaps.join(', ')}`);
  });

  it('a sender that never releases blocks its chat only until the lease expires', async () => {
    const l = limiter(100, 25, 600);
    const held = await l.acquire(43, 1_000);
    assert.ok(held.ok); // never released: the sender "crashed"
    const refused = await l.acquire(43, 100);
    assert.ok(!refused.ok && refused.retryAfterMs > 0 && refused.retryAfterMs <= 600, JSON.stringify(refused));
    const started = Date.now();
    const next = await l.acquire(43, 5_000);
    assert.ok(next.ok);
    const waited = Date.now() - started;
    // Lower bound: not before the lease expired. Upper: within acquire's 5 s budget (next.ok) — a
    // tighter wall-clock bound does not hold on a loaded machine.
    assert.ok(waited >= 300 && waited < 5_000, `waited ${waited} ms for the lease to expire`);
    await next.release();
  });

  it('the global budget holds across invocations: never more than limit + 3 in any second', async () => {
    const PER_SECOND = 10;
    const granted: number[] = [];
    const started = Date.now();
    await Promise.all(
      [0, 1, 2].map(async (inv) => {
        const l = limiter(1, PER_SECOND);
        for (let i = 0; i < 10; i++) {
          const slot = await l.acquire(1000 + inv * 100 + i, 10_000); // all different chats
          assert.ok(slot.ok);
          granted.push(Date.now());
          await slot.release();
        }
      }),
    );
    granted.sort((a, b) => a - b);
    const maxInSecond = Math.max(...granted.map((t) => granted.filter((u) => u >= t && u < t + 1000).length));
    assert.ok(maxInSecond <= PER_SECOND + 3, `max ${maxInSecond} in one second`);
    // 30 slots at 10/s need at least ~2 s.
    assert.ok(Date.now() - started >= 1800, `took ${Date.now() - started} ms`);
  });

  it('gives up without waiting when the slot is further away than the allowed wait', async () => {
    const l = limiter(5000, 25);
    const first = await l.acquire(77, 100);
    assert.ok(first.ok);
    await first.release();
    const second = await l.acquire(77, 100);
    assert.equal(second.ok, false);
    // retryAfterMs = the 5 s interval minus the time since the release: > 1000 (well beyond the 100 ms
    // allowed wait) holds even when the two DynamoDB calls in between take seconds under load.
    assert.ok(!second.ok && second.retryAfterMs > 1000 && second.retryAfterMs <= 5000 + 200, JSON.stringify(second));
  });
});

describe('chart file ids (StateTable)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('chart-files');
  });
  after(() => r.close());

  it('stores a file id per source and reads it back; unknown sources are undefined', async () => {
    const cache = createDynamoChartFileCache({ client: r.doc, table: r.tables['StateTable']! });
    assert.equal(await cache.get('sig-1'), undefined);
    await cache.put('sig-1', 'FILE-1', Date.now());
    assert.equal(await cache.get('sig-1'), 'FILE-1');
  });

  it('an expired row (TTL not yet applied) is ignored', async () => {
    const cache = createDynamoChartFileCache({ client: r.doc, table: r.tables['StateTable']!, ttlDays: 1 });
    await cache.put('sig-2', 'FILE-2', Date.now() - 2 * 86_400_000);
    assert.equal(await cache.get('sig-2'), undefined);
  });
});
