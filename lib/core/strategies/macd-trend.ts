/**
 * `macd-trend`: MACD line crossing its signal line, bracketed with ATR.
 *
 * Rule, on the close of candle i (MACD with TA-Lib seeding, see indicators/macd.ts; macd and
 * signal defined at i − 1 and i; atr defined at i):
 * - long  if macd[i−1] <= signal[i−1] and macd[i] > signal[i];
 * - short if macd[i−1] >= signal[i−1] and macd[i] < signal[i].
 * Entry / stop / target as ema-cross. Warmup: max(slow + signal, atr + 1) candles (the signal
 * line is first defined at index slow + signal − 2).
 */
import { z } from 'zod';
import { atrBracket } from './brackets.js';
import { defined, defineWithOrigin } from './define.js';
import { periodField } from './params.js';

export const macdTrendParams = z
  .strictObject({ fast: periodField(12), slow: periodField(26), signal: periodField(9), ...atrBracket.fields() })
  .refine((p) => p.fast < p.slow, { message: 'fast period must be smaller than slow period', path: ['fast'] });

export type MacdTrendParams = z.infer<typeof macdTrendParams>;

export const macdTrend = defineWithOrigin(
  {
    name: 'macd-trend',
    description:
      'Goes long when the MACD line crosses above its signal line and short when it crosses below; ' +
      'stop and target are ATR multiples from the next open.',
    params: macdTrendParams,
    warmup: (p) => Math.max(p.slow + p.signal, p.atr + 1),
    indicators: (_c, p, ctx) => {
      const m = ctx.ta.macd(p.fast, p.slow, p.signal);
      return { macd: m.line, signal: m.signal, histogram: m.histogram };
    },
    entry(ind, i) {
      const m0 = ind.macd[i - 1]!;
      const s0 = ind.signal[i - 1]!;
      const m1 = ind.macd[i]!;
      const s1 = ind.signal[i]!;
      if (!defined(m0, s0, m1, s1)) return null;
      if (m0 <= s0 && m1 > s1) return 'long';
      if (m0 >= s0 && m1 < s1) return 'short';
      return null;
    },
    bracket: atrBracket,
    snapshot: (ind, i) => ({ macd: ind.macd[i]!, signal: ind.signal[i]!, histogram: ind.histogram[i]! }),
  },
  'built-in',
);
