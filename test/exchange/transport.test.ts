import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { expectClassified } from '../support/exchange-sim/expect-error.js';
import { MemoryMarketsCache } from '../support/exchange-sim/memory-markets-cache.js';

const NOW = Date.UTC(2025, 0, 1, 12, 30);
const SYMBOL = 'BTC/USDT';

/** A loopback URL where nothing listens (a port just released). */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('transport failures', () => {
  let sim: BinanceSim;
  before(async () => {
    sim = await startBinanceSim({ symbols: [SYMBOL], nowMs: NOW });
  });
  after(() => sim.close());

  it('connection refused → transient NETWORK, for markets and for candles', async () => {
    const url = await closedPortUrl();
    const refused = await binanceAt(url);
    await expectClassified(refused.prepare([SYMBOL]), { kind: 'transient', code: 'NETWORK', causeName: 'NetworkError' });

    // Markets from a shared cache (filled via the simulator), candles from the dead port.
    const cache = new MemoryMarketsCache();
    await (await binanceAt(sim.url, { marketsCache: cache })).prepare([SYMBOL]);
    const cached = await binanceAt(url, { marketsCache: cache });
    assert.equal((await cached.prepare([SYMBOL])).fromCache, true);
    const error = await expectClassified(cached.fetchCandles(SYMBOL, '1h', 5), { kind: 'transient', code: 'NETWORK', causeName: 'NetworkError' });
    assert.match(error.message, /ECONNREFUSED|fetch failed|refused/i);
  });

  it('a request that never answers → transient TIMEOUT after the configured timeout', async () => {
    const adapter = await binanceAt(sim.url, { timeoutMs: 300 });
    await adapter.prepare([SYMBOL]);
    sim.setFault(SYMBOL, { kind: 'timeout', times: 1 });
    const logStart = sim.requestLog.length;
    await expectClassified(adapter.fetchCandles(SYMBOL, '1h', 5), { kind: 'transient', code: 'TIMEOUT', causeName: 'RequestTimeout' });
    // Measured from the request's arrival, so the rate limiter's wait (ccxt makes the next
    // request pay exchangeInfo's cost, even after idling) is not counted.
    const arrival = sim.requestLog.slice(logStart).find((r) => r.path === '/api/v3/klines');
    assert.ok(arrival, 'the request reached the simulator');
    const elapsed = Date.now() - arrival.at;
    // Lower bound: a timer cannot fire early. Upper bound: the sim never answers, so without the
    // timeout this would hang; 10 s holds on a loaded 2-core machine (858 ms was seen at load ~7).
    assert.ok(elapsed >= 290 && elapsed < 10_000, `timed out ${elapsed} ms after arrival`);
  });
});

describe('rate limiter', () => {
  it('spaces concurrent candle requests by rateLimit × klines cost: N requests span ≈ (N−1) × spacing', async () => {
    const sim = await startBinanceSim({ symbols: [SYMBOL, 'ETH/USDT'], nowMs: NOW });
    try {
      const adapter = await binanceAt(sim.url);
      await adapter.prepare([SYMBOL, 'ETH/USDT']);
      const { spacingMs } = adapter.candleRequestSpacing(200);
      assert.equal(spacingMs, 20);

      const n = 16;
      const logStart = sim.requestLog.length;
      await Promise.all(Array.from({ length: n }, (_, i) => adapter.fetchCandles(i % 2 === 0 ? SYMBOL : 'ETH/USDT', '1h', 200)));
      const arrivals = sim.requestLog.slice(logStart).filter((r) => r.path === '/api/v3/klines').map((r) => r.at);
      assert.equal(arrivals.length, n);
      const span = Math.max(...arrivals) - Math.min(...arrivals);
      const expected = (n - 1) * spacingMs; // 300 ms
      assert.ok(span >= expected * 0.9, `span ${span} ms ≥ ${expected * 0.9} ms (limiter on)`);
      assert.ok(span <= expected + 250, `span ${span} ms ≤ ${expected + 250} ms (no extra delay)`);
    } finally {
      await sim.close();
    }
  });
});
