/**
 * The strategy kit (lib/core/strategies/kit.ts): eager validation of a definition (BAD_STRATEGY
 * naming the strategy), parameter ranges, the three brackets' arithmetic, the snapshot, the exit
 * rule's contract, origin and higher timeframes' declaration.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  atrBracket,
  customBracket,
  defineStrategy,
  param,
  paramRanges,
  percentBracket,
  z,
  type Strategy,
  type StrategyDefinition,
} from '../../lib/core/strategies/kit.js';
import { bollingerBreakout, emaCross, macdTrend, rsiReversion } from '../../lib/core/strategies/index.js';
import { handCandles } from './reference.js';

/** Signals scripted by candle index: long at 2, short at 3, nothing else. */
const script = (i: number) => (i === 2 ? 'long' : i === 3 ? 'short' : null);

function base(over: Partial<StrategyDefinition<any, any>> = {}): StrategyDefinition<any, any> {
  return {
    name: 'kit-test',
    description: 'Test only.',
    params: z.strictObject({ n: param.int(3, { min: 1, max: 10 }), ...percentBracket.fields({ stopPct: 2, takePct: 4 }) }),
    warmup: (p: { n: number }) => p.n,
    indicators: (c: { close: readonly number[] }) => ({ close: Float64Array.from(c.close), half: Float64Array.from(c.close, (x, i) => (i < 2 ? NaN : x / 2)) }),
    entry: (_ind: unknown, i: number) => script(i),
    bracket: percentBracket,
    ...over,
  };
}

const bad = (over: Partial<StrategyDefinition<any, any>>, message: RegExp) =>
  assert.throws(() => defineStrategy(base(over)), (e: Error & { code?: string }) => e.code === 'BAD_STRATEGY' && message.test(e.message));

describe('defineStrategy validates the definition eagerly (BAD_STRATEGY)', () => {
  it('refuses bad names, naming what is wrong', () => {
    for (const name of ['Bad', 'x', '1abc', 'has space', 'a'.repeat(41), 'under_score']) bad({ name }, /name must match/);
  });

  it('refuses params without defaults, missing rules, warm-up below 1, a bracket without its params', () => {
    bad({ params: z.strictObject({ n: z.number(), ...percentBracket.fields() }) }, /"kit-test": every param needs a default.*n:/);
    bad({ entry: undefined }, /"kit-test": entry must be a function/);
    bad({ exit: 'no' as never }, /exit, when given, must be a function/);
    bad({ warmup: () => 0 }, /"kit-test": warmup\(default params\) must be an integer >= 1, got 0/);
    bad({ warmup: () => 2.5 }, /got 2\.5/);
    bad({ bracket: atrBracket }, /atrBracket needs the numeric param "atr"/);
    bad({ bracket: { kind: 'fixed' } as never }, /bracket must be atrBracket, percentBracket or customBracket/);
    bad({ description: ' ' }, /description must be a non-empty string/);
  });

  it('refuses bad higher declarations', () => {
    bad({ higher: [{ timeframe: '7m' as never, candles: () => 1 }] }, /higher timeframe must be one of/);
    bad({ higher: [{ timeframe: '1h', candles: () => 1 }, { timeframe: '1h', candles: () => 2 }] }, /1h is declared twice/);
    bad({ higher: [{ timeframe: '1h', candles: () => 0 }] }, /higher 1h candles\(default params\) must be an integer >= 1/);
  });

  it('param.int / param.number refuse a default outside its range', () => {
    assert.throws(() => param.int(0, { min: 1, max: 5 }), { code: 'BAD_STRATEGY' });
    assert.throws(() => param.int(2, { min: 1.5, max: 5 }), { code: 'BAD_STRATEGY' });
    assert.throws(() => param.number(1, { min: 2, max: 1 }), { code: 'BAD_STRATEGY' });
  });

  it('a warm-up that breaks for other params, an entry that returns nonsense, a too long exit reason: BAD_STRATEGY at run time', () => {
    const s = defineStrategy(base({ warmup: (p: { n: number }) => (p.n > 5 ? -1 : p.n), entry: (_i: unknown, i: number) => (i === 2 ? ('buy' as never) : null) }));
    assert.throws(() => s.warmup({ n: 6, stopPct: 2, takePct: 4 }), /"kit-test": warmup must be an integer >= 1, got -1/);
    assert.throws(() => s.evaluateAll(handCandles([1, 2, 3, 4]), s.params.parse({})), /entry must return 'long', 'short' or null, got "buy" at candle 2/);
    const e = defineStrategy(base({ exit: (_i: unknown, i: number) => (i === 2 ? 'x'.repeat(41) : null) }));
    assert.throws(() => e.exitsAll!(handCandles([1, 2, 3, 4]), e.params.parse({})), /exit must return null or a reason of 1–40 characters/);
  });
});

