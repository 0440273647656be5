/**
 * Close charts, the edges: too little time for the chart fetch, corrupt charts in event rows,
 * and the scan's reversal path reusing the signal's chart (DynamoDB Local, SQS emulator).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { runMonitor } from '../../lib/monitor/run-monitor.js';
import { chartSpecSchema, type ChartSpec } from '../../lib/core/notification.js';
import { deliverPositionEvents } from '../../lib/portfolio/deliver-events.js';
import { silentLog } from '../../lib/ports/log.js';
import type { OpenContext, PositionOpener } from '../../lib/ports/positions.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { publishSignal } from '../../lib/signals/outbox.js';
import { eventKey } from '../../lib/store/positions/keys.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { botConfig, fixedChats, getItem, HOUR, openerFor, positionSignal, recordingLog, storeFor, T0 } from './fixture.js';
import { bar, scriptedExchange } from './scripted-exchange.js';

const near = (got: number | undefined, want: unknown, what: string) =>
  assert.ok(got !== undefined && Math.abs(got - Number(want)) <= 1e-9 * Math.abs(Number(want)), `${what}: ${got} vs ${String(want)}`);

/** A signal's chart as the scan builds it: candles ending at the signal candle, one line, the signal's levels. */
function signalChart(symbol: string, end: number, n = 6): ChartSpec {
  const candles = Array.from({ length: n }, (_, i) => {
    const o = 100 + i;
    return [end - (n - 1 - i) * HOUR, o, o + 1.5, o - 1, o + 0.5] as [number, number, number, number, number];
  });
  return chartSpecSchema.parse({
    title: `${symbol} · 1h · ema-cross · SHORT`,
    timeframeMs: HOUR,
    candles,
    lines: [{ name: 'EMA 9', values: candles.map((c, i) => (i === 0 ? null : c[4] - 0.2)) }],
    levels: { entry: 106, stop: 109, target: 100 },
  });
}

