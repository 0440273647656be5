/**
 * ExchangePort over one ccxt exchange instance (public REST only: markets and candles).
 *
 * - Rate limiting is always on (`enableRateLimit: true`, ccxt's leaky bucket without its 1 ms
 *   polling: lib/exchange/throttler.ts); the timeout comes from options.
 * - Markets: cache first (`MarketsCache`, TTL); a cold start with a fresh snapshot that covers
 *   every requested symbol never calls the exchange's markets endpoint (`setMarkets`). A warm
 *   instance whose markets are still within the TTL and cover the symbols reads nothing.
 * - Every error leaves as TransientError/PermanentError (lib/exchange/classify.ts), `cause` kept.
 */
import type { ConstructorArgs, Dict, Exchange } from 'ccxt';
import { CandlebotError, PermanentError, TransientError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ExchangePort, MarketsCache, MarketsSnapshot, PreparedMarkets } from '../ports/exchange.js';
import { defaultCorruptRowReporter, reasonOf, type CorruptRowReporter } from '../aws/corrupt-rows.js';
import { pointApiAt } from './api-base.js';
import { classifyExchangeError } from './classify.js';
import { loadExchangeClass, type LoadExchangeOptions } from './load.js';
import { candleRequestSpacing, type CandleRequestSpacing } from './rate-limit.js';
import { withResponseMeta } from './response-meta.js';
import { withExactThrottler } from './throttler.js';

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface CcxtExchangeOptions {
  /** ccxt exchange id, e.g. `binance`. */
  readonly id: string;
  readonly marketsCache: MarketsCache;
  /** A cached markets snapshot older than this is reloaded from the exchange. */
  readonly marketsTtlMs: number;
  readonly clock: Clock;
  /** Origin (optionally with a path prefix) replacing the host of every `urls.api` entry. */
  readonly apiBase?: string;
  /** Per-request HTTP timeout; default 10 s. */
  readonly timeoutMs?: number;
  readonly load?: LoadExchangeOptions;
  /** Where a cached snapshot ccxt refuses is reported (default: log once + metric). */
  readonly corruptRows?: CorruptRowReporter;
}

export interface CcxtExchange extends ExchangePort {
  /** The underlying ccxt instance (read-only use: inspection, benchmarks). */
  readonly ccxt: Exchange;
  /** Rate-limit spacing of one candle request with this `limit` on this instance. */
  candleRequestSpacing(limit: number): CandleRequestSpacing;
}

/** Options restricting market loading to spot, for exchanges whose fetchMarkets reads them. */
const SPOT_ONLY_OPTIONS: Readonly<Record<string, Dict>> = {
  binance: { fetchMarkets: { types: ['spot'] } },
  bybit: { fetchMarkets: { types: ['spot'] } },
};

type Market = Record<string, unknown>;

function isUsable(market: unknown): market is Market {
  if (typeof market !== 'object' || market === null) return false;
  const m = market as Market;
  return m['spot'] === true && m['active'] !== false;
}

function isFresh<T extends { readonly fetchedAt: number }>(snapshot: T | undefined, now: number, ttlMs: number): snapshot is T {
  if (snapshot === undefined) return false;
  const age = now - snapshot.fetchedAt;
  return age >= 0 && age < ttlMs;
}

function covers(snapshot: MarketsSnapshot, symbols: readonly string[]): boolean {
  return symbols.every((s) => Object.hasOwn(snapshot.markets, s) || snapshot.unknown.includes(s));
}

