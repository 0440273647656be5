/**
 * The walk-forward report from per-fold results (scheme: folds.ts). For each step: the set
 * with the best in-sample score (ties: lowest grid index), its in-sample and out-of-sample
 * metrics, where it ranks out-of-sample among all valid sets, and the best out-of-sample score
 * any set reached (hindsight) — a large in-sample / out-of-sample gap is over-fitting.
 */
import { compareScored, rankOf, scoreOf, type Scored } from './objective.js';
import { walkForwardSteps } from './folds.js';
import type { Metrics, Objective, SetResult } from './types.js';

export interface WalkForwardChoice {
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inSampleScore: number | null;
  readonly outOfSampleScore: number | null;
  /** 1-based rank of the chosen set out-of-sample among all valid sets. */
  readonly outOfSampleRank: number;
  readonly inSample: Metrics;
  readonly outOfSample: Metrics;
}

/** One of a step's best in-sample sets, with its out-of-sample score. */
export interface WalkForwardRanked {
  readonly inSampleRank: number;
  readonly index: number;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inSampleScore: number | null;
  readonly outOfSampleScore: number | null;
  readonly outOfSampleRank: number;
}

export interface WalkForwardStepReport {
  readonly step: number;
  /** Fold numbers (0-based) of the in-sample and out-of-sample windows. */
  readonly inSampleFold: number;
  readonly outOfSampleFold: number;
  /** null when no set has an in-sample score (e.g. no trades at all). */
  readonly chosen: WalkForwardChoice | null;
  /** The best out-of-sample score of any set (hindsight); null when none has one. */
  readonly bestOutOfSampleScore: number | null;
  /** The `top` best sets in-sample (the first is `chosen` when it has a score), each scored out-of-sample. */
  readonly ranked: readonly WalkForwardRanked[];
}

export interface WalkForwardTotals {
  /** Steps with a chosen set. */
  readonly steps: number;
  /** Mean in-sample / out-of-sample score of the chosen sets over steps where both are numbers. */
  readonly meanInSampleScore: number | null;
  readonly meanOutOfSampleScore: number | null;
  /** Sums over the chosen sets: what trading the walk-forward choice would have made. */
  readonly inSampleNetProfit: number;
  readonly outOfSampleNetProfit: number;
  readonly outOfSampleTrades: number;
}

export function walkForwardReport(
  k: number,
  results: readonly SetResult[],
  paramsOf: (index: number) => Readonly<Record<string, unknown>>,
  objective: Objective,
  ddPenalty?: number,
  top = 1,
): { steps: WalkForwardStepReport[]; totals: WalkForwardTotals } {
  const foldScores = (fold: number): Scored[] =>
    results.map((r) => ({ index: r.index, score: scoreOf(r.folds[fold]!, objective, ddPenalty) })).sort(compareScored);
  const byIndex = new Map(results.map((r) => [r.index, r]));

  const steps = walkForwardSteps(k).map((s): WalkForwardStepReport => {
    const ins = foldScores(s.inSample);
    const outs = foldScores(s.outOfSample);
    const best = ins[0];
    const bestOutOfSampleScore = outs[0]?.score ?? null;
    const outScore = new Map(outs.map((o) => [o.index, o.score]));
    const ranked = ins.slice(0, top).map((r, i) => ({
      inSampleRank: i + 1,
      index: r.index,
      params: paramsOf(r.index),
      inSampleScore: r.score,
      outOfSampleScore: outScore.get(r.index) ?? null,
      outOfSampleRank: rankOf(outs, r.index),
    }));
    const base = { step: s.step, inSampleFold: s.inSample, outOfSampleFold: s.outOfSample, bestOutOfSampleScore, ranked };
    if (best === undefined || best.score === null) return { ...base, chosen: null };
    const r = byIndex.get(best.index)!;
    const outOfSample = r.folds[s.outOfSample]!;
    return {
      ...base,
      chosen: {
        index: best.index,
        params: paramsOf(best.index),
        inSampleScore: best.score,
        outOfSampleScore: scoreOf(outOfSample, objective, ddPenalty),
        outOfSampleRank: rankOf(outs, best.index),
        inSample: r.folds[s.inSample]!,
        outOfSample,
      },
    };
  });

  const chosen = steps.flatMap((s) => (s.chosen === null ? [] : [s.chosen]));
  const paired = chosen.filter((c) => c.inSampleScore !== null && c.outOfSampleScore !== null);
  const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    steps,
    totals: {
      steps: chosen.length,
      meanInSampleScore: mean(paired.map((c) => c.inSampleScore!)),
      meanOutOfSampleScore: mean(paired.map((c) => c.outOfSampleScore!)),
      inSampleNetProfit: chosen.reduce((a, c) => a + c.inSample.netProfit, 0),
      outOfSampleNetProfit: chosen.reduce((a, c) => a + c.outOfSample.netProfit, 0),
      outOfSampleTrades: chosen.reduce((a, c) => a + c.outOfSample.trades, 0),
    },
  };
}
