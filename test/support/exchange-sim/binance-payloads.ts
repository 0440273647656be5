/** Binance spot REST payload shapes (as the real API sends them) for the simulator. */
import type { SimCandle } from './random-walk.js';

export interface SimSymbol {
  /** ccxt symbol, e.g. `BTC/USDT`. */
  readonly symbol: string;
  /** Binance id, e.g. `BTCUSDT`. */
  readonly id: string;
  readonly base: string;
  readonly quote: string;
  readonly status: string;
  readonly filters: SimFilters;
}

/** The exchangeInfo filters of one symbol (PRICE_FILTER, LOT_SIZE, NOTIONAL), as numbers. */
export interface SimFilters {
  readonly tickSize: number;
  readonly minPrice: number;
  readonly maxPrice: number;
  readonly stepSize: number;
  readonly minQty: number;
  readonly maxQty: number;
  readonly minNotional: number;
  readonly maxNotional: number;
}

export const DEFAULT_FILTERS: SimFilters = Object.freeze({
  tickSize: 0.000001, minPrice: 0.000001, maxPrice: 1_000_000,
  stepSize: 0.00001, minQty: 0.00001, maxQty: 9000,
  minNotional: 5, maxNotional: 9_000_000,
});

export function parseSimSymbol(symbol: string, status = 'TRADING', filters: Partial<SimFilters> = {}): SimSymbol {
  const match = /^([A-Z0-9]+)\/([A-Z0-9]+)$/.exec(symbol);
  if (match === null) throw new RangeError(`simulator symbols look like BASE/QUOTE, got ${JSON.stringify(symbol)}`);
  return { symbol, id: `${match[1]}${match[2]}`, base: match[1]!, quote: match[2]!, status, filters: { ...DEFAULT_FILTERS, ...filters } };
}

/** `BTC/USDT` or `BTCUSDT` → `BTCUSDT`. */
export function toBinanceId(symbol: string): string {
  return symbol.replace('/', '').toUpperCase();
}

function symbolInfo(s: SimSymbol): Record<string, unknown> {
  const f = s.filters;
  const d = (x: number): string => x.toFixed(8);
  return {
    symbol: s.id,
    status: s.status,
    baseAsset: s.base,
    baseAssetPrecision: 8,
    quoteAsset: s.quote,
    quotePrecision: 8,
    quoteAssetPrecision: 8,
    baseCommissionPrecision: 8,
    quoteCommissionPrecision: 8,
    orderTypes: ['LIMIT', 'LIMIT_MAKER', 'MARKET', 'STOP_LOSS_LIMIT', 'TAKE_PROFIT_LIMIT'],
    icebergAllowed: true,
    ocoAllowed: true,
    otoAllowed: true,
    quoteOrderQtyMarketAllowed: true,
    allowTrailingStop: true,
    cancelReplaceAllowed: true,
    isSpotTradingAllowed: true,
    isMarginTradingAllowed: false,
    filters: [
      { filterType: 'PRICE_FILTER', minPrice: d(f.minPrice), maxPrice: d(f.maxPrice), tickSize: d(f.tickSize) },
      { filterType: 'LOT_SIZE', minQty: d(f.minQty), maxQty: d(f.maxQty), stepSize: d(f.stepSize) },
      { filterType: 'MARKET_LOT_SIZE', minQty: '0.00000000', maxQty: '100.00000000', stepSize: '0.00000000' },
      { filterType: 'NOTIONAL', minNotional: d(f.minNotional), applyMinToMarket: true, maxNotional: d(f.maxNotional), applyMaxToMarket: false, avgPriceMins: 5 },
    ],
    permissions: [],
    permissionSets: [['SPOT']],
    defaultSelfTradePreventionMode: 'EXPIRE_MAKER',
    allowedSelfTradePreventionModes: ['EXPIRE_TAKER', 'EXPIRE_MAKER', 'EXPIRE_BOTH'],
  };
}

export function exchangeInfoBody(symbols: readonly SimSymbol[], serverTime: number): unknown {
  return {
    timezone: 'UTC',
    serverTime,
    rateLimits: [
      { rateLimitType: 'REQUEST_WEIGHT', interval: 'MINUTE', intervalNum: 1, limit: 6000 },
      { rateLimitType: 'ORDERS', interval: 'SECOND', intervalNum: 10, limit: 100 },
      { rateLimitType: 'RAW_REQUESTS', interval: 'MINUTE', intervalNum: 5, limit: 61000 },
    ],
    exchangeFilters: [],
    symbols: symbols.map(symbolInfo),
  };
}

/** Binance intervals and their lengths in ms (1M omitted: months are not fixed-length). */
export const INTERVAL_MS: Readonly<Record<string, number>> = {
  '1s': 1_000,
  '1m': 60_000, '3m': 180_000, '5m': 300_000, '15m': 900_000, '30m': 1_800_000,
  '1h': 3_600_000, '2h': 7_200_000, '4h': 14_400_000, '6h': 21_600_000, '8h': 28_800_000, '12h': 43_200_000,
  '1d': 86_400_000, '3d': 259_200_000, '1w': 604_800_000,
};

export type KlineRow = [number, string, string, string, string, string, number, string, number, string, string, string];

/** A Binance kline row: prices and volumes as strings, close time = next open − 1. */
export function klineRow(c: SimCandle, timeframeMs: number): KlineRow {
  const f = (x: number): string => x.toFixed(8);
  return [
    c.openTime, f(c.open), f(c.high), f(c.low), f(c.close), f(c.volume),
    c.openTime + timeframeMs - 1, f(c.volume * c.close), c.trades, f(c.volume / 2), f((c.volume / 2) * c.close), '0',
  ];
}

export function errorBody(code: number, msg: string): string {
  return JSON.stringify({ code, msg });
}
