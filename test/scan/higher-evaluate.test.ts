/**
 * What the live scan fetches for multi-timeframe strategies (lib/scan/higher-candles.ts through
 * evaluateSymbol), against a scripted exchange port: each distinct higher timeframe once per
 * symbol with the largest need + 1, validated like the scan's own candles, only closed ones passed
 * with the timeframe; its failures classified like the lower fetch's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OhlcvRow } from '../../lib/core/candle.js';
import { defineStrategy, percentBracket, z, type EvalContext, type Strategy } from '../../lib/core/strategies/kit.js';
import { timeframeMs, type Timeframe } from '../../lib/core/timeframe.js';
import type { StrategyConfig } from '../../lib/config/schema.js';
import { PermanentError, TransientError } from '../../lib/errors.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import { higherFetches } from '../../lib/scan/higher-candles.js';
import { evaluateSymbol } from '../../lib/scan/evaluate-symbol.js';
import higherTrend from '../fixtures/strategies/higher-trend.js';

/** 12:00:05 UTC: just after a 15m, 1h and 4h close. */
const NOW = Date.UTC(2026, 10, 20, 12, 0, 5);

/** `limit` rows of `tf` ending with the one forming at NOW (aligned, valid, rising prices). */
function rowsOf(tf: Timeframe, limit: number, endOffset = 0): OhlcvRow[] {
  const ms = timeframeMs(tf);
  const current = Math.floor(NOW / ms) - endOffset;
  return Array.from({ length: limit }, (_, j): OhlcvRow => {
    const k = current - limit + 1 + j;
    const p = 100 + (k % 97);
    return [k * ms, p, p + 1, p - 1, p + 0.5, 10];
  });
}

interface Call {
  readonly timeframe: string;
  readonly limit: number;
}

