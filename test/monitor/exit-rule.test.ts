/**
 * Exit rules on live paper positions (issue 16), end to end through the monitor and the opener
 * on DynamoDB Local with scripted candles, in the backtester's order: (1) the candle's own
 * stop/target checks, (2) the strategy's exit rule on its close → exit at the next candle's open,
 * reason `rule`, the rule's reason stored and shown, exactly once, (3) then the signal of that
 * candle. The fixture strategy (./exit-rule-fixture.ts) closes a long on a close below 100.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OhlcvRow } from '../../lib/core/candle.js';
import { closeAt, openFromSignal, positionRules, settle, stepOpenPosition, type OpenPosition } from '../../lib/core/positions/index.js';
import { isCandlebotError } from '../../lib/errors.js';
import type { Signal } from '../../lib/core/signal.js';
import type { BotConfig } from '../../lib/config/schema.js';
import { runMonitor, type MonitorReport } from '../../lib/monitor/run-monitor.js';
import { createPositionOpener } from '../../lib/portfolio/open-from-signal.js';
import { silentLog, type Log } from '../../lib/ports/log.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { fixedChats, getItem, HOUR, positionSignal, recordingLog, storeFor, T0 } from '../positions/fixture.js';
import { bar, scriptedExchange } from '../positions/scripted-exchange.js';
import { LEVEL_STRATEGY, levelConfig, recordingStrategies } from './exit-rule-fixture.js';

const rules = positionRules({ feeRate: 0.001 });
const barOf = (row: OhlcvRow) => ({ time: row[0], open: row[1], high: row[2], low: row[3], close: row[4] });
/** `n` flat candles closing at 105 (above the level), the last one opening at T0 (the signal candle). */
const history = (n: number): OhlcvRow[] => Array.from({ length: n }, (_, k) => bar(T0 - (n - 1 - k) * HOUR, 105, 105.5, 104.5, 105));
const longSignal = (symbol: string, spec: Partial<Parameters<typeof positionSignal>[0]> = {}): Signal =>
  positionSignal({ symbol, strategy: LEVEL_STRATEGY, entry: 105, stop: 95, target: 150, ...spec });

