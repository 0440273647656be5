/** Builds the real ccxt adapter for binance pointed at a simulator (or any base URL). */
import { createCcxtExchange, type CcxtExchange } from '../../../lib/exchange/ccxt-exchange.js';
import type { Clock } from '../../../lib/ports/clock.js';
import type { MarketsCache } from '../../../lib/ports/exchange.js';
import { MemoryMarketsCache } from './memory-markets-cache.js';

export interface BinanceAtOptions {
  readonly marketsCache?: MarketsCache;
  readonly marketsTtlMs?: number;
  readonly timeoutMs?: number;
  readonly clock?: Clock;
}

export function binanceAt(url: string, options: BinanceAtOptions = {}): Promise<CcxtExchange> {
  return createCcxtExchange({
    id: 'binance',
    apiBase: url,
    marketsCache: options.marketsCache ?? new MemoryMarketsCache(),
    marketsTtlMs: options.marketsTtlMs ?? 3_600_000,
    timeoutMs: options.timeoutMs ?? 2_000,
    clock: options.clock ?? { now: () => Date.now() },
  });
}
