import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeAt, openFromSignal, positionRules } from '../../lib/core/positions/index.js';
import { deliverPositionEvents } from '../../lib/portfolio/deliver-events.js';
import { money } from '../../lib/core/money.js';
import { silentLog } from '../../lib/ports/log.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { botConfig, getItem, HOUR, openerFor, partition, portfolioItem, positionSignal, storeFor, T0 } from './fixture.js';

const near = (got: unknown, want: number, what: string) => assert.ok(Math.abs(Number(got) - want) < 1e-9, `${what}: ${String(got)} vs ${want}`);

describe('reversal on an opposite signal (DynamoDB Local)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('positions-reverse');
  });
  after(() => r.close());

  it('closes the old position with reason signal at the new entry and opens the reverse one at the same price, in one transaction', async () => {
    const config = botConfig({ stakeFixed: undefined, stakeFraction: 0.1, slippageBps: 10 });
    const store = storeFor(r);
    const queue = createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} });
    const long = positionSignal({ symbol: 'REV/USDT', entry: 100 });
    const clock = testClock(T0 + HOUR + 5000);
    assert.equal((await openerFor(store, config, clock, [7]).open(long)).status, 'opened');
    await deliverPositionEvents({ store, queue, clock, log: silentLog }, 50);
    await drainQueue(r.sqs, r.queues.NotifyQueue!);

    // Short on the close of the 13:00 candle; the forming 14:00 candle opens at 103.
    const short = positionSignal({ symbol: 'REV/USDT', side: 'short', candleTime: T0 + 3 * HOUR, entry: 103 });
    clock.set(T0 + 4 * HOUR + 5000);
    const outcome = await openerFor(store, config, clock, [7]).open(short);

    const rules = positionRules({ feeRate: 0.001, slippageBps: 10 });
    const old = openFromSignal({ id: long.id, symbol: long.symbol, intent: long, stake: 100 }, T0 + HOUR, 100, rules);
    const exit = closeAt(old, T0 + 4 * HOUR, 103, 'signal', rules);
    const pnl = money(exit.pnl);
    const newStake = Math.floor(0.1 * (1000 + pnl) * 1e10) / 1e10;
    assert.equal(outcome.status, 'opened', JSON.stringify(outcome));
    assert.ok(outcome.status === 'opened' && outcome.reversed?.positionId === long.id);
    near(outcome.status === 'opened' ? outcome.stake : NaN, newStake, 'new stake = fraction of the equity after the close');

    const closed = (await getItem(r, `position#${long.id}`, 'position'))!;
    assert.equal(closed.status, 'closed');
    assert.equal(closed.exitReason, 'signal');
    assert.equal(closed.exitTime, T0 + 4 * HOUR, 'exit at the next open');
    assert.equal(closed.exitPrice, 103 * (1 - 0.001), 'the long sells at the reference with slippage');
    near(closed.pnl, pnl, 'pnl');
    assert.equal(closed.listKey, undefined);
    const opened = (await getItem(r, `position#${short.id}`, 'position'))!;
    assert.equal(opened.status, 'open');
    assert.equal(opened.side, 'short');
    assert.equal(opened.entryTime, T0 + 4 * HOUR);
    assert.equal(opened.entryPrice, closed.exitPrice, 'the reverse position opens at the same price');
    assert.equal(opened.lastChecked, T0 + 3 * HOUR, 'the monitor checks it from its entry candle on');
    assert.deepEqual([(await getItem(r, 'lock#ema-cross#binance#REV/USDT', 'lock'))?.positionId, (await getItem(r, 'lock#ema-cross#binance#REV/USDT', 'lock'))?.side], [short.id, 'short']);

    const pf = await portfolioItem(r);
    assert.deepEqual([pf.openCount, pf.closedCount], [1, 1]);
    near(pf.reserved, newStake, 'reserved');
    near(pf.available, 1000 + pnl - newStake, 'available');
    near(pf.available + pf.reserved, pf.start + pf.realisedGross - pf.fees, 'balance conserved');
    const { trades } = await store.listTrades('ema-cross', 10);
    assert.deepEqual(trades.map((t) => [t.positionId, t.exitReason]), [[long.id, 'signal']]);
    const stats = await store.getStats({ kind: 'strategy', strategy: 'ema-cross' });
    assert.ok(stats?.ok && stats.value.count === 1);
    near(stats.value.netPnl, pnl, 'stats net PnL');

    assert.equal((await deliverPositionEvents({ store, queue, clock, log: silentLog }, 50)).delivered, 2);
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.map((n) => n.id).sort(), [`${long.id}#closed#chat#7`, `${short.id}#opened#chat#7`].sort(), 'one closed + one opened notification');
    assert.match(sent.find((n) => n.kind === 'position-closed')!.text, /\(signal\)/);

    assert.deepEqual(await openerFor(store, config, clock, [7]).open(short), { status: 'exists', positionId: short.id, state: 'open' }, 'a repeat changes nothing');
    assert.deepEqual(await portfolioItem(r), pf);
  });

  it('a same-direction signal is ignored and recorded as refused; the open position is untouched', async () => {
    const store = storeFor(r);
    const clock = testClock(T0 + 6 * HOUR);
    const first = positionSignal({ symbol: 'SAME/USDT', side: 'short', entry: 50 });
    assert.equal((await openerFor(store, botConfig(), clock).open(first)).status, 'opened');
    const rowBefore = await getItem(r, `position#${first.id}`, 'position');
    const pfBefore = await portfolioItem(r);
    const again = positionSignal({ symbol: 'SAME/USDT', side: 'short', candleTime: T0 + 3 * HOUR, entry: 48 });
    const outcome = await openerFor(store, botConfig(), clock).open(again);
    assert.equal(outcome.status === 'refused' && outcome.reason, 'already-open', JSON.stringify(outcome));
    assert.match(String((await getItem(r, `position#${again.id}`, 'position'))?.reason), /^already-open: /);
    assert.deepEqual(await getItem(r, `position#${first.id}`, 'position'), rowBefore);
    assert.deepEqual(await portfolioItem(r), pfBefore);
  });

  it('an opposite signal on another timeframe, or older than the open position, does not reverse it', async () => {
    const store = storeFor(r);
    const clock = testClock(T0 + 6 * HOUR);
    const held = positionSignal({ symbol: 'TF/USDT', candleTime: T0 + 2 * HOUR, entry: 10 });
    assert.equal((await openerFor(store, botConfig(), clock).open(held)).status, 'opened');
    const older = positionSignal({ symbol: 'TF/USDT', side: 'short', candleTime: T0 + HOUR, entry: 10 });
    const outcome = await openerFor(store, botConfig(), clock).open(older);
    assert.match(outcome.status === 'refused' ? outcome.detail : '', /^stale signal/);
    const other = { ...positionSignal({ symbol: 'TF/USDT', side: 'short', candleTime: T0 + 4 * HOUR, entry: 10 }), timeframe: '4h', id: 'ema-cross#binance#TF/USDT#4h#x' };
    const viaOther = await openerFor(store, botConfig(), clock).open(other);
    assert.match(viaOther.status === 'refused' ? viaOther.detail : '', /is open on 1h; a 4h signal does not reverse it/);
    assert.equal((await getItem(r, `position#${held.id}`, 'position'))?.status, 'open');
  });

  it('when the close does not free enough for the new stake, the old position is closed alone and the refusal recorded', async () => {
    const other = await testResources('positions-reverse-budget');
    try {
      const store = storeFor(other);
      const clock = testClock(T0 + HOUR + 5000);
      const long = positionSignal({ symbol: 'POOR/USDT', entry: 100 });
      assert.equal((await openerFor(store, botConfig({ stakeFixed: 600 }), clock).open(long)).status, 'opened');
      const short = positionSignal({ symbol: 'POOR/USDT', side: 'short', candleTime: T0 + 2 * HOUR, entry: 99 });
      clock.set(T0 + 3 * HOUR + 5000);
      const outcome = await openerFor(store, botConfig({ stakeFixed: 1000 }), clock).open(short);
      assert.equal(outcome.status === 'refused' && outcome.reason, 'no-budget', JSON.stringify(outcome));
      const closed = (await getItem(other, `position#${long.id}`, 'position'))!;
      assert.deepEqual([closed.status, closed.exitReason, closed.exitPrice, closed.exitTime], ['closed', 'signal', 99, T0 + 3 * HOUR]);
      assert.equal((await getItem(other, `position#${short.id}`, 'position'))?.status, 'rejected');
      assert.equal(await getItem(other, 'lock#ema-cross#binance#POOR/USDT', 'lock'), undefined);
      const pf = await portfolioItem(other);
      assert.deepEqual([pf.openCount, pf.closedCount, pf.reserved], [0, 1, 0]);
      near(pf.available, pf.start + pf.realisedGross - pf.fees, 'balance conserved');
    } finally {
      other.close();
    }
  });

  it('with a trailing stop configured, a signal without an ATR is a recorded refusal (no-atr), not a crash', async () => {
    const store = storeFor(r);
    const clock = testClock(T0 + 6 * HOUR);
    const config = botConfig({ trailAtr: 1.5 });
    const signal = { ...positionSignal({ symbol: 'NOATR/USDT' }), indicators: { fast: 1 } };
    const pfBefore = await portfolioItem(r);
    const outcome = await openerFor(store, config, clock).open(signal);
    assert.equal(outcome.status === 'refused' && outcome.reason, 'no-atr', JSON.stringify(outcome));
    const row = (await getItem(r, `position#${signal.id}`, 'position'))!;
    assert.equal(row.status, 'rejected');
    assert.match(String(row.reason), /^no-atr: .*indicators\.atr/);
    assert.deepEqual(await openerFor(store, config, clock).open(signal), { status: 'exists', positionId: signal.id, state: 'rejected' });
    assert.deepEqual(await portfolioItem(r), pfBefore);

    const withAtr = positionSignal({ symbol: 'ATR/USDT', entry: 100 });
    assert.equal((await openerFor(store, config, clock).open(withAtr)).status, 'opened');
    const open = (await getItem(r, `position#${withAtr.id}`, 'position'))!;
    assert.equal(open.trail, 3, 'trailing distance = trailAtr × the signal ATR (1.5 × 2)');
    assert.equal((await partition(r, `position#${withAtr.id}`)).length, 1);
  });
});
