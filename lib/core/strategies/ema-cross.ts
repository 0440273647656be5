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
import { atrBracket } from './brackets.js';
import { defined, defineWithOrigin } from './define.js';
import { periodField } from './params.js';

export const emaCrossParams = z
  .strictObject({ fast: periodField(9), slow: periodField(21), ...atrBracket.fields() })
  .refine((p) => p.fast < p.slow, { message: 'fast period must be smaller than slow period', path: ['fast'] });

export type EmaCrossParams = z.infer<typeof emaCrossParams>;

export const emaCross = defineWithOrigin(
  {
    name: 'ema-cross',
    description:
      'Goes long when the fast EMA of closes crosses above the slow EMA and short when it crosses ' +
      'below, on the candle close; stop and target are ATR multiples from the next open.',
    params: emaCrossParams,
    warmup: (p) => Math.max(p.slow, p.atr) + 1,
    indicators: (_c, p, ctx) => ({ fast: ctx.ta.ema(p.fast), slow: ctx.ta.ema(p.slow) }),
    entry(ind, i) {
      const f0 = ind.fast[i - 1]!;
      const s0 = ind.slow[i - 1]!;
      const f1 = ind.fast[i]!;
      const s1 = ind.slow[i]!;
      if (!defined(f0, s0, f1, s1)) return null;
      if (f0 <= s0 && f1 > s1) return 'long';
      if (f0 >= s0 && f1 < s1) return 'short';
      return null;
    },
    bracket: atrBracket,
    snapshot: (ind, i) => ({ fast: ind.fast[i]!, slow: ind.slow[i]! }),
    lines: (ind, _c, p) => [
      { name: `EMA ${p.fast}`, values: ind.fast },
      { name: `EMA ${p.slow}`, values: ind.slow },
    ],
  },
  'built-in',
);
