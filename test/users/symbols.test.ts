import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MarketsCache, MarketsSnapshot } from '../../lib/ports/exchange.js';
import { listCachedSymbols, normaliseSymbol, quotesOf, subscribableSymbols, validateSymbol } from '../../lib/users/symbols.js';

const MARKETS = ['BTC/USDT', 'ETH/USDT', 'ETH/BTC', 'SOL/USDC', 'XRP/USDT'];

function cacheOf(snapshots: Record<string, MarketsSnapshot>): MarketsCache {
  return { get: async (id) => snapshots[id], put: async () => {} };
}

describe('symbols typed by users', () => {
  it('normalises the common spellings to BASE/QUOTE', () => {
    for (const input of ['btcusdt', 'BTC-USDT', 'btc/usdt', ' BTC_USDT ', 'btc:usdt', 'BTC USDT']) assert.equal(normaliseSymbol(input), 'BTC/USDT', input);
    assert.equal(normaliseSymbol('ethbtc'), 'ETH/BTC');
    assert.equal(normaliseSymbol('solusdc'), 'SOL/USDC');
    assert.equal(normaliseSymbol('BTCUSD'), 'BTC/USD');
    assert.equal(normaliseSymbol('all'), '*');
    assert.equal(normaliseSymbol('*'), '*');
    // A quote known only from the markets list.
    assert.equal(normaliseSymbol('abcxyz', quotesOf(['DEF/XYZ'])), 'ABC/XYZ');
    // Nothing to split: returned upper-cased for validateSymbol to explain.
    assert.equal(normaliseSymbol('bitcoin'), 'BITCOIN');
    assert.equal(normaliseSymbol('usdt'), 'USDT');
  });

  it('validates against the markets with a clear error and close suggestions', () => {
    assert.deepEqual(validateSymbol('BTC/USDT', MARKETS), { ok: true, symbol: 'BTC/USDT' });
    assert.deepEqual(validateSymbol('*', MARKETS), { ok: true, symbol: '*' });
    const other = validateSymbol('ETH/EUR', MARKETS);
    assert.equal(other.ok, false);
    assert.match(!other.ok ? other.error : '', /^ETH\/EUR is not a market the bot scans\. Did you mean ETH\/BTC, ETH\/USDT\?$/);
    const typo = validateSymbol('BTC/USTD', MARKETS);
    assert.match(!typo.ok ? typo.error : '', /Did you mean BTC\/USDT/);
    const far = validateSymbol('DOGE/JPY', MARKETS);
    assert.match(!far.ok ? far.error : '', /Available: BTC\/USDT, ETH\/USDT, ETH\/BTC, SOL\/USDC, XRP\/USDT\.$/);
    const junk = validateSymbol('BITCOIN', MARKETS);
    assert.match(!junk.ok ? junk.error : '', /is not a symbol: write it like BTC\/USDT/);
  });

  it('subscribable symbols: configured ones less those the markets cache records as unlisted; config alone when nothing is cached', async () => {
    const config = {
      exchanges: [
        { id: 'binance', symbols: ['BTC/USDT', 'ETH/USDT', 'NOPE/USDT'] },
        { id: 'bybit', symbols: ['ETH/USDT', 'SOL/USDT'] },
      ],
    } as never;
    const cache = cacheOf({ binance: { exchange: 'binance', fetchedAt: 1, markets: { 'BTC/USDT': {}, 'ETH/USDT': {} }, unknown: ['NOPE/USDT'] } });
    assert.deepEqual(await subscribableSymbols(config, cache), ['BTC/USDT', 'ETH/USDT', 'SOL/USDT']);
    assert.deepEqual(await listCachedSymbols(cache, 'binance'), ['BTC/USDT', 'ETH/USDT']);
    assert.equal(await listCachedSymbols(cache, 'bybit'), undefined);
  });
});
