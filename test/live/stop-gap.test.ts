/**
 * A stop that gaps through its limit (issue 15, "a stop-limit can be passed over"): the OCO's
 * stop leg triggers but its sell limit sits above the market, so it cannot fill and the target
 * leg has expired — nothing protects the position. Reconcile sees it, alerts the admins and
 * sells at market (reason stop). With the market still above the stop, a bracket cancelled by
 * hand is re-placed instead (never a market sale).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import { drainQueue } from '../support/queue.js';
import { ADMIN, budgetRow, candleBefore, drift, liveSignal, MINUTE, startLiveStack, type LiveStack } from './fixture.js';

const isOpen = (o: { readonly status: string }): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

describe('live stop passed over in a gap (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  before(async () => {
    stack = await startLiveStack('live-stop-gap', { 'ETH/USDT': 50, 'XRP/USDT': 2 });
  });
  after(() => stack.close());

  it('the price gaps below the stop-limit: one admin alert, the stop leg cancelled, sold at market (reason stop), budget conserved', async () => {
    const signal = liveSignal('ETH/USDT', 50, candleBefore(stack.clock.now()));
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');
    await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!);
    stack.sim.setPrice('ETH/USDT', 47); // below the stop (48.5) AND its limit (48.2575): the stop leg triggers and rests
    stack.clock.advance(MINUTE);
    const run = await runReconcile(await stack.deps());
    assert.equal(run.failed, 0, JSON.stringify(run.errors));
    assert.equal(run.alerts, 1);

    const position = await stack.store().getPosition(signal.id);
    assert.ok(position?.ok);
    assert.deepEqual([position.value.status, position.value.exit?.reason], ['closed', 'stop']);
    const exit = stack.sim.orders().filter((o) => o.clientOrderId === clientOrderId(signal.id, 'exit'));
    assert.deepEqual(exit.map((o) => [o.type, o.side, o.status]), [['MARKET', 'SELL', 'FILLED']]);
    assert.equal(stack.sim.orders().filter((o) => o.market === 'ETH/USDT' && isOpen(o)).length, 0, 'the resting stop leg is cancelled');
    const alerts = (await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!)).filter((n) => n.chatId === ADMIN);
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.text, /gapped through its limit/);
    assert.match(alerts[0]!.text, /STOP_PASSED_OVER/);
    const b = await budgetRow(stack);
    assert.deepEqual([b['openCount'], b['reserved'], b['invested']], [0, 0, 0]);
    assert.ok(Math.abs(drift(b)) <= 1e-9, `drift ${drift(b)}`);

    stack.clock.advance(MINUTE);
    const again = await runReconcile(await stack.deps());
    assert.deepEqual([again.failed, again.alerts, again.closed], [0, 0, 0]);
  });

  it('a target leg cancelled by hand (the OCO goes with it, as on Binance) with the market above the stop: re-placed, not sold at market', async () => {
    const signal = liveSignal('XRP/USDT', 2, candleBefore(stack.clock.now()));
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');
    await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!);
    const p = await stack.store().getPosition(signal.id);
    assert.ok(p?.ok);
    const trading = await stack.trading();
    assert.ok(await trading.cancelOrder('XRP/USDT', p.value.protection.targetClientOrderId!));
    stack.clock.advance(MINUTE);
    const run = await runReconcile(await stack.deps());
    assert.equal(run.failed, 0, JSON.stringify(run.errors));
    const after = await stack.store().getPosition(signal.id);
    assert.ok(after?.ok);
    assert.equal(after.value.status, 'open');
    assert.deepEqual([after.value.protection.state, after.value.protection.generation], ['placed', 1]);
    assert.equal(stack.sim.orders().filter((o) => o.clientOrderId === clientOrderId(signal.id, 'exit')).length, 0);
  });
});