describe('exit rules on live paper positions (monitor and opener, scripted candles, DynamoDB Local)', () => {
  let r: TestResources;
  const exchange = scriptedExchange();
  const monitor = (now: number, config: BotConfig, strategies = recordingStrategies(), log: Log = silentLog, chats: readonly number[] = []): Promise<MonitorReport> =>
    runMonitor({
      config,
      store: storeFor(r),
      exchange: async () => exchange,
      queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }),
      clock: testClock(now),
      log,
      remainingMs: () => 50_000,
      recipients: fixedChats(chats),
      strategyOf: strategies.strategyOf,
    });
  const opener = (config: BotConfig, now: number, strategies = recordingStrategies()) =>
    createPositionOpener({ store: storeFor(r), config, clock: testClock(now), log: silentLog, recipients: fixedChats([]), exchange: async () => exchange, strategyOf: strategies.strategyOf });
  const open = async (signal: Signal, config: BotConfig) => assert.equal((await opener(config, signal.candleTime + HOUR + 5000).open(signal)).status, 'opened');
  const row = async (id: string) => (await getItem(r, `position#${id}`, 'position'))!;

  before(async () => {
    r = await testResources('monitor-exit-rule');
  });
  after(() => r.close());

  it('after the candle\'s own checks, the rule on its close exits at the next open (reason rule, note on the rows and in the message), on the scan\'s window of candles', async () => {
    const config = levelConfig();
    const signal = longSignal('RULE/USDT');
    await open(signal, config);
    const entry = bar(T0 + HOUR, 105, 106, 104, 105.5); // close above 100: held
    const below = bar(T0 + 2 * HOUR, 105.5, 106, 99, 99.5); // low 99 above the stop 95, close below 100: the rule fires
    const forming = bar(T0 + 3 * HOUR, 99.4, 99.6, 99.3, 99.5);
    exchange.set('RULE/USDT', [...history(30), entry, below, forming]);
    const strategies = recordingStrategies();
    const report = await monitor(T0 + 3 * HOUR + 5000, config, strategies, silentLog, [42]);
    assert.deepEqual([report.closed, report.failed], [1, 0]);

    const closed = await row(signal.id);
    assert.deepEqual([closed.status, closed.exitReason, closed.exitNote, closed.exitPrice, closed.exitTime, closed.bars], ['closed', 'rule', 'close below 100', 99.4, T0 + 3 * HOUR, 2]);
    // The pure rules: both candles checked, then closed at the next open.
    const held = [entry, below].reduce<OpenPosition>((p, b) => stepOpenPosition(p, barOf(b), rules) as OpenPosition, openFromSignal({ id: signal.id, symbol: signal.symbol, intent: signal, stake: 100 }, T0 + HOUR, 105, rules));
    const want = closeAt(held, T0 + 3 * HOUR, 99.4, 'rule', rules);
    assert.ok(Math.abs(Number(closed.pnl) - want.pnl) < 1e-9, `pnl ${String(closed.pnl)} vs ${want.pnl}`);
    // The rule saw, on each candle's close, the last scan.candles (20) closed candles ending there; long side.
    assert.deepEqual(strategies.calls, [
      { candles: 20, last: T0 + HOUR, side: 'long' },
      { candles: 20, last: T0 + 2 * HOUR, side: 'long' },
    ]);
    const { trades } = await storeFor(r).listTrades(LEVEL_STRATEGY, 10);
    const trade = trades.find((t) => t.positionId === signal.id)!;
    assert.deepEqual([trade.exitReason, trade.exitNote], ['rule', 'close below 100']);
    const event = (await getItem(r, `position#${signal.id}`, 'event#closed'))!;
    assert.match(String(event.text), /\(rule\)/);
    assert.match(String(event.text), /closed by rule: close below 100/);
    const read = await storeFor(r).getPosition(signal.id);
    assert.ok(read?.ok && read.value.status === 'closed' && read.value.exitNote === 'close below 100', 'the closed row reads back with its note');
  });

  it('a stop on the same candle comes first: reason stop, the rule not asked on that candle', async () => {
    const config = levelConfig();
    const signal = longSignal('STOPFIRST/USDT');
    await open(signal, config);
    const entry = bar(T0 + HOUR, 105, 106, 104, 105.5);
    const crash = bar(T0 + 2 * HOUR, 105.5, 106, 94, 99); // low through the stop 95 and close below 100
    exchange.set('STOPFIRST/USDT', [...history(30), entry, crash, bar(T0 + 3 * HOUR, 99, 99.5, 98.5, 99)]);
    const strategies = recordingStrategies();
    assert.equal((await monitor(T0 + 3 * HOUR + 5000, config, strategies)).closed, 1);
    const closed = await row(signal.id);
    assert.deepEqual([closed.exitReason, closed.exitPrice, closed.exitTime, closed.exitNote], ['stop', 95, T0 + 2 * HOUR, undefined]);
    assert.deepEqual(strategies.calls.map((c) => c.last), [T0 + HOUR], 'asked on the entry candle only');
  });

  it('the rule fires on the last closed candle before its next open is known: nothing written; once it is, concurrent monitors close it exactly once', async () => {
    const config = levelConfig();
    const signal = longSignal('WAIT/USDT');
    await open(signal, config);
    const entry = bar(T0 + HOUR, 105, 105.5, 98.5, 99); // closes below 100 on the entry candle
    exchange.set('WAIT/USDT', [...history(30), entry]); // no forming candle returned
    const first = await monitor(T0 + 2 * HOUR + 5000, config);
    assert.deepEqual([first.closed, first.progressed, first.failed], [0, 0, 0]);
    const waiting = await row(signal.id);
    assert.deepEqual([waiting.status, waiting.lastChecked, waiting.version], ['open', T0, 1], 'the candle stays unchecked');

    exchange.set('WAIT/USDT', [...history(30), entry, bar(T0 + 2 * HOUR, 98.8, 99, 98.5, 98.7)]);
    const runs = await Promise.all([0, 1, 2].map(() => monitor(T0 + 2 * HOUR + 6000, config)));
    assert.equal(runs.reduce((n, x) => n + x.closed, 0), 1, 'one close among three concurrent monitors');
    assert.equal(runs.reduce((n, x) => n + x.failed, 0), 0);
    const closed = await row(signal.id);
    assert.deepEqual([closed.exitReason, closed.exitNote, closed.exitPrice, closed.exitTime, closed.bars, closed.version], ['rule', 'close below 100', 98.8, T0 + 2 * HOUR, 1, 2]);
    const { trades } = await storeFor(r).listTrades(LEVEL_STRATEGY, 100);
    assert.equal(trades.filter((t) => t.positionId === signal.id).length, 1, 'one trade row');
    assert.equal((await monitor(T0 + 2 * HOUR + 7000, config)).closed, 0, 'a later run changes nothing');
  });

  it('fewer closed candles than the warm-up: the rule is not evaluated (logged), the position progresses as without a rule', async () => {
    const config = levelConfig({ warmup: 50 });
    const signal = longSignal('SHORTHIST/USDT');
    await open(signal, config);
    exchange.set('SHORTHIST/USDT', [...history(10), bar(T0 + HOUR, 105, 105.5, 98.5, 99), bar(T0 + 2 * HOUR, 99, 99.5, 98.5, 99)]);
    const log = recordingLog();
    const strategies = recordingStrategies();
    const report = await monitor(T0 + 2 * HOUR + 5000, config, strategies, log);
    assert.deepEqual([report.progressed, report.closed], [1, 0]);
    assert.deepEqual(strategies.calls, []);
    assert.ok(log.lines.some((l) => l.level === 'warn' && l.message.startsWith('exit rule not evaluated')), 'the skipped rule is logged');
    assert.deepEqual([(await row(signal.id)).status, (await row(signal.id)).lastChecked], ['open', T0 + HOUR]);
  });

  it('a strategy no longer configured on the position\'s timeframe has no rule: the position is monitored as before', async () => {
    const signal = longSignal('GONE/USDT');
    await open(signal, levelConfig());
    exchange.set('GONE/USDT', [...history(30), bar(T0 + HOUR, 105, 105.5, 98.5, 99), bar(T0 + 2 * HOUR, 99, 99.5, 98.5, 99)]);
    const config = { ...levelConfig(), strategies: levelConfig().strategies.map((s) => ({ ...s, timeframes: ['4h' as const] })) };
    const strategies = recordingStrategies();
    assert.equal((await monitor(T0 + 2 * HOUR + 5000, config, strategies)).progressed, 1);
    assert.deepEqual(strategies.calls, []);
  });

  it('signal candle of a holder (monitor not run yet): its own checks, then the rule → closed by rule at the signal\'s entry, and the same-direction signal then opens', async () => {
    const config = levelConfig();
    const holder = longSignal('SAMEDIR/USDT');
    await open(holder, config);
    const signalBar = bar(T0 + HOUR, 105, 105.5, 98.5, 99); // the entry candle: close below 100
    const forming = bar(T0 + 2 * HOUR, 98.9, 99.2, 98.7, 99);
    exchange.set('SAMEDIR/USDT', [...history(30), signalBar, forming]);
    const next = longSignal('SAMEDIR/USDT', { candleTime: T0 + HOUR, entry: 98.9, stop: 95, target: 110, bar: barOf(signalBar) });
    const strategies = recordingStrategies();
    const outcome = await opener(config, T0 + 2 * HOUR + 5000, strategies).open(next);
    assert.equal(outcome.status, 'opened', JSON.stringify(outcome));
    const old = await row(holder.id);
    assert.deepEqual([old.status, old.exitReason, old.exitNote, old.exitPrice, old.exitTime, old.bars], ['closed', 'rule', 'close below 100', 98.9, T0 + 2 * HOUR, 1]);
    assert.deepEqual(strategies.calls, [{ candles: 20, last: T0 + HOUR, side: 'long' }]);
    assert.deepEqual([(await row(next.id)).status, (await row(next.id)).entryPrice], ['open', 98.9]);
    // The monitor then finds the holder closed: nothing more.
    assert.equal((await monitor(T0 + 2 * HOUR + 6000, config)).closed, 0);
  });

  it('signal candle of a holder: an opposite signal after a rule exit opens the reverse without a second close (the old one closed by rule, not signal)', async () => {
    const config = levelConfig();
    const holder = longSignal('OPPOSITE/USDT');
    await open(holder, config);
    const signalBar = bar(T0 + HOUR, 105, 105.5, 98.5, 99);
    exchange.set('OPPOSITE/USDT', [...history(30), signalBar, bar(T0 + 2 * HOUR, 98.9, 99.2, 98.7, 99)]);
    const short = positionSignal({ symbol: 'OPPOSITE/USDT', strategy: LEVEL_STRATEGY, side: 'short', candleTime: T0 + HOUR, entry: 98.9, stop: 103, target: 90, bar: barOf(signalBar) });
    const outcome = await opener(config, T0 + 2 * HOUR + 5000).open(short);
    assert.equal(outcome.status, 'opened');
    assert.ok(outcome.status === 'opened' && outcome.reversed === undefined, 'opened on a free market, not as a reversal');
    const old = await row(holder.id);
    assert.deepEqual([old.exitReason, old.exitNote, old.exitPrice, old.exitTime], ['rule', 'close below 100', 98.9, T0 + 2 * HOUR]);
    assert.deepEqual([(await row(short.id)).side, (await row(short.id)).status], ['short', 'open']);
  });

  it('the store keeps a note only with reason rule, 1–40 characters: otherwise the close is refused and nothing is written', async () => {
    const signal = longSignal('NOTE/USDT');
    await open(signal, levelConfig());
    const store = storeFor(r);
    const read = await store.getPosition(signal.id);
    assert.ok(read?.ok && read.value.status === 'open');
    const stored = read.value.open;
    const stop = settle(closeAt(stored.position, T0 + 2 * HOUR, 95, 'stop', rules));
    const byRule = settle(closeAt(stored.position, T0 + 2 * HOUR, 99, 'rule', rules));
    for (const [closed, exitNote] of [[stop, 'close below 100'], [byRule, 'x'.repeat(41)], [byRule, '']] as const) {
      await assert.rejects(store.close({ stored, closed, exitNote, now: T0 + 2 * HOUR }), (e: unknown) => isCandlebotError(e) && e.code === 'BAD_POSITION');
    }
    assert.deepEqual([(await row(signal.id)).status, (await row(signal.id)).version], ['open', 1]);
    assert.equal((await store.close({ stored, closed: byRule, exitNote: 'x'.repeat(40), now: T0 + 2 * HOUR })).status, 'closed');
    assert.equal((await row(signal.id)).exitNote, 'x'.repeat(40));
  });

  it('signal candle of a holder whose rule does not fire: a same-direction signal is refused already-open, as before', async () => {
    const config = levelConfig();
    const holder = longSignal('HOLDS/USDT');
    await open(holder, config);
    const signalBar = bar(T0 + HOUR, 105, 106, 104, 105.5);
    exchange.set('HOLDS/USDT', [...history(30), signalBar, bar(T0 + 2 * HOUR, 105.5, 106, 105, 105.8)]);
    const next = longSignal('HOLDS/USDT', { candleTime: T0 + HOUR, entry: 105.5, bar: barOf(signalBar) });
    const outcome = await opener(config, T0 + 2 * HOUR + 5000).open(next);
    assert.ok(outcome.status === 'refused' && outcome.reason === 'already-open', JSON.stringify(outcome));
    assert.equal((await row(holder.id)).status, 'open');
  });
});
