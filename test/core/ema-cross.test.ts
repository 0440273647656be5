import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { emaCross, emaCrossParams } from '../../lib/core/strategies/ema-cross.js';
import { handCandles, loadCandles, prefix, refEma, refEmaCross } from './reference.js';

describe('ema-cross params', () => {
  it('defaults: fast 9, slow 21, atr 14, stopAtr 1.5, takeAtr 3', () => {
    assert.deepEqual(emaCrossParams.parse({}), { fast: 9, slow: 21, atr: 14, stopAtr: 1.5, takeAtr: 3 });
    assert.equal(emaCross.warmup(emaCrossParams.parse({})), 22);
  });
  it('rejects fast >= slow with a clear message, bad periods, non-positive multipliers, unknown keys', () => {
    const fail = (input: unknown, message: RegExp) => {
      const r = emaCrossParams.safeParse(input);
      assert.equal(r.success, false, JSON.stringify(input));
      assert.match(JSON.stringify(r.error?.issues), message);
    };
    fail({ fast: 21, slow: 21 }, /fast period must be smaller than slow period/);
    fail({ fast: 0 }, /too_small/);
    fail({ slow: 20.5 }, /expected int/);
    fail({ stopAtr: 0 }, /too_small/);
    fail({ takeAtr: -1 }, /too_small/);
    fail({ fats: 3 }, /Unrecognized key/);
  });
});

describe('ema-cross on a hand-made series', () => {
  // p = fast 2 (k 2/3), slow 3 (k 1/2), atr 2. closes 110,110,110,110,108,108,112,113; open[7] = 112.4
  // fast: idx1 110, 110, 110, 108.667, 108.222, 110.741 | slow: idx2 110, 110, 109, 108.5, 110.25
  // → idx4: fast 108.667 < slow 109 after equality at idx3 → SHORT; idx6: 110.741 > 110.25 → LONG.
  // TR = |Δ| + 2 (2,2,2,4,2,6 at idx1..6) → ATR(2): idx2 2, idx3 2, idx4 3, idx5 2.5, idx6 4.25.
  const p = emaCrossParams.parse({ fast: 2, slow: 3, atr: 2 });
  const c = handCandles([110, 110, 110, 110, 108, 108, 112, 113], { 7: 112.4 });

  it('evaluateAll finds the short at 4 and the long at 6 with exact entry/stop/target', () => {
    const all = emaCross.evaluateAll(c, p);
    assert.deepEqual(
      all.map(({ side, index, candleTime, entry, stop, target }) => ({ side, index, candleTime, entry, stop, target })),
      [
        { side: 'short', index: 4, candleTime: c.time[4], entry: 108, stop: 112.5, target: 99 },
        { side: 'long', index: 6, candleTime: c.time[6], entry: 112.4, stop: 112.4 - 6.375, target: 112.4 + 12.75 },
      ],
    );
    assert.equal(all[0]!.indicators.atr, 3);
    assert.equal(all[0]!.indicators.slow, 109);
    assert.ok(Math.abs(all[0]!.indicators.fast! - 108 - 2 / 3) < 1e-12);
    assert.equal(all[1]!.indicators.atr, 4.25);
  });

  it('evaluate on the last candle uses nextOpen, else the last close', () => {
    const upTo6 = prefix(c, 7);
    assert.equal(emaCross.evaluate(upTo6, p)?.entry, 112);
    assert.equal(emaCross.evaluate(upTo6, p)?.stop, 112 - 6.375);
    assert.equal(emaCross.evaluate(upTo6, p, 112.4)?.target, 112.4 + 12.75);
    assert.equal(emaCross.evaluate(prefix(c, 6), p), null);
    assert.equal(emaCross.evaluate(prefix(c, 5), p)?.side, 'short');
    assert.equal(emaCross.evaluate(c, p), null);
  });

  it('rejects a bad nextOpen and misaligned columns', () => {
    assert.throws(() => emaCross.evaluate(c, p, Number.NaN), { code: 'INVALID_CANDLE', message: /nextOpen/ });
    assert.throws(() => emaCross.evaluate(c, p, 0), { code: 'INVALID_CANDLE' });
    assert.throws(() => emaCross.evaluateAll({ ...c, open: c.open.slice(1) }, p), { code: 'INVALID_CANDLE', message: /open has 7 values, expected 8/ });
    assert.throws(() => emaCross.evaluateAll({ ...c, open: [...c.open.slice(0, 7), Infinity] }, p), { code: 'INVALID_CANDLE', message: /open\[7\] is Infinity/ });
    assert.throws(() => emaCross.evaluateAll({ ...c, close: [...c.close.slice(0, 7), Number.NaN] }, p), { code: 'INDICATOR_INPUT' });
  });

  it('too few candles → null / no signals, never a throw', () => {
    assert.equal(emaCross.evaluate(prefix(c, 0), p), null);
    assert.equal(emaCross.evaluate(prefix(c, 1), p), null);
    assert.deepEqual(emaCross.evaluateAll(prefix(c, 3), p), []);
  });
});

describe('ema-cross on real data (ETH_BTC-5m) against the reference', () => {
  const eth = loadCandles('ETH_BTC-5m.json');

  for (const input of [{}, { fast: 5, slow: 13, atr: 7, stopAtr: 2, takeAtr: 2.5 }]) {
    it(`params ${JSON.stringify(input)}: same signals`, () => {
      const p = emaCrossParams.parse(input);
      const got = emaCross.evaluateAll(eth, p);
      const want = refEmaCross(eth, p);
      assert.ok(want.length > 50, `reference found ${want.length} signals`);
      assert.equal(got.length, want.length);
      assert.deepEqual(
        got.map((s) => `${s.side}@${s.index}`),
        want.map((s) => `${s.side}@${s.index}`),
      );
      for (const [i, s] of got.entries()) {
        const r = want[i]!;
        assert.equal(s.entry, r.entry);
        assert.ok(Math.abs(s.stop - r.stop) <= 1e-12 * r.entry, `stop of signal ${i}`);
        assert.ok(Math.abs(s.target - r.target) <= 1e-12 * r.entry, `target of signal ${i}`);
        assert.equal(s.candleTime, eth.time[s.index]);
      }
    });
  }

  it('a reference with the literal textbook EMA (Σx/p seed, x·k + ema·(1−k)) agrees too, on both fixtures', () => {
    const p = emaCrossParams.parse({});
    for (const c of [eth, loadCandles('GAPPY_BTC-1m.first2000.json')]) {
      const literal = refEmaCross(c, p, undefined, refEma).map((s) => `${s.side}@${s.index}`);
      assert.deepEqual(emaCross.evaluateAll(c, p).map((s) => `${s.side}@${s.index}`), literal);
    }
  });

  it('default params: the first signals, exactly', () => {
    const got = emaCross.evaluateAll(eth, emaCrossParams.parse({})).slice(0, 3);
    const want = refEmaCross(eth, emaCrossParams.parse({})).slice(0, 3);
    assert.deepEqual(
      got.map(({ side, index, entry, stop, target }) => ({ side, index, entry, stop, target })),
      want,
    );
  });
});
