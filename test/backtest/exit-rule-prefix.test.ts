/**
 * exitsAll (the backtester's path) equals exitAt (the live monitor's path) on every prefix of a
 * real series: for each candle i and side, an exit at i is in exitsAll(candles) exactly when
 * exitAt(candles[0..i]) gives a reason, and the reasons are equal.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { atrBracket, defineStrategy, param, z, type Side } from '../../lib/core/strategies/kit.js';
import { loadCandles, prefix } from '../core/reference.js';

/** Long on a close crossing above the EMA, short below; exits when the close is back across a faster EMA. */
const emaExit = defineStrategy({
  name: 'ema-exit-test',
  description: 'Test only: EMA cross entries with an EMA exit rule.',
  params: z.strictObject({ slow: param.int(30, { min: 2, max: 200 }), exit: param.int(8, { min: 2, max: 100 }), ...atrBracket.fields() }),
  warmup: (p) => Math.max(p.slow, p.atr) + 1,
  indicators: (_c, p, ctx) => ({ slow: ctx.ta.ema(p.slow), exit: ctx.ta.ema(p.exit) }),
  entry: (ind, i, c) => {
    if (c.close[i - 1]! <= ind.slow[i - 1]! && c.close[i]! > ind.slow[i]!) return 'long';
    if (c.close[i - 1]! >= ind.slow[i - 1]! && c.close[i]! < ind.slow[i]!) return 'short';
    return null;
  },
  exit: (ind, i, side, c) => {
    if (side === 'long' && c.close[i]! < ind.exit[i]!) return 'close below fast EMA';
    if (side === 'short' && c.close[i]! > ind.exit[i]!) return 'close above fast EMA';
    return null;
  },
  bracket: atrBracket,
});

describe('exitsAll equals exitAt on every prefix', () => {
  it('ETH/BTC 5m, both sides, 1500 prefixes', () => {
    const all = loadCandles('ETH_BTC-5m.json');
    const c = prefix(all, 1500);
    const p = emaExit.params.parse({});
    const exits = emaExit.exitsAll!(c, p);
    const byKey = new Map(exits.map((x) => [`${x.index}:${x.side}`, x]));
    assert.equal(byKey.size, exits.length, 'at most one exit per (index, side)');
    let fired = 0;
    for (let i = 0; i < c.close.length; i++) {
      const head = prefix(c, i + 1);
      for (const side of ['long', 'short'] as const satisfies readonly Side[]) {
        const reason = emaExit.exitAt!(head, p, side);
        const x = byKey.get(`${i}:${side}`);
        assert.equal(x?.reason ?? null, reason, `candle ${i} ${side}`);
        if (x !== undefined) {
          assert.equal(x.candleTime, c.time[i]);
          fired++;
        }
      }
    }
    assert.ok(fired > 100, `the rule fired ${fired} times`);
    for (let k = 1; k < exits.length; k++) assert.ok(exits[k]!.index >= exits[k - 1]!.index, 'increasing index');
  });

  it('the same exits with an indicator cache', async () => {
    const { IndicatorCache } = await import('../../lib/core/indicators/cache.js');
    const c = loadCandles('LTC_BTC-5m.json');
    const p = emaExit.params.parse({ exit: 5 });
    const cache = new IndicatorCache();
    assert.deepEqual(emaExit.exitsAll!(c, p, cache), emaExit.exitsAll!(c, p));
    assert.deepEqual(emaExit.exitsAll!(c, p, cache), emaExit.exitsAll!(c, p));
    assert.ok(cache.stats().hits > 0);
  });
});
