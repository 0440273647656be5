import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { candlesFromRows, type Candles, type OhlcvRow } from '../../lib/core/candle.js';
import { alignHigher, alignSeries, higherNeedProblem, higherRatio, MAX_HIGHER_CANDLES, resample } from '../../lib/core/strategies/higher.js';
import { TIMEFRAMES, timeframeMs, type Timeframe } from '../../lib/core/timeframe.js';
import { PermanentError } from '../../lib/errors.js';

const M15 = 15 * 60_000;
const H4 = 4 * 60 * 60_000;
/** 2026-01-05 00:00 UTC, a 4h (and 1d) boundary. */
const T0 = Date.UTC(2026, 0, 5);

/** 15m rows at the given slot numbers (slot k opens at T0 + k·15m); prices derived from k. */
function rows15(slots: readonly number[]): OhlcvRow[] {
  return slots.map((k) => [T0 + k * M15, 100 + k, 100 + k + 0.5 + (k % 3), 100 + k - 0.5 - (k % 2), 100 + k + 0.25, 1 + k]);
}
const range = (a: number, b: number): number[] => Array.from({ length: b - a }, (_, i) => a + i);

function assertCode(fn: () => unknown, code: string): void {
  assert.throws(fn, (e: unknown) => e instanceof PermanentError && e.code === code);
}

describe('resample', () => {
  it('aggregates sixteen 15m candles into one 4h candle: first open, max high, min low, last close, summed volume', () => {
    const lower = candlesFromRows(rows15(range(0, 32)));
    const h = resample(lower, '15m', '4h');
    assert.deepEqual(h.time, [T0, T0 + H4]);
    for (let b = 0; b < 2; b++) {
      const ks = range(16 * b, 16 * b + 16);
      assert.equal(h.open[b], lower.open[ks[0]!]);
      assert.equal(h.high[b], Math.max(...ks.map((k) => lower.high[k]!)));
      assert.equal(h.low[b], Math.min(...ks.map((k) => lower.low[k]!)));
      assert.equal(h.close[b], lower.close[ks[15]!]);
      assert.equal(h.volume[b], ks.reduce((s, k) => s + lower.volume[k]!, 0));
    }
  });

  it('a partial first bucket (series starting mid-bucket) is emitted from the rows it has, at the UTC-aligned open', () => {
    const lower = candlesFromRows(rows15(range(10, 20)));
    const h = resample(lower, '15m', '4h');
    assert.deepEqual(h.time, [T0, T0 + H4]);
    assert.equal(h.open[0], lower.open[0]); // slot 10's open, the only one there is
    assert.equal(h.close[0], lower.close[5]); // slot 15
    assert.equal(h.volume[0], [10, 11, 12, 13, 14, 15].reduce((s, k) => s + 1 + k, 0));
    assert.equal(h.open[1], lower.open[6]); // slot 16
    assert.equal(h.close[1], lower.close[9]); // slot 19: a partial (still forming) last bucket
  });

  it('gaps: a bucket with missing rows keeps what it has; a bucket with none is absent (as an exchange answers)', () => {
    // slots 0..3, 5..15 (slot 4 missing), then nothing in bucket 1, then slots 32..47
    const lower = candlesFromRows(rows15([...range(0, 4), ...range(5, 16), ...range(32, 48)]));
    const h = resample(lower, '15m', '4h');
    assert.deepEqual(h.time, [T0, T0 + 2 * H4]);
    assert.equal(h.volume[0], range(0, 16).filter((k) => k !== 4).reduce((s, k) => s + 1 + k, 0));
    assert.equal(h.open[1], 100 + 32);
  });

  it('daily buckets open at 00:00 UTC', () => {
    const lower = candlesFromRows(rows15(range(90, 110))); // 22:30 .. 03:15 next day
    const h = resample(lower, '15m', '1d');
    assert.deepEqual(h.time, [T0, T0 + 86_400_000]);
  });

  it('an empty series resamples to an empty series', () => {
    assert.deepEqual(resample(candlesFromRows([]), '15m', '4h').time, []);
  });

  it('refuses a higher timeframe that is not a strict multiple (BAD_HIGHER_TIMEFRAME), and out-of-order rows', () => {
    const lower = candlesFromRows(rows15(range(0, 4)));
    assertCode(() => resample(lower, '15m', '15m'), 'BAD_HIGHER_TIMEFRAME');
    assertCode(() => resample(lower, '4h', '1h'), 'BAD_HIGHER_TIMEFRAME');
    assertCode(() => resample(lower, '3m', '5m'), 'BAD_HIGHER_TIMEFRAME');
    assertCode(() => alignHigher(lower, '15m', lower, '15m'), 'BAD_HIGHER_TIMEFRAME');
    assertCode(() => resample(candlesFromRows(rows15([20, 3])), '15m', '4h'), 'INVALID_CANDLE');
  });

  it('every pair of supported timeframes is accepted exactly when the higher one is a strict multiple', () => {
    for (const lo of TIMEFRAMES) {
      for (const hi of TIMEFRAMES) {
        const ok = timeframeMs(hi) > timeframeMs(lo) && timeframeMs(hi) % timeframeMs(lo) === 0;
        if (ok) assert.deepEqual(higherRatio(lo, hi), { lowerMs: timeframeMs(lo), higherMs: timeframeMs(hi) });
        else assertCode(() => higherRatio(lo, hi), 'BAD_HIGHER_TIMEFRAME');
      }
    }
  });
});

