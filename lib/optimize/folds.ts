/**
 * Walk-forward folds. `--walk-forward k` cuts EACH series into k + 1 consecutive folds of
 * (nearly) equal length: fold f = candles [⌊f·n/(k+1)⌋, ⌊(f+1)·n/(k+1)⌋). Scheme: ROLLING, one
 * fold in, the next fold out: step j (1..k) optimises on fold j − 1 (in-sample) and scores the
 * chosen set on fold j (out-of-sample). In- and out-of-sample windows have the same length, so
 * their net profit and √N-scaled Sharpe are directly comparable; every candle after the first
 * fold is scored out-of-sample exactly once.
 *
 * Each fold is backtested on its own, like a fresh deployment: indicators warm up inside the
 * fold, no position crosses a fold boundary (one still open exits at the fold's last close).
 */
import { sliceCandles, type Candles } from '../core/candle.js';

/** Bound on k. */
export const MAX_WALK_FORWARD = 50;

export interface FoldBounds {
  /** First candle index (inclusive). */
  readonly from: number;
  /** End candle index (exclusive). */
  readonly to: number;
}

export interface WalkForwardStep {
  readonly step: number;
  readonly inSample: number;
  readonly outOfSample: number;
}

/** Bounds of `folds` consecutive folds over `n` candles (they tile [0, n) in order). */
export function foldBounds(n: number, folds: number): FoldBounds[] {
  return Array.from({ length: folds }, (_, f) => ({ from: Math.floor((f * n) / folds), to: Math.floor(((f + 1) * n) / folds) }));
}

/** The k steps of a rolling walk-forward over k + 1 folds: fold j − 1 in-sample, fold j out. */
export function walkForwardSteps(k: number): WalkForwardStep[] {
  return Array.from({ length: k }, (_, i) => ({ step: i + 1, inSample: i, outOfSample: i + 1 }));
}

export { sliceCandles };

/** `candles` cut into `folds` parts (the same object when folds = 1). */
export function foldCandles(c: Candles, folds: number): Candles[] {
  if (folds === 1) return [c];
  return foldBounds(c.close.length, folds).map((b) => sliceCandles(c, b.from, b.to));
}
