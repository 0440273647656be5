/**
 * A multi-timeframe strategy through the whole live scan (runScan: ccxt → exchange simulator,
 * DynamoDB Local, SQS emulator): the example 4h-filtered strategy
 * (test/fixtures/strategies/higher-trend.ts) scanned on 15m at 48 successive closes (12 h, 3 4h
 * closes) records exactly the signals the backtest path gives on those candles, with no symbol
 * failing, and its signal charts draw the 4h SMA the signal saw.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig, StrategyConfig } from '../../lib/config/schema.js';
import { candlesFromRows } from '../../lib/core/candle.js';
import { toSignal, type Signal } from '../../lib/core/signal.js';
import { lastClosedOpenTime } from '../../lib/core/timeframe.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import { silentLog } from '../../lib/ports/log.js';
import { runScan } from '../../lib/scan/run-scan.js';
import { testClock } from '../support/clock.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { drainQueue } from '../support/queue.js';
import { runtimeFor } from '../support/scan-fixture.js';
import higherTrend from '../fixtures/strategies/higher-trend.js';

const M15 = 15 * 60_000;
const START = Date.UTC(2026, 10, 21, 0, 0, 5);
const STEPS = 48;
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
const PARAMS = higherTrend.params.parse({ fast: 3, slow: 8, trend: 4, atr: 5 });

describe('higher-trend through the live scan end to end', () => {
  let r: TestResources;
  let sim: BinanceSim;
  let config: BotConfig;
  let signalled = 0;
  const failures: string[] = [];

  before(async () => {
    r = await testResources('higher-e2e');
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: START, history: 300, baseInterval: '15m' });
    const base = parseConfig({
      exchanges: [{ id: 'binance', symbols: SYMBOLS, timeframes: ['15m'], apiBase: sim.url, timeoutMs: 5000 }],
      strategies: [{ name: 'ema-cross' }],
      scan: { candles: 499, concurrency: 3, reserveMs: 1000 },
      telegram: { adminChatIds: [111] },
    });
    // The fixture strategy is not registered: the config entry as the config would parse it, and strategyOf to resolve it.
    const entry = { name: 'higher-trend', params: PARAMS, warmup: higherTrend.warmup(PARAMS) } as unknown as StrategyConfig;
    config = { ...base, strategies: [entry] };
    const runtime = runtimeFor(r, config);
    for (let k = 0; k < STEPS; k++) {
      const now = START + k * M15;
      sim.setNow(now);
      const deps = runtime.deps({ log: silentLog, remainingMs: () => 60_000, clock: testClock(now) });
      const report = await runScan({ ...deps, positions: undefined, strategyOf: () => higherTrend }, '15m');
      signalled += report.signalled;
      failures.push(...report.failures.map((f) => `${new Date(now).toISOString()} ${f.symbol} ${f.code}: ${f.message}`));
    }
  });
  after(async () => {
    await sim.close();
    r.close();
  });

  it('no symbol fails; the recorded signals are exactly the backtest signals on the scanned candles', async () => {
    assert.deepEqual(failures, []);
    const ex = await binanceAt(sim.url);
    await ex.prepare(SYMBOLS);
    const end = START + (STEPS - 1) * M15;
    const expected: Signal[] = [];
    for (const symbol of SYMBOLS) {
      const v = validateCandles(await ex.fetchCandles(symbol, '15m', 1000), '15m');
      if (!v.ok) throw v.error;
      const candles = candlesFromRows(splitClosed(v.rows, end, '15m').closed);
      for (const intent of higherTrend.evaluateAll(candles, PARAMS, undefined, { timeframe: '15m' })) {
        if (intent.candleTime < lastClosedOpenTime(START, '15m')) continue;
        expected.push(toSignal({ strategy: 'higher-trend', exchange: 'binance', symbol, timeframe: '15m' }, intent));
      }
    }
    assert.ok(expected.length >= 3, `signals in the window (${expected.length})`);
    assert.equal(signalled, expected.length);
    for (const s of expected) {
      const row = (await r.doc.send(new GetCommand({ TableName: r.tables.SignalsTable!, Key: { id: s.id } }))).Item;
      assert.ok(row, `${s.id} recorded`);
      assert.deepEqual([row.side, row.entry, row.stop, row.target], [s.side, s.entry, s.stop, s.target], s.id);
    }
  });

  it("each signal's chart draws the strategy's lines, the 4h SMA included, ending at the value the signal saw", async () => {
    const sent = await drainQueue(r.sqs, r.queues.NotifyQueue!);
    assert.equal(sent.length, signalled);
    for (const n of sent) {
      const chart = (n as { chart?: { lines: { name: string; values: (number | null)[] }[] } }).chart;
      assert.ok(chart, `${n.id}: a chart`);
      assert.deepEqual(chart.lines.map((l) => l.name), ['EMA 3', 'EMA 8', '4h SMA 4']);
      const sma = chart.lines[2]!.values.at(-1);
      assert.ok(typeof sma === 'number' && Number.isFinite(sma), `${n.id}: 4h SMA drawn at the signal candle`);
    }
  });
});
