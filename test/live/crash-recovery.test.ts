import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile, type ReconcileReport } from '../../lib/live/reconcile.js';
import type { LiveStore } from '../../lib/ports/live.js';
import type { TradingPort } from '../../lib/ports/trading.js';
import { crashing, InjectedCrash, stepLog } from './crash.js';
import { budgetRow, candleBefore, drift, liveSignal, MINUTE, startLiveStack, type LiveStack } from './fixture.js';

/** More markets than the open-and-protect path has steps: one fresh market per crash point. */
const SYMBOLS = Array.from({ length: 24 }, (_, i) => `K${i}/USDT`);
const RUNS = 5;

describe('a crash between every pair of steps of open-and-protect → reconcile converges (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  before(async () => {
    stack = await startLiveStack('live-crash', Object.fromEntries(SYMBOLS.map((s) => [s, 10])), { budget: 5000, stake: 50, maxOpenPositions: 50 });
  });
  after(() => stack.close());

  it('for every k: crash after step k, then reconcile runs → 0 duplicate orders, 0 lost fills, budget conserved; a re-delivered signal sends nothing twice', async () => {
    const t = candleBefore(stack.clock.now());
    // The path without a crash (K0; it also creates the budget row, so every later path is the same).
    const dry = stepLog();
    const wrap = async (log: ReturnType<typeof stepLog>) =>
      stack.deps({ store: crashing<LiveStore>(stack.store(), 'store', log), trading: crashing<TradingPort>(await stack.trading(), 'trading', log) });
    assert.equal((await createLiveOpener(await wrap(dry)).open(liveSignal('K0/USDT', 10, t))).status, 'opened');
    const reference = stepLog();
    assert.equal((await createLiveOpener(await wrap(reference)).open(liveSignal('K1/USDT', 10, t))).status, 'opened');
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
    assert.ok(path.length + 2 <= SYMBOLS.length, `${path.length} steps`);

    const outcomes: string[] = [];
    for (let k = 1; k <= path.length; k++) {
      const symbol = SYMBOLS[k + 1]!;
      const signal = liveSignal(symbol, 10, t);
      const entryId = clientOrderId(signal.id, 'entry');
      const log = stepLog(k);
      await assert.rejects(createLiveOpener(await wrap(log)).open(signal), (e: unknown) => e instanceof InjectedCrash && e.message.includes(`after step ${k} `));
      assert.equal(log.steps[k - 1], path[k - 1], `k=${k}: the path is deterministic`);

      let last: ReconcileReport | undefined;
      for (let run = 0; run < RUNS; run++) {
        stack.clock.advance(MINUTE + 1000);
        last = await runReconcile(await stack.deps());
        assert.equal(last.failed, 0, `k=${k} run ${run}: ${JSON.stringify(last.errors)}`);
      }
      // Converged: the last run changed nothing.
      assert.deepEqual([last!.advanced, last!.settled, last!.protectionsPlaced, last!.closed, last!.lost, last!.adopted], [0, 0, 0, 0, 0, 0], `k=${k}`);
      // A re-delivery of the signal (the outbox re-drives it after a crash) sends nothing twice.
      await createLiveOpener(await stack.deps()).open(signal);
      stack.clock.advance(MINUTE + 1000);
      await runReconcile(await stack.deps());

      const orders = stack.sim.orders().filter((o) => o.market === symbol);
      const entries = orders.filter((o) => o.clientOrderId === entryId);
      assert.ok(stack.sim.creations(entryId) <= 1 && entries.length <= 1, `k=${k}: ${entries.length} entry orders`);
      const lists = new Set(orders.filter((o) => o.orderListId !== -1).map((o) => o.orderListId));
      assert.ok(lists.size <= 1, `k=${k}: ${lists.size} OCO lists`);
      assert.equal(orders.filter((o) => o.type === 'MARKET').length, 0, `k=${k}: no exit`);

      const store = stack.store();
      const order = await store.getOrder(entryId);
      const position = await store.getPosition(signal.id);
      assert.ok(order?.ok && position?.ok, `k=${k}: rows`);
      const fills = stack.sim.fills().filter((f) => f.clientOrderId === entryId);
      const filled = fills.reduce((s, f) => s + f.qty, 0);
      const baseFee = fills.reduce((s, f) => s + (f.commissionAsset === 'K' + String(k + 1) ? f.commission : 0), 0);
      // 0 lost fills: every fill of the entry at the exchange is on the order row, once.
      assert.ok(Math.abs(order.value.filled - filled) <= 1e-12, `k=${k}: filled ${order.value.filled} vs ${filled}`);
      assert.equal(order.value.fills.length, fills.length, `k=${k}`);
      if (entries.length === 1) {
        assert.deepEqual([order.value.status, position.value.status, position.value.protection.state, lists.size], ['filled', 'open', 'placed', 1], `k=${k}`);
        assert.ok(Math.abs(position.value.qty - (filled - baseFee)) <= 1e-12, `k=${k}: qty`);
        outcomes.push('protected');
      } else {
        // Sent never (the run died after `submitted`): lost after the spaced look-ups, never re-sent.
        assert.deepEqual([order.value.status, position.value.status, position.value.qty, lists.size], ['lost', 'closed', 0, 0], `k=${k}`);
        outcomes.push('lost');
      }
      const b = await budgetRow(stack);
      assert.equal(b['reserved'], 0, `k=${k}: reserved`);
      assert.ok(Math.abs(drift(b)) <= 1e-9, `k=${k}: drift ${drift(b)}`);
    }
    const open = await stack.store().listOpenPositions('binance', 100);
    const b = await budgetRow(stack);
    assert.equal(b['openCount'], open.items.length);
    assert.ok(Math.abs(b['invested']! - open.items.reduce((s, p) => s + p.cost, 0)) <= 1e-9);
    // Which crash points end protected and which lost (the only crash after which nothing was sent: right after `submitted`).
    const lostAt = outcomes.flatMap((o, i) => (o === 'lost' ? [path[i]] : []));
    assert.deepEqual(lostAt, ['store.advanceOrder']);
    assert.equal(outcomes.length, path.length);
  });
});
