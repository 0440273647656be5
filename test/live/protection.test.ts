import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import { drainQueue } from '../support/queue.js';
import { ADMIN, budgetRow, candleBefore, drift, liveSignal, MINUTE, startLiveStack, SUBSCRIBER, type LiveStack } from './fixture.js';

const isOpen = (o: { readonly status: string }): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

describe('live protective orders (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  before(async () => {
    stack = await startLiveStack('live-protection', { 'BTC/USDT': 100, 'ETH/USDT': 50, 'XRP/USDT': 2, 'ADA/USDT': 1 });
  });
  after(() => stack.close());

  it('the exchange refuses the OCO → admin alert and an immediate market exit: position closed, no bot order open', async () => {
    const signal = liveSignal('BTC/USDT', 100, candleBefore(stack.clock.now()));
    stack.sim.setOrderFault('createOco', { kind: 'reject', reason: 'ocoRefused', times: 1 });
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');

    const position = await stack.store().getPosition(signal.id);
    assert.ok(position?.ok);
    assert.equal(position.value.status, 'closed');
    assert.equal(position.value.exit?.reason, 'protection-failed');
    assert.equal(position.value.protection.state, 'failed');
    const exitId = clientOrderId(signal.id, 'exit');
    const exit = stack.sim.orders().filter((o) => o.clientOrderId === exitId);
    assert.equal(exit.length, 1);
    assert.deepEqual([exit[0]!.type, exit[0]!.side, exit[0]!.status], ['MARKET', 'SELL', 'FILLED']);
    assert.equal(stack.sim.orders().filter((o) => o.market === 'BTC/USDT' && isOpen(o)).length, 0);
    assert.equal(stack.sim.orders().filter((o) => o.orderListId !== -1).length, 0);

    const messages = await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!);
    const alerts = messages.filter((n) => n.chatId === ADMIN);
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.text, /ALERT: protection failed/);
    assert.match(alerts[0]!.text, /closed at market/);
    assert.ok(messages.some((n) => n.chatId === SUBSCRIBER && n.text.includes('LONG closed') && n.text.includes('protection-failed')));

    const b = await budgetRow(stack);
    assert.deepEqual([b['openCount'], b['reserved'], b['invested']], [0, 0, 0]);
    assert.ok(Math.abs(drift(b)) <= 1e-9, `drift ${drift(b)}`);
    const run = await runReconcile(await stack.deps());
    assert.deepEqual([run.failed, run.alerts, run.closed], [0, 0, 0]);
  });

  it('a stop leg filled closes the position with its fills (reason stop) and starts the cooldown; a new signal in the market is refused', async () => {
    const t = candleBefore(stack.clock.now());
    const signal = liveSignal('ETH/USDT', 50, t);
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');
    stack.sim.setPrice('ETH/USDT', 48.4); // below the stop (48.5), above its limit (48.2575): the stop leg triggers and fills
    stack.clock.advance(MINUTE);
    const run = await runReconcile(await stack.deps());
    assert.equal(run.failed, 0, JSON.stringify(run.errors));
    assert.equal(run.closed, 1);
    const position = await stack.store().getPosition(signal.id);
    assert.ok(position?.ok);
    assert.deepEqual([position.value.status, position.value.exit?.reason], ['closed', 'stop']);
    const stopFills = stack.sim.fills().filter((f) => f.clientOrderId === position.value.protection.stopClientOrderId);
    assert.ok(Math.abs((position.value.exit?.proceeds ?? 0) - stopFills.reduce((s, f) => s + f.quoteQty, 0)) <= 1e-9);
    const next = await createLiveOpener(await stack.deps()).open(liveSignal('ETH/USDT', 48, t + 3_600_000));
    assert.equal(next.status, 'refused');
    assert.match(next.status === 'refused' ? next.detail : '', /^cooldown: /);
    const b = await budgetRow(stack);
    assert.ok(Math.abs(drift(b)) <= 1e-9, `drift ${drift(b)}`);
  });

  it('protective legs cancelled behind the bot → re-placed once (generation 1); cancelled again → admin alert and market exit', async () => {
    const signal = liveSignal('XRP/USDT', 2, candleBefore(stack.clock.now()));
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');
    await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!);
    const trading = await stack.trading();
    let p = await stack.store().getPosition(signal.id);
    assert.ok(p?.ok);
    assert.ok(await trading.cancelOrder('XRP/USDT', p.value.protection.stopClientOrderId!));

    stack.clock.advance(MINUTE);
    const first = await runReconcile(await stack.deps());
    assert.equal(first.failed, 0, JSON.stringify(first.errors));
    assert.deepEqual([first.protectionsPlaced, first.alerts], [1, 0]);
    p = await stack.store().getPosition(signal.id);
    assert.ok(p?.ok);
    assert.deepEqual([p.value.protection.generation, p.value.protection.state], [1, 'placed']);
    assert.equal(p.value.protection.stopClientOrderId, clientOrderId(signal.id, 'stop', 1));

    assert.ok(await trading.cancelOrder('XRP/USDT', p.value.protection.targetClientOrderId!));
    stack.clock.advance(MINUTE);
    const second = await runReconcile(await stack.deps());
    assert.equal(second.failed, 0, JSON.stringify(second.errors));
    assert.deepEqual([second.alerts, second.closed], [1, 1]);
    p = await stack.store().getPosition(signal.id);
    assert.ok(p?.ok);
    assert.deepEqual([p.value.status, p.value.exit?.reason], ['closed', 'protection-failed']);
    const alerts = (await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!)).filter((n) => n.chatId === ADMIN);
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.text, /vanished/);
    assert.equal(stack.sim.orders().filter((o) => o.market === 'XRP/USDT' && isOpen(o)).length, 0);
  });

  it('with exitOnProtectionFailure false the refused OCO is only alerted: the position stays open and is not sold', async () => {
    const quiet = await startLiveStack('live-protection-quiet', { 'ADA/USDT': 1 }, { exitOnProtectionFailure: false });
    try {
      const signal = liveSignal('ADA/USDT', 1, candleBefore(quiet.clock.now()));
      quiet.sim.setOrderFault('createOco', { kind: 'reject', reason: 'ocoRefused' });
      assert.equal((await createLiveOpener(await quiet.deps()).open(signal)).status, 'opened');
      const p = await quiet.store().getPosition(signal.id);
      assert.ok(p?.ok);
      assert.deepEqual([p.value.status, p.value.protection.state], ['open', 'failed']);
      assert.equal(quiet.sim.orders().filter((o) => o.type === 'MARKET').length, 0);
      const alerts = (await drainQueue(quiet.r.sqs, quiet.r.queues['NotifyQueue']!)).filter((n) => n.chatId === ADMIN);
      assert.equal(alerts.length, 1);
      assert.match(alerts[0]!.text, /OPEN WITHOUT a stop/);
      const run = await runReconcile(await quiet.deps());
      assert.deepEqual([run.failed, run.closed, run.protectionsPlaced], [0, 0, 0]);
    } finally {
      await quiet.close();
    }
  });
});
