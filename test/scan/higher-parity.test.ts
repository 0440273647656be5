/**
 * Multi-timeframe live = backtest (issue 16): the example 4h-filtered strategy
 * (test/fixtures/strategies/higher-trend.ts) scanned live through the exchange simulator — whose
 * 4h candles are the aggregate of its 15m ones, as a real exchange's — at every 15m close over
 * 32 hours (8 4h closes), gives on each close exactly the signal the backtest path (evaluateAll over
 * the whole 15m series, the 4h resampled from it) gives on that candle. The live scan fetches the
 * 4h candles (one request, `trend` + 1 rows) and passes them to the strategy; the backtest never
 * sees them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { candlesFromRows } from '../../lib/core/candle.js';
import type { Signal } from '../../lib/core/signal.js';
import type { SignalIntent } from '../../lib/core/strategies/types.js';
import { lastClosedOpenTime } from '../../lib/core/timeframe.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import type { StrategyConfig } from '../../lib/config/schema.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import { evaluateSymbol } from '../../lib/scan/evaluate-symbol.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import higherTrend from '../fixtures/strategies/higher-trend.js';

const M15 = 15 * 60_000;
/** 5 s after the 00:00 close (a 4h boundary). */
const START = Date.UTC(2026, 10, 20, 0, 0, 5);
const STEPS = 128;
const HISTORY = 300;
const SYMBOLS = ['BTC/USDT', 'ETH/USDT'];
const PARAMS = higherTrend.params.parse({ fast: 3, slow: 8, trend: 4, atr: 5 });
const ENTRY = { name: 'higher-trend', params: PARAMS, warmup: higherTrend.warmup(PARAMS) } as unknown as StrategyConfig;
const strategyOf = (name: string) => {
  assert.equal(name, 'higher-trend');
  return higherTrend;
};

describe('higher-trend: a live scan through the simulator at successive closes = the backtest on the same candles', () => {
  let sim: BinanceSim;
  const live = new Map<string, (Signal | null)[]>();
  const closedCounts = new Map<string, number[]>();
  let klinesPerStep = 0;

  before(async () => {
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: START, history: HISTORY, baseInterval: '15m' });
    // One adapter per symbol (its own rate limiter): the symbols run side by side on a clock the test moves.
    const adapters = new Map<string, ExchangePort>();
    for (const symbol of SYMBOLS) {
      const ex = await binanceAt(sim.url);
      await ex.prepare(SYMBOLS);
      adapters.set(symbol, ex);
      live.set(symbol, []);
      closedCounts.set(symbol, []);
    }
    for (let k = 0; k < STEPS; k++) {
      const now = START + k * M15;
      sim.setNow(now);
      const before = sim.hits.klines;
      await Promise.all(
        SYMBOLS.map(async (symbol) => {
          const ev = await evaluateSymbol({ exchange: adapters.get(symbol)!, symbol, timeframe: '15m', candles: 499, strategies: [ENTRY], now, strategyOf });
          assert.ok(ev.signals.length <= 1);
          live.get(symbol)!.push(ev.signals[0] ?? null);
          closedCounts.get(symbol)!.push(ev.closedCandles);
        }),
      );
      if (k === 0) klinesPerStep = sim.hits.klines - before;
    }
  });
  after(async () => {
    await sim.close();
  });

  it('each scan makes 2 candle requests per symbol (15m, and 4h once for the strategy)', () => {
    assert.equal(klinesPerStep, 2 * SYMBOLS.length);
  });

  for (const symbol of SYMBOLS) {
    it(`${symbol}: on every one of ${STEPS} closes, the live signal (or none) is the backtest's on that candle`, async () => {
      const ex = await binanceAt(sim.url);
      await ex.prepare(SYMBOLS);
      const end = START + (STEPS - 1) * M15;
      sim.setNow(end);
      const v = validateCandles(await ex.fetchCandles(symbol, '15m', 1000), '15m');
      if (!v.ok) throw v.error;
      const candles = candlesFromRows(splitClosed(v.rows, end, '15m').closed);
      const intents = higherTrend.evaluateAll(candles, PARAMS, undefined, { timeframe: '15m' });
      const byTime = new Map<number, SignalIntent>(intents.map((s) => [candles.time[s.index]!, s]));
      const signals = live.get(symbol)!;
      let matched = 0;
      for (let k = 0; k < STEPS; k++) {
        const now = START + k * M15;
        const t = lastClosedOpenTime(now, '15m');
        // the live scan saw the whole series so far (its EMAs start where the backtest's do)
        assert.equal(closedCounts.get(symbol)![k], candles.time.indexOf(t) + 1, `step ${k}: history`);
        const want = byTime.get(t) ?? null;
        const got = signals[k]!;
        if (want === null) {
          assert.equal(got, null, `${new Date(now).toISOString()}: live signal ${got?.side} the backtest does not give`);
          continue;
        }
        assert.ok(got !== null, `${new Date(now).toISOString()}: backtest ${want.side}, live none`);
        assert.deepEqual([got.side, got.entry, got.stop, got.target, got.candleTime], [want.side, want.entry, want.stop, want.target, t]);
        const gi = got.indicators as Record<string, number>;
        for (const [name, value] of Object.entries(want.indicators)) {
          // the 4h SMA is summed over a different window start live (trend candles) than in the backtest: equal to rounding
          if (name === 'sma4h') assert.ok(Math.abs(gi[name]! - value) <= 1e-12 * Math.abs(value), `${name} ${gi[name]} vs ${value}`);
          else assert.equal(gi[name], value, name);
        }
        matched++;
      }
      const inWindow = intents.filter((s) => candles.time[s.index]! >= lastClosedOpenTime(START, '15m')).length;
      assert.equal(matched, inWindow);
      assert.ok(matched >= 3, `${symbol}: signals in the window (${matched})`);
    });
  }
});
