import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { candlesFromRows } from '../../lib/core/candle.js';
import { foldBounds, foldCandles, walkForwardSteps } from '../../lib/optimize/folds.js';
import type { Metrics, SetResult } from '../../lib/optimize/types.js';
import { walkForwardReport } from '../../lib/optimize/walk-forward.js';

describe('walk-forward folds', () => {
  it('cuts n candles into k + 1 consecutive folds of floor(f·n/(k+1))', () => {
    assert.deepEqual(foldBounds(10, 3), [
      { from: 0, to: 3 },
      { from: 3, to: 6 },
      { from: 6, to: 10 },
    ]);
    assert.deepEqual(foldBounds(5760, 5).map((b) => b.to - b.from), [1152, 1152, 1152, 1152, 1152]);
    assert.deepEqual(foldBounds(7, 1), [{ from: 0, to: 7 }]);
  });

  it('folds tile [0, n) in order, lengths differ by at most one (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 51 }), (n, folds) => {
        const b = foldBounds(n, folds);
        assert.equal(b.length, folds);
        assert.equal(b[0]!.from, 0);
        assert.equal(b.at(-1)!.to, n);
        for (let f = 1; f < folds; f++) assert.equal(b[f]!.from, b[f - 1]!.to);
        const lengths = b.map((x) => x.to - x.from);
        assert.ok(Math.max(...lengths) - Math.min(...lengths) <= 1);
      }),
    );
  });

  it('slices every column at the fold bounds', () => {
    const c = candlesFromRows(Array.from({ length: 10 }, (_, i) => [i * 60_000, 10 + i, 11 + i, 9 + i, 10.5 + i, i] as const));
    const parts = foldCandles(c, 3);
    assert.deepEqual(parts.map((p) => p.time.map((t) => t / 60_000)), [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]);
    assert.deepEqual(parts[1]!.close, [13.5, 14.5, 15.5]);
    assert.deepEqual(parts[2]!.volume, [6, 7, 8, 9]);
    assert.equal(foldCandles(c, 1)[0], c, 'one fold is the series itself');
  });

  it('rolls: step j is fold j − 1 in-sample, fold j out-of-sample', () => {
    assert.deepEqual(walkForwardSteps(3), [
      { step: 1, inSample: 0, outOfSample: 1 },
      { step: 2, inSample: 1, outOfSample: 2 },
      { step: 3, inSample: 2, outOfSample: 3 },
    ]);
  });
});

function metrics(netProfit: number, trades = 10): Metrics {
  return { trades, wins: 0, losses: 0, winRate: null, netProfit, grossProfit: 0, grossLoss: 0, profitFactor: null, maxDrawdown: 0, fees: 0, sharpe: null };
}

describe('walkForwardReport', () => {
  // 3 sets × 3 folds (k = 2), netProfit per fold
  const results: SetResult[] = [
    { index: 4, folds: [metrics(10), metrics(-5), metrics(1)] },
    { index: 7, folds: [metrics(3), metrics(8), metrics(-2)] },
    { index: 9, folds: [metrics(10), metrics(2), metrics(6)] },
  ];
  const report = walkForwardReport(2, results, (i) => ({ fast: i }), 'netProfit');

  it('chooses the in-sample best (ties: lowest index) and scores it out-of-sample with its rank', () => {
    const [s1, s2] = report.steps;
    assert.equal(s1!.chosen!.index, 4, 'tie 10 / 10 → lowest index');
    assert.deepEqual(s1!.chosen!.params, { fast: 4 });
    assert.equal(s1!.chosen!.inSampleScore, 10);
    assert.equal(s1!.chosen!.outOfSampleScore, -5);
    assert.equal(s1!.chosen!.outOfSampleRank, 3);
    assert.equal(s1!.bestOutOfSampleScore, 8);
    assert.equal(s2!.chosen!.index, 7);
    assert.equal(s2!.chosen!.inSampleScore, 8);
    assert.equal(s2!.chosen!.outOfSampleScore, -2);
    assert.equal(s2!.chosen!.outOfSampleRank, 3);
    assert.equal(s2!.bestOutOfSampleScore, 6);
    assert.deepEqual([s1!.inSampleFold, s1!.outOfSampleFold, s2!.inSampleFold, s2!.outOfSampleFold], [0, 1, 1, 2]);
  });

  it('totals the chosen sets: the in-sample / out-of-sample gap shows over-fitting', () => {
    assert.deepEqual(report.totals, {
      steps: 2,
      meanInSampleScore: 9,
      meanOutOfSampleScore: -3.5,
      inSampleNetProfit: 18,
      outOfSampleNetProfit: -7,
      outOfSampleTrades: 20,
    });
  });

  it('chooses nothing when no set has an in-sample score', () => {
    const none = walkForwardReport(1, [{ index: 0, folds: [metrics(0, 0), metrics(1)] }], () => ({}), 'profitFactor');
    assert.equal(none.steps[0]!.chosen, null);
    assert.equal(none.totals.steps, 0);
    assert.equal(none.totals.meanOutOfSampleScore, null);
  });
});
