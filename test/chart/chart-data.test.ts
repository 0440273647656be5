import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chartForClose, chartForSignal, inferTimeframeMs, lastIndexAtOrBefore, roundPrice } from '../../lib/core/chart-data.js';
import { bollinger, ema } from '../../lib/core/indicators/index.js';
import { toSignal } from '../../lib/core/signal.js';
import { getStrategy, STRATEGY_NAMES } from '../../lib/core/strategies/index.js';
import { PermanentError } from '../../lib/errors.js';
import { chartSpecSchema } from '../../lib/core/notification.js';
import { sliceCandles } from '../../lib/optimize/folds.js';
import { lastSignal, loadCandles } from './fixture.js';

const emaCross = getStrategy('ema-cross');

const slice = sliceCandles;

const nullable = (a: Float64Array, from: number, to: number): (number | null)[] =>
  Array.from(a.subarray(from, to), (v) => (Number.isNaN(v) ? null : roundPrice(v)));

describe('strategy lines (price-scale indicator series)', () => {
  const candles = loadCandles('ETH_BTC-5m.json', 500);

  it('ema-cross draws its fast and slow EMA, exactly the indicator functions', () => {
    const lines = emaCross.lines!(candles, emaCross.params.parse({ fast: 5, slow: 12 }));
    assert.deepEqual(
      lines.map((l) => l.name),
      ['EMA 5', 'EMA 12'],
    );
    assert.deepEqual(lines[0]!.values, ema(candles.close, 5));
    assert.deepEqual(lines[1]!.values, ema(candles.close, 12));
  });

  it('bollinger-breakout draws upper, middle and lower bands', () => {
    const s = getStrategy('bollinger-breakout');
    const lines = s.lines!(candles, s.params.parse({ period: 10, k: 2.5 }));
    const bands = bollinger(candles.close, 10, 2.5);
    assert.deepEqual(
      lines.map((l) => l.name),
      ['BB 10 upper', 'BB 10 middle', 'BB 10 lower'],
    );
    assert.deepEqual(
      lines.map((l) => l.values),
      [bands.upper, bands.middle, bands.lower],
    );
  });

  it('rsi-reversion and macd-trend have no price-scale line', () => {
    for (const name of ['rsi-reversion', 'macd-trend']) {
      const s = getStrategy(name);
      assert.deepEqual(s.lines!(candles, s.params.parse({})), [], name);
    }
  });

  it('every line is aligned with the candles and rejects ragged candles', () => {
    for (const name of STRATEGY_NAMES) {
      const s = getStrategy(name);
      for (const l of s.lines!(candles, s.params.parse({}))) assert.equal(l.values.length, candles.close.length, `${name} ${l.name}`);
      assert.throws(() => s.lines!({ ...candles, high: candles.high.slice(1) }, s.params.parse({})), { code: 'INVALID_CANDLE' });
    }
  });
});

