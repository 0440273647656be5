/**
 * Checks of a config strategy entry that hold for any registered strategy (built-in or a user's):
 * its bracket params within bounds, and the higher timeframes it reads buildable from the
 * timeframes it runs on.
 */
import type { z } from 'zod';
import { MAX_ATR_MULTIPLE, MAX_STOP_PCT, MAX_TAKE_PCT } from '../core/strategies/brackets.js';
import { MAX_HIGHER_CANDLES } from '../core/strategies/higher.js';
import type { Strategy } from '../core/strategies/types.js';
import { timeframeMs, type Timeframe } from '../core/timeframe.js';

type Ctx = z.RefinementCtx;

const BOUNDS: readonly (readonly [key: string, max: number, unit: string])[] = [
  ['stopAtr', MAX_ATR_MULTIPLE, 'ATRs from the entry'],
  ['takeAtr', MAX_ATR_MULTIPLE, 'ATRs from the entry'],
  ['stopPct', MAX_STOP_PCT, 'percent of the entry'],
  ['takePct', MAX_TAKE_PCT, 'percent of the entry'],
];

/**
 * Bracket params, only those the strategy has (a user's schema may not bound them): ATR multiples
 * and percentages far beyond any use put stop/target prices outside what the signal rows can
 * store; a percent stop of 100 % or more is no stop at all. False (issues added) when one is out.
 */
export function checkBracketParams(params: Readonly<Record<string, unknown>>, ctx: Ctx): boolean {
  let ok = true;
  for (const [key, max, unit] of BOUNDS) {
    const value = params[key];
    if (typeof value === 'number' && !(value > 0 && value <= max)) {
      ok = false;
      ctx.addIssue({ code: 'custom', path: ['params', key], message: `must be greater than 0 and at most ${max} (${unit}), got ${value}` });
    }
  }
  return ok;
}

/**
 * Each higher timeframe the strategy reads (for the entry's params) must be a strict multiple of
 * every timeframe the entry runs on (`runsOn` default: every scanned timeframe): its candles are
 * built from, and aligned to, the entry's candles (lib/core/strategies/higher.ts refuses the rest
 * with BAD_HIGHER_TIMEFRAME at run time; the config says so first). And the closed candles it
 * needs of each must fit the scan's one request per higher timeframe (1..MAX_HIGHER_CANDLES).
 */
export function checkHigherTimeframes(
  strategy: Strategy<any>,
  entry: { readonly name: string; readonly params: object; readonly timeframes?: readonly Timeframe[] | undefined },
  index: number,
  scanned: readonly Timeframe[],
  ctx: Ctx,
): void {
  const runsOn = entry.timeframes ?? scanned;
  for (const h of strategy.higherTimeframes?.(entry.params) ?? []) {
    // The live scan fetches these closed candles and the forming one in ONE request (lib/scan/higher-candles.ts).
    if (!(Number.isSafeInteger(h.candles) && h.candles >= 1 && h.candles <= MAX_HIGHER_CANDLES)) {
      ctx.addIssue({
        code: 'custom',
        path: ['strategies', index, 'params'],
        message:
          `strategy "${entry.name}" needs ${h.candles} closed ${h.timeframe} candles with these params; the scan fetches them in one ` +
          `request with the forming one: at most ${MAX_HIGHER_CANDLES} (lower the params that set it)`,
      });
    }
    for (const tf of runsOn) {
      const lower = timeframeMs(tf);
      const higher = timeframeMs(h.timeframe);
      if (higher > lower && higher % lower === 0) continue;
      ctx.addIssue({
        code: 'custom',
        path: ['strategies', index, entry.timeframes === undefined ? 'name' : 'timeframes'],
        message:
          `strategy "${entry.name}" reads the ${h.timeframe} timeframe, which is not a strict multiple of ${tf}, a timeframe it runs on: ` +
          `${h.timeframe} candles cannot be built from ${tf} candles (BAD_HIGHER_TIMEFRAME); run the strategy only on timeframes that divide ${h.timeframe}`,
      });
    }
  }
}
