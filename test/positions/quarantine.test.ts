import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from '../../lib/config/load.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { runMonitor, type MonitorDeps } from '../../lib/monitor/run-monitor.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import type { Log } from '../../lib/ports/log.js';
import { testClock } from '../support/clock.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { botConfig, getItem, HOUR, openerFor, positionSignal, recordingLog, storeFor, T0, fixedChats } from './fixture.js';
import { planPositions } from './monitor-fixture.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 5);
const SIGNAL_TIME = Date.UTC(2026, 10, 20, 8);
const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];

describe('recovery: rows that fail validation are quarantined, reported and never fixed', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let exchange: ExchangePort;
  const config = parseConfig({
    exchanges: [{ id: 'binance', symbols: SYMBOLS, timeframes: ['1h'], apiBase: 'http://127.0.0.1:9' }],
    strategies: [{ name: 'ema-cross' }],
    risk: { startingBalance: 1000, stakeFixed: 100, maxOpenPositions: 10 },
  });
  const depsFor = (log: Log): MonitorDeps => ({
    config,
    store: storeFor(r),
    exchange: async () => exchange,
    queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }),
    clock: testClock(NOW),
    log,
    remainingMs: () => 50_000,
    recipients: fixedChats([1]),
  });

  before(async () => {
    r = await testResources('positions-quarantine');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: NOW, seed: 3 });
    exchange = await binanceAt(sim.url);
    await exchange.prepare(SYMBOLS);
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  it('a corrupt open position and a corrupt event row are quarantined; the monitor goes on with the others', async () => {
    const [plan] = await planPositions(exchange, ['BTC/USDT'], SIGNAL_TIME, NOW, () => 0.004);
    assert.ok(plan?.exit, 'fixture: the healthy position exits');
    assert.equal((await openerFor(storeFor(r), config, testClock(SIGNAL_TIME + HOUR)).open(plan.signal)).status, 'opened');
    const table = r.tables.PositionsTable!;
    const corrupt = { pk: 'position#bad', sk: 'position', id: 'bad', status: 'open', listKey: 'open', listSort: 'binance#ETH/USDT#1h#bad', symbol: 'ETH/USDT', stop: 'abc', version: 1 };
    await r.doc.send(new PutCommand({ TableName: table, Item: corrupt }));
    await r.doc.send(new PutCommand({ TableName: table, Item: { pk: 'position#x', sk: 'event#closed', kind: 'closed', outbox: 'PENDING', leaseUntil: 1, text: '' } }));

    const log = recordingLog();
    const report = await runMonitor(depsFor(log));
    assert.equal(report.quarantined, 2);
    assert.equal(report.closed, 1, 'the healthy position is still monitored and closed');
    assert.equal(report.failed, 0);
    const errors = log.lines.filter((l) => l.level === 'error' && /quarantined/.test(l.message));
    assert.equal(errors.length, 2, JSON.stringify(log.lines));
    assert.match(String(errors[0]?.extra?.reason), /stop/);

    const row = (await getItem(r, 'position#bad', 'position'))!;
    assert.equal(row.listKey, 'quarantined');
    assert.equal(row.quarantinedFrom, 'open');
    assert.match(String(row.quarantineReason), /stop: Invalid input: expected number/);
    assert.equal(row.stop, 'abc', 'the data is left exactly as found');
    assert.equal(row.status, 'open');
    const event = (await getItem(r, 'position#x', 'event#closed'))!;
    assert.equal(event.outbox, undefined, 'no longer offered for delivery');
    assert.equal(event.listKey, 'quarantined');

    const quarantined = await storeFor(r).listQuarantined(10);
    assert.deepEqual(quarantined.map((q) => q.rowId).sort(), ['position#bad|position', 'position#x|event#closed']);
    const second = await runMonitor(depsFor(recordingLog()));
    assert.equal(second.listed, 0, 'a quarantined row is not listed again');
    assert.equal(second.quarantined, 0);
  });

  it('a portfolio that fails validation (balance not conserved) is quarantined and opens are refused with that reason', async () => {
    const other = await testResources('positions-bad-portfolio');
    try {
      const store = storeFor(other);
      const opener = openerFor(store, botConfig(), testClock(T0 + 2 * HOUR));
      assert.equal((await opener.open(positionSignal({ symbol: 'BTC/USDT' }))).status, 'opened');
      // Someone edits the balance by hand: available + reserved no longer equals start + realised − fees.
      await other.doc.send(new UpdateCommand({ TableName: other.tables.PositionsTable!, Key: { pk: 'portfolio', sk: 'paper' }, UpdateExpression: 'SET available = :a', ExpressionAttributeValues: { ':a': 5000 } }));
      const log = recordingLog();
      const outcome = await openerFor(store, botConfig(), testClock(T0 + 2 * HOUR), [], log).open(positionSignal({ symbol: 'ETH/USDT' }));
      assert.equal(outcome.status === 'refused' && outcome.reason, 'portfolio-corrupt', JSON.stringify(outcome));
      assert.ok(log.lines.some((l) => l.level === 'error' && l.message === 'portfolio row quarantined'));
      const pf = (await getItem(other, 'portfolio', 'paper'))!;
      assert.equal(pf.available, 5000, 'not fixed');
      assert.equal(pf.listKey, 'quarantined');
      const refused = (await getItem(other, `position#${positionSignal({ symbol: 'ETH/USDT' }).id}`, 'position'))!;
      assert.equal(refused.status, 'rejected');
      assert.equal(refused.stake, 0);
      assert.match(String(refused.reason), /^portfolio-corrupt: available: balance not conserved/);
    } finally {
      other.close();
    }
  });
});
