import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ATR as TiATR, EMA as TiEMA, RSI as TiRSI } from 'technicalindicators';
import { atr, bollinger, ema, macd, rsi } from '../../lib/core/indicators/index.js';
import {
  assertSeriesClose,
  loadCandles,
  prefix,
  refAtr,
  refBollinger,
  refEma,
  refMacd,
  refRsi,
} from './reference.js';

const eth = loadCandles('ETH_BTC-5m.json');
const gappy = loadCandles('GAPPY_BTC-1m.first2000.json'); // many flat candles and repeated closes
const datasets = [
  ['ETH_BTC-5m', eth],
  ['GAPPY_BTC-1m', gappy],
] as const;

const firstDefined = (xs: ArrayLike<number>) => Array.prototype.findIndex.call(xs, (v: number) => !Number.isNaN(v));

describe('indicators equal the independent reference on real data (1e-9 relative)', () => {
  for (const [name, c] of datasets) {
    it(`${name}: EMA`, () => {
      for (const p of [1, 2, 9, 21, 50, 200]) assertSeriesClose(ema(c.close, p), refEma(c.close, p), `EMA${p}`);
    });
    it(`${name}: ATR`, () => {
      for (const p of [1, 2, 14, 50]) assertSeriesClose(atr(c.high, c.low, c.close, p), refAtr(c, p), `ATR${p}`);
    });
    it(`${name}: RSI`, () => {
      for (const p of [2, 14, 30]) assertSeriesClose(rsi(c.close, p), refRsi(c.close, p), `RSI${p}`);
    });
    it(`${name}: Bollinger`, () => {
      for (const [p, k] of [[20, 2], [5, 1.5], [2, 3]] as const) {
        const got = bollinger(c.close, p, k);
        const want = refBollinger(c.close, p, k);
        assertSeriesClose(got.middle, want.middle, `BB${p} middle`);
        assertSeriesClose(got.upper, want.upper, `BB${p} upper`);
        assertSeriesClose(got.lower, want.lower, `BB${p} lower`);
      }
    });
    it(`${name}: MACD (TA-Lib seeding)`, () => {
      for (const [f, s, g] of [[12, 26, 9], [3, 7, 4], [1, 2, 1]] as const) {
        const got = macd(c.close, f, s, g);
        const want = refMacd(c.close, f, s, g);
        // MACD is a difference of prices: tolerance relative to max(|value|, 1e-6) (prices ~1e-3..1e-1)
        assertSeriesClose(got.macd, want.macd, `MACD${f}/${s} line`, 1e-9, 1e-6);
        assertSeriesClose(got.signal, want.signal, `MACD${f}/${s}/${g} signal`, 1e-9, 1e-6);
        assertSeriesClose(got.histogram, want.histogram, `MACD${f}/${s}/${g} histogram`, 1e-9, 1e-6);
      }
    });
  }
});

