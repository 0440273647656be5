/**
 * Done when (issue 16): the README tutorial's strategy — strategies/rsi-trend.ts, a user strategy
 * found by discovery, named in the config — gives the same signals and trades
 *   - in the backtester (runBacktest over evaluateAll / exitsAll),
 *   - in replay: the real candles through the live scan + monitor on the local stack (lib/replay,
 *     as test/scan/replay-parity.test.ts; its exit rule closes paper positions as in the backtest),
 *   - in a live scan through the exchange simulator (ccxt → simulator → the scan's evaluateSymbol)
 *     at every one of successive candle closes, against evaluateAll over the whole series,
 *   - in the optimiser evaluating the same parameters (lib/optimize, in this thread and on a
 *     worker started from the prebuilt bundle, which must carry the user strategy).
 * Parameters faster than the defaults so the 600-candle replay files trade often and exit on the
 * rule (the defaults give 3 trades there).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktest } from '../../lib/backtest/engine.js';
import { loadSeries } from '../../lib/backtest/load.js';
import { readOhlcvFiles } from '../../lib/backtest/ohlcv-files.js';
import { combineResults } from '../../lib/backtest/summary.js';
import { replayConfig, replayFiles, type ReplaySummary } from '../../lib/cli/replay.js';
import { monitorEnvSchema, parseEnv } from '../../lib/config/env.js';
import { parseConfig } from '../../lib/config/load.js';
import type { BotConfig, StrategyConfig } from '../../lib/config/schema.js';
import { candlesFromRows } from '../../lib/core/candle.js';
import type { Signal } from '../../lib/core/signal.js';
import { getStrategy } from '../../lib/core/strategies/index.js';
import type { SignalIntent } from '../../lib/core/strategies/types.js';
import { lastClosedOpenTime } from '../../lib/core/timeframe.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import { parseGrid } from '../../lib/optimize/grid.js';
import { optimize, type OptimizeInput } from '../../lib/optimize/run.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import { silentLog } from '../../lib/ports/log.js';
import { compareWithBacktest } from '../../lib/replay/parity.js';
import { createMonitorRuntime } from '../../lib/runtime/monitor.js';
import { evaluateSymbol } from '../../lib/scan/evaluate-symbol.js';
import rsiTrend from '../../strategies/rsi-trend.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { testResources, type TestResources } from '../support/local-aws.js';
import { backtestJson, FEE, FIXTURES, parityConfigInput, STAKE } from '../support/parity-fixture.js';
import { runtimeFor } from '../support/scan-fixture.js';

const NAME = 'rsi-trend';
const PARAMS = { rsi: 7, oversold: 35, overbought: 65, trend: 50 };

/** The parity config (limits that cannot bind, every scan sees every candle) naming rsi-trend with PARAMS. */
function userConfig(): BotConfig {
  return parseConfig({ ...parityConfigInput([NAME]), strategies: [{ name: NAME, params: PARAMS }] });
}

describe('the tutorial strategy rsi-trend (strategies/) is registered from discovery and configured by name', () => {
  it('the registry holds the file\'s strategy; the config parses its params with its schema', () => {
    assert.equal(getStrategy(NAME), rsiTrend);
    assert.equal(rsiTrend.origin, 'user');
    assert.deepEqual(userConfig().strategies[0]!.params, { ...rsiTrend.params.parse({}), ...PARAMS });
  });
});

describe('rsi-trend: replay (live scan + monitor on the local stack) = backtest = optimiser, trade for trade', () => {
  let r: TestResources;
  let config: BotConfig;
  let summary: ReplaySummary;
  before(async () => {
    r = await testResources('user-parity');
    const files = readOhlcvFiles(FIXTURES);
    config = replayConfig(userConfig(), files);
    const monitor = createMonitorRuntime(parseEnv(monitorEnvSchema, { ...r.env }), config, []);
    summary = await replayFiles(runtimeFor(r, config), files, silentLog, { monitor });
  });
  after(() => r.close());

  it('closed paper trades = backtest trades (times, prices, reasons incl. the exit rule); open at the end = the backtest\'s end trades', () => {
    assert.equal(summary.failed, 0, 'every close scanned without a failure');
    const paper = summary.trades!.strategies[NAME]!;
    const bt = backtestJson(FIXTURES, NAME, config);
    const parity = compareWithBacktest(paper, bt);
    const rule = bt.trades.filter((t) => t.exitReason === 'rule').length;
    console.log(`[user-parity] ${NAME}: backtest ${bt.trades.length} trades (${rule} by the exit rule); replay ${paper.trades.length} closed + ${paper.open.length} open; matched ${parity.matched} + ${parity.endOfData} end-of-data`);
    assert.ok(bt.trades.length >= 10, `${bt.trades.length} trades`);
    assert.ok(rule >= 5, `the exit rule closes trades (${rule})`);
    assert.deepEqual(parity.differences, [], parity.differences.slice(0, 20).join('\n'));
    assert.equal(parity.matched + parity.endOfData, bt.trades.length);
    // the monitor closed paper positions on the rule, with the strategy's reason, as the backtest did
    const paperRule = paper.trades.filter((t) => t.exitReason === 'rule');
    assert.equal(paperRule.length, rule);
    assert.ok(paperRule.every((t) => /^RSI (fell back below|rose back above) 50$/.test(String(t.exitNote))), JSON.stringify(paperRule[0]));
  });

  for (const workers of [0, 1]) {
    it(`the optimiser (${workers === 0 ? 'in this thread' : 'one worker from the prebuilt bundle'}) scores the same params exactly as the backtest`, async () => {
      const series = loadSeries(FIXTURES).map(({ symbol, timeframe, candles }) => ({ symbol, timeframe, candles }));
      const params = config.strategies[0]!.params as Record<string, unknown>;
      const { oversold, ...fixed } = params;
      const input: OptimizeInput = {
        strategy: NAME,
        series,
        grid: parseGrid('oversold=30:35:5'),
        fixed,
        objective: 'netProfit',
        top: 2,
        walkForward: null,
        stake: STAKE,
        feeRate: FEE,
        slippageBps: 0,
        trailAtr: null,
        maxBars: null,
        workers,
      };
      const run = await optimize(input);
      const mine = run.report.top!.find((s) => s.params['oversold'] === oversold);
      assert.ok(mine, JSON.stringify(run.report.top));
      const results = series.map((s) =>
        runBacktest({ symbol: s.symbol, timeframe: s.timeframe, candles: s.candles, strategy: rsiTrend, params: config.strategies[0]!.params, stake: STAKE, feeRate: FEE, slippageBps: 0 }),
      );
      const want = combineResults(results).summary;
      for (const key of ['trades', 'wins', 'losses', 'netProfit', 'grossProfit', 'grossLoss', 'profitFactor', 'maxDrawdown', 'fees'] as const) {
        assert.equal(mine.metrics[key], want[key], key);
      }
      assert.ok(want.trades >= 10);
    });
  }
});

