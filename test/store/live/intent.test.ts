/**
 * recordIntent on DynamoDB Local: one transaction writes the order (intent), the position
 * (opening), the market lock and the reservation, with every entry protection checked in it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { utcDay } from '../../../lib/core/live/live-ledger.js';
import type { IntentResult } from '../../../lib/ports/live.js';
import { testResources, type TestResources } from '../../support/local-aws.js';
import { conserved, exchangeId, HOUR, intent, liveStore, MINUTE, T0 } from './fixture.js';

describe('live store: recordIntent (DynamoDB Local)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('live-intent');
  });
  after(() => r.close());

  const row = async (pk: string, sk: string) => (await r.doc.send(new GetCommand({ TableName: r.tables['LiveTable'], Key: { pk, sk }, ConsistentRead: true }))).Item;

  it('writes the order, the opening position, the lock and the reservation together', async () => {
    const store = liveStore(r);
    const ex = exchangeId('binance');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const command = intent({ exchange: ex });
    const result = await store.recordIntent(command);
    assert.equal(result.status, 'created');
    assert.ok(result.status === 'created');
    assert.equal(result.order.status, 'intent');
    assert.equal(result.order.version, 1);
    assert.equal(result.order.stake, 20);
    assert.equal(result.position.status, 'opening');
    assert.deepEqual((await store.getOrder(command.order.clientOrderId))?.ok && (await store.getOrder(command.order.clientOrderId)), { ok: true, value: result.order });
    assert.deepEqual(await store.getPosition(command.position.positionId), { ok: true, value: result.position });
    assert.equal((await row(`lock#${ex}#BTC/USDT`, 'lock'))?.['positionId'], command.position.positionId);
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.invested, b.openCount], [180, 20, 0, 1]);
    const inFlight = await store.listInFlightOrders(ex, 10);
    assert.deepEqual(inFlight.items.map((o) => o.clientOrderId), [command.order.clientOrderId]);
    assert.deepEqual((await store.listOpenPositions(ex, 10)).items.map((p) => p.positionId), [command.position.positionId]);
  });

  it('30 concurrent intents of one order: exactly one created, 29 exists, one reservation', async () => {
    const store = liveStore(r);
    const ex = exchangeId('dup');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const command = intent({ exchange: ex });
    const results = await Promise.all(Array.from({ length: 30 }, () => store.recordIntent(command)));
    const count = (s: IntentResult['status']) => results.filter((x) => x.status === s).length;
    assert.deepEqual([count('created'), count('exists'), count('refused')], [1, 29, 0]);
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.openCount], [180, 20, 1]);
    assert.equal((await store.listInFlightOrders(ex, 100)).items.length, 1);
  });

  it('concurrent intents for 12 markets respect max-open exactly', async () => {
    const store = liveStore(r);
    const ex = exchangeId('maxopen');
    await store.ensureBudget(ex, 'USDT', 1000, T0);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.recordIntent(intent({ exchange: ex, symbol: `C${i}/USDT`, limits: { maxOpenPositions: 4 } }))));
    const refused = results.filter((x) => x.status === 'refused');
    assert.equal(results.filter((x) => x.status === 'created').length, 4);
    assert.equal(refused.length, 8);
    for (const x of refused) assert.ok(x.status === 'refused' && x.reason === 'max-open' && x.detail === '4 of 4 live positions already open or opening', JSON.stringify(x));
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.openCount], [920, 80, 4]);
    assert.equal((await store.listOpenPositions(ex, 100)).items.length, 4);
  });

  it('concurrent intents for 12 markets respect the budget exactly', async () => {
    const store = liveStore(r);
    const ex = exchangeId('budget');
    await store.ensureBudget(ex, 'USDT', 70, T0);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.recordIntent(intent({ exchange: ex, symbol: `C${i}/USDT`, limits: { maxOpenPositions: 12 } }))));
    const refused = results.filter((x) => x.status === 'refused');
    assert.equal(results.filter((x) => x.status === 'created').length, 3);
    for (const x of refused) assert.ok(x.status === 'refused' && x.reason === 'no-budget' && x.detail === 'available 10 < stake 20', JSON.stringify(x));
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.openCount], [10, 60, 3]);
  });

  it('each refusal reason, with its numbers, and nothing written', async () => {
    const store = liveStore(r);
    const table = r.tables['LiveTable'];
    const refusedWith = async (command: ReturnType<typeof intent>, reason: string, detail: string) => {
      const before = await store.getBudget(command.position.exchange);
      const result = await store.recordIntent(command);
      assert.deepEqual(result, { status: 'refused', reason, detail });
      assert.equal(await store.getOrder(command.order.clientOrderId), undefined);
      assert.equal(await store.getPosition(command.position.positionId), undefined);
      assert.deepEqual(await store.getBudget(command.position.exchange), before);
    };

    const none = exchangeId('none');
    await refusedWith(intent({ exchange: none }), 'no-budget-row', `no live budget row for ${none}: ensureBudget first`);

    const ex = exchangeId('refuse');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    await refusedWith(intent({ exchange: ex, stake: 20.5 }), 'max-stake', 'stake 20.5 > maximum stake per trade 20');
    assert.equal((await store.recordIntent(intent({ exchange: ex }))).status, 'created');
    await refusedWith(intent({ exchange: ex, at: T0 + HOUR }), 'already-open', `ema-cross:${ex}:BTC/USDT:1h:${T0} holds BTC/USDT`);
    await refusedWith(intent({ exchange: ex, symbol: 'ETH/USDT', limits: { maxOpenPositions: 1 } }), 'max-open', '1 of 1 live positions already open or opening');

    const poor = exchangeId('poor');
    await store.ensureBudget(poor, 'USDT', 15, T0);
    await refusedWith(intent({ exchange: poor }), 'no-budget', 'available 15 < stake 20');

    // Today's realised loss at the limit (−30): refused; a day later: allowed.
    const day = exchangeId('day');
    await store.ensureBudget(day, 'USDT', 200, T0);
    const now = T0 + HOUR;
    await r.doc.send(new PutCommand({ TableName: table, Item: { pk: `day#${day}#${utcDay(now)}`, sk: 'day', realised: -30 } }));
    await refusedWith(intent({ exchange: day }), 'daily-loss', "today's realised PnL -30 ≤ −30 (daily loss limit)");
    assert.equal((await store.recordIntent(intent({ exchange: day, now: now + 24 * HOUR }))).status, 'created');

    const cool = exchangeId('cool');
    await store.ensureBudget(cool, 'USDT', 200, T0);
    await r.doc.send(new PutCommand({ TableName: table, Item: { pk: `cooldown#${cool}#BTC/USDT`, sk: 'cooldown', until: now + MINUTE } }));
    await refusedWith(intent({ exchange: cool }), 'cooldown', `cooling down after a stop-loss until ${new Date(now + MINUTE).toISOString()}`);
    assert.equal((await store.recordIntent(intent({ exchange: cool, now: now + MINUTE }))).status, 'created');

    const panic = exchangeId('panic');
    await store.ensureBudget(panic, 'USDT', 200, T0);
    assert.equal(await store.requestPanic(panic, '7', T0 + 1000), 'requested');
    await refusedWith(intent({ exchange: panic }), 'panic', `a panic was requested at ${new Date(T0 + 1000).toISOString()}: no new entries until /resume`);
    assert.equal(await store.markPanicHandled(panic, T0 + 1000, 'cancelled 0, closed 0, failed 0', T0 + 2000), true);
    // Handled, trading stays halted until /resume.
    await refusedWith(intent({ exchange: panic }), 'panic', `a panic was requested at ${new Date(T0 + 1000).toISOString()}: no new entries until /resume`);
    assert.equal(await store.resume(panic, T0 + 3000), 'resumed');
    assert.equal((await store.recordIntent(intent({ exchange: panic }))).status, 'created');
  });

  it('refuses a malformed command before writing (a limit order dearer than its stake)', async () => {
    const store = liveStore(r);
    const ex = exchangeId('bad');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const command = intent({ exchange: ex });
    await assert.rejects(store.recordIntent({ ...command, order: { ...command.order, amount: 1 } }), (e: Error & { code?: string }) => e.code === 'BAD_LIVE_AMOUNT' && /exceeds the stake 20/.test(e.message));
    assert.equal(await store.getOrder(command.order.clientOrderId), undefined);
  });
});
