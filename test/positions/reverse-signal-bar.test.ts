/**
 * A signal whose own candle the monitor has not checked yet, on a market held by a position of
 * either side: that candle (the signal's bar) is applied to the holder first, as the
 * backtester does (lib/portfolio/signal-bar-step.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktest } from '../../lib/backtest/engine.js';
import type { BacktestResult } from '../../lib/backtest/types.js';
import { candlesFromRows, type OhlcvRow } from '../../lib/core/candle.js';
import type { Signal } from '../../lib/core/signal.js';
import type { SignalIntent, Strategy } from '../../lib/core/strategies/types.js';
import { runMonitor } from '../../lib/monitor/run-monitor.js';
import { silentLog } from '../../lib/ports/log.js';
import type { PositionStore } from '../../lib/ports/positions.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { redrivePending } from '../../lib/signals/outbox.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { botConfig, getItem, HOUR, openerFor, partition, portfolioItem, positionSignal, recordingLog, storeFor, T0, fixedChats } from './fixture.js';
import { bar, scriptedExchange } from './scripted-exchange.js';

const config = botConfig({ startingBalance: 10_000, maxOpenPositions: 100, stakeFixed: 100 });
const near = (got: unknown, want: number, what: string) => assert.ok(Math.abs(Number(got) - want) < 1e-9, `${what}: ${String(got)} vs ${want}`);
const barOf = (row: OhlcvRow) => ({ time: row[0], open: row[1], high: row[2], low: row[3], close: row[4] });

/** Long on T0 (entry 100 at T0+1h, stop 97, target 106); short on the close of T0+2h (entry = open of T0+3h). */
function scenario(symbol: string, signalBar: OhlcvRow, next: OhlcvRow) {
  const rows = [bar(T0, 100, 100.5, 99.5, 100), bar(T0 + HOUR, 100, 101, 99, 100.5), signalBar, next];
  const long = positionSignal({ symbol, entry: 100 });
  const short = positionSignal({ symbol, side: 'short', candleTime: T0 + 2 * HOUR, entry: next[1], bar: barOf(signalBar) });
  return { rows, long, short };
}

/** What the backtester does with the same two signals on the same candles. */
function backtest(rows: readonly OhlcvRow[], signals: readonly Signal[]): BacktestResult {
  const candles = candlesFromRows(rows);
  const intents: SignalIntent[] = signals.map((s) => ({ ...s, index: candles.time.indexOf(s.candleTime) }));
  const strategy = { name: 'scripted', evaluateAll: () => intents } as unknown as Strategy;
  return runBacktest({ symbol: signals[0]!.symbol, timeframe: '1h', candles, strategy, params: {}, stake: 100, feeRate: 0.001 });
}