describe('origin, exit members, higher timeframes', () => {
  it('user strategies are user, the four built-ins built-in', () => {
    assert.equal(defineStrategy(base()).origin, 'user');
    for (const s of [emaCross, rsiReversion, bollingerBreakout, macdTrend] as readonly Strategy<any>[]) {
      assert.equal(s.origin, 'built-in');
      assert.deepEqual(s.higherTimeframes!(s.params.parse({})), []);
      assert.equal(s.exitsAll, undefined);
      assert.equal(s.exitAt, undefined);
      assert.ok(Object.isFrozen(s));
    }
  });

  it('higherTimeframes gives the declared timeframes with the candles for these params', () => {
    const s = defineStrategy(base({ higher: [{ timeframe: '1h', candles: (p: { n: number }) => p.n * 10 }] }));
    assert.deepEqual(s.higherTimeframes!(s.params.parse({ n: 4 })), [{ timeframe: '1h', candles: 40 }]);
  });
});

describe('paramRanges', () => {
  it("reads the built-ins' ranges (periods up to 1000, ATR multiples up to 100, exclusive bounds flagged)", () => {
    const ema = paramRanges(emaCross);
    assert.deepEqual(ema.fast, { min: 1, max: 1000, int: true });
    assert.deepEqual(ema.atr, { min: 1, max: 1000, int: true });
    assert.deepEqual(ema.stopAtr, { min: 0, max: 100, int: false, minExclusive: true });
    assert.deepEqual(Object.keys(ema), ['fast', 'slow', 'atr', 'stopAtr', 'takeAtr']);
    const rsi = paramRanges(rsiReversion);
    assert.deepEqual(rsi.oversold, { min: 0, max: 100, int: false, minExclusive: true, maxExclusive: true });
    assert.deepEqual(paramRanges(bollingerBreakout).period, { min: 2, max: 1000, int: true });
    assert.equal(paramRanges(bollingerBreakout).k, undefined, 'k has no upper bound: no range');
    assert.deepEqual(Object.keys(paramRanges(macdTrend)), ['fast', 'slow', 'signal', 'atr', 'stopAtr', 'takeAtr']);
  });

  it("reads a user strategy's param.int / param.number and the percent bracket", () => {
    const r = paramRanges(defineStrategy(base()));
    assert.deepEqual(r, {
      n: { min: 1, max: 10, int: true },
      stopPct: { min: 0, max: 50, int: false, minExclusive: true },
      takePct: { min: 0, max: 1000, int: false, minExclusive: true },
    });
  });
});

describe('brackets', () => {
  // closes 100, 101, 102, 103, 104: open = previous close
  const c = handCandles([100, 101, 102, 103, 104]);

  it('percentBracket: long stop entry·(1 − stopPct/100), target entry·(1 + takePct/100); short mirrored', () => {
    const s = defineStrategy(base());
    const all = s.evaluateAll(c, s.params.parse({}));
    assert.deepEqual(
      all.map(({ side, index, entry, stop, target }) => ({ side, index, entry, stop, target })),
      [
        { side: 'long', index: 2, entry: 102, stop: 102 * (1 - 2 / 100), target: 102 * (1 + 4 / 100) },
        { side: 'short', index: 3, entry: 103, stop: 103 * (1 + 2 / 100), target: 103 * (1 - 4 / 100) },
      ],
    );
    // a short's target at takePct >= 100 % is <= 0: no signal
    assert.deepEqual(s.evaluateAll(c, s.params.parse({ takePct: 100 })).map((x) => x.side), ['long']);
  });

  it('customBracket gets side, entry, i, ind, candles, params; a degenerate or non-finite bracket is no signal', () => {
    const seen: unknown[] = [];
    const s = defineStrategy(
      base({
        bracket: customBracket((ctx: any) => {
          seen.push({ side: ctx.side, entry: ctx.entry, i: ctx.i, close: ctx.ind.close[ctx.i], n: ctx.params.n, candles: ctx.candles === c });
          return ctx.side === 'long' ? { stop: ctx.entry - 1, target: ctx.entry + 2 } : { stop: ctx.entry, target: ctx.entry - 2 };
        }),
      }),
    );
    const all = s.evaluateAll(c, s.params.parse({}));
    assert.deepEqual(all.map(({ side, stop, target }) => ({ side, stop, target })), [{ side: 'long', stop: 101, target: 104 }]);
    assert.deepEqual(seen, [
      { side: 'long', entry: 102, i: 2, close: 102, n: 3, candles: true },
      { side: 'short', entry: 103, i: 3, close: 103, n: 3, candles: true },
    ]);
    const nan = defineStrategy(base({ bracket: customBracket(() => ({ stop: NaN, target: 1e9 })) }));
    assert.deepEqual(nan.evaluateAll(c, nan.params.parse({})), []);
    const inf = defineStrategy(base({ bracket: customBracket((x: any) => ({ stop: -Infinity, target: x.entry + 1 })) }));
    assert.deepEqual(inf.evaluateAll(c, inf.params.parse({})), []);
  });

  it('atrBracket: stop entry − stopAtr·atr[i], target entry + takeAtr·atr[i]; atr is added to the snapshot', () => {
    const s = defineStrategy(
      base({
        params: z.strictObject({ n: param.int(3, { min: 1, max: 10 }), ...atrBracket.fields({ atr: 2, stopAtr: 1, takeAtr: 2 }) }),
        bracket: atrBracket,
      }),
    );
    const [long] = s.evaluateAll(c, s.params.parse({}));
    // TR = |Δclose| + 2 = 3 from index 1: ATR(2) = 3
    assert.deepEqual({ stop: long!.stop, target: long!.target }, { stop: 99, target: 108 });
    assert.deepEqual(long!.indicators, { close: 102, half: 51, atr: 3 });
  });
});