describe('hand-computed values', () => {
  it('EMA(3): seed = mean of first 3, k = 0.5', () => {
    assert.deepEqual([...ema([1, 2, 3, 4, 5], 3)], [NaN, NaN, 2, 3, 4]);
  });
  it('ATR(2): TR from index 1, first ATR = mean(TR[1..2]), then Wilder', () => {
    // TR: -, max(2,|12-10|,|10-10|)=2, max(4,|15-11|,|11-11|)=4, max(1,|13-14|,|12-14|)=2
    const high = [11, 12, 15, 13];
    const low = [9, 10, 11, 12];
    const close = [10, 11, 14, 12];
    assert.deepEqual([...atr(high, low, close, 2)], [NaN, NaN, 3, 2.5]);
  });
  it('RSI(2): TA-Lib seeding; a flat stretch reads 50 (TA-Lib would say 0)', () => {
    // changes +1, -1 → avg gain 0.5, loss 0.5 → 50; then +2 → g = 1.25, l = 0.25 → 83.33…
    assertSeriesClose(rsi([10, 11, 10, 12], 2), [NaN, NaN, 50, (100 * 1.25) / 1.5], 'RSI2');
    assert.deepEqual([...rsi([5, 5, 5, 5, 5], 3)], [NaN, NaN, NaN, 50, 50]);
    assert.deepEqual([...rsi([5, 6, 7, 8], 2)], [NaN, NaN, 100, 100]);
  });
  it('Bollinger: population σ', () => {
    const b = bollinger([110, 110, 113], 3, 1);
    assert.equal(b.middle[2], 111);
    assert.equal(b.upper[2], 111 + Math.SQRT2);
    assert.equal(b.lower[2], 111 - Math.SQRT2);
    assert.deepEqual([...bollinger([7, 7, 7], 3, 2).upper], [NaN, NaN, 7]);
  });
  it('MACD: the fast EMA is seeded with the mean of the `fast` values ending at slow − 1', () => {
    // fast 1 → fast EMA = the close itself; slow 2 → seed mean(1, 3) = 2 at index 1, k = 2/3
    const m = macd([1, 3, 6], 1, 2, 1);
    assertSeriesClose(m.macd, [NaN, 3 - 2, 6 - (6 * (2 / 3) + 2 * (1 / 3))], 'macd');
    assertSeriesClose(m.signal, [NaN, 1, 6 - (6 * (2 / 3) + 2 * (1 / 3))], 'signal');
  });
});

describe('first defined index (documented in each file)', () => {
  it('EMA p−1, ATR p, RSI p, BB p−1, MACD line slow−1 and signal slow+signal−2', () => {
    assert.equal(firstDefined(ema(eth.close, 21)), 20);
    assert.equal(firstDefined(atr(eth.high, eth.low, eth.close, 14)), 14);
    assert.equal(firstDefined(rsi(eth.close, 14)), 14);
    assert.equal(firstDefined(bollinger(eth.close, 20, 2).upper), 19);
    const m = macd(eth.close, 12, 26, 9);
    assert.equal(firstDefined(m.macd), 25);
    assert.equal(firstDefined(m.signal), 33);
    assert.equal(firstDefined(m.histogram), 33);
  });

  it('values on a prefix equal the values on the whole series (causal)', () => {
    const full = { e: ema(eth.close, 9), a: atr(eth.high, eth.low, eth.close, 14), r: rsi(eth.close, 14), m: macd(eth.close, 12, 26, 9) };
    for (const end of [40, 777, 3000]) {
      const c = prefix(eth, end);
      assert.deepEqual(ema(c.close, 9), full.e.slice(0, end));
      assert.deepEqual(atr(c.high, c.low, c.close, 14), full.a.slice(0, end));
      assert.deepEqual(rsi(c.close, 14), full.r.slice(0, end));
      assert.deepEqual(macd(c.close, 12, 26, 9).signal, full.m.signal.slice(0, end));
    }
  });
});

