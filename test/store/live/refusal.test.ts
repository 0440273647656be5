/**
 * Rows that move no money on DynamoDB Local: a refused entry recorded as a final `rejected`
 * order (one conditional Put: a repeat changes nothing, a real order is never overwritten,
 * listed with the final orders /orders shows), and an adopted order leaving the in-flight list
 * once final (versioned, adopted orders only, money untouched).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clientOrderId } from '../../../lib/core/live/client-order-id.js';
import { isCandlebotError } from '../../../lib/errors.js';
import type { LiveStore, RefusalCommand } from '../../../lib/ports/live.js';
import { testResources, type TestResources } from '../../support/local-aws.js';
import { conserved, exchangeId, HOUR, intent, liveStore, noFills, T0 } from './fixture.js';

describe('live store: refusals and adopted orders made final (DynamoDB Local)', () => {
  let r: TestResources;
  let store: LiveStore;
  before(async () => {
    r = await testResources('live-refusal');
    store = liveStore(r);
  });
  after(() => r.close());

  const refusal = (ex: string, signalId: string, over: Partial<RefusalCommand> = {}): RefusalCommand => ({
    clientOrderId: clientOrderId(signalId, 'entry'),
    signalId,
    exchange: ex,
    symbol: 'BTC/USDT',
    strategy: 'ema-cross',
    timeframe: '1h',
    side: 'buy',
    reason: 'cooldown',
    detail: 'no entry in BTC/USDT until 11:00',
    now: T0,
    ...over,
  });
  const raw = async (id: string) => (await r.doc.send(new GetCommand({ TableName: r.tables['LiveTable']!, Key: { pk: `order#${id}`, sk: 'order' } }))).Item;

  it('records a refusal once, as a final rejected order with its reason and a TTL, listed with the recent orders', async () => {
    const ex = exchangeId('refused');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const c = refusal(ex, 'sig-1');
    assert.equal(await store.recordRefusal(c), 'recorded');
    const first = await raw(c.clientOrderId);
    assert.equal(await store.recordRefusal({ ...c, reason: 'daily-loss', detail: 'other', now: T0 + HOUR }), 'exists');
    assert.deepEqual(await raw(c.clientOrderId), first, 'a repeat changes nothing');
    const read = await store.getOrder(c.clientOrderId);
    assert.ok(read?.ok);
    const o = read.value;
    assert.deepEqual(
      [o.status, o.role, o.side, o.signalId, o.stake, o.filled, o.version, o.reason],
      ['rejected', 'entry', 'buy', 'sig-1', 0, 0, 1, 'cooldown: no entry in BTC/USDT until 11:00'],
    );
    assert.equal(first?.['expiresAt'], Math.floor(T0 / 1000) + 90 * 86_400);
    assert.deepEqual((await store.listRecentOrders(ex, 10)).items.map((x) => x.clientOrderId), [c.clientOrderId]);
    assert.deepEqual((await store.listInFlightOrders(ex, 10)).items, []);
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.openCount], [200, 0, 0]);
  });

  it('never overwrites a real order of the same id', async () => {
    const ex = exchangeId('real');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const command = intent({ exchange: ex });
    assert.equal((await store.recordIntent(command)).status, 'created');
    assert.equal(await store.recordRefusal(refusal(ex, command.position.signalId, { reason: 'max-open' })), 'exists');
    const read = await store.getOrder(command.order.clientOrderId);
    assert.ok(read?.ok);
    assert.deepEqual([read.value.status, read.value.stake, read.value.reason], ['intent', 20, undefined]);
  });

  it('an adopted order final at the exchange leaves the in-flight list, versioned; money untouched', async () => {
    const ex = exchangeId('adopted');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const id = clientOrderId('orphan', 'entry');
    await store.adoptOrder({ clientOrderId: id, exchange: ex, symbol: 'BTC/USDT', side: 'buy', type: 'limit', amount: 0.1, price: 100, status: 'open', exchangeOrderId: '9', fills: noFills, now: T0 });
    const fills = { filled: 0.1, cost: 10, fee: 0.01, feeFromBase: 0, baseFee: 0, tradeIds: ['t9'] };
    const stale = await store.finishAdopted({ clientOrderId: id, version: 2, from: 'open', to: 'filled', fills, now: T0 + HOUR });
    assert.equal(stale.status, 'stale');
    const done = await store.finishAdopted({ clientOrderId: id, version: 1, from: 'open', to: 'filled', fills, now: T0 + HOUR });
    assert.ok(done.status === 'advanced');
    assert.deepEqual([done.order.status, done.order.version, done.order.filled, done.order.cost, done.order.adopted], ['filled', 2, 0.1, 10, true]);
    assert.equal((await store.finishAdopted({ clientOrderId: id, version: 2, from: 'filled', to: 'filled', fills, now: T0 + HOUR })).status, 'stale', 'final stays final');
    assert.deepEqual((await store.listInFlightOrders(ex, 10)).items, []);
    assert.deepEqual((await store.listRecentOrders(ex, 10)).items.map((x) => [x.clientOrderId, x.status]), [[id, 'filled']]);
    assert.ok(typeof (await raw(id))?.['expiresAt'] === 'number');
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.invested, b.fees, b.openCount], [200, 0, 0, 0, 0]);
    assert.equal((await store.finishAdopted({ clientOrderId: clientOrderId('nowhere', 'entry'), version: 1, from: 'open', to: 'filled', fills, now: T0 })).status, 'missing');
  });

  it('finishAdopted refuses an order of the bot’s books (those settle through settleEntry)', async () => {
    const ex = exchangeId('own');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const command = intent({ exchange: ex });
    assert.equal((await store.recordIntent(command)).status, 'created');
    await assert.rejects(
      store.finishAdopted({ clientOrderId: command.order.clientOrderId, version: 1, from: 'intent', to: 'cancelled', fills: noFills, now: T0 + HOUR }),
      (e: unknown) => isCandlebotError(e) && e.code === 'ILLEGAL_TRANSITION',
    );
    const read = await store.getOrder(command.order.clientOrderId);
    assert.ok(read?.ok && read.value.status === 'intent');
  });
});
