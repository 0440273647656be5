/**
 * The lookahead check: for every checked candle k, the strategy evaluated on the prefix
 * candles[0..k] (nextOpen = open[k + 1] when that candle exists, as the backtester does) must
 * say exactly what evaluateAll over the whole series says at k — same presence, side, index,
 * time, entry, stop, target and indicator snapshot; and, for a strategy with an exit rule,
 * exitAt(prefix, side) must equal exitsAll(whole) at (k, side) for both sides. Any difference
 * means the whole-series evaluation used a candle after k (or the two code paths disagree, which
 * breaks "same signals live and in the backtest" just the same).
 */
import type { Side, SignalIntent } from '../core/strategies/types.js';
import { describeExit, describeSignal, signalChanges, window } from './compare.js';
import type { CheckInput, LookaheadFinding } from './types.js';

const SIDES: readonly Side[] = ['long', 'short'];

export interface PrefixEvaluations {
  /** evaluate(candles[0..k]) for k = from..to (index k − from). */
  readonly signals: readonly (SignalIntent | null)[];
  /** exitAt(candles[0..k], side) for k = from..to; null when the strategy has no exit rule. */
  readonly exits: Readonly<Record<Side, readonly (string | null)[]>> | null;
}

export interface LookaheadResult {
  readonly findings: readonly LookaheadFinding[];
  readonly prefix: PrefixEvaluations;
  /** Whole-series signals and exits at checked candles. */
  readonly signals: number;
  readonly exits: number;
}

export function checkLookahead(input: CheckInput, from: number, to: number): LookaheadResult {
  const { strategy, params, candles, context } = input;
  const n = candles.close.length;
  const whole = new Map<number, SignalIntent>();
  for (const s of strategy.evaluateAll(candles, params, undefined, context)) whole.set(s.index, s);
  const hasExit = typeof strategy.exitAt === 'function' && typeof strategy.exitsAll === 'function';
  const wholeExits = new Map<string, string>();
  if (hasExit) for (const e of strategy.exitsAll!(candles, params, undefined, context)) wholeExits.set(`${e.index}:${e.side}`, e.reason);

  const findings: LookaheadFinding[] = [];
  const signals: (SignalIntent | null)[] = [];
  const exits: Record<Side, (string | null)[]> = { long: [], short: [] };
  let signalCount = 0;
  let exitCount = 0;
  for (let k = from; k <= to; k++) {
    const prefix = window(candles, 0, k + 1);
    const time = candles.time[k]!;
    const fromPrefix = strategy.evaluate(prefix, params, k + 1 < n ? candles.open[k + 1] : undefined, context);
    const fromWhole = whole.get(k) ?? null;
    signals.push(fromPrefix);
    if (fromWhole !== null) signalCount++;
    const changed = signalChanges(fromWhole, fromPrefix);
    if (changed.length > 0) {
      findings.push({ index: k, time, what: 'signal', whole: describeSignal(fromWhole), prefix: describeSignal(fromPrefix), changed });
    }
    if (hasExit) {
      for (const side of SIDES) {
        const a = wholeExits.get(`${k}:${side}`) ?? null;
        const b = strategy.exitAt!(prefix, params, side, context);
        exits[side].push(b);
        if (a !== null) exitCount++;
        if (a !== b) {
          findings.push({ index: k, time, what: `exit ${side}`, whole: describeExit(a), prefix: describeExit(b), changed: [a === null || b === null ? 'presence' : 'reason'] });
        }
      }
    }
    input.onProgress?.(k - from + 1, to - from + 1);
  }
  return { findings, prefix: { signals, exits: hasExit ? exits : null }, signals: signalCount, exits: exitCount };
}