describe('snapshot', () => {
  const c = handCandles([100, 101, 102, 103, 104]);

  it('default: every 1-D series at i, non-finite values left out', () => {
    const s = defineStrategy(base({ entry: (_i: unknown, i: number) => (i === 1 ? 'long' : null) }));
    assert.deepEqual(s.evaluateAll(c, s.params.parse({}))[0]!.indicators, { close: 101 });
  });

  it("the strategy's own snapshot: its values, non-finite ones left out", () => {
    const s = defineStrategy(base({ snapshot: (ind: any, i: number) => ({ twice: ind.close[i] * 2, half: ind.half[i] }) }));
    const [long, short] = s.evaluateAll(c, s.params.parse({}));
    assert.deepEqual(long!.indicators, { twice: 204, half: 51 });
    assert.deepEqual(short!.indicators, { twice: 206, half: 51.5 });
    const early = defineStrategy(base({ entry: (_i: unknown, i: number) => (i === 1 ? 'long' : null), snapshot: (ind: any, i: number) => Object.freeze({ half: ind.half[i], one: 1 }) }));
    assert.deepEqual(early.evaluateAll(c, early.params.parse({}))[0]!.indicators, { one: 1 });
  });
});

describe('evaluate on every prefix equals evaluateAll (percent bracket, default snapshot, real data)', () => {
  it('LTC/BTC 5m, 600 prefixes', async () => {
    const { loadCandles, prefix } = await import('./reference.js');
    const c = prefix(loadCandles('LTC_BTC-5m.json'), 600);
    const s = defineStrategy(
      base({
        name: 'kit-prefix-test',
        indicators: (_c: unknown, p: { n: number }, ctx: any) => ({ fast: ctx.ta.ema(p.n), slow: ctx.ta.sma(p.n * 4), hl: ctx.ta.ema(p.n, 'hl2') }),
        warmup: (p: { n: number }) => p.n * 4 + 1,
        entry: (ind: any, i: number) => (ind.fast[i - 1] <= ind.slow[i - 1] && ind.fast[i] > ind.slow[i] ? 'long' : ind.fast[i - 1] >= ind.slow[i - 1] && ind.fast[i] < ind.slow[i] ? 'short' : null),
      }),
    );
    const p = s.params.parse({ n: 5 });
    const all = s.evaluateAll(c, p);
    assert.ok(all.length > 10, `${all.length} signals`);
    assert.deepEqual(Object.keys(all[0]!.indicators), ['fast', 'slow', 'hl']);
    const byIndex = new Map(all.map((x) => [x.index, x]));
    for (let i = 0; i < c.close.length; i++) {
      const next = i + 1 < c.close.length ? c.open[i + 1] : undefined;
      assert.deepEqual(s.evaluate(prefix(c, i + 1), p, next), byIndex.get(i) ?? null, `candle ${i}`);
    }
  });
});
