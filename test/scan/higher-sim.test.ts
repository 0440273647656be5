/**
 * The exchange simulator's higher intervals (baseInterval option): a symbol's 4h candles are the
 * aggregate of its 15m candles, as a real exchange's are, fetched through the real ccxt adapter.
 * Without the option every interval is its own random walk, as before.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { candlesFromRows, type Candles } from '../../lib/core/candle.js';
import { resample } from '../../lib/core/strategies/higher.js';
import { splitClosed, validateCandles } from '../../lib/core/validate-candles.js';
import type { Timeframe } from '../../lib/core/timeframe.js';
import type { ExchangePort } from '../../lib/ports/exchange.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';

/** 2026-11-20 13:37:00 UTC: mid 15m candle, mid 4h candle (12:00–16:00). */
const NOW = Date.UTC(2026, 10, 20, 13, 37);

async function rows(ex: ExchangePort, tf: Timeframe, limit: number) {
  const v = validateCandles(await ex.fetchCandles('BTC/USDT', tf, limit), tf);
  if (!v.ok) throw v.error;
  return v.rows;
}

function assertSameCandles(actual: Candles, expected: Candles, what: string): void {
  assert.deepEqual(actual.time, expected.time, `${what}: times`);
  for (const k of ['open', 'high', 'low', 'close'] as const) assert.deepEqual(actual[k], expected[k], `${what}: ${k}`);
  // Volumes are summed from 8-decimal strings: equal to 1e-7 (the simulator rounds each row to 8 decimals).
  actual.volume.forEach((v, i) => assert.ok(Math.abs(v - expected.volume[i]!) < 1e-6, `${what}: volume ${i} ${v} vs ${expected.volume[i]}`));
}

describe('exchange simulator: higher intervals aggregated from a base series', () => {
  let sim: BinanceSim;
  let plain: BinanceSim;
  let ex: ExchangePort;
  let plainEx: ExchangePort;
  before(async () => {
    sim = await startBinanceSim({ symbols: ['BTC/USDT'], nowMs: NOW, history: 900, baseInterval: '15m' });
    plain = await startBinanceSim({ symbols: ['BTC/USDT'], nowMs: NOW, history: 900 });
    ex = await binanceAt(sim.url);
    plainEx = await binanceAt(plain.url);
    await ex.prepare(['BTC/USDT']);
    await plainEx.prepare(['BTC/USDT']);
  });
  after(async () => {
    await sim.close();
    await plain.close();
  });

  it('the closed 4h and 1h candles equal the resample of the closed 15m candles; the forming 4h aggregates the slot so far', async () => {
    const base = await rows(ex, '15m', 1000);
    const closed15 = candlesFromRows(splitClosed(base, NOW, '15m').closed);
    for (const tf of ['1h', '4h', '1d'] as const) {
      const higher = await rows(ex, tf, 40);
      const { closed, forming } = splitClosed(higher, NOW, tf);
      assert.ok(closed.length >= 5, `${tf}: some closed candles`);
      const expected = resample(closed15, '15m', tf);
      // The last resampled bucket holds the closed 15m candles of the forming slot: compare closed ones.
      const from = expected.time.indexOf(closed[0]![0]);
      assert.ok(from >= 0, `${tf}: ${closed[0]![0]} in the resample`);
      const slice = (c: Candles, a: number, b: number): Candles => ({
        time: c.time.slice(a, b), open: c.open.slice(a, b), high: c.high.slice(a, b), low: c.low.slice(a, b), close: c.close.slice(a, b), volume: c.volume.slice(a, b),
      });
      assertSameCandles(candlesFromRows(closed), slice(expected, from, from + closed.length), tf);
      // Forming: aggregate of the closed 15m candles of its slot and the forming 15m one.
      assert.ok(forming, `${tf}: a forming candle`);
      const all15 = candlesFromRows(base); // closed + the forming 15m
      const withForming = resample(all15, '15m', tf);
      const last = withForming.time.length - 1;
      assert.equal(forming[0], withForming.time[last]);
      assert.deepEqual([forming[1], forming[2], forming[3], forming[4]], [withForming.open[last], withForming.high[last], withForming.low[last], withForming.close[last]]);
    }
  });

  it('a 4h series reaches back to the first (partial) bucket of the base series, no further', async () => {
    const base = await rows(ex, '15m', 1000);
    const all = await rows(ex, '4h', 1000);
    assert.equal(all[0]![0], Math.floor(base[0]![0] / 14_400_000) * 14_400_000);
  });

  it('without baseInterval (default) the 4h series is its own random walk, unchanged', async () => {
    const base = candlesFromRows(splitClosed(await rows(plainEx, '15m', 1000), NOW, '15m').closed);
    const h4 = candlesFromRows(splitClosed(await rows(plainEx, '4h', 20), NOW, '4h').closed);
    const expected = resample(base, '15m', '4h');
    const i = expected.time.indexOf(h4.time.at(-1)!);
    assert.notEqual(h4.close.at(-1), expected.close[i]);
    assert.equal(h4.time.length, 20 - 1);
  });
});
