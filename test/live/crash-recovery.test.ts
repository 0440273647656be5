import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile, type ReconcileReport } from '../../lib/live/reconcile.js';
import type { LiveStore } from '../../lib/ports/live.js';
import type { TradingPort } from '../../lib/ports/trading.js';
import { crashing, InjectedCrash, stepLog, type StepLog } from './crash.js';
import { budgetRow, candleBefore, drift, HOUR, liveSignal, MINUTE, startLiveStack, type LiveStack } from './fixture.js';

/** Reconcile runs after a crash, a minute apart: enough for the 3 spaced look-ups of a lost order, and one more that must change nothing. */
const RUNS = 4;
const isOpen = (o: { readonly status: string }): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

/**
 * Each crash point gets its own signal in one market; the position it ends with is sold (a clean
 * short signal) before the next one, so every iteration starts from a free market and reconcile
 * has one market to scan.
 */
describe('a crash between every pair of steps → reconcile converges (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  before(async () => {
    stack = await startLiveStack('live-crash', { 'K/USDT': 10, 'X/USDT': 10 }, { budget: 5000, stake: 50, maxOpenPositions: 10 });
  });
  after(() => stack.close());

  const wrap = async (log: StepLog) =>
    stack.deps({ store: crashing<LiveStore>(stack.store(), 'store', log), trading: crashing<TradingPort>(await stack.trading(), 'trading', log) });
  const reconcileRuns = async (k: number, runs: number): Promise<ReconcileReport> => {
    let last: ReconcileReport | undefined;
    for (let run = 0; run < runs; run++) {
      stack.clock.advance(MINUTE + 1000);
      last = await runReconcile(await stack.deps());
      assert.equal(last.failed, 0, `k=${k} run ${run}: ${JSON.stringify(last.errors)}`);
    }
    return last!;
  };
  const sellAll = async (symbol: string, candleTime: number) => {
    await createLiveOpener(await stack.deps()).open(liveSignal(symbol, 10, candleTime, 'short'));
    const left = await stack.store().listOpenPositions('binance', 100);
    assert.equal(left.items.filter((p) => p.symbol === symbol).length, 0);
  };

  it('open-and-protect, for every k: crash after step k, reconcile runs, the signal re-delivered → 0 duplicate orders, 0 lost fills, budget conserved', async () => {
    const t = candleBefore(stack.clock.now());
    // The path without a crash (the first open also creates the budget row, so it is not the reference).
    assert.equal((await createLiveOpener(await wrap(stepLog())).open(liveSignal('K/USDT', 10, t - 100 * HOUR))).status, 'opened');
    await sellAll('K/USDT', t);
    const reference = stepLog();
    assert.equal((await createLiveOpener(await wrap(reference)).open(liveSignal('K/USDT', 10, t - 99 * HOUR))).status, 'opened');
    await sellAll('K/USDT', t);
    const path = reference.steps;
    // The open-and-protect path, step by step (reads included: a crash may fall between any two).
    assert.deepEqual(path, [
      'store.getOrder', // a repeat?
      'trading.rules', // the market's filters
      'store.recordIntent', // order (intent) + position (opening) + lock + reservation
      'store.advanceOrder', // intent → submitted (the one winner sends)
      'trading.placeOrder', // the limit buy (filled at once: marketable)
      'store.getPosition', // recipients of the "placed" message
      'store.getPosition', // stop/target for the settlement
      'store.settleEntry', // order filled + position open + budget
      'store.getOrder', // the settled order
      'store.getPosition', // the open position
      'trading.findOrder', // the bracket's stop leg, in case a stopped run placed it
      'trading.placeProtection', // the OCO
      'store.setProtection', // recorded
    ]);

    const outcomes: string[] = [];
    for (let k = 1; k <= path.length; k++) {
      const signal = liveSignal('K/USDT', 10, t - k * HOUR);
      const entryId = clientOrderId(signal.id, 'entry');
      const log = stepLog(k);
      await assert.rejects(createLiveOpener(await wrap(log)).open(signal), (e: unknown) => e instanceof InjectedCrash && e.message.includes(`after step ${k} `));
      assert.equal(log.steps[k - 1], path[k - 1], `k=${k}: the path is deterministic`);

      const last = await reconcileRuns(k, RUNS);
      // Converged: the last run changed nothing.
      assert.deepEqual([last.advanced, last.settled, last.protectionsPlaced, last.closed, last.lost, last.adopted], [0, 0, 0, 0, 0, 0], `k=${k}`);
      // A re-delivery of the signal (the outbox re-drives it after a crash) sends nothing twice.
      await createLiveOpener(await stack.deps()).open(signal);
      await reconcileRuns(k, 1);

      const entries = stack.sim.orders().filter((o) => o.clientOrderId === entryId);
      assert.ok(stack.sim.creations(entryId) <= 1 && entries.length <= 1, `k=${k}: ${entries.length} entry orders`);
      const listIds = new Set([0, 1, 2].map((g) => clientOrderId(signal.id, 'list', g)));
      const legs = stack.sim.orders().filter((o) => o.listClientOrderId !== undefined && listIds.has(o.listClientOrderId));
      assert.ok(legs.length === 0 || legs.length === 2, `k=${k}: ${legs.length} OCO legs`);
      assert.equal(stack.sim.orders().filter((o) => o.clientOrderId === clientOrderId(signal.id, 'exit')).length, 0, `k=${k}: no exit`);

      const store = stack.store();
      const order = await store.getOrder(entryId);
      const position = await store.getPosition(signal.id);
      assert.ok(order?.ok && position?.ok, `k=${k}: rows`);
      const fills = stack.sim.fills().filter((f) => f.clientOrderId === entryId);
      const filled = fills.reduce((s, f) => s + f.qty, 0);
      const baseFee = fills.reduce((s, f) => s + (f.commissionAsset === 'K' ? f.commission : 0), 0);
      // 0 lost fills: every fill of the entry at the exchange is on the order row, once.
      assert.ok(Math.abs(order.value.filled - filled) <= 1e-12, `k=${k}: filled ${order.value.filled} vs ${filled}`);
      assert.equal(order.value.fills.length, fills.length, `k=${k}`);
      if (entries.length === 1) {
        assert.deepEqual([order.value.status, position.value.status, position.value.protection.state, legs.length], ['filled', 'open', 'placed', 2], `k=${k}`);
        assert.ok(Math.abs(position.value.qty - (filled - baseFee)) <= 1e-12, `k=${k}: qty`);
        outcomes.push('protected');
      } else {
        // Never sent (the run died right after `submitted`): lost after the spaced look-ups, never re-sent.
        assert.deepEqual([order.value.status, position.value.status, position.value.qty, legs.length], ['lost', 'closed', 0, 0], `k=${k}`);
        outcomes.push('lost');
      }
      const b = await budgetRow(stack);
      assert.equal(b['reserved'], 0, `k=${k}: reserved`);
      assert.equal(b['openCount'], entries.length, `k=${k}: openCount`);
      assert.ok(Math.abs(drift(b)) <= 1e-9, `k=${k}: drift ${drift(b)}`);
      await sellAll('K/USDT', t - k * HOUR + 1);
    }
    // The only crash point after which nothing was sent: right after intent → submitted.
    assert.deepEqual(
      outcomes.flatMap((o, i) => (o === 'lost' ? [path[i]] : [])),
      ['store.advanceOrder'],
    );
    assert.equal(stack.sim.orders().filter((o) => o.market === 'K/USDT' && isOpen(o)).length, 0);
  });

  it("a short signal's market exit, for every k: crash after step k, reconcile runs, the signal re-delivered → the long closed by exactly one market sell, budget conserved", async () => {
    const t = candleBefore(stack.clock.now()) - 200 * HOUR;
    const openLong = async (n: number) => {
      assert.equal((await createLiveOpener(await stack.deps()).open(liveSignal('X/USDT', 10, t + 2 * n * HOUR))).status, 'opened');
      return liveSignal('X/USDT', 10, t + (2 * n + 1) * HOUR, 'short');
    };
    const reference = stepLog();
    await createLiveOpener(await wrap(reference)).open(await openLong(0));
    const path = reference.steps;
    assert.deepEqual(path, [
      'store.listOpenPositions', // the open long of the market
      'trading.cancelOrder', // the OCO (its stop leg cancels the list)
      'trading.cancelOrder', // the target leg: already gone
      'trading.findOrder', // … so it is looked up (did it sell meanwhile?)
      'trading.rules',
      'store.startExit', // exit order (intent) + position closing
      'store.advanceOrder', // intent → submitted
      'trading.placeOrder', // the market sell
      'store.getPosition', // recipients of the "placed" message
      'store.advanceOrder', // the exit filled
      'store.getPosition',
      'store.closePosition',
    ]);
    for (let k = 1; k <= path.length; k++) {
      const short = await openLong(k);
      const longId = liveSignal('X/USDT', 10, t + 2 * k * HOUR).id;
      await assert.rejects(createLiveOpener(await wrap(stepLog(k))).open(short), (e: unknown) => e instanceof InjectedCrash);
      await reconcileRuns(k, RUNS);
      // The outbox re-drives the short signal after the crash.
      await createLiveOpener(await stack.deps()).open(short);
      await reconcileRuns(k, 1);

      const exitIds = new Set([0, 1, 2].map((g) => clientOrderId(longId, 'exit', g)));
      const sells = stack.sim.orders().filter((o) => exitIds.has(o.clientOrderId));
      assert.equal(sells.length, 1, `k=${k}: ${sells.length} market sells`);
      assert.deepEqual([sells[0]!.type, sells[0]!.status], ['MARKET', 'FILLED'], `k=${k}`);
      assert.equal(stack.sim.orders().filter((o) => o.market === 'X/USDT' && isOpen(o)).length, 0, `k=${k}: open orders`);
      const position = await stack.store().getPosition(longId);
      assert.ok(position?.ok);
      assert.equal(position.value.status, 'closed', `k=${k}`);
      const sold = stack.sim.fills().filter((f) => f.clientOrderId === sells[0]!.clientOrderId).reduce((s, f) => s + f.quoteQty, 0);
      assert.ok(Math.abs((position.value.exit?.proceeds ?? NaN) - sold) <= 1e-9, `k=${k}: proceeds`);
      const b = await budgetRow(stack);
      assert.deepEqual([b['reserved'], b['openCount']], [0, 0], `k=${k}`);
      assert.ok(Math.abs(drift(b)) <= 1e-9, `k=${k}: drift ${drift(b)}`);
    }
  });
});
