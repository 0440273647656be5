import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { build } from 'esbuild';
import { systemClock } from '../../lib/ports/clock.js';
import { createCcxtExchange } from '../../lib/exchange/ccxt-exchange.js';
import { BUNDLED_EXCHANGE_LOADERS, loadExchangeClass } from '../../lib/exchange/load.js';
import { expectClassified } from '../support/exchange-sim/expect-error.js';
import { MemoryMarketsCache } from '../support/exchange-sim/memory-markets-cache.js';

/** Nothing listens here; construction must not touch the network anyway. */
const NOWHERE = 'http://127.0.0.1:9';

function httpUrls(node: unknown, out: string[] = []): string[] {
  if (typeof node === 'string' && /^https?:/.test(node)) out.push(node);
  else if (typeof node === 'object' && node !== null) for (const v of Object.values(node)) httpUrls(v, out);
  return out;
}

describe('per-exchange loaders', () => {
  for (const id of ['binance', 'bybit', 'phemex']) {
    it(`${id}: loads its own file, constructs with rate limiting, timeout and apiBase`, async () => {
      assert.ok(Object.hasOwn(BUNDLED_EXCHANGE_LOADERS, id));
      const ExchangeClass = await loadExchangeClass(id, {
        importFullCcxt: () => Promise.reject(new Error('full ccxt must not be needed for a bundled id')),
      });
      assert.equal(new ExchangeClass().id, id);

      const adapter = await createCcxtExchange({
        id, apiBase: NOWHERE, timeoutMs: 1234, marketsCache: new MemoryMarketsCache(), marketsTtlMs: 60_000, clock: systemClock,
      });
      const ex = adapter.ccxt;
      assert.equal(adapter.id, id);
      assert.equal(ex.id, id);
      assert.equal(ex.enableRateLimit, true);
      assert.equal(ex.timeout, 1234);
      const urls = httpUrls(ex.urls.api);
      assert.ok(urls.length > 0);
      for (const url of urls) assert.ok(url.startsWith(`${NOWHERE}`), `${id} url rewritten: ${url}`);
      if (id !== 'phemex') {
        const fetchMarkets = ex.options['fetchMarkets'] as Record<string, unknown>;
        assert.deepEqual(fetchMarkets['types'], ['spot']);
      }
      // Spacing is ccxt's rateLimit × the candle endpoint's cost from its api definitions.
      const spacing = adapter.candleRequestSpacing(200);
      assert.equal(spacing.rateLimitMs, ex.rateLimit);
      assert.ok(spacing.cost > 0);
      assert.equal(spacing.spacingMs, spacing.rateLimitMs * spacing.cost);
    });
  }

  it('binance klines spacing with limit 200 is 50 ms × 0.4 = 20 ms', async () => {
    const adapter = await createCcxtExchange({
      id: 'binance', apiBase: NOWHERE, marketsCache: new MemoryMarketsCache(), marketsTtlMs: 1, clock: systemClock,
    });
    assert.deepEqual(adapter.candleRequestSpacing(200), { rateLimitMs: 50, cost: 0.4, spacingMs: 20, endpoint: 'public GET klines' });
    assert.equal(adapter.ccxt.timeout, 10_000, 'default timeout 10 s');
  });

  it('bybit/phemex spacing reads the endpoint cost from ccxt (5 each)', async () => {
    for (const id of ['bybit', 'phemex']) {
      const adapter = await createCcxtExchange({ id, apiBase: NOWHERE, marketsCache: new MemoryMarketsCache(), marketsTtlMs: 1, clock: systemClock });
      assert.equal(adapter.candleRequestSpacing(200).cost, 5, id);
    }
  });
});

describe('ids outside the bundled map', () => {
  it('a real ccxt id falls back to the full ccxt package', async () => {
    const ExchangeClass = await loadExchangeClass('kraken');
    assert.equal(new ExchangeClass().id, 'kraken');
  });

  it('unknown id → PermanentError UNKNOWN_EXCHANGE (malformed and well-formed)', async () => {
    await expectClassified(loadExchangeClass('no-such exchange'), { kind: 'permanent', code: 'UNKNOWN_EXCHANGE' });
    await expectClassified(loadExchangeClass('nosuchexchange'), { kind: 'permanent', code: 'UNKNOWN_EXCHANGE' });
    await expectClassified(loadExchangeClass('constructor'), { kind: 'permanent', code: 'UNKNOWN_EXCHANGE' });
    await expectClassified(
      createCcxtExchange({ id: 'nosuchexchange', marketsCache: new MemoryMarketsCache(), marketsTtlMs: 1, clock: systemClock }),
      { kind: 'permanent', code: 'UNKNOWN_EXCHANGE' },
    );
  });

  it('full ccxt not importable (deployed bundle) → EXCHANGE_NOT_BUNDLED naming the fix, cause kept', async () => {
    const importError = new Error("Cannot find package 'ccxt'");
    const error = await expectClassified(loadExchangeClass('kraken', { importFullCcxt: () => Promise.reject(importError) }), {
      kind: 'permanent',
      code: 'EXCHANGE_NOT_BUNDLED',
    });
    assert.equal(error.cause, importError);
    assert.match(error.message, /BUNDLED_EXCHANGE_LOADERS/);
  });
});

describe('bundle size', () => {
  it('esbuild bundles the three exchanges but not the rest of ccxt', async () => {
    const entry = fileURLToPath(new URL('../../lib/exchange/load.ts', import.meta.url));
    const result = await build({
      entryPoints: [entry], bundle: true, platform: 'node', format: 'esm', write: false, external: ['undici'], logLevel: 'silent',
    });
    const text = result.outputFiles[0]!.text;
    for (const id of ['binance', 'bybit', 'phemex']) assert.match(text, new RegExp(`"id":\\s*"${id}"`), `${id} bundled`);
    for (const id of ['kraken', 'okx', 'kucoin']) assert.doesNotMatch(text, new RegExp(`"id":\\s*"${id}"`), `${id} not bundled`);
    assert.ok(text.length < 3_500_000, `bundle ${text.length} bytes`);
  });
});
