/**
 * The `ctx` a strategy's `indicators` gets: `ta` on the candles and `higher(tf)` for the
 * higher timeframes it declared. Higher candles come from `EvalContext.higher[tf]` when the
 * caller fetched them (live), else are resampled from the candles (backtest; memoised in the
 * cache under `resample(<tf>)`). Either way only higher candles closed at a lower candle's close
 * are visible through `align` (higher.ts).
 */
import type { Candles } from '../candle.js';
import { boundIndicators } from '../indicators/bound.js';
import { memo, type IndicatorCache } from '../indicators/cache.js';
import type { Timeframe } from '../timeframe.js';
import { badStrategy, type HigherDeclaration, type HigherView, type IndicatorContext } from './definition.js';
import { alignHigher, alignSeries, resample } from './higher.js';
import type { EvalContext } from './types.js';

export function indicatorContext(
  name: string,
  declared: readonly HigherDeclaration<never>[] | undefined,
  candles: Candles,
  cache: IndicatorCache | undefined,
  context: EvalContext | undefined,
): IndicatorContext {
  const ta = boundIndicators(candles, cache);
  if (declared === undefined || declared.length === 0) {
    return { ta, higher: (tf) => badStrategy(name, `ctx.higher('${tf}') needs ${tf} declared in higher (none declared)`) };
  }
  const views = new Map<Timeframe, HigherView>();
  return {
    ta,
    higher(tf: Timeframe): HigherView {
      const seen = views.get(tf);
      if (seen !== undefined) return seen;
      if (!declared.some((h) => h.timeframe === tf)) {
        badStrategy(name, `ctx.higher('${tf}') is not declared in higher (declared: ${declared.map((h) => h.timeframe).join(', ')})`);
      }
      const lowerTf = context?.timeframe;
      if (lowerTf === undefined) badStrategy(name, `reads the ${tf} timeframe: evaluate it with context.timeframe (the candles' timeframe)`);
      const fetched = context?.higher?.[tf];
      const higher = fetched ?? memo(cache, candles, `resample(${tf})`, () => resample(candles, lowerTf, tf));
      const index =
        fetched === undefined
          ? memo(cache, candles, `align(${tf})`, () => alignHigher(candles, lowerTf, higher, tf))
          : alignHigher(candles, lowerTf, higher, tf);
      const view: HigherView = Object.freeze({
        candles: higher,
        ta: boundIndicators(higher, cache),
        align: (series: ArrayLike<number>) => alignSeries(series, index),
      });
      views.set(tf, view);
      return view;
    },
  };
}
