/**
 * rsi-trend — the strategy of the README tutorial "Your own strategy": buy the dips of an uptrend,
 * sell the rallies of a downtrend.
 *
 * On the close of each candle:
 *   long  when the close is above its 200-EMA (an uptrend) and RSI crosses back up through 30
 *         (the dip is over);
 *   short when the close is below its 200-EMA (a downtrend) and RSI crosses back down through 70.
 * Stop and target are ATR multiples away from the entry (1.5 ATR and 3 ATR). An open position is
 * also closed when RSI crosses back through 50 against it (the bounce has faded), at the next
 * candle's open.
 */
import { atrBracket, defineStrategy, param, z } from '../lib/core/strategies/kit.js';

export default defineStrategy({
  name: 'rsi-trend',
  description:
    'Long when RSI crosses back up through the oversold level while the close is above its long EMA, short when it crosses ' +
    'back down through the overbought level below it; stop and target in ATRs; exits when RSI crosses back through 50.',
  params: z.strictObject({
    rsi: param.int(14, { min: 2, max: 50 }), // RSI period (candles)
    oversold: param.number(30, { min: 5, max: 45 }), // long when RSI crosses up through this
    overbought: param.number(70, { min: 55, max: 95 }), // short when RSI crosses down through this
    trend: param.int(200, { min: 20, max: 400 }), // period of the trend EMA
    atr: param.int(14, { min: 5, max: 50 }), // ATR period (candles); atrBracket reads these three
    stopAtr: param.number(1.5, { min: 0.5, max: 5 }), // stop: 1.5 ATR from the entry
    takeAtr: param.number(3, { min: 1, max: 10 }), // target: 3 ATR from the entry
  }),
  // The fewest closed candles for a signal on the last one: RSI(n) needs n + 1 candles for its first
  // value and the cross one more, EMA(n) n candles, ATR(n) n + 1.
  warmup: (p) => Math.max(p.rsi + 2, p.trend, p.atr + 1),
  indicators: (_c, p, ctx) => ({
    rsi: ctx.ta.rsi(p.rsi),
    trend: ctx.ta.ema(p.trend),
  }),
  entry: (ind, i, c, p) => {
    const before = ind.rsi[i - 1]!;
    const now = ind.rsi[i]!;
    const trend = ind.trend[i]!;
    // While any value is still NaN (warming up) every comparison is false: no signal.
    if (c.close[i]! > trend && before <= p.oversold && now > p.oversold) return 'long';
    if (c.close[i]! < trend && before >= p.overbought && now < p.overbought) return 'short';
    return null;
  },
  exit: (ind, i, side) => {
    const before = ind.rsi[i - 1]!;
    const now = ind.rsi[i]!;
    if (side === 'long' && before >= 50 && now < 50) return 'RSI fell back below 50';
    if (side === 'short' && before <= 50 && now > 50) return 'RSI rose back above 50';
    return null;
  },
  bracket: atrBracket,
  snapshot: (ind, i) => ({ rsi: ind.rsi[i]!, ema: ind.trend[i]! }),
  lines: (ind, _c, p) => [{ name: `EMA ${p.trend}`, values: ind.trend }],
  panes: (ind, _c, p) => [
    { name: `RSI ${p.rsi}`, series: [{ name: `RSI ${p.rsi}`, kind: 'line', values: ind.rsi }], levels: [p.oversold, 50, p.overbought] },
  ],
});