describe('chartForSignal', () => {
  const { candles, signal } = lastSignal('ETH_BTC-5m.json', 'ETH/BTC', 'ema-cross');
  const end = candles.time.indexOf(signal.candleTime);

  it('shows the last `count` candles up to the signal candle, with entry/stop/target and a valid schema', () => {
    const spec = chartForSignal({ candles, signal, strategy: emaCross, params: {}, count: 150, priceDecimals: 6 })!;
    assert.equal(spec.title, `ETH/BTC · 5m · ema-cross · ${signal.side.toUpperCase()}`);
    assert.equal(spec.timeframeMs, 300_000);
    assert.equal(spec.candles.length, 150);
    assert.equal(spec.candles.at(-1)![0], signal.candleTime);
    assert.equal(spec.candles[0]![0], candles.time[end - 149]);
    const i = end - 10;
    assert.deepEqual(spec.candles[139], [candles.time[i], candles.open[i], candles.high[i], candles.low[i], candles.close[i]]);
    assert.deepEqual(spec.levels, { entry: roundPrice(signal.entry), stop: roundPrice(signal.stop), target: roundPrice(signal.target) });
    assert.equal(spec.priceDecimals, 6);
    assert.deepEqual(chartSpecSchema.parse(spec), spec);
    assert.ok(JSON.stringify(spec).length < 20_000, 'small enough for a queue message');
  });

  it('slices the lines to the same window (warmed up on all candles given)', () => {
    const spec = chartForSignal({ candles, signal, strategy: emaCross, params: {}, count: 150 })!;
    assert.deepEqual(spec.lines[0], { name: 'EMA 9', values: nullable(ema(candles.close, 9), end - 149, end + 1) });
    assert.deepEqual(spec.lines[1], { name: 'EMA 21', values: nullable(ema(candles.close, 21), end - 149, end + 1) });
    assert.ok(spec.lines.every((l) => l.values.every((v) => v !== null)));
  });

  it('ends at the signal candle even when later candles are given; is deterministic', () => {
    const more = loadCandles('ETH_BTC-5m.json', 1200);
    const a = chartForSignal({ candles: more, signal, strategy: emaCross, params: {}, count: 150 });
    const b = chartForSignal({ candles, signal, strategy: emaCross, params: {}, count: 150 });
    assert.deepEqual(a, b);
  });

  it('puts null where an indicator is not defined yet (window at the series start)', () => {
    const short = slice(candles, end - 29, end + 1); // 30 candles: EMA 21 defined from index 20
    const spec = chartForSignal({ candles: short, signal, strategy: emaCross, params: {}, count: 150 })!;
    assert.equal(spec.candles.length, 30);
    assert.deepEqual(spec.lines[1]!.values.slice(0, 20), new Array(20).fill(null));
    assert.equal(spec.lines[1]!.values[20], roundPrice(ema(short.close, 21)[20]!));
    assert.deepEqual(chartSpecSchema.parse(spec), spec);
  });

  it('clamps count to 2..300 and rounds prices to 10 significant digits', () => {
    assert.equal(chartForSignal({ candles, signal, strategy: emaCross, params: {}, count: 5000 })!.candles.length, 300);
    assert.equal(chartForSignal({ candles, signal, strategy: emaCross, params: {}, count: 1 })!.candles.length, 2);
    assert.equal(chartForSignal({ candles, signal, strategy: emaCross, params: {}, count: Number.NaN })!.candles.length, 2);
    assert.equal(roundPrice(0.1 + 0.2), 0.3);
    assert.equal(roundPrice(0.09383371001234), 0.09383371001);
  });

  it('returns undefined with fewer than 2 candles or when the signal candle is missing', () => {
    const one = slice(candles, end, end + 1);
    assert.equal(chartForSignal({ candles: one, signal, strategy: emaCross, params: {}, count: 150 }), undefined);
    const before = slice(candles, 0, end);
    assert.equal(chartForSignal({ candles: before, signal, strategy: emaCross, params: {}, count: 150 }), undefined);
    const odd = toSignal({ strategy: 'ema-cross', exchange: 'binance', symbol: 'ETH/BTC', timeframe: '5m' }, { side: 'long', index: 0, candleTime: signal.candleTime + 1, entry: 1, stop: 0.9, target: 1.2, indicators: {} });
    assert.equal(chartForSignal({ candles, signal: odd, strategy: emaCross, params: {}, count: 150 }), undefined);
  });

  it('throws PermanentError CHART_DATA_INVALID (cause: the zod error) on data that cannot form a chart', () => {
    const rsi = getStrategy('rsi-reversion'); // no lines: the bad high reaches the schema
    const high = [...candles.high];
    high[end] = Number.POSITIVE_INFINITY;
    assert.throws(
      () => chartForSignal({ candles: { ...candles, high }, signal, strategy: rsi, params: {}, count: 150 }),
      (e: unknown) => e instanceof PermanentError && e.code === 'CHART_DATA_INVALID' && e.cause !== undefined,
    );
    const bad = { ...signal, entry: Number.NaN };
    assert.throws(() => chartForSignal({ candles, signal: bad, strategy: emaCross, params: {}, count: 150 }), { code: 'CHART_DATA_INVALID' });
    assert.throws(() => chartForSignal({ candles, signal, strategy: emaCross, params: {}, count: 150, priceDecimals: 13 }), { code: 'CHART_DATA_INVALID' });
  });

  it('rejects invalid strategy params (parsed with the strategy schema)', () => {
    assert.throws(() => chartForSignal({ candles, signal, strategy: emaCross, params: { fast: 30, slow: 10 }, count: 150 }));
  });
});

describe('chartForClose', () => {
  const candles = loadCandles('ADA_BTC-5m.json', 1000);
  const s = getStrategy('bollinger-breakout');
  const base = { candles, strategy: s, params: {}, count: 100, title: 'ADA/BTC closed', entry: 5.3e-5, stop: 5.2e-5, target: 5.6e-5, exit: 5.35e-5 };

  it('ends at the exit candle, carries all four levels and three band lines', () => {
    const spec = chartForClose({ ...base, exitTime: candles.time[700]!, timeframeMs: 300_000 })!;
    assert.equal(spec.candles.length, 100);
    assert.equal(spec.candles.at(-1)![0], candles.time[700]);
    assert.equal(spec.candles[0]![0], candles.time[601]);
    assert.deepEqual(spec.levels, { entry: 5.3e-5, stop: 5.2e-5, target: 5.6e-5, exit: 5.35e-5 });
    assert.deepEqual(
      spec.lines.map((l) => l.name),
      ['BB 20 upper', 'BB 20 middle', 'BB 20 lower'],
    );
    assert.deepEqual(spec.lines[2]!.values, nullable(bollinger(candles.close, 20, 2).lower, 601, 701));
    assert.deepEqual(chartSpecSchema.parse(spec), spec);
  });

  it('uses the candle containing an unaligned exit time, infers the timeframe despite gaps', () => {
    const spec = chartForClose({ ...base, exitTime: candles.time[700]! + 123_456 })!;
    assert.equal(spec.candles.at(-1)![0], candles.time[700]);
    assert.equal(spec.timeframeMs, 300_000);
    assert.equal(inferTimeframeMs([0, 600, 900, 1500]), 300);
    assert.equal(inferTimeframeMs([5]), undefined);
  });

  it('returns undefined when the exit is before the candles or only one candle is in the window', () => {
    assert.equal(chartForClose({ ...base, exitTime: candles.time[0]! - 1 }), undefined);
    assert.equal(chartForClose({ ...base, exitTime: candles.time[0]! }), undefined);
    assert.equal(lastIndexAtOrBefore([10, 20, 30], 25), 1);
    assert.equal(lastIndexAtOrBefore([10, 20, 30], 30), 2);
    assert.equal(lastIndexAtOrBefore([], 30), -1);
  });

  it('throws CHART_DATA_INVALID on a non-finite level or an empty title', () => {
    assert.throws(() => chartForClose({ ...base, exit: Number.NaN, exitTime: candles.time[700]! }), { code: 'CHART_DATA_INVALID' });
    assert.throws(() => chartForClose({ ...base, title: '', exitTime: candles.time[700]! }), { code: 'CHART_DATA_INVALID' });
  });
});
