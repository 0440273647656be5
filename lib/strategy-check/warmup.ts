/**
 * The recursion / warm-up check. For every checked candle k the signal computed from only the
 * last h candles (candles[k − h + 1..k], same nextOpen) is compared with the full-history one
 * (candles[0..k], the lookahead check's prefix evaluation), for h = warmup × each multiple
 * (default 1, 2, 4) and h = the live history (what the scan evaluates with: config
 * `scan.candles`). A candle is compared at h only when more than h candles lead up to it.
 *
 * Problems (the check fails):
 * 1. a side that never fires with exactly `warmup` candles of history while the full history
 *    fires it at compared candles: the strategy's indicators are not all defined after `warmup`
 *    candles (declared warm-up too short; NaN inputs give no signal);
 * 2. a candle whose signal, with the live history, differs in presence or side from the full
 *    history (or, with an exit rule, whose exit decision differs in presence): the live bot
 *    would not say what the backtest says.
 * Information: per history, how many candles differ, and the largest relative difference of
 * entry/stop/target between a short-history signal and the full-history one of the same side.
 * Recursive indicators (EMA, Wilder's ATR and RSI, MACD) depend on every earlier candle, so a
 * short history never reproduces their values exactly; the differences shrink as history grows.
 *
 * A multi-timeframe strategy gets, with each short history, its higher candles as the live scan
 * fetches them — independently of the lower window: the `candles(params)` higher candles closed
 * before candle k's higher candle, plus that one still forming (resampled from the data up to k).
 *
 * "Stable from" of a candle: the smallest history of the ladder — warmup·2^j and the tested
 * histories, below the candle's full history, then the full history itself — from which every
 * longer ladder history gives the full-history presence and side.
 */
import type { Candles } from '../core/candle.js';
import { resample } from '../core/strategies/higher.js';
import type { Side, SignalIntent } from '../core/strategies/types.js';
import { timeframeMs, type Timeframe } from '../core/timeframe.js';
import { describeSignal, relPriceDiff, sideChanges, window } from './compare.js';
import type { PrefixEvaluations } from './lookahead.js';
import type { CheckContext, CheckInput, HistoryFinding, HistoryStep, UndefinedSide, WarmupReport } from './types.js';

/** Findings listed in detail (with their "stable from") per list; the rest are counted. */
export const DETAILED = 20;

const SIDES: readonly Side[] = ['long', 'short'];

interface StepState {
  history: number;
  label: string;
  compared: number;
  differ: number;
  exitsDiffer: number;
  maxRelPriceDiff: number;
  maxRelPriceAt: number | null;
}

