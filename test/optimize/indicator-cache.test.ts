import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { candlesFromRows, type OhlcvRow } from '../../lib/core/candle.js';
import { IndicatorCache } from '../../lib/core/indicators/cache.js';
import { ema } from '../../lib/core/indicators/ema.js';
import { strategyRegistry } from '../../lib/core/strategies/index.js';
import { emaCross } from '../../lib/core/strategies/ema-cross.js';
import { createEvaluator } from '../../lib/optimize/evaluate.js';
import { expandGrid, parseGrid, validateSets } from '../../lib/optimize/grid.js';
import { loadCandles, loadRows } from '../core/reference.js';

const eth = loadCandles('ETH_BTC-5m.json');
// an illiquid pair: gaps, flat stretches (times re-spaced so the rows are a plain series)
const gappy = candlesFromRows(loadRows('GAPPY_BTC-1m.first2000.json').map((r, i): OhlcvRow => [i * 60_000, r[1], r[2], r[3], r[4], r[5]]));

const GRIDS: Record<string, string> = {
  'ema-cross': 'fast=3:12:3,slow=10:30:10,atr=7:14:7',
  'rsi-reversion': 'period=7:14:7,oversold=20:30:10,overbought=70:80:10',
  'bollinger-breakout': 'period=10:20:10,k=1.5:2.5:0.5,atr=14',
  'macd-trend': 'fast=8:12:2,slow=26,signal=5:9:2',
};

const setsOf = (name: string) => validateSets(strategyRegistry[name]!.params, expandGrid(parseGrid(GRIDS[name]!))).valid;

describe('IndicatorCache', () => {
  for (const name of Object.keys(GRIDS)) {
    it(`${name}: evaluateAll with one shared cache equals evaluateAll without, on every set and series`, () => {
      const strategy = strategyRegistry[name]!;
      const cache = new IndicatorCache();
      const sets = setsOf(name);
      assert.ok(sets.length >= 4);
      let signals = 0;
      for (const { params } of sets) {
        for (const c of [eth, gappy]) {
          const plain = strategy.evaluateAll(c, params);
          assert.deepEqual(strategy.evaluateAll(c, params, cache), plain, `${name} ${JSON.stringify(params)}`);
          signals += plain.length;
        }
      }
      assert.ok(signals > 0, 'the comparison saw signals');
      assert.ok(cache.stats().hits > 0, 'the cache was used');
    });
  }

  it('ema-cross fast=5:20 × slow=15:60:5 computes each distinct EMA and the ATR once per series', () => {
    const sets = validateSets(emaCross.params, expandGrid(parseGrid('fast=5:20:1,slow=15:60:5'))).valid;
    assert.equal(sets.length, 153);
    const cache = new IndicatorCache();
    for (const { params } of sets) for (const c of [eth, gappy]) emaCross.evaluateAll(c, params, cache);
    // periods 5..20 ∪ 15, 20, …, 60 = 16 + 10 − 2 shared (15, 20) = 24 EMAs, + ATR(14)
    const periods = [...new Set([...Array.from({ length: 16 }, (_, i) => 5 + i), ...Array.from({ length: 10 }, (_, i) => 15 + 5 * i)])].sort((a, b) => a - b);
    assert.equal(periods.length, 24);
    const expected = [...periods.map((p) => `ema(close,${p})`), 'atr(14)'].sort();
    assert.deepEqual(cache.keysFor(eth).sort(), expected);
    assert.deepEqual(cache.keysFor(gappy).sort(), expected);
    const stats = cache.stats();
    assert.equal(stats.computed, 2 * 25, 'one computation per distinct series × indicator');
    assert.equal(stats.hits, 2 * 3 * 153 - 2 * 25);
    assert.equal(stats.evicted, 0);
    assert.equal(stats.bytes, 25 * 8 * (eth.close.length + gappy.close.length));
  });

  it('keys by candles object: the same key on another series is another entry', () => {
    const cache = new IndicatorCache();
    const a = emaCross.evaluateAll(eth, emaCross.params.parse({}), cache);
    const b = emaCross.evaluateAll(gappy, emaCross.params.parse({}), cache);
    assert.deepEqual(b, emaCross.evaluateAll(gappy, emaCross.params.parse({})));
    assert.notDeepEqual(a, b);
    assert.equal(cache.stats().computed, 6);
  });

  it('macd-trend shares the MACD line across signal periods', () => {
    const cache = new IndicatorCache();
    for (const { params } of setsOf('macd-trend')) strategyRegistry['macd-trend']!.evaluateAll(eth, params, cache);
    const keys = cache.keysFor(eth);
    assert.equal(keys.filter((k) => k.startsWith('macd-line(')).length, 3, keys.join(' '));
    assert.equal(keys.filter((k) => k.startsWith('macd(')).length, 9);
    assert.equal(cache.stats().computed, 3 + 9 + 1);
    assert.equal(cache.stats().entries, 3 + 9 + 1);
  });

  it('stays within maxBytes, dropping the least recently used; results unchanged', () => {
    const bytes = 8 * eth.close.length;
    const cache = new IndicatorCache({ maxBytes: 3 * bytes });
    const sets = validateSets(emaCross.params, expandGrid(parseGrid('fast=5:8:1,slow=21:24:1'))).valid;
    for (const { params } of sets) {
      assert.deepEqual(emaCross.evaluateAll(eth, params, cache), emaCross.evaluateAll(eth, params));
      assert.ok(cache.stats().bytes <= 3 * bytes);
    }
    const s = cache.stats();
    assert.ok(s.evicted > 0, JSON.stringify(s));
    assert.equal(s.entries, 3);
    // LRU: the most recent key is kept and a hit on it computes nothing
    const before = cache.stats().computed;
    assert.deepEqual(cache.get(eth, 'ema(close,24)', () => ema(eth.close, 24)), ema(eth.close, 24));
    assert.equal(cache.stats().computed, before);
    // an entry larger than the bound is returned, not kept
    const tiny = new IndicatorCache({ maxBytes: 16 });
    assert.equal(tiny.get(eth, 'x', () => new Float64Array(4)).length, 4);
    assert.equal(tiny.stats().entries, 0);
    assert.throws(() => new IndicatorCache({ maxBytes: -1 }), { code: 'INDICATOR_INPUT' });
  });

  it("the optimizer's evaluator computes each indicator once per series for the whole grid", () => {
    const sets = validateSets(emaCross.params, expandGrid(parseGrid('fast=5:20:1,slow=15:60:5'))).valid;
    const evaluate = createEvaluator({ strategy: 'ema-cross', series: [{ symbol: 'ETH/BTC', timeframe: '5m', candles: eth }], folds: 1, stake: 100, feeRate: 0.001, slippageBps: 0, trailAtr: null, maxBars: null });
    for (const { index, params } of sets) evaluate({ index, params });
    assert.equal(evaluate.stats().computed, 25);
  });
});
