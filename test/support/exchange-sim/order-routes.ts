/**
 * The simulator's account and order endpoints (Binance spot REST shapes): parses and checks
 * each request, applies the per-kind fault, runs it on the order book and serialises the answer.
 */
import { randomBytes } from 'node:crypto';
import type { SimSymbol } from './binance-payloads.js';
import { statusBody } from './faults.js';
import type { OrderBook, SimFill, SimOrder } from './order-book.js';
import type { OrderFault, OrderFaultBook, OrderRequestKind } from './order-faults.js';
import {
  checkClientOrderId, decimalParam, filterFailure, insufficientBalance, MSG, requiredString, SimError, stringParam,
} from './order-rules.js';
import type { SimCommission, SimLedger } from './sim-ledger.js';
import { verifySigned, type SimKeys } from './signed.js';

export interface SimAccountOptions extends SimKeys {
  /** Free balances at start, e.g. `{ USDT: 1000 }`. */
  readonly balances?: Readonly<Record<string, number>>;
  /** false: every new order is refused with "This account may not place or cancel orders." (default true). */
  readonly canTrade?: boolean;
  /** apiRestrictions.enableWithdrawals (default false). */
  readonly enableWithdrawals?: boolean;
  readonly commission?: SimCommission;
}

export type RouteResult =
  | { readonly kind: 'answer'; readonly status: number; readonly type: string; readonly text: string; readonly headers?: Record<string, string> }
  | { readonly kind: 'destroy' }
  | { readonly kind: 'hang' };

export interface OrderRoutesDeps {
  readonly book: OrderBook;
  readonly ledger: SimLedger;
  readonly symbols: ReadonlyMap<string, SimSymbol>;
  readonly faults: OrderFaultBook;
  readonly account: SimAccountOptions | undefined;
  readonly serverTime: () => number;
}

