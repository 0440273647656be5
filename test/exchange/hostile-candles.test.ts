/**
 * Hostile market data (issue 12, items 2 and 3): a forming candle from the future, prices the
 * store cannot hold (1e308, 1e-200). Through the real scan pipeline (real ccxt against the
 * Binance simulator, DynamoDB Local, the SQS emulator) and the monitor's candle fetch. The pure
 * boundary checks they rely on: candle-bounds.test.ts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { closedCandlesSince } from '../../lib/portfolio/market-candles.js';
import { silentLog } from '../../lib/ports/log.js';
import { runScan, type ScanReport } from '../../lib/scan/run-scan.js';
import { testClock } from '../support/clock.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim, type SimFault } from '../support/exchange-sim/binance-sim.js';
import { expectClassified } from '../support/exchange-sim/expect-error.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { expectedSignals, runtimeFor, SCAN_NOW, scanConfig } from '../support/scan-fixture.js';

const HOUR = 3_600_000;
const HEALTHY = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'BNB/USDT', 'XRP/USDT', 'ADA/USDT'];
const HOSTILE: Readonly<Record<string, SimFault>> = {
  'FUTURE/USDT': { kind: 'futureForming', aheadMs: 100 * HOUR, priceFactor: 1000 },
  'HUGE/USDT': { kind: 'extremePrice', price: '1e308', candle: 'lastClosed' },
  'HUGEF/USDT': { kind: 'extremePrice', price: '1e308', candle: 'forming' },
  'TINY/USDT': { kind: 'extremePrice', price: '1e-200', candle: 'lastClosed' },
  'TINYF/USDT': { kind: 'extremePrice', price: '1e-200', candle: 'forming' },
};
/** What each hostile symbol's failure message must name. */
const NAMED: Readonly<Record<string, RegExp>> = {
  'FUTURE/USDT': /opens in the future/,
  'HUGE/USDT': /1e\+308 is above the highest price accepted/,
  'HUGEF/USDT': /1e\+308 is above the highest price accepted/,
  'TINY/USDT': /1e-200 is below the lowest price accepted/,
  'TINYF/USDT': /1e-200 is below the lowest price accepted/,
};

describe('hostile market data through the scan (real ccxt → simulator, DynamoDB Local, SQS emulator)', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let report: ScanReport;
  const symbols = [...HEALTHY, ...Object.keys(HOSTILE)];

  before(async () => {
    r = await testResources('hostile-candles');
    sim = await startBinanceSim({ symbols, nowMs: SCAN_NOW, faults: HOSTILE });
    const deps = runtimeFor(r, scanConfig(sim.url, symbols)).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(SCAN_NOW) });
    report = await runScan(deps, '1h');
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  it('each hostile symbol fails as INVALID_CANDLE (permanent) naming the value; the healthy ones are scanned', () => {
    const failures = Object.fromEntries(report.failures.map((f) => [f.symbol, f]));
    assert.deepEqual(Object.keys(failures).sort(), Object.keys(HOSTILE).sort(), JSON.stringify(report.failures, null, 1));
    for (const [symbol, pattern] of Object.entries(NAMED)) {
      assert.equal(failures[symbol]!.code, 'INVALID_CANDLE', `${symbol}: ${failures[symbol]!.message}`);
      assert.equal(failures[symbol]!.kind, 'permanent');
      assert.match(failures[symbol]!.message, pattern);
    }
    assert.equal(report.scanned, HEALTHY.length);
  });

  it('records exactly the healthy symbols\' signals, at the real forming open, and nothing for the hostile ones', async () => {
    const reference = await binanceAt(sim.url);
    const expected = await expectedSignals(reference, scanConfig(sim.url, symbols), HEALTHY, '1h', SCAN_NOW);
    assert.equal(report.signalled, expected.length);
    for (const signal of expected) {
      const row = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: signal.id } }))).Item;
      assert.equal(row?.entry, signal.entry, signal.id);
    }
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    const hostile = sent.filter((n) => Object.keys(HOSTILE).some((s) => n.id.includes(`#${s}#`)));
    assert.deepEqual(hostile.map((n) => n.id), []);
  });

  it('last check before the store: a derived value it cannot hold (a target at 1e16 ATRs) is INVALID_CANDLE naming it, not an AWS error', async () => {
    // The config refuses such a parameter (at most 100 ATRs); bypass it to reach the scan's own check.
    const valid = scanConfig(sim.url, HEALTHY);
    const config = { ...valid, strategies: valid.strategies.map((s) => ({ ...s, params: { ...s.params, takeAtr: 1e16 } })) };
    const deps = runtimeFor(r, config).deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(SCAN_NOW + 1000) });
    const again = await runScan(deps, '1h');
    assert.ok(again.failures.length >= 1, 'some healthy symbol signals on this candle');
    for (const f of again.failures) {
      assert.equal(f.code, 'INVALID_CANDLE', f.message);
      assert.match(f.message, /gives a target .* is beyond the largest number the store holds/);
    }
    assert.equal(again.signalled, 0);
  });

  it('the monitor\'s candle fetch refuses the same data (one market fails, the others are served)', async () => {
    const adapter = await binanceAt(sim.url);
    await adapter.prepare(symbols);
    const since = SCAN_NOW - 10 * HOUR;
    const ok = await closedCandlesSince(adapter, 'BTC/USDT', '1h', since, SCAN_NOW);
    assert.equal(ok.forming?.[0], Date.UTC(2026, 10, 20, 12));
    for (const [symbol, pattern] of Object.entries(NAMED)) {
      const error = await expectClassified(closedCandlesSince(adapter, symbol, '1h', since, SCAN_NOW), { kind: 'permanent', code: 'INVALID_CANDLE' });
      assert.match(error.message, pattern);
    }
  });
});
