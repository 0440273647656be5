import type { OhlcvRow } from '../core/candle.js';

/** Result of preparing an exchange for a set of symbols (markets loaded, from cache or live). */
export interface PreparedMarkets {
  /** Symbols that exist on the exchange (spot, active). */
  readonly known: readonly string[];
  /** Symbols from the watchlist that the exchange does not list: reported, never fetched. */
  readonly unknown: readonly string[];
  /** true when markets came from the cache rather than the exchange. */
  readonly fromCache: boolean;
}

/**
 * The exchange port. Adapters throw only `TransientError` / `PermanentError`
 * (lib/errors.ts), the vendor error kept as `cause`.
 */
export interface ExchangePort {
  /** ccxt exchange id, e.g. `binance`. */
  readonly id: string;
  /** Loads markets (cache first) for these symbols. Must be called before fetchCandles. */
  prepare(symbols: readonly string[]): Promise<PreparedMarkets>;
  /**
   * Most recent `limit` candles, oldest first, as the exchange returns them — possibly
   * including the forming candle and possibly malformed: callers validate every row.
   */
  fetchCandles(symbol: string, timeframe: string, limit: number): Promise<readonly (readonly unknown[])[]>;
  /** How far apart the rate limiter spaces two candle requests of `limit` rows (the ccxt adapter; absent: unknown). Logged by the scan. */
  candleRequestSpacing?(limit: number): { readonly spacingMs: number };
}

/** Cached market definitions per exchange (only the watched symbols), with a TTL. */
export interface MarketsSnapshot {
  readonly exchange: string;
  readonly fetchedAt: number;
  /** ccxt market structures keyed by symbol, as `exchange.markets` holds them. */
  readonly markets: Readonly<Record<string, unknown>>;
  /** Watchlist symbols that the exchange did not list when fetched. */
  readonly unknown: readonly string[];
}

export interface MarketsCache {
  get(exchange: string): Promise<MarketsSnapshot | undefined>;
  put(snapshot: MarketsSnapshot): Promise<void>;
}

export type { OhlcvRow };