function port(answers: Partial<Record<string, (limit: number) => readonly (readonly unknown[])[] | Error>> = {}): ExchangePort & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    id: 'fake',
    calls,
    prepare: async (symbols) => ({ known: symbols, unknown: [], fromCache: true }),
    fetchCandles: async (_symbol, timeframe, limit) => {
      calls.push({ timeframe, limit });
      const answer = answers[timeframe]?.(limit) ?? rowsOf(timeframe as Timeframe, limit);
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

/** A strategy declaring higher timeframes that records the context it is evaluated with. */
function spy(name: string, higher: readonly { timeframe: Timeframe; candles: number }[], seen: EvalContext[]): Strategy<any> {
  const inner = defineStrategy({
    name,
    description: 'test double',
    params: z.strictObject({ ...percentBracket.fields({ stopPct: 1, takePct: 2 }) }),
    warmup: () => 2,
    higher: higher.map((h) => ({ timeframe: h.timeframe, candles: () => h.candles })),
    indicators: (_c, _p, ctx) => Object.fromEntries(higher.map((h) => [h.timeframe, ctx.higher(h.timeframe).align(ctx.higher(h.timeframe).candles.close)])),
    entry: () => null,
    bracket: percentBracket,
  });
  return {
    ...inner,
    evaluate: (candles, params, nextOpen, context) => {
      seen.push(context!);
      return inner.evaluate(candles, params, nextOpen, context);
    },
  };
}

const entry = (name: string, params: object = {}): StrategyConfig => ({ name, params, warmup: 2 }) as unknown as StrategyConfig;

async function run(exchange: ExchangePort, strategies: Record<string, Strategy<any>>, timeframe: Timeframe = '15m') {
  return evaluateSymbol({
    exchange,
    symbol: 'BTC/USDT',
    timeframe,
    candles: 50,
    strategies: Object.keys(strategies).map((n) => entry(n)),
    now: NOW,
    strategyOf: (n) => strategies[n]!,
  });
}

describe('live scan: higher timeframes', () => {
  it('each distinct higher timeframe is fetched once per symbol with the largest need + 1; only closed candles are passed, with the timeframe', async () => {
    const seen: EvalContext[] = [];
    const ex = port();
    await run(ex, { a: spy('aa', [{ timeframe: '4h', candles: 5 }], seen), b: spy('bb', [{ timeframe: '4h', candles: 8 }, { timeframe: '1h', candles: 3 }], seen) });
    assert.deepEqual(ex.calls, [
      { timeframe: '15m', limit: 51 },
      { timeframe: '4h', limit: 9 },
      { timeframe: '1h', limit: 4 },
    ]);
    assert.equal(seen.length, 2);
    assert.equal(seen[0], seen[1], 'one context shared by the strategies');
    const ctx = seen[0]!;
    assert.equal(ctx.timeframe, '15m');
    const h4 = ctx.higher!['4h']!;
    // 9 rows asked, the last one forming at NOW: 8 closed, the newest the 08:00 candle that just closed
    assert.equal(h4.time.length, 8);
    assert.equal(h4.time.at(-1), Date.UTC(2026, 10, 20, 8));
    assert.equal(ctx.higher!['1h']!.time.length, 3);
    assert.ok(Object.isFrozen(ctx.higher));
  });

  it('strategies without higher timeframes: one request, as before', async () => {
    const ex = port();
    await run(ex, { a: spy('aa', [], []) });
    assert.deepEqual(ex.calls, [{ timeframe: '15m', limit: 51 }]);
  });

  it('the example strategy: its 4h need (trend) is what is fetched', () => {
    const params = higherTrend.params.parse({ trend: 30 });
    assert.deepEqual(higherFetches([{ name: 'higher-trend', params }], '15m', () => higherTrend), [{ timeframe: '4h', candles: 30 }]);
  });

  it('a higher timeframe that is not a strict multiple of the scanned one: BAD_HIGHER_TIMEFRAME before any higher request', async () => {
    const ex = port();
    await assert.rejects(run(ex, { a: spy('aa', [{ timeframe: '4h', candles: 5 }], []) }, '4h'), (e: unknown) => e instanceof PermanentError && e.code === 'BAD_HIGHER_TIMEFRAME');
    assert.deepEqual(ex.calls.map((c) => c.timeframe), ['4h']);
  });

  it('a need outside 1..999 candles (one request): BAD_STRATEGY naming the strategy, no higher request', async () => {
    const ex = port();
    await assert.rejects(run(ex, { a: spy('aa', [{ timeframe: '4h', candles: 1000 }], []) }), (e: unknown) => e instanceof PermanentError && e.code === 'BAD_STRATEGY' && /strategy "a" reads 4h: it needs 1000 closed 4h candles/.test(e.message));
    assert.deepEqual(ex.calls.map((c) => c.timeframe), ['15m']);
  });

  it('the newest closed 4h candle is not the one that just closed: STALE_CANDLES (transient), naming the timeframe', async () => {
    // the exchange has not published the 08:00 candle yet: its newest row is the 04:00 one
    const ex = port({ '4h': (limit) => rowsOf('4h', limit, 2) });
    await assert.rejects(run(ex, { a: spy('aa', [{ timeframe: '4h', candles: 5 }], []) }), (e: unknown) => e instanceof TransientError && e.code === 'STALE_CANDLES' && /4h \(higher timeframe\)/.test(e.message));
  });

  it('fewer closed higher candles than needed: INSUFFICIENT_HISTORY (a new market)', async () => {
    const ex = port({ '4h': () => rowsOf('4h', 3) });
    await assert.rejects(run(ex, { a: spy('aa', [{ timeframe: '4h', candles: 5 }], []) }), (e: unknown) => e instanceof PermanentError && e.code === 'INSUFFICIENT_HISTORY' && /2 closed 4h candles, the strategies need 5/.test(e.message));
  });

  it('a malformed higher row: INVALID_CANDLE naming the timeframe; a misaligned one too', async () => {
    const nan = port({ '4h': (limit) => rowsOf('4h', limit).map((r, i) => (i === 2 ? [r[0], r[1], r[2], r[3], Number.NaN, r[5]] : r)) });
    await assert.rejects(run(nan, { a: spy('aa', [{ timeframe: '4h', candles: 5 }], []) }), (e: unknown) => e instanceof PermanentError && e.code === 'INVALID_CANDLE' && /BTC\/USDT 4h \(higher timeframe\)/.test(e.message));
    const misaligned = port({ '4h': (limit) => rowsOf('4h', limit).map((r) => [r[0] + 60_000, r[1], r[2], r[3], r[4], r[5]]) });
    await assert.rejects(run(misaligned, { a: spy('aa', [{ timeframe: '4h', candles: 5 }], []) }), (e: unknown) => e instanceof PermanentError && e.code === 'INVALID_CANDLE');
  });

  it("the exchange's errors on the higher fetch propagate as thrown (classified by the scan like the lower fetch's)", async () => {
    for (const error of [new TransientError('slow down', { code: 'RATE_LIMITED' }), new PermanentError('gone', { code: 'BAD_SYMBOL' })]) {
      const ex = port({ '4h': () => error });
      await assert.rejects(run(ex, { a: spy('aa', [{ timeframe: '4h', candles: 5 }], []) }), (e: unknown) => e === error);
    }
  });

  it('a 4h candle from the future in the fetched rows: INVALID_CANDLE (splitLive), never shown', async () => {
    const ex = port({ '4h': (limit) => [...rowsOf('4h', limit - 1), [Date.UTC(2026, 10, 20, 16), 1, 1, 1, 1, 1]] });
    await assert.rejects(run(ex, { a: spy('aa', [{ timeframe: '4h', candles: 5 }], []) }), (e: unknown) => e instanceof PermanentError && e.code === 'INVALID_CANDLE');
  });
});
