/**
 * The admin's pause switch and the subscriber fan-out, end to end on the local stack: the scan
 * runtime (as deployed: USERS_TABLE set, no fixed recipients) against the Binance simulator,
 * the monitor runtime against scripted candles.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monitorEnvSchema, parseEnv, scanEnvSchema } from '../../lib/config/env.js';
import { createMonitorRuntime } from '../../lib/runtime/monitor.js';
import { createScanRuntime } from '../../lib/runtime/scan.js';
import { runMonitor } from '../../lib/monitor/run-monitor.js';
import { runScan } from '../../lib/scan/run-scan.js';
import { createDynamoControlStore } from '../../lib/store/state/control-store.js';
import { createDynamoUserStore } from '../../lib/store/users/user-store.js';
import { testClock } from '../support/clock.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { SCAN_NOW, scanConfig } from '../support/scan-fixture.js';
import { botConfig, getItem, HOUR, openerFor, positionSignal, recordingLog, storeFor, T0 } from '../positions/fixture.js';
import { bar, scriptedExchange } from '../positions/scripted-exchange.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT', 'TRX/USDT'];
const RISK = { risk: { startingBalance: 1000, stakeFixed: 10, maxOpenPositions: 100 } };

describe('pause switch and subscriber fan-out on the local stack', () => {
  let r: TestResources;
  let sim: BinanceSim;
  before(async () => {
    r = await testResources('pause-e2e');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: SCAN_NOW });
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  const control = () => createDynamoControlStore({ client: r.doc, table: r.tables.StateTable! });
  const users = () => createDynamoUserStore({ client: r.doc, table: r.tables.UsersTable! });
  // As deployed: recipients from USERS_TABLE (no fixed list).
  const scan = (now: number, log = recordingLog()) =>
    runScan(createScanRuntime(parseEnv(scanEnvSchema, { ...r.env }), scanConfig(sim.url, SYMBOLS, RISK)).deps({ log, remainingMs: () => 60_000, clock: testClock(now) }), '1h');
  const positionRows = async () =>
    (await r.doc.send(new QueryCommand({ TableName: r.tables.PositionsTable!, IndexName: 'position-lists', KeyConditionExpression: 'listKey = :o', ExpressionAttributeValues: { ':o': 'open' } }))).Items ?? [];

  it('scanning paused: the scan returns paused, calls no exchange, records nothing and writes no heartbeat', async () => {
    await control().set({ scanningPaused: true }, 1, SCAN_NOW - 1000);
    const log = recordingLog();
    const report = await scan(SCAN_NOW, log);
    assert.equal(report.paused, true);
    assert.deepEqual([report.scanned, report.signalled, report.failed, report.skipped], [0, 0, 0, 0]);
    assert.deepEqual(sim.hits, { exchangeInfo: 0, klines: 0 }, 'no exchange call');
    assert.ok(log.lines.some((l) => l.message.startsWith('scanning paused')));
    const heartbeat = await r.doc.send(new GetCommand({ TableName: r.tables.StateTable!, Key: { pk: 'scan#1h' } }));
    assert.equal(heartbeat.Item, undefined);
    assert.deepEqual(await drainQueue(r.sqs, r.queues.NotifyQueue!), []);
  });

  it('trading paused: signals are recorded and fanned out to the matching subscribers only; no paper position opens', async () => {
    const u = users();
    for (const id of [10, 20, 30, 40]) await u.register(id, SCAN_NOW);
    await u.subscribe({ chatId: 10, symbol: '*', strategy: '*', timeframe: '*' }, SCAN_NOW);
    await u.subscribe({ chatId: 20, symbol: 'BTC/USDT', strategy: '*', timeframe: '1h' }, SCAN_NOW);
    await u.subscribe({ chatId: 30, symbol: '*', strategy: '*', timeframe: '4h' }, SCAN_NOW); // other timeframe
    await u.subscribe({ chatId: 40, symbol: '*', strategy: '*', timeframe: '*' }, SCAN_NOW);
    await u.deactivate(40, 'stopped', SCAN_NOW); // stopped: nothing
    await control().set({ scanningPaused: false, tradingPaused: true }, 1, SCAN_NOW);

    const log = recordingLog();
    const report = await scan(SCAN_NOW + 1000, log);
    assert.equal(report.paused, false);
    assert.equal(report.tradingPaused, true);
    assert.ok(report.signalled >= 2, `the fixture must signal (got ${report.signalled})`);
    assert.ok(log.lines.some((l) => l.message.startsWith('trading paused')));
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    const bySignal = new Map<string, number[]>();
    for (const n of sent) bySignal.set(n.sourceId, [...(bySignal.get(n.sourceId) ?? []), n.chatId].sort((a, b) => a - b));
    assert.equal(bySignal.size, report.signalled);
    for (const [id, chats] of bySignal) {
      const signal = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id } }))).Item!;
      const expected = signal.symbol === 'BTC/USDT' ? [10, 20] : [10];
      assert.deepEqual(chats, expected, `${String(signal.symbol)}: recipients`);
      assert.deepEqual(signal.recipients, expected, 'the outbox row keeps the resolved list (a re-drive needs no resolver)');
      assert.equal(signal.outbox, undefined, 'delivered');
    }
    assert.deepEqual(await positionRows(), [], 'no position opened');
    assert.equal(await getItem(r, 'portfolio', 'paper'), undefined, 'the ledger was not touched');
  });

  it('resumed: the next candle\'s signals open positions again, and the opened events go to the subscribers accepting positions', async () => {
    await control().set({ tradingPaused: false }, 1, SCAN_NOW + HOUR);
    await users().updateSettings(10, (s) => ({ ...s, notify: { ...s.notify, positions: false } }), SCAN_NOW + HOUR);
    sim.setNow(SCAN_NOW + HOUR);
    const report = await scan(SCAN_NOW + HOUR);
    assert.equal(report.tradingPaused, false);
    assert.ok(report.signalled >= 1, `the fixture must signal on the next candle too (got ${report.signalled})`);
    await drainQueue(r.sqs, r.queues.NotifyQueue!);
    const open = await positionRows();
    assert.equal(open.length, report.signalled, 'every new signal opened its position');
    for (const p of open) {
      const event = await getItem(r, `position#${String(p.id)}`, 'event#opened');
      if (p.symbol === 'BTC/USDT') assert.deepEqual(event?.recipients, [20], 'chat 10 turned position messages off');
      else assert.equal(event, undefined, 'nobody to tell: no event row');
    }
  });

  it('the monitor keeps closing positions while scanning and trading are paused; the close goes to the subscribers', async () => {
    const exchange = scriptedExchange();
    const signal = positionSignal({ symbol: 'STOP/USDT', entry: 100, stop: 95, target: 150 });
    // The portfolio already holds the scan's positions: room for one more.
    assert.equal((await openerFor(storeFor(r), botConfig({ maxOpenPositions: 100, stakeFixed: 10 }), testClock(T0 + HOUR + 5000)).open(signal)).status, 'opened');
    await control().set({ scanningPaused: true, tradingPaused: true }, 1, T0 + HOUR + 6000);
    await users().subscribe({ chatId: 50, symbol: 'STOP/USDT', strategy: 'ema-cross', timeframe: '1h' }, T0);
    exchange.set('STOP/USDT', [bar(T0 + HOUR, 100, 101, 94, 96), bar(T0 + 2 * HOUR, 96, 96, 96, 96)]);
    const monitor = createMonitorRuntime(parseEnv(monitorEnvSchema, { ...r.env }), botConfig());
    const report = await runMonitor(monitor.deps({ log: recordingLog(), remainingMs: () => 50_000, clock: testClock(T0 + 2 * HOUR + 5000), exchange: async () => exchange }));
    assert.equal(report.closed, 1, 'the stop was honoured');
    const row = await getItem(r, `position#${signal.id}`, 'position');
    assert.deepEqual([row?.status, row?.exitReason, row?.exitPrice], ['closed', 'stop', 95]);
    const closed = await getItem(r, `position#${signal.id}`, 'event#closed');
    assert.deepEqual(closed?.recipients, [50]);
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(sent.filter((n) => n.kind === 'position-closed').map((n) => n.chatId), [50]);
  });
});
