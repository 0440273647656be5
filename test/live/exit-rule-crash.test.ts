/**
 * The live exit rule's sale after a crash at any point (issue 16 over issue 15's guarantee): a
 * reconcile run that evaluates a firing rule is killed after each of its steps in turn (store
 * and trading calls, reads included: test/live/crash.ts), then reconcile runs a minute apart.
 * For every crash point the position ends closed with reason `rule` and the note, with exactly
 * one market sell at the simulator, no bot order left open, the budget conserved, and the last
 * run changes nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import type { LiveStore } from '../../lib/ports/live.js';
import type { TradingPort } from '../../lib/ports/trading.js';
import { crashing, InjectedCrash, stepLog, type StepLog } from './crash.js';
import { ALWAYS, ruleKit, ruleSignal, type RuleKit } from './exit-rule-fixture.js';
import { budgetRow, candleBefore, drift, HOUR, MINUTE, startLiveStack, type LiveStack } from './fixture.js';

/** Reconcile runs after a crash, a minute apart: enough for the 3 spaced look-ups of an exit recorded `submitted` but never sent (then lost, the position sold again), and one more that must change nothing. */
const RUNS = 5;
const SYMBOL = 'R/USDT';
const isOpen = (o: { readonly status: string }): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

describe('a crash between every pair of steps of a rule exit → reconcile converges (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  let kit: RuleKit;
  before(async () => {
    stack = await startLiveStack('live-exit-rule-crash', { [SYMBOL]: 10 }, { budget: 5000, stake: 50 });
    kit = ruleKit(stack);
  });
  after(() => stack.close());

  const wrapped = async (log: StepLog) =>
    kit.deps(ALWAYS, await stack.deps({ store: crashing<LiveStore>(stack.store(), 'store', log), trading: crashing<TradingPort>(await stack.trading(), 'trading', log) }));
  /** A protected position whose signal candle is `back` hours before the last closed one at the start (the rule fires at the next run). */
  let t0 = 0;
  const open = async (back: number) => {
    t0 ||= candleBefore(stack.clock.now());
    const signal = ruleSignal(SYMBOL, 10, t0 - back * HOUR);
    assert.equal((await createLiveOpener(await kit.deps(ALWAYS)).open(signal)).status, 'opened');
    const p = await stack.store().getPosition(signal.id);
    assert.ok(p?.ok);
    assert.deepEqual([p.value.status, p.value.protection.state], ['open', 'placed']);
    return signal.id;
  };
  const sells = (id: string) => {
    const ids = new Set([0, 1, 2, 3].map((g) => clientOrderId(id, 'exit', g)));
    return stack.sim.orders().filter((o) => ids.has(o.clientOrderId));
  };

  it('for every k: crash after step k of the run that sells, reconcile runs → closed rule with the note, 1 market sell, 0 orders open, budget conserved', async () => {
    const reference = stepLog();
    const refId = await open(1);
    kit.advance(MINUTE);
    const first = await runReconcile(await wrapped(reference));
    assert.deepEqual([first.failed, first.closed], [0, 1], JSON.stringify(first.errors));
    const path = reference.steps;
    // The steps that make the sale, in this order (the run's reads and other items around them).
    const at = (step: string): number => path.indexOf(step);
    const sale = ['trading.findOrder', 'trading.cancelOrder', 'store.startExit', 'trading.placeOrder', 'store.closePosition'].map(at);
    assert.ok(sale.every((i, n) => i >= 0 && (n === 0 || i > sale[n - 1]!)), path.join(' '));
    assert.equal(sells(refId).length, 1);

    for (let k = 1; k <= path.length; k++) {
      const id = await open(k + 1);
      kit.advance(MINUTE);
      await assert.rejects(async () => runReconcile(await wrapped(stepLog(k))), InjectedCrash, `k=${k}`);
      let last;
      for (let run = 0; run < RUNS; run++) {
        kit.advance(MINUTE + 1000);
        last = await runReconcile(await kit.deps(ALWAYS));
        assert.equal(last.failed, 0, `k=${k} (${path[k - 1]}) run ${run}: ${JSON.stringify(last.errors)}`);
      }
      assert.equal(last!.closed, 0, `k=${k} (${path[k - 1]}): the last run changes nothing; path ${path.join(" ")}`);
      const p = await stack.store().getPosition(id);
      assert.ok(p?.ok);
      assert.deepEqual([p.value.status, p.value.exit?.reason, p.value.exit?.note], ['closed', 'rule', `close below ${ALWAYS}`], `k=${k} (${path[k - 1]})`);
      assert.deepEqual(sells(id).map((o) => [o.type, o.side, o.status]), [['MARKET', 'SELL', 'FILLED']], `k=${k} (${path[k - 1]}): one market sell`);
      assert.equal(stack.sim.orders().filter((o) => o.market === SYMBOL && isOpen(o)).length, 0, `k=${k}: no order left open`);
      const b = await budgetRow(stack);
      assert.deepEqual([b['openCount'], b['reserved'], b['invested']], [0, 0, 0], `k=${k}`);
      assert.ok(Math.abs(drift(b)) <= 1e-9, `k=${k}: drift ${drift(b)}`);
    }
  });
});
