/**
 * Versioned, forward-only order advances on DynamoDB Local: stale versions, backward changes
 * and changes of a final order are answered `stale` and never applied; an entry's final status
 * goes through settleEntry only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../../lib/core/live/client-order-id.js';
import type { LiveStore } from '../../../lib/ports/live.js';
import { testResources, type TestResources } from '../../support/local-aws.js';
import { conserved, exchangeId, HOUR, intent, liveStore, noFills, T0 } from './fixture.js';

describe('live store: order advances (DynamoDB Local)', () => {
  let r: TestResources;
  let store: LiveStore;
  before(async () => {
    r = await testResources('live-orders');
    store = liveStore(r);
  });
  after(() => r.close());

  async function created(ex: string) {
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const command = intent({ exchange: ex });
    const result = await store.recordIntent(command);
    assert.ok(result.status === 'created');
    return result.order;
  }

  it('moves forward one version at a time, with fills, the exchange id and look-ups', async () => {
    const ex = exchangeId('fwd');
    const order = await created(ex);
    const id = order.clientOrderId;
    const now = T0 + 2 * HOUR;
    const submitted = await store.advanceOrder({ clientOrderId: id, version: 1, from: 'intent', to: 'submitted', submittedAt: now, now });
    assert.ok(submitted.status === 'advanced');
    assert.deepEqual([submitted.order.status, submitted.order.version, submitted.order.submittedAt], ['submitted', 2, now]);
    const looked = await store.advanceOrder({ clientOrderId: id, version: 2, from: 'submitted', to: 'submitted', lookup: true, now });
    assert.ok(looked.status === 'advanced' && looked.order.lookups === 1 && looked.order.version === 3);
    const fills = { filled: 0.06, cost: 6, fee: 0.006, feeFromBase: 0, baseFee: 0, tradeIds: ['t1'] };
    const partial = await store.advanceOrder({ clientOrderId: id, version: 3, from: 'submitted', to: 'partially-filled', exchangeOrderId: 'x1', fills, now });
    assert.ok(partial.status === 'advanced');
    assert.deepEqual([partial.order.status, partial.order.filled, partial.order.cost, partial.order.fills, partial.order.exchangeOrderId], ['partially-filled', 0.06, 6, ['t1'], 'x1']);
    // Money does not move on an advance: the reservation stays whole until settleEntry.
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved], [180, 20]);
  });

  it('a stale version, a backward change, shrinking fills and a missing order are refused, nothing applied', async () => {
    const ex = exchangeId('stale');
    const order = await created(ex);
    const id = order.clientOrderId;
    const now = T0 + 2 * HOUR;
    assert.equal((await store.advanceOrder({ clientOrderId: id, version: 1, from: 'intent', to: 'open', now })).status, 'advanced');
    // The same change again (a retried invocation that read version 1): stale, with the current row.
    const again = await store.advanceOrder({ clientOrderId: id, version: 1, from: 'intent', to: 'open', now });
    assert.ok(again.status === 'stale' && again.current?.version === 2 && again.current.status === 'open');
    // Backward, at the current version.
    const back = await store.advanceOrder({ clientOrderId: id, version: 2, from: 'open', to: 'submitted', now });
    assert.equal(back.status, 'stale');
    const fills = { filled: 0.1, cost: 10, fee: 0, feeFromBase: 0, baseFee: 0, tradeIds: ['a', 'b'] };
    assert.equal((await store.advanceOrder({ clientOrderId: id, version: 2, from: 'open', to: 'partially-filled', fills, now })).status, 'advanced');
    const shrink = await store.advanceOrder({ clientOrderId: id, version: 3, from: 'partially-filled', to: 'partially-filled', fills: { ...fills, filled: 0.05, tradeIds: ['a'] }, now });
    assert.equal(shrink.status, 'stale');
    const read = await store.getOrder(id);
    assert.ok(read?.ok && read.value.version === 3 && read.value.filled === 0.1);
    assert.deepEqual(await store.advanceOrder({ clientOrderId: clientOrderId('nope', 'entry'), version: 1, from: 'intent', to: 'open', now }), { status: 'missing' });
  });

  it('concurrent advances from one version: exactly one applies', async () => {
    const ex = exchangeId('race');
    const order = await created(ex);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.advanceOrder({ clientOrderId: order.clientOrderId, version: 1, from: 'intent', to: i % 2 ? 'submitted' : 'open', now: T0 + 2 * HOUR }),
      ),
    );
    assert.equal(results.filter((x) => x.status === 'advanced').length, 1);
    const read = await store.getOrder(order.clientOrderId);
    assert.ok(read?.ok && read.value.version === 2);
  });

  it("an entry's final status goes through settleEntry: advanceOrder refuses it", async () => {
    const ex = exchangeId('final');
    const order = await created(ex);
    await assert.rejects(
      store.advanceOrder({ clientOrderId: order.clientOrderId, version: 1, from: 'intent', to: 'cancelled', now: T0 + 2 * HOUR }),
      (e: Error & { code?: string }) => e.code === 'ILLEGAL_TRANSITION',
    );
    const read = await store.getOrder(order.clientOrderId);
    assert.ok(read?.ok && read.value.status === 'intent');
  });

  it('a final order never changes again, and leaves the in-flight list for the recent one', async () => {
    const ex = exchangeId('done');
    const order = await created(ex);
    const now = T0 + 2 * HOUR;
    const settled = await store.settleEntry({ clientOrderId: order.clientOrderId, version: 1, from: 'intent', to: 'rejected', fills: noFills, reason: 'insufficient balance', stop: 97, target: 106, now });
    assert.equal(settled.status, 'settled');
    for (const to of ['filled', 'cancelled', 'open'] as const) {
      assert.equal((await store.advanceOrder({ clientOrderId: order.clientOrderId, version: 2, from: 'rejected', to, now })).status, 'stale', to);
    }
    assert.deepEqual((await store.listInFlightOrders(ex, 10)).items, []);
    const recent = await store.listRecentOrders(ex, 10);
    assert.deepEqual(recent.items.map((o) => [o.clientOrderId, o.status, o.reason]), [[order.clientOrderId, 'rejected', 'insufficient balance']]);
  });

  it('adopts an order with a bot id found at the exchange once, without touching the budget', async () => {
    const ex = exchangeId('adopt');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const id = clientOrderId('lost-row', 'entry');
    const adopt = { clientOrderId: id, exchange: ex, symbol: 'BTC/USDT', side: 'buy' as const, type: 'limit' as const, amount: 0.1, price: 100, status: 'open' as const, exchangeOrderId: '77', fills: noFills, now: T0 };
    assert.equal(await store.adoptOrder(adopt), 'created');
    assert.equal(await store.adoptOrder(adopt), 'exists');
    const read = await store.getOrder(id);
    assert.ok(read?.ok && read.value.adopted === true && read.value.role === 'entry' && read.value.positionId === undefined);
    assert.deepEqual((await store.listInFlightOrders(ex, 10)).items.map((o) => o.clientOrderId), [id]);
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.openCount], [200, 0, 0]);
  });
});
