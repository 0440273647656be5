import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CcxtExchange } from '../../lib/exchange/ccxt-exchange.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim, type SimFault } from '../support/exchange-sim/binance-sim.js';
import { expectClassified } from '../support/exchange-sim/expect-error.js';

const NOW = Date.UTC(2025, 0, 1, 12, 30);
const HOUR = 3_600_000;
const SYMBOL = 'BTC/USDT';

interface Case {
  readonly fault: SimFault;
  readonly kind: 'transient' | 'permanent';
  readonly code: string;
  readonly causeName: string;
  readonly retryAfterMs?: number;
}

const CASES: readonly Case[] = [
  { fault: { kind: 'status', status: 429, retryAfterSec: 7 }, kind: 'transient', code: 'RATE_LIMITED', causeName: 'DDoSProtection', retryAfterMs: 7000 },
  { fault: { kind: 'status', status: 418, retryAfterSec: 120 }, kind: 'transient', code: 'RATE_LIMITED', causeName: 'DDoSProtection', retryAfterMs: 120_000 },
  { fault: { kind: 'status', status: 500 }, kind: 'transient', code: 'EXCHANGE_UNAVAILABLE', causeName: 'ExchangeNotAvailable' },
  { fault: { kind: 'status', status: 502 }, kind: 'transient', code: 'EXCHANGE_UNAVAILABLE', causeName: 'ExchangeNotAvailable' },
  { fault: { kind: 'status', status: 503, retryAfterSec: 30 }, kind: 'transient', code: 'EXCHANGE_UNAVAILABLE', causeName: 'ExchangeNotAvailable', retryAfterMs: 30_000 },
  { fault: { kind: 'status', status: 504 }, kind: 'transient', code: 'TIMEOUT', causeName: 'RequestTimeout' },
  // JSON 5xx with a Binance error code: ccxt maps the code; a 5xx is never permanent.
  { fault: { kind: 'status', status: 500, body: 'json' }, kind: 'transient', code: 'EXCHANGE_FAILED', causeName: 'OperationFailed' },
  { fault: { kind: 'status', status: 503, body: 'json' }, kind: 'transient', code: 'EXCHANGE_FAILED', causeName: 'ExchangeError' },
  { fault: { kind: 'status', status: 504, body: 'json' }, kind: 'transient', code: 'TIMEOUT', causeName: 'RequestTimeout' },
  { fault: { kind: 'status', status: 429, body: 'html' }, kind: 'transient', code: 'RATE_LIMITED', causeName: 'DDoSProtection' },
  { fault: { kind: 'unknownSymbol' }, kind: 'permanent', code: 'BAD_SYMBOL', causeName: 'BadSymbol' },
];

