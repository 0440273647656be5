import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PermanentError, TransientError } from '../../lib/errors.js';
import { silentLog } from '../../lib/ports/log.js';
import type { PositionOpener } from '../../lib/ports/positions.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { runScan } from '../../lib/scan/run-scan.js';
import { publishSignal, redrivePending, type OutboxDeps } from '../../lib/signals/outbox.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { testClock } from '../support/clock.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { runtimeFor, SCAN_NOW, scanConfig } from '../support/scan-fixture.js';
import { botConfig, getItem, HOUR, openerFor, portfolioItem, positionSignal, storeFor, T0 } from './fixture.js';

const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT', 'TRX/USDT', 'DOT/USDT', 'LINK/USDT'];
const LEASE = 60_000;

describe('opening positions from recorded signals (scan → outbox → positions)', () => {
  let r: TestResources;
  let sim: BinanceSim;
  before(async () => {
    r = await testResources('positions-scan');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: SCAN_NOW });
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  const signalIds = async (): Promise<string[]> => {
    const out = await r.doc.send(new QueryCommand({ TableName: r.tables.PositionsTable!, IndexName: 'position-lists', KeyConditionExpression: 'listKey = :o', ExpressionAttributeValues: { ':o': 'open' } }));
    const rejected = await storeFor(r).listRejected(100);
    return [...(out.Items ?? []).map((i) => String(i.id)), ...rejected.map((x) => x.positionId)].sort();
  };

  it('every signal a scan records opens its position or records its refusal; a repeated scan changes nothing', async () => {
    const config = scanConfig(sim.url, SYMBOLS, { risk: { startingBalance: 1000, stakeFixed: 100, maxOpenPositions: 3 } });
    const report = await runScan(runtimeFor(r, config).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(SCAN_NOW) }), '1h');
    assert.ok(report.signalled >= 4, `fixture must signal more than the 3 slots (got ${report.signalled})`);
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.equal(sent.length, report.signalled * 2, 'the scan enqueues the signal notifications only (position events go through the position outbox)');
    const ids = sent.filter((n) => n.chatId === 111).map((n) => n.sourceId).sort();
    assert.deepEqual(await signalIds(), ids, 'one position decision per recorded signal, id = signal id');
    const pf = await portfolioItem(r);
    assert.deepEqual([pf.openCount, pf.reserved, pf.available], [3, 300, 700]);
    const rejected = await storeFor(r).listRejected(100);
    assert.equal(rejected.length, report.signalled - 3);
    assert.ok(rejected.every((x) => x.reason.startsWith('max-open: ')));
    for (const id of ids) {
      const signal = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id } }))).Item!;
      const atr = (signal.indicators as Record<string, number> | undefined)?.atr;
      assert.ok(typeof atr === 'number' && atr > 0, `recorded signal ${id} carries indicators.atr (a trailing stop needs it), got ${String(atr)}`);
      const position = (await getItem(r, `position#${id}`, 'position'))!;
      if (position.status !== 'open') continue;
      assert.equal(position.entryPrice, signal.entry, 'entry = the signal entry reference (forming candle open)');
      assert.equal(position.entryTime, signal.candleTime + HOUR);
      assert.equal(position.stop, signal.stop);
      assert.equal(position.target, signal.target);
    }

    const again = await runScan(runtimeFor(r, config).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(SCAN_NOW + 1000) }), '1h');
    assert.equal(again.signalled, 0);
    assert.deepEqual(await portfolioItem(r), pf, 'portfolio untouched');
    assert.deepEqual(await signalIds(), ids, 'no position row added');
  });

  describe('crash between recording the signal and opening the position', () => {
    let res: TestResources;
    before(async () => {
      res = await testResources('positions-redrive');
    });
    after(() => res.close());

    const deps = (clock: ReturnType<typeof testClock>, positions?: PositionOpener): OutboxDeps => ({
      signals: createDynamoSignalStore({ client: res.doc, table: res.tables.SignalsTable!, leaseMs: LEASE, ttlDays: 90 }),
      queue: createSqsNotificationQueue({ client: res.sqs, queueUrl: res.queues.NotifyQueue!, sleep: async () => {} }),
      clock,
      positions: positions ?? openerFor(storeFor(res), botConfig({ maxOpenPositions: 50 }), clock),
    });

    it('is recovered by the re-drive, exactly once across 10 concurrent re-drivers; a further re-drive changes nothing', async () => {
      const clock = testClock(T0 + HOUR + 5000);
      const signal = positionSignal({ symbol: 'CRASH/USDT' });
      // The dying run: the signal row (with its outbox marker) is written, nothing else happens.
      assert.equal((await deps(clock).signals.record(signal, [9], clock.now())).status, 'recorded');
      assert.equal(await getItem(res, `position#${signal.id}`, 'position'), undefined);
      clock.advance(LEASE + 1);
      const reports = await Promise.all(Array.from({ length: 10 }, () => redrivePending(deps(clock), 25)));
      assert.equal(reports.reduce((n, rep) => n + rep.delivered, 0), 1);
      assert.equal((await getItem(res, `position#${signal.id}`, 'position'))?.status, 'open');
      assert.equal((await portfolioItem(res)).openCount, 1);
      assert.deepEqual((await drainQueue(res.sqs, res.queues.NotifyQueue!)).map((n) => n.id), [`${signal.id}#chat#9`]);
      clock.advance(10 * LEASE);
      assert.equal((await redrivePending(deps(clock), 25)).found, 0);
      assert.equal((await portfolioItem(res)).openCount, 1);
    });

    it('a transient failure to open leaves the signal pending (notifications wait); the re-drive opens it and notifies', async () => {
      const clock = testClock(T0 + HOUR + 5000);
      const signal = positionSignal({ symbol: 'FLAKY/USDT' });
      const failing: PositionOpener = { open: async () => { throw new TransientError('throttled', { code: 'AWS_TRANSIENT' }); } };
      const result = await publishSignal(deps(clock, failing), signal, [9]);
      assert.equal(result.status, 'pending');
      assert.deepEqual(await drainQueue(res.sqs, res.queues.NotifyQueue!), [], 'not notified before the position is decided');
      clock.advance(LEASE + 1);
      assert.equal((await redrivePending(deps(clock), 25)).delivered, 1);
      assert.equal((await getItem(res, `position#${signal.id}`, 'position'))?.status, 'open');
      assert.equal((await drainQueue(res.sqs, res.queues.NotifyQueue!)).length, 1);
    });

    it('a permanent failure to open still notifies, then parks the signal as FAILED with the reason', async () => {
      const clock = testClock(T0 + HOUR + 5000);
      const signal = positionSignal({ symbol: 'BROKEN/USDT' });
      const broken: PositionOpener = { open: async () => { throw new PermanentError('no ATR', { code: 'NO_ATR' }); } };
      const result = await publishSignal(deps(clock, broken), signal, [9]);
      assert.equal(result.status, 'failed');
      assert.equal((await drainQueue(res.sqs, res.queues.NotifyQueue!)).length, 1);
      const row = (await res.doc.send(new GetCommand({ TableName: res.tables.SignalsTable!, Key: { id: signal.id } }))).Item!;
      assert.equal(row.outbox, 'FAILED');
      assert.match(String(row.outboxError), /^open position: NO_ATR/);
    });
  });
});
