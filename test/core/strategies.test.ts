import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SignalIntent } from '../../lib/core/strategies/types.js';
import { getStrategy, strategyRegistry } from '../../lib/core/strategies/index.js';
import { userStrategies } from '../../strategies/index.js';
import { bollingerBreakout, bollingerBreakoutParams } from '../../lib/core/strategies/bollinger-breakout.js';
import { macdTrend, macdTrendParams } from '../../lib/core/strategies/macd-trend.js';
import { rsiReversion, rsiReversionParams } from '../../lib/core/strategies/rsi-reversion.js';
import { handCandles, prefix } from './reference.js';

const brief = (signals: SignalIntent[]) =>
  signals.map(({ side, index, entry, stop, target }) => ({ side, index, entry, stop, target }));

// handCandles: open = previous close, high/low one unit outside the body → TR = |Δclose| + 2.

describe('rsi-reversion', () => {
  // RSI(2) of 100,101,102,101,99,97,98: idx2 100, idx3 50, idx4 16.7, idx5 7.1, idx6 40.9
  // → short at 3 (100 → 50 crosses down through 70), long at 6 (7.1 → 40.9 crosses up through 30).
  // TR 3,3,3,4,4,3 → ATR(2): idx2 3, idx3 3, idx4 3.5, idx5 3.75, idx6 3.375.
  const c = handCandles([100, 101, 102, 101, 99, 97, 98]);
  const p = rsiReversionParams.parse({ period: 2, atr: 2 });

  it('fires short and long with exact brackets', () => {
    const all = rsiReversion.evaluateAll(c, p);
    assert.deepEqual(brief(all), [
      { side: 'short', index: 3, entry: 101, stop: 105.5, target: 92 },
      { side: 'long', index: 6, entry: 98, stop: 92.9375, target: 108.125 },
    ]);
    assert.deepEqual(all[0]!.indicators, { rsi: 50, atr: 3 });
    assert.ok(Math.abs(all[1]!.indicators.rsi! - (100 * 0.5625) / 1.375) < 1e-12);
    assert.equal(rsiReversion.evaluate(c, p, 98.5)?.entry, 98.5);
  });

  it('levels are parameters', () => {
    // with oversold 5 the dip to 7.1 never goes below it: no long
    const sides = rsiReversion.evaluateAll(c, rsiReversionParams.parse({ period: 2, atr: 2, oversold: 5 })).map((s) => s.side);
    assert.deepEqual(sides, ['short']);
  });

  it('params: defaults, oversold < overbought', () => {
    assert.deepEqual(rsiReversionParams.parse({}), { period: 14, oversold: 30, overbought: 70, atr: 14, stopAtr: 1.5, takeAtr: 3 });
    const r = rsiReversionParams.safeParse({ oversold: 70, overbought: 30 });
    assert.equal(r.success, false);
    assert.match(JSON.stringify(r.error?.issues), /oversold must be smaller than overbought/);
    assert.equal(rsiReversionParams.safeParse({ overbought: 100 }).success, false);
  });
});

describe('bollinger-breakout', () => {
  // BB(3, k 1) of 110,110,110,110,113,113,113,109:
  // idx3 band 110 ± 0; idx4 mean 111, σ √2 → upper 112.41 < 113 → LONG at 4 (close[3] 110 <= upper 110)
  // idx6 band 113 ± 0; idx7 mean 111.67, σ 1.886 → lower 109.78 > 109 → SHORT at 7.
  // TR 2,2,2,5,2,2,6 → ATR(2): idx4 3.5, idx7 4.1875.
  const c = handCandles([110, 110, 110, 110, 113, 113, 113, 109]);
  const p = bollingerBreakoutParams.parse({ period: 3, k: 1, atr: 2 });

  it('fires long and short with exact brackets', () => {
    const all = bollingerBreakout.evaluateAll(c, p);
    assert.deepEqual(brief(all), [
      { side: 'long', index: 4, entry: 113, stop: 107.75, target: 123.5 },
      { side: 'short', index: 7, entry: 109, stop: 115.28125, target: 96.4375 },
    ]);
    assert.deepEqual(all[0]!.indicators, { upper: 111 + Math.SQRT2, middle: 111, lower: 111 - Math.SQRT2, atr: 3.5 });
  });

  it('a wider band (k 3) does not fire', () => {
    assert.deepEqual(bollingerBreakout.evaluateAll(c, { ...p, k: 3 }), []);
  });

  it('params: defaults period 20, k 2', () => {
    assert.deepEqual(bollingerBreakoutParams.parse({}), { period: 20, k: 2, atr: 14, stopAtr: 1.5, takeAtr: 3 });
    assert.equal(bollingerBreakoutParams.safeParse({ k: 0 }).success, false);
  });
});

