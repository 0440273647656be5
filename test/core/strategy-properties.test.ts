import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';
import { strategyRegistry } from '../../lib/core/strategies/index.js';
import { emaCross, emaCrossParams } from '../../lib/core/strategies/ema-cross.js';
import type { Strategy } from '../../lib/core/strategies/types.js';
import { mulberry32, prefix, randomWalk, refEmaCross } from './reference.js';

const MIN = 60_000;

/** Float random walks, or small integer prices (many ties and flat stretches). */
const candlesArb = (maxLength: number): fc.Arbitrary<Candles> =>
  fc.oneof(
    fc
      .record({
        start: fc.double({ min: 0.001, max: 1000, noNaN: true }),
        steps: fc.array(
          fc.tuple(
            fc.double({ min: -0.05, max: 0.05, noNaN: true }),
            fc.double({ min: 0, max: 0.03, noNaN: true }),
            fc.double({ min: 0, max: 0.03, noNaN: true }),
          ),
          { maxLength, size: 'max' },
        ),
      })
      .map(({ start, steps }) => {
        let prev = start;
        return candlesFromRows(
          steps.map(([r, u, d], i): OhlcvRow => {
            const open = prev;
            const close = open * (1 + r);
            prev = close;
            return [i * MIN, open, Math.max(open, close) * (1 + u), Math.min(open, close) * (1 - d), close, 1];
          }),
        );
      }),
    fc
      .array(fc.tuple(fc.integer({ min: 10, max: 14 }), fc.integer({ min: 10, max: 14 }), fc.nat(2), fc.nat(2)), { maxLength, size: 'max' })
      .map((xs) =>
        candlesFromRows(xs.map(([o, c, u, d], i): OhlcvRow => [i * MIN, o, Math.max(o, c) + u, Math.min(o, c) - d, c, 1])),
      ),
  );

const mult = fc.double({ min: 0.1, max: 5, noNaN: true });
const bracket = { atr: fc.integer({ min: 1, max: 6 }), stopAtr: mult, takeAtr: mult };

/** Small random parameters per strategy (parsed by the strategy's own schema). */
const paramsArb: Record<string, fc.Arbitrary<unknown>> = {
  'ema-cross': fc
    .record({ fast: fc.integer({ min: 1, max: 5 }), gap: fc.integer({ min: 1, max: 8 }), ...bracket })
    .map(({ gap, ...p }) => ({ ...p, slow: p.fast + gap })),
  'rsi-reversion': fc.record({
    period: fc.integer({ min: 1, max: 6 }),
    oversold: fc.integer({ min: 10, max: 45 }),
    overbought: fc.integer({ min: 55, max: 90 }),
    ...bracket,
  }),
  'bollinger-breakout': fc.record({ period: fc.integer({ min: 2, max: 6 }), k: fc.double({ min: 0.1, max: 2.5, noNaN: true }), ...bracket }),
  'macd-trend': fc
    .record({ fast: fc.integer({ min: 1, max: 4 }), gap: fc.integer({ min: 1, max: 6 }), signal: fc.integer({ min: 1, max: 4 }), ...bracket })
    .map(({ gap, ...p }) => ({ ...p, slow: p.fast + gap })),
  // the tutorial's user strategy (strategies/rsi-trend.ts), within its own ranges (trend >= 20, atr >= 5, stopAtr >= 0.5, takeAtr >= 1)
  'rsi-trend': fc.record({
    rsi: fc.integer({ min: 2, max: 6 }),
    oversold: fc.integer({ min: 20, max: 45 }),
    overbought: fc.integer({ min: 55, max: 80 }),
    trend: fc.integer({ min: 20, max: 30 }),
    atr: fc.integer({ min: 5, max: 8 }),
    stopAtr: fc.double({ min: 0.5, max: 5, noNaN: true }),
    takeAtr: fc.double({ min: 1, max: 5, noNaN: true }),
  }),
};

/**
 * The strategies with random params above: the built-ins and the tutorial's rsi-trend. Other user
 * strategies (strategies/*.ts) are tested by their own test/strategies/<name>.test.ts (scaffolded
 * by npm run strategy:new: defaults, signals on real data, every prefix equals evaluateAll).
 */
const COVERED = (Object.entries(strategyRegistry) as [string, Strategy<any>][]).filter(([name]) => Object.hasOwn(paramsArb, name));

describe('evaluate on every prefix equals evaluateAll', () => {
  for (const [name, strategy] of COVERED) {
    it(name, () => {
      let fired = 0;
      fc.assert(
        fc.property(candlesArb(60), paramsArb[name]!, (c, raw) => {
          const p = strategy.params.parse(raw);
          const all = strategy.evaluateAll(c, p);
          const n = c.close.length;
          const byIndex = new Map(all.map((s) => [s.index, s]));
          assert.equal(byIndex.size, all.length, 'one signal per index');
          assert.deepEqual([...byIndex.keys()], [...byIndex.keys()].sort((a, b) => a - b), 'in index order');
          for (let i = 0; i < n; i++) {
            const one = strategy.evaluate(prefix(c, i + 1), p, i + 1 < n ? c.open[i + 1] : undefined);
            assert.deepEqual(one, byIndex.get(i) ?? null, `index ${i}`);
          }
          const warmup = strategy.warmup(p);
          for (const s of all) {
            fired++;
            assert.ok(s.index >= warmup - 1, `signal at ${s.index} before warmup ${warmup}`);
            assert.ok(Object.values(s.indicators).every(Number.isFinite));
            if (s.side === 'long') assert.ok(s.stop < s.entry && s.entry < s.target);
            else assert.ok(s.target < s.entry && s.entry < s.stop);
          }
        }),
        { numRuns: 300, seed: 42 },
      );
      assert.ok(fired > 50, `only ${fired} signals over all runs: the property would be vacuous`);
    });
  }
});

describe('ema-cross equals the reference on random series (ties included)', () => {
  it('evaluateAll and evaluate-with-nextOpen', () => {
    fc.assert(
      fc.property(candlesArb(80), paramsArb['ema-cross']!, fc.double({ min: 1, max: 20, noNaN: true }), (c, raw, next) => {
        const p = emaCrossParams.parse(raw);
        const want = refEmaCross(c, p);
        const got = emaCross.evaluateAll(c, p).map(({ side, index, entry, stop, target }) => ({ side, index, entry, stop, target }));
        assert.deepEqual(got, want);
        const last = emaCross.evaluate(c, p, next);
        const refLast = refEmaCross(c, p, next).find((s) => s.index === c.close.length - 1) ?? null;
        assert.deepEqual(last && { side: last.side, index: last.index, entry: last.entry, stop: last.stop, target: last.target }, refLast);
      }),
      { numRuns: 400, seed: 7 },
    );
  });
});

describe('warmup is the fewest candles that can give a signal on the last one', () => {
  for (const [name, strategy] of COVERED) {
    it(`${name} (default params)`, () => {
      const p = strategy.params.parse({});
      const w = strategy.warmup(p);
      const rnd = mulberry32(1234);
      let firedAtWarmup = false;
      for (let tries = 0; tries < 20_000 && !firedAtWarmup; tries++) {
        const c = randomWalk(w, rnd);
        assert.equal(strategy.evaluate(prefix(c, w - 1), p), null);
        assert.deepEqual(strategy.evaluateAll(prefix(c, w - 1), p), []);
        firedAtWarmup = strategy.evaluate(c, p) !== null;
      }
      assert.ok(firedAtWarmup, `no series of ${w} candles fired`);
    });
  }
});