export async function createCcxtExchange(options: CcxtExchangeOptions): Promise<CcxtExchange> {
  const { id, marketsCache, marketsTtlMs, clock } = options;
  const corruptRows = options.corruptRows ?? defaultCorruptRowReporter();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new PermanentError(`timeoutMs must be positive, got ${timeoutMs}`, { code: 'INVALID_OPTIONS' });
  }
  if (!(marketsTtlMs >= 0)) {
    throw new PermanentError(`marketsTtlMs must be >= 0, got ${marketsTtlMs}`, { code: 'INVALID_OPTIONS' });
  }

  // ccxt's leaky bucket, minus its 1 ms polling (lib/exchange/throttler.ts).
  const ExchangeClass = withResponseMeta(withExactThrottler(await loadExchangeClass(id, options.load)));
  const config: ConstructorArgs = { enableRateLimit: true, timeout: timeoutMs };
  const spotOnly = Object.hasOwn(SPOT_ONLY_OPTIONS, id) ? SPOT_ONLY_OPTIONS[id] : undefined;
  if (spotOnly !== undefined) config['options'] = spotOnly;
  let exchange: Exchange;
  try {
    exchange = new ExchangeClass(config);
  } catch (error) {
    throw classifyExchangeError(error, `${id} constructor`);
  }
  if (options.apiBase !== undefined) pointApiAt(exchange, options.apiBase);

  let prepared = false;
  /** The markets snapshot this instance runs on (warm containers keep it between invocations). */
  let current: { fetchedAt: number; known: ReadonlySet<string>; unknown: ReadonlySet<string> } | undefined;

  async function readCache(): Promise<MarketsSnapshot | undefined> {
    try {
      return await marketsCache.get(id);
    } catch (error) {
      throw error instanceof CandlebotError ? error : classifyExchangeError(error, `${id} markets cache get`);
    }
  }

  async function writeCache(snapshot: MarketsSnapshot): Promise<void> {
    try {
      await marketsCache.put(snapshot);
    } catch (error) {
      throw error instanceof CandlebotError ? error : classifyExchangeError(error, `${id} markets cache put`);
    }
  }

  function useMarkets(markets: Readonly<Record<string, unknown>>): void {
    current = undefined;
    try {
      exchange.setMarkets(Object.values(markets));
    } catch (error) {
      throw classifyExchangeError(error, `${id} setMarkets`);
    }
  }

  /**
   * Installs a cached snapshot; false (reported, then reloaded from the exchange like a miss)
   * when ccxt refuses it: a cache row must never block an exchange.
   */
  function useCachedMarkets(snapshot: MarketsSnapshot): boolean {
    try {
      useMarkets(snapshot.markets);
      return true;
    } catch (error) {
      corruptRows.corrupt({ kind: 'markets', table: 'markets cache', key: `markets#${id}`, reason: `ccxt refused the cached markets: ${reasonOf(error)}` });
      return false;
    }
  }

  function hold(snapshot: Pick<MarketsSnapshot, 'fetchedAt' | 'markets' | 'unknown'>): void {
    current = { fetchedAt: snapshot.fetchedAt, known: new Set(Object.keys(snapshot.markets)), unknown: new Set(snapshot.unknown) };
  }

  async function prepare(symbols: readonly string[]): Promise<PreparedMarkets> {
    const requested = [...new Set(symbols)];
    // Warm instance: the markets it already holds are within the TTL and cover every symbol, so
    // neither the cache (a large item to fetch, unzip and parse) nor setMarkets is needed again.
    const held = current;
    if (prepared && held !== undefined && isFresh(held, clock.now(), marketsTtlMs) && requested.every((s) => held.known.has(s) || held.unknown.has(s))) {
      return { known: requested.filter((s) => held.known.has(s)), unknown: requested.filter((s) => !held.known.has(s)), fromCache: true };
    }
    const cached = await readCache();
    if (isFresh(cached, clock.now(), marketsTtlMs) && covers(cached, requested) && useCachedMarkets(cached)) {
      hold(cached);
      prepared = true;
      return {
        known: requested.filter((s) => Object.hasOwn(cached.markets, s)),
        unknown: requested.filter((s) => !Object.hasOwn(cached.markets, s)),
        fromCache: true,
      };
    }

    let all: Record<string, unknown>;
    try {
      all = await exchange.loadMarkets(true);
    } catch (error) {
      throw classifyExchangeError(error, `${id} loadMarkets`);
    }
    // ccxt turns an unparsable markets response into "no markets" without throwing; caching
    // that would mark every symbol unknown for a whole TTL.
    if (Object.keys(all).length === 0) {
      throw new TransientError(`${id} loadMarkets returned no markets at all (malformed response?)`, { code: 'EMPTY_MARKETS' });
    }
    // Also refresh what the cache already tracked, so watchlists sharing it do not evict each other.
    const previous = cached === undefined ? [] : [...Object.keys(cached.markets), ...cached.unknown];
    const tracked = [...new Set([...requested, ...previous])];
    const markets: Record<string, unknown> = {};
    const unknown: string[] = [];
    for (const symbol of tracked) {
      const market = Object.hasOwn(all, symbol) ? all[symbol] : undefined;
      if (isUsable(market)) markets[symbol] = market;
      else unknown.push(symbol);
    }
    // Same view as a cache hit: only the tracked markets, so unknown symbols fail the same way.
    useMarkets(markets);
    prepared = true;
    const snapshot: MarketsSnapshot = { exchange: id, fetchedAt: clock.now(), markets, unknown };
    await writeCache(snapshot);
    hold(snapshot); // only once cached: after a failed write the next prepare() reloads and retries it
    return {
      known: requested.filter((s) => Object.hasOwn(markets, s)),
      unknown: requested.filter((s) => !Object.hasOwn(markets, s)),
      fromCache: false,
    };
  }

  async function fetchCandles(symbol: string, timeframe: string, limit: number): Promise<readonly (readonly unknown[])[]> {
    if (!prepared) {
      throw new PermanentError(`${id}: fetchCandles(${symbol}) before prepare()`, { code: 'NOT_PREPARED' });
    }
    try {
      return await exchange.fetchOHLCV(symbol, timeframe, undefined, limit);
    } catch (error) {
      throw classifyExchangeError(error, `${id} fetchOHLCV ${symbol} ${timeframe}`);
    }
  }

  return {
    id,
    ccxt: exchange,
    prepare,
    fetchCandles,
    candleRequestSpacing: (limit: number) => candleRequestSpacing(exchange, limit),
  };
}