describe('higherNeedProblem (config and scan)', () => {
  it('accepts a strict multiple with a need of 1..MAX_HIGHER_CANDLES, names the problem otherwise', () => {
    assert.equal(higherNeedProblem('15m', '4h', 1), undefined);
    assert.equal(higherNeedProblem('15m', '4h', MAX_HIGHER_CANDLES), undefined);
    assert.equal(MAX_HIGHER_CANDLES + 1, 1000, 'need + the forming row fit one 1000-row request');
    assert.match(higherNeedProblem('4h', '1h', 5)!, /1h is not a strict multiple of 4h/);
    assert.match(higherNeedProblem('15m', '15m', 5)!, /not a strict multiple/);
    for (const bad of [0, -1, 1.5, MAX_HIGHER_CANDLES + 1, Number.NaN, '5', undefined]) {
      assert.match(higherNeedProblem('15m', '4h', bad)!, /closed 4h candles; the scan fetches them in one request: an integer from 1 to 999/, String(bad));
    }
  });
});

describe('alignHigher: a higher candle is visible from the lower close at which it closes, never before', () => {
  it('the 4h candle 00:00–04:00 is visible to the 15m candle 03:45 (closes 04:00), not to 03:30', () => {
    const lower = candlesFromRows(rows15(range(0, 40)));
    const higher = resample(lower, '15m', '4h');
    const idx = alignHigher(lower, '15m', higher, '4h');
    assert.equal(idx[14], -1); // 03:30–03:45
    assert.equal(idx[15], 0); // 03:45–04:00: the 00:00 4h candle closes at the same instant
    assert.equal(idx[30], 0); // 07:30
    assert.equal(idx[31], 1); // 07:45 sees the 04:00 candle
    assert.equal(idx[39], 1); // 09:45: the 08:00 bucket (partial, forming) stays hidden
    assert.deepEqual([...idx.slice(0, 15)], Array(15).fill(-1));
  });

  it('a fetched series ending with its forming candle: the forming candle is hidden', () => {
    const lower = candlesFromRows(rows15(range(0, 20))); // last lower closes at 05:00
    const fetched = candlesFromRows([
      [T0, 1, 1, 1, 1, 1],
      [T0 + H4, 2, 2, 2, 2, 2], // forming at 05:00
    ]);
    const idx = alignHigher(lower, '15m', fetched, '4h');
    assert.equal(idx[19], 0);
    assert.deepEqual([...alignSeries(fetched.close, idx)].slice(14), [Number.NaN, 1, 1, 1, 1, 1]);
  });

  it('fetched higher candles older than the lower series are visible from its first candle', () => {
    const lower = candlesFromRows(rows15(range(40, 44)));
    const fetched = candlesFromRows([0, 1, 2].map((b): OhlcvRow => [T0 + b * H4, b, b, b, b, 1]));
    const idx = alignHigher(lower, '15m', fetched, '4h');
    assert.deepEqual([...idx], [1, 1, 1, 1]); // 10:00..10:45: bucket 08:00 forming, 04:00 the last closed
  });

  it('gaps in the lower series: after the gap the latest closed higher candle is shown', () => {
    const lower = candlesFromRows(rows15([0, 1, 40, 41]));
    const higher = resample(lower, '15m', '4h');
    assert.deepEqual(higher.time, [T0, T0 + 2 * H4]);
    // lower 40 (10:00) closes at 10:15: bucket 0 (closed 04:00) visible, bucket 08:00 forming
    assert.deepEqual([...alignHigher(lower, '15m', higher, '4h')], [-1, -1, 0, 0]);
  });

  it('alignSeries: series[index] with NaN at −1; an index past the series is refused', () => {
    const out = alignSeries(new Float64Array([5, 6]), new Int32Array([-1, 0, 1, 1]));
    assert.deepEqual([...out], [Number.NaN, 5, 6, 6]);
    assertCode(() => alignSeries([1], new Int32Array([1])), 'BAD_RANGE');
  });
});

