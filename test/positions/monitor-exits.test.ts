/**
 * Trailing-stop and time exits, and the mark to market from the forming candle, end to end
 * through the monitor (scripted candles, DynamoDB Local), checked against the pure rules.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OhlcvRow } from '../../lib/core/candle.js';
import { closeAt, openFromSignal, positionRules, stepOpenPosition, type ClosingPosition, type OpenPosition } from '../../lib/core/positions/index.js';
import type { Signal } from '../../lib/core/signal.js';
import { runMonitor, type MonitorDeps, type MonitorReport } from '../../lib/monitor/run-monitor.js';
import { money } from '../../lib/core/money.js';
import { silentLog } from '../../lib/ports/log.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { botConfig, getItem, HOUR, openerFor, storeFor, positionSignal, T0, fixedChats } from './fixture.js';
import { bar, scriptedExchange } from './scripted-exchange.js';

/** The pure rules over closed candles: the exit, or the position still open. */
function pure(signal: Signal, rows: readonly OhlcvRow[], rules: ReturnType<typeof positionRules>): ClosingPosition | OpenPosition {
  let p = openFromSignal({ id: signal.id, symbol: signal.symbol, intent: signal, stake: 100 }, signal.candleTime + HOUR, signal.entry, rules);
  for (const [time, open, high, low, close] of rows) {
    const next = stepOpenPosition(p, { time, open, high, low, close }, rules);
    if (next.status === 'closing') return next;
    p = next;
  }
  return p;
}

