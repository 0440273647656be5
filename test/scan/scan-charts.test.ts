/** Charts attached by the scan to signal notifications, from the candles it already holds. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { silentLog } from '../../lib/ports/log.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { runScan } from '../../lib/scan/run-scan.js';
import { redrivePending } from '../../lib/signals/outbox.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { testClock } from '../support/clock.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { runtimeFor, SCAN_NOW, scanConfig } from '../support/scan-fixture.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT'];
const HOUR = 3_600_000;

describe('signal charts attached at scan time', () => {
  let r: TestResources;
  let sim: BinanceSim;
  before(async () => {
    r = await testResources('scan-charts');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: SCAN_NOW });
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  const scan = (delivery: Record<string, unknown>, now: number) =>
    runScan(runtimeFor(r, scanConfig(sim.url, SYMBOLS, { telegram: { adminChatIds: [111], delivery } })).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(now) }), '1h');

  it('charts on: every signal notification carries the last chartCandles closed candles ending at the signal candle, with its levels', async () => {
    const report = await scan({ charts: true, chartCandles: 40 }, SCAN_NOW);
    assert.ok(report.signalled >= 2, `the fixture must signal (got ${report.signalled})`);
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.equal(sent.length, report.signalled);
    for (const n of sent) {
      const signal = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: n.sourceId } }))).Item!;
      const chart = n.chart;
      assert.ok(chart, `chart on ${n.id}`);
      assert.equal(chart.candles.length, 40);
      assert.equal(chart.candles.at(-1)![0], signal.candleTime, 'ends at the signal candle (never the forming one)');
      assert.equal(chart.timeframeMs, HOUR);
      assert.ok(Math.abs(chart.levels.entry! - Number(signal.entry)) < 1e-6 * Number(signal.entry));
      assert.ok(Math.abs(chart.levels.stop! - Number(signal.stop)) < 1e-6 * Number(signal.entry));
      assert.ok(Math.abs(chart.levels.target! - Number(signal.target)) < 1e-6 * Number(signal.entry));
      assert.match(chart.title, new RegExp(`^${String(signal.symbol).replace('/', '\\/')} · 1h · ${String(signal.strategy)}`));
      for (const line of chart.lines) assert.equal(line.values.length, 40);
    }
  });

  it('charts off: text only', async () => {
    sim.setNow(SCAN_NOW + HOUR);
    const report = await scan({ charts: false }, SCAN_NOW + HOUR);
    assert.ok(report.signalled >= 1, `the fixture must signal (got ${report.signalled})`);
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.equal(sent.length, report.signalled);
    assert.ok(sent.every((n) => n.chart === undefined));
  });

  it('an outbox re-drive sends the text only (the signal row does not store the chart)', async () => {
    sim.setNow(SCAN_NOW + 2 * HOUR);
    const report = await scan({ charts: true, chartCandles: 30 }, SCAN_NOW + 2 * HOUR);
    assert.ok(report.signalled >= 1, `the fixture must signal (got ${report.signalled})`);
    const first = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.ok(first.every((n) => n.chart?.candles.length === 30), 'sent with charts the first time');
    // Put one delivered row back to PENDING with a passed lease, as a crash before `complete` leaves it.
    const id = first[0]!.sourceId;
    await r.doc.send(
      new UpdateCommand({ TableName: r.tables.SignalsTable!, Key: { id }, UpdateExpression: 'SET outbox = :p, leaseUntil = :l', ExpressionAttributeValues: { ':p': 'PENDING', ':l': 0 } }),
    );
    const redrive = await redrivePending(
      {
        signals: createDynamoSignalStore({ client: r.doc, table: r.tables.SignalsTable!, leaseMs: 60_000, ttlDays: 90 }),
        queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }),
        clock: testClock(SCAN_NOW + 3 * HOUR),
      },
      10,
    );
    assert.equal(redrive.delivered, 1);
    const again = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(again.map((n) => [n.sourceId, n.chart]), [[id, undefined]]);
  });
});
