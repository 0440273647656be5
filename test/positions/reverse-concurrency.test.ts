import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { localDocumentClient } from '../../infra/local-clients.js';
import { closeAt, positionRules, settle } from '../../lib/core/positions/index.js';
import { runMonitor, type MonitorDeps } from '../../lib/monitor/run-monitor.js';
import { silentLog } from '../../lib/ports/log.js';
import type { OpenOutcome, PositionStore } from '../../lib/ports/positions.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { redrivePending, type RedriveReport } from '../../lib/signals/outbox.js';
import { createDynamoSignalStore } from '../../lib/store/signals/signal-store.js';
import { testClock } from '../support/clock.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { botConfig, getItem, HOUR, openerFor, partition, portfolioItem, positionSignal, storeFor, T0, fixedChats } from './fixture.js';
import { bar, scriptedExchange } from './scripted-exchange.js';

const LEASE = 60_000;
const config = botConfig({ startingBalance: 10_000, maxOpenPositions: 100, stakeFixed: 100 });
const tradesOf = async (r: TestResources, positionId: string) => (await partition(r, 'trades#ema-cross')).filter((t) => t.sk === positionId);
const conserved = async (r: TestResources) => {
  const pf = await portfolioItem(r);
  assert.ok(Math.abs(pf.available + pf.reserved - (pf.start + pf.realisedGross - pf.fees)) < 1e-9, JSON.stringify(pf));
  return pf;
};

