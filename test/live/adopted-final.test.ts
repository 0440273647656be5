/**
 * An adopted order (a bot-id order found at the exchange with no row) is followed until the
 * exchange shows it final, then leaves the in-flight list: it no longer holds one of reconcile's
 * `maxOrders` slots, and the budget is untouched (it is not on the bot's books).
 * DynamoDB Local + Binance simulator + real ccxt.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import { drainQueue } from '../support/queue.js';
import { budgetRow, candleBefore, drift, liveSignal, MINUTE, startLiveStack, type LiveStack } from './fixture.js';

describe('adopted orders leave the in-flight list once final (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  before(async () => {
    stack = await startLiveStack('live-adopted-final', { 'H/USDT': 10, 'J/USDT': 10, 'K/USDT': 10 }, { budget: 1000, stake: 50 });
  });
  after(() => stack.close());

  it('filled or cancelled at the exchange → final after the next run, listed with the recent orders, money untouched, no slot held', async () => {
    const filledId = clientOrderId('orphan-filled', 'entry');
    const cancelledId = clientOrderId('orphan-cancelled', 'entry');
    const trading = await stack.trading();
    await trading.placeOrder({ clientOrderId: filledId, symbol: 'H/USDT', side: 'buy', type: 'limit', amount: 1, price: 9 });
    await trading.placeOrder({ clientOrderId: cancelledId, symbol: 'J/USDT', side: 'buy', type: 'limit', amount: 2, price: 9 });
    stack.clock.advance(MINUTE);
    const adopted = await runReconcile(await stack.deps());
    assert.deepEqual([adopted.adopted, adopted.failed], [2, 0], JSON.stringify(adopted.errors));
    const store = stack.store();
    const inFlight = async () => (await store.listInFlightOrders('binance', 50)).items.map((o) => o.clientOrderId).sort();
    assert.deepEqual(await inFlight(), [cancelledId, filledId].sort());
    await store.ensureBudget('binance', 'USDT', 1000, stack.clock.now());
    const money = await budgetRow(stack);

    // Still open at the exchange: followed, left in flight.
    stack.clock.advance(MINUTE);
    const open = await runReconcile(await stack.deps());
    assert.deepEqual([open.adopted, open.failed], [0, 0], JSON.stringify(open.errors));
    assert.deepEqual(await inFlight(), [cancelledId, filledId].sort());

    stack.sim.setPrice('H/USDT', 8.9);
    assert.ok(await trading.cancelOrder('J/USDT', cancelledId));
    stack.clock.advance(MINUTE);
    const next = await runReconcile(await stack.deps());
    assert.deepEqual([next.adopted, next.settled, next.closed, next.failed], [0, 0, 0, 0], JSON.stringify(next.errors));
    assert.deepEqual(await inFlight(), []);

    const filled = await store.getOrder(filledId);
    const cancelled = await store.getOrder(cancelledId);
    assert.ok(filled?.ok && cancelled?.ok);
    const simFills = stack.sim.fills().filter((f) => f.clientOrderId === filledId);
    assert.ok(simFills.length > 0);
    assert.deepEqual([filled.value.status, filled.value.adopted, filled.value.filled], ['filled', true, 1]);
    assert.ok(Math.abs(filled.value.cost - simFills.reduce((s, f) => s + f.quoteQty, 0)) <= 1e-9);
    assert.deepEqual([cancelled.value.status, cancelled.value.filled], ['cancelled', 0]);
    const recent = (await store.listRecentOrders('binance', 50)).items.map((o) => o.clientOrderId);
    assert.ok(recent.includes(filledId) && recent.includes(cancelledId));
    const b = await budgetRow(stack);
    const fields = ['start', 'available', 'reserved', 'invested', 'realised', 'fees', 'openCount', 'peakEquity'] as const;
    assert.deepEqual(fields.map((f) => b[f]), fields.map((f) => money[f]), 'the money of the budget is untouched');
    assert.ok(Math.abs(drift(b)) <= 1e-9);

    // A resting entry of the bot is now the only order in flight: maxOrders 1 follows it (the adopted ones hold no slot).
    stack.sim.setPrice('K/USDT', 11);
    assert.equal((await createLiveOpener(await stack.deps()).open(liveSignal('K/USDT', 10, candleBefore(stack.clock.now())))).status, 'opened');
    const bounded = await runReconcile(await stack.deps(), { maxOrders: 1 });
    assert.deepEqual([bounded.ordersChecked, bounded.failed], [1, 0], JSON.stringify(bounded.errors));
    await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!);
  });
});