describe('guards', () => {
  const bad = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const v of bad) {
    it(`throws INDICATOR_INPUT on ${v} input, naming the index`, () => {
      const xs = [1, 2, v, 4, 5];
      const ok = [1, 2, 3, 4, 5];
      const msg = new RegExp(`\\[2\\] is ${v}; every input value must be a finite number`);
      assert.throws(() => ema(xs, 2), { name: 'PermanentError', code: 'INDICATOR_INPUT', message: msg });
      assert.throws(() => rsi(xs, 2), { code: 'INDICATOR_INPUT', message: msg });
      assert.throws(() => bollinger(xs, 2, 2), { code: 'INDICATOR_INPUT', message: msg });
      assert.throws(() => macd(xs, 1, 2, 1), { code: 'INDICATOR_INPUT', message: msg });
      assert.throws(() => atr(xs, ok, ok, 2), { code: 'INDICATOR_INPUT', message: /ATR: high\[2\]/ });
      assert.throws(() => atr(ok, xs, ok, 2), { code: 'INDICATOR_INPUT', message: /ATR: low\[2\]/ });
      assert.throws(() => atr(ok, ok, xs, 2), { code: 'INDICATOR_INPUT', message: /ATR: close\[2\]/ });
    });
  }

  it('throws even when the bad value is beyond what a short series would use', () => {
    assert.throws(() => ema([Number.NaN], 5), { code: 'INDICATOR_INPUT' });
  });

  it('throws INDICATOR_INPUT on a period that is < 1 or not an integer', () => {
    for (const p of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const msg = /period must be an integer >= 1/;
      assert.throws(() => ema([1, 2, 3], p), { code: 'INDICATOR_INPUT', message: msg });
      assert.throws(() => atr([1], [1], [1], p), { code: 'INDICATOR_INPUT', message: msg });
      assert.throws(() => rsi([1, 2, 3], p), { code: 'INDICATOR_INPUT', message: msg });
      assert.throws(() => bollinger([1, 2, 3], p, 2), { code: 'INDICATOR_INPUT', message: msg });
      assert.throws(() => macd([1, 2, 3], 1, 2, p), { code: 'INDICATOR_INPUT', message: msg });
    }
  });

  it('throws on mismatched ATR lengths, MACD fast >= slow, Bollinger k < 0', () => {
    assert.throws(() => atr([1, 2], [1], [1, 2], 1), { code: 'INDICATOR_INPUT', message: /low has 1 values, expected 2/ });
    assert.throws(() => macd([1, 2, 3], 3, 3, 1), { code: 'INDICATOR_INPUT', message: /fast period \(3\) must be < slow period \(3\)/ });
    assert.throws(() => bollinger([1, 2, 3], 2, -1), { code: 'INDICATOR_INPUT', message: /k must be a finite number >= 0/ });
  });

  it('a series shorter than needed gives all NaN of the same length (not a throw)', () => {
    const allNaN = (xs: ArrayLike<number>, n: number) => {
      assert.equal(xs.length, n);
      assert.ok(Array.prototype.every.call(xs, Number.isNaN));
    };
    const x = eth.close.slice(0, 20);
    allNaN(ema(x, 21), 20);
    allNaN(ema([], 3), 0);
    allNaN(atr(eth.high.slice(0, 14), eth.low.slice(0, 14), eth.close.slice(0, 14), 14), 14);
    allNaN(rsi(eth.close.slice(0, 14), 14), 14);
    allNaN(bollinger(eth.close.slice(0, 19), 20, 2).upper, 19);
    const m = macd(eth.close.slice(0, 33), 12, 26, 9);
    allNaN(m.signal, 33);
    allNaN(macd(eth.close.slice(0, 25), 12, 26, 9).macd, 25);
  });
});

/** The measured facts behind the choices written in lib/core/indicators/index.ts. */
describe('measured reasons for the implementation choices', () => {
  const maxRel = (got: readonly number[], want: readonly number[]) => {
    let m = 0;
    for (let i = 0; i < got.length; i++) m = Math.max(m, Math.abs(got[i]! - want[i]!) / Math.abs(want[i]!));
    return m;
  };
  const tail = (xs: readonly number[], from: number) => xs.slice(from);

  it('technicalindicators EMA and ATR match the definitions (so only speed rules them out)', () => {
    const e = TiEMA.calculate({ period: 21, values: [...eth.close] });
    assert.ok(maxRel(e, tail(refEma(eth.close, 21), 20)) < 1e-12);
    const a = TiATR.calculate({ period: 14, high: [...eth.high], low: [...eth.low], close: [...eth.close] });
    assert.ok(maxRel(a, tail(refAtr(eth, 14), 14)) < 1e-12);
  });

  it('technicalindicators RSI is rounded to 2 decimals (off by more than 1e-4 relative)', () => {
    const r = TiRSI.calculate({ period: 14, values: [...eth.close] });
    assert.ok(maxRel(r, tail(refRsi(eth.close, 14), 14)) > 1e-4);
    assert.ok(r.every((v) => Math.round(v * 100) === v * 100 || Math.abs(Math.round(v * 100) - v * 100) < 1e-9));
  });
});
