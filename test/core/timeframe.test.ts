import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  TIMEFRAMES,
  lastClosedOpenTime,
  nextCloseAfter,
  scheduleExpression,
  timeframeMs,
  timeframeSchema,
  type Timeframe,
} from '../../lib/core/timeframe.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2024, 0, 15, 12, 0, 0); // a Monday noon, aligned to every timeframe

describe('timeframes', () => {
  it('lists exactly the supported timeframes, and the schema accepts only them', () => {
    assert.deepEqual([...TIMEFRAMES], ['1m', '3m', '5m', '15m', '30m', '1h', '2h', '4h', '6h', '8h', '12h', '1d']);
    for (const tf of TIMEFRAMES) assert.equal(timeframeSchema.parse(tf), tf);
    for (const bad of ['2m', '1H', '1w', '', '60', 'toString']) assert.equal(timeframeSchema.safeParse(bad).success, false);
  });

  it('timeframeMs', () => {
    const expected = [1, 3, 5, 15, 30, 60, 120, 240, 360, 480, 720, 1440].map((m) => m * MIN);
    assert.deepEqual(TIMEFRAMES.map(timeframeMs), expected);
    assert.throws(() => timeframeMs('2m' as Timeframe), { code: 'INVALID_TIMEFRAME' });
    assert.throws(() => timeframeMs('constructor' as Timeframe), { code: 'INVALID_TIMEFRAME' });
  });
});

describe('lastClosedOpenTime / nextCloseAfter', () => {
  it('at exactly a close, the candle that just ended counts as closed', () => {
    assert.equal(lastClosedOpenTime(T0, '1h'), T0 - HOUR);
    assert.equal(lastClosedOpenTime(T0 - 1, '1h'), T0 - 2 * HOUR);
    assert.equal(lastClosedOpenTime(T0 + 1, '1h'), T0 - HOUR);
    assert.equal(lastClosedOpenTime(T0 + 7 * MIN + 3, '5m'), T0);
    assert.equal(nextCloseAfter(T0, '1h'), T0 + HOUR);
    assert.equal(nextCloseAfter(T0 - 1, '1h'), T0);
    assert.equal(nextCloseAfter(T0 + 7 * MIN, '5m'), T0 + 10 * MIN);
  });

  it('1d candles are aligned to UTC midnight; 4h to 00/04/08… UTC', () => {
    const now = Date.UTC(2024, 2, 10, 17, 30);
    assert.equal(new Date(lastClosedOpenTime(now, '1d')).toISOString(), '2024-03-09T00:00:00.000Z');
    assert.equal(new Date(nextCloseAfter(now, '1d')).toISOString(), '2024-03-11T00:00:00.000Z');
    assert.equal(new Date(lastClosedOpenTime(now, '4h')).toISOString(), '2024-03-10T12:00:00.000Z');
    assert.equal(new Date(nextCloseAfter(now, '4h')).toISOString(), '2024-03-10T20:00:00.000Z');
  });

  it('property: aligned, closed at now, and the next one is not', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constantFrom(...TIMEFRAMES), (now, tf) => {
        const ms = timeframeMs(tf);
        const t = lastClosedOpenTime(now, tf);
        assert.ok(t % ms === 0, `aligned: ${t}`);
        assert.ok(t + ms <= now && t + 2 * ms > now);
        const next = nextCloseAfter(now, tf);
        assert.ok(next % ms === 0, `aligned: ${next}`);
        assert.ok(next > now && next <= now + ms);
        assert.equal(next, t + 2 * ms);
      }),
      { numRuns: 500 },
    );
  });

  it('rejects a non-finite time', () => {
    assert.throws(() => lastClosedOpenTime(Number.NaN, '1m'), { code: 'INVALID_TIME' });
    assert.throws(() => nextCloseAfter(Number.POSITIVE_INFINITY, '1m'), { code: 'INVALID_TIME' });
  });
});

/** Minimal EventBridge cron matcher for the minute and hour fields (`*`, `N`, `a/b`). */
function fieldMatches(field: string, value: number): boolean {
  if (field === '*') return true;
  const step = /^(\d+)\/(\d+)$/.exec(field);
  if (step) return value >= Number(step[1]) && (value - Number(step[1])) % Number(step[2]) === 0;
  assert.match(field, /^\d+$/);
  return value === Number(field);
}

describe('scheduleExpression', () => {
  it('gives the expected EventBridge expressions', () => {
    assert.deepEqual(Object.fromEntries(TIMEFRAMES.map((tf) => [tf, scheduleExpression(tf)])), {
      '1m': 'cron(* * * * ? *)',
      '3m': 'cron(0/3 * * * ? *)',
      '5m': 'cron(0/5 * * * ? *)',
      '15m': 'cron(0/15 * * * ? *)',
      '30m': 'cron(0/30 * * * ? *)',
      '1h': 'cron(0 * * * ? *)',
      '2h': 'cron(0 0/2 * * ? *)',
      '4h': 'cron(0 0/4 * * ? *)',
      '6h': 'cron(0 0/6 * * ? *)',
      '8h': 'cron(0 0/8 * * ? *)',
      '12h': 'cron(0 0/12 * * ? *)',
      '1d': 'cron(0 0 * * ? *)',
    });
  });

  for (const tf of TIMEFRAMES) {
    it(`${tf}: fires at exactly every candle close of a UTC day`, () => {
      const m = /^cron\((\S+) (\S+) \* \* \? \*\)$/.exec(scheduleExpression(tf));
      assert.ok(m, scheduleExpression(tf));
      const ms = timeframeMs(tf);
      for (let minute = 0; minute < 24 * 60; minute++) {
        const fires: boolean = fieldMatches(m[1]!, minute % 60) && fieldMatches(m[2]!, Math.floor(minute / 60));
        assert.equal(fires, (minute * MIN) % ms === 0, `${tf} at minute ${minute} of the day`);
      }
    });
  }
});
