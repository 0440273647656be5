/**
 * `rsi-reversion`: mean reversion on RSI leaving its extreme zones, bracketed with ATR.
 *
 * Rule, on the close of candle i (rsi = Wilder RSI of close, TA-Lib seeding; defined at i − 1
 * and i; atr defined at i):
 * - long  if rsi[i−1] <= oversold and rsi[i] > oversold (crosses up out of oversold);
 * - short if rsi[i−1] >= overbought and rsi[i] < overbought (crosses down out of overbought).
 * Entry / stop / target as ema-cross. Warmup: max(period + 1, atr) + 1 candles.
 */
import { z } from 'zod';
import { atrBracket } from './brackets.js';
import { defined, defineWithOrigin } from './define.js';
import { periodField } from './params.js';

export const rsiReversionParams = z
  .strictObject({
    period: periodField(14),
    oversold: z.number().gt(0).lt(100).default(30),
    overbought: z.number().gt(0).lt(100).default(70),
    ...atrBracket.fields(),
  })
  .refine((p) => p.oversold < p.overbought, {
    message: 'oversold must be smaller than overbought',
    path: ['oversold'],
  });

export type RsiReversionParams = z.infer<typeof rsiReversionParams>;

export const rsiReversion = defineWithOrigin(
  {
    name: 'rsi-reversion',
    description:
      'Goes long when RSI crosses back up through the oversold level and short when it crosses ' +
      'back down through the overbought level; stop and target are ATR multiples from the next open.',
    params: rsiReversionParams,
    warmup: (p) => Math.max(p.period + 1, p.atr) + 1,
    indicators: (_c, p, ctx) => ({ rsi: ctx.ta.rsi(p.period) }),
    entry(ind, i, _c, p) {
      const r0 = ind.rsi[i - 1]!;
      const r1 = ind.rsi[i]!;
      if (!defined(r0, r1)) return null;
      if (r0 <= p.oversold && r1 > p.oversold) return 'long';
      if (r0 >= p.overbought && r1 < p.overbought) return 'short';
      return null;
    },
    bracket: atrBracket,
    snapshot: (ind, i) => ({ rsi: ind.rsi[i]! }),
  },
  'built-in',
);