export function checkWarmup(input: CheckInput, from: number, to: number, warmup: number, liveHistory: number, prefix: PrefixEvaluations): WarmupReport {
  const { strategy, params, candles } = input;
  const n = candles.close.length;
  const nextOpen = (k: number) => (k + 1 < n ? candles.open[k + 1] : undefined);
  const liveContext = liveHigher(input);
  const withHistory = (k: number, h: number): SignalIntent | null => strategy.evaluate(window(candles, k - h + 1, k + 1), params, nextOpen(k), liveContext(k));

  const multiples = [...new Set([1, ...(input.multiples ?? [2, 4])])].sort((a, b) => a - b);
  const tested = [...multiples.map((m) => warmup * m), liveHistory];
  const stableFrom = (k: number, full: SignalIntent | null): number => {
    const lengths = new Set(tested.filter((h) => h < k + 1));
    for (let h = warmup; h < k + 1; h *= 2) lengths.add(h);
    const ladder = [...lengths].sort((a, b) => a - b);
    let stable = k + 1;
    for (let j = ladder.length - 1; j >= 0; j--) {
      if (sideChanges(withHistory(k, ladder[j]!), full)) break;
      stable = ladder[j]!;
    }
    return stable;
  };
  const finding = (k: number, h: number, short: SignalIntent | null, full: SignalIntent | null): HistoryFinding => ({
    index: k,
    time: candles.time[k]!,
    history: h,
    short: describeSignal(short),
    full: describeSignal(full),
    stableFrom: stableFrom(k, full),
  });

  const steps: StepState[] = multiples.map((m) => ({ history: warmup * m, label: m === 1 ? 'warmup' : `warmup ×${m}`, compared: 0, differ: 0, exitsDiffer: 0, maxRelPriceDiff: 0, maxRelPriceAt: null }));
  const live: StepState = { history: liveHistory, label: 'live (scan.candles)', compared: 0, differ: 0, exitsDiffer: 0, maxRelPriceDiff: 0, maxRelPriceAt: null };
  const all = [...steps, live];

  const fullCount: Record<Side, number> = { long: 0, short: 0 };
  const shortCount: Record<Side, number> = { long: 0, short: 0 };
  const firstFull: Partial<Record<Side, number>> = {};
  const liveFindings: HistoryFinding[] = [];
  const warmupFindings: HistoryFinding[] = [];

  for (let k = from; k <= to; k++) {
    const full = prefix.signals[k - from]!;
    for (const step of all) {
      const h = step.history;
      if (k + 1 <= h) continue;
      const short = withHistory(k, h);
      step.compared++;
      if (step === steps[0]) {
        if (full !== null) {
          fullCount[full.side]++;
          firstFull[full.side] ??= k;
        }
        if (short !== null) shortCount[short.side]++;
      }
      if (sideChanges(short, full)) {
        step.differ++;
        if (step === live && liveFindings.length < DETAILED) liveFindings.push(finding(k, h, short, full));
        if (step === steps[0] && warmupFindings.length < DETAILED) warmupFindings.push(finding(k, h, short, full));
      } else if (short !== null && full !== null) {
        const d = relPriceDiff(short, full);
        if (d > step.maxRelPriceDiff) {
          step.maxRelPriceDiff = d;
          step.maxRelPriceAt = k;
        }
      }
      if (step === live && prefix.exits !== null && typeof strategy.exitAt === 'function') {
        const w = window(candles, k - h + 1, k + 1);
        const changed = SIDES.some((side) => (strategy.exitAt!(w, params, side, liveContext(k)) === null) !== (prefix.exits![side][k - from] === null));
        if (changed) step.exitsDiffer++;
      }
    }
    input.onProgress?.(k - from + 1, to - from + 1);
  }

  const undefinedSides: UndefinedSide[] = [];
  for (const side of SIDES) {
    const k = firstFull[side];
    if (k !== undefined && shortCount[side] === 0) {
      const full = prefix.signals[k - from]!;
      undefinedSides.push({ side, fullCount: fullCount[side], firstFull: finding(k, warmup, withHistory(k, warmup), full) });
    }
  }
  return { warmup, liveHistory, steps: all.map((s) => ({ ...s }) satisfies HistoryStep), undefinedSides, liveFindings, warmupFindings };
}

/** First index whose time is >= t (binary search; times increase). */
function firstAtOrAfter(time: readonly number[], t: number): number {
  let lo = 0;
  let hi = time.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (time[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** For candle k, the context with the higher candles the live scan would fetch (the strategy's own context when it has none). */
function liveHigher(input: CheckInput): (k: number) => CheckContext {
  const { strategy, params, candles, context } = input;
  const needs = strategy.higherTimeframes?.(params) ?? [];
  const tf = context.timeframe;
  if (needs.length === 0 || tf === undefined) return () => context;
  return (k) => {
    const higher: Partial<Record<Timeframe, Candles>> = {};
    for (const need of needs) {
      const ms = timeframeMs(need.timeframe);
      const first = Math.floor(candles.time[k]! / ms) * ms - need.candles * ms;
      higher[need.timeframe] = resample(window(candles, firstAtOrAfter(candles.time, first), k + 1), tf, need.timeframe);
    }
    return { ...context, higher };
  };
}
