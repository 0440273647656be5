/**
 * Refused live signals are recorded (issue 15: "a refused intent is recorded with its reason and
 * told, never silently dropped"): a `rejected` entry order row with the reason, whether the
 * opener refuses before any write (sizing), the intent transaction refuses (cooldown), or spot
 * refuses a short (spot-long-only). A repeat changes nothing and sends nothing; /orders lists the
 * row with the recent final orders (the store read it uses). DynamoDB Local + simulator + ccxt.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import type { OpenOutcome } from '../../lib/ports/positions.js';
import { cooldownKey } from '../../lib/store/live/keys.js';
import { drainQueue } from '../support/queue.js';
import { budgetRow, candleBefore, HOUR, liveSignal, startLiveStack, SUBSCRIBER, type LiveStack } from './fixture.js';

describe('live refusals are recorded with their reason (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  const notifications = () => drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!);
  before(async () => {
    stack = await startLiveStack('live-refusals', { 'D/USDT': 10, 'C/USDT': 10, 'S/USDT': 10 }, { budget: 1000, stake: 50 }, { 'D/USDT': { minNotional: 100 } });
  });
  after(() => stack.close());

  const reasonOf = (o: OpenOutcome) => (o.status === 'refused' ? [o.reason, o.detail.split(':')[0]] : [o.status]);
  const sent = (id: string) => stack.sim.orders().filter((o) => o.clientOrderId === id).length;

  /** The recorded row, checked against what /orders reads: in the recent final orders, not in flight. */
  async function recorded(id: string) {
    const store = stack.store();
    const read = await store.getOrder(id);
    assert.ok(read?.ok, `order row ${id}`);
    assert.ok((await store.listRecentOrders('binance', 50)).items.some((o) => o.clientOrderId === id), 'listed by /orders');
    assert.ok(!(await store.listInFlightOrders('binance', 50)).items.some((o) => o.clientOrderId === id), 'not in flight');
    return read.value;
  }

  it('below the minimum notional: refused min-notional before any money moves; recorded, told; a repeat changes nothing', async () => {
    const signal = liveSignal('D/USDT', 10, candleBefore(stack.clock.now()));
    const id = clientOrderId(signal.id, 'entry');
    await stack.store().ensureBudget('binance', 'USDT', 1000, stack.clock.now());
    const money = await budgetRow(stack);
    const opener = createLiveOpener(await stack.deps());
    assert.deepEqual(reasonOf(await opener.open(signal)), ['min-notional', 'min-notional']);
    const row = await recorded(id);
    assert.deepEqual([row.status, row.role, row.side, row.stake, row.filled, row.signalId, row.symbol], ['rejected', 'entry', 'buy', 0, 0, signal.id, 'D/USDT']);
    assert.match(row.reason ?? '', /^min-notional: notional .* < minimum notional 100$/);
    assert.ok((await notifications()).some((n) => n.chatId === SUBSCRIBER && n.text.includes('min-notional')));

    stack.clock.advance(HOUR);
    assert.deepEqual(reasonOf(await createLiveOpener(await stack.deps()).open(signal)), ['min-notional', 'min-notional']);
    assert.deepEqual(await recorded(id), row, 'a repeat changes nothing');
    assert.equal(sent(id), 0);
    assert.deepEqual(await budgetRow(stack), money);
    await notifications();
  });

  it('in cooldown: refused cooldown by the intent transaction; recorded; delivered again after the cooldown it stays refused, nothing sent', async () => {
    const now = stack.clock.now();
    await stack.store().ensureBudget('binance', 'USDT', 1000, now);
    await stack.r.doc.send(new PutCommand({ TableName: stack.table, Item: { ...cooldownKey('binance', 'C/USDT'), until: now + HOUR } }));
    const money = await budgetRow(stack);
    const signal = liveSignal('C/USDT', 10, candleBefore(now));
    const id = clientOrderId(signal.id, 'entry');
    const outcome = await createLiveOpener(await stack.deps()).open(signal);
    assert.deepEqual(reasonOf(outcome), ['cooldown', 'cooldown']);
    const row = await recorded(id);
    assert.deepEqual([row.status, row.stake, row.reason?.split(':')[0]], ['rejected', 0, 'cooldown']);
    assert.deepEqual(await budgetRow(stack), money, 'no reservation, no lock counted');

    stack.clock.advance(2 * HOUR);
    assert.deepEqual(reasonOf(await createLiveOpener(await stack.deps()).open(signal)), ['cooldown', 'cooldown']);
    assert.deepEqual(await recorded(id), row);
    assert.equal(sent(id), 0);
    assert.deepEqual(await budgetRow(stack), money);
    assert.equal(await stack.store().getPosition(signal.id), undefined);
    await notifications();
  });

  it('a short with no live long: refused spot-long-only, recorded as a refused sell; a repeat changes nothing', async () => {
    const signal = liveSignal('S/USDT', 10, candleBefore(stack.clock.now()), 'short');
    const id = clientOrderId(signal.id, 'entry');
    assert.deepEqual(reasonOf(await createLiveOpener(await stack.deps()).open(signal)), ['spot-long-only', 'spot-long-only']);
    const row = await recorded(id);
    assert.deepEqual([row.status, row.side, row.reason], ['rejected', 'sell', `spot-long-only: no open live long of S/USDT to close`]);
    assert.ok((await notifications()).some((n) => n.chatId === SUBSCRIBER && n.text.includes('spot-long-only')));
    assert.deepEqual(reasonOf(await createLiveOpener(await stack.deps()).open(signal)), ['spot-long-only', 'spot-long-only']);
    assert.deepEqual(await recorded(id), row);
    assert.equal(stack.sim.orders().filter((o) => o.market === 'S/USDT').length, 0);
    await notifications();
  });
});