describe('candle faults → classified errors (real ccxt against the simulator)', () => {
  let sim: BinanceSim;
  let adapter: CcxtExchange;
  before(async () => {
    sim = await startBinanceSim({ symbols: [SYMBOL, 'ETH/USDT'], nowMs: NOW });
    adapter = await binanceAt(sim.url);
    await adapter.prepare([SYMBOL, 'ETH/USDT']);
  });
  after(() => sim.close());

  for (const c of CASES) {
    it(`${JSON.stringify(c.fault)} → ${c.kind} ${c.code}`, async () => {
      sim.setFault(SYMBOL, { ...c.fault, times: 1 });
      const error = await expectClassified(adapter.fetchCandles(SYMBOL, '1h', 10), c);
      assert.equal(error.retryAfterMs, c.retryAfterMs);
      // times: 1 → the fault is over, the same call now succeeds.
      assert.equal((await adapter.fetchCandles(SYMBOL, '1h', 10)).length, 10);
    });
  }

  it('a fault on one symbol leaves the others alone; `times` counts requests', async () => {
    sim.setFault(SYMBOL, { kind: 'status', status: 502, times: 2 });
    assert.equal((await adapter.fetchCandles('ETH/USDT', '1h', 5)).length, 5);
    await expectClassified(adapter.fetchCandles(SYMBOL, '1h', 5), { kind: 'transient', code: 'EXCHANGE_UNAVAILABLE' });
    await expectClassified(adapter.fetchCandles(SYMBOL, '1h', 5), { kind: 'transient', code: 'EXCHANGE_UNAVAILABLE' });
    assert.equal((await adapter.fetchCandles(SYMBOL, '1h', 5)).length, 5);
  });

  it('healthy rows: oldest first, 1h aligned, last one forming at nowMs', async () => {
    const rows = await adapter.fetchCandles(SYMBOL, '1h', 24);
    assert.equal(rows.length, 24);
    const times = rows.map((r) => r[0] as number);
    assert.equal(times.at(-1), Math.floor(NOW / HOUR) * HOUR);
    for (let i = 1; i < times.length; i++) assert.equal(times[i]! - times[i - 1]!, HOUR);
    for (const r of rows) for (const v of r) assert.ok(typeof v === 'number' && Number.isFinite(v));
  });

  it('malformed JSON (200) does not throw: rows of nulls come back for validation to reject', async () => {
    sim.setFault(SYMBOL, { kind: 'malformedJson', times: 1 });
    const rows = await adapter.fetchCandles(SYMBOL, '1h', 5);
    assert.ok(rows.length > 0);
    for (const row of rows) assert.ok(row.every((v) => v === null || v === undefined), JSON.stringify(row));
  });

  it('NaN price: the last closed row has no numeric close (the adapter does not validate)', async () => {
    sim.setFault(SYMBOL, { kind: 'nanPrice', times: 1 });
    const rows = await adapter.fetchCandles(SYMBOL, '1h', 5);
    assert.equal(rows.length, 5);
    assert.equal(rows[3]![4], undefined, 'ccxt parses "NaN" to undefined');
    assert.ok(rows.slice(0, 3).every((r) => typeof r[4] === 'number'));
  });

  it('negative price comes through as is', async () => {
    sim.setFault(SYMBOL, { kind: 'negativePrice', times: 1 });
    const rows = await adapter.fetchCandles(SYMBOL, '1h', 5);
    assert.ok((rows[3]![4] as number) < 0 && (rows[3]![3] as number) < 0);
  });

  it('gap: missing candles come through as a hole in the timestamps', async () => {
    sim.setFault(SYMBOL, { kind: 'gap', missing: 2, times: 1 });
    const rows = await adapter.fetchCandles(SYMBOL, '1h', 6);
    assert.equal(rows.length, 6);
    const times = rows.map((r) => r[0] as number);
    assert.equal(times[4]! - times[3]!, 3 * HOUR, 'two candles missing before the last closed one');
  });
});

describe('request weight limit of the simulator', () => {
  it('past the per-minute weight the sim answers 429 with Retry-After → RATE_LIMITED with retryAfterMs', async () => {
    const wall = Date.UTC(2025, 0, 1, 0, 0, 15); // 45 s before the minute resets
    const sim = await startBinanceSim({ symbols: [SYMBOL], nowMs: NOW, weightLimitPerMinute: 30, wallClock: () => wall });
    try {
      const adapter = await binanceAt(sim.url);
      await adapter.prepare([SYMBOL]); // weight 20
      for (let i = 0; i < 5; i++) await adapter.fetchCandles(SYMBOL, '1h', 5); // 5 × 2 = 30
      assert.equal(sim.usedWeight(), 30);
      const error = await expectClassified(adapter.fetchCandles(SYMBOL, '1h', 5), { kind: 'transient', code: 'RATE_LIMITED', causeName: 'DDoSProtection' });
      assert.equal(error.retryAfterMs, 45_000);
      assert.equal(sim.usedWeight(), 30, 'a rejected request uses no weight');
    } finally {
      await sim.close();
    }
  });
});
