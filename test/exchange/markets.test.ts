import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MarketsCache, MarketsSnapshot } from '../../lib/ports/exchange.js';
import { binanceAt } from '../support/exchange-sim/binance-at.js';
import { startBinanceSim, type BinanceSim } from '../support/exchange-sim/binance-sim.js';
import { expectClassified } from '../support/exchange-sim/expect-error.js';
import { MemoryMarketsCache } from '../support/exchange-sim/memory-markets-cache.js';

const NOW = Date.UTC(2025, 0, 1, 12, 30);
const HOUR = 3_600_000;

describe('markets: load, cache, unknown symbols', () => {
  let sim: BinanceSim;
  before(async () => {
    sim = await startBinanceSim({ symbols: ['BTC/USDT', 'ETH/USDT', 'LUNA/USDT'], nowMs: NOW, symbolStatus: { 'LUNA/USDT': 'BREAK' } });
  });
  after(() => sim.close());

  it('a second adapter (cold start) with a fresh shared cache does not fetch exchangeInfo', async () => {
    const cache = new MemoryMarketsCache();
    let now = NOW;
    const clock = { now: () => now };
    const start = sim.hits.exchangeInfo;

    const first = await binanceAt(sim.url, { marketsCache: cache, clock, marketsTtlMs: HOUR });
    assert.deepEqual(await first.prepare(['BTC/USDT', 'ETH/USDT']), { known: ['BTC/USDT', 'ETH/USDT'], unknown: [], fromCache: false });
    assert.equal(sim.hits.exchangeInfo - start, 1);

    now += HOUR - 1;
    const second = await binanceAt(sim.url, { marketsCache: cache, clock, marketsTtlMs: HOUR });
    assert.deepEqual(await second.prepare(['ETH/USDT', 'BTC/USDT']), { known: ['ETH/USDT', 'BTC/USDT'], unknown: [], fromCache: true });
    assert.equal(sim.hits.exchangeInfo - start, 1, 'exchangeInfo hit once across two adapters');
    // Markets injected from the cache are usable: candles come back.
    const rows = await second.fetchCandles('ETH/USDT', '1h', 3);
    assert.equal(rows.length, 3);

    now += 1; // TTL reached → reload
    const third = await binanceAt(sim.url, { marketsCache: cache, clock, marketsTtlMs: HOUR });
    assert.equal((await third.prepare(['BTC/USDT'])).fromCache, false);
    assert.equal(sim.hits.exchangeInfo - start, 2);
  });

  it('a symbol the snapshot does not cover triggers a reload that keeps the old symbols too', async () => {
    const cache = new MemoryMarketsCache();
    const start = sim.hits.exchangeInfo;
    const a = await binanceAt(sim.url, { marketsCache: cache });
    await a.prepare(['BTC/USDT']);
    const b = await binanceAt(sim.url, { marketsCache: cache });
    assert.equal((await b.prepare(['ETH/USDT'])).fromCache, false, 'ETH not in the snapshot');
    const c = await binanceAt(sim.url, { marketsCache: cache });
    assert.equal((await c.prepare(['BTC/USDT', 'ETH/USDT'])).fromCache, true, 'both now cached');
    assert.equal(sim.hits.exchangeInfo - start, 2);
  });

  it('unknown and inactive symbols are reported, cached as unknown, and BAD_SYMBOL on fetch', async () => {
    const cache = new MemoryMarketsCache();
    const adapter = await binanceAt(sim.url, { marketsCache: cache });
    const prepared = await adapter.prepare(['BTC/USDT', 'NOPE/USDT', 'LUNA/USDT']);
    assert.deepEqual(prepared, { known: ['BTC/USDT'], unknown: ['NOPE/USDT', 'LUNA/USDT'], fromCache: false });
    const snapshot = await cache.get('binance');
    assert.ok(snapshot);
    assert.deepEqual(Object.keys(snapshot.markets), ['BTC/USDT'], 'only watched markets are cached');
    assert.deepEqual(snapshot.unknown, ['NOPE/USDT', 'LUNA/USDT']);

    const klinesBefore = sim.hits.klines;
    await expectClassified(adapter.fetchCandles('NOPE/USDT', '1h', 5), { kind: 'permanent', code: 'BAD_SYMBOL', causeName: 'BadSymbol' });
    await expectClassified(adapter.fetchCandles('LUNA/USDT', '1h', 5), { kind: 'permanent', code: 'BAD_SYMBOL', causeName: 'BadSymbol' });
    assert.equal(sim.hits.klines, klinesBefore, 'unknown symbols are never requested');

    const again = await binanceAt(sim.url, { marketsCache: cache });
    assert.deepEqual(await again.prepare(['NOPE/USDT', 'BTC/USDT']), { known: ['BTC/USDT'], unknown: ['NOPE/USDT'], fromCache: true });
    await expectClassified(again.fetchCandles('NOPE/USDT', '1h', 5), { kind: 'permanent', code: 'BAD_SYMBOL' });
  });

  it('a warm adapter whose markets are within the TTL reads neither cache nor exchange; after the TTL it reads the cache', async () => {
    const cache = new MemoryMarketsCache();
    let now = NOW;
    const clock = { now: () => now };
    const start = sim.hits.exchangeInfo;
    const adapter = await binanceAt(sim.url, { marketsCache: cache, clock, marketsTtlMs: HOUR });
    assert.equal((await adapter.prepare(['BTC/USDT', 'NOPE/USDT'])).fromCache, false);
    assert.equal(cache.gets, 1);

    now += HOUR - 1;
    assert.deepEqual(await adapter.prepare(['NOPE/USDT', 'BTC/USDT']), { known: ['BTC/USDT'], unknown: ['NOPE/USDT'], fromCache: true });
    assert.equal(cache.gets, 1, 'held markets still fresh: no cache read');
    assert.equal((await adapter.fetchCandles('BTC/USDT', '1h', 3)).length, 3);
    await expectClassified(adapter.fetchCandles('NOPE/USDT', '1h', 5), { kind: 'permanent', code: 'BAD_SYMBOL' });

    // A symbol the held markets do not cover: back to the cache (which does not cover it either → reload).
    assert.equal((await adapter.prepare(['ETH/USDT'])).fromCache, false);
    assert.equal(cache.gets, 2);
    assert.equal(sim.hits.exchangeInfo - start, 2);

    // A second adapter refreshed the cache meanwhile; past our TTL we read it (no exchangeInfo).
    now += HOUR;
    const other = await binanceAt(sim.url, { marketsCache: cache, clock, marketsTtlMs: HOUR });
    await other.prepare(['ETH/USDT']);
    now += 1;
    assert.deepEqual(await adapter.prepare(['ETH/USDT', 'BTC/USDT', 'NOPE/USDT']), { known: ['ETH/USDT', 'BTC/USDT'], unknown: ['NOPE/USDT'], fromCache: true });
    assert.equal(cache.gets, 4);
    assert.equal(sim.hits.exchangeInfo - start, 3, 'only the second adapter reloaded');
  });

  it('after a failed cache write the next prepare() reloads and writes again (held markets not trusted)', async () => {
    const inner = new MemoryMarketsCache();
    let failPuts = 1;
    const flaky: MarketsCache = {
      get: (exchange) => inner.get(exchange),
      put: (snapshot) => (failPuts-- > 0 ? Promise.reject(new Error('ddb throttled')) : inner.put(snapshot)),
    };
    const start = sim.hits.exchangeInfo;
    const adapter = await binanceAt(sim.url, { marketsCache: flaky });
    await assert.rejects(adapter.prepare(['BTC/USDT']), /markets cache put/);
    assert.deepEqual(await adapter.prepare(['BTC/USDT']), { known: ['BTC/USDT'], unknown: [], fromCache: false });
    assert.equal(inner.puts, 1);
    assert.equal(sim.hits.exchangeInfo - start, 2);
    assert.equal((await adapter.prepare(['BTC/USDT'])).fromCache, true);
    assert.equal(inner.gets, 2, 'the third prepare used the held markets');
  });

  it('fetchCandles before prepare → NOT_PREPARED (never a hidden exchangeInfo call)', async () => {
    const start = sim.hits.exchangeInfo;
    const adapter = await binanceAt(sim.url);
    await expectClassified(adapter.fetchCandles('BTC/USDT', '1h', 5), { kind: 'permanent', code: 'NOT_PREPARED' });
    assert.equal(sim.hits.exchangeInfo, start);
  });
});

