/** optimize(): deterministic ranking on worker threads, against the engine run directly; walk-forward; failures. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktest } from '../../lib/backtest/engine.js';
import { combineResults } from '../../lib/backtest/summary.js';
import type { Candles } from '../../lib/core/candle.js';
import { emaCross } from '../../lib/core/strategies/ema-cross.js';
import { foldBounds, sliceCandles } from '../../lib/optimize/folds.js';
import { expandGrid, parseGrid, validateSets } from '../../lib/optimize/grid.js';
import { compareScored, tradeSharpe } from '../../lib/optimize/objective.js';
import { withWorkerBundle } from '../../lib/optimize/bundle.js';
import { runOnWorkers } from '../../lib/optimize/pool.js';
import { optimize, type OptimizeInput } from '../../lib/optimize/run.js';
import type { EvaluatorInit, Objective, OptimizeSeries } from '../../lib/optimize/types.js';
import { loadCandles } from '../core/reference.js';

const series: OptimizeSeries[] = ['ETH', 'LTC', 'XLM'].map((p) => ({ symbol: `${p}/BTC`, timeframe: '5m', candles: loadCandles(`${p}_BTC-5m.json`) }));
const GRID = 'fast=5:12:1,slow=15:40:5';

function input(overrides: Partial<OptimizeInput> = {}): OptimizeInput {
  return {
    strategy: 'ema-cross',
    series,
    grid: parseGrid(GRID),
    fixed: {},
    objective: 'profitFactor',
    top: 10,
    walkForward: null,
    stake: 100,
    feeRate: 0.001,
    slippageBps: 0,
    trailAtr: null,
    maxBars: null,
    workers: 0,
    ...overrides,
  };
}

/** The engine run directly (no cache, no workers) on every valid set, scored like the optimizer. */
function reference(objective: Objective, cut: (c: Candles) => Candles = (c) => c) {
  const valid = validateSets(emaCross.params, expandGrid(parseGrid(GRID))).valid;
  return valid.map(({ index, params }) => {
    const combined = combineResults(series.map((s) => runBacktest({ symbol: s.symbol, timeframe: s.timeframe, candles: cut(s.candles), strategy: emaCross, params, stake: 100, feeRate: 0.001 })));
    const sm = combined.summary;
    const score = objective === 'sharpe' ? tradeSharpe(combined.trades, 100) : objective === 'returnDd' ? (sm.trades === 0 ? null : sm.netProfit - 0.5 * sm.maxDrawdown) : sm[objective];
    return { index, params, score, summary: combined.summary };
  });
}

