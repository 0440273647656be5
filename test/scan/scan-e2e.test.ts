import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from '../../lib/config/load.js';
import { silentLog } from '../../lib/ports/log.js';
import { runScan, type ScanReport } from '../../lib/scan/run-scan.js';
import { testClock } from '../support/clock.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { expectedSignals, FAST_STRATEGIES, runtimeFor, SCAN_NOW, scanConfig } from '../support/scan-fixture.js';

const HEALTHY = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT', 'DOGE/USDT', 'TRX/USDT', 'DOT/USDT', 'LINK/USDT'];
const FAULTY = {
  'F429/USDT': { kind: 'status', status: 429 },
  'F418/USDT': { kind: 'status', status: 418 },
  'F500/USDT': { kind: 'status', status: 500 },
  'F503/USDT': { kind: 'status', status: 503 },
  'SLOW/USDT': { kind: 'timeout' },
  'JUNK/USDT': { kind: 'malformedJson' },
  'NAN/USDT': { kind: 'nanPrice' },
  'NEG/USDT': { kind: 'negativePrice' },
  'DEAD/USDT': { kind: 'unknownSymbol' },
} as const;
const GAPPY = 'GAP/USDT';
const UNLISTED = 'NOPE/USDT';

const EXPECTED_CODES: Record<string, string> = {
  'F429/USDT': 'RATE_LIMITED',
  'F418/USDT': 'RATE_LIMITED',
  'F500/USDT': 'EXCHANGE_UNAVAILABLE',
  'F503/USDT': 'EXCHANGE_UNAVAILABLE',
  'SLOW/USDT': 'TIMEOUT',
  'JUNK/USDT': 'INVALID_CANDLE',
  'NAN/USDT': 'INVALID_CANDLE',
  'NEG/USDT': 'INVALID_CANDLE',
  'DEAD/USDT': 'BAD_SYMBOL',
  [UNLISTED]: 'BAD_SYMBOL',
};

describe('scan end to end: ccxt → exchange simulator, DynamoDB Local, SQS emulator', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let report: ScanReport;
  const symbols = [...HEALTHY, ...Object.keys(FAULTY), GAPPY, UNLISTED];

  before(async () => {
    r = await testResources('scan-e2e');
    sim = await startBinanceSim({
      symbols: [...HEALTHY, ...Object.keys(FAULTY), GAPPY],
      nowMs: SCAN_NOW,
      faults: { ...FAULTY, [GAPPY]: { kind: 'gap', missing: 3 } },
    });
    const config = scanConfig(sim.url, symbols);
    const deps = runtimeFor(r, config).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(SCAN_NOW) });
    report = await runScan(deps, '1h');
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  it('every faulty symbol is reported with a specific, classified error; the others finish', () => {
    const byCode = Object.fromEntries(report.failures.map((f) => [f.symbol, f.code]));
    assert.deepEqual(byCode, EXPECTED_CODES);
    const kinds = Object.fromEntries(report.failures.map((f) => [f.symbol, f.kind]));
    assert.equal(kinds['SLOW/USDT'], 'transient');
    assert.equal(kinds['F500/USDT'], 'transient');
    assert.equal(kinds['NAN/USDT'], 'permanent');
    assert.equal(report.scanned, HEALTHY.length + 1, 'healthy symbols and the gappy one are scanned');
    assert.equal(report.failed, Object.keys(EXPECTED_CODES).length);
    assert.equal(report.gaps, 1);
    assert.equal(report.skipped, 0);
  });

  it('records exactly the signals an independent evaluation of the same candles gives, and notifies each admin chat once', async () => {
    const reference = await binanceAt(sim.url);
    const config = scanConfig(sim.url, symbols);
    const expected = await expectedSignals(reference, config, [...HEALTHY, GAPPY], '1h', SCAN_NOW);
    assert.ok(expected.length >= 3, `the fixture should signal on several symbols (got ${expected.length})`);
    assert.equal(report.signalled, expected.length);
    for (const signal of expected) {
      const row = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: signal.id } }))).Item;
      assert.ok(row, `signal ${signal.id} recorded`);
      assert.equal(row.side, signal.side);
      assert.equal(row.entry, signal.entry);
      assert.equal(row.stop, signal.stop);
      assert.equal(row.candleTime, Date.UTC(2026, 10, 20, 11));
      assert.equal(row.outbox, undefined, 'outbox cleared');
    }
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.deepEqual(
      sent.map((n) => n.id).sort(),
      expected.flatMap((s) => [`${s.id}#chat#111`, `${s.id}#chat#222`]).sort(),
    );
  });

  it('writes the heartbeat of the completed scan', async () => {
    const row = (await r.doc.send(new GetCommand({ TableName: r.tables.StateTable!, Key: { pk: 'scan#1h' } }))).Item;
    assert.equal(row?.scanned, report.scanned);
    assert.equal(row?.candleTime, Date.UTC(2026, 10, 20, 11));
  });

  it('a repeated invocation (new container) records nothing new and does not fetch markets again', async () => {
    const infoHits = sim.hits.exchangeInfo;
    const config = scanConfig(sim.url, symbols);
    const deps = runtimeFor(r, config).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(SCAN_NOW + 1000) });
    const again = await runScan(deps, '1h');
    assert.equal(again.signalled, 0);
    assert.equal(again.duplicates, report.signalled);
    assert.equal(sim.hits.exchangeInfo, infoHits, 'markets came from the DynamoDB cache');
    assert.deepEqual(await drainQueue(r.sqs, r.queues.NotifyQueue!), []);
  });

  it('stops starting symbols when the invocation runs out of time', async () => {
    const config = scanConfig(sim.url, HEALTHY);
    let left = 5_000;
    const deps = runtimeFor(r, config).deps({
      log: silentLog,
      // Each check costs 1 s of "invocation time": the budget allows a few symbols, then stops.
      remainingMs: () => (left -= 1000),
      clock: testClock(SCAN_NOW + 2000),
    });
    const partial = await runScan(deps, '1h');
    assert.ok(partial.skipped > 0 && partial.scanned > 0, JSON.stringify({ scanned: partial.scanned, skipped: partial.skipped }));
    assert.equal(partial.scanned + partial.skipped, HEALTHY.length);
  });

  it('an exchange that refuses connections fails its symbols (transient) without touching the others', async () => {
    const config = parseConfig({
      exchanges: [
        { id: 'binance', symbols: HEALTHY.slice(0, 2), timeframes: ['1h'], apiBase: sim.url, timeoutMs: 1000 },
        { id: 'bybit', symbols: ['BTC/USDT', 'ETH/USDT'], timeframes: ['1h'], apiBase: 'http://127.0.0.1:9', timeoutMs: 1000 },
      ],
      strategies: FAST_STRATEGIES,
      scan: { candles: 100, reserveMs: 1000 },
    });
    const deps = runtimeFor(r, config).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(SCAN_NOW + 3000) });
    const mixed = await runScan(deps, '1h');
    assert.equal(mixed.scanned, 2);
    assert.deepEqual(
      mixed.failures.map((f) => [f.exchange, f.symbol, f.code, f.kind]),
      [
        ['bybit', 'BTC/USDT', 'NETWORK', 'transient'],
        ['bybit', 'ETH/USDT', 'NETWORK', 'transient'],
      ],
    );
    const breaker = (await r.doc.send(new GetCommand({ TableName: r.tables.StateTable!, Key: { pk: 'breaker#bybit' } }))).Item;
    assert.equal(breaker?.failures, 1, 'the failed exchange scan counts towards its circuit breaker');
  });
});
