/**
 * Exits and closes on DynamoDB Local: startExit / cancelExit / setProtection are versioned;
 * closePosition books the PnL, the fees, today's day row, the cooldown after a stop and the
 * drawdown halt in one transaction, and the budget stays conserved.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clientOrderId } from '../../../lib/core/live/client-order-id.js';
import { utcDay } from '../../../lib/core/live/live-ledger.js';
import type { LiveStore } from '../../../lib/ports/live.js';
import { testResources, type TestResources } from '../../support/local-aws.js';
import { conserved, exchangeId, HOUR, intent, liveStore, MINUTE, T0 } from './fixture.js';

describe('live store: exits and closePosition (DynamoDB Local)', () => {
  let r: TestResources;
  let store: LiveStore;
  before(async () => {
    r = await testResources('live-close');
    store = liveStore(r);
  });
  after(() => r.close());

  const item = async (pk: string, sk: string) => (await r.doc.send(new GetCommand({ TableName: r.tables['LiveTable'], Key: { pk, sk }, ConsistentRead: true }))).Item;

  /** An open position of 0.2 bought for 20 (fee 0.02 in quote) on a fresh budget. */
  async function openPosition(ex: string, start = 200, symbol = 'BTC/USDT', at = T0) {
    await store.ensureBudget(ex, 'USDT', start, T0);
    const command = intent({ exchange: ex, symbol, at, limits: { maxOpenPositions: 10 } });
    const created = await store.recordIntent(command);
    assert.ok(created.status === 'created', JSON.stringify(created));
    const fills = { filled: 0.2, cost: 20, fee: 0.02, feeFromBase: 0, baseFee: 0, tradeIds: [`${symbol}${at}`] };
    const settled = await store.settleEntry({ clientOrderId: command.order.clientOrderId, version: 1, from: 'intent', to: 'filled', fills, stop: 97, target: 106, now: at + HOUR });
    assert.ok(settled.status === 'settled');
    return settled.position;
  }

  it('a target exit books gross, fees and net PnL into the budget and the day row', async () => {
    const ex = exchangeId('target');
    const p = await openPosition(ex);
    const now = T0 + 3 * HOUR;
    const exit = { clientOrderId: clientOrderId(p.positionId, 'target'), reason: 'target' as const, price: 106, amount: 0.2, proceeds: 21.2, fee: 0.0212 };
    const result = await store.closePosition({ positionId: p.positionId, version: p.version, exit, maxDrawdown: 0.25, cooldownMinutes: 60, now });
    assert.ok(result.status === 'closed');
    assert.equal(result.pnl, 1.1588); // 21.2 − 20 − 0.02 − 0.0212
    assert.equal(result.halted, undefined);
    assert.deepEqual([result.position.status, result.position.pnl, result.position.exit], ['closed', 1.1588, exit]);
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.reserved, b.invested, b.realised, b.fees, b.openCount, b.peakEquity], [201.1588, 0, 0, 1.2, 0.0412, 0, 201.1588]);
    assert.equal((await item(`day#${ex}#${utcDay(now)}`, 'day'))?.['realised'], 1.1588);
    assert.equal(await item(`lock#${ex}#BTC/USDT`, 'lock'), undefined);
    assert.equal(await item(`cooldown#${ex}#BTC/USDT`, 'cooldown'), undefined, 'no cooldown after a target');
    assert.deepEqual((await store.listOpenPositions(ex, 10)).items, []);
    // Closed once: the same close again is stale, nothing booked twice.
    const again = await store.closePosition({ positionId: p.positionId, version: p.version, exit, maxDrawdown: 0.25, cooldownMinutes: 60, now });
    assert.equal(again.status, 'stale');
    assert.deepEqual(await conserved(store, ex), b);
  });

  it('a stop exit starts the cooldown: the market refuses entries until it ends', async () => {
    const ex = exchangeId('stop');
    const p = await openPosition(ex);
    const now = T0 + 3 * HOUR;
    const exit = { clientOrderId: clientOrderId(p.positionId, 'stop'), reason: 'stop' as const, price: 97, amount: 0.2, proceeds: 19.4, fee: 0.0194 };
    const result = await store.closePosition({ positionId: p.positionId, version: p.version, exit, maxDrawdown: 0.25, cooldownMinutes: 60, now });
    assert.ok(result.status === 'closed' && result.pnl === -0.6394);
    assert.equal((await item(`cooldown#${ex}#BTC/USDT`, 'cooldown'))?.['until'], now + 60 * MINUTE);
    const during = await store.recordIntent(intent({ exchange: ex, at: T0 + 2 * HOUR, now: now + 59 * MINUTE }));
    assert.deepEqual(during, { status: 'refused', reason: 'cooldown', detail: `cooling down after a stop-loss until ${new Date(now + 60 * MINUTE).toISOString()}` });
    assert.equal((await store.recordIntent(intent({ exchange: ex, at: T0 + 2 * HOUR, now: now + 60 * MINUTE }))).status, 'created');
    await conserved(store, ex);
  });

  it('past the drawdown the budget halts new entries until /resume, which measures again from there', async () => {
    const ex = exchangeId('dd');
    const p = await openPosition(ex, 50);
    const now = T0 + 3 * HOUR;
    // 20 bought, sold for 5: equity 50 − 15 − 0.02 − 0.005 = 34.975 < 50 × 0.75.
    const exit = { clientOrderId: clientOrderId(p.positionId, 'exit'), reason: 'signal' as const, price: 25, amount: 0.2, proceeds: 5, fee: 0.005 };
    const result = await store.closePosition({ positionId: p.positionId, version: p.version, exit, maxDrawdown: 0.25, cooldownMinutes: 60, now });
    assert.ok(result.status === 'closed');
    assert.deepEqual(result.halted, { reason: 'drawdown 30.05% > 25% (equity 34.975, peak 50)', at: now });
    const b = await conserved(store, ex);
    assert.deepEqual(b.halted, result.halted);
    const refused = await store.recordIntent(intent({ exchange: ex, symbol: 'ETH/USDT', now: now + MINUTE }));
    assert.deepEqual(refused, { status: 'refused', reason: 'halted', detail: 'trading is halted (drawdown 30.05% > 25% (equity 34.975, peak 50)): no new entries until /resume' });
    assert.equal(await store.resume(ex, now + 2 * MINUTE), 'resumed');
    const resumed = await conserved(store, ex);
    assert.deepEqual([resumed.halted, resumed.peakEquity], [undefined, 34.975]);
    assert.equal(await store.resume(ex, now + 3 * MINUTE), 'nothing');
    assert.equal((await store.recordIntent(intent({ exchange: ex, symbol: 'ETH/USDT', now: now + 4 * MINUTE }))).status, 'created');
  });

  it("today's losses past the daily limit refuse new entries for the rest of the UTC day", async () => {
    const ex = exchangeId('daily');
    const p = await openPosition(ex, 200);
    const now = T0 + 3 * HOUR;
    const exit = { clientOrderId: clientOrderId(p.positionId, 'exit'), reason: 'signal' as const, price: 50, amount: 0.2, proceeds: 10, fee: 0.01 };
    const closed = await store.closePosition({ positionId: p.positionId, version: p.version, exit, maxDrawdown: 0.9, cooldownMinutes: 0, now });
    assert.ok(closed.status === 'closed' && closed.pnl === -10.03);
    const refused = await store.recordIntent(intent({ exchange: ex, symbol: 'ETH/USDT', limits: { dailyLossLimit: 10 }, now: now + MINUTE }));
    assert.deepEqual(refused, { status: 'refused', reason: 'daily-loss', detail: "today's realised PnL -10.03 ≤ −10 (daily loss limit)" });
    await conserved(store, ex);
  });

  it('startExit, cancelExit and setProtection are versioned; an exit order is written once', async () => {
    const ex = exchangeId('exit');
    const p = await openPosition(ex);
    const now = T0 + 3 * HOUR;
    const protection = { generation: 0, listClientOrderId: clientOrderId(p.positionId, 'list'), stopClientOrderId: clientOrderId(p.positionId, 'stop'), targetClientOrderId: clientOrderId(p.positionId, 'target'), state: 'placed' as const, at: now };
    const set = await store.setProtection(p.positionId, p.version, protection, now);
    assert.ok(set.status === 'set' && set.position.version === p.version + 1);
    assert.deepEqual(set.position.protection, protection);
    assert.equal((await store.setProtection(p.positionId, p.version, protection, now)).status, 'stale');

    const exitId = clientOrderId(p.positionId, 'exit');
    const command = { positionId: p.positionId, positionVersion: set.position.version, order: { clientOrderId: exitId, type: 'market' as const, amount: 0.2 }, reason: 'panic' as const, now };
    const started = await store.startExit(command);
    assert.ok(started.status === 'created');
    assert.deepEqual([started.position.status, started.position.exit, started.order.role, started.order.side, started.order.stake], ['closing', { clientOrderId: exitId, reason: 'panic' }, 'exit', 'sell', 0]);
    assert.equal((await store.startExit(command)).status, 'exists');
    assert.equal((await store.setProtection(p.positionId, started.position.version, protection, now)).status, 'stale', 'no protection on a closing position');

    // The exit order was rejected: back to open, then exited again under a new generation id.
    const rejected = await store.advanceOrder({ clientOrderId: exitId, version: 1, from: 'intent', to: 'rejected', reason: 'insufficient balance', now });
    assert.equal(rejected.status, 'advanced');
    const reopened = await store.cancelExit(p.positionId, started.position.version, now);
    assert.ok(reopened.status === 'reopened' && reopened.position.status === 'open' && reopened.position.exit === undefined);
    assert.equal((await store.cancelExit(p.positionId, started.position.version, now)).status, 'stale');

    const exit2 = clientOrderId(p.positionId, 'exit', 1);
    const second = await store.startExit({ ...command, positionVersion: reopened.position.version, order: { ...command.order, clientOrderId: exit2 } });
    assert.ok(second.status === 'created');
    const fill = { clientOrderId: exit2, reason: 'panic' as const, price: 101, amount: 0.2, proceeds: 20.2, fee: 0.0202 };
    const closed = await store.closePosition({ positionId: p.positionId, version: second.position.version, exit: fill, maxDrawdown: 0.25, cooldownMinutes: 60, now });
    assert.ok(closed.status === 'closed' && closed.pnl === 0.1598);
    const b = await conserved(store, ex);
    assert.deepEqual([b.available, b.invested, b.openCount], [200.1598, 0, 0]);
  });

  it('refuses values a row could not hold (an exit at price 0, a protection generation 36) before writing', async () => {
    const ex = exchangeId('bad');
    const p = await openPosition(ex);
    const now = T0 + 3 * HOUR;
    const exit = { clientOrderId: clientOrderId(p.positionId, 'exit'), reason: 'signal' as const, price: 0, amount: 0.2, proceeds: 0, fee: 0 };
    await assert.rejects(store.closePosition({ positionId: p.positionId, version: p.version, exit, maxDrawdown: 0.25, cooldownMinutes: 0, now }), (e: Error & { code?: string }) => e.code === 'BAD_LIVE_AMOUNT');
    await assert.rejects(store.setProtection(p.positionId, p.version, { generation: 36, state: 'none', at: now }, now), (e: Error & { code?: string }) => e.code === 'BAD_LIVE_AMOUNT' && /generation/.test(e.message));
    const read = await store.getPosition(p.positionId);
    assert.ok(read?.ok && read.value.status === 'open' && read.value.version === p.version);
    await conserved(store, ex);
  });

  it('concurrent closes of different positions all book: the budget row retries, nothing lost', async () => {
    const ex = exchangeId('many');
    await store.ensureBudget(ex, 'USDT', 200, T0);
    const positions = [];
    for (let i = 0; i < 6; i++) positions.push(await openPosition(ex, 200, `C${i}/USDT`));
    const now = T0 + 3 * HOUR;
    const results = await Promise.all(
      positions.map((p, i) =>
        store.closePosition({
          positionId: p.positionId,
          version: p.version,
          exit: { clientOrderId: clientOrderId(p.positionId, 'exit'), reason: 'signal', price: 100 + i, amount: 0.2, proceeds: 20 + i * 0.2, fee: 0.01 },
          maxDrawdown: 0.25,
          cooldownMinutes: 0,
          now,
        }),
      ),
    );
    assert.ok(results.every((x) => x.status === 'closed'), JSON.stringify(results.map((x) => x.status)));
    const b = await conserved(store, ex);
    // Σ gross = 0.2 × (0+1+…+5) = 3; fees = 6 × (0.02 + 0.01).
    assert.deepEqual([b.realised, b.fees, b.openCount, b.invested], [3, 0.18, 0, 0]);
    assert.equal(b.available, 202.82);
    assert.equal((await item(`day#${ex}#${utcDay(now)}`, 'day'))?.['realised'], 2.82);
  });
});