describe('close charts: time, corrupt rows, reversals (DynamoDB Local, SQS emulator)', () => {
  let r: TestResources;
  const queue = () => createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} });
  before(async () => {
    r = await testResources('positions-close-chart-edges');
  });
  after(() => r.close());

  it('too little time left for the chart fetch: the position closes and is notified as text, with a warning, without the extra fetch', async () => {
    const config = botConfig({}, { telegram: { adminChatIds: [9], delivery: { charts: true, chartCandles: 30 } } });
    const signal = positionSignal({ symbol: 'LATE/USDT', entry: 100, stop: 97, target: 106 });
    assert.equal((await openerFor(storeFor(r), config, testClock(T0 + HOUR + 5000)).open(signal)).status, 'opened');
    const exchange = scriptedExchange();
    exchange.set('LATE/USDT', [bar(T0, 99, 100.5, 98.5, 100), bar(T0 + HOUR, 100, 101, 96, 98), bar(T0 + 2 * HOUR, 98, 98.5, 97.5, 98)]);
    const log = recordingLog();
    const report = await runMonitor({
      config,
      store: storeFor(r),
      exchange: async () => exchange,
      queue: queue(),
      clock: testClock(T0 + 2 * HOUR + 5000),
      log,
      remainingMs: () => config.scan.reserveMs + 500,
      recipients: fixedChats([9]),
    });
    assert.deepEqual([report.closed, report.failed], [1, 0]);
    assert.equal(exchange.fetches(), 1, 'no chart fetch');
    assert.ok(log.lines.some((l) => l.level === 'warn' && l.message.startsWith('too little time left to fetch the close chart candles')));
    const sent = (await drainQueue(r.sqs, r.queues.NotifyQueue!)).filter((n) => n.kind === 'position-closed');
    assert.deepEqual(
      sent.map((n) => [n.sourceId, n.chatId, n.chart]),
      [[`${signal.id}#closed`, 9, undefined]],
    );
    assert.match(sent[0]!.text, /LATE\/USDT/);
  });

  it('a corrupt chart in an event row costs the chart only: the text goes out, the row is not quarantined, a warning says why', async () => {
    const good = signalChart('GOOD/USDT', T0);
    const rows = [
      { id: 'corrupt-shape', chart: { title: 'x', timeframeMs: HOUR, candles: [[T0, 1, 2, 0.5, 'NaN']] } },
      { id: 'corrupt-type', chart: 'not a chart' },
      { id: 'corrupt-lines', chart: { ...good, lines: [{ name: 'EMA 9', values: [1, 2] }] } },
      { id: 'valid', chart: good },
    ];
    for (const row of rows) {
      await r.doc.send(
        new PutCommand({
          TableName: r.tables.PositionsTable!,
          Item: { ...eventKey(row.id, 'closed'), positionId: row.id, kind: 'closed', recipients: [5], text: `closed ${row.id}`, createdAt: T0, outbox: 'PENDING', leaseUntil: 0, chart: row.chart },
        }),
      );
    }
    const log = recordingLog();
    const report = await deliverPositionEvents({ store: storeFor(r), queue: queue(), clock: testClock(T0 + HOUR), log }, 50);
    assert.deepEqual([report.found, report.delivered, report.quarantined, report.failed], [4, 4, 0, 0]);
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    const byId = new Map(sent.map((n) => [n.sourceId, n]));
    for (const { id } of rows) assert.equal(byId.get(`${id}#closed`)?.text, `closed ${id}`, `${id}: text delivered`);
    assert.deepEqual(byId.get('valid#closed')?.chart, good, 'a valid stored chart goes out as stored');
    for (const id of ['corrupt-shape', 'corrupt-type', 'corrupt-lines']) assert.equal(byId.get(`${id}#closed`)?.chart, undefined, id);
    const warned = log.lines.filter((l) => l.level === 'warn' && l.message.startsWith('position event chart failed validation'));
    assert.deepEqual(warned.map((l) => l.extra?.['eventId']).sort(), ['corrupt-lines#closed', 'corrupt-shape#closed', 'corrupt-type#closed']);
    assert.match(String(warned.find((l) => l.extra?.['eventId'] === 'corrupt-lines#closed')?.extra?.['reason']), /chart\.lines\.0\.values: has 2 values for 6 candles/);
    assert.equal((await getItem(r, 'position#corrupt-type', 'event#closed'))?.outbox, undefined, 'completed, not parked or quarantined');
  });

  it('reversal: the close event reuses the signal chart (its candles and lines, the closed position\'s levels); a chart that does not fit is left out', async () => {
    const config = botConfig();
    const store = storeFor(r);
    const clock = testClock(T0 + HOUR + 5000);
    const long = positionSignal({ symbol: 'REVC/USDT', entry: 100 });
    assert.equal((await openerFor(store, config, clock, [7]).open(long)).status, 'opened');
    await deliverPositionEvents({ store, queue: queue(), clock, log: silentLog }, 50);
    await drainQueue(r.sqs, r.queues.NotifyQueue!);

    const chart = signalChart('REVC/USDT', T0 + 3 * HOUR);
    const short = positionSignal({ symbol: 'REVC/USDT', side: 'short', candleTime: T0 + 3 * HOUR, entry: 103 });
    clock.set(T0 + 4 * HOUR + 5000);
    const outcome = await openerFor(store, config, clock, [7]).open(short, { chart });
    assert.ok(outcome.status === 'opened' && outcome.reversed?.positionId === long.id, JSON.stringify(outcome));
    await deliverPositionEvents({ store, queue: queue(), clock, log: silentLog }, 50);
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    const closedRow = (await getItem(r, `position#${long.id}`, 'position'))!;
    const closed = sent.find((n) => n.sourceId === `${long.id}#closed`)!;
    assert.ok(closed.chart, 'close chart from the signal chart');
    assert.equal(closed.chart.title, 'REVC/USDT · 1h · ema-cross · closed (signal)');
    assert.deepEqual(closed.chart.candles, chart.candles, 'the candles the scan held, ending at the signal candle');
    assert.deepEqual(closed.chart.lines, chart.lines);
    near(closed.chart.levels.entry, closedRow.entryPrice, 'entry');
    near(closed.chart.levels.stop, closedRow.stop, 'stop');
    near(closed.chart.levels.target, closedRow.target, 'target');
    near(closed.chart.levels.exit, closedRow.exitPrice, 'exit');
    assert.equal(sent.find((n) => n.sourceId === `${short.id}#opened`)?.chart, undefined, 'the opened notification is text');

    // A long two candles later with a chart that ends before its signal candle: the close goes out as text.
    const log = recordingLog();
    const long2 = positionSignal({ symbol: 'REVC/USDT', candleTime: T0 + 5 * HOUR, entry: 101 });
    clock.set(T0 + 6 * HOUR + 5000);
    const second = await openerFor(store, config, clock, [7], log).open(long2, { chart });
    assert.ok(second.status === 'opened' && second.reversed?.positionId === short.id, JSON.stringify(second));
    await deliverPositionEvents({ store, queue: queue(), clock, log: silentLog }, 50);
    const again = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    const closedShort = again.find((n) => n.sourceId === `${short.id}#closed`)!;
    assert.equal(closedShort.chart, undefined);
    assert.match(closedShort.text, /REVC\/USDT/);
    assert.ok(log.lines.some((l) => l.level === 'warn' && l.message.startsWith('the signal chart does not fit the closed position')));
  });

  it('the scan\'s outbox hands the signal chart to the opener with the signal', async () => {
    const seen: (OpenContext | undefined)[] = [];
    const recording: PositionOpener = {
      async open(signal, context) {
        seen.push(context);
        return { status: 'opened', positionId: signal.id, stake: 100 };
      },
    };
    const clock = testClock(T0 + 4 * HOUR + 5000);
    const deps = {
      signals: createDynamoSignalStore({ client: r.doc, table: r.tables.SignalsTable!, leaseMs: 60_000, ttlDays: 90 }),
      queue: queue(),
      clock,
      positions: recording,
    };
    const chart = signalChart('HAND/USDT', T0 + 3 * HOUR);
    const result = await publishSignal(deps, positionSignal({ symbol: 'HAND/USDT', candleTime: T0 + 3 * HOUR }), [9], chart);
    assert.equal(result.status, 'recorded');
    assert.deepEqual(seen, [{ chart }]);
    await drainQueue(r.sqs, r.queues.NotifyQueue!);
  });
});
