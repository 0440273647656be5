/**
 * `bollinger-breakout`: volatility breakout out of the Bollinger bands, bracketed with ATR.
 *
 * Rule, on the close of candle i (bands = SMA(period) ± k·population σ of close, defined at
 * i − 1 and i; atr defined at i):
 * - long  if close[i−1] <= upper[i−1] and close[i] > upper[i];
 * - short if close[i−1] >= lower[i−1] and close[i] < lower[i].
 * Entry / stop / target as ema-cross. Warmup: max(period, atr) + 1 candles.
 */
import { z } from 'zod';
import { atrBracket } from './brackets.js';
import { defined, defineWithOrigin } from './define.js';
import { periodField } from './params.js';

export const bollingerBreakoutParams = z.strictObject({
  period: periodField(20, 2),
  k: z.number().positive().default(2),
  ...atrBracket.fields(),
});

export type BollingerBreakoutParams = z.infer<typeof bollingerBreakoutParams>;

export const bollingerBreakout = defineWithOrigin(
  {
    name: 'bollinger-breakout',
    description:
      'Goes long when the close breaks above the upper Bollinger band and short when it breaks ' +
      'below the lower band; stop and target are ATR multiples from the next open.',
    params: bollingerBreakoutParams,
    warmup: (p) => Math.max(p.period, p.atr) + 1,
    indicators: (_c, p, ctx) => {
      const bands = ctx.ta.bollinger(p.period, p.k);
      return { upper: bands.upper, middle: bands.middle, lower: bands.lower };
    },
    entry(ind, i, c) {
      const c0 = c.close[i - 1]!;
      const c1 = c.close[i]!;
      const u0 = ind.upper[i - 1]!;
      const u1 = ind.upper[i]!;
      const l0 = ind.lower[i - 1]!;
      const l1 = ind.lower[i]!;
      if (!defined(u0, u1, l0, l1)) return null;
      if (c0 <= u0 && c1 > u1) return 'long';
      if (c0 >= l0 && c1 < l1) return 'short';
      return null;
    },
    bracket: atrBracket,
    snapshot: (ind, i) => ({ upper: ind.upper[i]!, middle: ind.middle[i]!, lower: ind.lower[i]! }),
    lines: (ind, _c, p) => [
      { name: `BB ${p.period} upper`, values: ind.upper },
      { name: `BB ${p.period} middle`, values: ind.middle },
      { name: `BB ${p.period} lower`, values: ind.lower },
    ],
  },
  'built-in',
);
