import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId, isBotOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runPanic } from '../../lib/live/panic.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import { drainQueue } from '../support/queue.js';
import { ADMIN, budgetRow, candleBefore, drift, liveSignal, MINUTE, startLiveStack, type LiveStack } from './fixture.js';

const SYMBOLS = Array.from({ length: 10 }, (_, i) => `P${i}/USDT`);
const isOpen = (o: { readonly status: string }): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

describe('/panic (DynamoDB Local + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  before(async () => {
    stack = await startLiveStack('live-panic', Object.fromEntries([...SYMBOLS.map((s) => [s, 10]), ['Q/USDT', 10]]), { budget: 1000, stake: 50, maxOpenPositions: 20 });
  });
  after(() => stack.close());

  it('10 open protected positions and 1 resting entry → panic via reconcile: 0 bot orders open at the simulator, every position closed, trading halted', async () => {
    const t = candleBefore(stack.clock.now());
    const opener = createLiveOpener(await stack.deps());
    for (const symbol of SYMBOLS) assert.equal((await opener.open(liveSignal(symbol, 10, t))).status, 'opened');
    stack.sim.setPrice('Q/USDT', 11); // above the limit: this entry rests on the book
    const resting = liveSignal('Q/USDT', 10, t);
    assert.equal((await opener.open(resting)).status, 'opened');
    const botOpen = () => stack.sim.orders().filter((o) => isBotOrderId(o.clientOrderId) && isOpen(o));
    assert.equal(botOpen().length, 10 * 2 + 1);
    await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!);

    const store = stack.store();
    assert.equal(await store.requestPanic('binance', String(ADMIN), stack.clock.now()), 'requested');
    // Halted at once: a new signal is refused before any reconcile run.
    const refused = await opener.open(liveSignal('Q/USDT', 10, t + 3_600_000));
    assert.equal(refused.status, 'refused');

    stack.clock.advance(MINUTE);
    const report = await runReconcile(await stack.deps());
    assert.equal(report.failed, 0, JSON.stringify(report.errors));
    assert.equal(report.panics, 1);
    assert.equal(report.closed, 10);
    assert.equal(botOpen().length, 0);
    const listed = await store.listOpenPositions('binance', 100);
    assert.equal(listed.items.length, 0);
    for (const symbol of SYMBOLS) {
      const p = await store.getPosition(liveSignal(symbol, 10, t).id);
      assert.ok(p?.ok);
      assert.deepEqual([p.value.status, p.value.exit?.reason], ['closed', 'panic']);
    }
    const entry = await store.getOrder(clientOrderId(resting.id, 'entry'));
    assert.ok(entry?.ok);
    assert.equal(entry.value.status, 'cancelled');

    const b = await budgetRow(stack);
    assert.deepEqual([b['openCount'], b['reserved'], b['invested']], [0, 0, 0]);
    assert.ok(Math.abs(drift(b)) <= 1e-9, `drift ${drift(b)}`);
    const budget = await store.getBudget('binance');
    assert.ok(budget?.ok);
    assert.ok(budget.value.panic?.handledAt !== undefined);
    assert.match(budget.value.panic?.report ?? '', /^cancelled 11, closed 10, failed 0$/);

    const alerts = (await drainQueue(stack.r.sqs, stack.r.queues['NotifyQueue']!)).filter((n) => n.chatId === ADMIN);
    assert.equal(alerts.length, 1);
    assert.match(alerts[0]!.text, /PANIC done/);
    assert.match(alerts[0]!.text, /cancelled 11 orders · closed 10 positions/);

    // Idempotent: the next run has no panic to execute, a direct second panic finds nothing to do.
    stack.clock.advance(MINUTE);
    const again = await runReconcile(await stack.deps());
    assert.deepEqual([again.panics, again.closed, again.failed], [0, 0, 0]);
    const direct = await runPanic(await stack.deps(), 'binance');
    assert.deepEqual(direct, { exchange: 'binance', cancelled: 0, closed: 0, failed: [] });
    // Still halted until /resume.
    assert.equal((await opener.open(liveSignal('Q/USDT', 10, t + 7_200_000))).status, 'refused');
  });
});
