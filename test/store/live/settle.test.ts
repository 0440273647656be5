/**
 * settleEntry on DynamoDB Local: the entry's final status, the position with what was filled
 * and the budget release in one transaction — a 30 % fill keeps 30 % and releases the rest
 * exactly; nothing filled releases everything, the lock and the slot.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { LiveStore } from '../../../lib/ports/live.js';
import { testResources, type TestResources } from '../../support/local-aws.js';
import { conserved, exchangeId, HOUR, intent, liveStore, noFills, T0 } from './fixture.js';

describe('live store: settleEntry (DynamoDB Local)', () => {
  let r: TestResources;
  let store: LiveStore;
  before(async () => {
    r = await testResources('live-settle');
    store = liveStore(r);
  });
  after(() => r.close());

  const lock = async (ex: string) => (await r.doc.send(new GetCommand({ TableName: r.tables['LiveTable'], Key: { pk: `lock#${ex}#BTC/USDT`, sk: 'lock' }, ConsistentRead: true }))).Item;

  async function opened(ex: string, start = 200) {
    await store.ensureBudget(ex, 'USDT', start, T0);
    const command = intent({ exchange: ex });
    const result = await store.recordIntent(command);
    assert.ok(result.status === 'created');
    const now = T0 + 2 * HOUR;
    const sub = await store.advanceOrder({ clientOrderId: command.order.clientOrderId, version: 1, from: 'intent', to: 'open', exchangeOrderId: 'x', now });
    assert.ok(sub.status === 'advanced');
    return { command, order: sub.order, now };
  }

  it('a 30 % fill then cancel: the position holds the filled amount, 70 % of the stake returns exactly', async () => {
    const ex = exchangeId('part');
    const { command, order, now } = await opened(ex);
    // 0.2 asked at 100; 0.06 filled (30 %) for 6.006 USDT, fee 0.00006 BTC taken in base (0.006006 USDT).
    const fills = { filled: 0.06, cost: 6.006, fee: 0.006006, feeFromBase: 0.006006, baseFee: 0.00006, tradeIds: ['t1', 't2'] };
    const result = await store.settleEntry({ clientOrderId: order.clientOrderId, version: order.version, from: 'open', to: 'cancelled', fills, stop: 97, target: 106, now });
    assert.ok(result.status === 'settled');
    assert.equal(result.order.status, 'cancelled');
    const p = result.position;
    assert.deepEqual([p.status, p.qty, p.cost, p.entryFee, p.avgEntry, p.stop, p.target, p.version], ['open', 0.05994, 5.999994, 0.006006, 100.1, 97, 106, 2]);
    const b = await conserved(store, ex);
    // available: 180 + 20 − 6.006 (the fee came out of the base, not the cash); invested = the book cost.
    assert.deepEqual([b.available, b.reserved, b.invested, b.fees, b.openCount], [193.994, 0, 5.999994, 0.006006, 1]);
    assert.equal((await lock(ex))?.['positionId'], command.position.positionId);
    assert.deepEqual((await store.listInFlightOrders(ex, 10)).items, []);
    assert.deepEqual((await store.listOpenPositions(ex, 10)).items.map((x) => x.status), ['open']);
  });

  it('a fee in quote comes out of the cash; a full fill keeps the whole amount', async () => {
    const ex = exchangeId('full');
    const { order, now } = await opened(ex);
    const fills = { filled: 0.2, cost: 19.98, fee: 0.01998, feeFromBase: 0, baseFee: 0, tradeIds: ['t1'] };
    const result = await store.settleEntry({ clientOrderId: order.clientOrderId, version: order.version, from: 'open', to: 'filled', fills, stop: 97, target: 106, now });
    assert.ok(result.status === 'settled' && result.position.qty === 0.2 && result.position.cost === 19.98);
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.invested, b.fees], [180.00002, 0, 19.98, 0.01998]);
  });

  it('nothing filled: the whole stake, the slot and the lock are released, the position closed with pnl 0', async () => {
    const ex = exchangeId('none');
    const { command, order, now } = await opened(ex);
    const result = await store.settleEntry({ clientOrderId: order.clientOrderId, version: order.version, from: 'open', to: 'expired', fills: noFills, stop: 97, target: 106, now });
    assert.ok(result.status === 'settled' && result.position.status === 'closed' && result.position.pnl === 0 && result.position.qty === 0);
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.invested, b.openCount], [200, 0, 0, 0]);
    assert.equal(await lock(ex), undefined);
    assert.deepEqual((await store.listOpenPositions(ex, 10)).items, []);
    // The market is free again: the next signal's intent is created.
    assert.equal((await store.recordIntent(intent({ exchange: ex, at: T0 + HOUR }))).status, 'created');
    assert.ok(command);
  });

  it('settles once: a repeat or a stale version is answered stale, the money moved once', async () => {
    const ex = exchangeId('once');
    const { order, now } = await opened(ex);
    const fills = { filled: 0.1, cost: 10, fee: 0.01, feeFromBase: 0, baseFee: 0, tradeIds: ['t1'] };
    const command = { clientOrderId: order.clientOrderId, version: order.version, from: 'open' as const, to: 'cancelled' as const, fills, stop: 97, target: 106, now };
    const results = await Promise.all(Array.from({ length: 10 }, () => store.settleEntry(command)));
    assert.equal(results.filter((x) => x.status === 'settled').length, 1);
    assert.equal(results.filter((x) => x.status === 'stale').length, 9);
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.invested, b.fees], [189.99, 0, 10, 0.01]);
  });
});