describe('macd-trend', () => {
  // MACD(2, 4, 2): flat at 100 (macd = signal = 0), then a rise (macd leads its signal up: LONG at
  // the first rising candle 8) and a fall (macd drops under the signal at the first falling candle 12).
  // TR 2 ×7 then 3,4,5,6,4 → ATR(2): idx8 2.5, idx12 4.53125.
  const c = handCandles([100, 100, 100, 100, 100, 100, 100, 100, 101, 103, 106, 110, 108, 104, 99]);
  const p = macdTrendParams.parse({ fast: 2, slow: 4, signal: 2, atr: 2 });

  it('fires long on the rise and short on the fall', () => {
    const all = macdTrend.evaluateAll(c, p);
    assert.deepEqual(brief(all), [
      { side: 'long', index: 8, entry: 101, stop: 97.25, target: 108.5 },
      { side: 'short', index: 12, entry: 108, stop: 114.796875, target: 94.40625 },
    ]);
    assert.ok(all[0]!.indicators.macd! > all[0]!.indicators.signal!);
    assert.ok(all[1]!.indicators.histogram! < 0);
    assert.equal(macdTrend.evaluate(prefix(c, 13), p)?.side, 'short');
  });

  it('params: defaults 12/26/9, fast < slow', () => {
    assert.deepEqual(macdTrendParams.parse({}), { fast: 12, slow: 26, signal: 9, atr: 14, stopAtr: 1.5, takeAtr: 3 });
    assert.equal(macdTrendParams.safeParse({ fast: 30 }).success, false);
  });
});

describe('flat series (common on illiquid pairs) never signal', () => {
  // Regression: the literal EMA x·k + ema·(1−k) drifts by 1 ulp on a constant series and made
  // ema-cross fire with stop = entry = target (found by the property test).
  for (const price of [0.0010000000000000037, 0.1, 0.3, 12345.678]) {
    it(`at ${price}`, () => {
      const c = handCandles(Array.from({ length: 80 }, () => price));
      const flat = { ...c, high: c.close, low: c.close };
      // the shipped strategies: the built-ins and the tutorial's rsi-trend (a user's own may signal on a flat series)
      for (const s of Object.values(strategyRegistry).filter((x) => x.origin !== 'user' || x.name === 'rsi-trend')) {
        for (const raw of [{}, { fast: 4, slow: 5, period: 3, signal: 2, atr: 1 }]) {
          const input = Object.fromEntries(Object.entries(raw).filter(([k]) => k in s.params.parse({})));
          // a value outside the strategy's own range (rsi-trend: atr >= 5) → its defaults
          const parsed = s.params.safeParse(input);
          const p = parsed.success ? parsed.data : s.params.parse({});
          assert.deepEqual(s.evaluateAll(flat, p), [], `${s.name} ${JSON.stringify(input)}`);
          assert.deepEqual(s.evaluateAll(c, p), [], `${s.name} with wicks`);
        }
      }
    });
  }
});

describe('registry', () => {
  it('holds every strategy under its own name, frozen', () => {
    // the four built-ins, then the user strategies of strategies/*.ts (issue 16)
    assert.deepEqual(Object.keys(strategyRegistry), ['ema-cross', 'rsi-reversion', 'bollinger-breakout', 'macd-trend', ...userStrategies.map((s) => s.name)]);
    assert.ok(Object.isFrozen(strategyRegistry));
    for (const [name, s] of Object.entries(strategyRegistry)) {
      assert.equal(s.name, name);
      assert.equal(getStrategy(name), s);
      assert.ok(s.description.length > 40);
      const params = s.params.parse({});
      assert.ok(s.warmup(params) > 1);
    }
  });

  it('getStrategy throws UNKNOWN_STRATEGY listing the allowed names', () => {
    for (const bad of ['ema_cross', 'toString', 'constructor', '']) {
      assert.throws(() => getStrategy(bad), {
        name: 'PermanentError',
        code: 'UNKNOWN_STRATEGY',
        message: /allowed: ema-cross, rsi-reversion, bollinger-breakout, macd-trend/,
      });
    }
  });
});