describe('markets: failures are classified and never cached', () => {
  let sim: BinanceSim;
  before(async () => {
    sim = await startBinanceSim({ symbols: ['BTC/USDT'], nowMs: NOW });
  });
  after(() => sim.close());

  const cases = [
    { fault: { kind: 'status', status: 503 }, kind: 'transient', code: 'EXCHANGE_UNAVAILABLE', causeName: 'ExchangeNotAvailable' },
    { fault: { kind: 'status', status: 429, retryAfterSec: 3 }, kind: 'transient', code: 'RATE_LIMITED', causeName: 'DDoSProtection' },
    { fault: { kind: 'malformedJson' }, kind: 'transient', code: 'EMPTY_MARKETS', causeName: undefined },
  ] as const;

  for (const c of cases) {
    it(`exchangeInfo ${JSON.stringify(c.fault)} → ${c.code}; the next call (fault over) succeeds`, async () => {
      const cache = new MemoryMarketsCache();
      const adapter = await binanceAt(sim.url, { marketsCache: cache });
      sim.setExchangeInfoFault({ ...c.fault, times: 1 });
      await expectClassified(adapter.prepare(['BTC/USDT']), { kind: c.kind, code: c.code, ...(c.causeName ? { causeName: c.causeName } : {}) });
      assert.equal(cache.puts, 0, 'nothing cached on failure');
      assert.deepEqual(await adapter.prepare(['BTC/USDT']), { known: ['BTC/USDT'], unknown: [], fromCache: false });
      assert.equal(cache.puts, 1);
    });
  }

  it('a failing cache surfaces as an error (not swallowed, not a silent refetch)', async () => {
    const broken: MarketsCache = {
      get: () => Promise.reject(new Error('ddb down')),
      put: (_: MarketsSnapshot) => Promise.resolve(),
    };
    const adapter = await binanceAt(sim.url, { marketsCache: broken });
    const error = await expectClassified(adapter.prepare(['BTC/USDT']), { kind: 'permanent', code: 'UNEXPECTED' });
    assert.match(error.message, /markets cache get/);
  });
});
