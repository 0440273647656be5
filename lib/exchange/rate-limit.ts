/**
 * How far apart ccxt's rate limiter (`enableRateLimit`, leaky bucket) spaces candle requests.
 *
 * ccxt throttles every REST call by `rateLimit` (ms per unit of cost) × the endpoint's cost
 * from the exchange's own `api` definitions (e.g. binance spot `klines` costs 0.4 with
 * `rateLimit` 50 → 20 ms). The cost is read from those definitions through ccxt's own
 * `calculateRateLimiterCost` (limit-dependent costs included); only the identity of the
 * endpoint `fetchOHLCV` uses for spot markets is listed here, per exchange.
 */
import type { Exchange } from 'ccxt';
import { PermanentError } from '../errors.js';

interface EndpointRef {
  /** Path of keys into `exchange.api` above the HTTP method, e.g. ['public']. */
  readonly api: readonly string[];
  readonly method: 'get';
  readonly path: string;
}

/** The REST endpoint each exchange's `fetchOHLCV` calls for a spot market without `since`. */
const SPOT_CANDLE_ENDPOINTS: Readonly<Record<string, EndpointRef>> = {
  binance: { api: ['public'], method: 'get', path: 'klines' },
  bybit: { api: ['public'], method: 'get', path: 'v5/market/kline' },
  phemex: { api: ['public'], method: 'get', path: 'md/v2/kline' },
};

export interface CandleRequestSpacing {
  /** ccxt `rateLimit`: ms per unit of cost. */
  readonly rateLimitMs: number;
  /** Cost of one candle request of this `limit`, from ccxt's api definitions. */
  readonly cost: number;
  /** Minimum time between two candle requests' starts: `rateLimitMs × cost`. */
  readonly spacingMs: number;
  /** e.g. `public GET klines`. */
  readonly endpoint: string;
}

function lookupConfig(exchange: Exchange, ref: EndpointRef): Record<string, unknown> | undefined {
  let node: unknown = exchange.api;
  for (const key of [...ref.api, ref.method, ref.path]) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  if (typeof node === 'number') return { cost: node };
  return typeof node === 'object' && node !== null ? (node as Record<string, unknown>) : undefined;
}

/**
 * Rate-limit spacing for one `fetchOHLCV(symbol, tf, undefined, limit)` on a spot market of
 * `exchange`. Throws PermanentError `NOT_SUPPORTED` for exchanges without a known endpoint.
 */
export function candleRequestSpacing(exchange: Exchange, limit: number): CandleRequestSpacing {
  const ref = Object.hasOwn(SPOT_CANDLE_ENDPOINTS, exchange.id) ? SPOT_CANDLE_ENDPOINTS[exchange.id] : undefined;
  const config = ref === undefined ? undefined : lookupConfig(exchange, ref);
  if (ref === undefined || config === undefined) {
    throw new PermanentError(`no known candle endpoint for ${exchange.id} in its ccxt api definitions`, {
      code: 'NOT_SUPPORTED',
    });
  }
  const typeArgument = ref.api.length === 1 ? ref.api[0] : ref.api;
  const raw: unknown = exchange.calculateRateLimiterCost(typeArgument, 'GET', ref.path, { symbol: 'X', limit }, config);
  const cost = typeof raw === 'number' && Number.isFinite(raw) ? raw : 1;
  const rateLimitMs = typeof exchange.rateLimit === 'number' && exchange.rateLimit > 0 ? exchange.rateLimit : 0;
  return { rateLimitMs, cost, spacingMs: rateLimitMs * cost, endpoint: `${ref.api.join('.')} GET ${ref.path}` };
}
