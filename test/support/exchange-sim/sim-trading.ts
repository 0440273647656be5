/**
 * The trading side of the Binance spot simulator (issue 15). `startBinanceSim({ ..., account })`
 * serves, next to exchangeInfo/klines/time:
 *
 *   POST   /api/v3/order            LIMIT (GTC) and MARKET, newClientOrderId (≤ 36 of [A-Za-z0-9._:-]),
 *                                   newOrderRespType ACK | RESULT | FULL (default FULL: fills with commission)
 *   GET    /api/v3/order            by orderId or origClientOrderId (the latest order with that id);
 *                                   -2013 "Order does not exist."
 *   DELETE /api/v3/order            cancel (an OCO leg cancels its list); -2011 "Unknown order sent." when not open
 *   GET    /api/v3/openOrders       one symbol or all
 *   GET    /api/v3/myTrades         symbol, startTime/endTime (≤ 24 h apart), fromId, orderId, limit ≤ 1000; oldest
 *                                   first from a start, else the most recent `limit`
 *   GET    /api/v3/account          balances (free/locked), canTrade
 *   POST   /api/v3/orderList/oco    SELL only: aboveType LIMIT_MAKER (abovePrice) + belowType STOP_LOSS_LIMIT
 *                                   (belowStopPrice, belowPrice, belowTimeInForce GTC), listClientOrderId,
 *                                   aboveClientOrderId, belowClientOrderId; needs abovePrice > price > belowStopPrice
 *   GET    /api/v3/ticker/price     the simulator's current price
 *   GET    /sapi/v1/account/apiRestrictions   enableSpotAndMarginTrading, enableWithdrawals
 *   GET    /sapi/v1/capital/config/getall     [] (ccxt's fetchCurrencies once keys are set)
 *
 * Signed requests are checked like Binance (signed.ts): X-MBX-APIKEY (-2014/-2015), HMAC-SHA256
 * signature (-1022), timestamp vs recvWindow against the server clock (-1021; `setClockSkew`).
 * Orders are checked against the exchangeInfo filters (PRICE_FILTER, LOT_SIZE, NOTIONAL → -1013
 * "Filter failure: …"), the balance (-2010 "Account has insufficient balance for requested
 * action.") and open orders with the same client order id (-2010 "Duplicate order sent."; a
 * finished order's id may be used again, as on Binance). Matching model: order-book.ts.
 * Request weight: weight.ts (429 past the per-minute limit).
 *
 * Control and inspection (on the object startBinanceSim returns):
 *   orders()                 every order incl. OCO legs (`market` = ccxt symbol), oldest first
 *   fills()                  every fill (trade), oldest first
 *   balances()               { asset: { free, locked, total } }
 *   setBalance(asset, free)  sets a free balance
 *   price(symbol) / setPrice(symbol, price)   current price; setPrice matches resting orders
 *                            (fills limits, triggers stop legs, expires the other OCO leg)
 *   setFillPlan(clientOrderIdOrSymbol, [0.3, 0.7] | undefined)   partial fills over successive
 *                            queries (GET /api/v3/order) of that order / of every later LIMIT order
 *                            of that symbol (`BTC/USDT`)
 *   setOrderFault(kind, fault | undefined)   faults per request kind (order-faults.ts): status
 *                            (5xx/429/418 + Retry-After, optionally after executing), timeout,
 *                            lostAnswer (executed, connection destroyed or left hanging), reject
 *                            (insufficient balance, filter failure, OCO refused), clockSkew, error
 *   setClockSkew(ms)         the server clock runs `ms` ahead of the wall clock (negative: behind)
 *   creations(clientOrderId) how many orders were created with that client order id
 */
import { toBinanceId, type SimSymbol } from './binance-payloads.js';
import { OrderBook } from './order-book.js';
import { OrderFaultBook, type OrderFault, type OrderRequestKind } from './order-faults.js';
import type { OrderRoutesDeps, SimAccountOptions } from './order-routes.js';
import type { SimFill, SimOrder } from './order-types.js';
import { SimLedger } from './sim-ledger.js';

export type { OrderFault, OrderRequestKind } from './order-faults.js';
export type { SimAccountOptions } from './order-routes.js';
export type { SimFill, SimOrder, SimOrderStatus, SimOrderType, SimSide } from './order-types.js';
export type { SimCommission } from './sim-ledger.js';

export interface SimTradingControls {
  orders(): (SimOrder & { readonly market: string })[];
  fills(): (SimFill & { readonly market: string })[];
  balances(): Record<string, { readonly free: number; readonly locked: number; readonly total: number }>;
  setBalance(asset: string, free: number): void;
  price(symbol: string): number;
  setPrice(symbol: string, price: number): void;
  setFillPlan(clientOrderIdOrSymbol: string, fractions: readonly number[] | undefined): void;
  setOrderFault(kind: OrderRequestKind, fault: OrderFault | undefined): void;
  setClockSkew(ms: number): void;
  creations(clientOrderId: string): number;
}

export interface SimTrading {
  readonly deps: OrderRoutesDeps;
  readonly controls: SimTradingControls;
  /** The server clock (wall clock + skew). */
  serverTime(): number;
}

export function createSimTrading(options: {
  readonly symbols: ReadonlyMap<string, SimSymbol>;
  readonly account: SimAccountOptions | undefined;
  readonly wallClock: () => number;
  readonly defaultPrice: (id: string) => number;
}): SimTrading {
  const { symbols, account, wallClock } = options;
  let skewMs = 0;
  const serverTime = (): number => wallClock() + skewMs;
  const ledger = new SimLedger(account?.balances ?? {});
  const book = new OrderBook({ symbols, ledger, commission: account?.commission ?? {}, defaultPrice: options.defaultPrice, clock: serverTime });
  const faults = new OrderFaultBook();
  const market = (id: string): string => symbols.get(id)?.symbol ?? id;
  const known = (symbol: string): string => {
    const id = toBinanceId(symbol);
    if (!symbols.has(id)) throw new RangeError(`the simulator does not list ${symbol}`);
    return id;
  };
  return {
    deps: { book, ledger, symbols, faults, account, serverTime },
    serverTime,
    controls: {
      orders: () => book.orders().map((o) => ({ ...o, market: market(o.symbol) })),
      fills: () => book.fills().map((f) => ({ ...f, market: market(f.symbol) })),
      balances: () => ledger.snapshot(),
      setBalance: (asset, free) => ledger.set(asset, free),
      price: (symbol) => book.price(known(symbol)),
      setPrice: (symbol, price) => book.setPrice(known(symbol), price),
      setFillPlan: (key, fractions) => book.setFillPlan(key.includes('/') ? known(key) : key, fractions),
      setOrderFault: (kind, fault) => faults.set(kind, fault),
      setClockSkew: (ms) => {
        skewMs = ms;
      },
      creations: (clientOrderId) => book.creations(clientOrderId),
    },
  };
}
