import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../lib/config/load.js';
import { localDocumentClient } from '../../infra/local-clients.js';
import { createSqsNotificationQueue } from '../../lib/queue/sqs-notification-queue.js';
import { runMonitor, type MonitorDeps, type MonitorReport } from '../../lib/monitor/run-monitor.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import type { Log } from '../../lib/ports/log.js';
import { silentLog } from '../../lib/ports/log.js';
import type { PositionStore, TradeRecord } from '../../lib/ports/positions.js';
import { testClock } from '../support/clock.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { getItem, HOUR, openerFor, partition, portfolioItem, storeFor, fixedChats } from './fixture.js';
import { planPositions, type Planned } from './monitor-fixture.js';

const NOW = Date.UTC(2026, 10, 20, 12, 0, 5); // 11:00 is the last closed 1h candle
const SIGNAL_TIME = Date.UTC(2026, 10, 20, 8); // entry candle 09:00; 09, 10, 11 closed
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT', 'TRX/USDT'];
const CHATS = [501, 502];
const MONITORS = 50;

describe('monitor: 50 concurrent invocations over the same open positions (exchange simulator, DynamoDB Local, SQS emulator)', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let exchange: ExchangePort;
  let plan: Planned[];
  let reports: MonitorReport[];
  const config = parseConfig({
    exchanges: [{ id: 'binance', symbols: SYMBOLS, timeframes: ['1h'], apiBase: 'http://127.0.0.1:9' }],
    strategies: [{ name: 'ema-cross' }],
    risk: { startingBalance: 1000, stakeFixed: 100, maxOpenPositions: 10, feeRate: 0.001 },
    telegram: { adminChatIds: CHATS },
  });
  const depsFor = (store: PositionStore, now: number, log: Log = silentLog): MonitorDeps => ({
    config,
    store,
    exchange: async () => exchange,
    queue: createSqsNotificationQueue({ client: r.sqs, queueUrl: r.queues.NotifyQueue!, sleep: async () => {} }),
    clock: testClock(now),
    log,
    remainingMs: () => 50_000,
    recipients: fixedChats(CHATS),
  });

  before(async () => {
    r = await testResources('positions-monitor');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: NOW, seed: 11 });
    exchange = await binanceAt(sim.url);
    await exchange.prepare(SYMBOLS);
    // Tight brackets (0.4 %) exit within the three closed candles; two wide ones (30 %) stay open.
    plan = await planPositions(exchange, SYMBOLS, SIGNAL_TIME, NOW, (i) => (i >= 6 ? 0.3 : 0.004));
    const opener = openerFor(storeFor(r), config, testClock(SIGNAL_TIME + HOUR + 5000), CHATS);
    for (const { signal } of plan) assert.equal((await opener.open(signal)).status, 'opened');

    const clients = Array.from({ length: MONITORS }, () => localDocumentClient(r.ddbEndpoint));
    try {
      reports = await Promise.all(clients.map((client) => runMonitor(depsFor(storeFor(r, undefined, client), NOW))));
    } finally {
      for (const c of clients) c.destroy();
    }
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  const trades = async (): Promise<TradeRecord[]> => {
    const store = storeFor(r);
    const all = await Promise.all(['ema-cross', 'rsi-reversion'].map((s) => store.listTrades(s, 1000)));
    assert.deepEqual(all.flatMap((a) => a.corrupt), []);
    return all.flatMap((a) => a.trades);
  };

  it('closes each exiting position exactly once, at the exit the pure rules find', async () => {
    const exiting = plan.filter((p) => p.exit !== null);
    assert.ok(exiting.length >= 4 && exiting.length < plan.length, `fixture: ${exiting.length} of ${plan.length} exit`);
    assert.deepEqual(reports.filter((rep) => rep.failed > 0).map((rep) => rep.failures.slice(0, 2)), []);
    assert.equal(reports.reduce((n, rep) => n + rep.closed, 0), exiting.length, 'one close per position across all 50 monitors');
    const recorded = await trades();
    assert.deepEqual(recorded.map((t) => t.positionId).sort(), exiting.map((p) => p.signal.id).sort(), 'no trade row duplicated or missing');
    for (const { signal, exit } of exiting) {
      const t = recorded.find((x) => x.positionId === signal.id)!;
      assert.equal(t.exitReason, exit!.exitReason, signal.id);
      assert.equal(t.exitTime, exit!.exitTime);
      assert.equal(t.exitPrice, exit!.exitPrice);
      assert.ok(Math.abs(t.pnl - exit!.pnl) < 1e-9, `${t.pnl} vs ${exit!.pnl}`);
      assert.equal(t.durationMs, exit!.exitTime - exit!.entryTime);
      const row = (await getItem(r, `position#${signal.id}`, 'position'))!;
      assert.equal(row.status, 'closed');
      assert.equal(row.listKey, undefined, 'off the open list');
      assert.ok(Number(row.expiresAt) > 0, 'closed rows expire (TTL)');
      assert.equal(await getItem(r, `lock#${t.strategy}#binance#${t.symbol}`, 'lock'), undefined, 'market lock released');
    }
  });

  it('conserves the balance: available + reserved = start + realised gross − fees, and equals the trade rows', async () => {
    const recorded = await trades();
    const pf = await portfolioItem(r);
    const stillOpen = plan.filter((p) => p.exit === null).length;
    assert.equal(pf.openCount, stillOpen);
    assert.equal(pf.closedCount, recorded.length);
    assert.equal(pf.reserved, 100 * stillOpen);
    const gross = recorded.reduce((s, t) => s + t.gross, 0);
    const fees = recorded.reduce((s, t) => s + t.fees, 0);
    assert.ok(Math.abs(pf.realisedGross - gross) < 1e-9 && Math.abs(pf.fees - fees) < 1e-9);
    assert.ok(Math.abs(pf.available + pf.reserved - (pf.start + pf.realisedGross - pf.fees)) < 1e-9, JSON.stringify(pf));
    assert.ok(Math.abs(pf.available - (1000 - 100 * plan.length + recorded.reduce((s, t) => s + t.stake + t.pnl, 0))) < 1e-9);
  });

  it('positions still open recorded their progress: last candle checked, mark, version', async () => {
    for (const { signal } of plan.filter((p) => p.exit === null)) {
      const row = (await getItem(r, `position#${signal.id}`, 'position'))!;
      assert.equal(row.status, 'open');
      assert.equal(row.lastChecked, Date.UTC(2026, 10, 20, 11));
      assert.equal(row.bars, 3, 'entry candle and the two after it');
      assert.equal(row.version, 2, 'one progress write across 50 monitors');
      assert.equal(typeof row.markPrice, 'number');
    }
  });

  it('sends each opened and closed notification once, ids derived from the position id and event', async () => {
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    const ids = sent.map((n) => n.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicate');
    const expected = [
      ...plan.flatMap((p) => CHATS.map((c) => `${p.signal.id}#opened#chat#${c}`)),
      ...plan.filter((p) => p.exit).flatMap((p) => CHATS.map((c) => `${p.signal.id}#closed#chat#${c}`)),
    ];
    assert.deepEqual(ids.sort(), expected.sort());
    const closed = sent.find((n) => n.kind === 'position-closed')!;
    assert.match(closed.text, /closed paper (LONG|SHORT) /);
    assert.equal((await storeFor(r).listDue(NOW + 10 * 60_000, 100)).entries.length, 0, 'nothing left in the event outbox');
  });

  it('a later run continues from the last checked candle: while no candle closed only the mark moves, then the same exits as the pure rules over all candles', async () => {
    const hits = sim.hits.klines;
    const open = plan.filter((p) => p.exit === null);
    const before = await Promise.all(open.map(({ signal }) => getItem(r, `position#${signal.id}`, 'position')));
    sim.setNow(NOW + 30 * 60_000);
    const again = await runMonitor(depsFor(storeFor(r), NOW + 30 * 60_000));
    sim.setNow(NOW);
    assert.equal(again.progressed + again.closed, 0, 'no candle closed since the last check');
    assert.equal(again.marked + again.unchanged, 2);
    assert.equal(sim.hits.klines - hits, 2, 'one fetch per market, for the mark');
    for (const [i, { signal }] of open.entries()) {
      const row = (await getItem(r, `position#${signal.id}`, 'position'))!;
      assert.equal(row.version, before[i]!.version, 'a mark changes no version');
      assert.equal(row.lastChecked, before[i]!.lastChecked);
      assert.equal(row.markedAt, NOW + 30 * 60_000);
    }

    const later = Date.UTC(2026, 10, 21, 12, 0, 5);
    sim.setNow(later);
    const wide = await planPositions(exchange, SYMBOLS, SIGNAL_TIME, later, (i) => (i >= 6 ? 0.3 : 0.004));
    await runMonitor(depsFor(storeFor(r), later));
    for (const { signal, exit } of wide.slice(6)) {
      const row = (await getItem(r, `position#${signal.id}`, 'position'))!;
      if (exit) {
        assert.equal(row.status, 'closed');
        assert.equal(row.exitTime, exit.exitTime);
        assert.equal(row.exitReason, exit.exitReason);
      } else {
        assert.equal(row.status, 'open');
        assert.equal(row.lastChecked, Date.UTC(2026, 10, 21, 11));
      }
    }
    sim.setNow(NOW);
  });

  it('statistics per strategy and per symbol equal those computed from the trade rows', async () => {
    const recorded = await trades();
    const store = storeFor(r);
    const expectFrom = (ts: TradeRecord[]) => {
      let cum = 0;
      let peak = 0;
      let dd = 0;
      for (const t of ts) {
        cum += t.pnl;
        peak = Math.max(peak, cum);
        dd = Math.max(dd, peak - cum);
      }
      const wins = ts.filter((t) => t.pnl > 0);
      const losses = ts.filter((t) => t.pnl < 0);
      return {
        count: ts.length,
        wins: wins.length,
        losses: losses.length,
        netPnl: cum,
        grossProfit: wins.reduce((s, t) => s + t.pnl, 0),
        grossLoss: losses.reduce((s, t) => s + t.pnl, 0),
        fees: ts.reduce((s, t) => s + t.fees, 0),
        maxDrawdown: dd,
      };
    };
    const compare = (label: string, got: Record<string, number>, want: Record<string, number>) => {
      for (const [k, v] of Object.entries(want)) assert.ok(Math.abs((got[k] ?? NaN) - v) < 1e-9, `${label}.${k}: ${got[k]} vs ${v}`);
    };
    for (const strategy of ['ema-cross', 'rsi-reversion']) {
      const mine = recorded.filter((t) => t.strategy === strategy).sort((a, b) => a.strategySeq - b.strategySeq);
      assert.deepEqual(mine.map((t) => t.strategySeq), mine.map((_, i) => i + 1), 'sequence numbers are gapless');
      const stats = await store.getStats({ kind: 'strategy', strategy });
      assert.ok(stats?.ok);
      compare(strategy, stats.value as never, expectFrom(mine));
    }
    for (const symbol of new Set(recorded.map((t) => t.symbol))) {
      const mine = recorded.filter((t) => t.symbol === symbol).sort((a, b) => a.symbolSeq - b.symbolSeq);
      const stats = await store.getStats({ kind: 'symbol', exchange: 'binance', symbol });
      assert.ok(stats?.ok);
      compare(symbol, stats.value as never, expectFrom(mine));
    }
    const all = await partition(r, 'stats');
    assert.ok(all.length >= 2, 'every aggregate is one Query away');
  });
});
