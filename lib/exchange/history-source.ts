/**
 * Where historical candles come from: one page of `fetchOHLCV(symbol, tf, since, limit)`.
 *
 * The ccxt implementation reuses the project's exchange adapter (lib/exchange/ccxt-exchange.ts:
 * per-exchange class loading, rate limiter always on, spot-only markets, `apiBase` rewriting,
 * HTTP status/Retry-After kept on errors) and calls `fetchOHLCV` with `since` on its ccxt
 * instance, because the scan's ExchangePort only fetches the most recent candles. Every error
 * leaves classified (lib/exchange/classify.ts).
 */
import type { Clock } from '../ports/clock.js';
import type { MarketsCache, PreparedMarkets } from '../ports/exchange.js';
import { createCcxtExchange } from './ccxt-exchange.js';
import { classifyExchangeError } from './classify.js';

export interface CandleHistory {
  /** ccxt exchange id. */
  readonly id: string;
  /** Loads the markets; `unknown` lists the symbols the exchange does not list (spot, active). */
  prepare(symbols: readonly string[]): Promise<PreparedMarkets>;
  /** Up to `limit` rows opening at or after `since`, oldest first, unvalidated (may include the forming candle). */
  fetchPage(symbol: string, timeframe: string, since: number, limit: number): Promise<readonly (readonly unknown[])[]>;
}

export interface CcxtHistoryOptions {
  readonly id: string;
  readonly apiBase?: string;
  readonly timeoutMs?: number;
  readonly clock: Clock;
}

/** A one-shot download loads markets once per run: nothing to cache between runs. */
const NO_MARKETS_CACHE: MarketsCache = {
  get: async () => undefined,
  put: async () => {},
};

export async function ccxtCandleHistory(options: CcxtHistoryOptions): Promise<CandleHistory> {
  const exchange = await createCcxtExchange({
    id: options.id,
    clock: options.clock,
    marketsCache: NO_MARKETS_CACHE,
    marketsTtlMs: 0,
    ...(options.apiBase === undefined ? {} : { apiBase: options.apiBase }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return {
    id: options.id,
    prepare: (symbols) => exchange.prepare(symbols),
    async fetchPage(symbol, timeframe, since, limit) {
      try {
        return await exchange.ccxt.fetchOHLCV(symbol, timeframe, since, limit);
      } catch (error) {
        throw classifyExchangeError(error, `${options.id} fetchOHLCV ${symbol} ${timeframe} since ${new Date(since).toISOString()}`);
      }
    },
  };
}