describe('reversal under concurrency (DynamoDB Local, SQS emulator)', () => {
  let r: TestResources;
  before(async () => {
    r = await testResources('positions-reverse-race');
  });
  after(() => r.close());

  it('20 concurrent deliveries of the reversing signal (10 direct opens, 10 outbox re-drivers after a crash) reverse exactly once', async () => {
    const clock = testClock(T0 + HOUR + 5000);
    const long = positionSignal({ symbol: 'RACE/USDT', entry: 100 });
    assert.equal((await openerFor(storeFor(r), config, clock).open(long)).status, 'opened');
    const short = positionSignal({ symbol: 'RACE/USDT', side: 'short', candleTime: T0 + 2 * HOUR, entry: 101 });
    clock.set(T0 + 3 * HOUR + 5000);
    const signalsFor = (client = r.doc) => createDynamoSignalStore({ client, table: r.tables.SignalsTable!, leaseMs: LEASE, ttlDays: 90 });
    // The dying scan: the signal row is recorded with its outbox marker, nothing else happens.
    assert.equal((await signalsFor().record(short, [9], clock.now())).status, 'recorded');
    clock.advance(LEASE + 1);
    const pfBefore = await portfolioItem(r);

    const clients = Array.from({ length: 20 }, () => localDocumentClient(r.ddbEndpoint));
    let results: (OpenOutcome | RedriveReport)[];
    try {
      results = await Promise.all(
        clients.map((client, i) => {
          const opener = openerFor(storeFor(r, undefined, client), config, clock, [9]);
          if (i % 2 === 0) return opener.open(short);
          const queue = createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} });
          return redrivePending({ signals: signalsFor(client), queue, clock, positions: opener }, 25);
        }),
      );
    } finally {
      for (const c of clients) c.destroy();
    }
    const opens = results.filter((x): x is OpenOutcome => 'status' in x);
    const redrives = results.filter((x): x is RedriveReport => 'delivered' in x);
    assert.ok(opens.filter((o) => o.status === 'opened').length <= 1, JSON.stringify(opens));
    assert.ok(opens.every((o) => (o.status === 'opened' && o.reversed?.positionId === long.id) || (o.status === 'exists' && o.state === 'open')), JSON.stringify(opens));
    assert.equal(redrives.reduce((n, x) => n + x.delivered, 0), 1, 'one re-driver claims the signal');

    assert.equal((await tradesOf(r, long.id)).length, 1, 'the old position closed once');
    assert.equal((await getItem(r, `position#${long.id}`, 'position'))?.exitReason, 'signal');
    assert.equal((await getItem(r, `position#${short.id}`, 'position'))?.status, 'open');
    const pf = await conserved(r);
    assert.deepEqual([pf.openCount - pfBefore.openCount, pf.closedCount - pfBefore.closedCount, pf.reserved - pfBefore.reserved], [0, 1, 0]);
    const stats = await storeFor(r).getStats({ kind: 'symbol', exchange: 'binance', symbol: 'RACE/USDT' });
    assert.equal(stats?.ok && stats.value.count, 1, 'statistics count the trade once');
    assert.deepEqual((await drainQueue(r.sqs, r.queues.NotifyQueue!)).map((n) => n.id), [`${short.id}#chat#9`], 'the signal notified once');
  });

  describe('a monitor closing the old position (stop hit in the signal candle) against the reversal', () => {
    const exchange = scriptedExchange();
    // Long signal on T0 (entry 100, stop 97); entry candle T0+1h; the stop is touched on T0+2h, whose close signals short; T0+3h is forming.
    const candles = [bar(T0, 100, 100.5, 99.5, 100), bar(T0 + HOUR, 100, 101, 99, 100.5), bar(T0 + 2 * HOUR, 100.5, 100.8, 96, 96.5), bar(T0 + 3 * HOUR, 96.4, 96.6, 96.2, 96.5)];
    const NOW = T0 + 3 * HOUR + 5000;
    const monitorDeps = (store: PositionStore): MonitorDeps => ({
      config,
      store,
      exchange: async () => exchange,
      queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }),
      clock: testClock(NOW),
      log: silentLog,
      remainingMs: () => 50_000,
      recipients: fixedChats([]),
    });
    const market = async (symbol: string) => {
      exchange.set(symbol, candles);
      const long = positionSignal({ symbol, entry: 100 });
      assert.equal((await openerFor(storeFor(r), config, testClock(T0 + HOUR + 5000)).open(long)).status, 'opened');
      return { long, short: positionSignal({ symbol, side: 'short', candleTime: T0 + 2 * HOUR, entry: 96.4 }) };
    };

    it('monitor first: the old position exits at its stop (as in the backtester), then the signal opens normally at the next open', async () => {
      const { long, short } = await market('SEQA/USDT');
      assert.equal((await runMonitor(monitorDeps(storeFor(r)))).closed, 1);
      const outcome = await openerFor(storeFor(r), config, testClock(NOW)).open(short);
      assert.ok(outcome.status === 'opened' && outcome.reversed === undefined, JSON.stringify(outcome));
      const [trade] = await tradesOf(r, long.id);
      assert.deepEqual([trade?.exitReason, trade?.exitPrice, trade?.exitTime], ['stop', 97, T0 + 2 * HOUR]);
      assert.equal((await getItem(r, `position#${short.id}`, 'position'))?.entryPrice, 96.4);
    });

    it('reversal first: a monitor that read the old position before loses its close (version moved); no double close', async () => {
      const { long, short } = await market('SEQB/USDT');
      const stale = await storeFor(r).getPosition(long.id);
      assert.ok(stale?.ok && stale.value.status === 'open');
      const outcome = await openerFor(storeFor(r), config, testClock(NOW)).open(short);
      assert.ok(outcome.status === 'opened' && outcome.reversed?.positionId === long.id);
      const p = stale.value.open.position;
      const late = settle(closeAt(p, T0 + 2 * HOUR, 97, 'stop', positionRules(stale.value.open.costs)));
      assert.deepEqual(await storeFor(r).close({ stored: stale.value.open, closed: late, now: NOW }), { status: 'lost' });
      assert.equal((await runMonitor(monitorDeps(storeFor(r)))).closed, 0, 'the reverse position is not stopped by the old candles');
      assert.equal((await tradesOf(r, long.id)).length, 1);
      await conserved(r);
    });

    it('racing: 3 monitors and the reversing signals of 8 markets at once — each old position closes exactly once, each new one opens once', async () => {
      const markets = await Promise.all(Array.from({ length: 8 }, (_, i) => market(`RACE${i}/USDT`)));
      const pfBefore = await portfolioItem(r);
      const clients = Array.from({ length: 3 + markets.length }, () => localDocumentClient(r.ddbEndpoint));
      try {
        await Promise.all([
          ...clients.slice(0, 3).map((c) => runMonitor(monitorDeps(storeFor(r, undefined, c)))),
          ...markets.map(({ short }, i) => openerFor(storeFor(r, undefined, clients[3 + i]), config, testClock(NOW)).open(short)),
        ]);
      } finally {
        for (const c of clients) c.destroy();
      }
      for (const { long, short } of markets) {
        const trades = await tradesOf(r, long.id);
        assert.equal(trades.length, 1, `${long.id} closed exactly once`);
        const t = trades[0]!;
        if (t.exitReason === 'stop') assert.deepEqual([t.exitPrice, t.exitTime], [97, T0 + 2 * HOUR], 'monitor won');
        else assert.deepEqual([t.exitReason, t.exitPrice, t.exitTime], ['signal', 96.4, T0 + 3 * HOUR], 'reversal won');
        const row = (await getItem(r, `position#${short.id}`, 'position'))!;
        assert.deepEqual([row.status, row.entryPrice, row.version], ['open', 96.4, 1]);
        assert.equal((await getItem(r, `lock#ema-cross#binance#${long.symbol}`, 'lock'))?.positionId, short.id);
      }
      const pf = await conserved(r);
      assert.deepEqual([pf.openCount - pfBefore.openCount, pf.closedCount - pfBefore.closedCount, pf.reserved - pfBefore.reserved], [0, 8, 0]);
    });
  });
});
