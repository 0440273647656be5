/**
 * lib/strategy-check (the library behind `npm run strategy:check`): the lookahead check catches
 * the deliberately peeking fixtures naming their candles, passes the built-ins on real data, and is
 * exact; the warm-up check catches a declared warm-up that is too short and signals that change
 * with more history than the live scan has.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Candles } from '../../lib/core/candle.js';
import { atrBracket, defineStrategy, param, z } from '../../lib/core/strategies/kit.js';
import { bollingerBreakout, emaCross, macdTrend, rsiReversion } from '../../lib/core/strategies/index.js';
import type { Strategy } from '../../lib/core/strategies/types.js';
import { checkedRange, checkStrategy } from '../../lib/strategy-check/check.js';
import { window } from '../../lib/strategy-check/compare.js';
import type { CheckableStrategy } from '../../lib/strategy-check/types.js';
import { loadCandles } from '../core/reference.js';
import higherForming from '../fixtures/strategies/higher-forming.js';
import higherTrend from '../fixtures/strategies/higher-trend.js';
import peeking from '../fixtures/strategies/peeking.js';
import peekingHandwritten from '../fixtures/strategies/peeking-handwritten.js';
import shortWarmup from '../fixtures/strategies/short-warmup.js';

const ETH = loadCandles('ETH_BTC-5m.json');
const SLICE = window(ETH, 0, 1500);

function check(strategy: CheckableStrategy & { params: { parse(v: unknown): unknown } }, candles: Candles, extra: Partial<Parameters<typeof checkStrategy>[0]> & { raw?: Record<string, unknown> } = {}) {
  const { raw, ...rest } = extra;
  return checkStrategy({ strategy, params: strategy.params.parse(raw ?? {}) as object, candles, context: { timeframe: '5m' }, ...rest });
}

describe('strategy check: lookahead', () => {
  it('catches the peeking fixture (entry reads close[i + 1]) at exactly the candles where the whole series signals, naming each', () => {
    const r = check(peeking, SLICE);
    const p = peeking.params.parse({});
    const whole = peeking.evaluateAll(SLICE, p, undefined, { timeframe: '5m' }).filter((s) => s.index >= r.from);
    assert.ok(whole.length > 100, 'the fixture signals on real data');
    assert.equal(r.ok, false);
    assert.deepEqual(r.lookahead.map((f) => f.index), whole.map((s) => s.index));
    for (const f of r.lookahead) {
      assert.equal(f.what, 'signal');
      assert.equal(f.time, SLICE.time[f.index]);
      assert.deepEqual(f.changed, ['presence']);
      assert.equal(f.prefix, 'no signal');
      assert.match(f.whole, /^(long|short) entry /);
    }
  });

  it('catches the hand-written peeking Strategy (centred mean): entry, stop or presence differ', () => {
    const r = check(peekingHandwritten, SLICE);
    assert.equal(r.ok, false);
    assert.ok(r.lookahead.length > 100);
    const first = r.lookahead[0]!;
    assert.equal(first.time, SLICE.time[first.index]);
    assert.ok(first.index >= r.from);
  });

  it('catches a higher timeframe read from the forming candle; the same strategy reading closed candles (align) is clean', () => {
    const bad = check(higherForming, SLICE);
    assert.equal(bad.ok, false);
    assert.ok(bad.lookahead.length > 0);
    const good = check(higherForming, SLICE, { raw: { peek: false } });
    assert.ok(good.signals > 10, 'the aligned version signals');
    assert.deepEqual(good.lookahead, []);
    assert.equal(good.ok, true);
  });

  for (const builtIn of [emaCross, rsiReversion, bollingerBreakout, macdTrend] as Strategy<any>[]) {
    it(`built-in ${builtIn.name} passes clean on real data (ETH/BTC 5m, 2500 candles)`, () => {
      const r = check(builtIn, window(ETH, 0, 2500));
      assert.ok(r.signals > 10);
      assert.deepEqual(r.lookahead, []);
      assert.equal(r.ok, true, JSON.stringify(r.warmupCheck.steps));
    });
  }

  it('is exact: a stop one ulp off between evaluate and evaluateAll is lookahead (changed: stop)', () => {
    const p = emaCross.params.parse({});
    const nudged: CheckableStrategy = {
      name: 'nudged',
      warmup: (q) => emaCross.warmup(q),
      evaluate: (c, q, nextOpen) => emaCross.evaluate(c, q, nextOpen),
      evaluateAll: (c, q) => emaCross.evaluateAll(c, q).map((s, k) => (k === 3 ? { ...s, stop: s.stop * (1 + Number.EPSILON) } : s)),
    };
    const r = checkStrategy({ strategy: nudged, params: p, candles: SLICE, context: {} });
    const fourth = emaCross.evaluateAll(SLICE, p)[3]!;
    assert.equal(r.lookahead.length, 1);
    assert.equal(r.lookahead[0]!.index, fourth.index);
    assert.deepEqual(r.lookahead[0]!.changed, ['stop']);
  });

  it('compares exit rules: an exit that reads the next close is caught per side; a clean exit rule passes', () => {
    const base = {
      description: 'test',
      params: z.strictObject({ fast: param.int(9, { min: 2, max: 50 }), ...atrBracket.fields() }),
      warmup: (p: { fast: number; atr: number }) => Math.max(p.fast, p.atr) + 1,
      indicators: (_c: Candles, p: { fast: number }, ctx: { ta: { ema(n: number): Float64Array } }) => ({ ema: ctx.ta.ema(p.fast) }),
      entry: (ind: { ema: Float64Array }, i: number, c: Candles) => (c.close[i - 1]! <= ind.ema[i - 1]! && c.close[i]! > ind.ema[i]! ? ('long' as const) : null),
      bracket: atrBracket,
    };
    const peekingExit = defineStrategy({ ...base, name: 'peeking-exit', exit: (_ind, i, side, c) => (side === 'long' && (c.close[i + 1] ?? Infinity) < c.close[i]! ? 'next close lower' : null) });
    const r = check(peekingExit, SLICE);
    assert.equal(r.ok, false);
    assert.ok(r.lookahead.length > 0);
    assert.ok(r.lookahead.every((f) => f.what === 'exit long' && f.whole === 'exit ("next close lower")' && f.prefix === 'no exit'));
    const cleanExit = defineStrategy({ ...base, name: 'clean-exit', exit: (ind, i, side, c) => (side === 'long' && c.close[i]! < ind.ema[i]! ? 'close below EMA' : null) });
    const ok = check(cleanExit, SLICE);
    assert.ok(ok.exits > 100, 'exits were compared');
    assert.deepEqual(ok.lookahead, []);
  });
});

describe('strategy check: warm-up and recursion', () => {
  it('catches the short-warmup fixture (declares 6 candles, its SMA 50 needs 50): no signal of either side with exactly 6 candles', () => {
    const r = check(shortWarmup, SLICE);
    assert.deepEqual(r.lookahead, [], 'no lookahead');
    assert.equal(r.ok, false);
    assert.deepEqual(r.warmupCheck.undefinedSides.map((u) => u.side), ['long', 'short']);
    for (const u of r.warmupCheck.undefinedSides) {
      assert.ok(u.fullCount > 0);
      assert.equal(u.firstFull.short, 'no signal');
      assert.equal(u.firstFull.time, SLICE.time[u.firstFull.index]);
      // The doubling ladder 6, 12, 24, 48, 96: stable from the first history that covers SMA 50.
      assert.ok(u.firstFull.stableFrom >= 50, String(u.firstFull.stableFrom));
    }
    const declaredRight = check(shortWarmup, SLICE, { raw: { fast: 5, slow: 4 } }); // warm-up 6: SMA 4 and SMA 5 defined at i − 1 = 4
    assert.deepEqual(declaredRight.warmupCheck.undefinedSides, [], 'an SMA the warm-up covers is fine');
  });

  it('ema-cross: clean with the live default history (200); with a live history of warmup + 1 its EMAs have not converged and signals differ', () => {
    const p = emaCross.params.parse({});
    const w = emaCross.warmup(p);
    const clean = check(emaCross, SLICE);
    assert.equal(clean.warmupCheck.liveHistory, 200);
    assert.equal(clean.ok, true);
    const short = check(emaCross, SLICE, { liveHistory: w + 1 });
    assert.equal(short.ok, false);
    const live = short.warmupCheck.steps.find((s) => s.label.startsWith('live'))!;
    assert.ok(live.differ > 0);
    assert.ok(short.warmupCheck.liveFindings.length > 0);
    for (const f of short.warmupCheck.liveFindings) {
      assert.equal(f.history, w + 1);
      assert.ok(f.stableFrom > w + 1 && f.stableFrom <= f.index + 1, `stable from ${f.stableFrom}: longer than the live history that differs`);
      assert.notEqual(f.short, f.full);
    }
    // Recursive indicators: prices with a short history differ but shrink as history grows.
    const steps = clean.warmupCheck.steps.filter((s) => s.label.startsWith('warmup'));
    assert.deepEqual(steps.map((s) => s.history), [w, 2 * w, 4 * w]);
    assert.ok(steps[0]!.maxRelPriceDiff > steps[2]!.maxRelPriceDiff && steps[2]!.maxRelPriceDiff > 0);
  });

  it('a multi-timeframe strategy gets its higher candles as the live scan fetches them, not from the short lower window', () => {
    const p = higherTrend.params.parse({}) as Parameters<typeof higherTrend.warmup>[0];
    const need = higherTrend.higherTimeframes!(p)[0]!;
    assert.ok(need.candles * 48 > 200, 'its 4h SMA needs far more 5m candles than the live window holds');
    const r = check(higherTrend, window(ETH, 0, 3000));
    assert.ok(r.signals > 10);
    assert.deepEqual(r.lookahead, []);
    assert.deepEqual(r.warmupCheck.undefinedSides, []);
    assert.equal(r.ok, true, JSON.stringify(r.warmupCheck.steps));
  });

  it('a window indicator covered by the warm-up (bollinger) is exact: no difference at any history', () => {
    const r = check(bollingerBreakout, SLICE);
    for (const s of r.warmupCheck.steps) assert.equal(s.differ, 0, s.label);
  });

  it('checkedRange: from warmup − 1 to the last candle, clipped to --from/--to; too few candles refused', () => {
    assert.deepEqual(checkedRange(100, 22), { from: 21, to: 99 });
    assert.deepEqual(checkedRange(100, 22, 50, 60), { from: 50, to: 60 });
    assert.deepEqual(checkedRange(100, 22, 0, 500), { from: 21, to: 99 });
    assert.throws(() => checkedRange(10, 22), /the data has 10 candles; the strategy needs 22/);
    assert.throws(() => checkedRange(100, 22, 0, 5), /no candle to check/);
  });
});
