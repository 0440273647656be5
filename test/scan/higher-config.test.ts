/**
 * The config refuses a multi-timeframe strategy entry whose higher-timeframe need the live scan
 * cannot fetch (lib/config/strategy-checks.ts with MAX_HIGHER_CANDLES of lib/core/strategies/higher.ts):
 * the scan asks each higher timeframe's need plus the forming candle in one 1000-row request.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { checkHigherTimeframes } from '../../lib/config/strategy-checks.js';
import { MAX_HIGHER_CANDLES } from '../../lib/core/strategies/higher.js';
import higherTrend from '../fixtures/strategies/higher-trend.js';

function issues(trend: number, timeframes: readonly ('15m' | '4h')[]): string[] {
  const params = higherTrend.params.safeParse({ trend }).success ? higherTrend.params.parse({ trend }) : { ...higherTrend.params.parse({}), trend };
  const r = z
    .object({})
    .superRefine((_v, ctx) => checkHigherTimeframes(higherTrend, { name: 'higher-trend', params, timeframes }, 2, timeframes, ctx))
    .safeParse({});
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('config: the higher-timeframe need fits the scan', () => {
  it('a need the scan can fetch passes', () => {
    assert.deepEqual(issues(20, ['15m']), []);
    assert.deepEqual(issues(MAX_HIGHER_CANDLES, ['15m']), []);
  });

  it('a need beyond one request is refused, naming the strategy, the timeframe, the need and the bound', () => {
    assert.deepEqual(issues(MAX_HIGHER_CANDLES + 1, ['15m']), [
      'strategies.2.params: strategy "higher-trend" needs 1000 closed 4h candles with these params; the scan fetches them in one request with the forming one: at most 999 (lower the params that set it)',
    ]);
  });

  it('on a timeframe 4h is no strict multiple of, BAD_HIGHER_TIMEFRAME is named', () => {
    assert.match(issues(20, ['4h']).join('\n'), /reads the 4h timeframe, which is not a strict multiple of 4h.*BAD_HIGHER_TIMEFRAME/);
  });
});
