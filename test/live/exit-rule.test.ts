/**
 * Live positions honour the strategy's exit rule (issue 16): reconcile evaluates the rule of a
 * live position's strategy on each candle closed since its last check and, when it fires, sells
 * at market through the crash-safe exit path (OCO cancelled, one market sell, closed `rule` with
 * the rule's reason as the note). DynamoDB Local + SQS emulator + the Binance simulator through
 * real ccxt (orders and the scan's public klines).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOrderId } from '../../lib/core/live/client-order-id.js';
import { createLiveOpener } from '../../lib/live/live-opener.js';
import { runReconcile } from '../../lib/live/reconcile.js';
import { drainQueue } from '../support/queue.js';
import { budgetRow, candleBefore, drift, HOUR, MINUTE, startLiveStack, SUBSCRIBER, liveSignal, type LiveStack } from './fixture.js';
import { ALWAYS, NEVER, ruleKit, ruleSignal, WINDOW, type RuleKit } from './exit-rule-fixture.js';

const isOpen = (o: { readonly status: string }): boolean => o.status === 'NEW' || o.status === 'PARTIALLY_FILLED';

describe('live exit rule (DynamoDB Local + SQS emulator + Binance simulator + ccxt)', () => {
  let stack: LiveStack;
  let kit: RuleKit;
  before(async () => {
    stack = await startLiveStack('live-exit-rule', { 'ETH/USDT': 50, 'XRP/USDT': 2, 'K/USDT': 10, 'N/USDT': 10 }, { budget: 5000 });
    kit = ruleKit(stack);
  });
  after(() => stack.close());

  const notify = () => stack.r.queues['NotifyQueue']!;
  const openAndDrain = async (signal: ReturnType<typeof ruleSignal>, level: number) => {
    assert.equal((await createLiveOpener(await kit.deps(level)).open(signal)).status, 'opened');
    await drainQueue(stack.r.sqs, notify());
  };
  const position = async (id: string) => {
    const read = await stack.store().getPosition(id);
    assert.ok(read?.ok, `position ${id}`);
    return read.value;
  };

  it('the rule fires on the first candle held: OCO cancelled, exactly one market sell, closed rule with the note, told, budget conserved; a second run changes nothing', async () => {
    const t = candleBefore(stack.clock.now());
    const signal = ruleSignal('ETH/USDT', 50, t);
    await openAndDrain(signal, ALWAYS);
    const opened = await position(signal.id);
    assert.deepEqual([opened.status, opened.protection.state], ['open', 'placed']);

    // No candle has closed since the signal's: nothing is fetched, nothing evaluated.
    kit.advance(MINUTE);
    const early = await runReconcile(await kit.deps(ALWAYS));
    assert.equal(early.failed, 0, JSON.stringify(early.errors));
    assert.deepEqual([kit.fetches.length, kit.calls.length, (await position(signal.id)).status], [0, 0, 'open']);

    // The first candle held closes; the next run evaluates the rule on it and sells.
    kit.advance(HOUR);
    const run = await runReconcile(await kit.deps(ALWAYS));
    assert.equal(run.failed, 0, JSON.stringify(run.errors));
    assert.equal(run.closed, 1);
    assert.deepEqual(kit.fetches, ['ETH/USDT']);
    assert.deepEqual(kit.calls, [{ candles: WINDOW, last: t + HOUR, side: 'long' }]);
    const closed = await position(signal.id);
    assert.deepEqual([closed.status, closed.exit?.reason, closed.exit?.note], ['closed', 'rule', `close below ${ALWAYS}`]);
    assert.equal(closed.exit?.clientOrderId, clientOrderId(signal.id, 'exit'));
    const exits = stack.sim.orders().filter((o) => o.clientOrderId === clientOrderId(signal.id, 'exit'));
    assert.deepEqual(exits.map((o) => [o.type, o.side, o.status]), [['MARKET', 'SELL', 'FILLED']]);
    assert.equal(stack.sim.orders().filter((o) => o.market === 'ETH/USDT' && isOpen(o)).length, 0, 'the OCO legs are cancelled');
    const legs = stack.sim.orders().filter((o) => o.clientOrderId === opened.protection.stopClientOrderId || o.clientOrderId === opened.protection.targetClientOrderId);
    assert.deepEqual(legs.map((o) => o.status).sort(), ['CANCELED', 'CANCELED']);
    const b = await budgetRow(stack);
    assert.deepEqual([b['openCount'], b['reserved'], b['invested']], [0, 0, 0]);
    assert.ok(Math.abs(drift(b)) <= 1e-9, `drift ${drift(b)}`);
    const told = (await drainQueue(stack.r.sqs, notify())).filter((n) => n.chatId === SUBSCRIBER && /LONG closed/.test(n.text));
    assert.equal(told.length, 1);
    assert.match(told[0]!.text, new RegExp(`closed by rule: close below ${ALWAYS}`));

    kit.advance(MINUTE);
    const before = stack.sim.orders().length;
    const again = await runReconcile(await kit.deps(ALWAYS));
    assert.deepEqual([again.failed, again.closed, again.alerts], [0, 0, 0]);
    assert.equal(stack.sim.orders().length, before);
    assert.deepEqual([kit.fetches.length, kit.calls.length], [1, 1]);
    const money = (r: Record<string, number>) => ['available', 'reserved', 'invested', 'realised', 'fees', 'openCount'].map((k) => r[k]);
    assert.deepEqual(money(await budgetRow(stack)), money(b));
  });

  it('a rule that holds: each closed candle is evaluated once (ruleCheckedAt advances), the bracket stays; when it fires later, one sell', async () => {
    kit.fetches.length = 0;
    kit.calls.length = 0;
    const t = candleBefore(stack.clock.now());
    const signal = ruleSignal('XRP/USDT', 2, t);
    await openAndDrain(signal, NEVER);
    kit.advance(HOUR);
    assert.equal((await runReconcile(await kit.deps(NEVER))).failed, 0);
    const held = await position(signal.id);
    assert.deepEqual([held.status, held.protection.state, held.ruleCheckedAt], ['open', 'placed', t + HOUR]);
    // Another run within the same candle: nothing new closed, nothing fetched.
    kit.advance(MINUTE);
    assert.equal((await runReconcile(await kit.deps(NEVER))).failed, 0);
    assert.deepEqual([kit.fetches.length, kit.calls.map((c) => c.last)], [1, [t + HOUR]]);
    // Two more candles close: both evaluated, in order, once.
    kit.advance(2 * HOUR);
    assert.equal((await runReconcile(await kit.deps(NEVER))).failed, 0);
    assert.deepEqual(kit.calls.map((c) => c.last), [t + HOUR, t + 2 * HOUR, t + 3 * HOUR]);
    assert.equal((await position(signal.id)).ruleCheckedAt, t + 3 * HOUR);
    assert.equal(stack.sim.orders().filter((o) => o.market === 'XRP/USDT' && isOpen(o)).length, 2, 'the OCO legs rest');
    assert.equal(stack.sim.orders().filter((o) => o.clientOrderId === clientOrderId(signal.id, 'exit')).length, 0);
    // The config now fires: only the candle closed after the last check is evaluated.
    kit.advance(HOUR);
    const run = await runReconcile(await kit.deps(ALWAYS));
    assert.equal(run.failed, 0, JSON.stringify(run.errors));
    assert.deepEqual(kit.calls.map((c) => c.last), [t + HOUR, t + 2 * HOUR, t + 3 * HOUR, t + 4 * HOUR]);
    const closed = await position(signal.id);
    assert.deepEqual([closed.status, closed.exit?.reason, closed.exit?.note], ['closed', 'rule', `close below ${ALWAYS}`]);
    assert.equal(stack.sim.orders().filter((o) => o.clientOrderId === clientOrderId(signal.id, 'exit')).length, 1);
    assert.ok(Math.abs(drift(await budgetRow(stack))) <= 1e-9);
  });

  it('four reconcile runs at once on a firing rule: exactly one market sell, closed once', async () => {
    const t = candleBefore(stack.clock.now());
    const signal = ruleSignal('K/USDT', 10, t - 2 * HOUR);
    await openAndDrain(signal, ALWAYS);
    kit.advance(MINUTE);
    const runs = await Promise.all([0, 1, 2, 3].map(async () => runReconcile(await kit.deps(ALWAYS, await stack.deps()))));
    for (const r of runs) assert.ok(r.errors.every((e) => e.code === 'LIVE_CONTENDED'), JSON.stringify(r.errors));
    kit.advance(MINUTE);
    assert.equal((await runReconcile(await kit.deps(ALWAYS))).failed, 0);
    const closed = await position(signal.id);
    assert.deepEqual([closed.status, closed.exit?.reason], ['closed', 'rule']);
    assert.equal(stack.sim.orders().filter((o) => o.market === 'K/USDT' && o.side === 'SELL' && o.type === 'MARKET').length, 1);
    assert.equal(stack.sim.orders().filter((o) => o.market === 'K/USDT' && isOpen(o)).length, 0);
    const b = await budgetRow(stack);
    assert.deepEqual([b['openCount'], b['reserved'], b['invested']], [0, 0, 0]);
    assert.ok(Math.abs(drift(b)) <= 1e-9, `drift ${drift(b)}`);
  });

  it('a strategy without an exit rule: reconcile fetches no candle, the position stays protected', async () => {
    kit.fetches.length = 0;
    const signal = liveSignal('N/USDT', 10, candleBefore(stack.clock.now()) - 5 * HOUR); // ema-cross: no exit rule
    assert.equal((await createLiveOpener(await stack.deps()).open(signal)).status, 'opened');
    kit.advance(3 * HOUR);
    const deps = await kit.deps(ALWAYS);
    const run = await runReconcile({ ...deps, config: stack.config });
    assert.equal(run.failed, 0, JSON.stringify(run.errors));
    assert.deepEqual(kit.fetches, []);
    const p = await position(signal.id);
    assert.deepEqual([p.status, p.protection.state, p.ruleCheckedAt], ['open', 'placed', undefined]);
  });

  it('the store takes a note only with reason rule and of 1-40 characters: anything else is refused BAD_POSITION with nothing written', async () => {
    const open = (await stack.store().listOpenPositions('binance', 100)).items.find((p) => p.symbol === 'N/USDT');
    assert.ok(open && open.status === 'open');
    const store = stack.store();
    const start = (reason: 'signal' | 'rule', note: string) =>
      store.startExit({ positionId: open.positionId, positionVersion: open.version, order: { clientOrderId: clientOrderId(open.positionId, 'exit', 3), type: 'market', amount: 1 }, reason, note, now: stack.clock.now() });
    for (const [reason, note] of [['signal', 'a note'], ['rule', ''], ['rule', 'x'.repeat(41)]] as const) {
      await assert.rejects(start(reason, note), (e: Error & { code?: string }) => e.code === 'BAD_POSITION', `${reason} ${note.length}`);
    }
    const after = await position(open.positionId);
    assert.deepEqual([after.status, after.version, after.exit], ['open', open.version, undefined]);
    assert.equal((await store.getOrder(clientOrderId(open.positionId, 'exit', 3))), undefined);
  });
});
