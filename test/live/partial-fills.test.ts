import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import { drainQueue } from '../support/queue.js';
import { budgetRow, candleBefore, drift, liveSignal, MINUTE, startLiveStack, SUBSCRIBER, type LiveStack } from './fixture.js';

describe('live entry filled in parts, the rest cancelled at the entry timeout (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  before(async () => {
    stack = await startLiveStack('live-partial', { 'BTC/USDT': 100, 'SOL/USDT': 20 }, { budget: 1000, stake: 50, entryTimeoutMinutes: 15 });
  });
  after(() => stack.close());

  it('30 % then 70 % filled, the rest cancelled at the timeout → position qty = filled (less the base fee), reservation released, budget conserved to 1e-9', async () => {
    const signal = liveSignal('BTC/USDT', 100, candleBefore(stack.clock.now()));
    const entryId = clientOrderId(signal.id, 'entry');
    // 30 % on the first query of the order, 70 % (cumulative) on the second; never more.
    stack.sim.setFillPlan(entryId, [0.3, 0.4]);
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');
    const store = stack.store();
    const start = await budgetRow(stack);
    assert.deepEqual([start['reserved'], start['openCount']], [50, 1]);

    stack.clock.advance(MINUTE + 1000);
    const run1 = await runReconcile(await stack.deps());
    let order = await store.getOrder(entryId);
    assert.ok(order?.ok);
    assert.equal(order.value.status, 'partially-filled');
    const sim = () => stack.sim.orders().find((o) => o.clientOrderId === entryId)!;
    assert.equal(order.value.filled, sim().executedQty);
    assert.ok(Math.abs(order.value.filled / sim().origQty - 0.3) < 1e-3);
    assert.equal(run1.failed, 0, JSON.stringify(run1.errors));

    stack.clock.advance(MINUTE + 1000);
    await runReconcile(await stack.deps());
    order = await store.getOrder(entryId);
    assert.ok(order?.ok);
    assert.equal(order.value.status, 'partially-filled');
    assert.equal(order.value.filled, sim().executedQty);
    assert.ok(Math.abs(order.value.filled / sim().origQty - 0.7) < 1e-3);

    // Past the entry timeout: the rest is cancelled, the entry settles with what filled.
    stack.clock.advance(15 * MINUTE);
    const run3 = await runReconcile(await stack.deps());
    assert.equal(run3.failed, 0, JSON.stringify(run3.errors));
    assert.equal(run3.settled, 1);
    assert.equal(run3.protectionsPlaced, 1);
    assert.equal(sim().status, 'CANCELED');
    order = await store.getOrder(entryId);
    assert.ok(order?.ok);
    assert.equal(order.value.status, 'cancelled');

    const fills = stack.sim.fills().filter((f) => f.clientOrderId === entryId);
    assert.equal(fills.length, 2);
    const filled = fills.reduce((s, f) => s + f.qty, 0);
    const baseFee = fills.reduce((s, f) => s + (f.commissionAsset === 'BTC' ? f.commission : 0), 0);
    const cost = fills.reduce((s, f) => s + f.quoteQty, 0);
    assert.ok(Math.abs(order.value.filled - filled) <= 1e-12);
    assert.deepEqual(order.value.fills.length, 2);

    const position = await store.getPosition(signal.id);
    assert.ok(position?.ok);
    assert.equal(position.value.status, 'open');
    assert.ok(Math.abs(position.value.qty - (filled - baseFee)) <= 1e-12, `qty ${position.value.qty} vs ${filled - baseFee}`);
    assert.equal(position.value.protection.state, 'placed');
    const stopLeg = stack.sim.orders().find((o) => o.clientOrderId === position.value.protection.stopClientOrderId)!;
    assert.ok(stopLeg.origQty <= position.value.qty && position.value.qty - stopLeg.origQty < 0.00001);

    const b = await budgetRow(stack);
    assert.equal(b['reserved'], 0);
    assert.equal(b['openCount'], 1);
    // A base-asset fee is not paid in quote: the cash spent is exactly the fills' cost.
    assert.ok(Math.abs(b['available']! - (start['available']! + 50 - cost)) <= 1e-9, `available ${b['available']}`);
    assert.ok(Math.abs(drift(b)) <= 1e-9, `drift ${drift(b)}`);

    const told = (await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!)).filter((n) => n.chatId === SUBSCRIBER).map((n) => n.text);
    assert.ok(told.some((t) => t.includes('partially filled')));
    assert.ok(told.some((t) => t.includes('order cancelled') && t.includes('entry timeout')));
  });

  it('an entry that never fills is cancelled at the timeout: no position, the whole reservation released, the market free again', async () => {
    const signal = liveSignal('SOL/USDT', 20, candleBefore(stack.clock.now()));
    const entryId = clientOrderId(signal.id, 'entry');
    stack.sim.setPrice('SOL/USDT', 21); // above the limit (20 × 1.002): the buy rests
    const before = await budgetRow(stack);
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');
    stack.clock.advance(16 * MINUTE);
    const run = await runReconcile(await stack.deps());
    assert.equal(run.failed, 0, JSON.stringify(run.errors));
    assert.equal(run.settled, 1);
    const position = await stack.store().getPosition(signal.id);
    assert.ok(position?.ok);
    assert.deepEqual([position.value.status, position.value.qty], ['closed', 0]);
    assert.equal(stack.sim.orders().find((o) => o.clientOrderId === entryId)?.status, 'CANCELED');
    const b = await budgetRow(stack);
    assert.deepEqual([b['available'], b['reserved'], b['openCount']], [before['available'], before['reserved'], before['openCount']]);
    assert.ok(Math.abs(drift(b)) <= 1e-9);
  });
});