/** Random lower series: aligned rows of `tf`, random gaps, starting anywhere. */
function seriesArb(tf: Timeframe): fc.Arbitrary<Candles> {
  const ms = timeframeMs(tf);
  return fc
    .record({
      startSlot: fc.integer({ min: 0, max: 500 }),
      steps: fc.array(fc.tuple(fc.integer({ min: 1, max: 40 }), fc.double({ min: 1, max: 2, noNaN: true })), { maxLength: 300, size: 'max' }),
    })
    .map(({ startSlot, steps }) => {
      let slot = startSlot;
      return candlesFromRows(
        steps.map(([skip, p], k): OhlcvRow => {
          slot += k === 0 ? 0 : skip > 30 ? skip : 1; // mostly contiguous, sometimes a gap
          return [T0 + slot * ms, p, p * 1.01, p * 0.99, p, k + 1];
        }),
      );
    });
}

const pairs: readonly [Timeframe, Timeframe][] = [
  ['15m', '4h'],
  ['5m', '1h'],
  ['1m', '15m'],
  ['1h', '1d'],
  ['3m', '1h'],
];

describe('alignHigher properties', () => {
  for (const [lo, hi] of pairs) {
    it(`${lo} → ${hi}: every visible higher candle closed at or before lower i's close, the next one not`, () => {
      const loMs = timeframeMs(lo);
      const hiMs = timeframeMs(hi);
      fc.assert(
        fc.property(seriesArb(lo), fc.boolean(), (lower, useResample) => {
          // the higher series either resampled or "fetched": contiguous aligned candles from before the lower start to after its end
          const higher = useResample
            ? resample(lower, lo, hi)
            : lower.time.length === 0
              ? candlesFromRows([])
              : candlesFromRows(
                  range(Math.floor(lower.time[0]! / hiMs) - 3, Math.floor(lower.time.at(-1)! / hiMs) + 1).map((b): OhlcvRow => [b * hiMs, 1, 1, 1, 1, 1]),
                );
          const idx = alignHigher(lower, lo, higher, hi);
          assert.equal(idx.length, lower.time.length);
          for (let i = 0; i < lower.time.length; i++) {
            const closeAt = lower.time[i]! + loMs;
            const h = idx[i]!;
            if (h >= 0) assert.ok(higher.time[h]! + hiMs <= closeAt, `lower ${i}: higher ${h} not yet closed`);
            if (h + 1 < higher.time.length) assert.ok(higher.time[h + 1]! + hiMs > closeAt, `lower ${i}: higher ${h + 1} closed but hidden`);
            if (i > 0) assert.ok(h >= idx[i - 1]!, 'non-decreasing');
          }
        }),
        { numRuns: 200 },
      );
    });
  }

  it('resampling a prefix and aligning gives the same visible higher candles as resampling the whole series', () => {
    fc.assert(
      fc.property(seriesArb('15m'), fc.nat(), (lower, cut) => {
        const n = lower.time.length;
        if (n === 0) return;
        const end = (cut % n) + 1;
        const sub = (c: Candles): Candles => ({
          time: c.time.slice(0, end), open: c.open.slice(0, end), high: c.high.slice(0, end),
          low: c.low.slice(0, end), close: c.close.slice(0, end), volume: c.volume.slice(0, end),
        });
        const whole = resample(lower, '15m', '4h');
        const part = resample(sub(lower), '15m', '4h');
        const iw = alignHigher(lower, '15m', whole, '4h');
        const ip = alignHigher(sub(lower), '15m', part, '4h');
        for (let i = 0; i < end; i++) {
          assert.equal(ip[i], iw[i]);
          const h = ip[i]!;
          if (h < 0) continue;
          for (const k of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) assert.equal(part[k][h], whole[k][h], `${k} of visible ${h}`);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('resample matches a direct per-bucket aggregation', () => {
    fc.assert(
      fc.property(seriesArb('5m'), (lower) => {
        const h = resample(lower, '5m', '1h');
        const byBucket = new Map<number, number[]>();
        lower.time.forEach((t, i) => {
          const b = t - (t % 3_600_000);
          byBucket.set(b, [...(byBucket.get(b) ?? []), i]);
        });
        assert.deepEqual(h.time, [...byBucket.keys()]);
        [...byBucket.values()].forEach((is, k) => {
          assert.equal(h.open[k], lower.open[is[0]!]);
          assert.equal(h.close[k], lower.close[is.at(-1)!]);
          assert.equal(h.high[k], Math.max(...is.map((i) => lower.high[i]!)));
          assert.equal(h.low[k], Math.min(...is.map((i) => lower.low[i]!)));
          assert.equal(h.volume[k], is.reduce((s, i) => s + lower.volume[i]!, 0));
        });
      }),
      { numRuns: 100 },
    );
  });
});