describe('rsi-trend: a live scan through the exchange simulator at successive closes = evaluateAll on the same candles', () => {
  const H1 = 3_600_000;
  const START = Date.UTC(2026, 10, 20, 0, 0, 5);
  const STEPS = 96;
  const HISTORY = 200;
  const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'];
  const LIVE_PARAMS = rsiTrend.params.parse({ rsi: 3, oversold: 40, overbought: 60, trend: 20, atr: 5 });
  const ENTRY = { name: NAME, params: LIVE_PARAMS, warmup: rsiTrend.warmup(LIVE_PARAMS) } as unknown as StrategyConfig;
  let sim: BinanceSim;
  const live = new Map<string, (Signal | null)[]>();

  before(async () => {
    sim = await startBinanceSim({ symbols: SYMBOLS, nowMs: START, history: HISTORY });
    const adapters = new Map<string, ExchangePort>();
    for (const symbol of SYMBOLS) {
      const ex = await binanceAt(sim.url);
      await ex.prepare(SYMBOLS);
      adapters.set(symbol, ex);
      live.set(symbol, []);
    }
    for (let k = 0; k < STEPS; k++) {
      const now = START + k * H1;
      sim.setNow(now);
      await Promise.all(
        SYMBOLS.map(async (symbol) => {
          // the scan's own per-symbol evaluation, with the registry (no strategyOf: getStrategy finds rsi-trend)
          const ev = await evaluateSymbol({ exchange: adapters.get(symbol)!, symbol, timeframe: '1h', candles: 999, strategies: [ENTRY], now });
          assert.ok(ev.signals.length <= 1);
          live.get(symbol)!.push(ev.signals[0] ?? null);
        }),
      );
    }
  });
  after(async () => {
    await sim.close();
  });

  for (const symbol of SYMBOLS) {
    it(`${symbol}: on each of ${STEPS} closes the live signal (or none) is the backtest's on that candle`, async () => {
      const ex = await binanceAt(sim.url);
      await ex.prepare(SYMBOLS);
      const end = START + (STEPS - 1) * H1;
      sim.setNow(end);
      const v = validateCandles(await ex.fetchCandles(symbol, '1h', 1000), '1h');
      if (!v.ok) throw v.error;
      const { closed, forming } = splitClosed(v.rows, end, '1h');
      // the forming candle's open is the entry of a signal on the last closed candle, live and here
      const candles = candlesFromRows(forming ? [...closed, forming] : closed);
      const intents = rsiTrend.evaluateAll(candles, LIVE_PARAMS);
      const byTime = new Map<number, SignalIntent>(intents.map((s) => [candles.time[s.index]!, s]));
      let matched = 0;
      for (let k = 0; k < STEPS; k++) {
        const now = START + k * H1;
        const t = lastClosedOpenTime(now, '1h');
        const want = byTime.get(t) ?? null;
        const got = live.get(symbol)![k]!;
        if (want === null) {
          assert.equal(got, null, `${new Date(now).toISOString()}: live ${got?.side}, backtest none`);
          continue;
        }
        assert.ok(got !== null, `${new Date(now).toISOString()}: backtest ${want.side}, live none`);
        assert.deepEqual([got.side, got.entry, got.stop, got.target, got.candleTime, got.indicators], [want.side, want.entry, want.stop, want.target, t, want.indicators]);
        matched++;
      }
      assert.ok(matched >= 2, `${symbol}: ${matched} signals in the window`);
    });
  }
});
