/**
 * Higher timeframes through the kit: ctx.higher(tf) resamples the candles (backtest) or takes
 * the fetched ones (live), and only closed higher candles are visible — so evaluate on every
 * prefix equals evaluateAll, and handing the whole higher series (future candles included)
 * changes nothing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IndicatorCache } from '../../lib/core/indicators/cache.js';
import { resample } from '../../lib/core/strategies/higher.js';
import { atrBracket, defineStrategy, param, z } from '../../lib/core/strategies/kit.js';
import { loadCandles, prefix } from './reference.js';

const trend = defineStrategy({
  name: 'kit-higher-test',
  description: 'Test only: long when the 5m close crosses above the 1h EMA, short below.',
  params: z.strictObject({ ema: param.int(3, { min: 1, max: 50 }), ...atrBracket.fields() }),
  warmup: (p) => Math.max(12 * (p.ema + 1), p.atr + 1),
  indicators: (_c, p, ctx) => {
    const h = ctx.higher('1h');
    return { trend: h.align(h.ta.ema(p.ema)) };
  },
  entry: (ind, i, c) => {
    if (c.close[i - 1]! <= ind.trend[i - 1]! && c.close[i]! > ind.trend[i]!) return 'long';
    if (c.close[i - 1]! >= ind.trend[i - 1]! && c.close[i]! < ind.trend[i]!) return 'short';
    return null;
  },
  bracket: atrBracket,
  higher: [{ timeframe: '1h', candles: (p) => p.ema + 1 }],
});

const c = prefix(loadCandles('ETH_BTC-5m.json'), 700);
const p = trend.params.parse({});
const ctx = { timeframe: '5m' as const };

describe('kit: higher timeframes', () => {
  it('evaluate on every prefix equals evaluateAll; the whole higher series handed in changes nothing', () => {
    const all = trend.evaluateAll(c, p, undefined, ctx);
    assert.ok(all.length > 5, `${all.length} signals`);
    const fetched = { ...ctx, higher: { '1h': resample(c, '5m', '1h') } };
    assert.deepEqual(trend.evaluateAll(c, p, undefined, fetched), all);
    const byIndex = new Map(all.map((s) => [s.index, s]));
    for (let i = 1; i < c.close.length; i++) {
      const head = prefix(c, i + 1);
      const next = i + 1 < c.close.length ? c.open[i + 1] : undefined;
      const expected = byIndex.get(i) ?? null;
      assert.deepEqual(trend.evaluate(head, p, next, ctx), expected, `candle ${i}`);
      if (i % 7 === 0) assert.deepEqual(trend.evaluate(head, p, next, fetched), expected, `candle ${i}, future 1h candles given`);
    }
  });

  it('the first trend value appears when the first full hour has closed, not before', () => {
    const s = trend.evaluateAll(c, p, undefined, ctx);
    const firstHourEnd = Math.floor(c.time[0]! / 3_600_000) * 3_600_000 + 3_600_000;
    for (const x of s) assert.ok(x.candleTime + 300_000 >= firstHourEnd + 2 * 3_600_000, 'EMA(3) of closed hours needs 3 closed hours');
    assert.ok(Number.isFinite(s[0]!.indicators.trend));
  });

  it('memoises the resample and the alignment in the cache; same result', () => {
    const cache = new IndicatorCache();
    assert.deepEqual(trend.evaluateAll(c, p, cache, ctx), trend.evaluateAll(c, p, undefined, ctx));
    assert.deepEqual(trend.evaluateAll(c, p, cache, ctx), trend.evaluateAll(c, p, undefined, ctx));
    assert.ok(cache.keysFor(c).includes('resample(1h)'));
    assert.ok(cache.keysFor(c).includes('align(1h)'));
    assert.ok(cache.stats().hits >= 3);
  });

  it('refuses an undeclared timeframe, a missing context.timeframe, a higher one that is not a strict multiple', () => {
    const undeclared = defineStrategy({
      name: 'kit-undeclared',
      description: 'Test only.',
      params: z.strictObject({ ...atrBracket.fields() }),
      warmup: () => 2,
      indicators: (_c, _p, x) => ({ h: x.higher('4h').align(x.higher('4h').candles.close) }),
      entry: () => null,
      bracket: atrBracket,
      higher: [{ timeframe: '1h', candles: () => 2 }],
    });
    assert.throws(() => undeclared.evaluateAll(c, undeclared.params.parse({}), undefined, ctx), { code: 'BAD_STRATEGY', message: /"kit-undeclared": ctx\.higher\('4h'\) is not declared in higher \(declared: 1h\)/ });
    assert.throws(() => trend.evaluateAll(c, p), { code: 'BAD_STRATEGY', message: /"kit-higher-test": reads the 1h timeframe: evaluate it with context\.timeframe/ });
    assert.throws(() => trend.evaluateAll(c, p, undefined, { timeframe: '1h' }), { code: 'BAD_HIGHER_TIMEFRAME' });
  });
});
