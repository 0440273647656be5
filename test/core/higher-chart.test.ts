/**
 * A multi-timeframe strategy's signal chart (lib/core/chart-data.ts): its lines read the higher
 * timeframe, so they are computed with the signal's timeframe (and, from the scan, the 4h candles
 * it fetched) — the 4h SMA drawn is the one the signal saw.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadSeries } from '../../lib/backtest/load.js';
import { chartForSignal } from '../../lib/core/chart-data.js';
import { toSignal } from '../../lib/core/signal.js';
import { resample } from '../../lib/core/strategies/higher.js';
import higherTrend from '../fixtures/strategies/higher-trend.js';

describe('signal chart of a multi-timeframe strategy', () => {
  const [series] = loadSeries('test/fixtures/ohlcv/ETH_BTC-5m.json');
  const candles = series!.candles;
  const params = higherTrend.params.parse({ fast: 5, slow: 13, trend: 6 });
  const intent = higherTrend.evaluateAll(candles, params, undefined, { timeframe: '5m' }).at(-1)!;
  const signal = toSignal({ strategy: 'higher-trend', exchange: 'binance', symbol: 'ETH/BTC', timeframe: '5m' }, intent);

  it("draws the 4h SMA line from the signal's timeframe; at the signal candle it is the value the signal saw", () => {
    const spec = chartForSignal({ candles, signal, strategy: higherTrend, params, count: 150 })!;
    assert.deepEqual(spec.lines.map((l) => l.name), ['EMA 5', 'EMA 13', '4h SMA 6']);
    const sma = spec.lines[2]!.values;
    assert.equal(sma.at(-1), Number((intent.indicators as Record<string, number>)['sma4h']!.toPrecision(10)));
  });

  it('with the context the scan passes (fetched 4h candles), the same line', () => {
    const higher = { '4h': resample(candles, '5m', '4h') };
    const a = chartForSignal({ candles, signal, strategy: higherTrend, params, count: 150 })!;
    const b = chartForSignal({ candles, signal, strategy: higherTrend, params, count: 150, context: { timeframe: '5m', higher } })!;
    assert.deepEqual(b.lines, a.lines);
  });
});
