/**
 * What a strategy file hands to `defineStrategy` (the kit contract, docs/strategies.md), and its
 * eager validation: a bad definition is a PermanentError `BAD_STRATEGY` naming the strategy, at
 * import time of the strategy file rather than at its first signal.
 */
import type { z } from 'zod';
import type { Candles } from '../candle.js';
import type { BoundIndicators } from '../indicators/bound.js';
import { TIMEFRAMES, type Timeframe } from '../timeframe.js';
import { PermanentError } from '../../errors.js';
import type { Bracket } from './brackets.js';
import type { Side, StrategyLine, StrategyPane } from './types.js';

/** A higher timeframe as seen from the strategy's candles (only closed higher candles are visible). */
export interface HigherView {
  /** The higher candles (fetched live, or resampled from the candles in a backtest), closed and forming. */
  readonly candles: Candles;
  /** Indicators on the higher candles (memoised like ctx.ta). */
  readonly ta: BoundIndicators;
  /**
   * A copy of `series` (one value per higher candle) aligned to the strategy's candles: at lower
   * candle i, the value of the last higher candle closed at i's close; NaN before the first one.
   */
  align(series: ArrayLike<number>): Float64Array;
}

/** The third argument of `indicators`. */
export interface IndicatorContext {
  /** Indicators on the candles, memoised through the optimiser's cache when there is one. */
  readonly ta: BoundIndicators;
  /** A higher timeframe declared in `higher`; any other one throws. */
  higher(timeframe: Timeframe): HigherView;
}

export interface HigherDeclaration<P> {
  readonly timeframe: Timeframe;
  /** Closed higher candles the strategy needs for these params (what the live scan fetches). */
  candles(params: P): number;
}

export interface StrategyDefinition<P extends object, I extends object> {
  /** Registry / config name: /^[a-z][a-z0-9-]{1,39}$/. */
  readonly name: string;
  readonly description: string;
  /** zod schema of the params; every field has a default so `{}` parses. */
  readonly params: z.ZodType<P>;
  /** Fewest closed candles for a signal on the last one (an integer >= 1). */
  warmup(params: P): number;
  /** Every series the rules read, computed once per series; typed arrays aligned to the candles. */
  indicators(candles: Candles, params: P, ctx: IndicatorContext): I;
  /** The side on the close of candle i (1 <= i < n), or null; NaN inputs must give null. */
  entry(ind: I, i: number, candles: Candles, params: P): Side | null;
  /** Optional: close an open `side` position on the close of i; the reason (1–40 characters) or null. */
  exit?(ind: I, i: number, side: Side, candles: Candles, params: P): string | null;
  readonly bracket: Bracket<P, I>;
  /** Optional: values for the message; default every 1-D series at i (finite ones). ATR brackets add `atr`. */
  snapshot?(ind: I, i: number): Record<string, number>;
  /** Optional: indicator lines on the price scale, for charts. */
  lines?(ind: I, candles: Candles, params: P): StrategyLine[];
  /** Optional: indicator panes under the price chart (at most 2 drawn), e.g. RSI with its levels. */
  panes?(ind: I, candles: Candles, params: P): StrategyPane[];
  /** Optional: higher timeframes read through ctx.higher(tf). */
  readonly higher?: readonly HigherDeclaration<P>[];
}

export const STRATEGY_NAME = /^[a-z][a-z0-9-]{1,39}$/;
export const MAX_EXIT_REASON = 40;

export function badStrategy(name: unknown, message: string): never {
  throw new PermanentError(`strategy ${typeof name === 'string' ? `"${name}"` : '(unnamed)'}: ${message}`, { code: 'BAD_STRATEGY' });
}

const isFunction = (v: unknown): v is (...args: never[]) => unknown => typeof v === 'function';

function checkCount(name: string, what: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isSafeInteger(value) && value >= 1)) {
    badStrategy(name, `${what} must be an integer >= 1, got ${String(value)}`);
  }
}

/** Validates a definition eagerly; returns the default params (`params.parse({})`). */
export function validateDefinition(def: StrategyDefinition<object, object>): object {
  if (typeof def !== 'object' || def === null) badStrategy(undefined, 'defineStrategy needs a definition object');
  const name = def.name;
  if (typeof name !== 'string' || !STRATEGY_NAME.test(name)) {
    badStrategy(name, `name must match ${String(STRATEGY_NAME)} (lower-case letters, digits and dashes, 2–40 characters, starting with a letter), got ${JSON.stringify(name)}`);
  }
  if (typeof def.description !== 'string' || def.description.trim() === '') badStrategy(name, 'description must be a non-empty string');
  const schema = def.params as { safeParse?: unknown } | undefined;
  if (typeof schema !== 'object' || schema === null || !isFunction(schema.safeParse)) badStrategy(name, 'params must be a zod schema (z.strictObject({...}))');
  const parsed = def.params.safeParse({});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ');
    badStrategy(name, `every param needs a default so that {} parses; got ${issues}`);
  }
  const defaults = parsed.data;
  for (const key of ['warmup', 'indicators', 'entry'] as const) {
    if (!isFunction(def[key])) badStrategy(name, `${key} must be a function`);
  }
  for (const key of ['exit', 'snapshot', 'lines', 'panes'] as const) {
    if (def[key] !== undefined && !isFunction(def[key])) badStrategy(name, `${key}, when given, must be a function`);
  }
  checkCount(name, 'warmup(default params)', def.warmup(defaults));
  checkBracket(name, def.bracket, defaults as Record<string, unknown>);
  if (def.higher !== undefined) {
    if (!Array.isArray(def.higher)) badStrategy(name, 'higher must be an array of { timeframe, candles }');
    const seen = new Set<string>();
    for (const h of def.higher as readonly HigherDeclaration<object>[]) {
      if (typeof h !== 'object' || h === null || !(TIMEFRAMES as readonly unknown[]).includes(h.timeframe)) {
        badStrategy(name, `higher timeframe must be one of ${TIMEFRAMES.join(', ')}, got ${JSON.stringify((h as { timeframe?: unknown } | null)?.timeframe)}`);
      }
      if (seen.has(h.timeframe)) badStrategy(name, `higher timeframe ${h.timeframe} is declared twice`);
      seen.add(h.timeframe);
      if (!isFunction(h.candles)) badStrategy(name, `higher ${h.timeframe}: candles must be a function of the params`);
      checkCount(name, `higher ${h.timeframe} candles(default params)`, h.candles(defaults));
    }
  }
  return defaults;
}

function checkBracket(name: string, bracket: unknown, defaults: Record<string, unknown>): void {
  const kind = (bracket as { kind?: unknown } | null)?.kind;
  const need = (keys: readonly string[], how: string) => {
    for (const key of keys) {
      if (typeof defaults[key] !== 'number') badStrategy(name, `${how} needs the numeric param "${key}" (spread ${how}.fields() into params)`);
    }
  };
  if (kind === 'atr') need(['atr', 'stopAtr', 'takeAtr'], 'atrBracket');
  else if (kind === 'percent') need(['stopPct', 'takePct'], 'percentBracket');
  else if (kind === 'custom') {
    if (!isFunction((bracket as { levels?: unknown }).levels)) badStrategy(name, 'customBracket needs a function');
  } else badStrategy(name, 'bracket must be atrBracket, percentBracket or customBracket(fn)');
}
