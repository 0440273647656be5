/** A user strategy (strategies/rsi-trend.ts, the README tutorial's) in the optimiser: found in the bundle's registry, drawn from its own ranges, same numbers as the engine. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktest } from '../../lib/backtest/engine.js';
import { getStrategy } from '../../lib/core/strategies/index.js';
import { paramRanges } from '../../lib/core/strategies/kit.js';
import { metricsOf } from '../../lib/optimize/objective.js';
import { optimize, type OptimizeInput } from '../../lib/optimize/run.js';
import type { OptimizeSeries } from '../../lib/optimize/types.js';
import { loadCandles } from '../core/reference.js';

const series: OptimizeSeries[] = ['ETH', 'LTC'].map((p) => ({ symbol: `${p}/BTC`, timeframe: '5m', candles: loadCandles(`${p}_BTC-5m.json`) }));

const input = (overrides: Partial<OptimizeInput> = {}): OptimizeInput => ({
  strategy: 'rsi-trend',
  series,
  search: { mode: 'random', budget: 8, seed: 5 },
  grid: [],
  fixed: {},
  objective: 'returnDd',
  top: 8,
  walkForward: null,
  stake: 0.001,
  feeRate: 0.001,
  slippageBps: 0,
  trailAtr: null,
  maxBars: null,
  workers: 0,
  ...overrides,
});

describe('a user strategy in the optimiser', () => {
  it('rsi-trend: random search over its own param ranges, identical on 2 bundled workers, each set = the engine run directly', async () => {
    const strategy = getStrategy('rsi-trend');
    assert.equal(strategy.origin, 'user');
    const [here, pooled] = await Promise.all([optimize(input()), optimize(input({ workers: 2 }))]);
    assert.deepEqual(pooled.report, here.report);
    const r = here.report;
    const ranges = paramRanges(strategy);
    assert.deepEqual(
      r.random!.draws.map((d) => d.key),
      Object.keys(ranges).sort(),
    );
    for (const d of r.random!.draws) assert.deepEqual(d, { key: d.key, from: 'range', ...ranges[d.key]! });
    assert.equal(r.top!.length, 8);
    for (const t of r.top!) {
      const results = series.map((s) => runBacktest({ symbol: s.symbol, timeframe: s.timeframe, candles: s.candles, strategy, params: t.params, stake: 0.001, feeRate: 0.001 }));
      assert.deepEqual(t.metrics, metricsOf(results, 0.001), JSON.stringify(t.params));
    }
    assert.ok(r.top!.some((t) => t.metrics.trades > 0));
  });

  it('rsi-trend on a grid with walk-forward, in this thread and on workers', async () => {
    const grid = { search: { mode: 'grid' as const }, grid: [{ key: 'rsi', spec: '10:14:2', values: [10, 12, 14] }], walkForward: 1, top: 3 };
    const [here, pooled] = await Promise.all([optimize(input(grid)), optimize(input({ ...grid, workers: 2 }))]);
    assert.deepEqual(pooled.report, here.report);
    assert.equal(here.report.walkForward!.steps[0]!.ranked.length, 3);
  });
});
