/** The pure boundary checks behind hostile-candles.test.ts: price/time bounds, the live split, the mark. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { OhlcvRow } from '../../lib/core/candle.js';
import { openFromSignal, positionRules } from '../../lib/core/positions/index.js';
import { PRICE_MAX, PRICE_MIN, storableProblem, STORE_MAX_ABS } from '../../lib/core/store-bounds.js';
import { CLOCK_SKEW_MS, splitLive, validateCandles } from '../../lib/core/validate-candles.js';
import { CandlebotError } from '../../lib/errors.js';
import { markOf, markPrice, storableMarkOf } from '../../lib/monitor/mark.js';

const HOUR = 3_600_000;

describe('candle bounds at the boundary (pure)', () => {
  const T = Date.UTC(2026, 0, 1);
  const row = (i: number, p = 100): unknown[] => [T + i * HOUR, p, p * 1.01, p * 0.99, p, 5];

  it('every price must lie in [PRICE_MIN, PRICE_MAX]; the message names the field and the value', () => {
    for (const [price, pattern] of [
      [1e308, /open 1e\+308 is above the highest price accepted/],
      [PRICE_MAX * 1.01, /is above the highest price accepted/],
      [1e-200, /open 1e-200 is below the lowest price accepted/],
      [PRICE_MIN / 2, /is below the lowest price accepted/],
    ] as const) {
      const v = validateCandles([row(0), [T + HOUR, price, price, price, price, 1]], '1h');
      assert.equal(v.ok, false, String(price));
      if (!v.ok) {
        assert.equal(v.error.code, 'INVALID_CANDLE');
        assert.match(v.error.message, pattern);
      }
    }
    assert.equal(validateCandles([row(0, PRICE_MIN * 1.02), row(1, PRICE_MAX / 1.02)], '1h').ok, true, 'the bounds themselves are accepted');
  });

  it('an aligned time that is not a date (negative, or beyond the largest date) is refused', () => {
    for (const time of [-HOUR, 1e10 * HOUR]) {
      const v = validateCandles([[time, 1, 1, 1, 1, 1]], '1h');
      assert.equal(v.ok, false, String(time));
      if (!v.ok) assert.match(v.error.message, /is not a date/);
    }
  });

  it('every value derived from prices at the bounds is storable (stop/target at 10 ATR, quantity of the largest storable stake)', () => {
    for (const p of [PRICE_MIN, PRICE_MAX]) {
      assert.equal(storableProblem('price', p), null);
      assert.equal(storableProblem('target', p + 10 * p), null);
      assert.equal(storableProblem('quantity', 1e5 / p), null);
    }
    assert.match(String(storableProblem('x', STORE_MAX_ABS + 2)), /largest number the store holds/);
    assert.match(String(storableProblem('x', 1e-131)), /smallest number the store holds/);
    assert.equal(storableProblem('x', 0), null);
  });

  it('splitLive: a forming candle from the future is INVALID_CANDLE; a next candle within the clock skew is dropped', () => {
    const rows = [0, 1, 2].map((i) => row(i) as unknown as OhlcvRow);
    const now = T + 2 * HOUR + 5_000;
    assert.deepEqual(splitLive(rows, now, '1h'), { closed: rows.slice(0, 2), forming: rows[2] });
    const future = [...rows.slice(0, 2), [T + 102 * HOUR, 1e5, 1e5, 1e5, 1e5, 1] as OhlcvRow];
    assert.throws(() => splitLive(future, now, '1h'), (e: unknown) => e instanceof CandlebotError && e.code === 'INVALID_CANDLE' && /index 2 .*opens in the future/.test(e.message));
    // Our clock 10 s behind the exchange's at the boundary: the exchange's next candle is dropped, not refused.
    const early = T + 2 * HOUR - 10_000;
    assert.ok(10_000 < CLOCK_SKEW_MS);
    assert.deepEqual(splitLive(rows, early, '1h'), { closed: rows.slice(0, 1), forming: rows[1] });
    // A later row beyond the skew, even after a valid forming candle, is refused too.
    assert.throws(() => splitLive([...rows, [T + 50 * HOUR, 1, 1, 1, 1, 1] as OhlcvRow], now, '1h'), /opens in the future/);
  });

  it('mark: no mark at the close of a stale series; an unstorable unrealised PnL is INVALID_CANDLE, not an AWS error', () => {
    const closed = [0, 1, 2].map((i) => row(i) as unknown as OhlcvRow);
    const fresh = { now: T + 3 * HOUR + 1000, timeframe: '1h' as const };
    assert.equal(markPrice(closed, undefined, fresh), 100, 'the candle that just closed');
    assert.equal(markPrice(closed, undefined, { ...fresh, now: fresh.now + HOUR }), 100, 'one candle of publication lag');
    assert.equal(markPrice(closed, undefined, { ...fresh, now: fresh.now + 50 * HOUR }), undefined, 'stale: no mark');
    assert.equal(markPrice(closed, undefined), 100, 'without a clock: as before');
    const rules = positionRules({ feeRate: 0.001 });
    const signal = { side: 'long' as const, candleTime: T, stop: PRICE_MIN * 0.5, target: PRICE_MIN * 4, indicators: {} };
    const p = openFromSignal({ id: 'p1', symbol: 'X/USDT', intent: signal, stake: 1000 }, T + HOUR, PRICE_MIN, rules);
    assert.equal(storableMarkOf(p, PRICE_MIN * 2, T, rules).price, PRICE_MIN * 2);
    assert.ok(markOf(p, PRICE_MAX, T, rules).unrealisedPnl > STORE_MAX_ABS, 'displayed (/positions), never stored');
    assert.throws(() => storableMarkOf(p, PRICE_MAX, T, rules), (e: unknown) => e instanceof CandlebotError && e.code === 'INVALID_CANDLE' && /unrealised PnL .* largest number/.test(e.message));
  });
});
