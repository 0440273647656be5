/**
 * Multi-timeframe strategies in a replay (lib/replay/higher-rows.ts): the replay exchange serves a
 * higher timeframe no file records as the aggregate of the market's recorded candles closed at
 * the replay's now — the same candles a backtest resamples, never one from after now.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readOhlcvFiles } from '../../lib/backtest/ohlcv-files.js';
import { candlesFromRows, type OhlcvRow } from '../../lib/core/candle.js';
import { resample } from '../../lib/core/strategies/higher.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import { PermanentError } from '../../lib/errors.js';
import { createReplayExchange } from '../../lib/replay/replay-exchange.js';
import { testClock } from '../support/clock.js';

const FILES = readOhlcvFiles('test/fixtures/replay');
const FILE = FILES.find((f) => f.symbol === 'ETH/BTC' && f.timeframe === '5m')!;

describe('replay exchange: higher timeframes from the recorded candles', () => {
  it('at every 5m close (and mid-candle), the 1h rows are the resample of the 5m rows closed by then: closed ones, then the forming one', async () => {
    const v = validateCandles(FILE.rows, '5m');
    if (!v.ok) throw v.error;
    const all = v.rows;
    const clock = testClock(0);
    const ex = createReplayExchange('replay', FILES, clock);
    let checked = 0;
    for (let i = 20; i < all.length; i += 7) {
      for (const now of [all[i]![0] + 300_000, all[i]![0] + 300_000 + 90_000]) {
        clock.set(now);
        const served = (await ex.fetchCandles('ETH/BTC', '1h', 4)) as OhlcvRow[];
        const closed5 = splitClosed(all, now, '5m').closed;
        const expected = resample(candlesFromRows(closed5), '5m', '1h');
        const want = expected.time.map((t, k): OhlcvRow => [t, expected.open[k]!, expected.high[k]!, expected.low[k]!, expected.close[k]!, expected.volume[k]!]).slice(-4);
        assert.equal(served.length, want.length);
        served.forEach((row, k) => {
          assert.deepEqual(row.slice(0, 5), want[k]!.slice(0, 5), `now ${new Date(now).toISOString()} row ${k}`);
          assert.ok(Math.abs(row[5] - want[k]![5]) <= 1e-9 * Math.max(1, want[k]![5]), 'volume');
        });
        // nothing from after now: the newest served candle opens at or before now
        assert.ok(served.at(-1)![0] <= now);
        checked++;
      }
    }
    assert.ok(checked > 100);
  });

  it('a 1h need larger than the recording so far: as many as there are, the first (partial) bucket included, as the backtest resamples', async () => {
    const clock = testClock(Number(FILE.rows[30]![0]) + 300_000);
    const ex = createReplayExchange('replay', FILES, clock);
    const served = await ex.fetchCandles('ETH/BTC', '1h', 100);
    const v = validateCandles(FILE.rows.slice(0, 31), '5m');
    if (!v.ok) throw v.error;
    assert.deepEqual(served.map((r) => r[0]), resample(candlesFromRows(v.rows), '5m', '1h').time);
  });

  it('a timeframe the files record, or one no file divides, is served as before', async () => {
    const ex = createReplayExchange('replay', FILES, testClock(Number(FILE.rows[100]![0]) + 1));
    assert.equal((await ex.fetchCandles('ETH/BTC', '5m', 10)).at(-1)![0], FILE.rows[100]![0]);
    await assert.rejects(ex.fetchCandles('ETH/BTC', '3m', 10), (e: unknown) => e instanceof PermanentError && e.code === 'BAD_SYMBOL');
    await assert.rejects(ex.fetchCandles('NOPE/BTC', '1h', 10), (e: unknown) => e instanceof PermanentError && e.code === 'BAD_SYMBOL');
  });
});
