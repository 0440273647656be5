/**
 * Parameter ranges for random search: the kit's `paramRanges(strategy)` (every numeric param
 * with a finite lower and upper bound: `param.int`/`param.number` give them, the built-ins' periods
 * are 1..1000 and their ATR multiples bounded), minus "ranges" that are only zod's implied limits
 * of an integer (±Number.MAX_SAFE_INTEGER for `z.number().int().min(1)`): drawing a period from
 * 1..9e15 is never what a trader means, so such a parameter keeps its default unless a --grid axis
 * gives it a range.
 */
import { paramRanges, type ParamRange } from '../core/strategies/kit.js';
import type { Strategy } from '../core/strategies/types.js';

const NO_BOUND = 1e15;

export function strategyRanges(strategy: Pick<Strategy<any>, 'params'>): Record<string, ParamRange> {
  return Object.fromEntries(Object.entries(paramRanges(strategy)).filter(([, r]) => Math.abs(r.min) < NO_BOUND && Math.abs(r.max) < NO_BOUND));
}
