import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import { drainQueue } from '../support/queue.js';
import { budgetRow, candleBefore, drift, liveSignal, startLiveStack, SUBSCRIBER, type LiveStack } from './fixture.js';

describe('live opener: exactly one order per signal (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  before(async () => {
    stack = await startLiveStack('live-open-once', { 'BTC/USDT': 100, 'ETH/USDT': 50 });
  });
  after(() => stack.close());

  it('30 concurrent executions of one signal → exactly one order at the simulator, one reservation, one protective OCO', async () => {
    const signal = liveSignal('BTC/USDT', 100, candleBefore(stack.clock.now()));
    const entryId = clientOrderId(signal.id, 'entry');
    // Each execution is its own invocation: its own DynamoDB client and its own ccxt instance.
    const openers = await Promise.all(Array.from({ length: 30 }, async () => createLiveOpener(await stack.deps())));
    const outcomes = await Promise.all(openers.map((o) => o.open(signal)));

    assert.equal(stack.sim.creations(entryId), 1);
    assert.equal(stack.sim.orders().filter((o) => o.clientOrderId === entryId).length, 1);
    assert.ok(outcomes.every((o) => o.status === 'opened' || o.status === 'exists'), JSON.stringify(outcomes.filter((o) => o.status !== 'opened' && o.status !== 'exists')));
    assert.ok(outcomes.some((o) => o.status === 'opened'));

    // The entry filled at once (a marketable limit): settled and protected by one OCO (2 legs).
    const store = stack.store();
    const position = await store.getPosition(signal.id);
    assert.ok(position?.ok);
    assert.equal(position.value.status, 'open');
    assert.equal(position.value.protection.state, 'placed');
    const legs = stack.sim.orders().filter((o) => o.clientOrderId === position.value.protection.stopClientOrderId || o.clientOrderId === position.value.protection.targetClientOrderId);
    assert.equal(legs.length, 2);
    const entry = stack.sim.orders().find((o) => o.clientOrderId === entryId)!;
    const order = await store.getOrder(entryId);
    assert.ok(order?.ok);
    assert.equal(order.value.status, 'filled');
    assert.equal(order.value.filled, entry.executedQty);

    const b = await budgetRow(stack);
    assert.equal(b['openCount'], 1);
    assert.equal(b['reserved'], 0);
    assert.equal(b['invested'], position.value.cost);
    assert.ok(Math.abs(drift(b)) <= 1e-9, `drift ${drift(b)}`);

    // A reconcile run afterwards finds nothing to change and sends nothing.
    const report = await runReconcile(await stack.deps());
    assert.deepEqual([report.advanced, report.settled, report.protectionsPlaced, report.closed, report.adopted, report.lost, report.failed], [0, 0, 0, 0, 0, 0, 0]);
    assert.equal(stack.sim.creations(entryId), 1);

    // The subscriber heard once of each event (ids derived: repeats collapse in the consumer).
    const told = (await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!)).filter((n) => n.chatId === SUBSCRIBER);
    const ids = new Set(told.map((n) => n.id));
    assert.ok(ids.size >= 3, [...ids].join(', '));
    assert.ok([...ids].some((id) => id.includes('#placed#')));
    assert.ok(told.some((n) => n.text.includes('TESTNET')));
  });

  it('a short signal sells the open live long of its market at market; with none it is refused spot-long-only and told', async () => {
    const t = candleBefore(stack.clock.now());
    const opener = createLiveOpener(await stack.deps());
    const refused = await opener.open(liveSignal('ETH/USDT', 50, t, 'short'));
    assert.equal(refused.status, 'refused');
    assert.match(refused.status === 'refused' ? refused.detail : '', /^spot-long-only: /);

    const long = liveSignal('ETH/USDT', 50, t - 3_600_000);
    assert.equal((await opener.open(long)).status, 'opened');
    const closed = await opener.open(liveSignal('ETH/USDT', 50, t, 'short'));
    assert.equal(closed.status, 'refused');
    const position = await stack.store().getPosition(long.id);
    assert.ok(position?.ok);
    assert.equal(position.value.status, 'closed');
    assert.equal(position.value.exit?.reason, 'signal');
    assert.equal(stack.sim.orders().filter((o) => o.market === 'ETH/USDT' && o.type === 'MARKET' && o.side === 'SELL').length, 1);
    // The OCO was cancelled before selling: no bot order left open in the market.
    assert.equal(stack.sim.orders().filter((o) => o.market === 'ETH/USDT' && (o.status === 'NEW' || o.status === 'PARTIALLY_FILLED')).length, 0);
    const b = await budgetRow(stack);
    assert.ok(Math.abs(drift(b)) <= 1e-9, `drift ${drift(b)}`);
  });
});