describe('monitor: trailing stop, time exit and mark to market (scripted candles, DynamoDB Local)', () => {
  let r: TestResources;
  const exchange = scriptedExchange();
  // The monitor's own config has neither option: the terms fixed at open decide.
  const monitorConfig = botConfig();
  const monitor = (now: number): Promise<MonitorReport> => {
    const deps: MonitorDeps = {
      config: monitorConfig,
      store: storeFor(r),
      exchange: async () => exchange,
      queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }),
      clock: testClock(now),
      log: silentLog,
      remainingMs: () => 50_000,
      recipients: fixedChats([]),
    };
    return runMonitor(deps);
  };
  before(async () => {
    r = await testResources('positions-exits');
  });
  after(() => r.close());

  it('trailing stop: ratchets after each closed candle, ignores the forming candle, exits at the trailed stop', async () => {
    const signal = positionSignal({ symbol: 'TRAIL/USDT', entry: 100, stop: 90, target: 150 }); // atr 2
    const opener = openerFor(storeFor(r), botConfig({ trailAtr: 1 }), testClock(T0 + HOUR + 5000));
    assert.equal((await opener.open(signal)).status, 'opened');
    const entry = bar(T0 + HOUR, 100, 104, 99, 103);
    // The forming candle dips below the trailed stop (102): no exit until it has closed.
    const forming = bar(T0 + 2 * HOUR, 103, 103.5, 101.5, 102.5);
    exchange.set('TRAIL/USDT', [bar(T0, 99, 100.5, 98.5, 100), entry, forming]);
    const first = await monitor(T0 + 2 * HOUR + 5000);
    assert.deepEqual([first.progressed, first.closed], [1, 0]);
    const rules = positionRules({ feeRate: 0.001, trailAtr: 1 });
    const row = (await getItem(r, `position#${signal.id}`, 'position'))!;
    assert.deepEqual([row.status, row.stop, row.best, row.bars, row.trail], ['open', 102, 104, 1, 2], 'stop = best high 104 − 1 × ATR 2');
    assert.equal(row.markPrice, 102.5, 'marked at the forming candle\'s last price');
    const afterEntry = pure(signal, [entry], rules);
    assert.equal(afterEntry.status, 'open');
    assert.equal(row.unrealisedPnl, money(closeAt(afterEntry as OpenPosition, T0, 102.5, 'end', rules).pnl));

    exchange.set('TRAIL/USDT', [entry, forming, bar(T0 + 3 * HOUR, 102.4, 102.6, 102.3, 102.5)]);
    const second = await monitor(T0 + 3 * HOUR + 5000);
    assert.equal(second.closed, 1);
    const want = pure(signal, [entry, forming], rules);
    assert.ok(want.status === 'closing' && want.exitReason === 'stop' && want.exitPrice === 102);
    const closed = (await getItem(r, `position#${signal.id}`, 'position'))!;
    assert.deepEqual([closed.status, closed.exitReason, closed.exitPrice, closed.exitTime, closed.bars], ['closed', 'stop', 102, T0 + 2 * HOUR, 2]);
    assert.ok(Math.abs(Number(closed.pnl) - want.pnl) < 1e-9 && Number(closed.pnl) > 0, 'the trail locked in a profit');
    assert.equal(closed.markPrice, undefined, 'a closed row keeps no mark');
  });

  it('time exit: closes at the close of the maxBars-th candle held (reason time), maxBars fixed on the row at open', async () => {
    const signal = positionSignal({ symbol: 'TIME/USDT', entry: 100, stop: 90, target: 150 });
    assert.equal((await openerFor(storeFor(r), botConfig({ maxBars: 2 }), testClock(T0 + HOUR + 5000)).open(signal)).status, 'opened');
    assert.equal((await getItem(r, `position#${signal.id}`, 'position'))?.maxBars, 2);
    const rows = [bar(T0 + HOUR, 100, 101, 99, 100.5), bar(T0 + 2 * HOUR, 100.5, 101, 100, 100.8), bar(T0 + 3 * HOUR, 100.8, 100.9, 100.7, 100.8)];
    exchange.set('TIME/USDT', rows);
    assert.equal((await monitor(T0 + 3 * HOUR + 5000)).closed, 1);
    const want = pure(signal, rows.slice(0, 2), positionRules({ feeRate: 0.001, maxBars: 2 }));
    assert.ok(want.status === 'closing');
    const closed = (await getItem(r, `position#${signal.id}`, 'position'))!;
    assert.deepEqual([closed.exitReason, closed.exitPrice, closed.exitTime, closed.bars], ['time', 100.8, T0 + 2 * HOUR, 2]);
    assert.deepEqual([want.exitReason, want.exitPrice, want.exitTime], ['time', 100.8, T0 + 2 * HOUR]);
    const { trades } = await storeFor(r).listTrades('ema-cross', 10);
    assert.equal(trades.find((t) => t.positionId === signal.id)?.exitReason, 'time');
  });

  it('mark to market: while no candle closes, each run writes the forming candle\'s price and unrealised PnL, without a version change', async () => {
    const signal = positionSignal({ symbol: 'MARK/USDT', side: 'short', entry: 200 }); // stop 206, target 188
    assert.equal((await openerFor(storeFor(r), botConfig({ slippageBps: 20 }), testClock(T0 + HOUR + 5000)).open(signal)).status, 'opened');
    const rules = positionRules({ feeRate: 0.001, slippageBps: 20 });
    const open = pure(signal, [], rules) as OpenPosition;
    const markAt = async (price: number, now: number) => {
      exchange.set('MARK/USDT', [bar(T0, 199, 201, 198, 200), bar(T0 + HOUR, 200, Math.max(200, price), Math.min(200, price), price)]);
      return monitor(now);
    };
    const first = await markAt(196, T0 + HOUR + 60_000);
    assert.deepEqual([first.marked, first.progressed, first.closed], [1, 0, 0]);
    let row = (await getItem(r, `position#${signal.id}`, 'position'))!;
    assert.deepEqual([row.markPrice, row.markedAt, row.version, row.lastChecked], [196, T0 + HOUR + 60_000, 1, T0]);
    assert.equal(row.unrealisedPnl, money(closeAt(open, T0, 196, 'end', rules).pnl));
    assert.ok(Number(row.unrealisedPnl) > 0, 'a short gains when the price falls');

    // The forming candle's high crosses the stop (206): marked at its last price, not closed.
    const second = await markAt(207, T0 + HOUR + 120_000);
    assert.deepEqual([second.marked, second.closed], [1, 0]);
    row = (await getItem(r, `position#${signal.id}`, 'position'))!;
    assert.deepEqual([row.status, row.markPrice, row.version], ['open', 207, 1]);
    assert.equal(row.unrealisedPnl, money(closeAt(open, T0, 207, 'end', rules).pnl));
    assert.equal((await markAt(207, T0 + HOUR + 180_000)).unchanged >= 1, true, 'same price: nothing written');
    const read = await storeFor(r).getPosition(signal.id);
    assert.ok(read?.ok && read.value.status === 'open');
    assert.deepEqual(read.value.open.mark, { price: 207, at: T0 + HOUR + 120_000, unrealisedPnl: row.unrealisedPnl });
  });
});
