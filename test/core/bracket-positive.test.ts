/**
 * A bracket whose stop or target falls at or below zero (a long stop far beyond the market's
 * range, e.g. a random search drawing stopAtr 100 on a volatile market) is no signal — as a
 * degenerate bracket is — instead of a signal the position rules then refuse (which aborted
 * a whole optimiser run).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runBacktest } from '../../lib/backtest/engine.js';
import { emaCross } from '../../lib/core/strategies/index.js';
import { handCandles } from './reference.js';

// Zig-zag closes around 100; every candle's range is >= 2, so ATR(2) >= 2 and 100 ATRs > the price.
const closes = Array.from({ length: 60 }, (_, i) => 100 + 3 * Math.sin(i / 2));
const candles = handCandles(closes);

describe('brackets beyond zero', () => {
  it('a long whose stop would be <= 0 gives no signal; shorts with a positive bracket still do', () => {
    const wide = emaCross.params.parse({ fast: 2, slow: 3, atr: 2, stopAtr: 100, takeAtr: 3 });
    const normal = emaCross.params.parse({ fast: 2, slow: 3, atr: 2, stopAtr: 1.5, takeAtr: 3 });
    const withNormal = emaCross.evaluateAll(candles, normal);
    assert.ok(withNormal.some((s) => s.side === 'long'), 'the series has long crossings');
    const withWide = emaCross.evaluateAll(candles, wide);
    assert.equal(withWide.filter((s) => s.side === 'long').length, 0);
    assert.deepEqual(
      withWide.map((s) => s.index),
      withNormal.filter((s) => s.side === 'short').map((s) => s.index),
    );
    for (const s of withWide) assert.ok(s.stop > 0 && s.target > 0, `signal at ${s.index}: stop ${s.stop}, target ${s.target}`);
    const last = candles.close.length - 1;
    const sub = { ...candles, time: candles.time.slice(0, last), open: candles.open.slice(0, last), high: candles.high.slice(0, last), low: candles.low.slice(0, last), close: candles.close.slice(0, last), volume: candles.volume.slice(0, last) };
    assert.equal(emaCross.evaluate(sub, wide, candles.open[last])?.side === 'long', false);
  });

  it('the backtester runs such params to the end instead of throwing', () => {
    const wide = emaCross.params.parse({ fast: 2, slow: 3, atr: 2, stopAtr: 100, takeAtr: 3 });
    const result = runBacktest({ symbol: 'X/Y', timeframe: '5m', candles, strategy: emaCross, params: wide, stake: 100, feeRate: 0.001 });
    assert.ok(result.trades.length > 0);
    assert.ok(result.trades.every((t) => t.side === 'short'));
  });
});
