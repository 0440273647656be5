import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import { drainQueue } from '../support/queue.js';
import { ADMIN, budgetRow, candleBefore, drift, liveSignal, MINUTE, startLiveStack, SUBSCRIBER, type LiveStack } from './fixture.js';

describe('live orders whose answer is lost or refused, refusals, adoption, bounds (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  const notifications = () => drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!);
  before(async () => {
    stack = await startLiveStack(
      'live-answers',
      { 'A/USDT': 10, 'B/USDT': 10, 'C/USDT': 10, 'D/USDT': 10, 'E/USDT': 10, 'F/USDT': 10, 'G/USDT': 10 },
      { budget: 1000, stake: 50 },
      { 'D/USDT': { minNotional: 100 } },
    );
  });
  after(() => stack.close());

  it('the order is created but its answer is lost → looked up by client order id, recorded and protected; sent once', async () => {
    const signal = liveSignal('A/USDT', 10, candleBefore(stack.clock.now()));
    const entryId = clientOrderId(signal.id, 'entry');
    stack.sim.setOrderFault('createOrder', { kind: 'lostAnswer', times: 1 });
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');
    assert.equal(stack.sim.creations(entryId), 1);
    const p = await stack.store().getPosition(signal.id);
    assert.ok(p?.ok);
    assert.deepEqual([p.value.status, p.value.protection.state], ['open', 'placed']);
    await notifications();
  });

  it('the order never reached the exchange (503 before it was carried out) → left submitted, lost after 3 spaced look-ups, alerted, reservation released, never re-sent', async () => {
    const signal = liveSignal('B/USDT', 10, candleBefore(stack.clock.now()));
    const entryId = clientOrderId(signal.id, 'entry');
    const before = await budgetRow(stack);
    stack.sim.setOrderFault('createOrder', { kind: 'status', status: 503, times: 1 });
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');
    const store = stack.store();
    let order = await store.getOrder(entryId);
    assert.ok(order?.ok);
    assert.equal(order.value.status, 'submitted');

    const lookups: number[] = [];
    let lost = 0;
    let alerts = 0;
    // Runs 30 s apart: a look-up counts only a minute after the previous one.
    for (let run = 0; run < 8; run++) {
      stack.clock.advance(30_000);
      const report = await runReconcile(await stack.deps());
      assert.equal(report.failed, 0, JSON.stringify(report.errors));
      lost += report.lost;
      alerts += report.alerts;
      order = await store.getOrder(entryId);
      assert.ok(order?.ok);
      lookups.push(order.value.lookups);
    }
    assert.deepEqual(lookups, [0, 1, 1, 2, 2, 2, 2, 2]);
    assert.equal(order.value.status, 'lost');
    assert.deepEqual([lost, alerts], [1, 1]);
    assert.equal(stack.sim.creations(entryId), 0);
    const b = await budgetRow(stack);
    assert.deepEqual([b['available'], b['reserved'], b['openCount']], [before['available'], before['reserved'], before['openCount']]);
    const admin = (await notifications()).filter((n) => n.chatId === ADMIN);
    assert.equal(admin.length, 1);
    assert.match(admin[0]!.text, /ALERT: order lost/);
    // A re-delivery does not send it again.
    await createLiveOpener(await stack.deps()).open(signal);
    assert.equal(stack.sim.creations(entryId), 0);
  });

  it('the exchange refuses the entry (insufficient balance) → refused, rejected, reservation back, told to the subscriber (no admin alert)', async () => {
    const signal = liveSignal('C/USDT', 10, candleBefore(stack.clock.now()));
    const before = await budgetRow(stack);
    stack.sim.setOrderFault('createOrder', { kind: 'reject', reason: 'insufficientBalance', times: 1 });
    const outcome = await createLiveOpener(await stack.deps()).open(signal);
    assert.equal(outcome.status, 'refused');
    assert.match(outcome.status === 'refused' ? outcome.detail : '', /^rejected: /);
    const order = await stack.store().getOrder(clientOrderId(signal.id, 'entry'));
    assert.ok(order?.ok);
    assert.equal(order.value.status, 'rejected');
    const b = await budgetRow(stack);
    assert.deepEqual([b['available'], b['reserved'], b['openCount']], [before['available'], before['reserved'], before['openCount']]);
    const told = await notifications();
    assert.equal(told.filter((n) => n.chatId === ADMIN).length, 0);
    assert.ok(told.some((n) => n.chatId === SUBSCRIBER && n.text.includes('order cancelled') && n.text.includes('insufficient balance')));
  });

  it('below the market minimum notional → refused min-notional before anything is written, and told', async () => {
    const signal = liveSignal('D/USDT', 10, candleBefore(stack.clock.now()));
    const before = await budgetRow(stack);
    const outcome = await createLiveOpener(await stack.deps()).open(signal);
    assert.equal(outcome.status, 'refused');
    assert.match(outcome.status === 'refused' ? outcome.detail : '', /^min-notional: /);
    // Recorded (issue 15: a refused intent is recorded with its reason), no money moved.
    const row = await stack.store().getOrder(clientOrderId(signal.id, 'entry'));
    assert.ok(row?.ok);
    assert.deepEqual([row.value.status, row.value.stake, row.value.reason?.split(':')[0]], ['rejected', 0, 'min-notional']);
    assert.deepEqual(await budgetRow(stack), before);
    assert.ok((await notifications()).some((n) => n.chatId === SUBSCRIBER && n.text.includes('not traded') && n.text.includes('min-notional')));
  });

  it('reconcile is bounded: no exchange started without time left; at most maxOrders orders followed per run', async () => {
    const none = await runReconcile(await stack.deps({ remainingMs: () => 1_000 }));
    assert.deepEqual([none.exchanges, none.ordersChecked], [0, 0]);
    // Two resting entries (the price is above their limits) are the only orders in flight.
    stack.sim.setPrice('F/USDT', 11);
    stack.sim.setPrice('G/USDT', 11);
    const t = candleBefore(stack.clock.now());
    await createLiveOpener(await stack.deps()).open(liveSignal('F/USDT', 10, t));
    await createLiveOpener(await stack.deps()).open(liveSignal('G/USDT', 10, t));
    const bounded = await runReconcile(await stack.deps(), { maxOrders: 1 });
    assert.deepEqual([bounded.exchanges, bounded.ordersChecked, bounded.failed], [1, 1, 0]);
    const all = await runReconcile(await stack.deps());
    assert.deepEqual([all.ordersChecked, all.failed], [2, 0]);
    await notifications();
  });
  it('a bot order at the exchange without a row is adopted once and alerted once; money untouched', async () => {
    const orphan = clientOrderId('orphan-position', 'entry');
    const trading = await stack.trading();
    await trading.placeOrder({ clientOrderId: orphan, symbol: 'E/USDT', side: 'buy', type: 'limit', amount: 1, price: 9 });
    const before = await budgetRow(stack);
    stack.clock.advance(MINUTE);
    const first = await runReconcile(await stack.deps());
    assert.deepEqual([first.adopted, first.alerts, first.failed], [1, 1, 0], JSON.stringify(first.errors));
    const row = await stack.store().getOrder(orphan);
    assert.ok(row?.ok);
    assert.deepEqual([row.value.adopted, row.value.status, row.value.symbol], [true, 'open', 'E/USDT']);
    const second = await runReconcile(await stack.deps());
    assert.deepEqual([second.adopted, second.alerts], [0, 0]);
    const b = await budgetRow(stack);
    assert.deepEqual([b['available'], b['reserved'], b['invested']], [before['available'], before['reserved'], before['invested']]);
    assert.ok(Math.abs(drift(b)) <= 1e-9);
    const admin = (await notifications()).filter((n) => n.chatId === ADMIN);
    assert.equal(admin.length, 1);
    assert.match(admin[0]!.text, /adopted/);
    assert.ok(await trading.cancelOrder('E/USDT', orphan));
  });

});
