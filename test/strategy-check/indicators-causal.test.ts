/**
 * Every indicator of the kit (ctx.ta, lib/core/indicators/bound.ts) is causal: through the lookahead
 * check, a strategy that signals on every candle with every indicator in its snapshot gets
 * bit-identical values at candle k whether the series ends at k or runs to the end of the file.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defineStrategy, percentBracket, z } from '../../lib/core/strategies/kit.js';
import { checkStrategy } from '../../lib/strategy-check/check.js';
import { window } from '../../lib/strategy-check/compare.js';
import { loadCandles } from '../core/reference.js';

const everything = defineStrategy({
  name: 'every-indicator',
  description: 'Signals on every candle; the snapshot holds every indicator of the kit.',
  params: z.strictObject({ ...percentBracket.fields({ stopPct: 1, takePct: 2 }) }),
  warmup: () => 120,
  indicators: (_c, _p, ctx) => {
    const t = ctx.ta;
    const bb = t.bollinger(20, 2);
    const m = t.macd(12, 26, 9);
    const a = t.adx(14);
    const st = t.stochastic(14, 3, 3);
    const sr = t.stochRsi(14, 14, 3, 3);
    const ich = t.ichimoku(9, 26, 52, 26);
    const kc = t.keltner(20, 10, 2);
    const dc = t.donchian(20);
    return {
      sma: t.sma(20, 'hlc3'), ema: t.ema(20), wma: t.wma(20, 'ohlc4'), rsi: t.rsi(14), atr: t.atr(14),
      bbUpper: bb.upper, bbLower: bb.lower, macd: m.line, macdSignal: m.signal, adx: a.adx, pdi: a.pdi, mdi: a.mdi,
      stochK: st.k, stochD: st.d, stochRsiK: sr.k, stochRsiD: sr.d, cci: t.cci(20), mfi: t.mfi(14), obv: t.obv(),
      vwap: t.vwap(), psar: t.psar(0.02, 0.2), williamsR: t.williamsR(14), ichConversion: ich.conversion,
      ichBase: ich.base, ichSpanA: ich.spanA, ichSpanB: ich.spanB, keltnerUpper: kc.upper, donchianLower: dc.lower,
    };
  },
  entry: () => 'long',
  bracket: percentBracket,
});

describe('kit indicators through the lookahead check', () => {
  it('every indicator value at candle k is the same on the candles up to k as on the whole series (ETH/BTC 5m, 600 candles)', () => {
    const candles = window(loadCandles('ETH_BTC-5m.json'), 0, 600);
    const r = checkStrategy({ strategy: everything, params: everything.params.parse({}), candles, context: { timeframe: '5m' } });
    assert.equal(r.signals, 600 - 119, 'a signal on every checked candle');
    const snapshot = everything.evaluateAll(candles, everything.params.parse({})).at(-1)!.indicators;
    assert.equal(Object.keys(snapshot).length, 28, `every indicator is in the snapshot: ${Object.keys(snapshot).join(', ')}`);
    assert.deepEqual(r.lookahead, []);
  });
});
