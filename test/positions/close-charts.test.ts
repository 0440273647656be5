/**
 * Charts on close notifications from the monitor (exchange simulator over ccxt, DynamoDB
 * Local, SQS emulator): the market's chart candles fetched once more when a position closes,
 * the event row carrying the chart, and every chart failure degrading to text only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig } from '../../lib/config/schema.js';
import { runMonitor, type MonitorDeps, type MonitorReport } from '../../lib/monitor/run-monitor.js';
import type { Notification } from '../../lib/core/notification.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import { silentLog, type Log } from '../../lib/ports/log.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { testClock } from '../support/clock.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { fixedChats, getItem, HOUR, openerFor, recordingLog, storeFor } from './fixture.js';
import { closedRows, planPositions, type Planned } from './monitor-fixture.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 5); // 11:00 is the last closed 1h candle
const SIGNAL_TIME = Date.UTC(2026, 10, 20, 8); // entry candle 09:00; 09, 10, 11 closed
const CHARTED = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT'];
const TEXT_ONLY = ['XRP/USDT', 'ADA/USDT'];
const FETCH_FAILS = ['DOGE/USDT', 'TRX/USDT'];
const SYMBOLS = [...CHARTED, ...TEXT_ONLY, ...FETCH_FAILS];
const CHATS = [601, 602];
const CHART_CANDLES = 40;

const close = (got: number | undefined, want: unknown, what: string) =>
  assert.ok(got !== undefined && Math.abs(got - Number(want)) <= 1e-9 * Math.abs(Number(want)), `${what}: ${got} vs ${String(want)}`);

describe('close notifications carry a chart (monitor; exchange simulator, DynamoDB Local, SQS emulator)', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let exchange: ExchangePort;
  const config = (charts: boolean): BotConfig =>
    parseConfig({
      exchanges: [{ id: 'binance', symbols: SYMBOLS, timeframes: ['1h'], apiBase: 'http://127.0.0.1:9' }],
      // rsi-reversion is not configured: its charts use the strategy's default params.
      strategies: [{ name: 'ema-cross' }],
      risk: { startingBalance: 2000, stakeFixed: 100, maxOpenPositions: 20, feeRate: 0.001 },
      telegram: { adminChatIds: CHATS, delivery: { charts, chartCandles: CHART_CANDLES } },
    });
  const monitor = (cfg: BotConfig, port: ExchangePort, log: Log = silentLog): Promise<MonitorReport> => {
    const deps: MonitorDeps = {
      config: cfg,
      store: storeFor(r),
      exchange: async () => port,
      queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }),
      clock: testClock(NOW),
      log,
      remainingMs: () => 50_000,
      recipients: fixedChats(CHATS),
    };
    return runMonitor(deps);
  };
  /** Opens a tight-bracket position per symbol; returns the plan (the pure rules' exits). */
  const openAll = async (symbols: readonly string[]): Promise<Planned[]> => {
    const plan = await planPositions(exchange, symbols, SIGNAL_TIME, NOW, () => 0.002);
    const opener = openerFor(storeFor(r), config(true), testClock(SIGNAL_TIME + HOUR + 5000), CHATS);
    for (const { signal } of plan) assert.equal((await opener.open(signal)).status, 'opened');
    assert.ok(plan.some((p) => p.exit !== null), 'fixture: at least one position exits');
    return plan;
  };
  const closedNotifications = async (): Promise<Notification[]> => (await drainQueue(r.sqs, r.queues.NotifyQueue!)).filter((n) => n.kind === 'position-closed');
  const klinesOf = (symbol: string) => sim.requestLog.filter((q) => q.path === '/api/v3/klines' && q.symbol === symbol.replace('/', '')).length;

  before(async () => {
    r = await testResources('positions-close-charts');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: NOW, seed: 11 });
    exchange = await binanceAt(sim.url);
    await exchange.prepare(SYMBOLS);
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  it('charts on: each close notification carries the last chartCandles closed candles ending at the exit candle, the strategy lines and entry/stop/target/exit', async () => {
    const plan = await openAll(CHARTED);
    const before = new Map(CHARTED.map((s) => [s, klinesOf(s)]));
    const report = await monitor(config(true), exchange);
    const exiting = plan.filter((p) => p.exit !== null);
    assert.deepEqual([report.closed, report.failed], [exiting.length, 0], JSON.stringify(report.failures));
    for (const symbol of CHARTED) {
      const closes = exiting.some((p) => p.signal.symbol === symbol);
      assert.equal(klinesOf(symbol) - before.get(symbol)!, closes ? 2 : 1, `${symbol}: one fetch, plus one chart fetch when a position closes`);
    }
    const sent = await closedNotifications();
    assert.equal(sent.length, exiting.length * CHATS.length);
    for (const { signal, exit } of exiting) {
      const row = (await getItem(r, `position#${signal.id}`, 'position'))!;
      assert.equal(row.exitTime, exit!.exitTime);
      const mine = sent.filter((n) => n.sourceId === `${signal.id}#closed`);
      assert.deepEqual(mine.map((n) => n.chatId).sort(), CHATS);
      const chart = mine[0]!.chart;
      assert.ok(chart, `chart on ${signal.id}`);
      assert.deepEqual(mine[1]!.chart, chart, 'the same chart for every recipient');
      assert.equal(chart.title, `${signal.symbol} · 1h · ${signal.strategy} · closed (${String(row.exitReason)})`);
      assert.equal(chart.timeframeMs, HOUR);
      assert.equal(chart.candles.length, CHART_CANDLES);
      assert.equal(chart.candles.at(-1)![0], exit!.exitTime, 'the window ends at the exit candle');
      // The exchange's own closed candles, ending at the exit candle.
      const rows = (await closedRows(exchange, signal.symbol, NOW, 100)).filter((c) => c[0] <= exit!.exitTime).slice(-CHART_CANDLES);
      assert.deepEqual(chart.candles.map((c) => c[0]), rows.map((c) => c[0]));
      chart.candles.forEach((c, i) => close(c[4], rows[i]![4], `close of candle ${i}`));
      close(chart.levels.entry, row.entryPrice, 'entry');
      close(chart.levels.stop, row.stop, 'stop');
      close(chart.levels.target, row.target, 'target');
      close(chart.levels.exit, row.exitPrice, 'exit');
      if (signal.strategy === 'ema-cross') {
        assert.ok(chart.lines.length >= 2, 'ema-cross draws its averages');
        for (const line of chart.lines) {
          assert.equal(line.values.length, CHART_CANDLES);
          assert.ok(line.values.every((v) => v !== null), `${line.name} warmed up over the whole window (the fetch covers the warm-up)`);
        }
      }
    }
    // The chart travelled through the event row; delivered rows keep it until their TTL.
    const event = (await getItem(r, `position#${exiting[0]!.signal.id}`, 'event#closed'))!;
    assert.equal(event.outbox, undefined, 'delivered');
    assert.deepEqual(event.chart, sent.find((n) => n.sourceId === `${exiting[0]!.signal.id}#closed`)!.chart);
    assert.ok(JSON.stringify(event).length < 60_000, 'the event row stays far below the 400 KB item limit');
  });

  it('charts off: text only, and no extra exchange call', async () => {
    const plan = await openAll(TEXT_ONLY);
    await drainQueue(r.sqs, r.queues.NotifyQueue!);
    const before = new Map(TEXT_ONLY.map((s) => [s, klinesOf(s)]));
    const report = await monitor(config(false), exchange);
    const exiting = plan.filter((p) => p.exit !== null);
    assert.equal(report.closed, exiting.length);
    const sent = await closedNotifications();
    assert.equal(sent.length, exiting.length * CHATS.length);
    assert.ok(sent.every((n) => n.chart === undefined && n.text.length > 0));
    for (const symbol of TEXT_ONLY) assert.equal(klinesOf(symbol) - before.get(symbol)!, 1, symbol);
  });

  it('the exchange failing the chart fetch: the positions still close and their notifications go out as text, with a warning', async () => {
    const plan = await openAll(FETCH_FAILS);
    await drainQueue(r.sqs, r.queues.NotifyQueue!);
    // The monitor's own fetch asks for a handful of rows; the chart fetch for the window: that one answers 503.
    const failingCharts: ExchangePort = {
      id: exchange.id,
      prepare: (symbols) => exchange.prepare(symbols),
      fetchCandles: (symbol, tf, limit) => {
        if (limit > 10) sim.setFault(symbol, { kind: 'status', status: 503, times: 1 });
        return exchange.fetchCandles(symbol, tf, limit);
      },
    };
    const log = recordingLog();
    const report = await monitor(config(true), failingCharts, log);
    const exiting = plan.filter((p) => p.exit !== null);
    assert.deepEqual([report.closed, report.failed], [exiting.length, 0]);
    for (const { signal } of exiting) assert.equal((await getItem(r, `position#${signal.id}`, 'position'))!.status, 'closed');
    const sent = await closedNotifications();
    assert.equal(sent.length, exiting.length * CHATS.length);
    assert.ok(sent.every((n) => n.chart === undefined && n.text.includes('/USDT')), 'text only, nothing lost');
    const warned = log.lines.filter((l) => l.level === 'warn' && l.message.startsWith('close chart candles could not be fetched'));
    assert.deepEqual(warned.map((l) => l.extra?.['symbol']).sort(), [...new Set(exiting.map((p) => p.signal.symbol))].sort());
    assert.ok(warned.every((l) => String(l.extra?.['error']).length > 0));
  });
});