describe('optimize', () => {
  it('ranks every valid set exactly as the engine run directly (each objective)', async () => {
    for (const objective of ['profitFactor', 'netProfit', 'sharpe', 'returnDd'] as const) {
      const { report } = await optimize(input({ objective, top: 1000, ...(objective === 'returnDd' ? { ddPenalty: 0.5 } : {}) }));
      const ref = reference(objective).sort(compareScored);
      assert.equal(report.sets.total, 48);
      assert.equal(report.sets.valid, 48);
      assert.deepEqual(report.top!.map((r) => r.index), ref.map((r) => r.index), objective);
      for (const [i, r] of report.top!.entries()) {
        assert.equal(r.rank, i + 1);
        assert.equal(r.score, ref[i]!.score);
        assert.equal(r.metrics.trades, ref[i]!.summary.trades);
        assert.equal(r.metrics.maxDrawdown, ref[i]!.summary.maxDrawdown);
      }
    }
  });

  it('skips and reports invalid sets, and refuses a grid with no valid set', async () => {
    const { report } = await optimize(input({ grid: parseGrid('fast=10:20:5,slow=15:20:5'), top: 3 }));
    assert.deepEqual([report.sets.total, report.sets.valid, report.sets.invalid], [6, 3, 3]);
    assert.equal(report.sets.invalidReasons[0]!.count, 3);
    assert.equal(report.top!.length, 3);
    await assert.rejects(optimize(input({ grid: parseGrid('fast=30:40:5,slow=20') })), { code: 'NO_VALID_SET', message: /none of the 3 parameter sets is valid for ema-cross: fast: fast period must be smaller/ });
  });

  it('gives the same report in this thread, on 1 worker and on 2 workers', async () => {
    const runs = await Promise.all([0, 1, 2].map((workers) => optimize(input({ workers, objective: 'sharpe', top: 25 }))));
    assert.deepEqual(runs[1]!.report, runs[0]!.report);
    assert.deepEqual(runs[2]!.report, runs[0]!.report);
    assert.deepEqual(runs.map((r) => r.timing.workers), [0, 1, 2]);
    assert.equal(runs[0]!.timing.candleEvaluations, 48 * series.reduce((n, s) => n + s.candles.close.length, 0));
  });

  it('walk-forward: rolling folds, the in-sample best scored out-of-sample, equal on workers', async () => {
    const k = 3;
    const [here, pooled] = await Promise.all([optimize(input({ walkForward: k, objective: 'netProfit' })), optimize(input({ walkForward: k, objective: 'netProfit', workers: 2 }))]);
    assert.deepEqual(pooled.report, here.report);
    const wf = here.report.walkForward!;
    assert.equal(here.report.top, undefined);
    assert.deepEqual([wf.k, wf.folds, wf.scheme, wf.steps.length], [3, 4, 'rolling', 3]);
    for (const [i, s] of here.report.series.entries()) {
      const n = series[i]!.candles.close.length;
      assert.deepEqual(s.folds!.map((f) => [f.from, f.to]), foldBounds(n, 4).map((b) => [b.from, b.to]));
      assert.equal(s.folds![1]!.firstTime, series[i]!.candles.time[Math.floor(n / 4)]);
    }
    const foldRef = (f: number) => reference('netProfit', (c) => sliceCandles(c, foldBounds(c.close.length, 4)[f]!.from, foldBounds(c.close.length, 4)[f]!.to));
    for (const step of wf.steps) {
      const ins = foldRef(step.inSampleFold).sort(compareScored);
      const outs = foldRef(step.outOfSampleFold);
      const chosen = step.chosen!;
      assert.equal(chosen.index, ins[0]!.index, `step ${step.step}: the in-sample best`);
      assert.equal(chosen.inSampleScore, ins[0]!.score);
      assert.equal(chosen.outOfSampleScore, outs.find((r) => r.index === chosen.index)!.score);
      assert.equal(chosen.outOfSample.trades, outs.find((r) => r.index === chosen.index)!.summary.trades);
      assert.equal(step.bestOutOfSampleScore, Math.max(...outs.map((r) => r.score!)));
    }
  });

  it('refuses walk-forward folds shorter than the largest warm-up', async () => {
    await assert.rejects(optimize(input({ walkForward: 50, grid: parseGrid('fast=5,slow=200') })), {
      code: 'BAD_ARGS',
      message: /--walk-forward 50: ETH\/BTC 5m has 5760 candles, folds of 112; the grid's largest warm-up is 201/,
    });
  });

  it('a set that throws is reported with the set and its classification (here and on a worker)', async () => {
    const close = [...series[0]!.candles.close];
    close[100] = Number.NaN;
    const broken = [{ ...series[0]!, candles: { ...series[0]!.candles, close } }];
    for (const workers of [0, 1]) {
      await assert.rejects(optimize(input({ series: broken, workers })), (e: Error & { code?: string; kind?: string }) => {
        assert.equal(e.kind, 'permanent');
        assert.equal(e.code, 'INDICATOR_INPUT');
        assert.match(e.message, /^parameter set #0 \{"fast":5,"slow":15,"atr":14,"stopAtr":1.5,"takeAtr":3\} failed: EMA: values\[100\] is NaN/);
        return true;
      });
    }
  });
});

describe('worker pool failures', () => {
  const init: EvaluatorInit = { strategy: 'ema-cross', series: [], folds: 1, stake: 100, feeRate: 0.001, slippageBps: 0, trailAtr: null, maxBars: null };
  const jobs = Array.from({ length: 6 }, (_, i) => ({ index: i * 10, params: { fast: i + 1 } }));
  /** A fake worker speaking the pool's protocol (batches of sets); `onJob` runs before each set's result. */
  const worker = (onJob: string): URL =>
    new URL(
      `data:text/javascript,${encodeURIComponent(
        `import { parentPort, workerData } from 'node:worker_threads';
         parentPort.on('message', ({ jobs }) => {
           const results = [];
           for (const job of jobs) {
             Atomics.store(workerData.running, 0, job.index);
             ${onJob};
             results.push({ index: job.index, folds: [] });
           }
           Atomics.store(workerData.running, 0, -1);
           parentPort.postMessage({ type: 'results', results });
         });
         Atomics.store(workerData.running, 0, -1);
         parentPort.postMessage({ type: 'ready' });`,
      )}`,
    );

  it('answers in job order', async () => {
    const results = await runOnWorkers(init, jobs, { workers: 2, workerModule: worker('') });
    assert.deepEqual(results.map((r) => r.index), [0, 10, 20, 30, 40, 50]);
  });

  it('a worker that exits mid-set is reported with that set', async () => {
    await assert.rejects(runOnWorkers(init, jobs, { workers: 1, workerModule: worker('if (job.index === 20) process.exit(7)') }), {
      message: /optimize worker 1 exited with code 7 while evaluating parameter set #20 \{"fast":3\}/,
    });
  });

  it('an uncaught exception in a worker is reported with the set it was running', async () => {
    await assert.rejects(runOnWorkers(init, jobs, { workers: 1, workerModule: worker("if (job.index === 30) throw new Error('boom')") }), {
      message: /optimize worker 1 crashed \(boom\) while evaluating parameter set #30 \{"fast":4\}/,
    });
  });

  it('a worker answering for other sets is an error, not a wrong report', async () => {
    await assert.rejects(runOnWorkers(init, jobs, { workers: 1, workerModule: worker('job.index += 1') }), {
      message: /optimize worker 1 answered for sets \[1\], expected \[0\]/,
    });
  });

  it('a worker failing at start-up (unknown strategy) is reported, not hung on — on the real bundle', async () => {
    await withWorkerBundle(async (bundle) => {
      await assert.rejects(runOnWorkers({ ...init, strategy: 'nope' }, jobs, { workers: 2, workerModule: bundle.module }), {
        message: /optimize worker \d crashed \(Unknown strategy "nope".*\) while starting, before evaluating any parameter set/,
      });
    });
  });
});