interface Route {
  readonly kind: OrderRequestKind | 'capitalConfig';
  readonly signed: boolean;
  readonly run: (p: URLSearchParams, d: OrderRoutesDeps) => unknown;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const s8 = (x: number): string => x.toFixed(8);
const answer = (status: number, body: unknown): RouteResult => ({ kind: 'answer', status, type: JSON_TYPE, text: JSON.stringify(body) });
const randomClientId = (): string => randomBytes(16).toString('base64url').slice(0, 22);

export function orderJson(o: SimOrder): Record<string, unknown> {
  return {
    symbol: o.symbol, orderId: o.orderId, orderListId: o.orderListId, clientOrderId: o.clientOrderId, price: s8(o.price),
    origQty: s8(o.origQty), executedQty: s8(o.executedQty), cummulativeQuoteQty: s8(o.cummulativeQuoteQty), status: o.status,
    timeInForce: 'GTC', type: o.type, side: o.side, stopPrice: s8(o.stopPrice),
    icebergQty: s8(0), time: o.time, updateTime: o.updateTime, isWorking: o.type !== 'STOP_LOSS_LIMIT' || o.triggered,
    workingTime: o.time, origQuoteOrderQty: s8(0), selfTradePreventionMode: 'EXPIRE_MAKER',
  };
}

const fillJson = (f: SimFill): Record<string, unknown> => ({
  price: s8(f.price), qty: s8(f.qty), commission: s8(f.commission), commissionAsset: f.commissionAsset, tradeId: f.tradeId,
});

const tradeJson = (f: SimFill): Record<string, unknown> => ({
  symbol: f.symbol, id: f.tradeId, orderId: f.orderId, orderListId: f.orderListId, price: s8(f.price), qty: s8(f.qty),
  quoteQty: s8(f.quoteQty), commission: s8(f.commission), commissionAsset: f.commissionAsset, time: f.time,
  isBuyer: f.side === 'BUY', isMaker: f.isMaker, isBestMatch: true,
});

function symbolId(p: URLSearchParams, d: OrderRoutesDeps): string {
  const id = requiredString(p, 'symbol');
  if (!d.symbols.has(id)) throw new SimError(400, -1121, 'Invalid symbol.');
  return id;
}

function orderRef(p: URLSearchParams): { orderId?: number; clientOrderId?: string } {
  const orderId = stringParam(p, 'orderId');
  const clientOrderId = stringParam(p, 'origClientOrderId');
  if (orderId !== undefined) return { orderId: Number(orderId) };
  if (clientOrderId !== undefined) return { clientOrderId };
  throw new SimError(400, -1102, "Param 'origClientOrderId' or 'orderId' must be sent, but both were empty/null!");
}

function clientId(p: URLSearchParams, name: string): string {
  const id = stringParam(p, name) ?? randomClientId();
  checkClientOrderId(id, name);
  return id;
}

function createOrder(p: URLSearchParams, d: OrderRoutesDeps): unknown {
  const symbol = symbolId(p, d);
  const side = requiredString(p, 'side');
  if (side !== 'BUY' && side !== 'SELL') throw new SimError(400, -1117, 'Invalid side.');
  const type = requiredString(p, 'type');
  if (type !== 'LIMIT' && type !== 'MARKET') throw new SimError(400, -1116, 'Invalid orderType.');
  const quantity = decimalParam(p, 'quantity', true);
  let price: number | undefined;
  if (type === 'LIMIT') {
    const tif = requiredString(p, 'timeInForce');
    if (tif !== 'GTC') throw new SimError(400, -1115, 'Invalid timeInForce.');
    price = decimalParam(p, 'price', true);
  } else if (p.has('price')) {
    throw new SimError(400, -1106, "Parameter 'price' sent when not required.");
  }
  const clientOrderId = clientId(p, 'newClientOrderId');
  if (d.account?.canTrade === false) throw new SimError(400, -2010, 'This account may not place or cancel orders.');
  const { order, fills } = d.book.place({ symbol, side, type, quantity, clientOrderId, ...(price === undefined ? {} : { price }) });
  const respType = stringParam(p, 'newOrderRespType') ?? 'FULL';
  if (respType === 'ACK') return { symbol, orderId: order.orderId, orderListId: -1, clientOrderId, transactTime: order.time };
  const { time: _time, updateTime: _u, isWorking: _w, icebergQty: _i, stopPrice: _s, ...rest } = orderJson(order);
  const result = { ...rest, transactTime: order.time, workingTime: order.time };
  return respType === 'RESULT' ? result : { ...result, fills: fills.map(fillJson) };
}

function createOco(p: URLSearchParams, d: OrderRoutesDeps): unknown {
  const symbol = symbolId(p, d);
  if (requiredString(p, 'side') !== 'SELL') throw new SimError(400, -1013, 'The simulator supports SELL OCO lists only.');
  if (requiredString(p, 'aboveType') !== 'LIMIT_MAKER') throw new SimError(400, -1116, 'Invalid orderType.');
  if (requiredString(p, 'belowType') !== 'STOP_LOSS_LIMIT') throw new SimError(400, -1116, 'Invalid orderType.');
  if (requiredString(p, 'belowTimeInForce') !== 'GTC') throw new SimError(400, -1115, 'Invalid timeInForce.');
  const oco = {
    symbol, quantity: decimalParam(p, 'quantity', true), abovePrice: decimalParam(p, 'abovePrice', true),
    belowStopPrice: decimalParam(p, 'belowStopPrice', true), belowPrice: decimalParam(p, 'belowPrice', true),
    listClientOrderId: clientId(p, 'listClientOrderId'), aboveClientOrderId: clientId(p, 'aboveClientOrderId'),
    belowClientOrderId: clientId(p, 'belowClientOrderId'),
  };
  if (d.account?.canTrade === false) throw new SimError(400, -2010, 'This account may not place or cancel orders.');
  const legs = d.book.placeOco(oco);
  const first = legs[0]!;
  return {
    orderListId: first.orderListId, contingencyType: 'OCO', listStatusType: 'EXEC_STARTED', listOrderStatus: 'EXECUTING',
    listClientOrderId: oco.listClientOrderId, transactionTime: first.time, symbol,
    orders: legs.map((o) => ({ symbol, orderId: o.orderId, clientOrderId: o.clientOrderId })),
    orderReports: legs.map((o) => {
      const { time: _t, updateTime: _u, isWorking: _w, icebergQty: _i, ...rest } = orderJson(o);
      return { ...rest, transactTime: o.time };
    }),
  };
}

function myTrades(p: URLSearchParams, d: OrderRoutesDeps): unknown {
  const symbol = symbolId(p, d);
  const num = (name: string): number | undefined => (p.has(name) ? Number(p.get(name)) : undefined);
  const limit = Math.min(Math.max(num('limit') ?? 500, 1), 1000);
  const [startTime, endTime, fromId, orderId] = [num('startTime'), num('endTime'), num('fromId'), num('orderId')];
  if (startTime !== undefined && endTime !== undefined && endTime - startTime > 86_400_000) {
    throw new SimError(400, -1127, 'More than 24 hours between startTime and endTime.');
  }
  const query = { limit, ...(startTime === undefined ? {} : { startTime }), ...(endTime === undefined ? {} : { endTime }), ...(fromId === undefined ? {} : { fromId }), ...(orderId === undefined ? {} : { orderId }) };
  let trades = d.book.trades(symbol, { ...query, limit: Number.MAX_SAFE_INTEGER });
  // Without a start (time or id) Binance returns the most recent trades.
  trades = startTime === undefined && fromId === undefined ? trades.slice(-limit) : trades.slice(0, limit);
  return trades.map(tradeJson);
}

function account(_p: URLSearchParams, d: OrderRoutesDeps): unknown {
  const balances = Object.entries(d.ledger.snapshot()).map(([asset, b]) => ({ asset, free: s8(b.free), locked: s8(b.locked) }));
  const canTrade = d.account?.canTrade !== false;
  return {
    makerCommission: 10, takerCommission: 10, buyerCommission: 0, sellerCommission: 0,
    commissionRates: { maker: '0.00100000', taker: '0.00100000', buyer: '0.00000000', seller: '0.00000000' },
    canTrade, canWithdraw: true, canDeposit: true, brokered: false, requireSelfTradePrevention: false, preventSor: false,
    updateTime: d.serverTime(), accountType: 'SPOT', balances, permissions: ['SPOT'], uid: 354937868,
  };
}

export const ORDER_ROUTES: Readonly<Record<string, Route>> = {
  'POST /api/v3/order': { kind: 'createOrder', signed: true, run: createOrder },
  'GET /api/v3/order': { kind: 'queryOrder', signed: true, run: (p, d) => orderJson(d.book.query(symbolId(p, d), orderRef(p))) },
  'DELETE /api/v3/order': {
    kind: 'cancelOrder', signed: true,
    run: (p, d) => {
      const ref = orderRef(p);
      const [o] = d.book.cancel(symbolId(p, d), ref).filter((x) => (ref.orderId !== undefined ? x.orderId === ref.orderId : x.clientOrderId === ref.clientOrderId));
      const { time: _t, updateTime: _u, isWorking: _w, icebergQty: _i, ...rest } = orderJson(o!);
      return { ...rest, origClientOrderId: o!.clientOrderId, clientOrderId: stringParam(p, 'newClientOrderId') ?? randomClientId(), transactTime: o!.updateTime };
    },
  },
  'GET /api/v3/openOrders': {
    kind: 'openOrders', signed: true,
    run: (p, d) => d.book.open(p.has('symbol') ? symbolId(p, d) : undefined).map(orderJson),
  },
  'GET /api/v3/myTrades': { kind: 'myTrades', signed: true, run: myTrades },
  'GET /api/v3/account': { kind: 'account', signed: true, run: account },
  'POST /api/v3/orderList/oco': { kind: 'createOco', signed: true, run: createOco },
  'GET /api/v3/ticker/price': {
    kind: 'tickerPrice', signed: false,
    run: (p, d) => {
      const ids = p.has('symbol') ? [symbolId(p, d)] : [...d.symbols.keys()];
      const rows = ids.map((id) => ({ symbol: id, price: s8(d.book.price(id)) }));
      return p.has('symbol') ? rows[0] : rows;
    },
  },
  'GET /sapi/v1/account/apiRestrictions': {
    kind: 'apiRestrictions', signed: true,
    run: (_p, d) => ({
      ipRestrict: false, createTime: 1_700_000_000_000, enableReading: true, enableSpotAndMarginTrading: d.account?.canTrade !== false,
      enableWithdrawals: d.account?.enableWithdrawals === true, enableInternalTransfer: false, enableMargin: false, enableFutures: false,
      permitsUniversalTransfer: false, enableVanillaOptions: false, enablePortfolioMarginTrading: false,
    }),
  },
  // ccxt's fetchCurrencies once keys are set (the trading adapter turns it off): no currencies.
  'GET /sapi/v1/capital/config/getall': { kind: 'capitalConfig', signed: true, run: () => [] },
};

function faultError(fault: Extract<OrderFault, { kind: 'reject' | 'clockSkew' | 'error' }>): SimError {
  switch (fault.kind) {
    case 'reject':
      if (fault.reason === 'insufficientBalance') return insufficientBalance();
      if (fault.reason === 'filterFailure') return filterFailure('NOTIONAL');
      return new SimError(400, -2010, MSG.ocoRefused);
    case 'clockSkew':
      return new SimError(400, -1021, 'Timestamp for this request is outside of the recvWindow.');
    default:
      return new SimError(fault.status, fault.code, fault.msg);
  }
}

/** Runs one request to an order route (`key` = `METHOD /path`). */
export function runOrderRoute(key: string, rawQuery: string, rawBody: string, apiKey: string | undefined, d: OrderRoutesDeps): RouteResult {
  const route = ORDER_ROUTES[key]!;
  try {
    const params = route.signed
      ? verifySigned(d.account, apiKey, rawQuery, rawBody, d.serverTime())
      : new URLSearchParams([rawQuery, rawBody].filter((s) => s !== '').join('&'));
    const fault = route.kind === 'capitalConfig' ? undefined : d.faults.take(route.kind);
    if (fault === undefined) return answer(200, route.run(params, d));
    switch (fault.kind) {
      case 'timeout':
        return { kind: 'hang' };
      case 'lostAnswer':
        route.run(params, d);
        return { kind: fault.how ?? 'destroy' };
      case 'status': {
        if (fault.executed === true) route.run(params, d);
        const body = statusBody(fault.status, fault.body);
        const headers = fault.retryAfterSec === undefined ? undefined : { 'Retry-After': String(fault.retryAfterSec) };
        return { kind: 'answer', status: fault.status, type: body.type, text: body.text, ...(headers === undefined ? {} : { headers }) };
      }
      default:
        throw faultError(fault);
    }
  } catch (error) {
    if (error instanceof SimError) return answer(error.status, { code: error.code, msg: error.message });
    return answer(500, { code: -1000, msg: `An unknown error occurred while processing the request. (${String(error)})` });
  }
}
