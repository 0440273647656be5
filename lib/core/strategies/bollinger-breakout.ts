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
import { atrOf, bollingerOfClose } from '../indicators/of-candles.js';
import { bracketFields, defined, defineStrategy } from './define.js';

export const bollingerBreakoutParams = z.strictObject({
  period: z.number().int().min(2).default(20),
  k: z.number().positive().default(2),
  ...bracketFields(),
});

export type BollingerBreakoutParams = z.infer<typeof bollingerBreakoutParams>;

export const bollingerBreakout = defineStrategy({
  name: 'bollinger-breakout',
  description:
    'Goes long when the close breaks above the upper Bollinger band and short when it breaks ' +
    'below the lower band; stop and target are ATR multiples from the next open.',
  params: bollingerBreakoutParams,
  warmup: (p: BollingerBreakoutParams) => Math.max(p.period, p.atr) + 1,
  compute: (c, p: BollingerBreakoutParams, cache) => ({
    ...bollingerOfClose(c, p.period, p.k, cache),
    atr: atrOf(c, p.atr, cache),
  }),
  sideAt(ind, c, i) {
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
  snapshot: (ind, i) => ({
    upper: ind.upper[i]!,
    middle: ind.middle[i]!,
    lower: ind.lower[i]!,
    atr: ind.atr[i]!,
  }),
  lines(c, p: BollingerBreakoutParams) {
    const bands = bollingerOfClose(c, p.period, p.k);
    return [
      { name: `BB ${p.period} upper`, values: bands.upper },
      { name: `BB ${p.period} middle`, values: bands.middle },
      { name: `BB ${p.period} lower`, values: bands.lower },
    ];
  },
});
