/**
 * The brackets a strategy's signal gets: ATR multiples, percentages of the entry, or a custom
 * function. Applied by defineStrategy (define.ts) at a signal; a degenerate bracket (stop or target
 * not strictly on its side of the entry, or not finite) is no signal.
 *
 * - atrBracket: long stop = entry − stopAtr·atr[i], target = entry + takeAtr·atr[i]; short mirrored.
 *   Params `atr` (period), `stopAtr`, `takeAtr`; the signal's indicators always carry `atr`.
 * - percentBracket: long stop = entry·(1 − stopPct/100), target = entry·(1 + takePct/100); short
 *   mirrored. Params `stopPct` in (0, 50], `takePct` in (0, 1000] (2 = 2 %).
 * - customBracket(fn): fn({ side, entry, i, ind, candles, params }) → { stop, target }.
 */
import { z } from 'zod';
import type { Candles } from '../candle.js';
import { periodField } from './params.js';
import type { Side } from './types.js';

/** Largest ATR multiple for stops, targets and trailing stops (config `risk.trailAtr` too). */
export const MAX_ATR_MULTIPLE = 100;
/** Largest percent stop (a long stopped at half its entry) and percent target. */
export const MAX_STOP_PCT = 50;
export const MAX_TAKE_PCT = 1000;

const atMost = (max: number, unit: string) => ({
  error: (issue: { input?: unknown; code?: string }) =>
    issue.code === 'too_big' ? `must be at most ${max} (${unit}), got ${String(issue.input)}` : undefined,
});

function atrMultiple(def: number) {
  return z.number().positive().max(MAX_ATR_MULTIPLE, atMost(MAX_ATR_MULTIPLE, 'ATRs from the entry')).default(def);
}

export interface AtrBracketParams {
  readonly atr: number;
  readonly stopAtr: number;
  readonly takeAtr: number;
}

export interface PercentBracketParams {
  readonly stopPct: number;
  readonly takePct: number;
}

/** What a custom bracket function gets. */
export interface BracketContext<P, I> {
  readonly side: Side;
  /** Entry reference: open[i + 1] when known, else the live next open, else close[i]. */
  readonly entry: number;
  /** The signal candle. */
  readonly i: number;
  readonly ind: I;
  readonly candles: Candles;
  readonly params: P;
}

export interface BracketLevels {
  readonly stop: number;
  readonly target: number;
}

export interface AtrBracket {
  readonly kind: 'atr';
  /** zod fields `atr` (period, 1..1000), `stopAtr`, `takeAtr` (in (0, 100]) to spread into the params. */
  fields(defaults?: Partial<AtrBracketParams>): {
    atr: ReturnType<typeof periodField>;
    stopAtr: ReturnType<typeof atrMultiple>;
    takeAtr: ReturnType<typeof atrMultiple>;
  };
}

export interface PercentBracket {
  readonly kind: 'percent';
  /** zod fields `stopPct` in (0, 50], `takePct` in (0, 1000] (percent of the entry) to spread into the params. */
  fields(defaults?: Partial<PercentBracketParams>): {
    stopPct: z.ZodDefault<z.ZodNumber>;
    takePct: z.ZodDefault<z.ZodNumber>;
  };
}

export interface CustomBracket<P = any, I = any> {
  readonly kind: 'custom';
  readonly levels: (ctx: BracketContext<P, I>) => BracketLevels;
}

export type Bracket<P = any, I = any> = AtrBracket | PercentBracket | CustomBracket<P, I>;

export const atrBracket: AtrBracket = Object.freeze({
  kind: 'atr' as const,
  fields(defaults: Partial<AtrBracketParams> = {}) {
    return {
      atr: periodField(defaults.atr ?? 14),
      stopAtr: atrMultiple(defaults.stopAtr ?? 1.5),
      takeAtr: atrMultiple(defaults.takeAtr ?? 3.0),
    };
  },
});

export const percentBracket: PercentBracket = Object.freeze({
  kind: 'percent' as const,
  fields(defaults: Partial<PercentBracketParams> = {}) {
    return {
      stopPct: z.number().positive().max(MAX_STOP_PCT, atMost(MAX_STOP_PCT, 'percent of the entry')).default(defaults.stopPct ?? 2),
      takePct: z.number().positive().max(MAX_TAKE_PCT, atMost(MAX_TAKE_PCT, 'percent of the entry')).default(defaults.takePct ?? 4),
    };
  },
});

/** A bracket computed by `levels` at each signal (runs only on signals, may allocate). */
export function customBracket<P = any, I = any>(levels: (ctx: BracketContext<P, I>) => BracketLevels): CustomBracket<P, I> {
  return Object.freeze({ kind: 'custom' as const, levels });
}

/** zod fields of the ATR bracket (the built-ins' former `bracketFields`). */
export function bracketFields(defaults: Partial<AtrBracketParams> = {}) {
  return atrBracket.fields(defaults);
}