describe('reversal after the signal candle’s own checks (DynamoDB Local)', () => {
  let r: TestResources;
  const exchange = scriptedExchange();
  before(async () => {
    r = await testResources('positions-reverse-bar');
  });
  after(() => r.close());

  const monitorAt = (now: number, store: PositionStore = storeFor(r)) =>
    runMonitor({
      config,
      store,
      exchange: async () => exchange,
      queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }),
      clock: testClock(now),
      log: silentLog,
      remainingMs: () => 50_000,
      recipients: fixedChats([]),
    });
  const trades = async (id: string) => (await partition(r, 'trades#ema-cross')).filter((t) => t.sk === id);

  /** Opens the long and lets the monitor check the entry candle (T0+1h) only: lastChecked = the candle before the signal candle. */
  async function openAndMonitorEntryCandle(symbol: string, rows: readonly OhlcvRow[], long: Signal) {
    assert.equal((await openerFor(storeFor(r), config, testClock(T0 + HOUR + 5000)).open(long)).status, 'opened');
    exchange.set(symbol, rows.slice(0, 3)); // T0+2h is forming at this run
    assert.equal((await monitorAt(T0 + 2 * HOUR + 5000)).closed, 0);
    assert.equal((await getItem(r, `position#${long.id}`, 'position'))?.lastChecked, T0 + HOUR);
    exchange.set(symbol, rows);
  }

  it('(a) the signal candle hit the old stop: the old position closes at its stop (reason stop), the new one opens normally at the next open — as runBacktest', async () => {
    const { rows, long, short } = scenario('BARA/USDT', bar(T0 + 2 * HOUR, 100.5, 100.8, 96, 96.5), bar(T0 + 3 * HOUR, 96.4, 96.6, 96.2, 96.5));
    await openAndMonitorEntryCandle('BARA/USDT', rows, long);
    const NOW = T0 + 3 * HOUR + 5000;
    const outcome = await openerFor(storeFor(r), config, testClock(NOW)).open(short);
    assert.ok(outcome.status === 'opened' && outcome.reversed === undefined, JSON.stringify(outcome));

    const bt = backtest(rows, [long, short]);
    const [want, wantNew] = bt.trades;
    assert.deepEqual([want?.exitReason, want?.exitPrice, want?.exitTime], ['stop', 97, T0 + 2 * HOUR], 'the backtester exits at the stop');
    const [got, ...more] = await trades(long.id);
    assert.equal(more.length, 0);
    assert.deepEqual([got?.exitReason, got?.exitPrice, got?.exitTime, got?.entryPrice, got?.bars], [want!.exitReason, want!.exitPrice, want!.exitTime, want!.entryPrice, want!.bars]);
    near(got?.pnl, want!.pnl, 'pnl as in the backtester');
    const opened = (await getItem(r, `position#${short.id}`, 'position'))!;
    assert.deepEqual([opened.status, opened.side, opened.entryTime, opened.entryPrice], ['open', 'short', wantNew!.entryTime, wantNew!.entryPrice]);
    assert.equal((await getItem(r, 'lock#ema-cross#binance#BARA/USDT', 'lock'))?.positionId, short.id);

    // Repeats and a later monitor change nothing: exactly one close.
    const pf = await portfolioItem(r);
    assert.deepEqual(await openerFor(storeFor(r), config, testClock(NOW)).open(short), { status: 'exists', positionId: short.id, state: 'open' });
    assert.equal((await monitorAt(NOW)).closed, 0);
    assert.equal((await trades(long.id)).length, 1);
    assert.deepEqual(await portfolioItem(r), pf);
  });

  it('(a) through the outbox re-drive: the stored signal row carries the bar, racing monitors — closed once, at the stop', async () => {
    const { rows, long, short } = scenario('BARR/USDT', bar(T0 + 2 * HOUR, 100.5, 100.8, 96, 96.5), bar(T0 + 3 * HOUR, 96.4, 96.6, 96.2, 96.5));
    await openAndMonitorEntryCandle('BARR/USDT', rows, long);
    const clock = testClock(T0 + 3 * HOUR + 5000);
    const signals = createDynamoSignalStore({ client: r.doc, table: r.tables.SignalsTable!, leaseMs: 60_000, ttlDays: 90 });
    assert.equal((await signals.record(short, [], clock.now())).status, 'recorded'); // the scan died here
    clock.advance(60_001);
    const queue = createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} });
    const [report] = await Promise.all([
      redrivePending({ signals, queue, clock, positions: openerFor(storeFor(r), config, clock) }, 25),
      monitorAt(clock.now()),
      monitorAt(clock.now()),
    ]);
    assert.equal(report.delivered, 1, JSON.stringify(report));
    const all = await trades(long.id);
    assert.deepEqual(all.map((t) => [t.exitReason, t.exitPrice, t.exitTime]), [['stop', 97, T0 + 2 * HOUR]], 'whoever closes it, it closes once, at the stop');
    assert.deepEqual([(await getItem(r, `position#${short.id}`, 'position'))?.status, (await getItem(r, `position#${short.id}`, 'position'))?.entryPrice], ['open', 96.4]);
  });

  it('(b) the signal candle does not touch stop or target: reversal as before, from the stepped position (bars as runBacktest)', async () => {
    const { rows, long, short } = scenario('BARB/USDT', bar(T0 + 2 * HOUR, 100.5, 101.5, 99.8, 100.3), bar(T0 + 3 * HOUR, 100.4, 100.6, 100.1, 100.2));
    await openAndMonitorEntryCandle('BARB/USDT', rows, long);
    const outcome = await openerFor(storeFor(r), config, testClock(T0 + 3 * HOUR + 5000)).open(short);
    assert.ok(outcome.status === 'opened' && outcome.reversed?.positionId === long.id, JSON.stringify(outcome));
    const want = backtest(rows, [long, short]).trades[0]!;
    const [got] = await trades(long.id);
    assert.deepEqual([got?.exitReason, got?.exitPrice, got?.exitTime, got?.bars], ['signal', 100.4, T0 + 3 * HOUR, 2]);
    assert.deepEqual([got?.exitReason, got?.exitPrice, got?.exitTime, got?.bars], [want.exitReason, want.exitPrice, want.exitTime, want.bars]);
    near(got?.pnl, want.pnl, 'pnl as in the backtester');
    assert.equal((await getItem(r, `position#${long.id}`, 'position'))?.bars, 2, 'the closed row holds the stepped state');
  });

  it('(d) a SAME-direction signal on the candle that hit the old target: the old position closes at its target, the new one opens at the next open — as runBacktest', async () => {
    const rows = [bar(T0, 100, 100.5, 99.5, 100), bar(T0 + HOUR, 100, 101, 99, 100.5), bar(T0 + 2 * HOUR, 100.5, 107, 100.2, 106.5), bar(T0 + 3 * HOUR, 106.4, 106.6, 106.2, 106.5)];
    const long = positionSignal({ symbol: 'BARD/USDT', entry: 100 });
    const again = positionSignal({ symbol: 'BARD/USDT', candleTime: T0 + 2 * HOUR, entry: 106.4, bar: barOf(rows[2]!) });
    await openAndMonitorEntryCandle('BARD/USDT', rows, long);
    const outcome = await openerFor(storeFor(r), config, testClock(T0 + 3 * HOUR + 5000)).open(again);
    assert.ok(outcome.status === 'opened' && outcome.reversed === undefined, JSON.stringify(outcome));
    const bt = backtest(rows, [long, again]);
    assert.equal(bt.trades.length, 2, 'the backtester trades both');
    const [want, wantNew] = bt.trades;
    assert.deepEqual([want?.exitReason, want?.exitPrice, want?.exitTime], ['target', 106, T0 + 2 * HOUR]);
    const [got, ...more] = await trades(long.id);
    assert.equal(more.length, 0);
    assert.deepEqual([got?.exitReason, got?.exitPrice, got?.exitTime, got?.bars], [want!.exitReason, want!.exitPrice, want!.exitTime, want!.bars]);
    near(got?.pnl, want!.pnl, 'pnl as in the backtester');
    const opened = (await getItem(r, `position#${again.id}`, 'position'))!;
    assert.deepEqual([opened.status, opened.side, opened.entryTime, opened.entryPrice], ['open', 'long', wantNew!.entryTime, wantNew!.entryPrice]);
    assert.equal((await getItem(r, 'lock#ema-cross#binance#BARD/USDT', 'lock'))?.positionId, again.id);
  });

  it('(d′) a SAME-direction signal whose candle leaves the old position open: refused already-open, the old position untouched (not even stepped)', async () => {
    const rows = [bar(T0, 100, 100.5, 99.5, 100), bar(T0 + HOUR, 100, 101, 99, 100.5), bar(T0 + 2 * HOUR, 100.5, 101.5, 99.8, 100.3), bar(T0 + 3 * HOUR, 100.4, 100.6, 100.1, 100.2)];
    const long = positionSignal({ symbol: 'BARE/USDT', entry: 100 });
    const again = positionSignal({ symbol: 'BARE/USDT', candleTime: T0 + 2 * HOUR, entry: 100.4, bar: barOf(rows[2]!) });
    await openAndMonitorEntryCandle('BARE/USDT', rows, long);
    const before = await getItem(r, `position#${long.id}`, 'position');
    const outcome = await openerFor(storeFor(r), config, testClock(T0 + 3 * HOUR + 5000)).open(again);
    assert.equal(outcome.status === 'refused' && outcome.reason, 'already-open', JSON.stringify(outcome));
    assert.match(String((await getItem(r, `position#${again.id}`, 'position'))?.reason), /^already-open: same direction/);
    assert.deepEqual(await getItem(r, `position#${long.id}`, 'position'), before);
    assert.equal(backtest(rows, [long, again]).trades.length, 1, 'the backtester ignores it too');
  });

  it('(c) the monitor lags two candles: documented fallback — reversal with reason signal at the next open, from the saved position', async () => {
    const { rows, long, short } = scenario('BARC/USDT', bar(T0 + 2 * HOUR, 100.5, 100.8, 96, 96.5), bar(T0 + 3 * HOUR, 96.4, 96.6, 96.2, 96.5));
    exchange.set('BARC/USDT', rows);
    assert.equal((await openerFor(storeFor(r), config, testClock(T0 + HOUR + 5000)).open(long)).status, 'opened');
    assert.equal((await getItem(r, `position#${long.id}`, 'position'))?.lastChecked, T0, 'never monitored');
    const log = recordingLog();
    const outcome = await openerFor(storeFor(r), config, testClock(T0 + 3 * HOUR + 5000), [], log).open(short);
    assert.ok(outcome.status === 'opened' && outcome.reversed?.positionId === long.id, JSON.stringify(outcome));
    const [got] = await trades(long.id);
    assert.deepEqual([got?.exitReason, got?.exitPrice, got?.exitTime, got?.bars], ['signal', 96.4, T0 + 3 * HOUR, 0]);
    assert.equal(backtest(rows, [long, short]).trades[0]?.exitReason, 'stop', 'the backtester differs here (the documented fallback)');
    const warned = log.lines.find((l) => l.message === 'reversing without the signal candle checks');
    assert.match(String(warned?.extra?.why), /monitor lags: 2 candles/);
  });
});
