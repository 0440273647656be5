/**
 * Types of the strategy check (`npm run strategy:check`, docs/strategies-check.md).
 *
 * `CheckableStrategy` is the part of the Strategy interface (lib/core/strategies/types.ts) the
 * check calls, written structurally so that a strategy with or without the optional members
 * (context argument, exit rule) fits.
 */
import type { Candles } from '../core/candle.js';
import type { SignalIntent, Side } from '../core/strategies/types.js';
import type { Timeframe } from '../core/timeframe.js';

/** What the check passes as the strategy's evaluation context (its timeframe; higher timeframes are resampled by the kit). */
export interface CheckContext {
  readonly timeframe?: Timeframe;
  /** Higher-timeframe candles as the live scan fetches them (the warm-up check's short histories). */
  readonly higher?: Readonly<Partial<Record<Timeframe, Candles>>>;
}

export interface ExitDecision {
  readonly index: number;
  readonly side: Side;
  readonly reason: string;
}

export interface CheckableStrategy {
  readonly name: string;
  warmup(params: any): number;
  evaluate(candles: Candles, params: any, nextOpen?: number, context?: CheckContext): SignalIntent | null;
  evaluateAll(candles: Candles, params: any, cache?: undefined, context?: CheckContext): readonly SignalIntent[];
  exitsAll?(candles: Candles, params: any, cache?: undefined, context?: CheckContext): readonly ExitDecision[];
  exitAt?(candles: Candles, params: any, side: Side, context?: CheckContext): string | null;
  higherTimeframes?(params: any): readonly { readonly timeframe: Timeframe; readonly candles: number }[];
}

export interface CheckInput {
  readonly strategy: CheckableStrategy;
  /** Parsed params (the strategy's zod schema applied). */
  readonly params: object;
  readonly candles: Candles;
  readonly context: CheckContext;
  /** First and last candle index to check (inclusive); clipped to [warmup − 1, n − 1]. */
  readonly from?: number;
  readonly to?: number;
  /** History lengths of the recursion check, as multiples of warmup (default 1, 2, 4). */
  readonly multiples?: readonly number[];
  /** The history the live scan evaluates with (config `scan.candles`; default max(200, warmup + 1)). */
  readonly liveHistory?: number;
  /** Called after each checked candle (done of total). */
  readonly onProgress?: (done: number, total: number) => void;
}

/** A signal or an exit that differs between the prefix evaluation and the whole-series one. */
export interface LookaheadFinding {
  readonly index: number;
  readonly time: number;
  /** 'signal', or the exit rule for an open position of that side. */
  readonly what: 'signal' | 'exit long' | 'exit short';
  /** What the whole series says at this candle, and what the prefix ending at it says. */
  readonly whole: string;
  readonly prefix: string;
  /** The fields that differ (side, entry, stop, target, indicators.x, reason, presence). */
  readonly changed: readonly string[];
}

/** One history length of the recursion check. */
export interface HistoryStep {
  readonly history: number;
  /** 'warmup ×m' or 'live' (the scan's history). */
  readonly label: string;
  /** Candles with at least `history` + 1 candles of data up to them (where a shorter history is possible). */
  readonly compared: number;
  /** Candles whose signal differs in presence or side from the full history. */
  readonly differ: number;
  /** Candles whose exit decision (either side) differs in presence (strategies with an exit rule). */
  readonly exitsDiffer: number;
  /** Largest |short − full| / |full| over entry, stop, target of signals present in both with one side. */
  readonly maxRelPriceDiff: number;
  readonly maxRelPriceAt: number | null;
}

/** A candle whose signal presence or side depends on the history length. */
export interface HistoryFinding {
  readonly index: number;
  readonly time: number;
  readonly history: number;
  readonly short: string;
  readonly full: string;
  /** Smallest history of the doubling ladder (warmup·2^j, then the full history) from which every longer one agrees. */
  readonly stableFrom: number;
}

/** With exactly `warmup` candles the strategy never gives a signal of this side, while the full history does. */
export interface UndefinedSide {
  readonly side: Side;
  readonly fullCount: number;
  readonly firstFull: HistoryFinding;
}

export interface WarmupReport {
  readonly warmup: number;
  readonly liveHistory: number;
  readonly steps: readonly HistoryStep[];
  /** Problem 1: sides that never fire with exactly `warmup` candles of history. */
  readonly undefinedSides: readonly UndefinedSide[];
  /** Problem 2: candles whose signal with the live history differs (presence/side) from the full history. */
  readonly liveFindings: readonly HistoryFinding[];
  /** Information: the first candles that differ with exactly `warmup` candles of history. */
  readonly warmupFindings: readonly HistoryFinding[];
}

export interface CheckReport {
  readonly strategy: string;
  readonly params: object;
  readonly candles: number;
  readonly warmup: number;
  readonly from: number;
  readonly to: number;
  readonly signals: number;
  readonly exits: number;
  readonly lookahead: readonly LookaheadFinding[];
  readonly warmupCheck: WarmupReport;
  readonly ok: boolean;
}
