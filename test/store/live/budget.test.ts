/**
 * The budget row on DynamoDB Local: created once from the config, a quote change refused,
 * panic / handled / resume, balances seen by reconcile, and a corrupt row reported, never used.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { LiveStore } from '../../../lib/ports/live.js';
import { testResources, type TestResources } from '../../support/local-aws.js';
import { conserved, exchangeId, intent, liveStore, T0 } from './fixture.js';

describe('live store: the budget row (DynamoDB Local)', () => {
  let r: TestResources;
  let store: LiveStore;
  before(async () => {
    r = await testResources('live-budget');
    store = liveStore(r);
  });
  after(() => r.close());

  it('ensureBudget creates the row once, from the config, even when called concurrently', async () => {
    const ex = exchangeId('ensure');
    const budgets = await Promise.all(Array.from({ length: 10 }, (_, i) => store.ensureBudget(ex, 'USDT', 200 + i, T0 + i)));
    const starts = new Set(budgets.map((b) => b.start));
    assert.equal(starts.size, 1, 'every caller sees the one row created');
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.invested, b.realised, b.fees, b.openCount, b.peakEquity, b.quote], [b.start, 0, 0, 0, 0, 0, b.start, 'USDT']);
    // A later config with another budget keeps the row (its money is real); another quote is refused.
    assert.equal((await store.ensureBudget(ex, 'USDT', 999, T0)).start, b.start);
    await assert.rejects(store.ensureBudget(ex, 'USDC', 200, T0), (e: Error & { code?: string }) => e.code === 'LIVE_BUDGET_MISMATCH' && /kept in USDT, the config now trades USDC/.test(e.message));
  });

  it('panic: requested once, handled once, resume only after it was handled', async () => {
    const ex = exchangeId('panic');
    assert.equal(await store.requestPanic(ex, '7', T0), 'no-budget-row');
    assert.equal(await store.resume(ex, T0), 'no-budget-row');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    assert.equal(await store.resume(ex, T0), 'nothing');
    assert.equal(await store.requestPanic(ex, '7', T0 + 1), 'requested');
    assert.equal(await store.requestPanic(ex, '8', T0 + 2), 'already');
    assert.equal(await store.resume(ex, T0 + 3), 'panic-pending');
    assert.equal(await store.markPanicHandled(ex, T0 + 99, 'x', T0 + 4), false, 'another panic');
    assert.equal(await store.markPanicHandled(ex, T0 + 1, 'cancelled 2, closed 1, failed 0', T0 + 5), true);
    assert.equal(await store.markPanicHandled(ex, T0 + 1, 'again', T0 + 6), false, 'handled once');
    const read = await store.getBudget(ex);
    assert.ok(read?.ok);
    assert.deepEqual(read.value.panic, { requestedAt: T0 + 1, by: '7', handledAt: T0 + 5, report: 'cancelled 2, closed 1, failed 0' });
    assert.deepEqual(read.value.halted, { reason: 'panic', at: T0 + 5 });
    assert.equal(await store.resume(ex, T0 + 7), 'resumed');
    const after = await conserved(store, ex);
    assert.equal(after.panic, undefined);
    assert.equal(after.halted, undefined);
  });

  it('records the balances seen by reconcile, newest wins, money untouched', async () => {
    const ex = exchangeId('bal');
    await store.recordBalances(ex, { USDT: { free: 1, used: 0, total: 1 } }, T0); // no row yet: nothing written
    assert.equal(await store.getBudget(ex), undefined);
    await store.ensureBudget(ex, 'USDT', 200, T0);
    await store.recordBalances(ex, { USDT: { free: 150, used: 20, total: 170 }, BTC: { free: 0.1, used: 0, total: 0.1 } }, T0 + 2);
    await store.recordBalances(ex, { USDT: { free: 1, used: 0, total: 1 } }, T0 + 1); // older: ignored
    const b = await conserved(store, ex);
    assert.deepEqual(b.balances, { USDT: { free: 150, used: 20, total: 170 }, BTC: { free: 0.1, used: 0, total: 0.1 } });
    assert.equal(b.balancesAt, T0 + 2);
    assert.equal(b.available, 200);
  });

  it('a budget row that is not conserved is reported with the drift, never used', async () => {
    const ex = exchangeId('corrupt');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    await r.doc.send(new UpdateCommand({ TableName: r.tables['LiveTable'], Key: { pk: `budget#${ex}`, sk: 'budget' }, UpdateExpression: 'SET available = :a', ExpressionAttributeValues: { ':a': 250 } }));
    const read = await store.getBudget(ex);
    assert.ok(read && !read.ok);
    assert.equal(read.problem.rowId, `budget#${ex}|budget`);
    assert.match(read.problem.reason, /budget not conserved: available \+ reserved \+ invested − \(start \+ realised − fees\) = 50/);
    await assert.rejects(store.ensureBudget(ex, 'USDT', 200, T0), (e: Error & { code?: string }) => e.code === 'CORRUPT_ROW');
  });

  it('lists report a corrupt row apart instead of dropping it', async () => {
    const ex = exchangeId('lists');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    assert.equal((await store.recordIntent(intent({ exchange: ex }))).status, 'created');
    await r.doc.send(new PutCommand({ TableName: r.tables['LiveTable'], Item: { pk: 'order#cbe0broken', sk: 'order', clientOrderId: 'cbe0broken', listKey: `orders#${ex}`, listSort: '0#cbe0broken', status: 'open' } }));
    const listed = await store.listInFlightOrders(ex, 10);
    assert.equal(listed.items.length, 1);
    assert.equal(listed.corrupt.length, 1);
    assert.equal(listed.corrupt[0]?.rowId, 'order#cbe0broken|order');
    assert.equal(listed.truncated, false);
    assert.equal((await store.listInFlightOrders(ex, 1)).truncated, true);
  });
});
