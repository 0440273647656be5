/**
 * `ema-cross`: trend-following crossover of two EMAs, bracketed with ATR.
 *
 * Rule, on the close of candle i (fast, slow = TA-Lib EMAs of close; atr = Wilder ATR), when
 * fast and slow are defined at i − 1 and i and atr at i:
 * - long  if fast[i−1] <= slow[i−1] and fast[i] > slow[i];
 * - short if fast[i−1] >= slow[i−1] and fast[i] < slow[i].
 * Entry = open[i+1] (last candle: `nextOpen`, else close[i]); long stop = entry − stopAtr·atr[i],
 * target = entry + takeAtr·atr[i]; short mirrored.
 * Warmup: max(slow, atr) + 1 candles (slow EMA defined at i − 1 = slow − 1, ATR at i = atr).
 */
import { z } from 'zod';
import { atrOf, emaOfClose } from '../indicators/of-candles.js';
import { bracketFields, defined, defineStrategy, periodField } from './define.js';

export const emaCrossParams = z
  .strictObject({ fast: periodField(9), slow: periodField(21), ...bracketFields() })
  .refine((p) => p.fast < p.slow, { message: 'fast period must be smaller than slow period', path: ['fast'] });

export type EmaCrossParams = z.infer<typeof emaCrossParams>;

export const emaCross = defineStrategy({
  name: 'ema-cross',
  description:
    'Goes long when the fast EMA of closes crosses above the slow EMA and short when it crosses ' +
    'below, on the candle close; stop and target are ATR multiples from the next open.',
  params: emaCrossParams,
  warmup: (p: EmaCrossParams) => Math.max(p.slow, p.atr) + 1,
  compute: (c, p: EmaCrossParams, cache) => ({
    fast: emaOfClose(c, p.fast, cache),
    slow: emaOfClose(c, p.slow, cache),
    atr: atrOf(c, p.atr, cache),
  }),
  sideAt(ind, _c, i) {
    const f0 = ind.fast[i - 1]!;
    const s0 = ind.slow[i - 1]!;
    const f1 = ind.fast[i]!;
    const s1 = ind.slow[i]!;
    if (!defined(f0, s0, f1, s1)) return null;
    if (f0 <= s0 && f1 > s1) return 'long';
    if (f0 >= s0 && f1 < s1) return 'short';
    return null;
  },
  snapshot: (ind, i) => ({ fast: ind.fast[i]!, slow: ind.slow[i]!, atr: ind.atr[i]! }),
  lines: (c, p: EmaCrossParams) => [
    { name: `EMA ${p.fast}`, values: emaOfClose(c, p.fast) },
    { name: `EMA ${p.slow}`, values: emaOfClose(c, p.slow) },
  ],
});
