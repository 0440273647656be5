/**
 * Config checks of a strategy entry that hold for any strategy (lib/config/strategy-checks.ts):
 * bracket params bounded when the strategy has them, higher timeframes buildable from every
 * timeframe the entry runs on. Exercised through a zod refinement, as the config schema runs them.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { checkBracketParams, checkHigherTimeframes } from '../../lib/config/strategy-checks.js';
import { configSchema } from '../../lib/config/schema.js';
import { defineStrategy, param, percentBracket } from '../../lib/core/strategies/kit.js';
import type { Timeframe } from '../../lib/core/timeframe.js';

const trend4h = defineStrategy({
  name: 'trend-4h-test',
  description: 'Test only: reads the 4h timeframe.',
  params: z.strictObject({ ema: param.int(50, { min: 2, max: 500 }), ...percentBracket.fields({ stopPct: 2, takePct: 4 }) }),
  warmup: () => 2,
  indicators: (_c, p, ctx) => ({ trend: ctx.higher('4h').align(ctx.higher('4h').ta.ema(p.ema)) }),
  entry: () => null,
  bracket: percentBracket,
  higher: [{ timeframe: '4h', candles: (p) => p.ema + 1 }],
});

function issues(check: (value: Record<string, unknown>, ctx: z.RefinementCtx) => void, value: Record<string, unknown>): string[] {
  const r = z.record(z.string(), z.unknown()).superRefine(check).safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const higherIssues = (timeframes: readonly Timeframe[] | undefined, scanned: readonly Timeframe[]) =>
  issues((_v, ctx) => checkHigherTimeframes(trend4h, { name: trend4h.name, params: trend4h.params.parse({}), timeframes }, 3, scanned, ctx), {});

describe('config: bracket params of any strategy', () => {
  it('accepts params in bounds and ignores params the strategy does not have', () => {
    assert.deepEqual(issues((v, ctx) => void checkBracketParams(v, ctx), { stopPct: 50, takePct: 1000, stopAtr: 100, takeAtr: 0.1 }), []);
    assert.deepEqual(issues((v, ctx) => void checkBracketParams(v, ctx), { fast: 9 }), []);
  });

  it('refuses percent and ATR params out of bounds, naming each', () => {
    assert.deepEqual(issues((v, ctx) => void checkBracketParams(v, ctx), { stopPct: 60, takePct: 0, stopAtr: 101 }), [
      'params.stopAtr: must be greater than 0 and at most 100 (ATRs from the entry), got 101',
      'params.stopPct: must be greater than 0 and at most 50 (percent of the entry), got 60',
      'params.takePct: must be greater than 0 and at most 1000 (percent of the entry), got 0',
    ]);
  });

  it('the kit bounds them in the schema too: a built-in refuses takeAtr 150 with the bound', () => {
    const r = configSchema.safeParse({
      exchanges: [{ id: 'binance', symbols: ['ETH/BTC'], timeframes: ['5m'] }],
      strategies: [{ name: 'ema-cross', params: { takeAtr: 150 } }],
    });
    assert.equal(r.success, false);
    assert.match(r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'), /strategies\.0\.params\.takeAtr: must be at most 100 \(ATRs from the entry\), got 150/);
  });
});

describe('config: higher timeframes', () => {
  it('accepts strict multiples of every timeframe the entry runs on', () => {
    assert.deepEqual(higherIssues(['15m', '1h'], ['15m', '1h', '4h']), []);
    assert.deepEqual(higherIssues(undefined, ['5m', '2h']), []);
  });

  it('refuses a timeframe the higher one is not a strict multiple of, naming both', () => {
    assert.deepEqual(higherIssues(['1h', '4h', '3m'], ['1h']), [
      'strategies.3.timeframes: strategy "trend-4h-test" reads the 4h timeframe, which is not a strict multiple of 4h, a timeframe it runs on: 4h candles cannot be built from 4h candles (BAD_HIGHER_TIMEFRAME); run the strategy only on timeframes that divide 4h',
    ]);
    // 3m divides 240 minutes: fine; 6h and 1d (default: every scanned timeframe) are not
    const defaults = higherIssues(undefined, ['1h', '6h', '1d']);
    assert.equal(defaults.length, 2);
    assert.match(defaults[0]!, /^strategies\.3\.name: strategy "trend-4h-test" reads the 4h timeframe, which is not a strict multiple of 6h/);
    assert.match(defaults[1]!, /not a strict multiple of 1d/);
  });

  it('a strategy without higher timeframes, or a test double without the method, has nothing to check', () => {
    const plain = { ...trend4h, higherTimeframes: undefined };
    assert.deepEqual(issues((_v, ctx) => checkHigherTimeframes(plain, { name: 'x', params: {}, timeframes: ['1d'] }, 0, ['1d'], ctx), {}), []);
  });
});
