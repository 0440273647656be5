/** Random search, the worker bundle, the scheduler and the progress bar: real workers on the real bundle, deterministic results. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorkerBundle, withWorkerBundle } from '../../lib/optimize/bundle.js';
import { parseGrid } from '../../lib/optimize/grid.js';
import { createScheduler } from '../../lib/optimize/pool.js';
import { drawsOf, randomSets, seededRandom } from '../../lib/optimize/random.js';
import { optimize, type OptimizeInput } from '../../lib/optimize/run.js';
import type { OptimizeSeries } from '../../lib/optimize/types.js';
import { barText, createProgressBar } from '../../lib/cli/progress-bar.js';
import { tempDir } from '../support/temp-dir.js';
import { loadCandles } from '../core/reference.js';

const series: OptimizeSeries[] = ['ETH', 'XLM'].map((p) => ({ symbol: `${p}/BTC`, timeframe: '5m', candles: loadCandles(`${p}_BTC-5m.json`) }));
// --grid axes override the kit's ranges (periods 1..1000) to keep the sets small and fast.
const RANGES = 'fast=3:30:1,slow=10:80:1,stopAtr=1:3:0.25';

function input(overrides: Partial<OptimizeInput> = {}): OptimizeInput {
  return {
    strategy: 'ema-cross',
    series,
    search: { mode: 'random', budget: 24, seed: 7 },
    grid: parseGrid(RANGES),
    fixed: { atr: 14, takeAtr: 3 },
    objective: 'sharpe',
    top: 24,
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

describe('random search', () => {
  it('same seed → the same sets and the same report, in this thread and on 2 workers; another seed → other sets', async () => {
    const [here, pooled, again, other] = await Promise.all([
      optimize(input()),
      optimize(input({ workers: 2 })),
      optimize(input({ workers: 1 })),
      optimize(input({ search: { mode: 'random', budget: 24, seed: 8 } })),
    ]);
    assert.deepEqual(pooled.report, here.report);
    assert.deepEqual(again.report, here.report);
    const r = here.report;
    assert.equal(r.search, 'random');
    assert.equal(r.sets.valid, 24);
    assert.equal(r.top!.length, 24);
    assert.deepEqual(r.keys, ['fast', 'slow', 'stopAtr']);
    const sets = r.top!.map((t) => JSON.stringify(t.params));
    assert.equal(new Set(sets).size, 24, 'distinct sets');
    for (const t of r.top!) {
      const p = t.params as { fast: number; slow: number; stopAtr: number; atr: number };
      assert.ok(p.fast < p.slow && p.fast >= 3 && p.slow <= 80, JSON.stringify(p));
      assert.equal((p.stopAtr * 4) % 1, 0, 'stopAtr on its --grid lattice');
      assert.equal(p.atr, 14, 'not drawn: default');
    }
    assert.equal(r.sets.total, r.sets.valid + r.sets.invalid + r.random!.duplicates);
    assert.ok(r.sets.invalid > 0, 'fast >= slow draws happen and are counted');
    assert.match(r.sets.invalidReasons[0]!.reason, /fast period must be smaller than slow period/);
    assert.notDeepEqual(other.report.top!.map((t) => t.params), r.top!.map((t) => t.params));
  });

  it('a space smaller than the budget: stops after a bounded number of draws with every distinct valid set', async () => {
    const { report } = await optimize(input({ grid: parseGrid('fast=5:7:1,slow=7:8:1'), fixed: { atr: 14, stopAtr: 1.5, takeAtr: 3 }, search: { mode: 'random', budget: 50, seed: 1 } }));
    // valid: (5,7) (5,8) (6,7) (6,8) (7,8); (7,7) invalid
    assert.equal(report.sets.valid, 5);
    assert.equal(report.sets.total, 50 * 20);
    assert.equal(report.sets.invalid + report.random!.duplicates, 995);
    assert.ok(report.sets.invalid > 0 && report.random!.duplicates > 0);
    assert.deepEqual(report.top!.map((t) => [t.params.fast, t.params.slow]).sort(), [[5, 7], [5, 8], [6, 7], [6, 8], [7, 8]]);
  });

  it('draws integers over min..max inclusive and numbers within range, deterministic by seed', () => {
    const draws = drawsOf({ a: { min: 1, max: 3, int: true }, b: { min: 0.5, max: 2, int: false } }, [], {});
    const anySchema = { safeParse: (x: unknown) => ({ success: true as const, data: x }) } as never;
    const one = randomSets(anySchema, draws, {}, 200, 3);
    const two = randomSets(anySchema, draws, {}, 200, 3);
    assert.deepEqual(one.valid, two.valid);
    const as = new Set(one.valid.map((v) => (v.params as { a: number }).a));
    assert.deepEqual([...as].sort(), [1, 2, 3]);
    for (const v of one.valid) {
      const b = (v.params as { b: number }).b;
      assert.ok(b >= 0.5 && b <= 2 && Number(b.toPrecision(6)) === b);
    }
    const u = seededRandom(42);
    const xs = Array.from({ length: 1000 }, u);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    assert.deepEqual(xs.slice(0, 3), Array.from({ length: 3 }, seededRandom(42)));
  });

  it('walk-forward works with random search: every step scores its best in-sample sets out-of-sample', async () => {
    const [here, pooled] = await Promise.all([optimize(input({ walkForward: 2, top: 3 })), optimize(input({ walkForward: 2, top: 3, workers: 2 }))]);
    assert.deepEqual(pooled.report, here.report);
    const wf = here.report.walkForward!;
    assert.equal(wf.steps.length, 2);
    for (const s of wf.steps) {
      assert.equal(s.ranked.length, 3);
      assert.equal(s.ranked[0]!.index, s.chosen!.index);
      assert.equal(s.ranked[0]!.outOfSampleScore, s.chosen!.outOfSampleScore);
      const scores = s.ranked.map((r) => r.inSampleScore!);
      assert.deepEqual(scores, [...scores].sort((a, b) => b - a));
    }
  });

  it('draws from the strategy\'s own ranges (the kit\'s paramRanges) where no --grid axis is given', async () => {
    const { report } = await optimize(input({ grid: parseGrid('fast=5:9:1'), fixed: { atr: 14, stopAtr: 1.5, takeAtr: 3 }, search: { mode: 'random', budget: 6, seed: 2 } }));
    assert.deepEqual(report.random!.draws, [
      { key: 'fast', from: 'grid', spec: '5:9:1', values: 5 },
      { key: 'slow', from: 'range', min: 1, max: 1000, int: true },
    ]);
    for (const t of report.top!) assert.ok(Number.isInteger(t.params.slow) && (t.params.slow as number) > (t.params.fast as number));
  });

  it('with walk-forward, draws whose warm-up exceeds the shortest fold are refused, counted and drawn again', async () => {
    const { report } = await optimize(input({ series: [series[0]!], grid: [], fixed: { stopAtr: 1.5, takeAtr: 3 }, walkForward: 5, top: 2, search: { mode: 'random', budget: 6, seed: 4 } }));
    // 5760 candles / 6 folds = 960; fast, slow, atr drawn from 1..1000
    assert.equal(report.sets.valid, 6);
    assert.ok(report.sets.invalidReasons.some((r) => r.reason === 'warm-up longer than the shortest walk-forward fold (960 candles)' && r.count > 0), JSON.stringify(report.sets.invalidReasons));
    for (const step of report.walkForward!.steps) for (const r of step.ranked) assert.ok(Math.max(r.params.slow as number, r.params.atr as number) + 1 <= 960);
  });

  it('refuses a strategy with nothing to draw, and a bad budget', async () => {
    await assert.rejects(optimize(input({ grid: [], fixed: { fast: 5, slow: 20, atr: 14, stopAtr: 1.5, takeAtr: 3 } })), { code: 'BAD_ARGS', message: /random search: no parameter to draw/ });
    await assert.rejects(optimize(input({ search: { mode: 'random', budget: 0 } })), { code: 'BAD_ARGS', message: /--budget must be an integer in 1\.\.100000, got 0/ });
  });
});

describe('worker bundle', () => {
  it('is built into a fresh temp folder and removed afterwards (also when the run fails)', async () => {
    const root = tempDir('bundle-');
    const bundle = await buildWorkerBundle({ tempRoot: root });
    assert.ok(existsSync(fileURLToPath(bundle.module)));
    assert.match(fileURLToPath(bundle.module), /candlebot-optimize-[^/]+\/worker\.mjs$/);
    await bundle.dispose();
    assert.deepEqual(readdirSync(root), []);
    await assert.rejects(
      withWorkerBundle(async () => {
        assert.equal(readdirSync(root).length, 1);
        throw new Error('run failed');
      }, { tempRoot: root }),
      /run failed/,
    );
    assert.deepEqual(readdirSync(root), []);
  });

  it('a build failure is a clear error naming the file and line; nothing is left behind', async () => {
    const root = tempDir('bundle-');
    const src = tempDir('broken-');
    const entry = join(src, 'broken.ts');
    writeFileSync(entry, "import { z } from 'zod';\nexport const x = z.number(;\n");
    await assert.rejects(buildWorkerBundle({ entry, tempRoot: root }), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'WORKER_BUNDLE');
      assert.match(e.message, /^could not build the optimiser's worker bundle from .*broken\.ts: .*broken\.ts:2:\d+: /);
      return true;
    });
    assert.deepEqual(readdirSync(root), []);
  });

  it('a set that throws on a bundled worker is named with its params and classification', async () => {
    const close = [...series[0]!.candles.close];
    close[100] = Number.NaN;
    const broken = [{ ...series[0]!, candles: { ...series[0]!.candles, close } }];
    await assert.rejects(optimize(input({ series: broken, workers: 2 })), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'INDICATOR_INPUT');
      assert.match(e.message, /^parameter set #\d+ \{"fast":\d+,"slow":\d+,"atr":14,"stopAtr":[\d.]+,"takeAtr":3\} failed: EMA: values\[100\] is NaN/);
      return true;
    });
  });
});

describe('scheduler', () => {
  it('gives every job exactly once: contiguous batches from each worker\'s own range, then stolen from the back', () => {
    for (const [jobs, workers] of [[153, 2], [7, 3], [1, 1], [100, 4]] as const) {
      const next = createScheduler(jobs, workers);
      const seen: number[] = [];
      const first: { from: number; to: number }[] = [];
      for (let w = 0; w < workers; w++) first.push(next(w)!);
      for (let w = 1; w < workers; w++) assert.ok(first[w]!.from > first[w - 1]!.from, 'each worker starts in its own range');
      for (const b of first) for (let i = b.from; i < b.to; i++) seen.push(i);
      // worker 0 alone drains everything left (its own range, then stealing)
      for (let b = next(0); b !== null; b = next(0)) {
        assert.ok(b.to > b.from);
        for (let i = b.from; i < b.to; i++) seen.push(i);
      }
      assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: jobs }, (_, i) => i), `${jobs} jobs on ${workers}`);
    }
  });
});

describe('progress bar', () => {
  it('on a pipe: at most one plain line per 10 %, with rate and ETA', () => {
    const lines: string[] = [];
    let t = 0;
    const bar = createProgressBar({ write: (s: string) => lines.push(s) }, { label: 'optimize', unit: 'sets', now: () => t });
    for (let done = 1; done <= 153; done++) {
      t += 100;
      bar.update(done, 153);
    }
    bar.end();
    assert.equal(lines.length, 10);
    assert.ok(lines.every((l) => l.endsWith('\n') && !l.includes('\r')));
    assert.match(lines.at(-1)!, /^optimize \[#{20}\] 100% 153\/153 sets, 10\.0 sets\/s, ETA 0:00\n$/);
    assert.match(lines[0]!, /^optimize \[##\.{18}\] 10% 16\/153 sets, 10\.0 sets\/s, ETA 0:14\n$/);
  });

  it('on a terminal: one line rewritten in place (throttled), erased at the end', () => {
    const out: string[] = [];
    let t = 0;
    const bar = createProgressBar({ write: (s: string) => out.push(s), isTTY: true }, { label: 'optimize', unit: 'sets', now: () => t, minIntervalMs: 100 });
    for (let done = 1; done <= 50; done++) {
      t += 30;
      bar.update(done, 50);
    }
    bar.end();
    assert.ok(out.length < 25, `throttled: ${out.length} writes`);
    assert.ok(out.every((s) => s.startsWith('\r') && !s.includes('\n')));
    assert.match(out.at(-2)!, /^\roptimize \[#{20}\] 100% 50\/50 sets/);
    assert.match(out.at(-1)!, /^\r +\r$/);
    assert.equal(barText('x', 'sets', 0, 10, 0), 'x [....................] 0% 0/10 sets, – sets/s, ETA –');
    assert.match(barText('x', 'sets', 1, 7201, 1000), /ETA 2:00:00$/);
  });
});
